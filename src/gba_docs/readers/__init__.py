"""Readers, one module per input shape, in a registry beside `detect_format`.

Adding a format = one module + one row in `READERS`. Reader modules are imported on first use,
so `import gba_docs` stays fast.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping

from ..model import Document, Source
from .detect import detect_format

Reader = Callable[[str, Source | None], Document]


class _LazyRegistry(Mapping[str, Reader]):
    """A mapping of format name to reader function that imports the module on first access."""

    def __init__(self, targets: dict[str, str]) -> None:
        self._targets = targets
        self._loaded: dict[str, Reader] = {}

    def __getitem__(self, name: str) -> Reader:
        if name not in self._loaded:
            module_name, func = self._targets[name].split(":")
            self._loaded[name] = getattr(importlib.import_module(module_name), func)
        return self._loaded[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._targets)

    def __len__(self) -> int:
        return len(self._targets)


READERS: Mapping[str, Reader] = _LazyRegistry(
    {
        "html": "gba_docs.readers.html:read_html",
        "markdown": "gba_docs.readers.markdown:read_markdown",
        "text": "gba_docs.readers.text:read_text",
    }
)

__all__ = ["READERS", "Reader", "detect_format"]
