"""Inline text and styling shared by the HTML and Markdown readers: text plus `Mark`s.

Maps inline tags and styles (`<strong>`, `<font color>`, `<span style="background:…">` …) to
mark kinds, collapses HTML whitespace without ever putting a space between two Chinese
characters, and recognises credit lines (source, author). It does not parse HTML itself.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any

from ..model import Mark

_HTML_SPACE = " \t\n\r\f"
_EDGE_SPACE = " \t\n\r\f\u3000\xa0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f"
_SPACE_RUN = re.compile(r"[ \t\n\r\f]+")
_WIDE = re.compile(
    "[\u1100-\u11ff\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u31ff\u3200-\u4dbf"
    "\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
    "\U00020000-\U0003ffff]"
)
_AMBIGUOUS = frozenset("“”‘’—…·")


def is_wide(ch: str) -> bool:
    """True for CJK characters and CJK/full-width punctuation.

    >>> is_wide("中"), is_wide("，"), is_wide("a")
    (True, True, False)
    """
    return bool(_WIDE.match(ch))


def joins_without_space(left: str, right: str) -> bool:
    """Whether a line break between `left` and `right` disappears (Chinese on both sides).

    >>> joins_without_space("区", "科"), joins_without_space("。", "“"), joins_without_space("a", "中")
    (True, True, False)
    """
    lw, rw = is_wide(left), is_wide(right)
    if lw and rw:
        return True
    return (lw and right in _AMBIGUOUS) or (rw and left in _AMBIGUOUS)


# --------------------------------------------------------------------------- tag → marks
_STYLE_DECL = re.compile(r"([a-zA-Z-]+)\s*:\s*([^;]+)")
_CODE_TAGS = frozenset({"code", "kbd", "samp", "tt", "var"})
_SIMPLE_MARKS: dict[str, str] = {
    "strong": "strong", "b": "strong",
    "em": "emphasis", "i": "emphasis", "cite": "emphasis", "dfn": "emphasis",
    "mark": "highlight",
    "u": "underline", "ins": "underline",
    "s": "strike", "del": "strike", "strike": "strike",
    "sup": "superscript", "sub": "subscript",
}
_UNSAFE_HREF = re.compile(r"\s*(?:javascript|vbscript|data):", re.IGNORECASE)


def style_declarations(style: str) -> dict[str, str]:
    """Parse an inline `style` attribute into lower-case property → value.

    >>> style_declarations("background:#fff88f; COLOR: #ff0000")
    {'background': '#fff88f', 'color': '#ff0000'}
    """
    return {m.group(1).lower(): m.group(2).strip() for m in _STYLE_DECL.finditer(style or "")}


def marks_for_tag(tag: str, attrs: dict[str, str]) -> list[tuple[str, dict[str, str]]]:
    """The mark kinds (with attrs) an inline element stands for; [] for plain wrappers.

    >>> marks_for_tag("span", {"style": "background:#fff88f"})
    [('highlight', {'background': '#fff88f'})]
    >>> marks_for_tag("font", {"color": "#ff0000"})
    [('emphasis', {'color': '#ff0000'})]
    >>> marks_for_tag("a", {"href": "https://example.org", "title": "t"})
    [('link', {'href': 'https://example.org', 'title': 't'})]
    """
    out: list[tuple[str, dict[str, str]]] = []
    if tag in _SIMPLE_MARKS:
        out.append((_SIMPLE_MARKS[tag], {}))
    elif tag in _CODE_TAGS:
        out.append(("code", {}))
    elif tag == "a":
        href = (attrs.get("href") or "").strip()
        if href and not _UNSAFE_HREF.match(href):
            link = {"href": href}
            if attrs.get("title"):
                link["title"] = attrs["title"]
            out.append(("link", link))
    elif tag == "font" and attrs.get("color"):
        out.append(("emphasis", {"color": attrs["color"].strip()}))
    out.extend(_marks_for_style(tag, style_declarations(attrs.get("style", ""))))
    return out


def _marks_for_style(tag: str, decl: dict[str, str]) -> list[tuple[str, dict[str, str]]]:
    out: list[tuple[str, dict[str, str]]] = []
    background = decl.get("background-color") or decl.get("background")
    if background and not _is_plain_background(background):
        out.append(("highlight", {"background": background}))
    color = decl.get("color")
    if color and tag != "font":
        out.append(("emphasis", {"color": color}))
    weight = decl.get("font-weight", "").lower()
    if tag not in ("strong", "b") and (weight in ("bold", "bolder") or weight[:1] in "6789" and weight.isdigit()):
        out.append(("strong", {}))
    if tag not in ("em", "i") and decl.get("font-style", "").lower() in ("italic", "oblique"):
        out.append(("emphasis", {}))
    return out


def _is_plain_background(value: str) -> bool:
    """Backgrounds that are no highlight: white, transparent, none, inherit, images."""
    v = value.lower().replace(" ", "").replace("!important", "")
    return v in {"", "none", "transparent", "inherit", "initial", "unset", "white", "#fff",
                 "#ffffff", "rgb(255,255,255)", "rgba(0,0,0,0)"} or v.startswith("url(")


# --------------------------------------------------------------------------- builder
@dataclass
class _Open:
    kind: str
    attrs: dict[str, str]
    start: int


@dataclass
class InlineText:
    """Text and marks of one block, with the source lines its visible text came from."""

    text: str
    marks: list[Mark]
    first_line: int | None = None
    last_line: int | None = None


@dataclass
class InlineBuilder:
    """Accumulates inline text and marks; whitespace is collapsed as a browser would.

    A whitespace run becomes one space, except that a run containing a line break between
    two Chinese characters disappears. Marks still open at `finish` continue into the next
    block, as a `<span>` wrapping several paragraphs does.

    >>> b = InlineBuilder()
    >>> b.add_text("粤港澳\\n  大湾区 ")
    >>> t = b.open("strong", {}); b.add_text("科学论坛"); b.close(t)
    >>> r = b.finish(); r.text, [(m.kind, m.start, m.end) for m in r.marks]
    ('粤港澳大湾区 科学论坛', [('strong', 7, 11)])
    """

    parts: list[str] = field(default_factory=list)
    length: int = 0
    last_char: str = ""
    pending_space: str = ""
    pending_line: int = 0
    marks: list[Mark] = field(default_factory=list)
    open_marks: list[_Open] = field(default_factory=list)
    first_line: int | None = None
    last_line: int | None = None
    _unstarted: bool = False

    def add_text(self, text: str, line: int = 0) -> None:
        """Append source text that starts on source line `line`, collapsing whitespace."""
        if not text:
            return
        pos = 0
        for m in _SPACE_RUN.finditer(text):
            if m.start() > pos:
                self._emit(text[pos : m.start()], line + text.count("\n", 0, pos),
                           line + text.count("\n", 0, m.start()))
            self._pend(m.group(0))
            pos = m.end()
        if pos < len(text):
            start_line = line + text.count("\n", 0, pos)
            self._emit(text[pos:], start_line, start_line)

    def _pend(self, space: str) -> None:
        if self.pending_space and "\n" in self.pending_space:
            return
        self.pending_space = space

    def _emit(self, chunk: str, line: int, end_line: int) -> None:
        if self.pending_space:
            if self.length and self.last_char != "\n":
                broken = "\n" in self.pending_space
                if not (broken and joins_without_space(self.last_char, chunk[0])):
                    self._append(" ")
            self.pending_space = ""
        self._start_marks()
        self._append(chunk)
        if chunk.strip(_EDGE_SPACE):
            if self.first_line is None:
                self.first_line = line
            self.last_line = max(end_line, self.last_line or end_line)

    def _append(self, chunk: str) -> None:
        self.parts.append(chunk)
        self.length += len(chunk)
        self.last_char = chunk[-1]

    def newline(self) -> None:
        """A `<br>`: a line break inside the block; surrounding whitespace is dropped."""
        self.pending_space = ""
        if self.length:
            self._append("\n")

    def open(self, kind: str, attrs: dict[str, str]) -> _Open:
        """Start a mark; it begins at the next visible character, not at pending whitespace."""
        token = _Open(kind, attrs, -1)
        self.open_marks.append(token)
        self._unstarted = True
        return token

    def _start_marks(self) -> None:
        if self._unstarted:
            for token in self.open_marks:
                if token.start < 0:
                    token.start = self.length
            self._unstarted = False

    def close(self, token: _Open) -> None:
        if token in self.open_marks:
            self.open_marks.remove(token)
            if token.start >= 0:
                self._add_mark(token.kind, token.attrs, token.start, self.length)

    def _add_mark(self, kind: str, attrs: dict[str, str], start: int, end: int) -> None:
        if end > start:
            self.marks.append(Mark(kind=kind, start=start, end=end, attrs=dict(attrs)))  # type: ignore[arg-type]

    def has_content(self) -> bool:
        return bool("".join(self.parts).strip(_EDGE_SPACE))

    def finish(self) -> InlineText:
        """Return the block's text and marks, then reset for the next block."""
        for token in self.open_marks:
            if token.start >= 0:
                self._add_mark(token.kind, token.attrs, token.start, self.length)
        raw = "".join(self.parts)
        text, marks = tidy(raw, self.marks)
        result = InlineText(text, marks, self.first_line, self.last_line)
        self.parts, self.length, self.last_char, self.pending_space = [], 0, "", ""
        self.marks = []
        for token in self.open_marks:
            token.start = -1
        self._unstarted = bool(self.open_marks)
        self.first_line = self.last_line = None
        return result


# --------------------------------------------------------------------------- tidy text + marks
_LINE_EDGES = re.compile(r"[ \t\u3000\xa0\u2000-\u200a]+(?=\n)|(?<=\n)[ \t\u3000\xa0\u2000-\u200a]+")


def tidy(text: str, marks: list[Mark]) -> tuple[str, list[Mark]]:
    """Strip the block's edges (spaces, ideographic indent `\\u3000\\u3000`, NBSP) and the
    spaces around inner line breaks; shift, merge and sort marks to match.

    >>> t, m = tidy("\\u3000\\u3000科技是第一生产力。", [Mark(kind="highlight", start=2, end=11)])
    >>> t, (m[0].start, m[0].end)
    ('科技是第一生产力。', (0, 9))
    """
    cuts: list[tuple[int, int]] = []
    lead = len(text) - len(text.lstrip(_EDGE_SPACE))
    trail = len(text.rstrip(_EDGE_SPACE))
    if lead >= trail:
        return "", []
    if lead:
        cuts.append((0, lead))
    cuts.extend(m.span() for m in _LINE_EDGES.finditer(text, lead, trail))
    if trail < len(text):
        cuts.append((trail, len(text)))
    new_text, mapper = _cut(text, cuts)
    moved = [m.model_copy(update={"start": mapper(m.start), "end": mapper(m.end)}) for m in marks]
    return new_text, merge_marks([m for m in moved if m.end > m.start])


def _cut(text: str, cuts: list[tuple[int, int]]) -> tuple[str, Any]:
    cuts = sorted(c for c in cuts if c[1] > c[0])
    merged: list[list[int]] = []
    for a, b in cuts:
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    starts = [a for a, _ in merged]
    removed_before: list[int] = []
    total = 0
    for a, b in merged:
        removed_before.append(total)
        total += b - a
    pieces, pos = [], 0
    for a, b in merged:
        pieces.append(text[pos:a])
        pos = b
    pieces.append(text[pos:])

    def mapper(offset: int) -> int:
        i = bisect.bisect_right(starts, offset) - 1
        if i < 0:
            return offset
        a, b = merged[i]
        if offset < b:
            return a - removed_before[i]
        return offset - removed_before[i] - (b - a)

    return "".join(pieces), mapper


def merge_marks(marks: list[Mark]) -> list[Mark]:
    """Join touching or overlapping marks of the same kind and attrs; sort by position.

    >>> [(m.start, m.end) for m in merge_marks([Mark(kind="emphasis", start=0, end=2),
    ...                                          Mark(kind="emphasis", start=2, end=5)])]
    [(0, 5)]
    """
    keyed = sorted(marks, key=lambda m: (m.kind, sorted(m.attrs.items()), m.start, -m.end))
    out: list[Mark] = []
    for m in keyed:
        prev = out[-1] if out else None
        if prev and prev.kind == m.kind and prev.attrs == m.attrs and m.start <= prev.end:
            if m.end > prev.end:
                out[-1] = prev.model_copy(update={"end": m.end})
            continue
        out.append(m)
    return sorted(out, key=lambda m: (m.start, -m.end, m.kind, sorted(m.attrs.items())))


# --------------------------------------------------------------------------- block judgements
_SENTENCE_END = frozenset("。！？；：.!?;:，,、")
BOLD_HEADING_LEVEL = 3
"""Level given to a paragraph that is bold from end to end (seed 004's section titles; seed
001 writes the same titles as `###`)."""
BOLD_HEADING_MAX_CHARS = 60


def is_bold_heading(text: str, marks: list[Mark]) -> bool:
    """A short, single-line paragraph that is bold throughout and ends without punctuation.

    >>> is_bold_heading("推动粤港澳科技创新合作成为共识", [Mark(kind="strong", start=0, end=15)])
    True
    >>> is_bold_heading("注意：", [Mark(kind="strong", start=0, end=3)])
    False
    """
    if not text or "\n" in text or len(text) > BOLD_HEADING_MAX_CHARS:
        return False
    if text[-1] in _SENTENCE_END:
        return False
    return any(m.kind == "strong" and m.start == 0 and m.end >= len(text) for m in marks)


_SOURCE_LINK_WORDS = frozenset(
    {"原文链接", "原文", "阅读原文", "原文地址", "查看原文", "来源", "出处", "source",
     "original", "original article", "read the original"}
)
_SOURCE_PREFIX = re.compile(r"(?:来源|出处|转载自|原文链接|原文地址|source|from)\s*[:：]\s*",
                            re.IGNORECASE)
_CREDIT_LINE = re.compile(
    r"(?P<key>作者|作\s*者|文|撰文|编辑|责任编辑|责编|审核|author|by|editor|url|链接|网址|"
    r"原文链接|原文|来源|出处|source|link)\s*[:：]\s*(?P<value>\S.*)$",
    re.IGNORECASE,
)
_URL = re.compile(r"https?://[^\s<>\"'）)】]+")
_AUTHOR_KEYS = frozenset({"作者", "作 者", "文", "撰文", "author", "by"})
_URL_KEYS = frozenset({"url", "链接", "网址", "原文链接", "原文", "link"})
_SOURCE_KEYS = frozenset({"来源", "出处", "source"})


@dataclass
class CreditInfo:
    """What a credit line says: its role and the metadata it carries."""

    role: str
    author: str | None = None
    author_url: str | None = None
    source_name: str | None = None
    urls: list[str] = field(default_factory=list)
    """URLs of the item itself (original article / page), first = best."""


def classify_credit(text: str, marks: list[Mark]) -> CreditInfo | None:
    """Recognise a quoted source line or an author/URL block; None for ordinary quotes.

    >>> c = classify_credit("粤港澳大湾区门户网 原文链接",
    ...     [Mark(kind="link", start=10, end=14, attrs={"href": "https://mp.weixin.qq.com/s/x"})])
    >>> c.role, c.source_name, c.urls
    ('source', '粤港澳大湾区门户网', ['https://mp.weixin.qq.com/s/x'])
    >>> c = classify_credit("作者: t0ur1st\\nURL: https://a.io/p/", [Mark(kind="link", start=4,
    ...     end=11, attrs={"href": "https://github.com/tyd2000"})])
    >>> c.role, c.author, c.author_url, c.urls
    ('author', 't0ur1st', 'https://github.com/tyd2000', ['https://a.io/p/'])
    """
    if not text or len(text) > 500:
        return None
    lines = text.split("\n")
    if all(_CREDIT_LINE.match(line.strip()) for line in lines):
        return _credit_from_lines(text, lines, marks)
    return _source_credit(text, marks)


def _credit_from_lines(text: str, lines: list[str], marks: list[Mark]) -> CreditInfo:
    info = CreditInfo(role="other")
    offset = 0
    for line in lines:
        m = _CREDIT_LINE.match(line.strip())
        assert m is not None
        key = re.sub(r"\s+", " ", m.group("key").lower())
        value = m.group("value").strip()
        start = offset + line.index(m.group("value"))
        link = _link_in(marks, start, start + len(value))
        url_in_text = _URL.search(value)
        if key in _AUTHOR_KEYS:
            info.role = "author"
            info.author = info.author or _URL.sub("", value).strip() or value
            info.author_url = info.author_url or link
        elif key in _URL_KEYS:
            found = link or (url_in_text.group(0) if url_in_text else None)
            if found:
                info.urls.append(found)
        elif key in _SOURCE_KEYS:
            info.role = "source" if info.role == "other" else info.role
            info.source_name = info.source_name or _URL.sub("", value).strip() or None
            if link:
                info.urls.append(link)
        offset += len(line) + 1
    if info.role == "other" and info.urls:
        info.role = "source"
    return info


def _source_credit(text: str, marks: list[Mark]) -> CreditInfo | None:
    if "\n" in text:
        return None
    for m in marks:
        if m.kind != "link":
            continue
        label = text[m.start : m.end].strip().lower()
        if label in _SOURCE_LINK_WORDS:
            around = (text[: m.start] + text[m.end :]).strip(" :：|-—·")
            name = _SOURCE_PREFIX.sub("", around).strip() or None
            return CreditInfo(role="source", source_name=name, urls=[m.attrs["href"]])
    prefix = _SOURCE_PREFIX.match(text)
    if prefix:
        rest = text[prefix.end() :]
        url = _URL.search(rest)
        links = [m.attrs["href"] for m in marks if m.kind == "link"]
        return CreditInfo(role="source", source_name=_URL.sub("", rest).strip() or None,
                          urls=links or ([url.group(0)] if url else []))
    return None


def _link_in(marks: list[Mark], start: int, end: int) -> str | None:
    for m in marks:
        if m.kind == "link" and m.start < end and m.end > start:
            return m.attrs.get("href")
    return None
