"""Placeholders: what is protected, how it comes back, and marks mapped onto the translation."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gba_docs.model import Mark
from gba_docs.translate.protect import TermSpan, find_protected_spans, protect, restore


def test_urls_emails_identifiers_numbers_and_dates_are_protected() -> None:
    text = "2025年12月6日，增长4.3%，授权2.68万件，投资10亿元，见 https://gba.gov.cn/a_b. 或 info@example.org，文件 my_file_name.txt，共3200项"
    kinds = [(kind, english) for _, _, kind, english in find_protected_spans(text)]
    assert kinds == [("date", "6 December 2025"), ("percent", "4.3%"), ("magnitude", "26,800"),
                     ("magnitude", "1 billion"), ("url", "https://gba.gov.cn/a_b"),
                     ("email", "info@example.org"), ("identifier", "my_file_name.txt"),
                     ("number", "3200")]


def test_version_strings_and_5g_are_not_numbers() -> None:
    assert find_protected_spans("v1.2 和 5G 网络") == []


def test_invalid_dates_fall_back_to_plain_numbers() -> None:
    spans = find_protected_spans("13月40日")
    assert [(k, e) for _, _, k, e in spans] == [("number", "13"), ("number", "40")]


def test_restore_swaps_tokens_and_reports_missing_ones() -> None:
    p = protect("粤港澳大湾区增长4.3%", terms=[TermSpan(0, 6, "Greater Bay Area", "gba")])
    assert p.text == "ZXQAA增长ZXQAB"
    back = restore("The ZXQAA grew", p)
    assert back.text == "The Greater Bay Area grew"
    assert [s.kind for s in back.missing] == ["percent"]


def test_restore_tolerates_spaces_inside_tokens_and_spaces_latin_neighbours() -> None:
    p = protect("大湾区", terms=[TermSpan(0, 3, "Greater Bay Area", "gba")])
    assert restore("theZX Q AAforum", p).text == "the Greater Bay Area forum"


def test_prefix_changes_when_text_already_contains_it() -> None:
    p = protect("ZXQ 公司增长5%")
    assert p.prefix == "QXZ" and "QXZAA" in p.text


def test_inline_strategy_substitutes_english_without_tokens() -> None:
    p = protect("推动大湾区发展", terms=[TermSpan(2, 5, "Greater Bay Area", "gba")], strategy="inline")
    assert p.text == "推动Greater Bay Area发展" and p.slots == []


def test_partial_mark_comes_back_on_the_translated_span() -> None:
    text = "论坛在香港科学园举行"
    marks = [Mark(kind="strong", start=3, end=8)]
    p = protect(text, marks=marks, patterns=False)
    assert p.text == "论坛在ZXQAA香港科学园ZXQAB举行"
    back = restore("The forum was held at ZXQAAHong Kong Science ParkZXQAB.", p, source_marks=marks)
    assert back.text == "The forum was held at Hong Kong Science Park."
    (mark,) = back.marks
    assert back.text[mark.start:mark.end] == "Hong Kong Science Park" and mark.kind == "strong"


def test_whole_sentence_mark_needs_no_token() -> None:
    marks = [Mark(kind="strong", start=0, end=4)]
    p = protect("成为共识", marks=marks)
    assert p.text == "成为共识"
    back = restore("It became consensus", p, source_marks=marks)
    assert [(m.start, m.end) for m in back.marks] == [(0, len("It became consensus"))]


_plain = st.text(alphabet=st.sampled_from(list("粤港澳大湾区科技创新，。abc ")), max_size=30)


@settings(max_examples=150, deadline=None)
@given(_plain, st.data())
def test_identity_round_trip_keeps_text_and_marks(text: str, data: st.DataObject) -> None:
    marks = []
    if len(text) >= 2:
        start = data.draw(st.integers(0, len(text) - 2))
        end = data.draw(st.integers(start + 1, len(text)))
        marks = [Mark(kind="emphasis", start=start, end=end)]
    p = protect(text, marks=marks, patterns=False)
    back = restore(p.text, p, source_marks=marks)
    assert back.text == text
    assert not back.missing
    kept = [(m.start, m.end) for m in back.marks]
    for m in marks:
        if text[m.start:m.end].strip():
            assert kept and text[kept[0][0]:kept[0][1]].strip() == text[m.start:m.end].strip()
