"""DOCX export: a metadata header and a side-by-side table, one row per unit.

python-docx makes the document and the header; the table rows are written as WordprocessingML
directly (python-docx's cell API is ~10× slower on 10,000-row tables). Marks become run
formatting; links keep their text. python-docx is imported only when this writer runs.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from ..model import BilingualDocument, Block, Unit
from ._inline import Element, Node, nest, strip_illegal_chars, xml_escape
from .html import _LABELS, _counts
from .markdown import BlockView, monolingual_views, unit_view

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_RPR = (("strong", "<w:b/>"), ("emphasis", "<w:i/>"), ("underline", '<w:u w:val="single"/>'),
        ("link", '<w:u w:val="single"/>'), ("strike", "<w:strike/>"),
        ("highlight", '<w:highlight w:val="yellow"/>'),
        ("superscript", '<w:vertAlign w:val="superscript"/>'),
        ("subscript", '<w:vertAlign w:val="subscript"/>'))
_LANG = {"zh-Hans": "zh-CN", "zh-Hant": "zh-TW", "zh-Hant-HK": "zh-HK", "zh-Hant-MO": "zh-MO",
         "zh-Hant-TW": "zh-TW"}


def _run(text: str, fmt: frozenset[str], lang: str) -> str:
    """One `<w:r>`: formatting properties, then text with `<w:br/>` for newlines."""
    props = []
    if "code" in fmt:
        props.append('<w:rFonts w:ascii="Consolas" w:hAnsi="Consolas"/>')
    props.extend(xml for kind, xml in _RPR if kind in fmt and xml not in props)
    if lang:
        props.append(f'<w:lang w:eastAsia="{lang}"/>' if lang != "en-US"
                     else '<w:lang w:val="en-US"/>')
    pieces = xml_escape(strip_illegal_chars(text), quote=False).split("\n")
    body = "<w:br/>".join(f'<w:t xml:space="preserve">{p}</w:t>' for p in pieces)
    rpr = f"<w:rPr>{''.join(props)}</w:rPr>" if props else ""
    return f"<w:r>{rpr}{body}</w:r>"


def _runs(nodes: Sequence[Node], fmt: frozenset[str], lang: str) -> str:
    out = []
    for node in nodes:
        if isinstance(node, str):
            if node:
                out.append(_run(node, fmt, lang))
        else:
            assert isinstance(node, Element)
            out.append(_runs(node.children, fmt | {node.kind}, lang))
    return "".join(out)


def cell_paragraph(view: BlockView, lang: str) -> str:
    """The `<w:p>` for one language of one unit."""
    kind = view.kind
    base: frozenset[str] = frozenset({"strong"} if kind == "heading" else
                                     {"emphasis"} if kind == "caption" else ())
    if kind == "table":
        runs = _run("\n".join(" | ".join(r) for r in view.rows), base, lang)
    elif kind in ("raw", "image"):
        runs = _run(view.text or view.src, frozenset({"code"}) if kind == "raw" else base, lang)
    else:
        prefix = ""
        if kind == "list_item":
            prefix = _run(f"{view.number or 1}. " if view.ordered else "• ", base, lang)
        runs = prefix + _runs(nest(view.text, view.marks), base, lang)
    return f"<w:p>{runs}</w:p>"


def _row(cells: Sequence[str], header: bool = False) -> str:
    trpr = "<w:trPr><w:tblHeader/></w:trPr>" if header else ""
    tcs = "".join(f"<w:tc><w:tcPr><w:tcW w:w=\"0\" w:type=\"auto\"/></w:tcPr>{c}</w:tc>"
                  for c in cells)
    return f"<w:tr>{trpr}{tcs}</w:tr>"


def _unit_cells(unit: Unit, views: list[str], block: Block | None) -> list[str]:
    cells = []
    for view in views:
        lang = "en-US" if view == "en" else _LANG.get(view, "")
        present = unit.en is not None if view == "en" else view in unit.zh
        if present:
            cells.append(cell_paragraph(unit_view(unit, view, block), lang))
        elif unit.kind == "raw":
            cells.append(cell_paragraph(BlockView("raw", next(iter(unit.zh.values()), "")), lang))
        else:
            mark = "[untranslated]" if view == "en" else "—"
            cells.append(f"<w:p>{_run(mark, frozenset({'emphasis'}), lang)}</w:p>")
    return cells


def table_xml(bi: BilingualDocument, views: list[str]) -> str:
    """The whole side-by-side `<w:tbl>`: a repeated header row, then one row per unit."""
    blocks: dict[str, Block] = {b.id: b for b in bi.source.blocks}
    width = 5000 // max(1, len(views))
    grid = "".join(f'<w:gridCol w:w="{width}"/>' for _ in views)
    head = [f"<w:p>{_run(_LABELS.get(v, v), frozenset({'strong'}), '')}</w:p>" for v in views]
    rows = [_row(head, header=True)]
    rows.extend(_row(_unit_cells(u, views, blocks.get(u.id))) for u in bi.units
                if u.kind != "rule")
    return (f'<w:tbl xmlns:w="{W_NS}"><w:tblPr><w:tblStyle w:val="TableGrid"/>'
            '<w:tblW w:w="5000" w:type="pct"/><w:tblLayout w:type="fixed"/></w:tblPr>'
            f"<w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>")


def _set_east_asian_font(document: Any) -> None:
    from docx.oxml.ns import qn

    rpr = document.styles["Normal"].element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), "Microsoft YaHei")


def write_docx(bi: BilingualDocument) -> bytes:
    """A .docx file (bytes): title, metadata, then a table with a column per language."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn
    from docx.shared import Pt

    views = [v for v in monolingual_views(bi) if v != "en"] + ["en"]
    document = docx.Document()
    _set_east_asian_font(document)
    meta = bi.source.meta
    document.add_heading(strip_illegal_chars(meta.title or "gba-docs"), level=1)
    about = [("Date", meta.date.isoformat() if meta.date else meta.date_raw),
             ("Author", meta.author), ("Source", meta.source_url or meta.source_name),
             ("File", bi.source.source.path), ("Units", _counts(bi))]
    about += [(k, v if isinstance(v, str) else str(v)) for k, v in bi.provenance.items()
              if k != "glossary_terms" and v not in (None, "", {}, [])]
    for key, value in about:
        if value:
            p = document.add_paragraph()
            p.add_run(f"{key}: ").bold = True
            p.add_run(strip_illegal_chars(str(value)))
            p.paragraph_format.space_after = Pt(0)
    table = parse_xml(table_xml(bi, views))
    body = document.element.body
    body.find(qn("w:sectPr")).addprevious(table)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
