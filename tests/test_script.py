"""Tests for gba_docs.script: OpenCC configs, fixes, overrides, detection, ambiguities."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gba_docs import script
from gba_docs.errors import ConfigError
from gba_docs.model import (
    Document,
    Heading,
    Mark,
    Paragraph,
    Raw,
    Table,
    apply_edits,
)
from gba_docs.script import (
    TARGETS,
    ScriptConverter,
    choose_config,
    convert_script,
    convert_text,
    detect_script,
    find_ambiguities,
    fixes_for,
)

CASES_FILE = Path(__file__).parent / "cases" / "script" / "testcases.json"
ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
HK_TEXT = ROOT / "benchmarks" / "data" / "hk" / "gba_innovation_hk.txt"


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory,
                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GBA_DOCS_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))


def _case_params() -> list[object]:
    params: list[object] = []
    for case in json.loads(CASES_FILE.read_text(encoding="utf-8"))["cases"]:
        for key, expected in case["expected"].items():
            marks = ([pytest.mark.xfail(strict=True, reason=case["xfail"])]
                     if "xfail" in case else [])
            params.append(pytest.param(key, case["input"], expected, id=f"{case['id']}-{key}",
                                       marks=marks))
    return params


def _run(key: str, text: str) -> str:
    if key in TARGETS:
        return convert_text(text, key)
    return ScriptConverter(key).convert(text)


# --------------------------------------------------------------------------- case file
def test_case_file_shape() -> None:
    data = json.loads(CASES_FILE.read_text(encoding="utf-8"))
    ids = [case["id"] for case in data["cases"]]
    assert len(ids) >= 40
    assert len(ids) == len(set(ids))
    for case in data["cases"]:
        assert set(case) <= {"id", "input", "expected", "xfail"}
        assert case["expected"]


@pytest.mark.parametrize(("key", "text", "expected"), _case_params())
def test_case(key: str, text: str, expected: str) -> None:
    assert _run(key, text) == expected


# --------------------------------------------------------------------------- built-in fixes
S2_CONFIGS = ["s2t", "s2hk", "s2hkp", "s2tw", "s2twp"]


@pytest.mark.parametrize("config", S2_CONFIGS + ["t2hk"])
def test_every_fix_converts_alone_to_its_target(config: str) -> None:
    pre, post = fixes_for(config)
    conv = ScriptConverter(config)
    for source, target in pre.items():
        expected = target
        for key in sorted(post, key=len, reverse=True):
            expected = expected.replace(key, post[key])
        got = conv.convert(source)
        assert got in (target, expected), (source, got)
    for source, target in post.items():
        if config == "t2hk":
            assert conv.convert(source) == target


def test_fixes_without_builtins_is_plain_opencc() -> None:
    import opencc

    text = "传统制造业的用户集群"
    assert ScriptConverter("s2hk", builtin_fixes=False).convert(text) == \
        opencc.OpenCC("s2hk").convert(text) == "傳統制造業的用户集羣"


def test_fix_file_errors_name_the_line() -> None:
    with pytest.raises(ConfigError) as info:
        script._parse_fixes("# comment\npre\ts2*\t只有三列\n", "fixes.tsv")
    assert info.value.line == 2 and "fixes.tsv" in str(info.value)
    with pytest.raises(ConfigError):
        script._parse_fixes("pre\ts2*\t有 空格\t有空格\twhy\n", "fixes.tsv")


def test_fix_patterns() -> None:
    fix = script.Fix("pre", ("s2hk*", "t2hk"), "a", "b", "", 1)
    assert fix.applies_to("s2hk") and fix.applies_to("s2hkp") and fix.applies_to("t2hk")
    assert not fix.applies_to("s2tw") and not fix.applies_to("t2hkx")


# --------------------------------------------------------------------------- overrides
def test_override_wins_a_tie_and_keeps_its_form() -> None:
    conv = ScriptConverter("s2hk", {"大湾区": "大灣區〔GBA〕", "信息": "資訊"})
    assert conv.convert("粤港澳大湾区信息科技") == "粵港澳大灣區〔GBA〕資訊科技"


def test_longer_opencc_phrase_beats_a_shorter_override() -> None:
    conv = ScriptConverter("s2hk", {"数据": "數據X"})
    assert conv.convert("数据") == "數據X"
    assert conv.convert("数据库") == "數據庫"


def test_override_survives_variant_and_practice_steps() -> None:
    # HKVariants would turn 戶 into 户 and our practice fix 説 into 說; the glossary's own
    # spelling is kept exactly, while the same characters elsewhere still follow the fixes.
    conv = ScriptConverter("s2hk", {"户口": "户口", "说法": "説法"})
    assert conv.convert("户口和说法，用户说") == "户口和説法，用戶說"


def test_user_override_beats_builtin_fix() -> None:
    assert ScriptConverter("s2hk", {"传统制造": "傳統制造"}).convert("传统制造业") == "傳統制造業"


def test_override_with_whitespace_is_refused() -> None:
    with pytest.raises(ConfigError, match="whitespace"):
        ScriptConverter("s2hk", {"大 湾区": "大灣區"})
    spaced = ScriptConverter("s2hk", {"走在前 作示范": "走在前 作示範"})
    assert spaced.overrides == {"走在前": "走在前", "作示范": "作示範"}
    with pytest.raises(ConfigError):
        ScriptConverter("s2hk", {"": "x"})


def test_unknown_config_is_refused() -> None:
    with pytest.raises(ConfigError, match="unknown OpenCC config"):
        ScriptConverter("s2xx")


def test_generated_config_is_cached_with_absolute_paths(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GBA_DOCS_CACHE_DIR", str(tmp_path))
    first = ScriptConverter("s2hk", {"大湾区": "大灣區"})
    second = ScriptConverter("s2hk", {"大湾区": "大灣區"})
    other = ScriptConverter("s2hk", {"大湾区": "大湾區"})
    assert first.config_path == second.config_path != other.config_path
    assert Path(first.config_path).is_relative_to(tmp_path)
    config = json.loads(Path(first.config_path).read_text(encoding="utf-8"))
    files = _dict_files(config)
    assert files and all(Path(f).is_absolute() and Path(f).exists() for f in files)


def _dict_files(node: object) -> list[str]:
    if isinstance(node, dict):
        found = [node["file"]] if "file" in node else []
        return found + [f for v in node.values() for f in _dict_files(v)]
    if isinstance(node, list):
        return [f for v in node for f in _dict_files(v)]
    return []


def test_unwritable_cache_falls_back_to_temp(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("GBA_DOCS_CACHE_DIR", str(blocker))
    conv = ScriptConverter("s2hk", {"大湾区": "大灣區GBA"})
    assert conv.convert("大湾区") == "大灣區GBA"
    assert not Path(conv.config_path).is_relative_to(blocker)


def test_threads_share_one_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GBA_DOCS_CACHE_DIR", str(tmp_path))
    results: list[str] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            results.append(ScriptConverter("s2tw", {"鼠标": "滑鼠"}).convert("鼠标和传统制造业"))
        except BaseException as exc:  # collected and re-raised in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert results == ["滑鼠和傳統製造業"] * 8


# --------------------------------------------------------------------------- glossary
def test_shipped_glossary_overrides_apply() -> None:
    from gba_docs.glossary import load_glossary

    glossary = load_glossary()
    overrides = glossary.opencc_overrides("s2hk")
    assert overrides
    conv = ScriptConverter("s2hk", overrides)
    for source, target in overrides.items():
        assert conv.convert(source) == target, source
    assert convert_text("粤港澳大湾区", "zh-Hant-HK", glossary=glossary) == "粵港澳大灣區"


class _FakeGlossary:
    def __init__(self) -> None:
        self.asked: list[str] = []

    def opencc_overrides(self, config: str) -> dict[str, str]:
        self.asked.append(config)
        return {"鼠标": "滑鼠"} if config.startswith("s2") else {"滑鼠": "鼠标"}


def test_convert_text_asks_the_glossary_for_the_chosen_config() -> None:
    glossary = _FakeGlossary()
    assert convert_text("我的鼠标", "zh-Hant-HK", glossary=glossary) == "我的滑鼠"
    assert convert_text("我的滑鼠壞了", "zh-Hans", glossary=glossary,
                        source_script="zh-Hant-HK") == "我的鼠标坏了"
    assert glossary.asked == ["s2hk", "hk2s"]


# --------------------------------------------------------------------------- detection
@pytest.mark.parametrize(("text", "expected"), [
    ("粤港澳大湾区国际科技创新中心", "zh-Hans"),
    ("粵港澳大灣區國際科技創新中心", "zh-Hant"),
    ("Hello, world 2025", "none"),
    ("中文", "none"),
    ("", "none"),
    ("简体字和繁體字", "mixed"),
    ("大湾区科学论坛在广州举行，香港「創新及科技局」出席", "zh-Hans"),
])
def test_detect_script(text: str, expected: str) -> None:
    assert detect_script(text) == expected


def test_detect_script_on_seeds_and_hk_text() -> None:
    for seed in SEEDS:
        assert detect_script(seed.read_text(encoding="utf-8")) == "zh-Hans", seed.name
    assert detect_script(HK_TEXT.read_text(encoding="utf-8")) == "zh-Hant"


def test_detect_script_without_the_dictionary_tool(monkeypatch: pytest.MonkeyPatch) -> None:
    simplified, traditional = script._telling_characters_by_conversion()
    assert "发" in simplified and "發" in traditional and "台" not in simplified
    monkeypatch.setattr(script, "_telling_characters", lambda: (simplified, traditional))
    assert detect_script(SEEDS[0].read_text(encoding="utf-8")) == "zh-Hans"
    assert detect_script(HK_TEXT.read_text(encoding="utf-8")) == "zh-Hant"


def test_missing_dictionary_tool_is_a_clear_error(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GBA_DOCS_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(script, "_opencc_dict_tool", lambda: tmp_path / "no-such-tool")
    with pytest.raises(script.GbaDocsError, match="dictionary tool is missing"):
        script._dump_dictionary("STCharacters")


# --------------------------------------------------------------------------- config choice
TRAD_SOURCES = ["zh-Hant", "zh-Hant-HK", "zh-Hant-MO", "zh-Hant-TW"]


@pytest.mark.parametrize("source", TRAD_SOURCES)
@pytest.mark.parametrize("target", list(TARGETS))
@pytest.mark.parametrize("phrases", [False, True])
def test_traditional_text_never_goes_through_s2(source: str, target: str, phrases: bool) -> None:
    config = choose_config(source, target, phrases=phrases)
    assert config is None or not config.startswith("s2")
    if config is not None:
        ScriptConverter(config)  # every chosen config exists in OpenCC


@pytest.mark.parametrize(("source", "target", "phrases", "expected"), [
    ("zh-Hans", "zh-Hans", False, None),
    ("zh-Hans", "zh-Hant", True, "s2t"),
    ("zh-Hans", "zh-Hant-HK", False, "s2hk"),
    ("zh-Hans", "zh-Hant-HK", True, "s2hkp"),
    ("zh-Hans", "zh-Hant-MO", True, "s2hkp"),
    ("zh-Hans", "zh-Hant-TW", True, "s2twp"),
    ("zh-Hant", "zh-Hans", False, "t2s"),
    ("zh-Hant-HK", "zh-Hans", True, "hk2sp"),
    ("zh-Hant-MO", "zh-Hans", False, "hk2s"),
    ("zh-Hant-TW", "zh-Hans", False, "tw2s"),
    ("zh-Hant", "zh-Hant-HK", False, "t2hk"),
    ("zh-Hant", "zh-Hant-TW", False, "t2tw"),
    ("zh-Hant-HK", "zh-Hant", False, "hk2t"),
    ("zh-Hant-HK", "zh-Hant-MO", False, None),
    ("zh-Hant-TW", "zh-Hant-HK", False, "t2hk"),
    ("mixed", "zh-Hans", False, "t2s"),
    ("mixed", "zh-Hant-HK", False, "s2hk"),
    ("none", "zh-Hant-HK", False, None),
    ("en", "zh-Hans", False, None),
])
def test_choose_config(source: str, target: str, phrases: bool, expected: str | None) -> None:
    assert choose_config(source, target, phrases=phrases) == expected


def test_choose_config_refuses_unknown_names() -> None:
    with pytest.raises(ConfigError, match="zh-Hant-HK"):
        choose_config("zh-Hans", "zh-HK")
    with pytest.raises(ConfigError):
        choose_config("klingon", "zh-Hans")


# --------------------------------------------------------------------------- non-Han characters
_HAN = "大湾区科学论坛发布传统制造业集群用户头发干后里台面只系范了说户广东香港澳门"
_OTHER = ("abcXYZ0123456789 .,:;!?-_/@#%&()[]{}<>\"'“”‘’「」『』《》〈〉（），。！？：；、…—·～"
          "【】〔〕ａＡ１\n\t")
_TOKEN = st.one_of(
    st.text(alphabet=_HAN, min_size=1, max_size=6),
    st.text(alphabet=_OTHER, min_size=1, max_size=6),
    st.sampled_from(["https://www.gov.hk/tc/", "http://example.com/a_b?x=1", "2025年12月6日",
                     "GBA", "AI", "4.3%"]),
)


def _is_han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


@settings(max_examples=150, deadline=None)
@given(st.lists(_TOKEN, max_size=12).map("".join),
       st.sampled_from(["s2t", "s2hk", "s2tw", "t2s", "hk2s", "tw2s", "t2hk", "t2tw"]))
def test_only_han_characters_change(text: str, config: str) -> None:
    out = ScriptConverter(config).convert(text)
    assert len(out) == len(text)
    for before, after in zip(text, out):
        if not _is_han(before):
            assert after == before


# --------------------------------------------------------------------------- ambiguities
def test_ambiguity_on_a_name() -> None:
    found = find_ambiguities("专职副主席范英妍表示", "s2hk")
    fan = [a for a in found if a.char == "范"]
    assert len(fan) == 1 and fan[0].start == 5 and fan[0].chosen == "範"
    assert fan[0].candidates == ("範", "范") and fan[0].end == 6


def test_ambiguity_covered_by_override_or_phrase() -> None:
    assert not [a for a in find_ambiguities("范英妍表示", "s2hk", overrides={"范英妍": "范英妍"})
                if a.char == "范"]
    assert find_ambiguities("头发很干燥", "s2hk") == []


def test_ambiguity_threshold_and_variant_configs() -> None:
    text = open(SEEDS[1], encoding="utf-8").read()
    some = find_ambiguities(text, "s2hk")
    every = find_ambiguities(text, "s2hk", min_share=0)
    assert {(a.start, a.char) for a in some} < {(a.start, a.char) for a in every}
    assert find_ambiguities("爲了覈實", "t2hk") == []
    assert [a.char for a in find_ambiguities("乾", "t2s")] == ["乾"]


# --------------------------------------------------------------------------- documents
def _doc() -> Document:
    text = "传统制造业提质升级，范英妍表示"
    return Document(
        script="zh-Hans",
        blocks=[
            Heading(id="b0001", text="大湾区科学论坛", level=1),
            Paragraph(id="b0002", text=text,
                      marks=[Mark(kind="strong", start=0, end=5),
                             Mark(kind="link", start=10, end=13, attrs={"href": "https://x.hk"})]),
            Table(id="b0003", rows=[["项目", "金额"], ["用户", "10亿元"]], header_rows=1),
            Raw(id="b0004", text="print('发展')", format="code"),
            Paragraph(id="b0005", text="2025 GBA"),
        ],
    )


def test_convert_script_document() -> None:
    doc = _doc()
    out = convert_script(doc, "zh-Hant-HK")
    assert out is not doc and out.script == "zh-Hant-HK" and doc.script == "zh-Hans"
    texts = {b.id: b.text for b in out.blocks}
    assert texts["b0001"] == "大灣區科學論壇"
    assert texts["b0002"] == "傳統製造業提質升級，範英妍表示"
    assert texts["b0004"] == "print('发展')"
    table = out.block("b0003")
    assert isinstance(table, Table) and table.rows == [["項目", "金額"], ["用戶", "10億元"]]
    para = out.block("b0002")
    assert [(m.kind, m.start, m.end) for m in para.marks] == [("strong", 0, 5), ("link", 10, 13)]
    changed = {c.block_id for c in out.changes}
    assert changed == {"b0001", "b0002", "b0003"}
    assert all(c.step == "convert_script" and c.op == "edit" for c in out.changes)
    assert all(c.note.startswith("s2hk") for c in out.changes)
    amb = [d for d in out.diagnostics if d.code == "script-ambiguous"]
    fan = [d for d in amb if d.data["char"] == "范"]
    assert fan and fan[0].severity == "info" and fan[0].block_id == "b0002"
    assert fan[0].data["chosen"] == "範" and fan[0].data["start"] == 10
    assert fan[0].data["candidates"] == ["範", "范"]


def test_convert_script_changes_replay() -> None:
    doc = _doc()
    out = convert_script(doc, "zh-Hant-TW")
    for change in out.changes:
        before = doc.block(change.block_id)
        replayed, _ = apply_edits(before.text, list(before.marks), change.edits)
        assert replayed == out.block(change.block_id).text


def test_marks_follow_words_when_length_changes() -> None:
    glossary = _FakeLengthGlossary()
    doc = Document(script="zh-Hans", blocks=[Paragraph(
        id="b0001", text="粤港澳大湾区科学论坛开幕",
        marks=[Mark(kind="highlight", start=6, end=10)])])
    out = convert_script(doc, "zh-Hant-HK", glossary=glossary)
    block = out.block("b0001")
    assert block.text == "粵港澳大灣區〔GBA〕科學論壇開幕"
    mark = block.marks[0]
    assert block.text[mark.start:mark.end] == "科學論壇"


class _FakeLengthGlossary:
    def opencc_overrides(self, config: str) -> dict[str, str]:
        return {"大湾区": "大灣區〔GBA〕"}


def test_convert_script_nothing_to_do() -> None:
    doc = _doc()
    same = convert_script(doc, "zh-Hans")
    assert same.blocks == doc.blocks and same.changes == doc.changes
    english = Document(blocks=[Paragraph(id="b0001", text="Hello")])
    assert convert_script(english, "zh-Hant-HK").script == "none"


def test_convert_script_from_hk_uses_meta_lang() -> None:
    doc = Document(blocks=[Paragraph(id="b0001", text="他說用戶啟動了計劃")])
    doc.meta.lang = "zh-HK"
    out = convert_script(doc, "zh-Hans")
    assert out.block("b0001").text == "他说用户启动了计划"
    assert {c.note for c in out.changes} == {"hk2s"}


def test_convert_script_rejects_unknown_target() -> None:
    with pytest.raises(ConfigError):
        convert_script(_doc(), "zh-Hant-SG")


def test_seed_round_trip_keeps_non_han_text() -> None:
    for seed in SEEDS:
        text = seed.read_text(encoding="utf-8")
        out = convert_text(text, "zh-Hant-HK")
        assert len(out) == len(text)
        assert [c for c in out if not _is_han(c)] == [c for c in text if not _is_han(c)]
