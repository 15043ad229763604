"""The plain-text reader: golden cases, every seed quirk, hard wraps, lists, and fuzzing.

Golden files live in tests/cases/text/<name>.expected.json; regenerate with
GBA_DOCS_REGEN_GOLDEN=1 (never in CI: a test checks the flag is off there) and review the diff.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gba_docs.fixes import run_fixes
from gba_docs.model import Document, Source
from gba_docs.readers.text import read_text

CASES = Path(__file__).resolve().parent / "cases" / "text"
INPUTS = sorted(CASES.glob("*.txt"))
REGEN = os.environ.get("GBA_DOCS_REGEN_GOLDEN") == "1"
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def _read(name: str) -> Document:
    return read_text((CASES / name).read_text(encoding="utf-8"))


def _fixed(name: str) -> Document:
    return run_fixes(_read(name))


def _compact(doc: Document) -> dict[str, Any]:
    blocks = []
    for b in doc.blocks:
        row: dict[str, Any] = {
            "id": b.id,
            "kind": b.kind,
            "lines": list(b.lines or ()),
            "text": b.text,
        }
        for key in ("level", "role", "ordered", "number", "depth"):
            if hasattr(b, key):
                row[key] = getattr(b, key)
        if b.attrs:
            row["attrs"] = b.attrs
        if b.marks:
            row["marks"] = [m.model_dump(exclude_defaults=True) for m in b.marks]
        blocks.append(row)
    return {
        "meta": doc.meta.model_dump(mode="json", exclude_defaults=True),
        "blocks": blocks,
        "diagnostics": [[d.code, d.block_id, d.line] for d in doc.diagnostics],
        "structural_changes": [
            [c.step, c.op, c.block_id, c.merged_id, c.joiner] for c in doc.changes if c.op != "edit"
        ],
        "edited_blocks": sorted({c.block_id for c in doc.changes if c.op == "edit"}),
    }


def _golden_text(path: Path) -> str:
    raw = read_text(path.read_text(encoding="utf-8"))
    data = {"read": _compact(raw), "fixed": _compact(run_fixes(raw))}
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.stem)
def test_case_matches_golden(path: Path) -> None:
    golden = path.with_suffix(".expected.json")
    actual = _golden_text(path)
    if REGEN:
        golden.write_text(actual, encoding="utf-8")
    assert golden.exists(), f"{golden.name} missing: run once with GBA_DOCS_REGEN_GOLDEN=1"
    assert actual == golden.read_text(encoding="utf-8"), (
        f"{golden.name} differs; if intended, regenerate with GBA_DOCS_REGEN_GOLDEN=1 and review"
    )


def test_regeneration_flag_is_off_in_ci() -> None:
    if os.environ.get("CI"):
        assert not REGEN, "GBA_DOCS_REGEN_GOLDEN must not be set in CI"


def _texts(doc: Document, kind: str | None = None) -> list[str]:
    return [b.text for b in doc.blocks if kind is None or b.kind == kind]


# --------------------------------------------------------------------------- seed 000
def test_seed000_title_subtitle_label_credit_and_empty_headings() -> None:
    doc = _read("seed_000.txt")
    assert doc.meta.title == "2025大湾区科学论坛即将开幕"
    assert doc.meta.subtitle == "为加快建设全球科技创新合作高地搭建舞台"
    subtitle = doc.blocks[1]
    assert subtitle.kind == "heading" and subtitle.attrs["role"] == "subtitle"
    assert _texts(doc, "label") == ["链接"]
    credit = next(b for b in doc.blocks if b.kind == "credit")
    assert credit.role == "source" and credit.text.startswith("本报综合报道")
    empty = [d for d in doc.diagnostics if d.code == "heading-empty-section"]
    assert [doc.block(d.block_id).text[:4] for d in empty] == ["锚定“十", "扩大高水"]
    assert [d.line for d in empty] == [43, 47]


def test_seed000_cut_paragraphs_are_joined_by_the_fix() -> None:
    doc = _fixed("seed_000.txt")
    text = doc.visible_text()
    assert "发展第十五个五年规划的建议》" in text
    assert "推动南沙环港科大（广州）创新区" in text
    merges = [c for c in doc.changes if c.op == "merge"]
    assert sorted((c.block_id, c.merged_id, c.joiner) for c in merges) == [
        ("b0008", "b0009", ""),
        ("b0016", "b0017", ""),
    ]
    joined = doc.block("b0008")
    assert joined.lines == (19, 21)


# --------------------------------------------------------------------------- seed 002
def test_seed002_kicker_lead_in_and_bylines() -> None:
    doc = _read("seed_002.txt")
    kicker, title = doc.blocks[0], doc.blocks[1]
    assert kicker.kind == "heading" and kicker.attrs["role"] == "kicker"
    assert title.text == "加快打造世界级科技创新策源地" and doc.meta.title == title.text
    lead = doc.blocks[2]
    assert lead.text.startswith("本报讯 6月18日") and lead.attrs["lead_in"] == "本报讯"
    assert [(m.kind, m.start, m.end) for m in lead.marks] == [("strong", 0, 3)]
    byline = next(b for b in doc.blocks if b.kind == "credit" and b.role == "byline")
    assert byline.text == "(岳宗)" and byline.lines == (35, 35)
    second_kicker = next(b for b in doc.blocks if b.lines == (37, 37))
    assert second_kicker.kind == "heading" and second_kicker.attrs["role"] == "kicker"
    last = doc.blocks[-1]
    assert last.kind == "paragraph" and last.attrs["byline"] == "省科技厅"
    assert last.text.endswith("(省科技厅)")


def test_seed002_caption_and_image_credit_move_after_the_joined_paragraph() -> None:
    doc = _fixed("seed_002.txt")
    kinds = [(b.kind, b.text[-6:]) for b in doc.blocks]
    at = next(i for i, b in enumerate(doc.blocks) if "切实增强高校科研院所创新策源能力" in b.text)
    assert doc.blocks[at].kind == "paragraph"
    assert doc.blocks[at].text.endswith("3个学科进入前万分之一。")
    assert doc.blocks[at + 1].kind == "caption", kinds
    assert doc.blocks[at + 1].text == "超算中心等重大科技基础设施向港澳地区开放使用"
    assert doc.blocks[at + 2].kind == "credit" and doc.blocks[at + 2].role == "image"
    assert doc.blocks[at + 2].text == "图源国家超级计算广州中心"
    merge = next(c for c in doc.changes if c.op == "merge" and c.block_id == doc.blocks[at].id)
    assert doc.blocks[at + 1].id in merge.note and doc.blocks[at + 2].id in merge.note
    assert sum(1 for c in doc.changes if c.op == "merge") == 8


def test_seed002_never_joins_across_credit_kicker_or_heading() -> None:
    doc = _fixed("seed_002.txt")
    for b in doc.blocks:
        if b.kind == "paragraph":
            assert "(岳宗)" not in b.text and "广东纵深推进" not in b.text[:6]


# --------------------------------------------------------------------------- seed 003
def test_seed003_titles_sections_and_trailing_caption() -> None:
    doc = _read("seed_003.txt")
    assert (doc.meta.title, doc.meta.subtitle) == (
        "广东持续深化粤港澳科技创新协同",
        "打造大湾区创新发展新高地",
    )
    sections = [b for b in doc.blocks if b.kind == "heading" and b.attrs.get("marker") == ">>"]
    assert [s.text for s in sections][:1] == ["集聚平台势能,构筑高能级创新载体集群"]
    assert all(s.level == 2 for s in sections) and len(sections) == 4
    last = doc.blocks[-1]
    assert last.kind == "caption" and last.text.startswith("2025大湾区科学论坛现场签署")
    assert not [d for d in doc.diagnostics if d.severity != "info"]


def test_seed003_joins() -> None:
    text = _fixed("seed_003.txt").visible_text()
    for joined in (
        "推动港澳前沿技术在前海落地孵化",
        "协同创新模式，联合港澳共建",
        "采用四电平脉冲幅度调制",
        "超3.1亿核时算力服务",
        "充分整合全球人才与技术资源，深耕产业",
        "夯实创新人文基础。",
    ):
        assert joined in text
    assert "阿尔茨海默病(AD)相关" in text and "P3实验室" in text and "“1+1+1”" in text


# --------------------------------------------------------------------------- hard wraps
def test_chinese_hard_wrap_is_joined_without_spaces() -> None:
    doc = _read("zh_hard_wrapped.txt")
    paragraphs = [b for b in doc.blocks if b.kind == "paragraph"]
    assert len(paragraphs) == 4
    assert paragraphs[0].lines == (4, 6) and "\n" not in paragraphs[0].text
    assert "来自全球的科学家" in paragraphs[0].text and "深入交流," in paragraphs[0].text
    assert doc.blocks[-1].kind == "credit" and doc.blocks[-1].role == "byline"
    wrap = next(d for d in doc.diagnostics if d.code == "hard-wrap-detected")
    assert wrap.data == {"width": 76, "unit": "columns"}


def test_mixed_hard_wrap_joins_mid_word_cuts() -> None:
    text = _read("mixed_hard_wrapped.txt").visible_text()
    assert "more than 400 scientists from 20 countries." in text
    assert "(Computing Power Network)" in text
    assert "深圳Xbot Park机器人基地" in text
    assert "(https://www.gba-forum.example.org/2025/news?id=1024)同步发布" in text


def test_english_hard_wrap_hyphens() -> None:
    text = _read("en_hard_wrapped.txt").visible_text()
    assert "future of artificial intelligence, life sciences" in text
    assert "Guangdong-Hong Kong-Macao region" in text
    assert "well-known speakers has doubled" in text
    assert "cross-boundary co-operation." in text
    assert "Hong Kong and Macao." in text


def test_paragraph_per_line_without_blank_lines_is_not_unwrapped() -> None:
    lines = [
        f"第{i}段：大湾区科学论坛第{i}次会议在南沙举行，各方代表出席并发言。" for i in range(1, 8)
    ]
    doc = read_text("\n".join(lines))
    assert _texts(doc, "paragraph") == lines
    assert not [d for d in doc.diagnostics if d.code == "hard-wrap-detected"]


def test_short_lines_stay_separate() -> None:
    doc = read_text("正文第一段说明情况。\n\n广州南沙\n深圳前海\n珠海横琴\n东莞松山湖\n")
    assert _texts(doc)[-4:] == ["广州南沙", "深圳前海", "珠海横琴", "东莞松山湖"]


def test_soft_hyphen_at_line_end_is_a_break_hyphen() -> None:
    lines = [
        "The two cities agreed on closer research and development co\u00ad",
        "operation, and they will share laboratories, data and staff",
        "in the next five years under a new agreement that was signed",
        "in Nansha on Tuesday by the two governments.",
    ]
    doc = read_text("\n".join(lines) + "\n")
    assert len(doc.blocks) == 1
    assert "and development cooperation, and they" in doc.blocks[0].text


# --------------------------------------------------------------------------- structure
LISTS = """标题

一、总体要求
二、主要任务
（一）建设平台
(2) 引进人才
1. 第一项
2、第二项
- 要点甲
  - 要点乙
① 圈号项
"""


def test_list_items() -> None:
    doc = read_text(LISTS)
    items = [b for b in doc.blocks if b.kind == "list_item"]
    got = [(b.text, b.ordered, b.number, b.attrs["marker"], b.depth) for b in items]
    assert got == [
        ("总体要求", True, 1, "一、", 0),
        ("主要任务", True, 2, "二、", 0),
        ("建设平台", True, 1, "（一）", 0),
        ("引进人才", True, 2, "(2)", 0),
        ("第一项", True, 1, "1.", 0),
        ("第二项", True, 2, "2、", 0),
        ("要点甲", False, None, "-", 0),
        ("要点乙", False, None, "-", 1),
        ("圈号项", True, 1, "①", 0),
    ]


def test_list_items_and_headings_are_never_joined() -> None:
    text = (
        "导语。\n\n正文说明，内容较长的一段文字，用来确认不会被误合并\n\n- 列表项没有句号\n\n"
        "继续的文字内容，后面是小标题\n\n## 小标题\n\n正文。\n"
    )
    doc = run_fixes(read_text(text))
    assert [b.kind for b in doc.blocks] == [
        "paragraph",
        "paragraph",
        "list_item",
        "paragraph",
        "heading",
        "paragraph",
    ]
    assert not [c for c in doc.changes if c.op == "merge"]


def test_numbers_are_not_list_markers() -> None:
    doc = read_text(
        "导语。\n\n2.68万件专利已经公开。\n\n3.14%的增长。\n\n2025大湾区科学论坛开幕。\n"
    )
    assert [b.kind for b in doc.blocks] == ["paragraph"] * 4


def test_code_fence_rule_quote_and_setext() -> None:
    text = "总标题\n=====\n\n> 引用的话\n\n***\n\n```python\nx = 1\n\n# 不是标题\n```\n\n正文。\n"
    doc = read_text(text)
    assert [b.kind for b in doc.blocks] == ["heading", "quote", "rule", "raw", "paragraph"]
    raw = doc.blocks[3]
    assert (
        raw.text == "x = 1\n\n# 不是标题"
        and raw.attrs == {"lang": "python"}
        and raw.lines == (8, 12)
    )
    assert doc.blocks[0].level == 1 and doc.blocks[0].lines == (1, 1)


def test_unclosed_fence_is_reported() -> None:
    doc = read_text("正文。\n\n```\ncode\n")
    assert doc.blocks[-1].kind == "raw"
    assert [d.code for d in doc.diagnostics] == ["code-fence-unclosed"]


def test_front_matter_goes_to_meta() -> None:
    doc = read_text(
        "---\ntitle: '论坛举办'\nauthor: 证券时报网\ncategories:\n - 金融\nfoo: 1\n---\n\n正文。\n"
    )
    assert doc.meta.title == "论坛举办" and doc.meta.author == "证券时报网"
    assert doc.meta.categories == ["金融"] and doc.meta.extra == {"foo": 1}
    assert [b.lines for b in doc.blocks] == [(9, 9)]


def test_invalid_front_matter_is_a_diagnostic() -> None:
    doc = read_text("---\ntitle: [\n---\n\n正文。\n")
    assert [d.code for d in doc.diagnostics] == ["frontmatter-invalid"]
    assert [(b.kind, b.text, b.lines) for b in doc.blocks] == [
        ("raw", "---\ntitle: [\n---", (1, 3)),
        ("paragraph", "正文。", (5, 5)),
    ]


def test_ids_are_sequential_and_lines_in_order() -> None:
    for path in INPUTS:
        doc = read_text(path.read_text(encoding="utf-8"))
        assert [b.id for b in doc.blocks] == [f"b{k:04d}" for k in range(1, len(doc.blocks) + 1)]
        firsts = [b.lines[0] for b in doc.blocks if b.lines]
        assert firsts == sorted(firsts)


def test_source_is_kept_and_format_set() -> None:
    doc = read_text("正文。", Source(path="a.txt", encoding="utf-8"))
    assert (doc.source.path, doc.source.format, doc.source.encoding) == ("a.txt", "text", "utf-8")
    assert read_text("").blocks == []


def test_surrogates_are_replaced_and_reported() -> None:
    doc = read_text("正文\udc80。")
    assert doc.blocks[0].text == "正文\ufffd。"
    assert [d.code for d in doc.diagnostics] == ["text-surrogates"]
    doc.model_dump_json()


def test_byline_and_credit_shapes() -> None:
    doc = read_text(
        "正文。\n\n（记者 张三 通讯员 李四）\n\n新华社记者 王五 摄\n\n来源：南方日报\n\n(完)\n\nBy Jane Doe\n"
    )
    assert [(b.kind, getattr(b, "role", None)) for b in doc.blocks] == [
        ("paragraph", None),
        ("credit", "byline"),
        ("credit", "image"),
        ("credit", "source"),
        ("credit", "other"),
        ("credit", "byline"),
    ]


# --------------------------------------------------------------------------- robustness
SOUP = [
    "# ",
    "## ",
    ">> ",
    "> ",
    "- ",
    "1. ",
    "一、",
    "（一）",
    "①",
    "**",
    "```",
    "---",
    "\n",
    "\n\n",
    "\n\n\n",
    "\u3000\u3000",
    "(岳宗)",
    "图源某某",
    "链接",
    "第十五",
    "个五年规划。",
    "推动南沙环",
    "港科大(广州)",
    "日前,2025",
    "本报讯",
    "Hong Kong-",
    "Macao",
    "intelli-",
    "gence",
    " ",
    "\t",
    "\f",
    "\x00",
    "\u200b",
    "\u00ad",
    "a" * 30,
    "中" * 38,
    "。",
    "，",
    "”",
    "“",
    "(",
    ")",
    "=====",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_never_raises_on_any_text(text: str) -> None:
    doc = read_text(text)
    doc.model_dump_json()
    assert all(b.lines is None or 1 <= b.lines[0] <= b.lines[1] for b in doc.blocks)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(SOUP) | st.text(max_size=8), max_size=60).map("".join))
def test_never_raises_on_structured_soup(text: str) -> None:
    doc = read_text(text)
    Document.model_validate_json(doc.model_dump_json())
    src_han = HAN.findall(text)
    assert len(HAN.findall(doc.visible_text())) <= len(src_han)


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    "text",
    [
        "**" * 100_000,
        "(" * 100_000 + ")" * 100_000,
        "#" * 200_000,
        "a-\n" * 20_000,
        ("中" * 38 + "\n") * 40_000,
        ">" * 100_000 + " x",
        "1." * 100_000,
        "-" * 100_000 + "\n" + "=" * 100_000,
        "---\n" + "a: b\n" * 20_000,
        "字" * 2_000_000,
    ],
    ids=[
        "stars",
        "parens",
        "hashes",
        "hyphens",
        "wrapped-2MB",
        "quotes",
        "numbers",
        "rules",
        "frontmatter",
        "one-line-2M",
    ],
)
def test_pathological_inputs_finish(text: str) -> None:
    doc = read_text(text)
    assert doc.blocks


def test_hard_wrapped_two_megabytes_keeps_every_character() -> None:
    paragraph = "大湾区科学论坛在广州南沙举行，各方围绕人工智能、生命健康等议题深入交流。" * 6
    lines = [paragraph[i : i + 38] for i in range(0, len(paragraph), 38)]
    text = ("\n".join(lines) + "\n\n") * 3000
    doc = read_text(text)
    assert len(doc.blocks) == 3000
    assert all(b.text == paragraph for b in doc.blocks)
