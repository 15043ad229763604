"""Engines that need no model: identity, a dictionary lookup, and a call-counting wrapper.

They exist for tests, dry runs and benchmarks; none of them translates in any real sense.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

from .base import Engine


class IdentityEngine:
    """Returns every segment unchanged.

    >>> IdentityEngine().translate_batch(["粤港澳", ""])
    ['粤港澳', '']
    """

    id = "identity"
    model_version = "1"

    def translate_batch(self, segments: list[str]) -> list[str]:
        return [s if s.strip() else "" for s in segments]


class DictionaryEngine:
    """Maps whole known segments from a dict; otherwise replaces known terms, longest first.

    >>> e = DictionaryEngine(entries={"香港科学园": "Hong Kong Science Park", "举行": "held"})
    >>> e.translate_batch(["香港科学园", "在香港科学园举行", ""])
    ['Hong Kong Science Park', '在 Hong Kong Science Park held', '']
    """

    id = "dictionary"

    def __init__(self, entries: Mapping[str, str] | None = None) -> None:
        self.entries = dict(entries or {})
        digest = hashlib.sha256(json.dumps(self.entries, sort_keys=True, ensure_ascii=False)
                                .encode()).hexdigest()
        self.model_version = digest[:12]
        self._by_length = sorted(self.entries, key=len, reverse=True)

    def translate_batch(self, segments: list[str]) -> list[str]:
        return [self._one(s) for s in segments]

    def _one(self, segment: str) -> str:
        text = segment.strip()
        if not text:
            return ""
        if text in self.entries:
            return self.entries[text]
        out: list[str] = []
        i = 0
        while i < len(text):
            for key in self._by_length:
                if key and text.startswith(key, i):
                    out.append(f" {self.entries[key]} ")
                    i += len(key)
                    break
            else:
                out.append(text[i])
                i += 1
        return " ".join("".join(out).split())


class CountingEngine:
    """Wraps an engine and counts calls and segments (to prove a TM hit skipped the engine).

    >>> c = CountingEngine(IdentityEngine()); _ = c.translate_batch(["a", "b"])
    >>> c.calls, c.segments
    (1, 2)
    """

    def __init__(self, inner: Engine) -> None:
        self.inner = inner
        self.id = inner.id
        self.model_version = inner.model_version
        self.calls = 0
        self.segments = 0

    def translate_batch(self, segments: list[str]) -> list[str]:
        self.calls += 1
        self.segments += len(segments)
        return self.inner.translate_batch(segments)
