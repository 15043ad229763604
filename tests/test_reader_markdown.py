"""Tests for the Markdown reader: golden documents, seed 001's styling, credits, robustness."""

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
from gba_docs.readers.markdown import read_markdown

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases" / "markdown"
SEED_001 = ROOT / "seeds" / "001_db7c19a780cc40f6.txt"
REGEN = os.environ.get("GBA_DOCS_REGEN_GOLDEN") == "1"

GOLDEN_INPUTS = {"seed_001": SEED_001, **{p.stem: p for p in sorted(CASES.glob("*.md"))}}
TAG_LIKE = re.compile(r"</?[A-Za-z][\w-]*(?:\s[^<>]*)?/?>")


def golden_dump(doc: Document) -> str:
    """The document as compared with a golden file: everything but the volatile `source`."""
    data = doc.model_dump(mode="json", exclude={"source"})
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def check_invariants(doc: Document) -> None:
    for index, block in enumerate(doc.blocks, start=1):
        assert block.id == f"b{index:04d}"
        for mark in block.marks:
            assert 0 <= mark.start < mark.end <= len(block.text), (block.id, mark)
        if block.lines is not None:
            assert 1 <= block.lines[0] <= block.lines[1]
    json.dumps(doc.model_dump(mode="json"))


@pytest.mark.parametrize("name", sorted(GOLDEN_INPUTS))
def test_golden(name: str) -> None:
    doc = read_markdown(GOLDEN_INPUTS[name].read_text(encoding="utf-8"))
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


# --------------------------------------------------------------------------- seed 001
@pytest.fixture(scope="module")
def seed001() -> Document:
    return read_markdown(SEED_001.read_text(encoding="utf-8"))


def test_seed001_first_highlight_covers_exactly_the_styled_sentence(seed001: Document) -> None:
    styled = next(b for b in seed001.blocks if any(m.kind == "highlight" for m in b.marks))
    mark = next(m for m in styled.marks if m.kind == "highlight")
    assert styled.text[mark.start : mark.end] == (
        "科技是第一生产力，产业是国民经济基石。当前，科技创新及产业建设不仅是中国实现高质量发展的"
        "重要动力，也是塑造新发展格局的关键要素。"
    )
    assert mark.attrs == {"background": "#fff88f"}
    red = [styled.text[m.start : m.end] for m in styled.marks if m.attrs.get("color") == "#ff0000"]
    assert red[:3] == ["科技是第一生产力，产业是国民经济基石。", "科技创新", "产业建设"]
    assert "“智创湾区 产研共融”" in red


def test_seed001_no_raw_html_survives(seed001: Document) -> None:
    for block in seed001.blocks:
        assert not TAG_LIKE.search(block.text), (block.id, block.text[:80])
    assert not any(d.code == "markdown-raw-html-left" for d in seed001.diagnostics)


def test_seed001_indent_removed(seed001: Document) -> None:
    assert not any(b.text.startswith(("\u3000", " ")) for b in seed001.blocks)
    assert seed001.blocks[2].text.startswith("12月9日，2025大湾区科学论坛")
    assert seed001.blocks[2].lines == (6, 6)


def test_seed001_source_line_and_author_block(seed001: Document) -> None:
    source, author = seed001.blocks[1], seed001.blocks[-1]
    assert (source.kind, source.role, source.text) == ("credit", "source", "粤港澳大湾区门户网 原文链接")
    assert (author.kind, author.role) == ("credit", "author")
    assert author.text.startswith("作者: t0ur1st\nURL: https://tyd2000.github.io/posts/")
    assert author.lines == (62, 63)
    meta = seed001.meta
    assert meta.title == "2025大湾区科学论坛闭幕 构筑全球科创协同新生态"
    assert meta.source_name == "粤港澳大湾区门户网"
    assert meta.source_url == "https://mp.weixin.qq.com/s/_aPRP-bwAHZCcJuqMnDFQQ"
    assert meta.author == "t0ur1st"
    assert meta.extra["author_url"] == "https://github.com/tyd2000"
    assert meta.extra["other_urls"][0].startswith("https://tyd2000.github.io/posts/2025")


def test_seed001_structure(seed001: Document) -> None:
    kinds = [b.kind for b in seed001.blocks]
    assert kinds.count("rule") == 5 and kinds.count("heading") == 4
    assert [b.level for b in seed001.blocks if b.kind == "heading"] == [1, 3, 3, 3]


def test_seed001_lines_point_at_the_text(seed001: Document) -> None:
    lines = SEED_001.read_text(encoding="utf-8").split("\n")
    for block in seed001.blocks:
        if block.kind in ("paragraph", "heading"):
            plain = re.sub(r"<[^>]+>|[#*]", "", lines[block.lines[0] - 1]).strip("\u3000 ")
            assert plain.startswith(block.text[:6]), block.id


# --------------------------------------------------------------------------- inline + blocks
def test_markdown_and_html_styling_give_the_same_marks() -> None:
    md = read_markdown("**粗** *斜* ==亮== ~~删~~ [链](https://x.org) `码`").blocks[0]
    html = read_markdown("<b>粗</b> <i>斜</i> <mark>亮</mark> <s>删</s> "
                         '<a href="https://x.org">链</a> <code>码</code>').blocks[0]
    assert md.text == html.text == "粗 斜 亮 删 链 码"
    assert [(m.kind, m.start, m.end, m.attrs) for m in md.marks] == \
           [(m.kind, m.start, m.end, m.attrs) for m in html.marks]


def test_inline_html_spanning_markdown_emphasis() -> None:
    block = read_markdown('<span style="background:#fff88f">甲**乙**丙</span>丁').blocks[0]
    assert block.text == "甲乙丙丁"
    assert [(m.kind, m.start, m.end) for m in block.marks] == [("highlight", 0, 3), ("strong", 1, 2)]


@pytest.mark.parametrize(
    ("source", "text"),
    [("a < b and c > d", "a < b and c > d"), ("1 <2 && x<y", "1 <2 && x<y"),
     ("`<span>` stays as code", "<span> stays as code"), ("粤港澳\n大湾区", "粤港澳大湾区"),
     ("Bay\nArea", "Bay Area"), ("行一  \n行二", "行一\n行二")],
)
def test_literal_text_and_line_breaks(source: str, text: str) -> None:
    assert read_markdown(source).blocks[0].text == text


def test_broken_inline_tag_is_reported() -> None:
    doc = read_markdown('正文<font color="red>红字</font>')
    assert [d.code for d in doc.diagnostics] == ["markdown-raw-html-left"]
    assert doc.diagnostics[0].block_id == "b0001"


def test_obsidian_case_blocks() -> None:
    doc = read_markdown((CASES / "obsidian_typora.md").read_text(encoding="utf-8"))
    by_kind: dict[str, list] = {}
    for block in doc.blocks:
        by_kind.setdefault(block.kind, []).append(block)
    assert [(b.depth, b.number) for b in by_kind["list_item"][:5]] == [
        (0, 1), (1, None), (1, None), (0, 2), (1, None)]
    table = by_kind["table"][0]
    assert table.header_rows == 1 and table.rows[2] == ["AIR@InnoHK", "13", "人工智能"]
    assert [b.src for b in by_kind["image"]] == ["https://example.hk/img/park.jpg",
                                                 "https://example.hk/img/park-wide.jpg"]
    assert by_kind["raw"][0].attrs == {"lang": "python"} and by_kind["raw"][0].lines == (45, 48)
    assert doc.meta.date_raw == "2024/5/8 14:05" and doc.meta.extra["updated"] == "2024-05-09 08:00:00"
    assert doc.meta.source_url == "https://example.hk/posts/innohk-2024"
    assert doc.blocks[0].lines == (15, 15)


def test_toml_front_matter_and_setext_heading() -> None:
    doc = read_markdown((CASES / "hugo_toml.md").read_text(encoding="utf-8"))
    assert doc.meta.tags == ["Macao", "youth", "GBA"] and doc.meta.extra["draft"] is False
    assert doc.meta.date is not None and doc.meta.date.utcoffset() is not None
    assert (doc.blocks[0].kind, doc.blocks[0].lines) == ("heading", (10, 11))
    assert doc.blocks[-1].kind == "raw" and doc.blocks[-1].text == "indented code block\nstays as code"


def test_broken_front_matter_is_kept_and_body_read() -> None:
    doc = read_markdown((CASES / "broken_frontmatter.md").read_text(encoding="utf-8"))
    assert [d.code for d in doc.diagnostics] == ["frontmatter-invalid"]
    assert doc.diagnostics[0].line == 4
    raw = doc.blocks[0]
    assert raw.kind == "raw" and raw.format == "frontmatter" and raw.lines == (1, 5)
    assert "未闭合的引号" in raw.text
    assert [b.kind for b in doc.blocks[1:]] == ["heading", "paragraph"]
    assert doc.blocks[2].lines == (9, 9)


def test_html_block_lines_follow_the_markdown_file() -> None:
    doc = read_markdown("# 标题\n\n<div>\n<p>第一段</p>\n\n<p>第二段</p>\n</div>\n\n尾段\n")
    assert [(b.text, b.lines) for b in doc.blocks] == [
        ("标题", (1, 1)), ("第一段", (4, 4)), ("第二段", (6, 6)), ("尾段", (9, 9))]


def test_whole_bold_paragraph_becomes_heading() -> None:
    doc = read_markdown("**交流合作，共绘科创美好蓝图**\n\n**注意：**正文")
    assert [(b.kind, getattr(b, "level", None)) for b in doc.blocks] == [
        ("heading", 3), ("paragraph", None)]


# --------------------------------------------------------------------------- robustness
@pytest.mark.parametrize("text", ["", "\n\n", "---", "---\n", "+++\n", "> ", "\x00", "\ud800",
                                  ">" * 5000 + " deep", "*" * 5000, "[" * 3000 + "x",
                                  "<div>" * 3000])
def test_odd_inputs_do_not_raise(text: str) -> None:
    check_invariants(read_markdown(text))


_piece = st.one_of(
    st.sampled_from(["# ", "## ", "> ", "- ", "1. ", "**", "*", "==", "~~", "`", "```\n", "---\n",
                     "\n", "\n\n", "  \n", "| a | b |\n|---|---|\n", "[x](http://y)", "![i](s.png)",
                     '<span style="background:#ff0">', "</span>", '<font color="red">', "</font>",
                     "<div>", "</div>", "<!--", "\u3000\u3000", "[^1]", "[^1]: n\n", "<", "&amp;"]),
    st.text(alphabet="湾区科技ab,。 ", max_size=8),
    st.text(max_size=4),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_piece, max_size=40).map("".join))
def test_fuzz_random_markdown_always_reads(text: str) -> None:
    doc = read_markdown(text)
    check_invariants(doc)
    for block in doc.blocks:
        if block.kind not in ("raw",) and not any(m.kind == "code" for m in block.marks):
            assert not re.search(r"<(?:span|font|div)\b[^<>]*>", block.text) or any(
                d.code == "markdown-raw-html-left" for d in doc.diagnostics)
