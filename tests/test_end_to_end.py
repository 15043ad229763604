"""End to end through the console: a real installed model, the TM, every format, the
post-editing round trip (convert → edit XLIFF → import-edits → convert again)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from lxml import etree

from gba_docs.cli import EXIT_OK, main

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SCHEMAS = Path(__file__).resolve().parent / "data" / "schemas"
XLIFF_NS = "urn:oasis:names:tc:xliff:document:2.0"
ALL_FORMATS = "clean,json,md,md-table,html,tmx,xlf,docx"


@pytest.fixture(scope="module")
def copy_model_dir(tiny_packages, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A packages folder with only the copy (echo) model, installed by the real command."""
    folder = tmp_path_factory.mktemp("models")
    assert main(["models", "install", str(tiny_packages.copy), "--dir", str(folder)]) == EXIT_OK
    return folder


def _convert(out: Path, models: Path, tm: Path, *extra: str) -> int:
    return main(["convert", str(SEEDS), "-o", str(out), "--mt", "argos", "--model-dir", str(models),
                 "--tm", str(tm), "--to", ALL_FORMATS, "--workers", "1", "-q", *extra])


def _bilingual(out: Path, seed: Path) -> dict:
    return json.loads((out / f"{seed.stem}.json").read_text(encoding="utf-8"))


def test_seeds_translate_into_every_format_with_units_matching_blocks(
    copy_model_dir: Path, tmp_path: Path
) -> None:
    out, tm = tmp_path / "out", tmp_path / "tm.sqlite"
    assert _convert(out, copy_model_dir, tm) == EXIT_OK
    xsd = etree.XMLSchema(etree.parse(str(SCHEMAS / "xliff_core_2.0.xsd")))
    dtd = etree.DTD(str(SCHEMAS / "tmx14.dtd"))
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    for seed in sorted(SEEDS.glob("*.txt")):
        bi = _bilingual(out, seed)
        block_ids = [b["id"] for b in bi["source"]["blocks"]]
        assert [u["id"] for u in bi["units"]] == block_ids  # one unit per source block
        translatable = [u for u in bi["units"] if u["status"] != "passthrough"]
        assert translatable and all(u["en"] for u in translatable), seed.name
        assert {u["origin"]["kind"] for u in translatable} == {"engine"}
        assert all(u["origin"]["engine"].startswith("argos:zh-en") for u in translatable)
        for suffix in (".zh-Hans.md", ".zh-Hant-HK.md", ".en.md", ".bi.md", ".bi-table.md",
                       ".html", ".docx"):
            assert (out / f"{seed.stem}{suffix}").stat().st_size > 0, suffix
        assert xsd.validate(etree.parse(str(out / f"{seed.stem}.xlf"), parser)), xsd.error_log
        assert dtd.validate(etree.parse(str(out / f"{seed.stem}.tmx"), parser)), dtd.error_log


def test_second_run_comes_from_the_translation_memory(copy_model_dir: Path, tmp_path: Path) -> None:
    out, tm = tmp_path / "out", tmp_path / "tm.sqlite"
    report = tmp_path / "report.json"
    assert _convert(out, copy_model_dir, tm) == EXIT_OK
    assert _convert(out, copy_model_dir, tm, "--force", "--report", str(report)) == EXIT_OK
    units = json.loads(report.read_text(encoding="utf-8"))["units"]
    assert units["from_engine"] == 0 and units["from_tm"] == units["translated"] > 0


def test_post_editing_round_trip(copy_model_dir: Path, tmp_path: Path) -> None:
    out, tm = tmp_path / "out", tmp_path / "tm.sqlite"
    assert _convert(out, copy_model_dir, tm) == EXIT_OK
    seed = sorted(SEEDS.glob("*.txt"))[0]
    xlf = out / f"{seed.stem}.xlf"
    edited = tmp_path / "edited.xlf"
    shutil.copy(xlf, edited)
    tree = etree.parse(str(edited))
    segment = tree.find(f".//{{{XLIFF_NS}}}segment")
    assert segment is not None
    unit_id = segment.getparent().get("id")
    target = segment.find(f"{{{XLIFF_NS}}}target")
    if target is None:
        target = etree.SubElement(segment, f"{{{XLIFF_NS}}}target")
    target.text = "2025 Greater Bay Area Science Forum to open (edited by a translator)"
    segment.set("state", "final")
    tree.write(str(edited), xml_declaration=True, encoding="UTF-8")

    assert main(["import-edits", str(edited), "--tm", str(tm)]) == EXIT_OK
    assert _convert(out, copy_model_dir, tm, "--force") == EXIT_OK
    bi = _bilingual(out, seed)
    unit = next(u for u in bi["units"] if u["id"] == unit_id)
    assert "edited by a translator" in unit["en"]
    assert unit["origin"]["kind"] in ("human", "tm")
    assert any(s["origin"] and s["origin"]["kind"] == "human" for s in unit["segments"])
    markdown = (out / f"{seed.stem}.bi.md").read_text(encoding="utf-8")
    assert "edited by a translator" in markdown


def test_without_a_model_everything_is_written_and_units_say_untranslated(tmp_path: Path) -> None:
    empty = tmp_path / "no-models"
    empty.mkdir()
    code = main(["convert", str(SEEDS), "-o", str(tmp_path / "out"), "--model-dir", str(empty),
                 "--no-tm", "--to", ALL_FORMATS, "--workers", "1", "-q"])
    assert code == EXIT_OK
    bi = _bilingual(tmp_path / "out", sorted(SEEDS.glob("*.txt"))[0])
    translatable = [u for u in bi["units"] if u["status"] != "passthrough"]
    assert all(u["en"] is None and u["status"] == "untranslated" for u in translatable)
    messages = [d["message"] for d in bi["diagnostics"] if d["code"] == "mt-unavailable"]
    assert messages and "gba-docs models install" in messages[0]
