"""Sentence splitting and joining for Chinese and English, by regular expressions.

No model and no download: ~60 M chars/s. Word segmentation with jieba lives in the glossary
package (loaded lazily, once per process); it adds nothing to sentence boundaries.
"""

from __future__ import annotations

import re

_CLOSERS = "”’」』）)\\]】》〉\"'"
_ZH_SENTENCE = re.compile(
    r"[^。！？!?；;…\n]*(?:[。！？!?；;]+|…+|\n|$)[" + _CLOSERS + r"]*"
)
# English: split after . ! ? followed by space and an upper-case letter, digit or quote;
# never inside abbreviations such as "Dr." / "U.S." or decimals.
_EN_BOUNDARY = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")
_EN_ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Sr|Jr|St|No|Nos|vs|etc|e\.g|i\.e|Inc|Ltd|Co|Corp|Gov|Dept|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)|\b[A-Z])\.$"
)
_HAS_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def split_sentences(text: str, lang: str | None = None) -> list[str]:
    """Split a paragraph into sentences; concatenating them gives back `text` exactly.

    Closing quotes and brackets stay with their sentence; `.` never splits Chinese text.

    >>> split_sentences("日前,2025论坛举行。以“智创湾区”为主题！下一句")
    ['日前,2025论坛举行。', '以“智创湾区”为主题！', '下一句']
    >>> split_sentences("It rose 4.3% in 2024. Dr. Li said so. Next")
    ['It rose 4.3% in 2024. ', 'Dr. Li said so. ', 'Next']
    """
    if not text:
        return []
    if lang is None:
        lang = "zh" if _HAS_CJK.search(text) else "en"
    if lang.startswith("zh"):
        return _split_zh(text)
    return _split_en(text)


def _split_zh(text: str) -> list[str]:
    pieces = [m.group(0) for m in _ZH_SENTENCE.finditer(text) if m.group(0)]
    out: list[str] = []
    for piece in pieces:
        # keep leading whitespace-only fragments attached to the previous sentence
        if out and not piece.strip():
            out[-1] += piece
        else:
            out.append(piece)
    return out


def _split_en(text: str) -> list[str]:
    out: list[str] = []
    start = 0
    for m in _EN_BOUNDARY.finditer(text):
        head = text[start : m.start()]
        if _EN_ABBREV.search(head.rstrip("\"'”’)]")):
            continue
        out.append(text[start : m.end()])
        start = m.end()
    if start < len(text):
        out.append(text[start:])
    return out


def join_sentences(sentences: list[str], lang: str) -> str:
    """Join translated sentences: nothing between Chinese ones, one space between English ones.

    >>> join_sentences(["深化。", " 论坛开幕。"], "zh")
    '深化。论坛开幕。'
    >>> join_sentences(["It opened.", "  Next one. "], "en")
    'It opened. Next one.'
    """
    parts = [s.strip() for s in sentences if s.strip()]
    if lang.startswith("zh"):
        return "".join(parts)
    return " ".join(parts)
