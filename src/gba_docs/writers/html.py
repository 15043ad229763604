"""Standalone bilingual HTML: side-by-side columns, one CSS grid row per unit, no script.

Everything from the input is escaped; links that could run code are dropped and images are
shown as links (the page loads nothing from the network). Glossary terms, QA findings and
untranslated units are marked. It does no I/O and never re-aligns.
"""

from __future__ import annotations

import datetime as _dt
import html as _html
import json as _json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..model import BilingualDocument, Block, GlossaryHit, Unit
from ._inline import marks_to_html, safe_href, strip_illegal_chars
from .markdown import BlockView, monolingual_views, title_in, unit_view

_LABELS = {
    "zh-Hans": "简体中文", "zh-Hant": "繁體中文", "zh-Hant-HK": "繁體中文（香港）",
    "zh-Hant-MO": "繁體中文（澳門）", "zh-Hant-TW": "繁體中文（台灣）", "en": "English",
}
_HANT = ("zh-Hant", "zh-Hant-HK", "zh-Hant-MO", "zh-Hant-TW")

CSS = """
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0 auto;max-width:1440px;padding:16px 20px 48px;color:#1f2328;background:#fff;
 font:16px/1.75 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
:lang(zh-Hans){font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC",
 "Microsoft YaHei",sans-serif}
:lang(zh-Hant),:lang(zh-Hant-HK),:lang(zh-Hant-MO){font-family:"Noto Sans CJK HK",
 "Source Han Sans HC","PingFang HK","Microsoft JhengHei",sans-serif}
:lang(zh-Hant-TW){font-family:"Noto Sans CJK TC","PingFang TC","Microsoft JhengHei",sans-serif}
header.doc{border-bottom:3px solid #1f6feb;margin-bottom:8px;padding-bottom:8px}
.doc-title{font-size:1.5em;font-weight:700;line-height:1.35;margin:0 0 .25em;
 overflow-wrap:anywhere}
.doc-title span{display:block}
.doc-title span+span{font-size:.8em;font-weight:600;color:#444}
dl.about{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:0 12px;margin:0;
 font-size:.85em;color:#555}
dl.about dt{font-weight:600}
dl.about dd{margin:0;overflow-wrap:anywhere}
details.made{font-size:.85em;color:#555;margin-top:4px}
details.made summary{cursor:pointer}
.bi{--cols:3}
.row{display:grid;grid-template-columns:repeat(var(--cols),minmax(0,1fr));gap:0 28px;
 border-top:1px solid #e3e6ea;padding:10px 0}
.row.head{position:sticky;top:0;z-index:1;background:#f6f8fa;border-top:0;padding:6px 0;
 font-size:.85em;font-weight:700;color:#444}
.cell{min-width:0;overflow-wrap:anywhere}
.cell>:first-child{margin-top:0}
.cell>:last-child{margin-bottom:0}
.cell h1,.cell h2,.cell h3,.cell h4,.cell h5,.cell h6{line-height:1.4;margin:.2em 0}
.cell h1{font-size:1.45em}.cell h2{font-size:1.3em}.cell h3{font-size:1.15em}
.cell h4,.cell h5,.cell h6{font-size:1em}
.cell p{margin:0 0 .5em}
.cell blockquote{margin:0;padding-left:12px;border-left:4px solid #d0d7de;color:#444}
.li{padding-left:calc(1.4em + var(--depth,0) * 1.4em);text-indent:-1.4em}
.caption{font-style:italic;color:#555;font-size:.92em}
.credit{color:#555;font-size:.92em}
.label{font-weight:700}
.image a{color:#0969da}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f6f8fa;padding:8px;margin:0;
 font:13px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em}
table{border-collapse:collapse;width:100%;table-layout:fixed}
td,th{border:1px solid #d0d7de;padding:3px 6px;vertical-align:top;overflow-wrap:anywhere}
a{color:#0969da;overflow-wrap:anywhere}
mark{background:#fff59d;color:inherit}
.term{background:#e6f4ea;border-bottom:2px dotted #1a7f37;cursor:help}
.untranslated{color:#b42318;font-style:italic}
.row.untranslated-row{background:#fff8f7}
.row.has-qa{background:#fffbe6}
.qa{grid-column:1/-1;margin:6px 0 0;padding:4px 10px;list-style:none;font-size:.85em;
 border-left:4px solid #bf8700;background:#fff8c5}
.qa li{overflow-wrap:anywhere}
.qa .error{color:#b42318}
.origin{display:block;font-size:.72em;color:#6e7781}
hr.rule{grid-column:1/-1;width:100%;border:0;border-top:2px dashed #d0d7de;margin:4px 0}
@media (max-width:600px){
 body{padding:10px 12px 32px;font-size:15px}
 .row,.bi .row{grid-template-columns:minmax(0,1fr)}
 .row.head{display:none}
 .cell+.cell{margin-top:8px;padding-top:6px;border-top:1px dashed #d0d7de}
 .cell::before{content:attr(data-label);display:block;font-size:.7em;color:#6e7781}
 dl.about{grid-template-columns:minmax(0,1fr)}
}
@media print{
 body{max-width:none;padding:0;font-size:10.5pt;color:#000}
 .row.head{position:static}
 .row{break-inside:avoid;page-break-inside:avoid}
 .row.has-qa,.row.untranslated-row,.qa{background:none}
 a{color:#000;text-decoration:underline}
 a[href^="http"]::after{content:" (" attr(href) ")";font-size:.8em}
 .term{background:none;border-bottom:1px solid #000}
 details.made>dl{display:grid}
}
""".strip()


CSP_META = ("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "style-src 'unsafe-inline'; img-src data:\">")
"""No script, no network: even a bug in escaping could not run or fetch anything."""


@dataclass
class _Span:
    """A glossary term over a cell's text (duck-typed like `Mark` for `_inline.nest`)."""

    start: int
    end: int
    attrs: dict[str, str] = field(default_factory=dict)
    kind: str = "term"


def esc(text: Any) -> str:
    """Escape anything for HTML text or a quoted attribute.

    >>> esc('<script>alert("x")</script>')
    '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
    """
    return _html.escape(strip_illegal_chars(str(text)), quote=True)


def term_english(bi: BilingualDocument) -> dict[str, str]:
    """term_id → approved English, from `provenance["glossary_terms"]` (str or {"en": …})."""
    table = bi.provenance.get("glossary_terms") or {}
    out: dict[str, str] = {}
    if isinstance(table, dict):
        for term_id, value in table.items():
            en = value.get("en") if isinstance(value, dict) else value
            if isinstance(en, str) and en:
                out[str(term_id)] = en
    return out


def _term_title(hit: GlossaryHit, english: dict[str, str]) -> str:
    en = english.get(hit.term_id)
    return f"{hit.matched} → {en} ({hit.term_id})" if en else f"glossary term {hit.term_id}"


def glossary_spans(unit: Unit, view: str, text: str, english: dict[str, str]) -> list[_Span]:
    """Glossary highlights for one view of a unit.

    Hits whose `variant` is the view's own tag (or "en") use their offsets directly; zh-Hans
    hits are projected onto another script when the texts have equal length (OpenCC maps
    character by character), else found by the matched text. English is found by the term's
    approved English, case-insensitively.
    """
    spans: list[_Span] = []
    zh_hans = unit.zh.get("zh-Hans", "")
    for hit in unit.glossary_hits:
        title = _term_title(hit, english)
        attrs = {"title": title, "term": hit.term_id}
        own = hit.variant == view or (hit.variant == "en" and view == "en")
        hans_hit = hit.variant not in _HANT and hit.variant != "en"
        if own or (hans_hit and view == "zh-Hans"):
            if hit.end <= len(text) and hit.end > hit.start:
                spans.append(_Span(hit.start, hit.end, attrs))
            continue
        if view == "en":
            en = english.get(hit.term_id)
            if en:
                spans.extend(_Span(m.start(), m.end(), attrs) for m in _find_word(text, en))
            continue
        if hans_hit and view in _HANT:
            if len(text) == len(zh_hans) and hit.end <= len(text) and hit.end > hit.start:
                spans.append(_Span(hit.start, hit.end, attrs))
            else:
                pos = text.find(hit.matched) if hit.matched else -1
                if pos >= 0:
                    spans.append(_Span(pos, pos + len(hit.matched), attrs))
    return spans


def _find_word(text: str, term: str) -> list[re.Match[str]]:
    pattern = re.escape(term)
    if re.match(r"\w", term, re.ASCII):
        pattern = r"(?<![\w])" + pattern
    if re.search(r"\w$", term, re.ASCII):
        pattern += r"(?![\w])"
    return list(re.finditer(pattern, text, re.IGNORECASE))


def _inline(view: BlockView, terms: Sequence[_Span]) -> str:
    spans: list[Any] = [*terms, *view.marks]
    return marks_to_html(view.text, spans).replace("\n", "<br>")


def render_cell_block(view: BlockView, terms: Sequence[_Span] = ()) -> str:
    """HTML for one language of one unit (the content of a grid cell).

    >>> render_cell_block(BlockView("heading", "<b>论坛</b>", level=2))
    '<h2>&lt;b&gt;论坛&lt;/b&gt;</h2>'
    """
    kind = view.kind
    if kind == "raw":
        return f"<pre><code>{esc(view.text)}</code></pre>"
    if kind == "table":
        return _table(view.rows or [[view.text]], view.header_rows)
    if kind == "image":
        href = safe_href(view.src) if view.src else None
        alt = esc(view.text or view.src or "image")
        if href:
            return f'<p class="image">🖼 <a href="{esc(href)}" rel="noopener noreferrer">{alt}</a></p>'
        return f'<p class="image">🖼 {alt}</p>'
    inner = _inline(view, terms)
    if kind == "heading":
        level = max(1, min(view.level, 6))
        return f"<h{level}>{inner}</h{level}>"
    if kind == "quote":
        return f"<blockquote><p>{inner}</p></blockquote>"
    if kind == "list_item":
        marker = f"{view.number or 1}. " if view.ordered else "• "
        return f'<p class="li" style="--depth:{view.depth}">{esc(marker)}{inner}</p>'
    if kind in ("caption", "credit", "label"):
        return f'<p class="{kind}">{inner}</p>'
    return f"<p>{inner}</p>"


def _table(rows: list[list[str]], header_rows: int) -> str:
    parts = ["<table>"]
    for i, row in enumerate(rows):
        tag = "th" if i < header_rows else "td"
        parts.append("<tr>" + "".join(f"<{tag}>{esc(c)}</{tag}>" for c in row) + "</tr>")
    parts.append("</table>")
    return "".join(parts)


def _origin_note(unit: Unit) -> str:
    o = unit.origin
    if o is None:
        return ""
    bits = [o.kind] + [b for b in (o.engine, o.model_version) if b]
    return f'<span class="origin">{esc(" · ".join(bits))}</span>'


def _qa_list(unit: Unit) -> str:
    if not unit.qa:
        return ""
    items = "".join(
        f'<li class="{esc(d.severity)}">⚠ <b>{esc(d.code)}</b>: {esc(d.message)}</li>'
        for d in unit.qa
    )
    return f'<ul class="qa" lang="en">{items}</ul>'


def _header(bi: BilingualDocument, views: list[str]) -> str:
    meta = bi.source.meta
    titles = [(v, title_in(bi, v)) for v in views]
    title_html = "".join(f'<span lang="{esc(v)}">{esc(t)}</span>' for v, t in titles if t)
    about: list[tuple[str, str]] = []
    date = meta.date.isoformat() if isinstance(meta.date, (_dt.date, _dt.datetime)) else None
    if date or meta.date_raw:
        about.append(("Date", esc(date or meta.date_raw)))
    if meta.author:
        about.append(("Author", esc(meta.author)))
    source_bits = []
    if meta.source_name:
        source_bits.append(esc(meta.source_name))
    href = safe_href(meta.source_url) if meta.source_url else None
    if href:
        source_bits.append(f'<a href="{esc(href)}" rel="noopener noreferrer">{esc(href)}</a>')
    if bi.source.source.path:
        source_bits.append(esc(bi.source.source.path))
    if source_bits:
        about.append(("Source", " · ".join(source_bits)))
    about.append(("Units", esc(_counts(bi))))
    made: list[tuple[str, str]] = []
    for key, value in bi.provenance.items():
        if key == "glossary_terms" or value in (None, "", {}, []):
            continue
        shown = value if isinstance(value, str) else _json.dumps(value, ensure_ascii=False,
                                                                  default=str)
        made.append((esc(key), esc(shown)))
    rows = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in about)
    made_rows = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in made)
    details = (f'<details class="made" lang="en"><summary>How this was made</summary>'
               f'<dl class="about">{made_rows}</dl></details>' if made else "")
    return (f'<header class="doc"><div class="doc-title">{title_html}</div>'
            f'<dl class="about" lang="en">{rows}</dl>{details}</header>')


def _counts(bi: BilingualDocument) -> str:
    total = sum(1 for u in bi.units if u.kind not in ("rule",))
    untranslated = sum(1 for u in bi.units if u.en is None and u.kind not in ("rule", "raw"))
    qa = sum(len(u.qa) for u in bi.units)
    return f"{total} units, {untranslated} untranslated, {qa} QA findings"


def write_html(bi: BilingualDocument) -> str:
    """One standalone HTML page, columns per Chinese script plus English, no JavaScript."""
    views = [v for v in monolingual_views(bi) if v != "en"] + ["en"]
    english = term_english(bi)
    blocks: dict[str, Block] = {b.id: b for b in bi.source.blocks}
    title = bi.source.meta.title or next((u.zh.get("zh-Hans") for u in bi.units
                                          if u.kind == "heading"), None) or "gba-docs"
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-Hans">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        CSP_META,
        '<meta name="generator" content="gba-docs">',
        f"<title>{esc(title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        _header(bi, views),
        f'<main class="bi" style="--cols:{len(views)}">',
        '<div class="row head">' + "".join(
            f'<div class="cell" lang="{esc(v)}">{esc(_LABELS.get(v, v))}</div>' for v in views
        ) + "</div>",
    ]
    for unit in bi.units:
        out.append(_row(unit, views, blocks.get(unit.id), english))
    out.extend(["</main>", "</body>", "</html>", ""])
    return "\n".join(out)


def _row(unit: Unit, views: list[str], block: Block | None, english: dict[str, str]) -> str:
    uid = esc(unit.id)
    if unit.kind == "rule":
        return f'<div class="row" id="u-{uid}"><hr class="rule"></div>'
    classes = ["row", f"kind-{esc(unit.kind)}"]
    if unit.en is None and unit.kind != "raw":
        classes.append("untranslated-row")
    if unit.qa:
        classes.append("has-qa")
    cells = []
    for view in views:
        label = esc(_LABELS.get(view, view))
        present = unit.en is not None if view == "en" else view in unit.zh
        if unit.kind == "raw" and not present:
            source = next(iter(unit.zh.values()), "")
            content = f"<pre><code>{esc(source)}</code></pre>"
        elif not present:
            content = ('<p class="untranslated">[untranslated]</p>' if view == "en"
                       else '<p class="untranslated">—</p>')
        else:
            v = unit_view(unit, view, block)
            terms = glossary_spans(unit, view, v.text, english) if unit.kind not in (
                "table", "raw", "image") else []
            content = render_cell_block(v, terms)
            if view == "en":
                content += _origin_note(unit)
        cells.append(f'<div class="cell" lang="{esc(view)}" data-label="{label}">{content}</div>')
    return f'<section class="{" ".join(classes)}" id="u-{uid}">{"".join(cells)}{_qa_list(unit)}</section>'
