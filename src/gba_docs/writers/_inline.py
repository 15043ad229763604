"""Inline marks → properly nested runs → CommonMark-safe Markdown or escaped HTML.

Overlapping marks are split into nested runs; emphasis delimiters that CommonMark would not
accept next to CJK punctuation are moved off the punctuation or fall back to inline HTML.
It knows nothing about blocks, files or front matter.
"""

from __future__ import annotations

import html
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from ..model import Mark

# Illegal in XML 1.0 and useless in any text output: C0 controls except tab/LF/CR, DEL is kept
# (legal XML), U+FFFE/U+FFFF and lone surrogates.
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

# Outer kinds first: a link holds formatting, code is always innermost (its text is literal).
_KIND_RANK: dict[str, int] = {
    "link": 0, "term": 1, "highlight": 1, "strong": 2, "emphasis": 3, "strike": 4,
    "underline": 5, "superscript": 6, "subscript": 7, "code": 9,
}
_DELIMITERS: dict[str, str] = {"strong": "**", "emphasis": "*", "highlight": "==", "strike": "~~"}
_HTML_TAGS: dict[str, str] = {
    "strong": "strong", "emphasis": "em", "highlight": "mark", "strike": "del",
    "underline": "u", "superscript": "sup", "subscript": "sub", "code": "code",
}
_SAFE_SCHEMES = ("http:", "https:", "mailto:", "ftp:", "tel:")


def strip_illegal_chars(text: str) -> str:
    """Drop characters that XML 1.0 forbids (and that no output format wants).

    >>> strip_illegal_chars("a\\x00b\\x1bc\\td\\ufffe")
    'abc\\td'
    """
    return _ILLEGAL_XML.sub("", text)


def xml_escape(text: str, quote: bool = True) -> str:
    """Escape `&`, `<`, `>` (and `"` when quoting) for XML/HTML; fast for long text.

    >>> xml_escape('a<b>&"c"]]>')
    'a&lt;b&gt;&amp;&quot;c&quot;]]&gt;'
    """
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;") if quote and '"' in text else text


# --------------------------------------------------------------------------- nesting
@dataclass
class Element:
    """One properly nested run of a mark; a mark split by an overlap gives several."""

    kind: str
    attrs: dict[str, str]
    children: list[Node] = field(default_factory=list)
    uid: int = 0


Node = str | Element


def copy_tree(nodes: Sequence[Node]) -> list[Node]:
    """A fresh copy of a run tree (resolving edits the tree it is given)."""
    return [n if isinstance(n, str) else Element(n.kind, n.attrs, copy_tree(n.children), n.uid)
            for n in nodes]


@dataclass(frozen=True)
class _Span:
    kind: str
    start: int
    end: int
    attrs: tuple[tuple[str, str], ...]
    order: int


class SpanLike(Protocol):
    """A `Mark`, or any object with the same four fields (the HTML writer adds glossary terms)."""

    @property
    def kind(self) -> str: ...

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...

    @property
    def attrs(self) -> dict[str, str]: ...


def _normalise(text: str, marks: Iterable[SpanLike]) -> list[_Span]:
    """Clip marks to the text, merge overlapping marks of the same kind, keep links apart."""
    n = len(text)
    spans: list[_Span] = []
    for i, m in enumerate(marks):
        start, end = min(m.start, n), min(m.end, n)
        if end > start and m.kind in _KIND_RANK:
            spans.append(_Span(m.kind, start, end, tuple(sorted(m.attrs.items())), i))
    spans.sort(key=lambda s: (s.kind, s.start, -s.end))
    merged: list[_Span] = []
    for s in spans:
        prev = merged[-1] if merged else None
        if prev and prev.kind == s.kind and s.start <= prev.end:
            if s.kind in ("link", "term") and s.attrs != prev.attrs:
                # links (and glossary terms) cannot nest: the later one keeps only the rest
                if s.end > prev.end:
                    merged.append(_Span(s.kind, prev.end, s.end, s.attrs, s.order))
                continue
            if s.end > prev.end:
                merged[-1] = _Span(prev.kind, prev.start, s.end, prev.attrs, prev.order)
            continue
        merged.append(s)
    return merged


def nest(text: str, marks: Sequence[SpanLike]) -> list[Node]:
    """Split `text` into a tree of properly nested runs.

    >>> nest("abcdef", [Mark(kind="strong", start=0, end=4), Mark(kind="emphasis", start=2, end=6)])
    ... # doctest: +NORMALIZE_WHITESPACE
    [Element(kind='strong', attrs={}, children=['ab', Element(kind='emphasis', attrs={},
      children=['cd'], uid=2)], uid=1), Element(kind='emphasis', attrs={}, children=['ef'], uid=3)]
    """
    spans = _normalise(text, marks)
    if not spans:
        return [text] if text else []
    cuts = sorted({0, len(text), *(s.start for s in spans), *(s.end for s in spans)})
    root: list[Node] = []
    stack: list[tuple[_Span, Element]] = []
    uid = 0

    def key(s: _Span) -> tuple[bool, int, int, int, int]:
        return (s.kind == "code", s.start, -s.end, _KIND_RANK[s.kind], s.order)

    for a, b in itertools.pairwise(cuts):
        wanted = sorted((s for s in spans if s.start <= a and s.end >= b), key=key)
        depth = 0
        while depth < len(stack) and depth < len(wanted) and stack[depth][0] is wanted[depth]:
            depth += 1
        del stack[depth:]
        for s in wanted[depth:]:
            uid += 1
            el = Element(s.kind, dict(s.attrs), [], uid)
            (stack[-1][1].children if stack else root).append(el)
            stack.append((s, el))
        (stack[-1][1].children if stack else root).append(text[a:b])
    return root


# --------------------------------------------------------------------------- HTML
def safe_href(href: str) -> str | None:
    """The link target if it cannot run code (no javascript:/data:), else None.

    >>> safe_href("https://example.org/a?b=1"), safe_href(" JavaScript:alert(1)")
    ('https://example.org/a?b=1', None)
    """
    target = strip_illegal_chars(href).strip()
    scheme = re.match(r"^([A-Za-z][A-Za-z0-9+.\-]*):", re.sub(r"[\s\x00-\x20]", "", target))
    if scheme and not target.lower().startswith(_SAFE_SCHEMES):
        return None
    return target


def render_html(nodes: Sequence[Node]) -> str:
    """Escaped HTML for nested runs; link targets that could run code are dropped.

    >>> render_html(nest("<b>&", [Mark(kind="strong", start=0, end=3)]))
    '<strong>&lt;b&gt;</strong>&amp;'
    """
    out: list[str] = []
    for node in nodes:
        if isinstance(node, str):
            out.append(html.escape(strip_illegal_chars(node), quote=False))
            continue
        inner = render_html(node.children)
        if node.kind == "link":
            href = safe_href(node.attrs.get("href", ""))
            if href is None:
                out.append(inner)
                continue
            title = node.attrs.get("title")
            title_attr = f' title="{html.escape(strip_illegal_chars(title))}"' if title else ""
            out.append(f'<a href="{html.escape(href)}"{title_attr} rel="noopener noreferrer">'
                       f"{inner}</a>")
        elif node.kind == "term":
            title = html.escape(strip_illegal_chars(node.attrs.get("title", "")))
            term = html.escape(strip_illegal_chars(node.attrs.get("term", "")))
            out.append(f'<span class="term" title="{title}" data-term="{term}">{inner}</span>')
        else:
            tag = _HTML_TAGS[node.kind]
            out.append(f"<{tag}>{inner}</{tag}>")
    return "".join(out)


def marks_to_html(text: str, marks: Sequence[SpanLike]) -> str:
    """Shortcut: `render_html(nest(text, marks))`, with a fast path for unmarked text."""
    if not marks:
        return html.escape(strip_illegal_chars(text), quote=False)
    return render_html(nest(text, marks))


# --------------------------------------------------------------------------- Markdown
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>~=|])|&(?=#?[0-9A-Za-z]+;)")
_MD_NEWLINE = re.compile(r"[ \t]*\r?\n[ \t]*")
_LINE_START_SPACE = re.compile(r"(?m)^[ \t]+")
_LINE_START_MARKER = re.compile(r"(?m)^([#+\-])")
_LINE_START_NUMBER = re.compile(r"(?m)^(\d{1,9})([.)])")


def _backslash(m: re.Match[str]) -> str:
    return "\\" + (m.group(1) or "&")


def escape_markdown(text: str) -> str:
    """Escape inline text so CommonMark/GFM shows it literally (line starts not included).

    >>> escape_markdown("a*b_[c]<d> & &amp; x==y |")
    'a\\\\*b\\\\_\\\\[c\\\\]\\\\<d\\\\> & \\\\&amp; x\\\\=\\\\=y \\\\|'
    """
    if _ILLEGAL_XML.search(text):
        text = _ILLEGAL_XML.sub("", text)
    if _MD_SPECIAL.search(text):
        text = _MD_SPECIAL.sub(_backslash, text)
    if "\n" in text or "\r" in text:
        text = _MD_NEWLINE.sub("\\\\\n", text.strip("\r\n"))
    return text


def protect_line_starts(md: str) -> str:
    """Escape what would start a block at a line start: `#`, `-`, `+`, `1.`; drop indentation.

    >>> protect_line_starts("# a\\n2025. b\\n- c")
    '\\\\# a\\n2025\\\\. b\\n\\\\- c'
    """
    if "\n" not in md:
        first = md[:1]
        if not first or not (first in " \t#+-" or first.isdigit()):
            return md
    if md[:1] in " \t" or "\n" in md:
        md = _LINE_START_SPACE.sub("", md)
    md = _LINE_START_MARKER.sub(r"\\\1", md)
    return _LINE_START_NUMBER.sub(r"\1\\\2", md)


def code_span(text: str) -> str:
    """A code span that shows `text` literally, whatever backticks it holds.

    >>> code_span("a`b"), code_span("x"), code_span("`x")
    ('``a`b``', '`x`', '`` `x ``')
    """
    text = strip_illegal_chars(text).replace("\r\n", " ").replace("\n", " ")
    runs = [len(r) for r in re.findall(r"`+", text)]
    fence = "`" * (max(runs, default=0) + 1)
    pad = bool(runs) and (text.startswith("`") or text.endswith("`"))
    if text.startswith(" ") and text.endswith(" ") and text.strip(" "):
        pad = True
    if pad:
        text = f" {text} "
    return f"{fence}{text}{fence}"


def link_destination(href: str) -> str:
    """A CommonMark link destination: spaces percent-encoded, `<…>` around parentheses.

    >>> link_destination("https://a.b/c d"), link_destination("https://a.b/(x)")
    ('https://a.b/c%20d', '<https://a.b/(x)>')
    """
    href = strip_illegal_chars(href).strip().replace("\n", "").replace(" ", "%20")
    href = href.replace("<", "%3C").replace(">", "%3E").replace("\\", "%5C")
    if not href or re.search(r"[\s()]", href):
        return f"<{href}>"
    return href


def _is_space(ch: str) -> bool:
    return ch in "\t\n\r\f\v" or unicodedata.category(ch) == "Zs"


def _is_punct(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "PS"


def _left_flanking(prev: str, nxt: str) -> bool:
    if _is_space(nxt):
        return False
    return not _is_punct(nxt) or _is_space(prev) or _is_punct(prev)


def _right_flanking(prev: str, nxt: str) -> bool:
    if _is_space(prev):
        return False
    return not _is_punct(prev) or _is_space(nxt) or _is_punct(nxt)


@dataclass
class _Mode:
    # Edge punctuation/space starts outside the delimiters (`**注意**：`): always valid, and
    # it saves a pass; a delimiter that still fails makes its run inline HTML.
    trim_start: bool = True
    trim_end: bool = True
    html: bool = False


@dataclass
class _Tok:
    text: str
    delim: str = ""  # the delimiter character run for flanking-sensitive tokens
    uid: int = 0
    opening: bool = False


def _trim(nodes: list[Node], modes: dict[int, _Mode]) -> list[Node]:
    """Move edge whitespace/punctuation out of delimiter-rendered runs that need it."""
    out: list[Node] = []
    for node in nodes:
        if isinstance(node, str):
            out.append(node)
            continue
        node.children = _trim(node.children, modes)
        mode = modes.setdefault(node.uid, _Mode())
        before = after = ""
        if mode and not mode.html and node.kind in _DELIMITERS:
            kids = node.children
            if mode.trim_start and kids and isinstance(kids[0], str):
                cut = _edge_length(kids[0])
                before, kids[0] = kids[0][:cut], kids[0][cut:]
            if mode.trim_end and kids and isinstance(kids[-1], str):
                cut = len(kids[-1]) - _edge_length(kids[-1][::-1])
                kids[-1], after = kids[-1][:cut], kids[-1][cut:]
            node.children = [k for k in kids if not (isinstance(k, str) and not k)]
            if not node.children:
                # a run that is only punctuation: keep its styling as HTML instead
                mode.html = True
                node.children = [before + after]
                before = after = ""
        if before:
            out.append(before)
        out.append(node)
        if after:
            out.append(after)
    return out


def _edge_length(text: str) -> int:
    """How many leading characters are whitespace or punctuation."""
    for i, ch in enumerate(text):
        if not (_is_space(ch) or _is_punct(ch)):
            return i
    return len(text)


def _tokens(nodes: Sequence[Node], modes: dict[int, _Mode], highlight: str) -> list[_Tok]:
    toks: list[_Tok] = []
    for node in nodes:
        if isinstance(node, str):
            if node:
                escaped = escape_markdown(node)
                if escaped.endswith("!"):
                    # "!" right before a link's "[" would turn the link into an image
                    escaped = escaped[:-1] + "\\!"
                toks.append(_Tok(escaped))
            continue
        if node.kind == "code":
            toks.append(_Tok(code_span("".join(_plain(node.children)))))
            continue
        if node.kind == "link":
            href = safe_href(node.attrs.get("href", ""))
            if href is None:
                toks.extend(_tokens(node.children, modes, highlight))
                continue
            title = node.attrs.get("title")
            title_part = ' "' + escape_markdown(title).replace('"', '\\"') + '"' if title else ""
            toks.append(_Tok("["))
            toks.extend(_tokens(node.children, modes, highlight))
            toks.append(_Tok(f"]({link_destination(href)}{title_part})"))
            continue
        mode = modes.setdefault(node.uid, _Mode())
        use_html = mode.html or node.kind not in _DELIMITERS or (
            node.kind == "highlight" and highlight != "=="
        )
        inner = _tokens(node.children, modes, highlight)
        if use_html:
            tag = _HTML_TAGS[node.kind]
            toks.append(_Tok(f"<{tag}>"))
            toks.extend(inner)
            toks.append(_Tok(f"</{tag}>"))
        else:
            d = _DELIMITERS[node.kind]
            toks.append(_Tok(d, d[0], node.uid, True))
            toks.extend(inner)
            toks.append(_Tok(d, d[0], node.uid, False))
    return toks


def _plain(nodes: Sequence[Node]) -> list[str]:
    out: list[str] = []
    for n in nodes:
        out.extend([n] if isinstance(n, str) else _plain(n.children))
    return out


def _failures(toks: list[_Tok]) -> dict[int, tuple[bool, bool]]:
    """Delimiters CommonMark would not accept: uid → (opening fails, closing fails)."""
    fails: dict[int, tuple[bool, bool]] = {}
    texts = [t.text for t in toks]
    for i, tok in enumerate(toks):
        if not tok.delim:
            continue
        j = i - 1
        while j >= 0 and not texts[j]:
            j -= 1
        k = i + 1
        while k < len(toks) and not texts[k]:
            k += 1
        prev_tok = toks[j] if j >= 0 else None
        next_tok = toks[k] if k < len(toks) else None
        prev = prev_tok.text[-1] if prev_tok else " "
        nxt = next_tok.text[0] if next_tok else " "
        # a delimiter touching another of the same character would merge into one run
        clash = any(t is not None and t.delim == tok.delim for t in (prev_tok, next_tok))
        ok = _left_flanking(prev, nxt) if tok.opening else _right_flanking(prev, nxt)
        if clash or not ok:
            o, c = fails.get(tok.uid, (False, False))
            fails[tok.uid] = (o or tok.opening, c or not tok.opening)
    return fails


def render_markdown(text: str, marks: Sequence[Mark] = (), *, highlight: str = "==") -> str:
    """CommonMark inline Markdown for `text` with its marks; emphasis always renders.

    `highlight` is "==" (markdown-it mark / Obsidian syntax) or "<mark>" (inline HTML).

    >>> render_markdown("注意：粤港澳", [Mark(kind="strong", start=0, end=3)])
    '**注意**：粤港澳'
    >>> render_markdown("以“智创”为题", [Mark(kind="strong", start=1, end=5)])
    '以“**智创**”为题'
    >>> render_markdown("a：b", [Mark(kind="strong", start=1, end=2)])
    'a<strong>：</strong>b'
    """
    if not marks:
        return protect_line_starts(escape_markdown(text)) if text else ""
    return resolve_markdown(lambda: nest(text, marks), highlight=highlight)


def resolve_markdown(build: Callable[[], list[Node]], *, highlight: str = "==") -> str:
    """Render nested runs with delimiters off edge punctuation, HTML where still invalid.

    `build` returns a fresh tree each time (the runs are edited while resolving). Each pass
    checks every delimiter with CommonMark's flanking rules (and that no two delimiters of
    one character touch); a run whose delimiter fails becomes inline HTML. Modes only move
    towards HTML, so this ends after at most one pass per run.
    """
    modes: dict[int, _Mode] = {}
    tree = build()
    limit = 2 * _count_elements(tree) + 2
    for attempt in range(limit):
        toks = _tokens(_trim(tree if attempt == 0 else build(), modes), modes, highlight)
        fails = _failures(toks)
        if not fails:
            return protect_line_starts("".join(t.text for t in toks))
        for uid, (open_fail, close_fail) in fails.items():
            mode = modes.setdefault(uid, _Mode())
            if (open_fail and mode.trim_start) or (close_fail and mode.trim_end):
                mode.html = True
            mode.trim_start |= open_fail
            mode.trim_end |= close_fail
    for mode in modes.values():
        mode.html = True
    toks = _tokens(_trim(build(), modes), modes, highlight)
    return protect_line_starts("".join(t.text for t in toks))


def _count_elements(nodes: Sequence[Node]) -> int:
    return sum(1 + _count_elements(n.children) for n in nodes if isinstance(n, Element))
