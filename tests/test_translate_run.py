"""translate_documents: glossary → TM → engine, protection strategies, marks, QA, no model."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from gba_docs.errors import ModelNotInstalled, TranslationError
from gba_docs.glossary import Glossary, Term
from gba_docs.model import BilingualDocument, Document, Mark, Unit
from gba_docs.translate.argos import ArgosEngine
from gba_docs.translate.fake import CountingEngine, DictionaryEngine, IdentityEngine
from gba_docs.translate.memory import TMEntry, TranslationMemory
from gba_docs.translate.run import translate_documents

GLOSSARY = Glossary([
    Term(id="gba", zh_hans="粤港澳大湾区", zh_hant_hk="粵港澳大灣區",
         en="Guangdong-Hong Kong-Macao Greater Bay Area", zh_variants=["大湾区"],
         en_variants=["Greater Bay Area"], forbidden_en=["Great Bay Area"], category="region"),
    Term(id="hkstp", zh_hans="香港科学园", zh_hant_hk="香港科學園", en="Hong Kong Science Park",
         category="facility"),
    Term(id="nansha", zh_hans="南沙", zh_hant_hk="南沙", en="Nansha", category="district"),
], version="test-1")


def _doc(*texts: str, marks: list[Mark] | None = None) -> BilingualDocument:
    units = [Unit(id=f"b{i + 1:04d}", kind="paragraph", zh={"zh-Hans": t}) for i, t in enumerate(texts)]
    if marks:
        units[0].marks["zh-Hans"] = marks
    return BilingualDocument(source=Document(), units=units)


@pytest.fixture(scope="module")
def copy_engine(installed_models) -> ArgosEngine:
    return ArgosEngine(installed_models["copy"], beam_size=1)


def test_terms_are_protected_and_restored_through_the_copy_model(copy_engine: ArgosEngine,
                                                                   tmp_path: Path) -> None:
    doc = _doc("论坛在香港科学园举行。粤港澳大湾区增长4.3%。")
    stats = translate_documents([doc], copy_engine, tm=TranslationMemory(tmp_path / "tm.sqlite"),
                                glossary=GLOSSARY)
    unit = doc.units[0]
    assert unit.status == "translated"
    assert unit.en == "论坛在Hong Kong Science Park举行。 Guangdong-Hong Kong-Macao Greater Bay Area增长4.3%。"
    assert [s.id for s in unit.segments] == ["b0001.s1", "b0001.s2"]
    assert unit.origin is not None and unit.origin.kind == "engine"
    assert unit.origin.engine == copy_engine.id and unit.origin.model_version == "0.1"
    assert (stats.from_engine, stats.from_tm, stats.translated) == (2, 0, 1)


def test_inline_strategy_through_the_copy_model(copy_engine: ArgosEngine) -> None:
    doc = _doc("论坛在南沙举行。")
    translate_documents([doc], copy_engine, glossary=GLOSSARY, protect_terms="inline")
    assert doc.units[0].en == "论坛在Nansha举行。"


def test_second_run_is_answered_by_the_tm_without_calling_the_engine(copy_engine: ArgosEngine,
                                                                      tmp_path: Path) -> None:
    tm = TranslationMemory(tmp_path / "tm.sqlite")
    texts = ("论坛在香港科学园举行。", "粤港澳大湾区推动国际科技创新中心。论坛闭幕。")
    first = CountingEngine(copy_engine)
    translate_documents([_doc(*texts), _doc(texts[0])], first, tm=tm, glossary=GLOSSARY)
    assert first.calls == 1 and first.segments == 3  # one sorted batch, duplicates sent once
    again = CountingEngine(copy_engine)
    docs = [_doc(*texts)]
    stats = translate_documents(docs, again, tm=tm, glossary=GLOSSARY)
    assert again.calls == 0
    assert stats.from_tm == 3 and stats.from_engine == 0
    assert docs[0].units[0].origin is not None and docs[0].units[0].origin.kind == "tm"
    assert docs[0].units[1].en == "Guangdong-Hong Kong-Macao Greater Bay Area推动国际科技创新中心。 论坛闭幕。"


def test_a_new_glossary_version_misses_the_tm(copy_engine: ArgosEngine, tmp_path: Path) -> None:
    tm = TranslationMemory(tmp_path / "tm.sqlite")
    translate_documents([_doc("论坛在南沙举行。")], copy_engine, tm=tm, glossary=GLOSSARY)
    newer = Glossary(GLOSSARY.terms, version="test-2")
    counting = CountingEngine(copy_engine)
    translate_documents([_doc("论坛在南沙举行。")], counting, tm=tm, glossary=newer)
    assert counting.calls == 1


def test_human_tm_entries_win_over_the_engine(copy_engine: ArgosEngine, tmp_path: Path) -> None:
    tm = TranslationMemory(tmp_path / "tm.sqlite")
    tm.store([TMEntry(source="论坛闭幕。", target="The forum closed.", origin="human")])
    doc = _doc("论坛闭幕。论坛在南沙举行。")
    translate_documents([doc], copy_engine, tm=tm, glossary=GLOSSARY)
    seg = doc.units[0].segments
    assert seg[0].en == "The forum closed." and seg[0].origin is not None
    assert seg[0].origin.kind == "human"
    assert seg[1].origin is not None and seg[1].origin.kind == "engine"


def test_whole_term_segment_comes_from_the_glossary() -> None:
    counting = CountingEngine(IdentityEngine())
    doc = _doc("粤港澳大湾区", "香港科学园。")
    stats = translate_documents([doc], counting, glossary=GLOSSARY)
    assert [u.en for u in doc.units] == ["Guangdong-Hong Kong-Macao Greater Bay Area",
                                         "Hong Kong Science Park."]
    assert counting.calls == 0 and stats.from_glossary == 2
    assert doc.units[0].origin is not None and doc.units[0].origin.kind == "glossary"


def test_no_engine_leaves_units_untranslated_with_one_diagnostic(tmp_path: Path) -> None:
    tm = TranslationMemory(tmp_path / "tm.sqlite")
    tm.store([TMEntry(source="论坛闭幕。", target="The forum closed.", origin="human")])
    doc = _doc("论坛开幕。", "论坛闭幕。", "另一段。")
    stats = translate_documents([doc], None, tm=tm)
    assert [u.en for u in doc.units] == [None, "The forum closed.", None]
    assert [u.status for u in doc.units] == ["untranslated", "translated", "untranslated"]
    (diag,) = doc.diagnostics
    assert diag.code == "mt-unavailable" and "gba-docs models install zh en" in diag.message
    assert stats.untranslated == 2


class _Raising:
    id = "broken"
    model_version = "0"

    def __init__(self, exc: Exception) -> None:
        self.exc = exc

    def translate_batch(self, segments: list[str]) -> list[str]:
        raise self.exc


def test_model_not_installed_during_the_run() -> None:
    docs = [_doc("论坛开幕。"), _doc("论坛闭幕。", "第二段。")]
    missing = ModelNotInstalled("no zh→en model", remedy="run: gba-docs models install zh en")
    translate_documents(docs, _Raising(missing))
    for doc in docs:
        assert [d.code for d in doc.diagnostics] == ["mt-unavailable"]
        assert all(u.en is None and u.status == "untranslated" for u in doc.units)


def test_engine_failure_is_reported_per_document() -> None:
    doc = _doc("论坛开幕。")
    translate_documents([doc], _Raising(TranslationError("decoder crashed")))
    assert [d.code for d in doc.diagnostics] == ["mt-failed"]
    assert doc.units[0].en is None


def test_terminology_qa_flags_missing_and_forbidden_renderings() -> None:
    engine = DictionaryEngine(entries={"大湾区论坛开幕。": "The Great Bay Area forum opened."})
    doc = _doc("大湾区论坛开幕。")
    stats = translate_documents([doc], engine, glossary=GLOSSARY, protect_terms="none")
    codes = sorted(d.code for d in doc.units[0].qa)
    assert codes == ["term-forbidden", "term-missing"]
    assert {d.block_id for d in doc.units[0].qa} == {"b0001"} and stats.qa == 2


def test_partial_marks_are_mapped_onto_the_english(copy_engine: ArgosEngine) -> None:
    text = "论坛在香港科学园举行。会议闭幕。"
    doc = _doc(text, marks=[Mark(kind="strong", start=3, end=8), Mark(kind="highlight", start=11, end=15)])
    translate_documents([doc], copy_engine, glossary=GLOSSARY)
    unit = doc.units[0]
    spans = {m.kind: unit.en[m.start:m.end] for m in unit.marks["en"]}  # type: ignore[index]
    assert spans == {"strong": "Hong Kong Science Park", "highlight": "会议闭幕"}


def test_locked_tm_keeps_translations_and_reports(copy_engine: ArgosEngine, tmp_path: Path) -> None:
    path = tmp_path / "tm.sqlite"
    TranslationMemory(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        doc = _doc("论坛开幕。")
        translate_documents([doc], copy_engine, tm=TranslationMemory(path, timeout=0.1, retries=1))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert doc.units[0].en == "论坛开幕。"
    assert [d.code for d in doc.diagnostics] == ["tm-store-failed"]


def test_protection_strategies_compared_on_both_test_models(installed_models) -> None:
    """Print how often the approved English survives; the copy model must keep all of it."""
    from argos_fixtures import corpus_lines

    sentences = [line for line in corpus_lines() if GLOSSARY.find(line) and len(line) < 120][:40]
    table: dict[tuple[str, str], float] = {}
    for model in ("copy", "random"):
        engine = ArgosEngine(installed_models[model], beam_size=1)
        for strategy in ("placeholder", "inline"):
            doc = _doc(*sentences)
            translate_documents([doc], engine, glossary=GLOSSARY, protect_terms=strategy)
            expected = kept = 0
            for unit in doc.units:
                for match in GLOSSARY.find(unit.zh["zh-Hans"]):
                    expected += 1
                    kept += match.term.en in (unit.en or "")
            table[(model, strategy)] = kept / expected
    print("\nterm survival   placeholder   inline")
    for model in ("copy", "random"):
        print(f"{model:>12}   {table[(model, 'placeholder')]:>10.0%}   {table[(model, 'inline')]:>6.0%}")
    assert len(sentences) >= 20
    assert table[("copy", "placeholder")] == 1.0 and table[("copy", "inline")] == 1.0
    assert table[("random", "placeholder")] < 1.0
