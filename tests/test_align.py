"""Alignment of existing Chinese/English texts: beads, anchors, gold files, scoring, bad input."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from gba_docs.align import (
    AlignParams,
    Bead,
    align,
    align_documents,
    align_report,
    align_texts,
    bead_types,
    fit_length_model,
    format_gold,
    gale_church,
    lines_document,
    read_gold,
    score_alignment,
    score_alignments,
    unit_beads,
    write_gold,
)
from gba_docs.align_lexicon import (
    Lexicon,
    en_anchors,
    load_cedict,
    zh_anchors,
    zh_numeral_value,
)
from gba_docs.errors import InputError
from gba_docs.model import Document, Heading, Paragraph

DATA = Path(__file__).resolve().parent.parent / "benchmarks" / "data" / "align"
NEWS = DATA / "gba-news"


def _pair(name: str) -> tuple[list[str], list[str], list[tuple[tuple[int, ...], tuple[int, ...]]]]:
    base = NEWS / name
    zh = base.with_suffix(".zh").read_text(encoding="utf-8").splitlines()
    en = base.with_suffix(".en").read_text(encoding="utf-8").splitlines()
    return zh, en, read_gold(base.with_suffix(".align"))


def _documents(name: str, beads_per_paragraph: int = 3) -> tuple[Document, Document, list]:
    """Documents whose paragraphs group consecutive gold beads, so paragraphs correspond."""
    zh, en, gold = _pair(name)
    zh_blocks, en_blocks = [], []
    for k in range(0, len(gold), beads_per_paragraph):
        group = gold[k : k + beads_per_paragraph]
        zh_text = "".join(zh[i] for z, _ in group for i in z)
        en_text = " ".join(en[j] for _, e in group for j in e)
        bid = f"b{len(zh_blocks) + 1:04d}"
        zh_blocks.append(Paragraph(id=bid, text=zh_text))
        en_blocks.append(Paragraph(id=bid, text=en_text))
    return Document(blocks=zh_blocks), Document(blocks=en_blocks), gold


# --------------------------------------------------------------------------- anchors
@pytest.mark.parametrize(
    ("zh", "en", "key"),
    [
        ("参会人数达2.68万人次", "26,800 visits were recorded", "num:26800"),
        ("增长4.3%", "up 4.3 percent", "pct:4.3"),
        ("增长4.3％", "up 4.3 per cent", "pct:4.3"),
        ("12月9日闭幕", "closed on December 9", "date:12-9"),
        ("12月9日闭幕", "closed on 9 December", "date:12-9"),
        ("“十五五”时期", "the 15th Five-Year Plan period", "fyp:15"),
        ("“十五五”时期", "the Fifteenth Five-Year Plan", "fyp:15"),
        ("合作金额超过10亿元", "worth more than 1 billion yuan", "num:1000000000"),
        ("四十天的时间里", "over a period of forty days", "num:40"),
        ("一千七百多名", "more than seventeen hundred", "num:1700"),
        ("三是突出高水平开放合作。", "Third, it highlights opening-up.", "num:3"),
        ("详见 https://www.gba.gov.cn/news/", "see www.gba.gov.cn/news.", "url:gba.gov.cn/news"),
        ("像无数并行运算的CPU", "like a multitude of CPUs", "lat:cpu"),
    ],
)
def test_anchors_meet_across_languages(zh: str, en: str, key: str) -> None:
    assert key in zh_anchors(zh)
    assert key in en_anchors(en)


def test_chinese_numerals() -> None:
    assert zh_numeral_value("三万六千五百零一") == 36501
    assert zh_numeral_value("一九六七") == 1967
    assert zh_numeral_value("十五") == 15
    assert zh_numeral_value("两") == 2
    assert zh_numeral_value("abc") is None


def test_plain_small_numerals_are_not_anchors() -> None:
    # 一 in 统一 or 一定 is not the number one; only counted numerals become anchors
    assert not any(k.startswith("num:") for k in zh_anchors("统一部署，一定要做好"))
    assert "num:3" in zh_anchors("三家机构")


def test_names_meet_their_pinyin() -> None:
    lexicon = load_cedict()
    assert lexicon is not None
    assert "py:qingyang" in zh_anchors("陈清扬当时二十六岁", lexicon)
    assert "py:qingyang" in en_anchors("That year Chen Qingyang was twenty-six")


# --------------------------------------------------------------------------- lexicon
def test_cedict_lexicon_loads_once_and_translates() -> None:
    lexicon = load_cedict()
    assert lexicon is not None and len(lexicon) > 100_000
    assert load_cedict() is lexicon
    assert "forum" in lexicon.translations("论坛")
    assert "forum" in lexicon.translations("論壇")  # Traditional keys too
    assert lexicon.translations("的") == frozenset()  # grammar, not content
    assert lexicon.segment("科技论坛") == ["科技", "论坛"]


def test_custom_lexicon_mapping() -> None:
    lexicon = Lexicon({"苹果": ["apple"], "香蕉": ["banana"]})
    beads = align_texts(["苹果很好。", "香蕉很好。", "苹果和香蕉。"],
                        ["Apples are good.", "Bananas are good.", "Apples and bananas."],
                        lexicon=lexicon)
    assert [(b.zh, b.en) for b in beads] == [((0,), (0,)), ((1,), (1,)), ((2,), (2,))]


# --------------------------------------------------------------------------- beads and search
def test_bead_types() -> None:
    assert bead_types(3) == [(0, 1), (1, 0), (1, 1), (1, 2), (1, 3), (2, 1), (2, 2), (3, 1)]
    assert (2, 2) in bead_types(2)
    with pytest.raises(ValueError):
        bead_types(0)


@pytest.mark.parametrize("name", ["news-000", "news-001", "news-002", "news-003"])
def test_news_gold_alignment(name: str) -> None:
    zh, en, gold = _pair(name)
    beads = align_texts(zh, en)
    assert [i for b in beads for i in b.zh] == list(range(len(zh)))
    assert [j for b in beads for j in b.en] == list(range(len(en)))
    assert score_alignment(beads, gold)["strict_f1"] >= 0.9


def test_band_widens_when_the_path_leaves_it() -> None:
    zh, en, gold = _pair("news-000")
    # twelve English-only lines at the start push the true path far off the diagonal
    extra = [f"Advertisement number {k} about something else entirely." for k in range(12)]
    beads = align_texts(zh, extra + en, band=3)
    shifted = [(z, tuple(j + 12 for j in e)) for z, e in gold]
    assert score_alignment(beads, shifted)["strict_recall"] >= 0.9


def test_empty_sides() -> None:
    assert align_texts([], ["a", "b"]) == [Bead((), (0,), 0.0, 0.0), Bead((), (1,), 0.0, 0.0)]
    assert [b.zh for b in align_texts(["一。"], [])] == [(0,)]


def test_glossary_terms_are_anchors() -> None:
    term = SimpleNamespace(id="gba", en="Greater Bay Area", en_variants=["GBA"])

    class StandInGlossary:
        def find(self, text: str) -> list[SimpleNamespace]:
            return [SimpleNamespace(term=term)] if "大湾区" in text else []

    zh = ["大湾区发展很快。", "明天再说。"]
    en = ["Things are moving.", "The GBA is developing fast.", "Tomorrow then."]
    params = AlignParams(use_anchors=False)
    result = align(zh, en, glossary=StandInGlossary(), lexicon=False, params=params)
    assert result.notes["vocabulary"]["anchors"] == 1
    assert [(b.zh, b.en) for b in result.beads] == [((0,), (0, 1)), ((1,), (2,))]


def test_mt_words_count_as_evidence() -> None:
    calls: list[list[str]] = []

    def fake_mt(texts: list[str]) -> list[str]:
        calls.append(texts)
        return [{"苹": "I like apples.", "香": "He likes bananas."}[t[3]] for t in texts]

    zh = ["我喜欢苹果。", "他喜欢香蕉。"]
    en = ["I like apples.", "He likes bananas."]
    result = align(zh, en, lexicon=False, mt=fake_mt)
    assert calls == [zh]
    assert result.notes["vocabulary"]["words"] >= 2
    assert [(b.zh, b.en) for b in result.beads] == [((0,), (0,)), ((1,), (1,))]


# --------------------------------------------------------------------------- gold and scoring
def test_gold_round_trip(tmp_path: Path) -> None:
    beads = [((0, 1), (0,)), ((), (1,)), ((2,), ())]
    target = tmp_path / "x.align"
    write_gold(beads, target)
    assert target.read_text() == "[0,1]:[0]\n[]:[1]\n[2]:[]\n"
    assert read_gold(target) == beads
    assert format_gold([Bead((3,), (4, 5), 1.0, 0.9)]) == "[3]:[4,5]\n"


def test_read_gold_names_the_bad_line(tmp_path: Path) -> None:
    target = tmp_path / "bad.align"
    target.write_text("[0]:[0]\n0 -> 1\n")
    with pytest.raises(InputError) as info:
        read_gold(target)
    assert info.value.line == 2 and "bad.align" in str(info.value)


def test_strict_and_lax_scores() -> None:
    gold = [((0,), (0,)), ((1, 2), (1,)), ((3,), ())]
    pred = [((0,), (0,)), ((1,), (1,)), ((2,), ()), ((3,), ())]
    s = score_alignment(pred, gold)
    # precision: 2 of 4 strict ((0)-(0) and 3-null); 3 of 4 lax (1-1 overlaps the 2-1 bead)
    assert s["strict_precision"] == pytest.approx(0.5)
    assert s["lax_precision"] == pytest.approx(0.75)
    # recall ignores null beads: gold {0-0, 12-1} vs test {0-0, 1-1}
    assert s["strict_recall"] == pytest.approx(0.5)
    assert s["lax_recall"] == pytest.approx(1.0)


def test_length_model_fit_on_gold() -> None:
    pairs = []
    for name in ["news-000", "news-001", "news-002", "news-003"]:
        zh, en, gold = _pair(name)
        pairs += [("".join(zh[i] for i in z), " ".join(en[j] for j in e)) for z, e in gold if z and e]
    c, s2 = fit_length_model(pairs)
    assert 0.55 < c < 0.75 and 0.3 < s2 < 2.0


# --------------------------------------------------------------------------- documents
def test_align_documents_paragraphs_then_sentences() -> None:
    zh_doc, en_doc, gold = _documents("news-002")
    bi = align_documents(zh_doc, en_doc, scripts=("zh-Hans", "zh-Hant-HK"))
    assert bi.provenance["mode"] == "paragraph+sentence"
    assert [u.zh_block_ids for u in bi.units] == [[b.id] for b in zh_doc.blocks]
    assert all(u.status == "aligned" and u.origin and u.origin.kind == "alignment" for u in bi.units)
    assert all(u.confidence is not None and u.segments for u in bi.units)
    first = bi.units[0]
    assert first.zh["zh-Hant-HK"] != first.zh["zh-Hans"]
    assert first.zh_origin["zh-Hant-HK"].detail == "opencc:s2hk"
    assert all(seg.id.startswith(first.id + ".s") for seg in first.segments)
    sentences = sum(len(u.segments) for u in bi.units)
    assert len(gold) - 3 <= sentences <= len(gold)  # about one segment per gold bead
    assert not [d for d in bi.diagnostics if d.severity != "info"]


def test_headings_prefer_headings() -> None:
    zh = Document(blocks=[Heading(id="b0001", text="论坛开幕"),
                          Paragraph(id="b0002", text="论坛今天在广州开幕。"),
                          Heading(id="b0003", text="合作"),
                          Paragraph(id="b0004", text="三地加强合作。")])
    en = Document(blocks=[Heading(id="b0001", text="Forum opens"),
                          Paragraph(id="b0002", text="The forum opened in Guangzhou today."),
                          Heading(id="b0003", text="Cooperation"),
                          Paragraph(id="b0004", text="The three places step up cooperation.")])
    bi = align_documents(zh, en)
    assert [(u.kind, u.zh_block_ids, u.en_block_ids) for u in bi.units] == [
        ("heading", ["b0001"], ["b0001"]), ("paragraph", ["b0002"], ["b0002"]),
        ("heading", ["b0003"], ["b0003"]), ("paragraph", ["b0004"], ["b0004"])]


def test_inserted_sentences_are_never_silently_confident() -> None:
    zh, en, _ = _pair("news-001")
    extra_zh = "这是一段译文里完全没有的附加说明，讲的是别的事情。"
    extra_en = "Editor's note: an advertisement about cooking rice."
    zh_doc = lines_document("\n".join(zh[:9] + [extra_zh] + zh[9:]))
    en_doc = lines_document("\n".join(en[:1] + [extra_en] + en[1:]))
    bi = align_documents(zh_doc, en_doc, mode="lines")
    for needle, side in ((extra_zh, "zh"), (extra_en, "en")):
        unit = next(u for u in bi.units
                    if needle in (u.zh.get("zh-Hans", "") if side == "zh" else (u.en or "")))
        assert (unit.confidence or 0.0) < 0.5
        assert {d.code for d in unit.qa} & {"align-low-confidence", "align-unmatched-zh",
                                            "align-unmatched-en"}


def test_null_beads_become_unmatched_units() -> None:
    z0, e0, _ = _pair("news-000")
    z2, e2, _ = _pair("news-002")
    # a sentence from another article on each side, between/after real translations
    zh = [z0[25], z0[26], z2[3], z0[27], z0[29]]
    en = [e0[25], e0[26], e0[27], e0[30], e2[16]]
    bi = align_documents(lines_document("\n".join(zh)), lines_document("\n".join(en)), mode="lines")
    untranslated = [u for u in bi.units if u.en is None]
    assert len(untranslated) == 1 and untranslated[0].status == "untranslated"
    assert untranslated[0].qa[0].code == "align-unmatched-zh"
    assert untranslated[0].zh["zh-Hans"] == z2[3]
    extra = [u for u in bi.units if not u.zh]
    assert len(extra) == 1 and extra[0].qa[0].code == "align-unmatched-en"
    assert extra[0].id.startswith("en-") and extra[0].en == e2[16]


def test_low_confidence_units_are_flagged_and_reported() -> None:
    zh = lines_document("今天天气很好。\n他去了北京。")
    en = lines_document("Completely unrelated sentence number one.\nAnother one about cooking rice.")
    bi = align_documents(zh, en, mode="lines")
    codes = {d.code for u in bi.units for d in u.qa}
    assert codes & {"align-low-confidence", "align-unmatched-zh", "align-unmatched-en"}
    report = align_report(bi)
    assert "weakest" in report and "units" in report


# --------------------------------------------------------------------------- bad input
def test_one_side_empty() -> None:
    zh_doc, _, _ = _documents("news-003")
    bi = align_documents(zh_doc, Document())
    assert bi.diagnostics[0].code == "align-empty-side"
    assert all(u.en is None and u.status == "untranslated" for u in bi.units)
    bi = align_documents(Document(), zh_doc)
    assert bi.diagnostics[0].code == "align-empty-side"


def test_both_sides_chinese() -> None:
    zh_doc, _, _ = _documents("news-003")
    bi = align_documents(zh_doc, zh_doc)
    assert any(d.code == "align-same-language" and d.severity == "error" for d in bi.diagnostics)


def test_both_sides_english() -> None:
    _, en_doc, _ = _documents("news-003")
    bi = align_documents(en_doc, en_doc)
    assert any(d.code == "align-same-language" for d in bi.diagnostics)


def test_wildly_different_lengths() -> None:
    zh, en, _ = _pair("news-000")
    bi = align_documents(lines_document("\n".join(zh)), lines_document("\n".join(en[:3])), mode="lines")
    assert any(d.code == "align-length-mismatch" for d in bi.diagnostics)


def test_traditional_source_is_converted_for_scoring_only() -> None:
    import opencc

    zh, en, gold = _pair("news-001")
    to_hk = opencc.OpenCC("s2hk")
    zh_hant = [to_hk.convert(t) for t in zh]
    bi = align_documents(lines_document("\n".join(zh_hant)), lines_document("\n".join(en)),
                         mode="lines", scripts=("zh-Hant", "zh-Hans"))
    assert any(d.code == "align-traditional-source" for d in bi.diagnostics)
    assert bi.units[1].zh["zh-Hant"] == zh_hant[1]  # the original text is kept as written
    assert score_alignment(unit_beads(bi), gold)["strict_f1"] >= 0.9


def test_a_different_document_is_not_confident() -> None:
    zh, _, _ = _pair("news-000")
    _, en_other, _ = _pair("news-002")
    bi = align_documents(lines_document("\n".join(zh)), lines_document("\n".join(en_other)), mode="lines")
    assert any(d.code == "align-unrelated" and d.severity == "error" for d in bi.diagnostics)
    assert max(u.confidence or 0.0 for u in bi.units) <= 0.15
    zh_ok, en_ok, _ = _pair("news-002")
    good = align_documents(lines_document("\n".join(zh_ok)), lines_document("\n".join(en_ok)), mode="lines")
    assert not any(d.code == "align-unrelated" for d in good.diagnostics)


def test_untrustworthy_paragraphs_fall_back_to_sentences() -> None:
    zh, en, gold = _pair("news-003")
    zh_doc = Document(blocks=[Paragraph(id="b0001", text="".join(zh))])
    en_doc = Document(blocks=[Paragraph(id=f"b{k:04d}", text=t) for k, t in enumerate(en, 1)])
    bi = align_documents(zh_doc, en_doc)
    assert bi.provenance["mode"] == "sentence"
    assert any(d.code == "align-sentence-mode" for d in bi.diagnostics)
    assert len(bi.units) >= len(gold) - 4  # the titles have no full stop, so they run together
    assert "".join(u.zh.get("zh-Hans", "") for u in bi.units) == "".join(zh)
