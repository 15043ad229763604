"""Tests for the HTML reader: golden documents, structure, marks, whitespace, robustness."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gba_docs._io import atomic_write
from gba_docs.model import Document
from gba_docs.readers.html import read_html

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases" / "html"
SEED_004 = ROOT / "seeds" / "004_e9118c60ae84f4be.txt"
REGEN = os.environ.get("GBA_DOCS_REGEN_GOLDEN") == "1"

GOLDEN_INPUTS = {"seed_004": SEED_004, **{p.stem: p for p in sorted(CASES.glob("*.html"))}}


def golden_dump(doc: Document) -> str:
    """The document as compared with a golden file: everything but the volatile `source`."""
    data = doc.model_dump(mode="json", exclude={"source"})
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def check_invariants(doc: Document) -> None:
    """Ids in order, marks inside their text, no stray tags, sane line spans."""
    for index, block in enumerate(doc.blocks, start=1):
        assert block.id == f"b{index:04d}"
        for mark in block.marks:
            assert 0 <= mark.start < mark.end <= len(block.text), (block.id, mark)
        if block.lines is not None:
            assert 1 <= block.lines[0] <= block.lines[1]
    json.dumps(doc.model_dump(mode="json"))


@pytest.mark.parametrize("name", sorted(GOLDEN_INPUTS))
def test_golden(name: str) -> None:
    doc = read_html(GOLDEN_INPUTS[name].read_text(encoding="utf-8"))
    check_invariants(doc)
    expected = CASES / f"{name}.expected.json"
    actual = golden_dump(doc)
    if REGEN:
        atomic_write(expected, actual)
    assert expected.exists(), f"missing {expected.name}; run with GBA_DOCS_REGEN_GOLDEN=1"
    assert actual == expected.read_text(encoding="utf-8")


def test_regeneration_flag_is_off_in_ci() -> None:
    if os.environ.get("CI"):
        assert os.environ.get("GBA_DOCS_REGEN_GOLDEN") is None


# --------------------------------------------------------------------------- seed 004
@pytest.fixture(scope="module")
def seed004() -> Document:
    return read_html(SEED_004.read_text(encoding="utf-8"))


def test_seed004_front_matter_meta(seed004: Document) -> None:
    meta = seed004.meta
    assert meta.title == "粤港澳科技创新合作论坛在前海举办"
    assert meta.author == "证券时报网"
    assert meta.categories == ["金融", "证券时报网", "要闻"]
    assert meta.date_raw == "Thu, 30 Jun 2022 15:28:00 GMT"
    assert meta.date is not None and meta.date.isoformat() == "2022-06-30T15:28:00+00:00"
    assert meta.images == ["https://picsum.photos/400/300?random=4279"]
    assert meta.extra == {"comments": False}


def test_seed004_bold_paragraphs_become_level3_headings(seed004: Document) -> None:
    headings = [b for b in seed004.blocks if b.kind == "heading"]
    assert [h.text for h in headings] == ["推动粤港澳科技创新合作成为共识", "交流合作，共绘科创美好蓝图"]
    assert all(h.level == 3 and h.attrs == {"promoted_from": "bold paragraph"} for h in headings)
    assert all(h.marks == [] for h in headings)


def test_seed004_lines_count_front_matter(seed004: Document) -> None:
    # every <p> of seed 004 sits on file line 16 (after 13 front-matter lines and a <div>)
    assert {b.lines for b in seed004.blocks} == {(16, 16)}
    assert len(seed004.blocks) == 13
    assert seed004.blocks[0].text.startswith("6月30日，前海庆祝香港回归25周年")


def test_seed004_keeps_every_character_of_the_body(seed004: Document) -> None:
    source = SEED_004.read_text(encoding="utf-8").split("---")[-1]
    visible = re.sub(r"<[^>]+>|\s", "", source)
    assert re.sub(r"\s", "", "".join(b.text for b in seed004.blocks)) == visible


# --------------------------------------------------------------------------- structure
def test_news_page_structure() -> None:
    doc = read_html((CASES / "news_page.html").read_text(encoding="utf-8"))
    kinds = [b.kind for b in doc.blocks]
    assert kinds[:2] == ["heading", "paragraph"]
    assert doc.meta.title == "河套深港科技创新合作区新政发布"  # og:title over <title>
    assert doc.meta.lang == "zh-CN" and doc.meta.source_name == "湾区科技网"
    text = doc.visible_text()
    for dropped in ("首页", "广告", "console.log", "_hmt", "隐藏的统计代码", "版权所有", "相关阅读",
                    "正文开始", "margin"):
        assert dropped not in text
    codes = {d.code for d in doc.diagnostics}
    assert {"html-boilerplate-dropped", "html-hidden-dropped"} <= codes
    image = next(b for b in doc.blocks if b.kind == "image")
    assert image.src == "https://news.example.cn/img/hetao-1.jpg"  # data-src over placeholder
    assert doc.blocks[doc.blocks.index(image) + 1].kind == "caption"


def test_lists_depth_and_numbers() -> None:
    doc = read_html('<ol start="3"><li>a<ul><li>b</li><li>c</li></ul></li><li value="7">d</li>'
                    "<li>e</li></ol>")
    items = [(b.text, b.depth, b.number, b.ordered) for b in doc.blocks]
    assert items == [("a", 0, 3, True), ("b", 1, None, False), ("c", 1, None, False),
                     ("d", 0, 7, True), ("e", 0, 8, True)]


def test_table_rows_and_headers() -> None:
    doc = read_html("<table><caption>表</caption><tr><th>项目</th><th>金额</th></tr>"
                    "<tr><td>人才<br>资助</td><td>1000</td></tr></table>")
    table, caption = doc.blocks
    assert table.kind == "table" and table.header_rows == 1
    assert table.rows == [["项目", "金额"], ["人才\n资助", "1000"]]
    assert caption.kind == "caption" and caption.text == "表"


def test_layout_table_is_read_as_paragraphs() -> None:
    doc = read_html("<table><tr><td><p>第一段。</p><p>第二段。</p></td></tr></table>")
    assert [(b.kind, b.text) for b in doc.blocks] == [("paragraph", "第一段。"),
                                                     ("paragraph", "第二段。")]


def test_quote_pre_rule_and_figure() -> None:
    doc = read_html("<blockquote>引文</blockquote><hr><pre><code class='language-js'>a  =\n 1"
                    "</code></pre><figure><img src='x.png' alt='图'><figcaption>说明</figcaption>"
                    "</figure>")
    assert [b.kind for b in doc.blocks] == ["quote", "rule", "raw", "image", "caption"]
    raw = doc.blocks[2]
    assert raw.text == "a  =\n 1" and raw.format == "code" and raw.attrs == {"lang": "js"}


# --------------------------------------------------------------------------- inline
def test_inline_marks_from_tags_and_styles() -> None:
    doc = read_html('<p><b>粗</b><i>斜</i><a href="https://x.org">链</a><mark>亮</mark>'
                    '<span style="background-color:#ff0">底</span><font color="red">色</font>'
                    '<span style="color:#00f">蓝</span><u>下</u><del>删</del><sup>上</sup>'
                    "<sub>下</sub><code>码</code></p>")
    marks = [(m.kind, m.start, m.attrs) for m in doc.blocks[0].marks]
    assert marks == [
        ("strong", 0, {}), ("emphasis", 1, {}), ("link", 2, {"href": "https://x.org"}),
        ("highlight", 3, {}), ("highlight", 4, {"background": "#ff0"}),
        ("emphasis", 5, {"color": "red"}), ("emphasis", 6, {"color": "#00f"}),
        ("underline", 7, {}), ("strike", 8, {}), ("superscript", 9, {}),
        ("subscript", 10, {}), ("code", 11, {}),
    ]


def test_span_wrapping_two_paragraphs_marks_both() -> None:
    doc = read_html('<span style="background:#fff88f"><p>甲乙</p><p>丙丁</p></span>')
    assert [[(m.kind, m.start, m.end) for m in b.marks] for b in doc.blocks] == [
        [("highlight", 0, 2)], [("highlight", 0, 2)]]


def test_mark_does_not_swallow_the_space_before_it() -> None:
    doc = read_html('<p>作者: <a href="https://x.org">名字</a> 完</p>')
    block = doc.blocks[0]
    link = block.marks[0]
    assert block.text[link.start : link.end] == "名字"


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>粤港澳\n大湾区</p>", "粤港澳大湾区"),
        ("<p><span>粤港澳</span>\n  <span>大湾区</span></p>", "粤港澳大湾区"),
        ("<p>科技。\n“创新”</p>", "科技。“创新”"),
        ("<p>智创湾区 产研共融</p>", "智创湾区 产研共融"),
        ("<p>Greater\nBay   Area</p>", "Greater Bay Area"),
        ("<p>第一行<br>\n  第二行</p>", "第一行\n第二行"),
        ("<p>&#123;&nbsp;&lt;b&gt;&amp;</p>", "{\xa0<b>&"),
        ("<p>&nbsp;&nbsp;\u3000\u3000缩进</p>", "缩进"),
    ],
)
def test_whitespace_and_entities(html: str, text: str) -> None:
    assert read_html(html).blocks[0].text == text


def test_empty_wrappers_are_dropped() -> None:
    doc = read_html("<div><p> </p><p><br></p><p>&nbsp;</p><span></span><p>正文</p></div>")
    assert [b.text for b in doc.blocks] == ["正文"]


def test_title_meta_fills_only_missing_front_matter() -> None:
    doc = read_html("---\ntitle: 前置标题\n---\n<html lang='zh-HK'><head><title>网页标题</title>"
                    "<meta name='author' content='记者'></head><body><p>正文</p></body></html>")
    assert doc.meta.title == "前置标题" and doc.meta.author == "记者"
    assert doc.meta.lang == "zh-HK"
    assert doc.blocks[0].lines == (4, 4)


# --------------------------------------------------------------------------- robustness
def test_truncated_html_keeps_all_text() -> None:
    source = (CASES / "truncated.html").read_text(encoding="utf-8")
    doc = read_html(source)
    check_invariants(doc)
    text = doc.visible_text()
    for piece in ("120.56平方公里", "子项", "未闭合的段落二", "斜体没有闭合", "单元格二", "第二行",
                  "最后一段被截断在属性中间"):
        assert piece in text


def test_nesting_beyond_parser_limit_keeps_text() -> None:
    doc = read_html("<div>" * 3000 + "深层文字" + "</div>" * 3000)
    assert "深层文字" in doc.visible_text()
    assert [d.code for d in doc.diagnostics] == ["html-too-deep"]


@pytest.mark.parametrize("text", ["", "   ", "<!-- only a comment -->", "\x00", "\ud800<p>x",
                                  "<?xml version='1.0' encoding='gbk'?><p>中</p>", "<", "&#0;"])
def test_odd_inputs_do_not_raise(text: str) -> None:
    check_invariants(read_html(text))


_TAGS = ["p", "div", "span", "b", "i", "a", "li", "ul", "ol", "table", "tr", "td", "br", "h2",
         "blockquote", "pre", "img", "font", "script", "figure", "figcaption", "hr"]
_piece = st.one_of(
    st.sampled_from([f"<{t}>" for t in _TAGS] + [f"</{t}>" for t in _TAGS]),
    st.sampled_from(['<span style="background:#ff0">', '<font color="red">', '<a href="x">',
                     "<!--", "-->", "&nbsp;", "&#", "\n", " ", "\u3000", "---\n", "<"]),
    st.text(alphabet="湾区科技ab,。 \n", max_size=8),
    st.text(max_size=5),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_piece, max_size=40).map("".join))
def test_fuzz_random_html_always_reads(text: str) -> None:
    check_invariants(read_html(text))
