"""TBX (TermBase eXchange) export and import, TBX-Basic style, lossless for gba-docs entries.

Writes `martif`/`termEntry`/`langSet`/`tig`; reads that and TBX v3 (`tbx`/`conceptEntry`/
`langSec`/`termSec`). Parsing never loads DTDs, the network or entities: a DOCTYPE that
declares entities is refused.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ..errors import GlossaryError
from .io import default_header
from .model import Glossary, LintFinding, Term

if TYPE_CHECKING:
    from lxml import etree

PREFERRED = "preferredTerm-admn-sts"
ADMITTED = "admittedTerm-admn-sts"
DEPRECATED = "deprecatedTerm-admn-sts"
OVERRIDE_NOTE = "x-openccOverride"
"""Private termNote type on the zh-Hant-HK term: the form deliberately differs from OpenCC."""

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
_PRIMARY_LANGS = {
    "zh-hans": "zh_hans", "zh-cn": "zh_hans", "zh-sg": "zh_hans", "zh-hans-cn": "zh_hans",
    "zh-hant-hk": "zh_hant_hk", "zh-hk": "zh_hant_hk", "zh-hant-mo": "zh_hant_hk",
    "zh-mo": "zh_hant_hk", "zh-hant": "zh_hant_hk",
    "zh-hant-tw": "zh_hant_tw", "zh-tw": "zh_hant_tw",
}


# --------------------------------------------------------------------------- writing
def dump_tbx(glossary: Glossary) -> bytes:
    """The glossary as a TBX-Basic (martif) document, UTF-8."""
    from lxml import etree

    root = etree.Element("martif", {"type": "TBX-Basic", _XML_LANG: "en"})
    header = etree.SubElement(root, "martifHeader")
    file_desc = etree.SubElement(header, "fileDesc")
    title = etree.SubElement(etree.SubElement(file_desc, "titleStmt"), "title")
    title.text = "gba-docs glossary"
    source_desc = etree.SubElement(file_desc, "sourceDesc")
    for line in glossary.header or default_header(glossary.version):
        etree.SubElement(source_desc, "p").text = line
    encoding = etree.SubElement(header, "encodingDesc")
    etree.SubElement(encoding, "p", {"type": "XCSURI"}).text = "TBXBasicXCSV02.xcs"
    body = etree.SubElement(etree.SubElement(root, "text"), "body")
    for term in sorted(glossary.terms, key=lambda t: t.id):
        body.append(_term_entry(term))
    etree.indent(root, space="  ")
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _term_entry(term: Term) -> etree._Element:
    from lxml import etree

    entry = etree.Element("termEntry", {"id": term.id})
    etree.SubElement(entry, "descrip", {"type": "subjectField"}).text = term.category
    if term.note:
        etree.SubElement(entry, "note").text = term.note
    if term.evidence:
        etree.SubElement(entry, "admin", {"type": "source"}).text = term.evidence
    _lang_set(entry, "zh-Hans", [(term.zh_hans, PREFERRED, False)])
    _lang_set(entry, "zh-Hant-HK", [(term.zh_hant_hk, PREFERRED, term.override)])
    if term.zh_hant_tw:
        _lang_set(entry, "zh-Hant-TW", [(term.zh_hant_tw, PREFERRED, False)])
    if term.zh_variants:
        _lang_set(entry, "zh", [(v, ADMITTED, False) for v in term.zh_variants])
    _lang_set(entry, "en", [(term.en, PREFERRED, False)]
              + [(v, ADMITTED, False) for v in term.en_variants]
              + [(v, DEPRECATED, False) for v in term.forbidden_en])
    return entry


def _lang_set(entry: etree._Element, lang: str, terms: list[tuple[str, str, bool]]) -> None:
    from lxml import etree

    lang_set = etree.SubElement(entry, "langSet", {_XML_LANG: lang})
    for text, status, override in terms:
        tig = etree.SubElement(lang_set, "tig")
        etree.SubElement(tig, "term").text = text
        etree.SubElement(tig, "termNote", {"type": "administrativeStatus"}).text = status
        if override:
            etree.SubElement(tig, "termNote", {"type": OVERRIDE_NOTE}).text = "yes"


# --------------------------------------------------------------------------- reading
def _refuse_entities(raw: bytes, path: str | None) -> None:
    found = _ENTITY_DECL.search(raw) or _ENTITY_DECL.search(_as_utf8_guess(raw))
    if found:
        line = raw[: found.start()].count(b"\n") + 1
        raise GlossaryError(
            "TBX file declares XML entities in a DOCTYPE (entity expansion attacks such as "
            "'billion laughs' use this); refused",
            path=path, line=line, remedy="remove the <!DOCTYPE …> block and its <!ENTITY …> lines",
        )


def _as_utf8_guess(raw: bytes) -> bytes:
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return raw.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            return b""
    return b""


def _local(tag: Any) -> str:
    return tag.split("}", 1)[1] if isinstance(tag, str) and "}" in tag else str(tag)


def _children(element: etree._Element, *names: str) -> list[etree._Element]:
    return [c for c in element if isinstance(c.tag, str) and _local(c.tag) in names]


def _text(element: etree._Element) -> str:
    return "".join(element.itertext()).strip()


def read_tbx(raw: bytes, *, path: str | None = None) -> tuple[list[Term], list[str]]:
    """Terms and header comment lines from TBX bytes (TBX-Basic v2 or TBX v3).

    Entries from other tools are accepted when they have a Simplified Chinese term and an
    English one: the Hong Kong form defaults to OpenCC s2hk, the category to `term`, the id to
    a slug of the English.
    """
    from lxml import etree

    _refuse_entities(raw, path)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_comments=True)
    try:
        root = etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else None
        raise GlossaryError(f"not well-formed XML: {exc.msg}", path=path, line=line,
                            remedy="check the TBX file with an XML validator") from exc
    tree = root.getroottree()
    if tree.docinfo.internalDTD is not None and list(tree.docinfo.internalDTD.iterentities()):
        raise GlossaryError("TBX file declares XML entities; refused", path=path, line=1,
                            remedy="remove the DOCTYPE block")
    if _local(root.tag) not in ("martif", "tbx"):
        raise GlossaryError(f"root element is <{_local(root.tag)}>, not <martif> or <tbx>",
                            path=path, line=root.sourceline, remedy="export TBX from your tool")
    header = [_text(p) for p in root.iter() if _local(p.tag) == "p"
              and p.getparent() is not None and _local(p.getparent().tag) == "sourceDesc"]
    terms: list[Term] = []
    seen: dict[str, int | None] = {}
    for entry in root.iter():
        if _local(entry.tag) not in ("termEntry", "conceptEntry"):
            continue
        term = _entry_to_term(entry, path)
        if term.id in seen:
            raise GlossaryError(f"duplicate entry id {term.id!r} (first on line {seen[term.id]})",
                                path=path, line=entry.sourceline, remedy="give each entry its own id")
        seen[term.id] = entry.sourceline
        terms.append(term)
    return terms, [h for h in header if h.startswith("#")]


def _entry_to_term(entry: etree._Element, path: str | None) -> Term:
    line = entry.sourceline
    cells: dict[str, Any] = {"zh_variants": [], "en_variants": [], "forbidden_en": [],
                             "category": "term", "note": "", "evidence": "", "override": False}
    notes: list[str] = []
    for child in entry:
        if not isinstance(child.tag, str):
            continue
        name, kind = _local(child.tag), child.get("type", "")
        if name == "descrip" and kind == "subjectField":
            cells["category"] = _text(child)
        elif name == "note":
            notes.append(_text(child))
        elif name == "admin" and kind == "source":
            cells["evidence"] = _text(child)
        elif name in ("langSet", "langSec"):
            _read_lang_set(child, cells)
    cells["note"] = " ".join(n for n in notes if n)
    if "zh_hans" not in cells and "zh_hant_hk" in cells:
        from .lint import opencc_convert

        cells["zh_hans"] = opencc_convert("hk2s", cells["zh_hant_hk"])
    if "zh_hant_hk" not in cells and "zh_hans" in cells:
        from .lint import opencc_convert

        cells["zh_hant_hk"] = opencc_convert("s2hk", cells["zh_hans"])
    cells["id"] = entry.get("id") or _slug(cells.get("en", ""))
    cells["line"] = line
    from pydantic import ValidationError

    from .io import _KNOWN_CODES, _remedy

    missing = [c for c in ("zh_hans", "en") if not cells.get(c)]
    if missing:
        raise GlossaryError(f"entry {cells['id']!r} has no {' and no '.join(missing)} term",
                            path=path, line=line,
                            remedy="each termEntry needs a zh-Hans (or zh-Hant) and an en term")
    try:
        return Term.model_validate(cells)
    except ValidationError as exc:
        err = exc.errors()[0]
        code = err["type"] if err["type"] in _KNOWN_CODES else "invalid-entry"
        finding = LintFinding(code, "error", line, cells["id"], err["msg"])
        raise GlossaryError(f"entry {cells['id']!r}: {finding.message}", path=path, line=line,
                            remedy=_remedy(code)) from exc


def _read_lang_set(lang_set: etree._Element, cells: dict[str, Any]) -> None:
    lang = (lang_set.get(_XML_LANG) or lang_set.get("lang") or "").lower()
    for tig in _children(lang_set, "tig", "termSec", "ntig"):
        term_elements = [t for t in tig.iter() if _local(t.tag) == "term"]
        if not term_elements:
            continue
        text = _text(term_elements[0])
        status = ""
        override = False
        for note in tig.iter():
            if _local(note.tag) != "termNote":
                continue
            if note.get("type") == "administrativeStatus":
                status = _text(note)
            elif note.get("type") == OVERRIDE_NOTE and _text(note) == "yes":
                override = True
        if lang.startswith("en"):
            _place_english(cells, text, status)
        elif lang.startswith("zh"):
            _place_chinese(cells, lang, text, status)
        if override:
            cells["override"] = True


def _place_english(cells: dict[str, Any], text: str, status: str) -> None:
    if status.startswith(("deprecated", "superseded")):
        cells["forbidden_en"].append(text)
    elif "en" not in cells and (status.startswith("preferred") or not status):
        cells["en"] = text
    else:
        cells["en_variants"].append(text)


def _place_chinese(cells: dict[str, Any], lang: str, text: str, status: str) -> None:
    column = _PRIMARY_LANGS.get(lang)
    is_primary = status.startswith("preferred") or not status
    if column and is_primary and column not in cells:
        cells[column] = text
    elif not status.startswith(("deprecated", "superseded")):
        cells["zh_variants"].append(text)


def _slug(text: str) -> str:
    """An id from English text.

    >>> _slug("Hong Kong Science Park (HKSTP)")
    'hong-kong-science-park-hkstp'
    """
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "entry"
