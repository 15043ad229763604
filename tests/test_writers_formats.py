"""TMX (DTD-valid), XLIFF 2.0 (XSD-valid), JSON round trip, HTML escaping, DOCX, bad input."""

from __future__ import annotations

import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from lxml import etree
from test_writers_samples import (
    BAD,
    make_markdown_it,
    sample_bilingual,
    sample_document,
)

from gba_docs.errors import InputError
from gba_docs.model import BilingualDocument, Document, Paragraph, Segment, Unit
from gba_docs.writers import (
    WRITERS,
    load_json,
    render,
    write_bilingual_json,
    write_document_json,
    write_html,
    write_tmx,
    write_xliff,
)

SCHEMAS = Path(__file__).parent / "data" / "schemas"
XLF = "{urn:oasis:names:tc:xliff:document:2.0}"


def _parse(xml: str) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.fromstring(xml.encode("utf-8"), parser)


def assert_valid_tmx(xml: str) -> etree._Element:
    root = _parse(xml)
    dtd = etree.DTD(str(SCHEMAS / "tmx14.dtd"))
    assert dtd.validate(root), dtd.error_log.filter_from_errors()
    return root


def assert_valid_xliff(xml: str) -> etree._Element:
    root = _parse(xml)
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "xliff_core_2.0.xsd")))
    assert schema.validate(root), schema.error_log.filter_from_errors()
    return root


def bad_bilingual() -> BilingualDocument:
    """Everything hostile at once: markup, CDATA end, controls, RTL marks, 10k chars, odd title."""
    long = "粤港澳" * 3334
    texts = {"p0": BAD, "p1": long, "p2": "\ufffe\uffff\ud800 lone surrogate ]]>&amp;"}
    doc = Document(blocks=[Paragraph(id=k, text=v) for k, v in texts.items()])
    doc.meta.title = "../../etc/passwd / <title> & \x01"
    doc.meta.source_url = "javascript:alert(1)"
    doc.source.path = "../evil/<name>.md"
    units = [Unit(id=k, kind="paragraph", zh={"zh-Hans": v, "zh-Hant-HK": v}, en=v,
                  status="translated") for k, v in texts.items()]
    units.append(Unit(id="weird id/../1", kind="heading", zh={"zh-Hans": "<h1>标题</h1>"}, en=None))
    return BilingualDocument(source=doc, scripts=["zh-Hans", "zh-Hant-HK"], units=units)


# --------------------------------------------------------------------------- TMX
def test_tmx_is_valid_tmx_14_with_required_header() -> None:
    root = assert_valid_tmx(write_tmx(sample_bilingual()))
    header = root.find("header")
    assert root.get("version") == "1.4"
    assert header.get("creationtool") == "gba-docs"
    assert header.get("creationtoolversion")
    assert header.get("datatype") == "plaintext"
    assert header.get("srclang") == "zh-Hans"
    assert header.get("creationdate") == "20250102T030405Z"
    assert re.fullmatch(r"\d{8}T\d{6}Z", header.get("creationdate"))
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    tu = root.find("body/tu[@tuid='b0000']")
    assert [t.get(lang) for t in tu.findall("tuv")] == ["zh-Hans", "zh-Hant-HK", "en"]
    assert tu.find("prop[@type='x-origin']").text == "engine:argos:zh-en@1.9"
    sentences = root.findall("body/tu[@segtype='sentence']")
    assert [s.get("tuid") for s in sentences] == ["b0002.s0", "b0002.s1"]
    assert root.find("body/tu[@tuid='b0011']") is None  # raw code is not a translation unit
    untranslated = root.find("body/tu[@tuid='b0014']")
    assert untranslated.find("prop[@type='x-status']").text == "untranslated"


def test_tmx_with_bad_input_is_valid_and_keeps_visible_text() -> None:
    xml = write_tmx(bad_bilingual())
    root = assert_valid_tmx(xml)
    segs = [s.text for s in root.iter("seg")]
    assert any(s and "<script>" in s and "\u200fRTL\u200f" in s for s in segs)
    assert any(s and len(s) == 10002 for s in segs)
    assert "\x00" not in xml and "\ufffe" not in xml


# --------------------------------------------------------------------------- XLIFF
def test_xliff_is_valid_xliff_20() -> None:
    root = assert_valid_xliff(write_xliff(sample_bilingual()))
    assert root.get("version") == "2.0"
    assert (root.get("srcLang"), root.get("trgLang")) == ("zh-Hans", "en")
    files = root.findall(f"{XLF}file")
    assert len(files) == 1
    unit = files[0].find(f"{XLF}unit[@id='b0002']")
    segs = unit.findall(f"{XLF}segment")
    assert [s.get("state") for s in segs] == ["translated", "reviewed"]
    assert segs[1].find(f"{XLF}target").text == "The theme is “Smart Bay Area”."
    untranslated = files[0].find(f"{XLF}unit[@id='b0014']/{XLF}segment")
    assert untranslated.get("state") == "initial" and untranslated.find(f"{XLF}target") is None
    notes = files[0].find(f"{XLF}unit[@id='b0000']/{XLF}notes")
    assert any("Greater Bay Area" in (n.text or "") and n.get("category") == "glossary"
               for n in notes)
    qa = files[0].find(f"{XLF}unit[@id='b0003']/{XLF}notes/{XLF}note[@category='qa']")
    assert "qa-number" in qa.text
    human = files[0].find(f"{XLF}unit[@id='b0005']/{XLF}segment")
    assert human.get("state") == "reviewed"


def test_xliff_with_bad_input_is_valid_and_encodes_controls() -> None:
    xml = write_xliff(bad_bilingual())
    root = assert_valid_xliff(xml)
    assert '<cp hex="0000"/>' in xml and '<cp hex="FFFE"/>' in xml
    weird = root.find(f"{XLF}file/{XLF}unit[@name='weird id/../1']")
    assert weird is not None and weird.get("id") == "weird_id_.._1"


def test_xliff_without_translatable_units_is_still_valid() -> None:
    bi = BilingualDocument(source=Document(), units=[Unit(id="r", kind="rule")])
    assert_valid_xliff(write_xliff(bi))


def test_tmx_sentence_units_need_two_languages() -> None:
    bi = sample_bilingual()
    bi.units[2].segments.append(Segment(id="b0002.s2", zh={"zh-Hans": "只有中文。"}))
    root = assert_valid_tmx(write_tmx(bi))
    assert root.find("body/tu[@tuid='b0002.s2']") is None


# --------------------------------------------------------------------------- JSON
def test_json_round_trips_both_models() -> None:
    bi = sample_bilingual()
    assert load_json(write_bilingual_json(bi)) == bi
    doc = sample_document()
    assert load_json(write_document_json(doc)) == doc
    assert "大湾区" in write_document_json(doc)  # characters, not \\u escapes


def test_json_refuses_other_major_version_and_foreign_json() -> None:
    data = json.loads(write_bilingual_json(sample_bilingual()))
    data["version"] = "2.0"
    with pytest.raises(InputError, match="version 2.0 cannot be read"):
        load_json(json.dumps(data), path="old.json")
    with pytest.raises(InputError, match="unknown schema_name"):
        load_json('{"schema_name": "other"}')
    with pytest.raises(InputError, match="not valid JSON"):
        load_json("{", path="x.json")
    with pytest.raises(InputError, match="invalid gba-docs.document dump"):
        load_json('{"schema_name": "gba-docs.document", "version": "1.0", "blocks": 3}')


def test_json_with_bad_input_round_trips() -> None:
    bi = bad_bilingual()
    assert load_json(write_bilingual_json(bi)) == bi


# --------------------------------------------------------------------------- HTML
class _Audit(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend(attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def audit(html: str) -> _Audit:
    parser = _Audit()
    parser.feed(html)
    parser.close()
    return parser


def test_html_escapes_everything_from_the_input() -> None:
    html = write_html(bad_bilingual())
    found = audit(html)
    assert "script" not in found.tags and "img" not in found.tags and "title" in found.tags
    assert not any(name.startswith("on") for name, _ in found.attrs)
    assert not any((v or "").lower().startswith("javascript") for _, v in found.attrs)
    text = "".join(found.text)
    assert "<script>alert(1)</script>" in text and "onerror=alert(2)" in text
    assert "\x00" not in html


def test_html_layout_languages_glossary_qa_and_untranslated() -> None:
    html = write_html(sample_bilingual())
    assert html.startswith("<!DOCTYPE html>")
    assert 'lang="zh-Hans"' in html and 'lang="zh-Hant-HK"' in html and 'lang="en"' in html
    assert "--cols:3" in html and "@media (max-width:600px)" in html and "@media print" in html
    assert "overflow-wrap:anywhere" in html
    assert "<script" not in html.lower()
    assert re.search(r'<span class="term" title="大湾区 → Greater Bay Area \(gba\)" '
                     r'data-term="gba">大湾区</span>', html)
    assert re.search(r'<span class="term" title="[^"]*" data-term="gba">大灣區</span>', html)
    assert re.search(r'<span class="term" title="[^"]*" data-term="gba">Greater Bay Area</span>',
                     html)
    assert 'class="qa"' in html and "qa-number" in html and "&lt;in&gt;" in html
    assert "untranslated-row" in html and "[untranslated]" in html
    assert "<mark><em>科技是第一生产力，产业是国民经济基石。</em>" in html
    assert "argos:zh-en" in html and "2025.1" in html  # how it was made


# --------------------------------------------------------------------------- DOCX
def test_docx_has_metadata_and_one_row_per_unit() -> None:
    import docx

    bi = sample_bilingual()
    data = render(bi, "docx")[".docx"]
    assert isinstance(data, bytes) and data[:2] == b"PK"
    document = docx.Document(io.BytesIO(data))
    assert document.paragraphs[0].text == "2025大湾区科学论坛即将开幕"
    table = document.tables[0]
    assert len(table.rows) == 1 + sum(u.kind != "rule" for u in bi.units)
    assert [c.text for c in table.rows[0].cells] == ["简体中文", "繁體中文（香港）", "English"]
    first = table.rows[1].cells
    assert first[2].text == "2025 Greater Bay Area Science Forum to open"
    highlighted = table.rows[4].cells[0].paragraphs[0].runs
    assert highlighted[0].font.italic and highlighted[0].font.highlight_color is not None
    assert table.rows[-1].cells[2].text == "[untranslated]"


def test_docx_with_bad_input_opens() -> None:
    import docx

    data = render(bad_bilingual(), "docx")[".docx"]
    table = docx.Document(io.BytesIO(data)).tables[0]
    assert "<script>alert(1)</script>" in table.rows[1].cells[0].text


# --------------------------------------------------------------------------- every writer
@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_every_writer_survives_bad_input(fmt: str) -> None:
    outputs = render(bad_bilingual(), fmt)
    assert outputs
    for suffix, data in outputs.items():
        assert suffix.startswith(".") and "/" not in suffix and ".." not in suffix
        if isinstance(data, str):
            assert "\x00" not in data and "\x01" not in data
            if suffix.endswith(".md"):
                tokens = make_markdown_it().parse(data)
                assert "html_block" not in {t.type for t in tokens}
                inline = {c.type for t in tokens for c in (t.children or [])}
                assert "html_inline" not in inline


def test_registry_suffixes_and_kinds() -> None:
    assert WRITERS["md"].suffix == ".bi.md" and WRITERS["md-table"].suffix == ".bi-table.md"
    assert WRITERS["docx"].binary and not WRITERS["html"].binary
    with pytest.raises(KeyError, match="known: clean, docx"):
        render(sample_bilingual(), "pdf")
