"""Reading edited XLIFF back (`gba_docs.edits`) and `gba-docs import-edits`."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_writers_formats import bad_bilingual
from test_writers_samples import sample_bilingual

from gba_docs.edits import (
    EditedSegment,
    confirmed,
    import_edits,
    read_xliff,
    read_xliff_edits,
)
from gba_docs.errors import InputError
from gba_docs.writers import write_xliff


def _edit(xml: str, old: str, new: str, state_from: str = 'state="translated"',
          state_to: str = 'state="final"') -> str:
    """Simulate a CAT tool: change one target and confirm its segment."""
    start = xml.index(old)
    seg_start = xml.rindex("<segment ", 0, start)
    head, seg = xml[:seg_start], xml[seg_start:]
    seg = seg.replace(old, new, 1).replace(state_from, state_to, 1)
    return head + seg


def test_reads_every_segment_with_ids_sources_targets_states(tmp_path: Path) -> None:
    path = tmp_path / "doc.xlf"
    path.write_text(write_xliff(sample_bilingual()), encoding="utf-8")
    segs = read_xliff_edits(path)
    by_id = {s.segment_id: s for s in segs}
    assert by_id["b0002.s1"] == EditedSegment("b0002", "b0002.s1", "以“智创湾区产研共融”为主题。",
                                              "The theme is “Smart Bay Area”.", "reviewed")
    assert by_id["b0014.s0"].target is None and by_id["b0014.s0"].state == "initial"
    assert "b0011.s0" not in by_id  # raw code is not offered for translation
    info = read_xliff(path)
    assert (info.src_lang, info.trg_lang) == ("zh-Hans", "en")
    assert info.provenance["glossary_version"] == "2025.1"


def test_edited_target_and_control_characters_round_trip(tmp_path: Path) -> None:
    bi = bad_bilingual()
    xml = write_xliff(bi)
    path = tmp_path / "bad.xlf"
    path.write_text(xml, encoding="utf-8")
    segs = {s.unit_id: s for s in read_xliff_edits(path)}
    assert segs["p0"].source == bi.units[0].zh["zh-Hans"]  # <cp hex> decoded back
    assert segs["weird id/../1"].source == "<h1>标题</h1>"
    assert len(segs["p1"].source) == 10002


def test_cat_tool_inline_codes_keep_their_text(tmp_path: Path) -> None:
    path = tmp_path / "pc.xlf"
    path.write_text(
        '<?xml version="1.0"?><xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" '
        'version="2.1" srcLang="zh-Hans" trgLang="en"><file id="f"><unit id="u1">'
        '<segment id="s1" state="final"><source>大湾区<ph id="1"/>论坛</source>'
        '<target><pc id="2">Greater Bay Area</pc> <mrk id="m" type="term">Forum</mrk>'
        '<cp hex="0007"/></target></segment></unit></file></xliff>', encoding="utf-8")
    [seg] = read_xliff_edits(path)
    assert (seg.source, seg.target) == ("大湾区论坛", "Greater Bay Area Forum\x07")


def test_refuses_dtds_entities_and_other_files(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xlf"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
                    '<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" '
                    'srcLang="zh"><file id="f"><unit id="u"><segment><source>&a;</source>'
                    '</segment></unit></file></xliff>', encoding="utf-8")
    with pytest.raises(InputError, match="declares a DTD"):
        read_xliff_edits(bomb)
    old = tmp_path / "old.xlf"
    old.write_text('<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"/>',
                   encoding="utf-8")
    with pytest.raises(InputError, match="not an XLIFF 2.x file"):
        read_xliff_edits(old)
    broken = tmp_path / "broken.xlf"
    broken.write_text("<xliff>\n<file>", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_xliff_edits(broken)
    assert info.value.path == str(broken) and info.value.line == 2
    with pytest.raises(InputError, match="cannot read"):
        read_xliff_edits(tmp_path / "missing.xlf")


def test_confirmed_keeps_only_accepted_states() -> None:
    segs = [EditedSegment("u", "u.s0", "甲", "A", "translated"),
            EditedSegment("u", "u.s1", "乙", "B", "reviewed"),
            EditedSegment("u", "u.s2", " ", "C", "final"),
            EditedSegment("u", "u.s3", "丁", "  ", "final")]
    kept, problems = confirmed(segs)
    assert [s.segment_id for s in kept] == ["u.s1"]
    assert problems == ["u.s0: state translated", "u.s2: empty source", "u.s3: empty target"]
    kept, _ = confirmed(segs, ("translated", "reviewed"))
    assert len(kept) == 2
    with pytest.raises(ValueError, match="unknown XLIFF state"):
        confirmed(segs, ("done",))


def test_import_edits_stores_human_entries(tmp_path: Path) -> None:
    from gba_docs.translate.memory import TranslationMemory

    xml = write_xliff(sample_bilingual())
    xml = _edit(xml, "<target>2025 Greater Bay Area Science Forum to open</target>",
                "<target>The 2025 Greater Bay Area Science Forum opens soon</target>")
    path = tmp_path / "edited.xlf"
    path.write_text(xml, encoding="utf-8")
    tm_path = tmp_path / "tm.sqlite"
    report = import_edits(path, tm_path)
    assert report.imported == 3  # the edit + two segments already marked human (reviewed)
    with TranslationMemory(tm_path) as tm:
        found = tm.lookup(["2025大湾区科学论坛即将开幕"])
        entries = list(tm.entries(origin="human"))
    entry = found["2025大湾区科学论坛即将开幕"]
    assert entry.target == "The 2025 Greater Bay Area Science Forum opens soon"
    assert entry.origin == "human" and entry.note.startswith("xliff:edited.xlf#b0000")
    assert {e.source for e in entries} >= {"一是突出前瞻性科技创新引领。", "以“智创湾区产研共融”为主题。"}


def test_import_edits_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from gba_docs.cli import main

    path = tmp_path / "doc.xlf"
    path.write_text(write_xliff(sample_bilingual()), encoding="utf-8")
    tm_path = tmp_path / "tm.sqlite"
    assert main(["import-edits", str(path), "--tm", str(tm_path), "--dry-run"]) == 0
    assert "would import 2 edited segment(s)" in capsys.readouterr().out
    assert not tm_path.exists()
    assert main(["import-edits", str(path), "--tm", str(tm_path),
                 "--states", "translated,reviewed,final"]) == 0
    out = capsys.readouterr().out
    assert "imported 13 edited segment(s)" in out
    assert main(["import-edits", str(path), "--tm", str(tm_path), "--states", "done"]) == 4
