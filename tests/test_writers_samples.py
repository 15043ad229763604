"""Sample bilingual documents for the writer tests (built from model classes, seed-like text),
plus checks that the samples themselves stay valid models."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from gba_docs.model import (
    BilingualDocument,
    Caption,
    Credit,
    Diagnostic,
    Document,
    GlossaryHit,
    Heading,
    Image,
    ListItem,
    Mark,
    Meta,
    Origin,
    Paragraph,
    Quote,
    Raw,
    Rule,
    Segment,
    Source,
    Table,
    Unit,
)

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

ENGINE = Origin(kind="engine", engine="argos:zh-en", model_version="1.9")

HL_TEXT = "科技是第一生产力，产业是国民经济基石。当前，科技创新及产业建设不仅是中国实现高质量发展的重要动力"
HL_MARKS = [
    Mark(kind="highlight", start=0, end=len(HL_TEXT), attrs={"background": "#fff88f"}),
    Mark(kind="emphasis", start=0, end=19, attrs={"color": "#ff0000"}),
    Mark(kind="emphasis", start=22, end=26, attrs={"color": "#ff0000"}),
]
P2 = "注意：日前,2025大湾区科学论坛新闻发布会举行。以“智创湾区产研共融”为主题。"
BAD = "a<script>alert(1)</script> & ]]> \x00\x07ctl \u200fRTL\u200f <img src=x onerror=alert(2)>"


def _hant(text: str) -> str:
    table = str.maketrans({"论": "論", "坛": "壇", "湾": "灣", "区": "區", "学": "學", "产": "產",
                           "国": "國", "实": "實", "现": "現", "质": "質", "发": "發", "动": "動",
                           "设": "設", "业": "業", "济": "濟", "创": "創", "们": "們", "为": "為",
                           "开": "開", "幕": "幕", "来": "來", "源": "源", "网": "網"})
    return text.translate(table)


def sample_document() -> Document:
    """A source document with every block kind and the seeds' inline quirks."""
    blocks = [
        Heading(id="b0000", text="2025大湾区科学论坛即将开幕", level=1, lines=(1, 1)),
        Credit(id="b0001", text="粤港澳大湾区门户网 原文链接", role="source",
               marks=[Mark(kind="link", start=10, end=14,
                           attrs={"href": "https://mp.weixin.qq.com/s/_aPRP-bwAHZCcJuqMnDFQQ"})]),
        Paragraph(id="b0002", text=P2,
                  marks=[Mark(kind="strong", start=0, end=3),
                         Mark(kind="strong", start=P2.index("“"), end=P2.index("”") + 1)]),
        Paragraph(id="b0003", text=HL_TEXT, marks=HL_MARKS),
        Heading(id="b0004", text="智创湾区产研共融：勾勒创新链全景图", level=3),
        ListItem(id="b0005", text="一是突出前瞻性科技创新引领。", ordered=True, number=1),
        ListItem(id="b0006", text="二是突出现代化产业体系构建。", ordered=True, number=2),
        Quote(id="b0007", text="# 不是标题\n- 也不是列表"),
        Table(id="b0008", rows=[["地区", "实验室"], ["香港", "3|4"], ["澳门", "2"]], header_rows=1,
              text="地区\t实验室\n香港\t3|4\n澳门\t2"),
        Image(id="b0009", text="论坛现场", src="https://picsum.photos/400/300?random=4279"),
        Caption(id="b0010", text="图源国家超级计算广州中心"),
        Raw(id="b0011", text="```\nprint('<b>')\n```", format="code"),
        Rule(id="b0012"),
        Paragraph(id="b0013", text=BAD),
        Paragraph(id="b0014", text="本报综合报道,素材来源:大湾区科学论坛、南方网"),
    ]
    meta = Meta(title="2025大湾区科学论坛即将开幕", author="证券时报网",
                date=dt.datetime(2022, 6, 30, 15, 28, tzinfo=dt.UTC),
                date_raw="Thu, 30 Jun 2022 15:28:00 GMT", categories=["金融", "要闻"],
                source_url="https://example.org/news/1?a=1&b=2", lang="zh-Hans",
                extra={"headimg": "https://picsum.photos/400/300?random=4279", "comments": False})
    return Document(meta=meta, source=Source(path="seeds/000_f07f11e24ac20ed8.txt",
                                             format="markdown", encoding="utf-8"),
                    script="zh-Hans", blocks=blocks)


_EN = {
    "b0000": "2025 Greater Bay Area Science Forum to open",
    "b0001": "GBA portal Original link",
    "b0002": "Note: A press conference for the 2025 Greater Bay Area Science Forum was held. "
             "The theme is \u201cSmart Bay Area\u201d.",
    "b0003": "Technology is the primary productive force; industry is the cornerstone.",
    "b0004": "Smart Bay Area: mapping the innovation chain",
    "b0005": "First, forward-looking innovation.",
    "b0006": "Second, a modern industrial system.",
    "b0007": "# not a heading\n- nor a list",
    "b0008": "Region\tLabs\nHong Kong\t3|4\nMacao\t2",
    "b0009": "The forum venue",
    "b0010": "Image: National Supercomputing Center in Guangzhou",
    "b0013": BAD,
}


def sample_bilingual(*, untranslated: tuple[str, ...] = ("b0014",)) -> BilingualDocument:
    """The sample document as a BilingualDocument with zh-Hans, zh-Hant-HK and English."""
    doc = sample_document()
    units: list[Unit] = []
    for block in doc.blocks:
        zh = {} if block.kind == "rule" else {"zh-Hans": block.text,
                                               "zh-Hant-HK": _hant(block.text)}
        en = None if block.id in untranslated or block.kind in ("rule", "raw") else _EN.get(block.id)
        status = "passthrough" if block.kind in ("rule", "raw") else (
            "translated" if en is not None else "untranslated")
        unit = Unit(id=block.id, kind=block.kind, zh_block_ids=[block.id], zh=zh, en=en,
                    marks={"zh-Hans": list(block.marks), "zh-Hant-HK": list(block.marks)},
                    status=status, origin=ENGINE if en is not None else None)
        units.append(unit)
    by_id = {u.id: u for u in units}
    by_id["b0000"].glossary_hits = [
        GlossaryHit(term_id="gba", block_id="b0000", start=4, end=7, matched="大湾区"),
    ]
    by_id["b0000"].en = "2025 Greater Bay Area Science Forum to open"
    by_id["b0002"].segments = [
        Segment(id="b0002.s0", zh={"zh-Hans": "注意：日前,2025大湾区科学论坛新闻发布会举行。"},
                en="Note: A press conference for the 2025 Greater Bay Area Science Forum was held. ",
                origin=ENGINE),
        Segment(id="b0002.s1", zh={"zh-Hans": "以“智创湾区产研共融”为主题。"},
                en="The theme is \u201cSmart Bay Area\u201d.", origin=Origin(kind="human")),
    ]
    by_id["b0002"].marks["en"] = [Mark(kind="strong", start=0, end=5)]
    by_id["b0003"].qa = [Diagnostic(code="qa-number", severity="warning",
                                    message="number 2025 missing <in> English", block_id="b0003")]
    by_id["b0005"].origin = Origin(kind="human")
    by_id["b0005"].status = "human"
    return BilingualDocument(
        source=doc, scripts=["zh-Hans", "zh-Hant-HK"], units=units,
        provenance={"tool": "gba-docs 0.1.0", "opencc": "s2hk", "engine": "argos:zh-en",
                    "glossary_version": "2025.1", "created": "2025-01-02T03:04:05Z",
                    "glossary_terms": {"gba": {"en": "Greater Bay Area"}}},
    )


def test_samples_are_valid_models() -> None:
    bi = sample_bilingual()
    assert BilingualDocument.model_validate(bi.model_dump()) == bi
    assert {u.kind for u in bi.units} >= {"heading", "paragraph", "table", "raw", "rule", "image"}
    assert any(u.en is None and u.kind == "paragraph" for u in bi.units)


def test_sample_marks_lie_inside_their_text() -> None:
    for block in sample_document().blocks:
        for mark in block.marks:
            assert mark.end <= len(block.text), (block.id, mark)


def make_markdown_it() -> MarkdownIt:
    """CommonMark + GFM tables/strikethrough + `==mark==` + YAML front matter."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.front_matter import front_matter_plugin

    from gba_docs.readers.markdown import mark_plugin

    return (MarkdownIt("commonmark").enable(["table", "strikethrough"]).use(mark_plugin)
            .use(front_matter_plugin))


def test_mark_plugin_renders_highlight() -> None:
    md = make_markdown_it()
    assert md.render("a ==b== c") == "<p>a <mark>b</mark> c</p>\n"
    assert md.render("a \\=\\=b\\=\\= c") == "<p>a ==b== c</p>\n"
