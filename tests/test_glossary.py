"""Glossary model, TSV loading/saving, lint, matching, OpenCC overrides, QA and jieba."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gba_docs.errors import ConfigError, GlossaryError, WriteError
from gba_docs.glossary import (
    Glossary,
    Term,
    check_terminology,
    jieba_tokenizer,
    lint_glossary,
    load_glossary,
    save_glossary,
)
from gba_docs.glossary.io import dump_glossary
from gba_docs.model import Document, Heading, Paragraph, Table

DATA = Path(__file__).parent / "data" / "glossary"
GOOD = DATA / "good.tsv"


@pytest.fixture
def good() -> Glossary:
    return load_glossary(GOOD)


@pytest.fixture
def good_copy(tmp_path: Path) -> Path:
    target = tmp_path / "glossary.tsv"
    shutil.copyfile(GOOD, target)
    return target


def make_term(term_id: str, zh: str, hk: str, en: str, **extra: object) -> Term:
    return Term(id=term_id, zh_hans=zh, zh_hant_hk=hk, en=en,
                category=extra.pop("category", "term"), evidence="test", **extra)


# --------------------------------------------------------------------------- loading
def test_load_reads_terms_version_comments_and_lines(good: Glossary) -> None:
    assert len(good) == 7
    assert good.version == "2026.01.01"
    gba = good.get("greater-bay-area")
    assert gba.zh_variants == ["大湾区", "大灣區", "湾区"]
    assert gba.forbidden_en == ["Great Bay Area", "Big Bay Area"]
    assert gba.zh_hant_tw is None and gba.line == 8
    assert good.get("user").zh_hant_tw == "使用者" and good.get("user").override is True
    assert good.comments["qianhai-zone"] == ["# two comment lines", "# before this row"]
    assert good.header[0].startswith("# gba-docs glossary")


def test_dump_reproduces_a_canonical_file_byte_for_byte(good: Glossary) -> None:
    assert dump_glossary(good).encode("utf-8") == GOOD.read_bytes()


def test_bom_and_crlf_are_accepted_reported_and_normalised(tmp_path: Path) -> None:
    glossary = load_glossary(DATA / "bom_crlf.tsv")
    assert [t.content() for t in glossary] == [t.content() for t in load_glossary(GOOD)]
    codes = {(f.code, f.severity) for f in lint_glossary(DATA / "bom_crlf.tsv")}
    assert codes == {("bom", "info"), ("crlf", "info")}
    out = tmp_path / "normalised.tsv"
    save_glossary(glossary, out)
    assert out.read_bytes() == GOOD.read_bytes()


@pytest.mark.parametrize(
    ("name", "line", "needle"),
    [
        ("missing_column.tsv", 6, "missing column(s) zh_hant_tw"),
        ("column_count.tsv", 8, "expected 12 tab-separated columns, found 11"),
        ("duplicate_id.tsv", 8, "duplicate id 'qianhai' (first used on line 7)"),
        ("empty_term.tsv", 7, "zh_hans is empty"),
        ("control_char.tsv", 7, "control character U+200B"),
        ("stray_space.tsv", 7, "leading or trailing whitespace"),
        ("bad_category.tsv", 7, "category 'place' is not one of"),
        ("bad_override.tsv", 7, "override is 'no'"),
    ],
)
def test_bad_files_are_refused_with_file_and_line(name: str, line: int, needle: str) -> None:
    with pytest.raises(GlossaryError) as info:
        load_glossary(DATA / name)
    assert info.value.line == line
    assert info.value.path is not None and info.value.path.endswith(name)
    assert needle in str(info.value)
    assert str(info.value).startswith(f"{info.value.path}:{line}: ")


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "latin1.tsv"
    bad.write_bytes(GOOD.read_bytes().replace(b"Qianhai\t", "Qianha\xef\t".encode("latin-1")))
    with pytest.raises(GlossaryError, match="not UTF-8") as info:
        load_glossary(bad)
    assert info.value.line == 11


def test_missing_file_tells_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(GlossaryError, match="cannot read glossary"):
        load_glossary(tmp_path / "nope.tsv")


def test_cache_returns_same_object_until_the_file_changes(good_copy: Path) -> None:
    first = load_glossary(good_copy)
    assert load_glossary(good_copy) is first
    save_glossary(first.without_term("qianhai"), good_copy)
    second = load_glossary(good_copy)
    assert second is not first and "qianhai" not in second


# --------------------------------------------------------------------------- saving
def test_save_sorts_keeps_comments_and_is_atomic(good: Glossary, good_copy: Path) -> None:
    added = good.with_term(make_term("a-first", "南沙", "南沙", "Nansha", category="district"))
    save_glossary(added, good_copy)
    text = good_copy.read_text(encoding="utf-8")
    rows = [line.split("\t")[0] for line in text.splitlines() if not line.startswith("#")]
    assert rows[1:] == sorted(rows[1:]) and rows[1] == "a-first"
    assert "# two comment lines\n# before this row\nqianhai-zone\t" in text
    assert not [p for p in good_copy.parent.iterdir() if p.name.endswith(".tmp")]


def test_crash_mid_save_leaves_the_file_unchanged(
    good: Glossary, good_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = good_copy.read_bytes()

    def crash(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(WriteError):
        save_glossary(good.without_term("qianhai"), good_copy)
    assert good_copy.read_bytes() == before
    assert not [p for p in good_copy.parent.iterdir() if p.name.endswith(".tmp")]


def test_save_refuses_duplicate_ids(good: Glossary, good_copy: Path) -> None:
    before = good_copy.read_bytes()
    broken = Glossary([*good.terms, good.terms[0]], path=good_copy)
    with pytest.raises(GlossaryError, match="duplicate id"):
        save_glossary(broken)
    assert good_copy.read_bytes() == before


def test_with_term_refuses_an_existing_id(good: Glossary) -> None:
    with pytest.raises(GlossaryError, match="already in the glossary"):
        good.with_term(make_term("qianhai", "前海", "前海", "Qianhai"))
    replaced = good.with_term(make_term("qianhai", "前海", "前海", "Qianhai Bay"), replace=True)
    assert replaced.get("qianhai").en == "Qianhai Bay" and good.get("qianhai").en == "Qianhai"


def test_get_suggests_close_ids(good: Glossary) -> None:
    with pytest.raises(GlossaryError, match="did you mean qianhai"):
        good.get("qianhia")


# --------------------------------------------------------------------------- term model
@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("id", "Greater Bay", "bad-id"),
        ("zh_hans", "", "empty-field"),
        ("en", "Hong\tKong", "bad-chars"),
        ("en", "Hong  Kong", "bad-chars"),
        ("zh_hant_hk", "前海\u0007", "bad-chars"),
        ("category", "place", "bad-category"),
    ],
)
def test_term_validation_codes(field: str, value: str, code: str) -> None:
    from pydantic import ValidationError

    data = {"id": "x", "zh_hans": "前海", "zh_hant_hk": "前海", "en": "Qianhai", "category": "zone"}
    data[field] = value
    with pytest.raises(ValidationError) as info:
        Term.model_validate(data)
    assert info.value.errors()[0]["type"] == code


def test_zh_form_per_script(good: Glossary) -> None:
    user = good.get("user")
    assert [user.zh_form(s) for s in ("zh-Hans", "zh-Hant", "zh-Hant-HK", "zh-Hant-MO", "zh-Hant-TW")] \
        == ["用户", "用戶", "用戶", "用戶", "使用者"]
    assert good.get("qianhai").zh_form("zh-Hant-TW") == "前海"
    with pytest.raises(ValueError, match="unknown script tag"):
        user.zh_form("zh-Hant-SG")


# --------------------------------------------------------------------------- lint
def test_good_file_lints_clean() -> None:
    assert lint_glossary(GOOD) == []


def test_lint_reports_every_conflict_with_its_line() -> None:
    found = {(f.code, f.line, f.term_id, f.severity) for f in lint_glossary(DATA / "conflicts.tsv")}
    assert found == {
        ("zh-en-conflict", 8, "qianhai-bay", "error"),
        ("forbidden-approved", 8, "qianhai-bay", "error"),
        ("opencc-hk", 9, "ai", "error"),
        ("unsorted", 9, "ai", "error"),
        ("override-not-needed", 10, "science-park", "warning"),
    }


def test_lint_collects_parse_errors_instead_of_stopping(tmp_path: Path) -> None:
    text = GOOD.read_text(encoding="utf-8")
    text = text.replace("\tzone\t\t\tShenzhen", "\tplace\t\t\tShenzhen").replace("\tterm\tyes\tOpenCC", "\tterm\tno\tOpenCC")
    bad = tmp_path / "two.tsv"
    bad.write_text(text, encoding="utf-8")
    codes = [(f.code, f.line) for f in lint_glossary(bad)]
    assert ("bad-category", 11) in codes and ("bad-override", 15) in codes


def test_lint_variant_collision_and_tw_rules() -> None:
    glossary = Glossary([
        make_term("a", "大湾区", "大灣區", "Greater Bay Area"),
        make_term("b", "湾区", "灣區", "Bay Area", zh_variants=["大湾区"]),
        make_term("c", "软件", "軟件", "software", zh_hant_tw="軟件"),
        make_term("d", "信息", "信息", "information", zh_hant_tw="资料"),
    ])
    codes = {(f.code, f.term_id) for f in lint_glossary(glossary)}
    assert ("zh-en-conflict", "b") in codes
    assert ("tw-same-as-hk", "c") in codes
    assert ("tw-not-traditional", "d") in codes
    regional = Glossary([make_term("cloud", "云计算", "雲計算", "cloud computing",
                                   zh_hant_tw="雲端運算")])
    assert [(f.code, f.severity) for f in lint_glossary(regional) if f.term_id] == [
        ("tw-regional", "info")
    ]


def test_override_needed_is_not_flagged(good: Glossary) -> None:
    assert not [f for f in lint_glossary(good) if f.term_id in ("user", "traditional-manufacturing")]


# --------------------------------------------------------------------------- matching
SEED_LINE = ("日前,2025大湾区科学论坛在粤港澳大湾区举办，港科大（广州）与香港科學園合作，"
             "前海深港现代服务业合作区和前海。")


def test_find_longest_match_every_script_and_fullwidth_brackets(good: Glossary) -> None:
    found = [(m.term.id, m.matched, m.variant) for m in good.find(SEED_LINE)]
    assert found == [
        ("greater-bay-area", "大湾区", "variant"),
        ("greater-bay-area", "粤港澳大湾区", "zh-Hans"),
        ("hkust-gz", "港科大（广州）", "variant"),
        ("hong-kong-science-park", "香港科學園", "zh-Hant-HK"),
        ("qianhai-zone", "前海深港现代服务业合作区", "zh-Hans"),
        ("qianhai", "前海", "zh-Hans"),
    ]
    for m in good.find(SEED_LINE):
        assert SEED_LINE[m.start:m.end] == m.matched


def test_find_offsets_survive_astral_and_ascii_text(good: Glossary) -> None:
    text = "😀 GBA 2025年粤港澳大湾区𠀋前海"
    assert [(m.start, m.end, m.matched) for m in good.find(text)] == [
        (11, 17, "粤港澳大湾区"), (18, 20, "前海"),
    ]


def test_find_on_empty_glossary_and_text() -> None:
    assert Glossary([]).find("粤港澳") == [] and Glossary([]).find_english("GBA") == []


def _reference_find(text: str, keys: list[str]) -> list[tuple[int, int]]:
    out, i = [], 0
    while i < len(text):
        best = max((k for k in keys if text.startswith(k, i)), key=len, default=None)
        if best:
            out.append((i, i + len(best)))
            i += len(best)
        else:
            i += 1
    return out


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text(alphabet="湾区大港澳粤a\U0001F600", min_size=1, max_size=4), min_size=1,
             max_size=6, unique=True),
    st.text(alphabet="湾区大港澳粤，a\U0001F600", max_size=30),
)
def test_find_matches_a_brute_force_leftmost_longest(keys: list[str], text: str) -> None:
    glossary = Glossary([make_term(f"t{i}", k, k, f"term {i}") for i, k in enumerate(keys)])
    assert [(m.start, m.end) for m in glossary.find(text)] == _reference_find(text, keys)


def test_find_english_is_case_insensitive_and_word_bounded(good: Glossary) -> None:
    text = ("the great bay area, the GREATER BAY AREA and GBAs; GBA. Hong Kong Scientific "
            "Park–users")
    found = [(m.matched, m.variant) for m in good.find_english(text)]
    assert found == [
        ("great bay area", "forbidden_en"),
        ("GREATER BAY AREA", "en_variant"),
        ("GBA", "en_variant"),
        ("Hong Kong Scientific Park", "forbidden_en"),
        ("users", "en_variant"),
    ]


def test_find_english_dash_variants_match(good: Glossary) -> None:
    found = good.find_english("the Guangdong–Hong Kong–Macao Greater Bay Area")
    assert [(m.variant, m.start) for m in found] == [("en", 4)]


# --------------------------------------------------------------------------- other tools
def test_opencc_overrides_per_config(good: Glossary) -> None:
    s2hk = good.opencc_overrides("s2hk")
    assert s2hk["传统制造业"] == "傳統製造業" and s2hk["用户"] == "用戶"
    assert s2hk["大湾区"] == "大灣區" and s2hk["港科大(广州)"] == "港科大(廣州)"
    assert "前海" not in s2hk  # identical in both scripts: nothing to override
    assert good.opencc_overrides("s2hk.json") == s2hk
    assert good.opencc_overrides("s2twp")["用户"] == "使用者"
    assert good.opencc_overrides("s2tw")["传统制造业"] == "傳統製造業"
    hk2s = good.opencc_overrides("hk2s")
    assert hk2s["傳統製造業"] == "传统制造业" and hk2s["使用者"] == "用户" and hk2s["大灣區"] == "大湾区"
    assert good.opencc_overrides("t2tw") == {"用戶": "使用者"}
    assert good.opencc_overrides("t2hk") == {"使用者": "用戶"}
    assert good.opencc_overrides("hk2t") == {}
    with pytest.raises(ConfigError, match="unknown OpenCC config"):
        good.opencc_overrides("s2mo")


def test_opencc_overrides_fix_what_opencc_gets_wrong(good: Glossary) -> None:
    import opencc

    plain = opencc.OpenCC("s2hk").convert("传统制造业")
    assert plain != good.get("traditional-manufacturing").zh_hant_hk
    assert good.opencc_overrides("s2hk")["传统制造业"] == good.get("traditional-manufacturing").zh_hant_hk


def test_jieba_words_cover_both_scripts(good: Glossary) -> None:
    words = good.jieba_words()
    assert {"粤港澳大湾区", "粵港澳大灣區", "香港科学园", "香港科學園", "使用者", "湾区"} <= set(words)
    assert len(words) == len(set(words))


def test_annotate_records_hits_without_changing_text(good: Glossary) -> None:
    doc = Document(blocks=[
        Heading(id="b0001", text="2025大湾区科学论坛"),
        Paragraph(id="b0002", text="香港科學園與前海"),
        Table(id="b0003", rows=[["粤港澳大湾区"]]),
    ])
    annotated = good.annotate(doc)
    assert [(h.block_id, h.term_id, h.start, h.end, h.variant) for h in annotated.glossary_hits] == [
        ("b0001", "greater-bay-area", 4, 7, "variant"),
        ("b0002", "hong-kong-science-park", 0, 5, "zh-Hant-HK"),
        ("b0002", "qianhai", 6, 8, "zh-Hans"),
    ]
    assert annotated.blocks == doc.blocks and doc.glossary_hits == []
    assert good.annotate(annotated).glossary_hits == annotated.glossary_hits


# --------------------------------------------------------------------------- QA
def test_check_terminology_missing_forbidden_and_accepted(good: Glossary) -> None:
    zh = "粤港澳大湾区的香港科学园和大湾区"
    bad = check_terminology(zh, "The Great Bay Area's science park.", good)
    assert [(d.code, d.data["term_id"]) for d in bad] == [
        ("term-missing", "greater-bay-area"),
        ("term-missing", "hong-kong-science-park"),
        ("term-forbidden", "greater-bay-area"),
    ]
    assert bad[2].severity == "error" and bad[2].data["en"] == "Great Bay Area"
    assert check_terminology(zh, "Hong Kong Science Park in the GBA", good) == []


def test_check_terminology_forbidden_anywhere(good: Glossary) -> None:
    found = check_terminology("没有术语", "Hong Kong Scientific Park", good)
    assert [d.code for d in found] == ["term-forbidden"]


def test_jieba_tokenizer_keeps_glossary_terms_whole(good: Glossary) -> None:
    tokenizer = jieba_tokenizer(good)
    assert jieba_tokenizer(good) is tokenizer
    words = tokenizer.lcut("粵港澳大灣區的香港科學園和粤港澳大湾区")
    assert "粵港澳大灣區" in words and "香港科學園" in words and "粤港澳大湾区" in words


# --------------------------------------------------------------------------- shipped data
def test_shipped_glossary_loads_and_lints_without_errors() -> None:
    glossary = load_glossary()
    assert len(glossary) >= 300 and glossary.version
    errors = [f for f in lint_glossary(None) if f.severity == "error"]
    assert errors == [], "\n".join(f"{f.line}: {f.code}: {f.message}" for f in errors[:20])
