"""Protect what a translation model must not touch, and put it back afterwards.

URLs, e-mail addresses, `_` identifiers, Latin-digit numbers, percentages, 万/亿 magnitudes,
dates (2025年12月6日), glossary terms and the edges of inline marks are replaced by placeholder
tokens (``ZXQAA``, ``ZXQAB`` …) that a model copies; `restore` swaps each token for its English
form and maps marks onto the translation. It does not translate and knows no model.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Literal

from ..model import Mark

SlotKind = Literal["url", "email", "identifier", "date", "magnitude", "percent", "number",
                   "term", "mark-open", "mark-close"]
TermStrategy = Literal["placeholder", "inline", "none"]

PREFIXES = ("ZXQ", "QXZ", "XZQ", "ZQX")
"""Token prefixes, tried in order until one does not occur in the text."""
MAX_SLOTS = 26 * 26
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]

_NOT_WORD_BEFORE = r"(?<![A-Za-z0-9_.\-/@])"
_NOT_WORD_AFTER = r"(?![A-Za-z0-9_])"
_PATTERNS: list[tuple[SlotKind, re.Pattern[str]]] = [
    ("url", re.compile(r"(?:https?://|www\.)[^\s<>\"'，。；！？、）」』】《》（“”]+")),
    ("email", re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")),
    ("identifier", re.compile(r"(?<![A-Za-z0-9_])[A-Za-z0-9]+(?:_[A-Za-z0-9]+)+(?:\.[A-Za-z0-9]+)?")),
    ("date", re.compile(_NOT_WORD_BEFORE + r"(?:(\d{4})年(?:(\d{1,2})月(?:(\d{1,2})日)?)?"
                        r"|(\d{1,2})月(\d{1,2})日)")),
    ("magnitude", re.compile(_NOT_WORD_BEFORE + r"(\d+(?:\.\d+)?)\s?([万亿])")),
    ("percent", re.compile(_NOT_WORD_BEFORE + r"\d+(?:\.\d+)?\s?[%％‰]")),
    ("number", re.compile(_NOT_WORD_BEFORE + r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?" + _NOT_WORD_AFTER)),
]
_URL_TRAILING = ".,;:!?)]}'\""


@dataclass(frozen=True)
class TermSpan:
    """A glossary term found in the source: its span, approved English and term id."""

    start: int
    end: int
    english: str
    term_id: str


@dataclass(frozen=True)
class Slot:
    """One protected span: the token that stands for it and what replaces the token."""

    token: str
    kind: SlotKind
    source: str
    target: str
    term_id: str | None = None
    mark_index: int | None = None


@dataclass
class Protected:
    """A source text with placeholders, and the slots needed to restore a translation."""

    text: str
    slots: list[Slot] = field(default_factory=list)
    prefix: str = PREFIXES[0]
    whole_marks: list[Mark] = field(default_factory=list)
    inline_terms: list[TermSpan] = field(default_factory=list)


@dataclass
class Restored:
    """A translation with tokens replaced, marks on it, and the slots that did not come back."""

    text: str
    marks: list[Mark] = field(default_factory=list)
    missing: list[Slot] = field(default_factory=list)


def english_for(kind: SlotKind, match: re.Match[str]) -> str | None:
    """English form of a matched date/number/magnitude; None when the match is not valid.

    >>> english_for("date", _PATTERNS[3][1].search("2025年12月6日"))
    '6 December 2025'
    >>> english_for("magnitude", _PATTERNS[4][1].search("2.68万"))
    '26,800'
    >>> english_for("magnitude", _PATTERNS[4][1].search("10亿"))
    '1 billion'
    """
    text = match.group(0)
    if kind == "date":
        return _date_english(match)
    if kind == "magnitude":
        return _magnitude_english(match.group(1), match.group(2))
    if kind == "percent":
        return re.sub(r"\s", "", text).replace("％", "%")
    return text


def _date_english(match: re.Match[str]) -> str | None:
    year, month, day, month2, day2 = match.groups()
    month = month or month2
    day = day or day2
    if month is not None and not 1 <= int(month) <= 12:
        return None
    if day is not None and not 1 <= int(day) <= 31:
        return None
    parts = [str(int(day))] if day else []
    if month:
        parts.append(_MONTHS[int(month) - 1])
    if year:
        parts.append(year)
    return " ".join(parts)


def _magnitude_english(number: str, unit: str) -> str | None:
    try:
        value = Decimal(number) * (Decimal(10_000) if unit == "万" else Decimal(100_000_000))
    except InvalidOperation:
        return None
    for size, word in ((Decimal(10) ** 9, "billion"), (Decimal(10) ** 6, "million")):
        if value >= size:
            return f"{_plain(value / size)} {word}"
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return _plain(value)


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def token(prefix: str, index: int) -> str:
    """The placeholder for slot `index`: prefix + two capital letters.

    >>> token("ZXQ", 0), token("ZXQ", 27)
    ('ZXQAA', 'ZXQBB')
    """
    return prefix + _LETTERS[index // 26] + _LETTERS[index % 26]


def choose_prefix(text: str) -> str:
    """The first placeholder prefix that does not already occur in `text`."""
    for prefix in PREFIXES:
        if prefix not in text.upper():
            return prefix
    return PREFIXES[0]


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    kind: SlotKind
    target: str
    term_id: str | None = None


def find_protected_spans(text: str) -> list[tuple[int, int, SlotKind, str]]:
    """Non-overlapping (start, end, kind, english) spans that a model must not touch.

    >>> find_protected_spans("增长4.3%，见 https://a.cn/x_y 。")
    [(2, 6, 'percent', '4.3%'), (9, 25, 'url', 'https://a.cn/x_y')]
    """
    spans = _pattern_spans(text, [])
    return [(s.start, s.end, s.kind, s.target) for s in spans]


def _pattern_spans(text: str, taken: list[_Span]) -> list[_Span]:
    chosen = list(taken)
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            start, end = m.start(), m.end()
            if kind == "url":
                while end > start and text[end - 1] in _URL_TRAILING:
                    end -= 1
            target = text[start:end] if kind == "url" else english_for(kind, m)
            if target is None or end <= start or _overlaps(chosen, start, end):
                continue
            chosen.append(_Span(start, end, kind, target))
    chosen.sort(key=lambda s: s.start)
    return chosen


def _overlaps(spans: list[_Span], start: int, end: int) -> bool:
    return any(s.start < end and start < s.end for s in spans)


def protect(text: str, *, terms: Sequence[TermSpan] = (), marks: Sequence[Mark] = (),
            patterns: bool = True, strategy: TermStrategy = "placeholder") -> Protected:
    """Replace protected spans by tokens (terms: token or inline English, per `strategy`).

    Marks that cover the whole text need no token; others get an opening and a closing token.

    >>> p = protect("粤港澳大湾区增长4.3%", terms=[TermSpan(0, 6, "Greater Bay Area", "gba")])
    >>> p.text
    'ZXQAA增长ZXQAB'
    >>> restore("The ZXQAA grew ZXQAB", p).text
    'The Greater Bay Area grew 4.3%'
    >>> protect("粤港澳大湾区", terms=[TermSpan(0, 6, "Greater Bay Area", "gba")], strategy="inline").text
    'Greater Bay Area'
    """
    prefix = choose_prefix(text)
    term_spans = [] if strategy == "none" else [
        _Span(t.start, t.end, "term", t.english, t.term_id)
        for t in sorted(terms, key=lambda t: (t.start, -(t.end - t.start)))
    ]
    accepted_terms: list[_Span] = []
    for span in term_spans:
        if span.end > span.start and not _overlaps(accepted_terms, span.start, span.end):
            accepted_terms.append(span)
    spans = _pattern_spans(text, accepted_terms) if patterns else sorted(accepted_terms,
                                                                         key=lambda s: s.start)
    whole, partial = _split_marks(text, marks)
    edges = _mark_edges(partial, spans)
    return _render(text, spans, edges, prefix, strategy, whole)


def _split_marks(text: str, marks: Sequence[Mark]) -> tuple[list[Mark], list[tuple[int, Mark]]]:
    lead = len(text) - len(text.lstrip())
    tail = len(text.rstrip())
    whole: list[Mark] = []
    partial: list[tuple[int, Mark]] = []
    for index, mark in enumerate(marks):
        if mark.end <= mark.start:
            continue
        if mark.start <= lead and mark.end >= tail:
            whole.append(mark)
        else:
            partial.append((index, mark))
    return whole, partial


@dataclass(frozen=True)
class _Edge:
    offset: int
    mark_index: int
    kind: Literal["mark-open", "mark-close"]


def _mark_edges(partial: list[tuple[int, Mark]], spans: list[_Span]) -> list[_Edge]:
    """Every mark edge, moved out of protected spans, closing edges first at one offset."""
    edges: list[_Edge] = []
    for index, mark in partial:
        start, end = mark.start, mark.end
        for s in spans:
            if s.start < start < s.end:
                start = s.start
            if s.start < end < s.end:
                end = s.end
        edges.append(_Edge(start, index, "mark-open"))
        edges.append(_Edge(end, index, "mark-close"))
    # closing edges before opening ones at the same offset keep adjacent marks apart
    edges.sort(key=lambda e: (e.offset, 0 if e.kind == "mark-close" else 1))
    return edges


def _render(text: str, spans: list[_Span], edges: list[_Edge], prefix: str,
            strategy: TermStrategy, whole: list[Mark]) -> Protected:
    out: list[str] = []
    slots: list[Slot] = []
    inline_terms: list[TermSpan] = []
    pos = 0
    events: list[tuple[int, int, _Span | _Edge]] = [(s.start, 1, s) for s in spans]
    events += [(e.offset, 0, e) for e in edges]
    events.sort(key=lambda e: (e[0], e[1]))
    for offset, _, item in events:
        if offset < pos:
            continue
        out.append(text[pos:offset])
        pos = offset
        if len(slots) >= MAX_SLOTS:
            continue
        if isinstance(item, _Edge):
            tok = token(prefix, len(slots))
            slots.append(Slot(tok, item.kind, "", "", mark_index=item.mark_index))
            out.append(tok)
        elif item.kind == "term" and strategy == "inline":
            here = sum(len(p) for p in out)
            inline_terms.append(TermSpan(here, here + len(item.target), item.target,
                                         item.term_id or ""))
            out.append(item.target)
            pos = item.end
        else:
            tok = token(prefix, len(slots))
            slots.append(Slot(tok, item.kind, text[item.start:item.end], item.target,
                              term_id=item.term_id))
            out.append(tok)
            pos = item.end
    out.append(text[pos:])
    return Protected("".join(out), slots, prefix, list(whole), inline_terms)


def _token_pattern(prefix: str) -> re.Pattern[str]:
    spaced = r"\s?".join(re.escape(c) for c in prefix)
    return re.compile(spaced + r"\s?([A-Z])\s?([A-Z])")


def restore(translated: str, protected: Protected, *, source_marks: Sequence[Mark] = ()) -> Restored:
    """Swap tokens back for their English and rebuild marks; report slots that went missing.

    `source_marks` are the marks given to `protect` (indexed by `Slot.mark_index`).
    """
    by_token = {s.token: s for s in protected.slots}
    out: list[str] = []
    length = 0
    seen: set[str] = set()
    opens: dict[int, int] = {}
    marks: list[Mark] = []
    pos = 0
    pattern = _token_pattern(protected.prefix)
    for m in pattern.finditer(translated):
        slot = by_token.get(protected.prefix + m.group(1) + m.group(2))
        if slot is None:
            continue
        chunk = translated[pos:m.start()]
        out.append(chunk)
        length += len(chunk)
        seen.add(slot.token)
        pos = m.end()
        if slot.kind in ("mark-open", "mark-close"):
            _record_mark(slot, length, opens, marks, source_marks)
            continue
        before = "".join(out[-2:])[-1:] if out else ""
        after = pattern.sub("", translated[pos:pos + 64])[:1]
        piece = _spaced(slot.target, before, after)
        out.append(piece)
        length += len(piece)
    out.append(translated[pos:])
    text = "".join(out)
    missing = [s for s in protected.slots if s.token not in seen]
    if text.strip():
        lead = len(text) - len(text.lstrip())
        for mark in protected.whole_marks:
            marks.append(mark.model_copy(update={"start": lead, "end": len(text.rstrip())}))
    marks.sort(key=lambda k: (k.start, k.end))
    return Restored(text, marks, missing)


def _record_mark(slot: Slot, offset: int, opens: dict[int, int], marks: list[Mark],
                 source_marks: Sequence[Mark]) -> None:
    index = slot.mark_index if slot.mark_index is not None else -1
    if slot.kind == "mark-open":
        opens.setdefault(index, offset)
        return
    start = opens.pop(index, None)
    if start is None or not 0 <= index < len(source_marks) or offset <= start:
        return
    marks.append(source_marks[index].model_copy(update={"start": start, "end": offset}))


def _spaced(target: str, before: str, after: str) -> str:
    """Add a space where Latin text would otherwise run into a neighbouring Latin word."""
    if target and before and before.isascii() and before.isalnum() and target[0].isascii() \
            and target[0].isalnum():
        target = " " + target
    if target and after and after.isascii() and after.isalnum() and target[-1].isascii() \
            and target[-1].isalnum():
        target = target + " "
    return target
