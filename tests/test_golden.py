"""Golden files per seed: the Document as JSON and the clean Markdown, plus no-loss checks.

Regenerate with GBA_DOCS_REGEN_GOLDEN=1 (never in CI: a test checks the flag is off there).
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from pathlib import Path

import pytest

from gba_docs.pipeline import read_path
from gba_docs.writers import write_clean_markdown

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
GOLDEN = Path(__file__).resolve().parent / "golden"
REGEN = os.environ.get("GBA_DOCS_REGEN_GOLDEN") == "1"
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def _stable_json(path: Path) -> str:
    doc = read_path(path)
    data = doc.model_dump(mode="json")
    data["source"]["path"] = path.name
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def _compare(actual: str, golden: Path) -> None:
    if REGEN:
        golden.write_text(actual, encoding="utf-8")
    assert golden.exists(), f"{golden.name} missing: run with GBA_DOCS_REGEN_GOLDEN=1 once"
    assert actual == golden.read_text(encoding="utf-8"), (
        f"{golden.name} differs; if the change is intended, regenerate with GBA_DOCS_REGEN_GOLDEN=1 "
        "and review the diff"
    )


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem[:3])
def test_document_json_matches_golden(seed: Path) -> None:
    _compare(_stable_json(seed), GOLDEN / f"{seed.stem}.json")


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem[:3])
def test_clean_markdown_matches_golden(seed: Path) -> None:
    _compare(write_clean_markdown(read_path(seed)), GOLDEN / f"{seed.stem}.md")


def test_regeneration_flag_is_off_in_ci() -> None:
    if os.environ.get("CI"):
        assert not REGEN, "GBA_DOCS_REGEN_GOLDEN must not be set in CI"


def _visible_source_text(seed: Path) -> str:
    raw = seed.read_text(encoding="utf-8")
    raw = re.sub(r"\A\s*---\n.*?\n---\n", "", raw, flags=re.S)  # front matter goes to meta
    if "<p" in raw:
        from bs4 import BeautifulSoup

        return BeautifulSoup(raw, "lxml").get_text()
    return raw


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem[:3])
def test_no_chinese_character_is_lost_or_duplicated(seed: Path) -> None:
    doc = read_path(seed)
    before = Counter(HAN.findall(_visible_source_text(seed)))
    after = Counter(HAN.findall(doc.visible_text()))
    assert before == after, {"lost": before - after, "added": after - before}


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem[:3])
def test_no_raw_markup_survives_in_block_text(seed: Path) -> None:
    doc = read_path(seed)
    for block in doc.blocks:
        if block.kind != "raw":
            assert not re.search(r"</?(?:span|font|p|div|strong|b|br)\b", block.text), (block.id, block.text)
            assert not block.text.startswith("\u3000"), block.id
