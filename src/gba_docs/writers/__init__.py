"""Writers: pure functions from the model to `str`/`bytes`, registered by `--to` format id.

They never touch the disk and never re-align: the pipeline names the files and writes them with
`gba_docs._io.atomic_write`. Adding a format = one module + one row in `WRITERS`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from ..model import BilingualDocument
from .docx import write_docx
from .html import write_html
from .json import load_json, write_bilingual_json, write_document_json
from .markdown import (
    monolingual_views,
    write_bilingual_markdown,
    write_bilingual_table_markdown,
    write_clean_markdown,
    write_monolingual,
)
from .tmx import write_tmx
from .xliff import write_xliff


class Writer(NamedTuple):
    suffix: str
    func: Callable[[BilingualDocument], str | bytes]
    binary: bool


def _write_clean_default(bi: BilingualDocument) -> str:
    """The first requested Chinese script as clean Markdown (see `render` for every view)."""
    return write_monolingual(bi, bi.scripts[0] if bi.scripts else "zh-Hans")


WRITERS: dict[str, Writer] = {
    "md": Writer(".bi.md", write_bilingual_markdown, False),
    "md-table": Writer(".bi-table.md", write_bilingual_table_markdown, False),
    "html": Writer(".html", write_html, False),
    "json": Writer(".json", write_bilingual_json, False),
    "tmx": Writer(".tmx", write_tmx, False),
    "xlf": Writer(".xlf", write_xliff, False),
    "docx": Writer(".docx", write_docx, True),
    "clean": Writer(".md", _write_clean_default, False),
}
"""Format id → writer. "clean" is per view: `render(bi, "clean")` gives one file per script + en."""


def render(bi: BilingualDocument, fmt: str) -> dict[str, str | bytes]:
    """Every output of one format as {file suffix: data}; "clean" gives `.<view>.md` per view.

    Raises KeyError naming the known formats when `fmt` is unknown.
    """
    if fmt not in WRITERS:
        raise KeyError(f"unknown output format {fmt!r}; known: {', '.join(sorted(WRITERS))}")
    if fmt == "clean":
        return {f".{view}.md": write_monolingual(bi, view) for view in monolingual_views(bi)}
    writer = WRITERS[fmt]
    return {writer.suffix: writer.func(bi)}


__all__ = [
    "WRITERS",
    "Writer",
    "load_json",
    "monolingual_views",
    "render",
    "write_bilingual_json",
    "write_bilingual_markdown",
    "write_bilingual_table_markdown",
    "write_clean_markdown",
    "write_document_json",
    "write_docx",
    "write_html",
    "write_monolingual",
    "write_tmx",
    "write_xliff",
]
