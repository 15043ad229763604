"""Read plain text (a paragraph per line, or hard-wrapped at a fixed column) into a Document.

It finds headings, lists, quotes, captions, credits and labels, and joins lines wrapped inside a
paragraph. Paragraphs cut across blank lines or page breaks are joined later by the
`join_broken_wraps` fix; punctuation and whitespace are left for the other fixes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..fixes import SENTENCE_FINAL, ends_sentence, gc_paused, is_han
from ..model import (
    Block,
    Caption,
    Credit,
    Diagnostic,
    Document,
    Heading,
    Label,
    ListItem,
    Mark,
    Meta,
    Paragraph,
    Quote,
    Raw,
    Rule,
    Source,
)

_BLANK_CHARS = " \t\f\v\r\u3000\u00a0\u200b\ufeff"
_STRIP = " \t\u3000\u00a0\ufeff\r"

_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})[ \t]*([^`\s]*)")
_ATX = re.compile(r"^(#{1,6})(?:[ \t]+(.*?))?[ \t]*$")
_ATX_CLOSING = re.compile(r"[ \t]+#+$")
_SECTION = re.compile(r"^>>+[ \t]*(\S.*)$")
_QUOTE = re.compile(r"^>(?!>)[ \t]?(.*)$")
_RULE_CHARS = frozenset("-—_*=~·•＊－=＝")
_BULLET = re.compile(r"^([ \t\u3000]*)([-*+•·▪●○◦■□◆◇])[ \t\u3000]+(\S.*)$")
_ARABIC_ITEM = re.compile(r"^([ \t\u3000]*)(\d{1,3})([.．、]|[)）])[ \t\u3000]*(?=[^\d\s])(.+)$")
_PAREN_ITEM = re.compile(
    r"^([ \t\u3000]*)([(（])(\d{1,3}|[一二三四五六七八九十百]{1,4})[)）][ \t\u3000]*(\S.*)$"
)
_HAN_ITEM = re.compile(r"^([ \t\u3000]*)([一二三四五六七八九十百]{1,4})[、．][ \t\u3000]*(\S.*)$")
_CIRCLED_ITEM = re.compile(r"^([ \t\u3000]*)([①-⑳])[ \t\u3000]*(\S.*)$")

_BYLINE_ONLY = re.compile(r"^[(（]([^()（）\n]{1,30})[)）]$")
_END_BYLINE = re.compile(
    r"([" + SENTENCE_FINAL + r"”」』])[ \t\u3000]*[(（]([^()（），,。\n]{1,20})[)）][ \t\u3000]*$"
)
_IMAGE_CREDIT = re.compile(
    r"^(?:图源|图片来源|图片提供|图片供稿|供图|摄影|图/|图／|图｜|图\||图片[:：]|"
    r"(?:photo|image|picture)s?(?: credit)?[:：]|photo by |credit[:：])",
    re.IGNORECASE,
)
_IMAGE_CREDIT_END = re.compile(r"(?:[ \t]摄|/摄|／摄|供图|摄影)$")
_SOURCE_CREDIT = re.compile(
    r"^(?:本报综合报道|综合报道|本报综合|综合自|素材来源|资料来源|信息来源|稿件来源|"
    r"来源[:：]|转载自|转自|source[:：]|sources[:：])",
    re.IGNORECASE,
)
_REPORTED_BY = re.compile(r"^据[^，,。]{1,20}报道$")
_PERSON_CREDIT = re.compile(
    r"^(本报记者|特约记者|记者|通讯员|实习生|文[/／|｜:：]|撰文|作者|编辑|责任编辑|责编|审核|校对|"
    r"编审|监制|出品|策划|by )[:：\s/／]?",
    re.IGNORECASE,
)
_CREDIT_ROLE = {
    "文": "author",
    "撰文": "author",
    "作者": "author",
    "by": "byline",
    "本报记者": "byline",
    "特约记者": "byline",
    "记者": "byline",
    "通讯员": "byline",
    "实习生": "byline",
}
_CAPTION_START = re.compile(r"^(?:图为|图[:：]|图片[:：]|▲|△|[上下左右]图[:：为]|图\d+[:：\s])")
_LEAD_IN = re.compile(
    r"^(本报讯|本报[^\s，,。]{1,6}电|新华社[^\s，,。]{1,10}电)(?:[(（]([^()（）]{1,30})[)）])?"
)
_LABELS = frozenset(
    [
        "链接",
        "相关链接",
        "新闻链接",
        "背景链接",
        "延伸阅读",
        "相关阅读",
        "相关新闻",
        "背景",
        "背景资料",
        "名词解释",
        "记者手记",
        "编者按",
        "短评",
        "点评",
        "评论",
        "图片新闻",
        "数说",
        "数读",
        "观察",
        "专家观点",
        "小贴士",
        "知多点",
        "Links",
        "Related",
        "Background",
    ]
)
_NUMERALS = {c: i for i, c in enumerate("零一二三四五六七八九十", start=0)}

_TITLE_MAX = 50
_CAPTION_MAX = 80
_CREDIT_MAX = 60
_LABEL_MAX = 8
_WRAP_MIN_COLUMNS = 40
_WRAP_MAX_COLUMNS = 240


# --------------------------------------------------------------------------- scanning
@dataclass
class _Piece:
    """A run of source lines that becomes one or more blocks."""

    kind: str  # plain, list, quote, heading, section, rule, raw, credit
    first: int  # 1-based line number
    lines: list[str] = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Proto:
    """A block before its final kind is decided from its neighbours."""

    kind: str
    text: str
    first: int
    last: int
    info: dict[str, Any] = field(default_factory=dict)


def _is_blank(line: str) -> bool:
    return not line.strip(_BLANK_CHARS)


def _is_rule(stripped: str) -> bool:
    compact = stripped.replace(" ", "")
    return len(compact) >= 3 and len(set(compact)) == 1 and compact[0] in _RULE_CHARS


def _list_match(line: str) -> dict[str, Any] | None:
    """Recognise a list item; return its marker details and text, or None."""
    if not line:
        return None
    m = _BULLET.match(line)
    if m:
        return {"indent": m.group(1), "marker": m.group(2), "text": m.group(3), "ordered": False}
    for pattern in (_ARABIC_ITEM, _HAN_ITEM, _CIRCLED_ITEM, _PAREN_ITEM):
        m = pattern.match(line)
        if m:
            break
    else:
        return None
    indent = m.group(1)
    if pattern is _ARABIC_ITEM:
        number: int | None = int(m.group(2))
        marker, text = m.group(2) + m.group(3), m.group(4)
    elif pattern is _PAREN_ITEM:
        number = _numeral(m.group(3))
        marker, text = m.group(2) + m.group(3) + ("）" if m.group(2) == "（" else ")"), m.group(4)
    elif pattern is _CIRCLED_ITEM:
        number = ord(m.group(2)) - ord("①") + 1
        marker, text = m.group(2), m.group(3)
    else:
        number = _numeral(m.group(2))
        marker, text = m.group(2) + "、", m.group(3)
    return {"indent": indent, "marker": marker, "text": text, "ordered": True, "number": number}


def _numeral(token: str) -> int | None:
    """Parse 1–99 written as Arabic or Chinese numerals.

    >>> _numeral("12"), _numeral("十二"), _numeral("二十"), _numeral("百")
    (12, 12, 20, None)
    """
    if token.isdigit():
        return int(token)
    if any(c not in _NUMERALS for c in token) or len(token) > 3:
        return None
    if "十" not in token:
        return _NUMERALS[token] if len(token) == 1 else None
    tens, _, units = token.partition("十")
    if "十" in units or len(tens) > 1 or len(units) > 1:
        return None
    return (_NUMERALS[tens] if tens else 1) * 10 + (_NUMERALS[units] if units else 0)


def _credit_role(stripped: str) -> str | None:
    """The credit role of a standalone line, or None if it is not a credit line."""
    if len(stripped) > _CREDIT_MAX * 2:
        return None
    m = _BYLINE_ONLY.match(stripped)
    if m:
        inner = m.group(1).strip()
        if _numeral(inner) is not None or not any(is_han(c) for c in inner):
            return None
        return "other" if inner in ("完", "终", "待续", "未完待续") else "byline"
    if len(stripped) > _CREDIT_MAX:
        return None
    if _IMAGE_CREDIT.match(stripped) or _IMAGE_CREDIT_END.search(stripped):
        return "image"
    if "。" in stripped[:-1]:
        return None
    if _SOURCE_CREDIT.match(stripped) or _REPORTED_BY.match(stripped):
        return "source"
    m = _PERSON_CREDIT.match(stripped)
    if m and "，" not in stripped:
        return _CREDIT_ROLE.get(m.group(1).strip().lower().rstrip("/／|｜:："), "other")
    return None


_LIST_FIRST = frozenset(" \t\u3000-*+•·▪●○◦■□◆◇0123456789一二三四五六七八九十百(（") | frozenset(
    chr(c) for c in range(ord("①"), ord("⑳") + 1)
)
_CREDIT_FIRST = frozenset("(（图本综素资信稿来转据特记通实文撰作编责审校监出策供摄pPiIcCsSbB")


def _maybe_credit(stripped: str) -> bool:
    """Cheap filter before the credit patterns: most lines are plainly not credits."""
    return len(stripped) <= _CREDIT_MAX * 2 and (
        stripped[0] in _CREDIT_FIRST or stripped.endswith(("摄", "供图", "摄影"))
    )


def _scan(lines: list[str], start: int, diagnostics: list[Diagnostic]) -> list[_Piece]:
    """Split lines into pieces: runs of plain lines, list items, headings, rules, code …"""
    pieces: list[_Piece] = []
    current: _Piece | None = None
    i = start
    n = len(lines)
    while i < n:
        line = lines[i]
        if _is_blank(line):
            current = None
            i += 1
            continue
        stripped = line.strip(_STRIP)
        lead = stripped[0]
        if lead in "`~":
            fence = _FENCE.match(line)
            if fence:
                i, piece = _read_fence(lines, i, fence, diagnostics)
                pieces.append(piece)
                current = None
                continue
        if lead == "#":
            m = _ATX.match(stripped)
            if m:
                text = _ATX_CLOSING.sub("", m.group(2) or "").strip(_STRIP)
                pieces.append(
                    _Piece("heading", i + 1, [text], {"level": len(m.group(1)), "marker": "#"})
                )
                current = None
                i += 1
                continue
        if lead == ">":
            m = _SECTION.match(stripped)
            if m:
                pieces.append(
                    _Piece("section", i + 1, [m.group(1).strip(_STRIP)], {"marker": ">>"})
                )
                current = None
                i += 1
                continue
            m = _QUOTE.match(stripped)
            if m and m.group(1).strip(_STRIP):
                if current is None or current.kind != "quote":
                    current = _Piece("quote", i + 1)
                    pieces.append(current)
                current.lines.append(m.group(1))
                i += 1
                continue
        if lead in _RULE_CHARS and _is_rule(stripped):
            if (
                lead in "=-－＝"
                and current is not None
                and current.kind == "plain"
                and len(current.lines) == 1
            ):
                current.kind = "heading"
                current.lines = [current.lines[0].strip(_STRIP)]
                current.info = {"level": 1 if lead in "=＝" else 2, "marker": "setext"}
            else:
                pieces.append(_Piece("rule", i + 1, [stripped]))
            current = None
            i += 1
            continue
        item = _list_match(line) if line[0] in _LIST_FIRST else None
        if item is not None:
            current = _Piece("list", i + 1, [item["text"]], item)
            pieces.append(current)
            i += 1
            continue
        role = _credit_role(stripped) if _maybe_credit(stripped) else None
        if role is not None:
            pieces.append(_Piece("credit", i + 1, [stripped], {"role": role}))
            current = None
            i += 1
            continue
        if current is None or current.kind == "quote":
            current = _Piece("plain", i + 1)
            pieces.append(current)
        current.lines.append(line)
        i += 1
    return pieces


def _read_fence(
    lines: list[str], i: int, fence: re.Match[str], diagnostics: list[Diagnostic]
) -> tuple[int, _Piece]:
    marker = fence.group(1)
    body: list[str] = []
    j = i + 1
    while j < len(lines):
        candidate = lines[j].strip()
        if candidate.startswith(marker[0] * len(marker)) and not candidate.strip(marker[0]):
            break
        body.append(lines[j])
        j += 1
    if j >= len(lines):
        diagnostics.append(
            Diagnostic(
                code="code-fence-unclosed",
                severity="warning",
                line=i + 1,
                message=f"code fence opened on line {i + 1} is never closed; "
                "the rest of the file was kept as code (add a closing "
                f"{marker} line)",
            )
        )
        end_line = len(lines)
    else:
        end_line = j + 1
    piece = _Piece("raw", i + 1, ["\n".join(body)], {"lang": fence.group(2), "last": end_line})
    return j + 1, piece


# --------------------------------------------------------------------------- hard wraps
_WIDE = re.compile(
    "[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
    "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6"
    "\U0001f300-\U0001f64f\U0001f900-\U0001f9ff\U00020000-\U0003fffd]+"
)


def _width(text: str) -> int:
    """Display columns: East Asian wide and full-width characters count 2, others 1.

    Ambiguous-width characters such as curly quotes count 1, as in wcwidth.

    >>> _width("大湾区AI“”")
    10
    """
    return len(text) + sum(map(len, _WIDE.findall(text)))


def _first_token(text: str) -> str:
    if not text:
        return ""
    if not text[0].isascii():
        return text[0]
    end = 0
    while end < len(text) and text[end].isascii() and not text[end].isspace():
        end += 1
    return text[:end] or text[0]


@dataclass
class _Wrap:
    """How the document was wrapped: measure (columns or characters) and the wrap width."""

    wrapped: bool
    width: int = 0
    by_columns: bool = True

    def measure(self, text: str) -> int:
        return _width(text) if self.by_columns else len(text)

    def is_soft(self, line: str, following: str) -> bool:
        """True when the break after `line` was made by the wrapper, not by the author."""
        if not self.wrapped:
            return False
        used = self.measure(line.rstrip())
        needed = self.measure(_first_token(following.lstrip(_STRIP)))
        return used + 1 + needed > self.width - 2


def _percentile(values: list[int], fraction: float) -> int:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def _estimate_wrap(pieces: list[_Piece]) -> _Wrap:
    """Decide whether the text is hard-wrapped at a fixed column, and at which.

    Wrapped text has many lines followed by more text without a blank line, most of them
    filled to about the same width, and few of them ending a sentence.
    """
    pairs: list[tuple[str, str]] = []
    for piece in pieces:
        if piece.kind in ("plain", "list", "quote") and len(piece.lines) > 1:
            pairs.extend(zip(piece.lines, piece.lines[1:]))
    if len(pairs) < 2:
        return _Wrap(False)
    best: _Wrap | None = None
    best_share = 0.0
    for by_columns in (True, False):
        sizes = [(_width if by_columns else len)(a.rstrip()) for a, _ in pairs]
        width = _percentile(sizes, 0.75)
        candidate = _Wrap(True, width, by_columns)
        soft = [a for a, b in pairs if candidate.is_soft(a, b)]
        share = len(soft) / len(pairs)
        if share > best_share:
            best, best_share = candidate, share
    if best is None or best_share < 0.5:
        return _Wrap(False)
    columns = _percentile([_width(a.rstrip()) for a, _ in pairs], 0.75)
    if not _WRAP_MIN_COLUMNS <= columns <= _WRAP_MAX_COLUMNS:
        return _Wrap(False)
    soft_lines = [a for a, b in pairs if best.is_soft(a, b)]
    sentence_ends = sum(1 for a in soft_lines if ends_sentence(a))
    if sentence_ends > len(soft_lines) / 2:
        return _Wrap(False)
    return best


class _Vocabulary:
    """Facts about the whole text, computed on first use: its English words (only needed when
    a hyphen ends a line) and whether it is mostly Chinese (only needed at Latin-Latin breaks)."""

    _WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")

    def __init__(self, text: str) -> None:
        self._text = text
        self._words: set[str] | None = None
        self._han_heavy: bool | None = None

    def __contains__(self, word: str) -> bool:
        if self._words is None:
            self._words = {w.lower() for w in self._WORD.findall(self._text)}
        return word.lower() in self._words

    def han_heavy(self) -> bool:
        if self._han_heavy is None:
            han = sum(map(len, _HAN_RUNS.findall(self._text)))
            latin = sum(map(len, _LATIN_RUNS.findall(self._text)))
            self._han_heavy = han * 2 > latin
        return self._han_heavy


_HYPHEN_BREAK = re.compile(r"([A-Za-z]+)-$")
_LEADING_WORD = re.compile(r"[A-Za-z]+")


def _join_wrapped(lines: list[str], wrap: _Wrap, vocabulary: _Vocabulary) -> str:
    """Join lines the wrapper broke: no space around CJK, a space between Latin words.

    A hyphen at a line end is dropped only when the joined word occurs elsewhere in the
    document and the hyphenated form does not (`inno-/vation`); otherwise it is a real hyphen
    (`Hong Kong-/Macao`, `well-/known`). A soft hyphen (U+00AD) at a line end is always dropped.
    In mostly-Chinese text a line filled to the wrap column was cut mid-word, so Latin halves join
    without a space (`Xbot Pa`/`rk`) unless the source kept a space at the break.
    """
    parts: list[str] = []
    prev = ""
    for raw in lines:
        line = raw.strip(_STRIP) if parts else raw.rstrip(_STRIP)
        if not line:
            continue
        if parts:
            parts.append(_junction(parts, prev, raw, line, wrap, vocabulary))
        parts.append(line)
        prev = raw
    return "".join(parts)


_HAN_RUNS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_LATIN_RUNS = re.compile(r"[A-Za-z]+")


def _junction(
    parts: list[str],
    prev_raw: str,
    next_raw: str,
    following: str,
    wrap: _Wrap,
    vocabulary: _Vocabulary,
) -> str:
    """What goes between the text so far (`parts`) and the next wrapped line `following`.

    May shorten the last part (a line-break hyphen or soft hyphen is removed).
    """
    before = parts[-1]
    if before.endswith("\u00ad"):
        parts[-1] = before[:-1]
        return ""
    last, first = before[-1], following[0]
    if _width(last) > 1 or _width(first) > 1:
        return ""
    if last == "-" and first.isalpha():
        hyphen = _HYPHEN_BREAK.search(before[-64:])
        word = _LEADING_WORD.match(following)
        if hyphen and word and first.islower():
            head, tail = hyphen.group(1), word.group(0)
            if f"{head}{tail}" in vocabulary and f"{head}-{tail}" not in vocabulary:
                parts[-1] = before[:-1]
        return ""
    had_space = prev_raw[-1:] in (" ", "\t") or next_raw[:1] in (" ", "\t")
    tail_token = before[-200:].rsplit(None, 1)[-1]
    if not had_space and ("://" in tail_token or tail_token.startswith("www.")):
        return ""
    filled = wrap.measure(prev_raw.rstrip(_STRIP)) >= wrap.width - 1
    if filled and not had_space and vocabulary.han_heavy():
        return ""
    return " "


def _split_piece(piece: _Piece, wrap: _Wrap, vocabulary: _Vocabulary) -> list[_Proto]:
    """Cut a run of lines into blocks at every break the wrapper did not make."""
    if piece.kind not in ("plain", "list", "quote"):
        return [
            _Proto(
                piece.kind,
                piece.lines[0],
                piece.first,
                piece.info.get("last", piece.first),
                dict(piece.info),
            )
        ]
    protos: list[_Proto] = []
    group: list[str] = [piece.lines[0]]
    group_first = piece.first
    kind = piece.kind
    for offset in range(1, len(piece.lines) + 1):
        at_end = offset == len(piece.lines)
        if not at_end and wrap.is_soft(piece.lines[offset - 1], piece.lines[offset]):
            group.append(piece.lines[offset])
            continue
        text = group[0] if len(group) == 1 else _join_wrapped(group, wrap, vocabulary)
        info = dict(piece.info) if kind == "list" else {}
        if len(group) > 1:
            info["wrapped_lines"] = len(group)
        protos.append(_Proto(kind, text, group_first, group_first + len(group) - 1, info))
        if not at_end:
            kind = "quote" if piece.kind == "quote" else "plain"
            group = [piece.lines[offset]]
            group_first = piece.first + offset
    return protos


# --------------------------------------------------------------------------- classification
def _title_like(text: str) -> bool:
    stripped = text.strip(_STRIP)
    return (
        0 < len(stripped) <= _TITLE_MAX
        and not ends_sentence(stripped)
        and not any(c in stripped for c in "。！？!?")
    )


def _caption_like(text: str) -> bool:
    stripped = text.strip(_STRIP)
    return 0 < len(stripped) <= _CAPTION_MAX and not any(c in stripped for c in "。！？!?；;")


def _classify(protos: list[_Proto]) -> None:
    """Give plain lines their kind from their neighbours (title, kicker, caption, label …)."""
    _mark_top_titles(protos)
    last = len(protos) - 1
    for i, proto in enumerate(protos):
        if proto.kind != "plain":
            continue
        text = proto.text.strip(_STRIP)
        after = protos[i + 1] if i < last else None
        before = protos[i - 1] if i > 0 else None
        if text in _LABELS or (
            len(text) <= 4
            and _title_like(text)
            and after is not None
            and after.kind in ("heading", "section")
        ):
            proto.kind = "label"
        elif (_CAPTION_START.match(text) and len(text) <= _CAPTION_MAX * 2) or (
            after is not None
            and after.kind == "credit"
            and after.info.get("role") == "image"
            and _caption_like(text)
        ):
            proto.kind = "caption"
        elif (
            after is not None
            and after.kind in ("heading", "section")
            and _title_like(text)
            and _may_precede_kicker(before)
        ):
            proto.kind = "heading"
            proto.info = {"role": "kicker", "level": _heading_level(after)}
        elif (
            after is None
            and before is not None
            and before.kind == "plain"
            and ends_sentence(before.text)
            and _caption_like(text)
            and not ends_sentence(text)
        ):
            proto.kind = "caption"
            proto.info = {"position": "end"}


def _may_precede_kicker(before: _Proto | None) -> bool:
    """A kicker starts a new article: it follows a finished paragraph, a credit or a rule."""
    if before is None or before.kind in ("credit", "rule", "caption", "label", "raw"):
        return True
    return before.kind == "plain" and ends_sentence(before.text)


def _heading_level(proto: _Proto) -> int:
    if proto.kind == "section":
        return 2
    level = proto.info.get("level", 2)
    return level if isinstance(level, int) and 1 <= level <= 6 else 2


def _mark_top_titles(protos: list[_Proto]) -> None:
    """Short unpunctuated lines before the first body paragraph are the title group."""
    top: list[int] = []
    atx: int | None = None
    for i, proto in enumerate(protos):
        if proto.kind == "heading" and atx is None:
            atx = i
            continue
        if proto.kind == "plain" and _title_like(proto.text) and len(top) < 3:
            top.append(i)
            continue
        break
    if not top:
        return
    if atx is None:
        protos[top[0]].kind = "heading"
        protos[top[0]].info = {"role": "title", "level": 1}
        rest = top[1:]
        title_level = 1
    else:
        title_level = _heading_level(protos[atx])
        rest = []
        for i in top:
            if i < atx:
                protos[i].kind = "heading"
                protos[i].info = {"role": "kicker", "level": title_level}
            else:
                rest.append(i)
    for i in rest:
        protos[i].kind = "heading"
        protos[i].info = {"role": "subtitle", "level": min(title_level + 1, 6)}


def _strong_marks(text: str) -> tuple[str, list[Mark]]:
    """Turn `**bold**` into a strong mark over plain text; unpaired `**` stays literal.

    >>> _strong_marks("**本报讯** 6月18日")
    ('本报讯 6月18日', [Mark(kind='strong', start=0, end=3, attrs={})])
    """
    if "**" not in text:
        return text, []
    positions: list[int] = []
    start = text.find("**")
    while start != -1:
        positions.append(start)
        start = text.find("**", start + 2)
    pairs = [
        (positions[k], positions[k + 1])
        for k in range(0, len(positions) - 1, 2)
        if positions[k + 1] > positions[k] + 2
    ]
    if not pairs:
        return text, []
    out: list[str] = []
    marks: list[Mark] = []
    pos = 0
    length = 0
    for open_at, close_at in pairs:
        out.append(text[pos:open_at])
        length += open_at - pos
        inner = text[open_at + 2 : close_at]
        out.append(inner)
        marks.append(Mark(kind="strong", start=length, end=length + len(inner)))
        length += len(inner)
        pos = close_at + 2
    out.append(text[pos:])
    return "".join(out), marks


def _paragraph_attrs(text: str, marks: list[Mark]) -> dict[str, Any]:
    attrs: dict[str, Any] = {}
    body = text.lstrip(_STRIP)
    lead = _LEAD_IN.match(body)
    if lead:
        attrs["lead_in"] = lead.group(1)
        if lead.group(2):
            attrs["byline"] = lead.group(2).strip()
        offset = len(text) - len(body)
        for m in marks:
            if m.kind == "strong" and m.start == offset:
                m.attrs["role"] = "lead-in"
    end = _END_BYLINE.search(text)
    if end and any(is_han(c) for c in end.group(2)) and end.group(2).strip() not in ("完", "终"):
        attrs["byline"] = end.group(2).strip()
    return attrs


def _to_block(proto: _Proto, block_id: str) -> Block:
    lines = (proto.first, max(proto.first, proto.last))
    kind = proto.kind
    info = proto.info
    if kind == "raw":
        attrs = {"lang": info["lang"]} if info.get("lang") else {}
        return Raw(id=block_id, text=proto.text, lines=lines, format="code", attrs=attrs)
    if kind == "rule":
        return Rule(id=block_id, lines=lines, attrs={"marker": proto.text})
    text, marks = _strong_marks(proto.text)
    if kind in ("heading", "section"):
        attrs = {k: v for k, v in info.items() if k in ("role", "marker")}
        if kind == "section":
            attrs["marker"] = ">>"
        return Heading(
            id=block_id,
            text=text,
            marks=marks,
            lines=lines,
            level=_heading_level(proto),
            attrs=attrs,
        )
    if kind == "list":
        indent = info.get("indent", "")
        depth = min(len(indent.replace("\t", "    ").replace("\u3000", "  ")) // 2, 8)
        attrs = {"marker": info.get("marker", "")}
        return ListItem(
            id=block_id,
            text=text,
            marks=marks,
            lines=lines,
            ordered=bool(info.get("ordered")),
            number=info.get("number"),
            depth=depth,
            attrs=attrs,
        )
    if kind == "quote":
        return Quote(id=block_id, text=text, marks=marks, lines=lines)
    if kind == "credit":
        return Credit(
            id=block_id, text=text, marks=marks, lines=lines, role=info.get("role", "other")
        )
    if kind == "caption":
        attrs = {"position": info["position"]} if info.get("position") else {}
        return Caption(id=block_id, text=text, marks=marks, lines=lines, attrs=attrs)
    if kind == "label":
        return Label(id=block_id, text=text, marks=marks, lines=lines)
    attrs = _paragraph_attrs(text, marks)
    if info.get("wrapped_lines"):
        attrs["wrapped_lines"] = info["wrapped_lines"]
    return Paragraph(id=block_id, text=text, marks=marks, lines=lines, attrs=attrs)


def _empty_sections(blocks: list[Block]) -> list[Diagnostic]:
    """Headings whose section is empty: the next block is a heading of the same or higher rank,
    or nothing but headings follow until the end (typical of page ends in newspaper text)."""
    found: list[Diagnostic] = []
    only_headings_after = True
    for i in range(len(blocks) - 1, -1, -1):
        block = blocks[i]
        if not isinstance(block, Heading):
            only_headings_after = False
            continue
        if block.attrs.get("role") in ("kicker", "subtitle"):
            continue
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        empty = only_headings_after or (
            isinstance(nxt, Heading)
            and nxt.level <= block.level
            and nxt.attrs.get("role") != "subtitle"
        )
        if empty:
            found.append(
                Diagnostic(
                    code="heading-empty-section",
                    severity="warning",
                    block_id=block.id,
                    line=block.lines[0] if block.lines else None,
                    message=f"heading {block.text[:40]!r} has no text under it (often a "
                    "page-end heading in newspaper text); check the source page",
                )
            )
    found.reverse()
    return found


# --------------------------------------------------------------------------- front matter
_FRONT_OPENER = re.compile(r"\s*(?:---|\+\+\+)[ \t]*\n")


def _front_matter(text: str, diagnostics: list[Diagnostic]) -> tuple[Meta, int, _Piece | None]:
    """Meta from a leading YAML/TOML block, the lines it used, and the block kept as raw text
    when it could not be parsed (never dropped)."""
    if not _FRONT_OPENER.match(text):
        return Meta(), 0, None
    from ._frontmatter import meta_from_front_matter, split_front_matter

    data, _, found, consumed = split_front_matter(text)
    diagnostics.extend(found)
    if data is not None:
        return meta_from_front_matter(data), consumed, None
    if not consumed:
        return Meta(), 0, None
    lines = text.split("\n", consumed)[:consumed]
    first = next((i for i, line in enumerate(lines) if line.strip()), 0)
    raw = _Piece(
        "raw", first + 1, ["\n".join(lines[first:])], {"lang": "frontmatter", "last": consumed}
    )
    return Meta(), consumed, raw


# --------------------------------------------------------------------------- entry point
_SURROGATE = re.compile("[\ud800-\udfff]")


def read_text(text: str, source: Source | None = None) -> Document:
    """Read plain text into a Document; never raises on any str.

    >>> doc = read_text("标题\\n\\n正文第一段。\\n\\n(岳宗)\\n")
    >>> [(b.kind, b.text) for b in doc.blocks]
    [('heading', '标题'), ('paragraph', '正文第一段。'), ('credit', '(岳宗)')]
    """
    with gc_paused():
        return _read(text, source)


def _read(text: str, source: Source | None) -> Document:
    diagnostics: list[Diagnostic] = []
    if _SURROGATE.search(text):
        text = _SURROGATE.sub("\ufffd", text)
        diagnostics.append(
            Diagnostic(
                code="text-surrogates",
                severity="warning",
                message="the text held unpaired surrogate code points; each was replaced "
                "by U+FFFD (decode the file with the right encoding to avoid this)",
            )
        )
    meta, skip, raw_front = _front_matter(text, diagnostics)
    lines = text.split("\n")
    pieces = _scan(lines, skip, diagnostics)
    if raw_front is not None:
        pieces.insert(0, raw_front)
    wrap = _estimate_wrap(pieces)
    if wrap.wrapped:
        unit = "columns" if wrap.by_columns else "characters"
        diagnostics.append(
            Diagnostic(
                code="hard-wrap-detected",
                severity="info",
                message=f"lines look hard-wrapped at about {wrap.width} {unit}; wrapped lines "
                "were joined into paragraphs",
                data={"width": wrap.width, "unit": unit},
            )
        )
    vocabulary = _Vocabulary(text)
    protos = [proto for piece in pieces for proto in _split_piece(piece, wrap, vocabulary)]
    _classify(protos)
    blocks = [_to_block(proto, f"b{k:04d}") for k, proto in enumerate(protos, start=1)]
    diagnostics.extend(_empty_sections(blocks))
    _fill_meta(meta, blocks)
    src = source.model_copy() if source is not None else Source()
    if src.format is None:
        src.format = "text"
    return Document(meta=meta, source=src, blocks=blocks, diagnostics=diagnostics)


def _fill_meta(meta: Meta, blocks: list[Block]) -> None:
    for block in blocks:
        if not isinstance(block, Heading):
            continue
        role = block.attrs.get("role")
        if role == "subtitle" and meta.subtitle is None:
            meta.subtitle = block.text
        elif role == "kicker":
            meta.extra.setdefault("kicker", block.text)
        elif meta.title is None and block.text:
            meta.title = block.text
