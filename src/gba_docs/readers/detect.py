"""Guess the input shape (html, markdown, text) from content; the file extension only breaks ties.

Exported text files are often misnamed (Markdown and HTML saved as .txt), so content decides.
"""

from __future__ import annotations

import re

_FRONT_MATTER = re.compile(r"\A\s*(---|\+\+\+)[ \t]*\n(.*?\n)?\1[ \t]*(\n|\Z)", re.S)
_HTML_BLOCK = re.compile(
    r"<(?:!doctype\s+html|html|head|body|article|section|div|p|h[1-6]|table|ul|ol|li|"
    r"blockquote|figure|br)\b[^>]*>",
    re.I,
)
_HTML_CLOSE = re.compile(r"</(?:p|div|h[1-6]|li|td|tr|table|article|section|body|html)>", re.I)
_MD_MARKERS: dict[str, re.Pattern[str]] = {
    "link": re.compile(r"\[[^\]\n]{1,300}\]\([^)\s]{1,2000}\)"),
    "quote": re.compile(r"^>(?!>)[ \t]?\S", re.M),
    "rule": re.compile(r"^[ \t]{0,3}(?:-{3,}|\*{3,}|_{3,})[ \t]*$", re.M),
    "inline_html": re.compile(r"<(?:span|font|mark|b|strong|em|i|u|sup|sub|br)\b[^>\n]{0,300}>", re.I),
    "table": re.compile(r"^\|?[ \t]*:?-{3,}:?[ \t]*\|", re.M),
    "fence": re.compile(r"^[ \t]{0,3}(?:```|~~~)", re.M),
    "indent": re.compile(r"^\u3000\u3000", re.M),
    "highlight": re.compile(r"==[^=\n]{1,300}=="),
}
_EXTENSIONS = {
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".md": "markdown", ".markdown": "markdown", ".mdown": "markdown", ".mkd": "markdown",
}
_SAMPLE = 200_000


def detect_format(text: str, path: str | None = None) -> str:
    """Return "html", "markdown" or "text".

    >>> detect_format("---\\ntitle: t\\n---\\n<div><p>正文</p></div>")
    'html'
    >>> detect_format("# 标题\\n\\n> 来源 [原文](https://a.b/c)\\n\\n------\\n")
    'markdown'
    >>> detect_format("# 标题\\n\\n**本报讯** 正文,继续\\n\\n>> 小节\\n")
    'text'
    """
    sample = text[:_SAMPLE]
    front = _FRONT_MATTER.match(sample)
    body = sample[front.end() :] if front else sample
    if _looks_like_html(body):
        return "html"
    if path:
        lowered = path.lower()
        for ext, fmt in _EXTENSIONS.items():
            if lowered.endswith(ext):
                return fmt
    if front:
        return "markdown"
    hits = sum(1 for pattern in _MD_MARKERS.values() if pattern.search(body))
    return "markdown" if hits >= 2 else "text"


def _looks_like_html(body: str) -> bool:
    head = body.lstrip()[:2000].lower()
    if head.startswith(("<!doctype html", "<html", "<?xml")):
        return True
    opens = len(_HTML_BLOCK.findall(body))
    closes = len(_HTML_CLOSE.findall(body))
    if opens < 2 or closes < 1:
        return False
    lines = max(1, body.count("\n") + 1)
    # Markdown with a few inline tags has far more lines than block tags.
    return head.startswith("<") or opens * 4 >= lines
