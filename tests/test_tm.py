"""Translation memory: keys, human priority, concurrent writers, damaged files, TMX, CLI stats."""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
from pathlib import Path

import pytest

from gba_docs.errors import InputError, TranslationError
from gba_docs.translate.memory import (
    TMEntry,
    TranslationMemory,
    default_tm_path,
    export_tmx,
    import_tmx,
)

ENGINE = {"engine": "argos:zh-en:x", "model_version": "1.9", "glossary_version": "g1"}


def _machine(source: str, target: str, **over: str) -> TMEntry:
    return TMEntry(source=source, target=target, origin="machine", **{**ENGINE, **over})


def test_exact_match_needs_the_same_engine_model_and_glossary(tmp_path: Path) -> None:
    with TranslationMemory(tmp_path / "tm.sqlite") as tm:
        tm.store([_machine("论坛举行。", "The forum was held.")])
        assert tm.lookup(["论坛举行。"], **ENGINE)["论坛举行。"].target == "The forum was held."
        assert tm.lookup(["论坛举行。"], **{**ENGINE, "model_version": "2.0"}) == {}
        assert tm.lookup(["论坛举行。"], **{**ENGINE, "glossary_version": "g2"}) == {}
        assert tm.lookup(["论坛举行。"], engine=None) == {}


def test_keys_are_normalised(tmp_path: Path) -> None:
    with TranslationMemory(tmp_path / "tm.sqlite") as tm:
        tm.store([_machine("粤港澳  大湾区", "GBA")])
        hit = tm.lookup([" 粤港澳\u3000大湾区\n"], **ENGINE)
        assert [e.target for e in hit.values()] == ["GBA"]


def test_human_entries_always_win(tmp_path: Path) -> None:
    with TranslationMemory(tmp_path / "tm.sqlite") as tm:
        tm.store([_machine("大湾区", "Big Bay")])
        tm.store([TMEntry(source="大湾区", target="Greater Bay Area", origin="human")])
        tm.store([_machine("大湾区", "Big Bay again")])
        for engine in (ENGINE, {**ENGINE, "engine": "other"}, {"engine": None}):
            assert tm.lookup(["大湾区"], **engine)["大湾区"].target == "Greater Bay Area"
        assert tm.count() == 2
        stats = tm.stats()
        assert stats.by_origin == {"human": 1, "machine": 1}
        assert stats.by_engine == {"human": 1, "argos:zh-en:x": 1}


def test_update_replaces_target_without_duplicates(tmp_path: Path) -> None:
    with TranslationMemory(tmp_path / "tm.sqlite") as tm:
        tm.store([_machine("a句", "one")])
        tm.store([_machine("a句", "two")])
        assert tm.count() == 1 and tm.lookup(["a句"], **ENGINE)["a句"].target == "two"


def test_default_path_is_configurable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GBA_DOCS_TM", str(tmp_path / "x.sqlite"))
    assert default_tm_path() == tmp_path / "x.sqlite"
    monkeypatch.delenv("GBA_DOCS_TM")
    assert default_tm_path().name == "translation-memory.sqlite"
    assert "gba-docs" in str(default_tm_path())


def _writer(path: str, worker: int, count: int) -> None:
    tm = TranslationMemory(path, timeout=5.0, retries=40)
    for i in range(count):
        tm.store([_machine(f"句子 {worker}-{i}", f"sentence {worker}-{i}")])
    tm.close()


def test_four_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    path = str(tmp_path / "shared.sqlite")
    TranslationMemory(path).close()
    ctx = multiprocessing.get_context("spawn" if os.name == "nt" else "fork")
    workers = [ctx.Process(target=_writer, args=(path, w, 200)) for w in range(4)]
    for p in workers:
        p.start()
    for p in workers:
        p.join(60)
    assert [p.exitcode for p in workers] == [0, 0, 0, 0]
    with TranslationMemory(path) as tm:
        assert tm.count() == 800
        assert tm.stats().by_origin == {"machine": 800}
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_corrupt_file_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "tm.sqlite"
    junk = os.urandom(8192)
    path.write_bytes(junk)
    with pytest.raises(InputError, match="damaged or not a gba-docs TM") as caught:
        TranslationMemory(path).lookup(["香港"])
    assert "move the file aside" in str(caught.value)
    assert path.read_bytes() == junk


def test_foreign_sqlite_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as raw:
        raw.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        raw.execute("INSERT INTO meta VALUES ('schema', 'something-else')")
    with pytest.raises(InputError, match="not a gba-docs TM"):
        TranslationMemory(path).store([_machine("a", "b")])


def test_locked_file_gives_a_clear_error_and_keeps_entries(tmp_path: Path) -> None:
    path = tmp_path / "tm.sqlite"
    with TranslationMemory(path) as tm:
        tm.store([_machine("旧句。", "Old.")])
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        blocked = TranslationMemory(path, timeout=0.1, retries=2)
        with pytest.raises(TranslationError, match="locked by another process"):
            blocked.store([_machine("新句。", "New.")])
        blocked.close()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with TranslationMemory(path) as tm:
        assert tm.lookup(["旧句。"], **ENGINE)["旧句。"].target == "Old."
        tm.store([_machine("新句。", "New.")])
        assert tm.count() == 2


TMX = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="t" creationtoolversion="1" segtype="sentence"
 o-tmf="x" adminlang="en" srclang="zh-Hans" datatype="plaintext"/>
<body>
<tu><tuv xml:lang="zh-Hans"><seg>香港科学园</seg></tuv><tuv xml:lang="en-GB"><seg>Hong Kong Science Park</seg></tuv></tu>
<tu><tuv xml:lang="zh-CN"><seg>论坛在<bpt i="1">&lt;b&gt;</bpt>南沙<ept i="1">&lt;/b&gt;</ept>举行</seg></tuv>
    <tuv xml:lang="en"><seg>The forum was held in <hi>Nansha</hi></seg></tuv></tu>
<tu><tuv xml:lang="zh-Hans"><seg>只有中文</seg></tuv></tu>
</body></tmx>
"""


def test_tmx_import_marks_entries_human_and_skips_one_sided_units(tmp_path: Path) -> None:
    source = tmp_path / "in.tmx"
    source.write_text(TMX, "utf-8")
    with TranslationMemory(tmp_path / "tm.sqlite") as tm:
        report = import_tmx(tm, source)
        assert (report.imported, report.skipped) == (2, 1)
        hits = tm.lookup(["香港科学园", "论坛在南沙举行"], engine="anything")
        assert hits["论坛在南沙举行"].target == "The forum was held in Nansha"
        assert {e.origin for e in hits.values()} == {"human"}


def test_tmx_import_as_machine(tmp_path: Path) -> None:
    source = tmp_path / "in.tmx"
    source.write_text(TMX, "utf-8")
    with TranslationMemory(tmp_path / "tm.sqlite") as tm:
        import_tmx(tm, source, origin="machine")
        assert tm.stats().by_origin == {"machine": 2}
        assert tm.lookup(["香港科学园"], engine="anything") == {}


def test_tmx_round_trip(tmp_path: Path) -> None:
    first = TranslationMemory(tmp_path / "a.sqlite")
    first.store([_machine("论坛举行。", "The forum was held."),
                 TMEntry(source="大湾区", target="Greater Bay Area", origin="human")])
    assert export_tmx(first, tmp_path / "out.tmx") == 2
    first.close()
    with TranslationMemory(tmp_path / "b.sqlite") as second:
        import_tmx(second, tmp_path / "out.tmx", origin="machine")
        entries = {e.source: e for e in second.entries()}
    assert entries["论坛举行。"].engine == "argos:zh-en:x"
    assert entries["论坛举行。"].model_version == "1.9"
    assert entries["大湾区"].target == "Greater Bay Area"


@pytest.mark.parametrize("payload", [
    ('<?xml version="1.0"?><!DOCTYPE tmx [<!ENTITY x "boom">]><tmx version="1.4"><body><tu>'
     '<tuv xml:lang="zh"><seg>&x;</seg></tuv><tuv xml:lang="en"><seg>b</seg></tuv></tu></body></tmx>'),
    ('<?xml version="1.0"?><!DOCTYPE tmx SYSTEM "http://example.org/evil.dtd"><tmx version="1.4">'
     '<body><tu><tuv xml:lang="zh"><seg>&ext;</seg></tuv><tuv xml:lang="en"><seg>b</seg></tuv>'
     '</tu></body></tmx>'),
    '<tmx version="1.4"><body><tu><tuv xml:lang="zh"><seg>a</seg></tuv>',
])
def test_hostile_or_broken_tmx_is_refused(tmp_path: Path, payload: str) -> None:
    source = tmp_path / "bad.tmx"
    source.write_text(payload, "utf-8")
    with TranslationMemory(tmp_path / "tm.sqlite") as tm:
        with pytest.raises(InputError):
            import_tmx(tm, source)
        assert tm.count() == 0
