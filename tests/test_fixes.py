"""The named fixes: case files, selection by name, recorded changes, replay and properties."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gba_docs import fixes
from gba_docs.errors import ConfigError, InputError
from gba_docs.fixes import FIXES, fix_names, join_broken_wraps, replay, run_fixes
from gba_docs.model import Change, Credit, Document, Mark, Paragraph, Raw, Table
from gba_docs.readers.text import read_text

HERE = Path(__file__).resolve().parent
CASES = json.loads((HERE / "cases" / "fixes.json").read_text(encoding="utf-8"))
TEXT_CASES = sorted((HERE / "cases" / "text").glob("*.txt"))
TEXT_FIXES = [name for name, fn in FIXES if name != "join_broken_wraps"]
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
CJK_PUNCTUATION = "，。、；：？！（）“”‘’《》「」『』【】…—～·"


def _case_rows() -> list[tuple[str, str, str]]:
    return [
        (name, a, b) for name, rows in CASES.items() if not name.startswith("_") for a, b in rows
    ]


@pytest.mark.parametrize("name,before,after", _case_rows())
def test_case_file(name: str, before: str, after: str) -> None:
    fix = getattr(fixes, name)
    assert fix(before) == after
    assert fix(after) == after


def test_case_file_has_enough_widening_cases() -> None:
    assert len(CASES["widen_cjk_punctuation"]) >= 30
    assert set(TEXT_FIXES) <= set(CASES)


def test_registry_names_are_function_names() -> None:
    assert fix_names() == [
        "drop_control_chars",
        "drop_zero_width",
        "strip_ideographic_indent",
        "tidy_whitespace",
        "join_broken_wraps",
        "widen_cjk_punctuation",
    ]
    for name, fn in FIXES:
        assert fn.__name__ == name and fn.__doc__ and ">>>" in fn.__doc__


def test_unknown_fix_name_lists_the_known_ones() -> None:
    doc = Document(blocks=[Paragraph(id="b0001", text="正文")])
    with pytest.raises(ConfigError) as info:
        run_fixes(doc, enable=["widen_punctuation"])
    message = str(info.value)
    assert "widen_punctuation" in message and "widen_cjk_punctuation" in message
    with pytest.raises(ConfigError):
        run_fixes(doc, disable=["nope"])


def test_enable_and_disable_select_steps() -> None:
    doc = Document(blocks=[Paragraph(id="b0001", text="\u3000日前,论坛\u200b举行")])
    only = run_fixes(doc, enable=["widen_cjk_punctuation"])
    assert only.blocks[0].text == "\u3000日前，论坛\u200b举行"
    assert [c.step for c in only.changes] == ["widen_cjk_punctuation"]
    without = run_fixes(doc, disable=["widen_cjk_punctuation"])
    assert without.blocks[0].text == "日前,论坛举行"
    assert [c.step for c in without.changes] == ["drop_zero_width", "strip_ideographic_indent"]
    assert run_fixes(doc, enable=[]) == doc


def test_change_recorded_only_when_something_changed() -> None:
    doc = Document(blocks=[Paragraph(id="b0001", text="已经干净的句子。")])
    assert run_fixes(doc) is doc or run_fixes(doc).changes == []


def test_edit_change_holds_exact_edits_and_input_is_untouched() -> None:
    doc = Document(blocks=[Paragraph(id="b0001", text="日前,2025论坛:开幕")])
    out = run_fixes(doc)
    assert doc.blocks[0].text == "日前,2025论坛:开幕"
    (change,) = out.changes
    assert change.step == "widen_cjk_punctuation" and change.op == "edit"
    assert [(e.start, e.end, e.text) for e in change.edits] == [(2, 3, "，"), (9, 10, "：")]


def test_marks_follow_edits() -> None:
    block = Paragraph(
        id="b0001",
        text="\u3000\u3000**x** 本报讯 日前,论坛",
        marks=[Mark(kind="strong", start=8, end=11)],
    )
    out = run_fixes(Document(blocks=[block]))
    text = out.blocks[0].text
    mark = out.blocks[0].marks[0]
    assert text[mark.start : mark.end] == "本报讯"


def test_code_marks_raw_blocks_and_tables_are_not_touched() -> None:
    para = Paragraph(
        id="b0001", text="运行f(a,b)函数,完成", marks=[Mark(kind="code", start=2, end=8)]
    )
    raw = Raw(id="b0002", text="\u3000x  =  f(中,文)\x00", format="code")
    table = Table(id="b0003", text="表格 , 文字", rows=[["表格 , 文字"]])
    out = run_fixes(Document(blocks=[para, raw, table]))
    assert out.blocks[0].text == "运行f(a,b)函数，完成"
    assert out.blocks[1] == raw and out.blocks[2] == table


def test_join_records_merge_and_keeps_lines_attrs_marks() -> None:
    first = Paragraph(id="b0001", text="这是重大部署。着眼全面建成科技强国,也是", lines=(9, 9))
    second = Paragraph(
        id="b0002",
        text="赋予大湾区的重要使命。(省科技厅)",
        lines=(11, 11),
        marks=[Mark(kind="strong", start=6, end=8)],
        attrs={"byline": "省科技厅"},
    )
    out = join_broken_wraps(Document(blocks=[first, second]))
    (block,) = out.blocks
    assert block.lines == (9, 11) and block.attrs == {"byline": "省科技厅"}
    assert block.text[block.marks[0].start : block.marks[0].end] == "重要"
    (change,) = out.changes
    assert (change.op, change.block_id, change.merged_id, change.joiner) == (
        "merge",
        "b0001",
        "b0002",
        "",
    )


@pytest.mark.parametrize(
    "first,second,joined",
    [
        (
            "二是突出现代化产业体系构建。《中共中央关于制定国民经济和社会发展第十五",
            "个五年规划的建议》。",
            True,
        ),
        (
            "在平台共建模式上,广东持续深化三地协同创新模式,联合",
            "港澳共建35家粤港澳联合实验室。",
            True,
        ),
        ("科普交流与人才培养协同推进,持续夯实创新人文基", "础。广东科学中心等13家场馆。", True),
        ("协同创新,粤港澳深化对接融合", "本届大湾区科学论坛是第二次由粤港澳三地联合主办。", False),
        ("本段已经结束。", "下一段开始。", False),
        ("如下：", "第一点内容。", False),
        (
            "推动“十五五”时期国际科技创新中心建设开好局、起好步,加快打造",
            "世界级科技创新策源地。",
            True,
        ),
        ("他说：“好。”", "然后离开。", False),
        ("详见https://example.org/page", "正文内容。", False),
        ("The forum will be held in the", "Nansha district next month.", True),
        ("Forum closes with new results", "The Greater Bay Area Science Forum closed.", False),
    ],
)
def test_cut_rule(first: str, second: str, joined: bool) -> None:
    doc = Document(blocks=[Paragraph(id="b0001", text=first), Paragraph(id="b0002", text=second)])
    assert (len(join_broken_wraps(doc).blocks) == 1) is joined


def test_join_skips_only_captions_and_image_credits() -> None:
    head = Paragraph(id="b0001", text="建强建优实验室体系。切实增强高")
    tail = Paragraph(id="b0004", text="校科研院所创新策源能力。")
    byline = Credit(id="b0002", text="(岳宗)", role="byline")
    doc = Document(blocks=[head, byline, tail])
    assert len(join_broken_wraps(doc).blocks) == 3


@pytest.mark.parametrize("path", TEXT_CASES, ids=lambda p: p.stem)
def test_replay_reproduces_the_result(path: Path) -> None:
    original = read_text(path.read_text(encoding="utf-8"))
    result = run_fixes(original)
    assert replay(original, result.changes) == result
    assert run_fixes(result).changes == result.changes, "fixes are not idempotent"


def test_replay_refuses_foreign_changes() -> None:
    doc = Document(blocks=[Paragraph(id="b0001", text="正文")])
    with pytest.raises(InputError):
        replay(doc, [Change(step="x", block_id="b0099")])
    with pytest.raises(InputError):
        replay(doc, [Change(step="x", block_id="b0001", op="merge", merged_id="b0042")])
    with pytest.raises(InputError):
        replay(doc, [Change(step="x", block_id="b0001", op="split")])


def test_replay_retype() -> None:
    doc = Document(blocks=[Paragraph(id="b0001", text="链接", lines=(3, 3))])
    out = replay(doc, [Change(step="x", block_id="b0001", op="retype", new_kind="label")])
    assert out.blocks[0].kind == "label" and out.blocks[0].lines == (3, 3)


# --------------------------------------------------------------------------- properties
ALPHABET = st.sampled_from(
    list(
        "粤港澳大湾区科技创新。，、；：？！（）“”《》…abcXY09 .,:;!?()-\t\u3000\u00a0\u200b\u00ad\x00\x85\n"
    )
    + ["http://a.b/c?d=1,2", "1,000", "(AD)", "12:30", "**", "\U0001f468\u200d\U0001f4bb"]
)
TEXTS = st.lists(ALPHABET, max_size=60).map("".join)
PUNCT = [c for c in CJK_PUNCTUATION]


@settings(max_examples=300, deadline=None)
@given(TEXTS, st.sampled_from(TEXT_FIXES))
def test_text_fixes_are_idempotent(text: str, name: str) -> None:
    fix = getattr(fixes, name)
    once = fix(text)
    assert fix(once) == once


@settings(max_examples=300, deadline=None)
@given(TEXTS, st.sampled_from(TEXT_FIXES))
def test_no_fix_decreases_cjk_punctuation_or_han(text: str, name: str) -> None:
    out = getattr(fixes, name)(text)
    before, after = Counter(text), Counter(out)
    for ch in PUNCT:
        assert after[ch] >= before[ch], (ch, text, out)
    assert HAN.findall(out) == HAN.findall(text)


DOC_SOUP = st.lists(
    st.sampled_from(
        [
            "\n\n",
            "\n",
            "\n\n\n\n",
            "# 标题",
            "## 小节",
            ">> 栏目",
            "- 列表项",
            "一、",
            "(岳宗)",
            "图源某某中心",
            "超算中心向港澳开放",
            "链接",
            "本报讯",
            "**重点**",
            "第十五",
            "个五年规划。",
            "推动南沙环",
            "港科大(广州)",
            "日前,2025",
            "切实增强高",
            "校科研院所。",
            "\u3000\u3000",
            "。",
            ",",
            "(",
            ")",
            "and the",
            "next one",
            "\u200b",
            "\x00",
            " ",
            "R&D",
            "4.3%,",
            "PCT",
        ]
    )
    | st.text(alphabet="粤港澳科技。，,abc ()\n", max_size=10),
    max_size=50,
).map("".join)


def _han_outside_moved(doc: Document, moved: set[str]) -> list[str]:
    return [c for b in doc.blocks if b.id not in moved for c in HAN.findall(b.text)]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DOC_SOUP)
def test_documents_replay_idempotence_and_han_preservation(text: str) -> None:
    original = read_text(text)
    result = run_fixes(original)
    assert replay(original, result.changes) == result
    again = run_fixes(result)
    assert again.blocks == result.blocks and again.changes == result.changes
    moved = {b.id for b in original.blocks if b.kind in ("caption", "credit")}
    assert Counter(HAN.findall(original.visible_text())) == Counter(
        HAN.findall(result.visible_text())
    )
    assert _han_outside_moved(original, moved) == _han_outside_moved(result, moved)
