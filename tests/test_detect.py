"""Format detection decides by content; the extension only breaks ties."""

from __future__ import annotations

from pathlib import Path

import pytest

from gba_docs.readers import READERS, detect_format

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("000_f07f11e24ac20ed8.txt", "text"),
        ("001_db7c19a780cc40f6.txt", "markdown"),
        ("002_3e2891827177514d.txt", "text"),
        ("003_e90495a0e799883c.txt", "text"),
        ("004_e9118c60ae84f4be.txt", "html"),
    ],
)
def test_seeds_are_detected(name: str, fmt: str) -> None:
    path = SEEDS / name
    assert detect_format(path.read_text(encoding="utf-8"), str(path)) == fmt


@pytest.mark.parametrize(
    ("text", "path", "fmt"),
    [
        ("<!DOCTYPE html><html><body><p>x</p></body></html>", None, "html"),
        ("<p>段落一</p>\n<p>段落二</p>", "a.txt", "html"),
        ("纯文本，一段。\n\n又一段。", "a.md", "markdown"),
        ("纯文本，一段。\n\n又一段。", "a.html", "html"),
        ("纯文本，一段。\n\n又一段。", None, "text"),
        ("---\ntitle: 标题\n---\n正文一段。\n", None, "markdown"),
        ("Text with a < b and <br> once.\n\nMore.", None, "text"),
        ("", None, "text"),
    ],
)
def test_content_rules(text: str, path: str | None, fmt: str) -> None:
    assert detect_format(text, path) == fmt


def test_every_detected_format_has_a_reader() -> None:
    assert set(READERS) == {"html", "markdown", "text"}
