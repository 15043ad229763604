"""TMX 1.4 export: one `tu` per translatable unit (and per sentence when segments exist).

Plain text only (`datatype="plaintext"`): marks are not exported. Characters that XML 1.0
forbids are removed. It does no I/O; validate output with the TMX 1.4 DTD.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Iterable
from typing import Any

from ..model import TRANSLATABLE_KINDS, BilingualDocument, Origin, Unit
from ._inline import strip_illegal_chars, xml_escape
from .markdown import monolingual_views


def xml_text(text: Any) -> str:
    """Escape for XML text or a double-quoted attribute; drop characters XML 1.0 forbids.

    >>> xml_text('a<b>&"c"\\x01]]>')
    'a&lt;b&gt;&amp;&quot;c&quot;]]&gt;'
    """
    return xml_escape(strip_illegal_chars(str(text)))


def tool_version() -> str:
    """The installed gba-docs version (for creationtoolversion)."""
    from .. import __version__

    return __version__


_PROVENANCE_PROPS = {"scripts": "opencc-configs"}
"""Provenance keys renamed in the header so no prop type appears twice."""


def creation_date(bi: BilingualDocument) -> str:
    """TMX date (UTC `YYYYMMDDThhmmssZ`): provenance "created"/"created_at" if set, else now."""
    raw = bi.provenance.get("created") or bi.provenance.get("created_at")
    when: _dt.datetime | None = None
    if isinstance(raw, _dt.datetime):
        when = raw
    elif isinstance(raw, str):
        try:
            when = _dt.datetime.fromisoformat(raw)
        except ValueError:
            when = None
    if when is None:
        when = _dt.datetime.now(_dt.UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=_dt.UTC)
    return when.astimezone(_dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def origin_text(origin: Origin | None) -> str:
    """One-line provenance of a text, e.g. `engine:argos:zh-en@1.0`."""
    if origin is None:
        return "none"
    text: str = origin.kind
    if origin.engine:
        text += f":{origin.engine}"
    if origin.model_version:
        text += f"@{origin.model_version}"
    if origin.detail:
        text += f" ({origin.detail})"
    return text


def _tuv(lang: str, text: str) -> str:
    return f'<tuv xml:lang="{xml_text(lang)}"><seg>{xml_text(text)}</seg></tuv>'


def _props(pairs: Iterable[tuple[str, Any]]) -> str:
    return "".join(f'<prop type="{xml_text(k)}">{xml_text(v)}</prop>'
                   for k, v in pairs if v not in (None, ""))


def _unit_tu(unit: Unit, scripts: list[str]) -> str:
    tuvs = [_tuv(s, unit.zh[s]) for s in scripts if unit.zh.get(s)]
    if unit.en:
        tuvs.append(_tuv("en", unit.en))
    if not tuvs:
        return ""
    props = _props([("x-kind", unit.kind), ("x-status", unit.status),
                    ("x-origin", origin_text(unit.origin)),
                    ("x-confidence", unit.confidence)])
    return f'<tu tuid="{xml_text(unit.id)}" segtype="paragraph">{props}{"".join(tuvs)}</tu>'


def _segment_tus(unit: Unit, scripts: list[str]) -> list[str]:
    out = []
    for seg in unit.segments:
        tuvs = [_tuv(s, seg.zh[s]) for s in scripts if seg.zh.get(s)]
        if seg.en:
            tuvs.append(_tuv("en", seg.en))
        if len(tuvs) < 2:
            continue
        props = _props([("x-unit", unit.id), ("x-origin", origin_text(seg.origin or unit.origin)),
                        ("x-confidence", seg.confidence)])
        out.append(f'<tu tuid="{xml_text(seg.id)}" segtype="sentence">{props}{"".join(tuvs)}</tu>')
    return out


def write_tmx(bi: BilingualDocument) -> str:
    """TMX 1.4 with a paragraph-level `tu` per unit and sentence-level `tu`s for segments.

    Units without English keep their Chinese variants (useful as zh-Hans/zh-Hant pairs) and
    say `x-status` untranslated; raw code and rules are left out.
    """
    scripts = [v for v in monolingual_views(bi) if v != "en"]
    srclang = "zh-Hans" if "zh-Hans" in scripts or not scripts else scripts[0]
    meta = bi.source.meta
    header_props = _props([
        ("x-title", meta.title), ("x-source-url", meta.source_url),
        ("x-source-path", bi.source.source.path), ("x-source-sha256", bi.source.source.sha256),
        ("x-scripts", " ".join(scripts)),
        *((f"x-{_PROVENANCE_PROPS.get(k, k)}",
           v if isinstance(v, str) else json.dumps(v, ensure_ascii=False, default=str))
          for k, v in bi.provenance.items() if k != "glossary_terms"),
    ])
    body: list[str] = []
    for unit in bi.units:
        if unit.kind not in TRANSLATABLE_KINDS:
            continue
        tu = _unit_tu(unit, scripts)
        if tu:
            body.append(tu)
        body.extend(_segment_tus(unit, scripts))
    return "".join([
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        '<tmx version="1.4">\n',
        (f'<header creationtool="gba-docs" creationtoolversion="{xml_text(tool_version())}" '
         'datatype="plaintext" segtype="paragraph" o-tmf="gba-docs" adminlang="en" '
         f'srclang="{xml_text(srclang)}" creationdate="{creation_date(bi)}">'
         f"{header_props}</header>\n"),
        "<body>\n",
        "\n".join(body),
        "\n</body>\n</tmx>\n" if body else "</body>\n</tmx>\n",
    ])
