"""Clean and bilingual Markdown: CommonMark validity checked by rendering with markdown-it-py."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from test_writers_samples import (
    HL_MARKS,
    HL_TEXT,
    P2,
    make_markdown_it,
    sample_bilingual,
    sample_document,
)

from gba_docs.model import Document, Mark, Paragraph
from gba_docs.writers import render, write_clean_markdown, write_monolingual
from gba_docs.writers.markdown import (
    BlockView,
    MarkdownOptions,
    render_block,
    render_inline,
)

MD = make_markdown_it()
TAG_KIND = {"strong": "strong", "em": "emphasis", "mark": "highlight", "s": "strike",
            "del": "strike", "code": "code", "a": "link", "u": "underline",
            "sup": "superscript", "sub": "subscript"}
ENGINES = [MarkdownOptions(engine="markdownify"), MarkdownOptions(engine="direct")]


class _Styled(HTMLParser):
    """Rendered HTML → list of (char, frozenset of mark kinds)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.chars: list[tuple[str, frozenset[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.chars.append(("\n", frozenset()))
        elif tag in TAG_KIND:
            self.stack.append(TAG_KIND[tag])

    def handle_endtag(self, tag: str) -> None:
        if tag in TAG_KIND:
            assert self.stack and self.stack[-1] == TAG_KIND[tag], (tag, self.stack)
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        kinds = frozenset(self.stack)
        self.chars.extend((ch, kinds) for ch in data)


def styled(md: str) -> list[tuple[str, frozenset[str]]]:
    html = MD.render(md)
    html = re.sub(r"^<p>|</p>\n$", "", html)
    parser = _Styled()
    parser.feed(html)
    parser.close()
    return parser.chars


def expected(text: str, marks: list[Mark]) -> list[tuple[str, frozenset[str]]]:
    return [(ch, frozenset(m.kind for m in marks if m.start <= i < m.end))
            for i, ch in enumerate(text)]


def _is_edge_char(ch: str) -> bool:
    import unicodedata

    return ch.isspace() or unicodedata.category(ch)[0] in "PSZ"


def assert_renders(text: str, marks: list[Mark], options: MarkdownOptions) -> None:
    """The rendered text equals the input and every character carries its marks, except edge
    whitespace/punctuation that was moved outside a delimiter (spaces are not compared:
    CommonMark drops them at paragraph edges)."""
    md = render_inline(text, marks, options)
    got = [(c, k) for c, k in styled(md) if c != " "]
    want = [(c, k) for c, k in expected(text, marks) if c != " "]
    assert "".join(c for c, _ in got) == "".join(c for c, _ in want), (text, marks, md)
    for (ch, kinds), (_, want_kinds) in zip(got, want):
        if "code" in want_kinds:
            assert "code" in kinds, (text, marks, md)
        elif kinds != want_kinds:
            # only edge punctuation may lose a delimiter mark (moved outside the delimiters)
            assert kinds < want_kinds and _is_edge_char(ch), (text, marks, md, ch, kinds)


@pytest.mark.parametrize("options", ENGINES, ids=["markdownify", "direct"])
def test_emphasis_moves_off_chinese_punctuation(options: MarkdownOptions) -> None:
    marks = [Mark(kind="strong", start=0, end=3)]
    assert render_inline("注意：粤港澳", marks, options) == "**注意**：粤港澳"
    assert "<strong>注意</strong>：" in MD.render("**注意**：粤港澳")
    quoted = [Mark(kind="strong", start=P2.index("“"), end=P2.index("”") + 1)]
    assert "“**智创湾区产研共融**”" in render_inline(P2, quoted, options)
    assert_renders(P2, quoted, options)


@pytest.mark.parametrize("options", ENGINES, ids=["markdownify", "direct"])
def test_seed_highlight_with_nested_colour_renders(options: MarkdownOptions) -> None:
    assert_renders(HL_TEXT, HL_MARKS, options)
    html = MD.render(render_inline(HL_TEXT, HL_MARKS, options))
    assert "<mark><em>科技是第一生产力，产业是国民经济基石</em>。" in html
    assert "**" not in html and "==" not in html


@pytest.mark.parametrize("options", ENGINES, ids=["markdownify", "direct"])
def test_mark_of_only_punctuation_falls_back_to_html(options: MarkdownOptions) -> None:
    md = render_inline("a：b", [Mark(kind="strong", start=1, end=2)], options)
    assert md == "a<strong>：</strong>b"
    assert_renders("a：b", [Mark(kind="strong", start=1, end=2)], options)


def test_overlapping_marks_are_split_into_nested_runs() -> None:
    marks = [Mark(kind="strong", start=0, end=4), Mark(kind="emphasis", start=2, end=6)]
    for options in ENGINES:
        assert_renders("科技创新产业发展", marks, options)


def test_highlight_can_be_inline_html() -> None:
    md = render_inline("重点内容", [Mark(kind="highlight", start=0, end=2)],
                       MarkdownOptions(highlight="<mark>"))
    assert md == "<mark>重点</mark>内容"


def test_escapes_markdown_significant_text() -> None:
    for text in ["# 不是标题", "1. 不是列表", "- 不是列表", "+ x", "a*b*c", "_x_", "[a](b)",
                 "<b>x</b>", "a | b", "x==y==z", "~~s~~", "&amp;", "`code`", "\\*", "2025) 年",
                 "    缩进", "> 引用", "***", "=====", "![i](x)"]:
        md = render_block(BlockView("paragraph", text))
        tokens = MD.parse(md)
        assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"], (
            text, md)
        assert styled(md) == expected(text.strip(), []), (text, md)


def test_newlines_inside_a_paragraph_are_hard_breaks() -> None:
    md = render_block(BlockView("paragraph", "第一行\n# 第二行"))
    assert MD.render(md) == "<p>第一行<br />\n# 第二行</p>\n"


def test_headings_lists_quotes_tables_rules_and_code() -> None:
    md = write_clean_markdown(sample_document())
    tokens = MD.parse(md)
    types = {t.type for t in tokens} | {c.type for t in tokens for c in (t.children or [])}
    assert {"front_matter", "heading_open", "ordered_list_open", "blockquote_open",
            "table_open", "hr", "fence", "link_open", "image"} <= types
    html = MD.render(md)
    assert "<strong>注意</strong>：" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<td>3|4</td>" in html
    assert "<em>图源国家超级计算广州中心</em>" in html
    fence = next(t for t in tokens if t.type == "fence")
    assert fence.content == "```\nprint('<b>')\n```\n"


def test_front_matter_is_yaml_with_meta_and_extra() -> None:
    md = write_clean_markdown(sample_document())
    fm = next(t for t in MD.parse(md) if t.type == "front_matter")
    data = yaml.safe_load(fm.content)
    assert data["title"] == "2025大湾区科学论坛即将开幕"
    assert data["categories"] == ["金融", "要闻"]
    assert data["headimg"].startswith("https://picsum.photos")
    assert data["comments"] is False


def test_bilingual_interleaved_markdown() -> None:
    bi = sample_bilingual()
    md = render(bi, "md")[".bi.md"]
    tokens = MD.parse(md)
    data = yaml.safe_load(next(t for t in tokens if t.type == "front_matter").content)
    assert data["title"]["en"] == "2025 Greater Bay Area Science Forum to open"
    assert data["title"]["zh-Hant-HK"].startswith("2025大灣區")
    assert data["lang"] == ["zh-Hans", "zh-Hant-HK", "en"]
    html = MD.render(md)
    zh, hant, en = (html.index("2025大湾区科学论坛即将开幕"), html.index("2025大灣區科學論壇"),
                    html.index("2025 Greater Bay Area Science Forum to open"))
    assert zh < hant < en
    assert html.rstrip().endswith("<blockquote>\n<p>[untranslated]</p>\n</blockquote>")


def test_bilingual_table_markdown_is_one_gfm_table() -> None:
    bi = sample_bilingual()
    md = render(bi, "md-table")[".bi-table.md"]
    tokens = MD.parse(md)
    assert sum(t.type == "table_open" for t in tokens) == 1
    rows = sum(t.type == "tr_open" for t in tokens)
    assert rows == 1 + sum(u.kind != "rule" for u in bi.units)
    html = MD.render(md)
    assert "[untranslated]" in html
    assert "<strong>2025大湾区科学论坛即将开幕</strong>" in html
    assert "&lt;script&gt;" in html and "<script>" not in html


def test_monolingual_views_per_script_and_english() -> None:
    bi = sample_bilingual()
    outputs = render(bi, "clean")
    assert set(outputs) == {".zh-Hans.md", ".zh-Hant-HK.md", ".en.md"}
    assert "2025大灣區科學論壇" in outputs[".zh-Hant-HK.md"]
    en = outputs[".en.md"]
    assert "> \\[untranslated\\] 本报综合报道" in en
    assert "**Note**: A press" in en
    data = yaml.safe_load(next(t for t in MD.parse(en) if t.type == "front_matter").content)
    assert data["lang"] == "en" and data["title"].startswith("2025 Greater Bay Area")


def test_untranslated_units_are_never_blank() -> None:
    bi = sample_bilingual(untranslated=("b0003", "b0014"))
    en = write_monolingual(bi, "en")
    assert en.count("\\[untranslated\\]") == 2


def test_nested_list_depth_without_parent_does_not_become_code() -> None:
    from gba_docs.model import ListItem

    doc = Document(blocks=[Paragraph(id="b0", text="前言"),
                           ListItem(id="b1", text="深层", depth=3)])
    tokens = MD.parse(write_clean_markdown(doc))
    assert "code_block" not in {t.type for t in tokens}
    assert "bullet_list_open" in {t.type for t in tokens}


_ALPHABET = st.sampled_from(list("科技创新湾区粤港澳") + list("，。：；“”「」（）！？、—…")
                            + list("abcXYZ019 ") + list("*_=[]<>#&\\`~|!.-+()\"'"))
_KINDS = st.sampled_from(["strong", "emphasis", "highlight", "strike", "code", "link",
                          "underline", "superscript"])


@st.composite
def marked_text(draw: st.DrawFn) -> tuple[str, list[Mark]]:
    text = draw(st.text(_ALPHABET, min_size=1, max_size=30))
    marks = []
    for _ in range(draw(st.integers(0, 4))):
        a = draw(st.integers(0, len(text)))
        b = draw(st.integers(a, len(text)))
        kind = draw(_KINDS)
        attrs = {"href": "https://example.org/x"} if kind == "link" else {}
        marks.append(Mark(kind=kind, start=a, end=b, attrs=attrs))
    return text, marks


@settings(max_examples=300, deadline=None)
@given(marked_text())
def test_property_every_mark_renders_and_nothing_leaks(sample: tuple[str, list[Mark]]) -> None:
    text, marks = sample
    for options in ENGINES:
        assert_renders(text, marks, options)


SEEDS = sorted((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))


@pytest.mark.parametrize("seed", SEEDS, ids=[p.stem for p in SEEDS])
def test_seed_clean_markdown_renders_every_mark(seed: Path) -> None:
    from gba_docs.pipeline import read_path

    doc = read_path(seed)
    md = write_clean_markdown(doc)
    html = MD.render(md)
    assert "==" not in re.sub(r"<[^>]+>", "", html) and "**" not in html
    for block in doc.blocks:
        if block.marks and block.kind in ("paragraph", "heading", "quote", "list_item"):
            assert_renders(block.text, list(block.marks), MarkdownOptions())
