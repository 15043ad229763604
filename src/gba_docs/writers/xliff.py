"""XLIFF 2.0 export for post-editing in a CAT tool: one `<unit>` per translatable unit,
one `<segment>` per sentence when the unit has aligned segments.

Targets are plain text (marks stay in the bilingual JSON, since a mark may span sentences).
Characters XML forbids become `<cp hex>`. `gba_docs.edits` reads the edited file back.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..model import TRANSLATABLE_KINDS, BilingualDocument, Origin, Segment, Unit
from ._inline import _ILLEGAL_XML, xml_escape
from .html import term_english
from .markdown import monolingual_views
from .tmx import origin_text

XLIFF_NS = "urn:oasis:names:tc:xliff:document:2.0"
_NOT_NMTOKEN = re.compile(r"[^\w.\-:]")


def xliff_text(text: str) -> str:
    """Escape for XLIFF content; characters XML 1.0 forbids become `<cp hex="…"/>`.

    >>> xliff_text("a<b\\x01&")
    'a&lt;b<cp hex="0001"/>&amp;'
    """
    escaped = xml_escape(text, quote=False)
    if not _ILLEGAL_XML.search(escaped):
        return escaped
    return _ILLEGAL_XML.sub(lambda m: f'<cp hex="{ord(m.group(0)):04X}"/>', escaped)


def _attr(text: Any) -> str:
    """Escape for an attribute or a `<note>` (text only, so forbidden characters are dropped)."""
    return xml_escape(_ILLEGAL_XML.sub("", str(text)))


def nmtoken(value: str, fallback: str = "x") -> str:
    """A valid NMTOKEN for an id (unsafe characters become `_`).

    >>> nmtoken("b0007.s2"), nmtoken("../a b")
    ('b0007.s2', '.._a_b')
    """
    return _NOT_NMTOKEN.sub("_", value) or fallback


def segment_state(origin: Origin | None, status: str, has_target: bool) -> str:
    """XLIFF state: initial (no target), reviewed (human), translated (anything else)."""
    if not has_target:
        return "initial"
    if status == "human" or (origin is not None and origin.kind == "human"):
        return "reviewed"
    return "translated"


def _segment(seg_id: str, source: str, target: str | None, state: str) -> str:
    target_xml = f"<target>{xliff_text(target)}</target>" if target is not None else ""
    return (f'<segment id="{_attr(nmtoken(seg_id))}" state="{state}">'
            f"<source>{xliff_text(source)}</source>{target_xml}</segment>")


def _usable_segments(unit: Unit, src: str) -> list[Segment]:
    segs = unit.segments
    if not segs or any(src not in s.zh for s in segs):
        return []
    if unit.en is not None and any(s.en is None for s in segs):
        return []
    return segs


def _notes(unit: Unit, scripts: list[str], src: str, english: dict[str, str]) -> str:
    notes: list[str] = []
    for hit in unit.glossary_hits:
        en = english.get(hit.term_id)
        text = f"{hit.matched} → {en} [{hit.term_id}]" if en else f"{hit.matched} [{hit.term_id}]"
        notes.append(f'<note category="glossary">{_attr(text)}</note>')
    for diag in unit.qa:
        priority = {"error": 1, "warning": 3}.get(diag.severity, 5)
        notes.append(f'<note category="qa" priority="{priority}">'
                     f"{_attr(f'{diag.code}: {diag.message}')}</note>")
    if unit.origin is not None:
        notes.append(f'<note category="origin">{_attr(origin_text(unit.origin))}</note>')
    for script in scripts:
        if script != src and unit.zh.get(script):
            notes.append(f'<note category="{_attr(script)}">{_attr(unit.zh[script])}</note>')
    return f"<notes>{''.join(notes)}</notes>" if notes else ""


def _unit(unit: Unit, scripts: list[str], english: dict[str, str]) -> str:
    src = "zh-Hans" if "zh-Hans" in unit.zh else next(iter(unit.zh), "")
    source = unit.zh.get(src, "")
    if not source.strip():
        return ""
    uid = nmtoken(unit.id)
    name = f' name="{_attr(unit.id)}"' if uid != unit.id else ""
    segs = _usable_segments(unit, src)
    if segs:
        body = "".join(_segment(s.id, s.zh[src], s.en,
                                segment_state(s.origin or unit.origin, unit.status,
                                              s.en is not None))
                       for s in segs)
    else:
        state = segment_state(unit.origin, unit.status, unit.en is not None)
        body = _segment(f"{unit.id}.s0", source, unit.en, state)
    return (f'<unit id="{_attr(uid)}"{name} type="gba:{_attr(nmtoken(unit.kind))}">'
            f"{_notes(unit, scripts, src, english)}{body}</unit>")


def _file_notes(bi: BilingualDocument) -> str:
    meta = bi.source.meta
    pairs: list[tuple[str, Any]] = [("title", meta.title), ("source_url", meta.source_url),
                                    ("source_path", bi.source.source.path)]
    pairs += [(k, v) for k, v in bi.provenance.items() if k != "glossary_terms"]
    notes = []
    for key, value in pairs:
        if value in (None, ""):
            continue
        shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False,
                                                                default=str)
        notes.append(f'<note id="{_attr(nmtoken("p-" + key))}" category="provenance">'
                     f"{_attr(shown)}</note>")
    return f"<notes>{''.join(notes)}</notes>" if notes else ""


def write_xliff(bi: BilingualDocument) -> str:
    """XLIFF 2.0: `srcLang` zh-Hans, `trgLang` en; other scripts ride along as notes."""
    scripts = [v for v in monolingual_views(bi) if v != "en"]
    english = term_english(bi)
    units = []
    for unit in bi.units:
        if unit.kind in TRANSLATABLE_KINDS:
            xml = _unit(unit, scripts, english)
            if xml:
                units.append(xml)
    if not units:
        units.append('<group id="empty"/>')
    original = bi.source.source.path or bi.source.meta.title or "document"
    src_lang = "zh-Hans" if "zh-Hans" in scripts or not scripts else scripts[0]
    return "".join([
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        (f'<xliff xmlns="{XLIFF_NS}" xmlns:gba="urn:gba-docs:xliff" version="2.0" '
         f'srcLang="{_attr(src_lang)}" trgLang="en">\n'),
        f'<file id="f1" original="{_attr(original)}" xml:space="preserve">\n',
        _file_notes(bi),
        "\n",
        "\n".join(units),
        "\n</file>\n</xliff>\n",
    ])
