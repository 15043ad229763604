"""Markdown writers: clean monolingual Markdown, bilingual interleaved and two-column tables.

Output is CommonMark (tables: GFM) with YAML front matter; inline marks go through `_inline`
so emphasis renders next to Chinese punctuation. It never re-aligns units and does no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from ..model import BilingualDocument, Block, Document, Mark, Meta, Unit
from ._inline import (
    Element,
    Node,
    code_span,
    copy_tree,
    escape_markdown,
    link_destination,
    nest,
    render_html,
    render_markdown,
    resolve_markdown,
    strip_illegal_chars,
)

UNTRANSLATED = "\\[untranslated\\]"
"""The visible marker for a unit without English (Markdown-escaped `[untranslated]`)."""

_LANG_LABELS = {
    "zh-Hans": "简体中文 (zh-Hans)",
    "zh-Hant": "繁體中文 (zh-Hant)",
    "zh-Hant-HK": "繁體中文（香港）(zh-Hant-HK)",
    "zh-Hant-MO": "繁體中文（澳門）(zh-Hant-MO)",
    "zh-Hant-TW": "繁體中文（台灣）(zh-Hant-TW)",
    "en": "English (en)",
}
_PRIVATE_SENTINELS = re.compile("[\ue000-\ue002]")


# --------------------------------------------------------------------------- options
class MarkdownOptions:
    """Rendering choices: `highlight` "==" or "<mark>"; `engine` "direct" or "markdownify".

    Both engines give CommonMark-valid output and share the delimiter placement. "direct"
    (default) builds runs straight from the marks; "markdownify" renders the marks as HTML and
    reads them back through `CjkMarkdownConverter` — about 3× slower on marked runs (see
    docs/outputs.md and benchmarks/bench_write.py). Plain text always takes the fast path.
    """

    def __init__(self, *, highlight: str = "==", engine: str = "direct") -> None:
        if highlight not in ("==", "<mark>"):
            raise ValueError(f"highlight must be '==' or '<mark>', not {highlight!r}")
        if engine not in ("markdownify", "direct"):
            raise ValueError(f"engine must be 'markdownify' or 'direct', not {engine!r}")
        self.highlight = highlight
        self.engine = engine


DEFAULT_OPTIONS = MarkdownOptions()


def render_inline(text: str, marks: Sequence[Mark], options: MarkdownOptions = DEFAULT_OPTIONS) -> str:
    """Inline Markdown for one run of text: the plain fast path, or the chosen marks engine.

    >>> render_inline("科技是第一生产力。当前", [Mark(kind="highlight", start=0, end=9)])
    '==科技是第一生产力==。当前'
    """
    if not marks or options.engine == "direct" or _PRIVATE_SENTINELS.search(text):
        return render_markdown(text, marks, highlight=options.highlight)
    fragment = render_html(nest(text, marks))
    tree = _converter().tree(fragment)
    return resolve_markdown(lambda: copy_tree(tree), highlight=options.highlight)


_CONVERTER: Any = None


def _converter() -> Any:
    global _CONVERTER
    if _CONVERTER is None:
        _CONVERTER = _make_converter()
    return _CONVERTER


def _make_converter() -> Any:
    """Build the markdownify subclass lazily (markdownify imports BeautifulSoup)."""
    from markdownify import MarkdownConverter

    open_, sep, close = "\ue000", "\ue001", "\ue002"

    def wrap(kind: str, text: str, attrs: dict[str, str] | None = None) -> str:
        if not text:
            return ""
        packed = "\ue003".join(f"{k}\ue004{v}" for k, v in (attrs or {}).items())
        return f"{open_}{kind}{sep}{packed}{sep}{text}{close}"

    def inline(kind: str) -> Callable[..., str]:
        def convert(self: Any, el: Any, text: str, parent_tags: Any) -> str:
            return wrap(kind, text)

        return convert

    class CjkMarkdownConverter(MarkdownConverter):  # type: ignore[misc]
        """markdownify with Chinese-safe settings; inline tags become runs for `_inline`.

        Settings: ATX headings, misc escaping, `<mark>`/`<span style=background>` → highlight,
        `<font color>` → emphasis. Text stays raw here; escaping and placing the delimiters
        off CJK punctuation happen when the runs are resolved (`_inline.resolve_markdown`).
        """

        def escape(self, text: str, parent_tags: Any) -> str:
            return text

        def process_text(self, el: Any, parent_tags: Any = None) -> str:
            # keep text exactly: markdownify's whitespace folding would change the content
            return str(el) if el is not None else ""

        convert_b = convert_strong = inline("strong")
        convert_i = convert_em = inline("emphasis")
        convert_mark = inline("highlight")
        convert_del = convert_s = convert_strike = inline("strike")
        convert_u = inline("underline")
        convert_sup = inline("superscript")
        convert_sub = inline("subscript")
        convert_font = inline("emphasis")

        def convert_span(self, el: Any, text: str, parent_tags: Any) -> str:
            style = (el.get("style") or "").replace(" ", "").lower()
            return wrap("highlight", text) if "background" in style else text

        def convert_code(self, el: Any, text: str, parent_tags: Any) -> str:
            return wrap("code", el.get_text())

        def convert_a(self, el: Any, text: str, parent_tags: Any) -> str:
            attrs = {"href": el.get("href") or ""}
            if el.get("title"):
                attrs["title"] = el.get("title")
            return wrap("link", text, attrs)

        def tree(self, fragment: str) -> list[Node]:
            """Parse an inline HTML fragment into nested runs."""
            return _parse_runs(self.convert(fragment))

    return CjkMarkdownConverter(heading_style="ATX", escape_misc=True, bullets="-")


def _parse_runs(marked: str) -> list[Node]:
    root: list[Node] = []
    stack: list[Element] = []
    uid = 0
    pos = 0
    for m in re.finditer("\ue000([^\ue001]*)\ue001([^\ue001]*)\ue001|\ue002", marked):
        if m.start() > pos:
            (stack[-1].children if stack else root).append(marked[pos : m.start()])
        pos = m.end()
        if m.group(0) == "\ue002":
            stack.pop()
            continue
        uid += 1
        attrs = dict(p.split("\ue004", 1) for p in m.group(2).split("\ue003") if p)
        el = Element(m.group(1), attrs, [], uid)
        (stack[-1].children if stack else root).append(el)
        stack.append(el)
    if pos < len(marked):
        (stack[-1].children if stack else root).append(marked[pos:])
    return root


# --------------------------------------------------------------------------- front matter
def front_matter(data: dict[str, Any]) -> str:
    """YAML front matter (`---` fenced, `yaml.safe_dump`, Unicode kept); empty if no data.

    >>> print(front_matter({"title": "大湾区", "tags": ["a"]}), end="")
    ---
    title: 大湾区
    tags:
    - a
    ---
    """
    import yaml

    clean = _yaml_safe(data)
    if not clean:
        return ""
    body = yaml.safe_dump(clean, allow_unicode=True, sort_keys=False, default_flow_style=False)
    return f"---\n{body}---\n"


def _yaml_safe(value: Any) -> Any:
    if isinstance(value, str):
        return strip_illegal_chars(value)
    if isinstance(value, dict):
        return {str(k): _yaml_safe(v) for k, v in value.items() if v not in (None, [], {}, "")}
    if isinstance(value, (list, tuple)):
        return [_yaml_safe(v) for v in value]
    if value is None or isinstance(value, (int, float, bool)):
        return value
    import datetime as dt

    if isinstance(value, (dt.date, dt.datetime)):
        return value
    return str(value)


def meta_dict(meta: Meta) -> dict[str, Any]:
    """Front-matter keys for a document's metadata; `extra` keys kept as read."""
    data: dict[str, Any] = {}
    for key in ("title", "subtitle", "author", "date", "categories", "tags", "images",
                "source_url", "source_name", "lang"):
        value = getattr(meta, key)
        if key == "date" and value is None:
            value = meta.date_raw
        data[key] = value
    for key, value in meta.extra.items():
        data.setdefault(key, value)
    return data


# --------------------------------------------------------------------------- blocks
class BlockView:
    """What one block looks like in one language: kind, text, marks and layout details."""

    __slots__ = (
        "depth",
        "fmt",
        "header_rows",
        "kind",
        "level",
        "marks",
        "number",
        "ordered",
        "rows",
        "src",
        "text",
    )

    def __init__(self, kind: str, text: str, marks: Sequence[Mark] = (), **info: Any) -> None:
        self.kind = kind
        self.text = text
        self.marks = list(marks)
        self.level = int(info.get("level") or 1)
        self.ordered = bool(info.get("ordered", False))
        self.number = info.get("number")
        self.depth = int(info.get("depth") or 0)
        self.src = str(info.get("src") or "")
        self.rows: list[list[str]] = info.get("rows") or []
        self.header_rows = int(info.get("header_rows") or 0)
        self.fmt = str(info.get("format") or "text")


_LAYOUT_FIELDS = ("level", "ordered", "number", "depth", "src", "rows", "header_rows", "format")


def _layout(block: Block) -> dict[str, Any]:
    fields = type(block).model_fields
    return {k: getattr(block, k) for k in _LAYOUT_FIELDS if k in fields}


def block_view(block: Block) -> BlockView:
    """A document block as a `BlockView`."""
    return BlockView(block.kind, block.text, block.marks, **_layout(block))


def unit_view(unit: Unit, view: str, block: Block | None) -> BlockView:
    """One language of a unit (`view` = script tag or "en") as a `BlockView`."""
    text = unit.en if view == "en" else unit.zh.get(view)
    info: dict[str, Any] = dict(unit.attrs) if unit.attrs else {}
    if block is not None:
        info.update(_layout(block))
    if unit.kind == "table":
        info["rows"] = table_rows(text or "", block, view, unit)
    return BlockView(unit.kind, text or "", unit.marks.get(view, ()), **info)


def table_rows(text: str, block: Block | None, view: str, unit: Unit) -> list[list[str]]:
    """Rows of a table unit in one view.

    `unit.attrs["rows"][view]` wins (the pipeline stores each script's rows there); else the
    source block's rows serve its own script; any other text is split by newline into rows and
    by tab into cells (the convention for a table unit's converted/translated text).
    """
    per_view = unit.attrs.get("rows")
    if isinstance(per_view, dict) and isinstance(per_view.get(view), list):
        return [[str(c) for c in row] for row in per_view[view]]
    source_rows: list[list[str]] = list(getattr(block, "rows", []) or [])
    if source_rows and view != "en":
        joined = "\n".join("\t".join(r) for r in source_rows)
        if not text or text in (joined, getattr(block, "text", None)):
            return [list(r) for r in source_rows]
    if not text:
        return []
    return [line.split("\t") for line in text.split("\n")]


def render_block(view: BlockView, options: MarkdownOptions = DEFAULT_OPTIONS) -> str:
    """Markdown for one block, without the blank line that separates blocks.

    >>> render_block(BlockView("heading", "2025大湾区科学论坛", level=2))
    '## 2025大湾区科学论坛'
    >>> render_block(BlockView("list_item", "一是突出", ordered=True, number=1))
    '1. 一是突出'
    """
    kind = view.kind
    if kind == "rule":
        return "***"
    if kind == "raw":
        return fenced_code(view.text, view.fmt)
    if kind == "table":
        return gfm_table(view.rows or [[view.text]], view.header_rows)
    if kind == "image":
        alt = escape_markdown(view.text).replace("\n", " ")
        return f"![{alt}]({link_destination(view.src)})" if view.src else alt
    marks = view.marks
    if kind == "caption":
        marks = [Mark(kind="emphasis", start=0, end=len(view.text)), *marks]
    inline = render_inline(view.text, marks, options)
    if kind == "heading":
        inline = inline.replace("\\\n", " ")
        if inline.endswith("#"):
            inline = inline[:-1] + "\\#"
        return "#" * max(1, min(view.level, 6)) + (" " + inline if inline else "")
    if kind == "quote":
        return "\n".join("> " + line if line else ">" for line in inline.split("\n"))
    if kind == "list_item":
        marker = f"{min(max(view.number or 1, 0), 999_999_999)}. " if view.ordered else "- "
        indent = " " * len(marker)
        lines = inline.split("\n")
        body = "\n".join([marker + lines[0], *(indent + ln for ln in lines[1:])])
        return "    " * view.depth + body.replace("\n", "\n" + "    " * view.depth)
    return inline


def fenced_code(text: str, info: str = "") -> str:
    """A fenced code block that holds `text` literally (the fence outgrows any inner fence).

    >>> print(fenced_code("a\\n```\\nb", "code"))
    ````
    a
    ```
    b
    ````
    """
    text = strip_illegal_chars(text)
    longest = max((len(r) for r in re.findall(r"`{3,}", text)), default=2)
    fence = "`" * (longest + 1)
    lang = info if info not in ("code", "text", "") and re.fullmatch(r"[\w+.-]+", info) else ""
    return f"{fence}{lang}\n{text}\n{fence}"


def gfm_table(rows: list[list[str]], header_rows: int = 0) -> str:
    """A GFM pipe table; the first row is the header (GFM needs one); pipes escaped.

    >>> print(gfm_table([["地区", "数量"], ["香港", "3|4"]], 1))
    | 地区 | 数量 |
    | --- | --- |
    | 香港 | 3\\|4 |
    """
    if not rows:
        return ""
    width = max(len(r) for r in rows)
    cells = [[table_cell(c) for c in r] + [""] * (width - len(r)) for r in rows]
    head, body = cells[0], cells[1:]
    lines = ["| " + " | ".join(head) + " |", "| " + " | ".join(["---"] * width) + " |"]
    lines.extend("| " + " | ".join(r) + " |" for r in body)
    return "\n".join(lines)


def table_cell(text: str) -> str:
    """Escape plain text for one GFM table cell: newlines become `<br>`."""
    return cell_markdown(escape_markdown(text))


def cell_markdown(md: str) -> str:
    """Make rendered inline Markdown safe inside a GFM table cell."""
    md = md.replace("\\\n", "<br>").replace("\n", "<br>")
    return re.sub(r"(?<!\\)\|", r"\\|", md)


def _join_blocks(rendered: Iterable[tuple[str, str]]) -> str:
    """Blank line between blocks; consecutive list items stay in one list."""
    out: list[str] = []
    prev_kind = ""
    for kind, text in rendered:
        if not text:
            continue
        if out:
            out.append("\n" if kind == prev_kind == "list_item" else "\n\n")
        out.append(text)
        prev_kind = kind
    return "".join(out) + ("\n" if out else "")


def _clamp_depths(views: list[BlockView]) -> list[BlockView]:
    """A nested list item needs a parent just before it, else it would turn into code."""
    prev_depth = -1
    for v in views:
        if v.kind == "list_item":
            v.depth = min(v.depth, prev_depth + 1)
            prev_depth = v.depth
        else:
            v.depth = 0
            prev_depth = -1
    return views


# --------------------------------------------------------------------------- monolingual
def write_clean_markdown(doc: Document, options: MarkdownOptions = DEFAULT_OPTIONS) -> str:
    """The clean monolingual Markdown of a document: front matter + one block per block.

    >>> from gba_docs.model import Heading, Paragraph
    >>> d = Document(blocks=[Heading(id="b0", text="论坛", level=1),
    ...     Paragraph(id="b1", text="注意：粤港澳", marks=[Mark(kind="strong", start=0, end=3)])])
    >>> print(write_clean_markdown(d), end="")
    # 论坛
    <BLANKLINE>
    **注意**：粤港澳
    """
    views = _clamp_depths([block_view(b) for b in doc.blocks])
    head = front_matter(meta_dict(doc.meta))
    body = _join_blocks((v.kind, render_block(v, options)) for v in views)
    return head + ("\n" if head and body else "") + body


def monolingual_views(bi: BilingualDocument) -> list[str]:
    """The views a bilingual document can be written in: its scripts, then "en" if any."""
    views = list(bi.scripts)
    for unit in bi.units:
        for tag in unit.zh:
            if tag not in views:
                views.append(tag)
    if any(u.en is not None for u in bi.units):
        views.append("en")
    return views


def _blocks_by_id(bi: BilingualDocument) -> dict[str, Block]:
    return {b.id: b for b in bi.source.blocks}


def _source_script(bi: BilingualDocument, unit: Unit) -> str:
    if "zh-Hans" in unit.zh:
        return "zh-Hans"
    return next(iter(unit.zh), bi.scripts[0] if bi.scripts else "zh-Hans")


def write_monolingual(bi: BilingualDocument, view: str,
                      options: MarkdownOptions = DEFAULT_OPTIONS) -> str:
    """Clean Markdown of one view (a script tag or "en"); untranslated units are marked.

    >>> from gba_docs.model import Unit
    >>> bi = BilingualDocument(source=Document(), scripts=["zh-Hans"], units=[
    ...     Unit(id="b0", kind="paragraph", zh={"zh-Hans": "论坛开幕"}, en=None)])
    >>> print(write_monolingual(bi, "en"), end="")
    ---
    lang: en
    ---
    <BLANKLINE>
    > \\[untranslated\\] 论坛开幕
    """
    blocks = _blocks_by_id(bi)
    views: list[BlockView] = []
    for unit in bi.units:
        v = unit_view(unit, view, blocks.get(unit.id))
        has_text = (unit.en is not None) if view == "en" else (view in unit.zh)
        if not has_text and unit.kind not in ("rule", "raw"):
            src = unit_view(unit, _source_script(bi, unit), blocks.get(unit.id))
            v = BlockView("untranslated", src.text)
        if unit.kind == "raw" and not v.text:
            v.text = next(iter(unit.zh.values()), "")
        views.append(v)
    views = _clamp_depths(views)
    meta = meta_dict(bi.view_meta.get(view, bi.source.meta))
    meta["lang"] = view
    title = title_in(bi, view)
    if title:
        meta["title"] = title
    head = front_matter(meta)
    body = _join_blocks((v.kind, _render_or_marker(v, options)) for v in views)
    return head + ("\n" if head and body else "") + body


def _render_or_marker(v: BlockView, options: MarkdownOptions) -> str:
    if v.kind == "untranslated":
        text = escape_markdown(v.text).replace("\\\n", " ")
        return f"> {UNTRANSLATED} {text}".rstrip()
    return render_block(v, options)


def _title_unit(bi: BilingualDocument) -> Unit | None:
    title = bi.source.meta.title
    headings = [u for u in bi.units if u.kind == "heading"]
    for unit in headings:
        if title and title.strip() in unit.zh.values():
            return unit
    return headings[0] if headings and not title else None


def title_in(bi: BilingualDocument, view: str) -> str | None:
    """The document title in one view: the title heading's text there, else meta.title."""
    unit = _title_unit(bi)
    if unit is None:
        return (bi.view_meta.get(view, bi.source.meta).title or bi.source.meta.title
                if view != "en" else None)
    return unit.en if view == "en" else unit.zh.get(view, bi.source.meta.title)


def bilingual_meta(bi: BilingualDocument) -> dict[str, Any]:
    """Front matter for bilingual outputs: the title in every language, languages, provenance."""
    meta = meta_dict(bi.source.meta)
    views = monolingual_views(bi)
    titles = {v: title_in(bi, v) for v in views}
    meta["title"] = {k: t for k, t in titles.items() if t} or None
    meta["lang"] = views
    provenance = {k: v for k, v in bi.provenance.items() if k != "glossary_terms"}
    if provenance:
        meta["generator"] = _yaml_safe(provenance)
    return meta


# --------------------------------------------------------------------------- bilingual
def write_bilingual_markdown(bi: BilingualDocument,
                             options: MarkdownOptions = DEFAULT_OPTIONS) -> str:
    """Interleaved bilingual Markdown: per unit, each Chinese script then the English."""
    blocks = _blocks_by_id(bi)
    views = [v for v in monolingual_views(bi) if v != "en"]
    rendered: list[tuple[str, str]] = []
    for unit in bi.units:
        block = blocks.get(unit.id)
        if unit.kind in ("rule", "raw"):
            v = unit_view(unit, _source_script(bi, unit), block)
            rendered.append((unit.kind, render_block(v, options)))
            continue
        for view in views:
            if view in unit.zh:
                v = _clamp_depths([unit_view(unit, view, block)])[0]
                rendered.append(("unit", render_block(v, options)))
        if unit.en is None:
            rendered.append(("unit", f"> {UNTRANSLATED}"))
        else:
            v = _clamp_depths([unit_view(unit, "en", block)])[0]
            rendered.append(("unit", render_block(v, options)))
    head = front_matter(bilingual_meta(bi))
    body = _join_blocks(rendered)
    return head + ("\n" if head and body else "") + body


def write_bilingual_table_markdown(bi: BilingualDocument,
                                   options: MarkdownOptions = DEFAULT_OPTIONS) -> str:
    """A GFM table with one row per unit and one column per Chinese script plus English."""
    blocks = _blocks_by_id(bi)
    views = monolingual_views(bi)
    if "en" not in views:
        views.append("en")
    lines = ["| " + " | ".join(_LANG_LABELS.get(v, v) for v in views) + " |",
             "| " + " | ".join("---" for _ in views) + " |"]
    for unit in bi.units:
        if unit.kind == "rule":
            continue
        cells = []
        for view in views:
            present = unit.en is not None if view == "en" else view in unit.zh
            if not present:
                cells.append(UNTRANSLATED if view == "en" else "")
                continue
            cells.append(_table_cell_for(unit_view(unit, view, blocks.get(unit.id)), options))
        lines.append("| " + " | ".join(cells) + " |")
    head = front_matter(bilingual_meta(bi))
    return head + ("\n" if head else "") + "\n".join(lines) + "\n"


def _table_cell_for(v: BlockView, options: MarkdownOptions) -> str:
    if v.kind == "raw":
        return table_cell(v.text)
    if v.kind == "table":
        return cell_markdown("<br>".join(" / ".join(escape_markdown(c) for c in row)
                                         for row in v.rows))
    if v.kind == "image":
        return cell_markdown(render_block(v, options))
    marks = list(v.marks)
    if v.kind == "heading":
        marks.insert(0, Mark(kind="strong", start=0, end=len(v.text)))
    elif v.kind == "caption":
        marks.insert(0, Mark(kind="emphasis", start=0, end=len(v.text)))
    md = render_inline(v.text, marks, options)
    if v.kind == "list_item":
        md = (f"{v.number or 1}\\. " if v.ordered else "• ") + md
    return cell_markdown(md) if md else ""


__all__ = [
    "DEFAULT_OPTIONS",
    "UNTRANSLATED",
    "BlockView",
    "MarkdownOptions",
    "bilingual_meta",
    "block_view",
    "code_span",
    "fenced_code",
    "front_matter",
    "gfm_table",
    "meta_dict",
    "monolingual_views",
    "render_block",
    "render_inline",
    "title_in",
    "unit_view",
    "write_bilingual_markdown",
    "write_bilingual_table_markdown",
    "write_clean_markdown",
    "write_monolingual",
]
