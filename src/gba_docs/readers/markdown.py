"""Markdown reader: front matter + CommonMark (tables, ~~strike~~, ==highlight==, footnotes,
raw inline HTML) → a `Document`.

markdown-it-py parses; its HTML output, tagged with Markdown source lines, is read by the HTML
reader's walker, so inline HTML styling and Markdown styling become the same marks and no raw
tag survives in block text. It does not fix text and never raises.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from ..model import Diagnostic, Document, Source
from .html import assemble_document, clean_input, html_to_blocks, read_prelude

_TAG_LEFT = re.compile(
    r"</?(?:span|font|div|p|br|strong|b|em|i|u|s|a|img|mark|sup|sub|code|section|center)"
    r"(?:\s[^<>]*)?/?>",
    re.IGNORECASE,
)
_LINE_ATTR = "data-gba-lines"


def read_markdown(text: str, source: Source | None = None) -> Document:
    """Read Markdown (optionally after YAML/TOML front matter) into a `Document`.

    >>> doc = read_markdown("# 标题\\n\\n　　<font color=\\"#f00\\">科技</font>是**第一**生产力 ==重点==")
    >>> [(b.kind, b.text) for b in doc.blocks]
    [('heading', '标题'), ('paragraph', '科技是第一生产力 重点')]
    >>> [(m.kind, m.start, m.end) for m in doc.blocks[1].marks]
    [('emphasis', 0, 2), ('strong', 3, 5), ('highlight', 9, 11)]
    """
    text = clean_input(text)
    meta, body, diagnostics, offset, prelude = read_prelude(text)
    html = markdown_to_html(body, line_offset=offset)
    result = html_to_blocks(html, line_offset=offset, markdown=True)
    doc = assemble_document(meta, prelude + result.blocks, diagnostics + result.diagnostics,
                            source, "markdown")
    doc.diagnostics.extend(_leftover_tags(doc.blocks))
    return doc


def markdown_to_html(body: str, *, line_offset: int = 0) -> str:
    """Render Markdown to HTML whose block tags carry `data-gba-lines="first,last"`.

    >>> markdown_to_html("a\\n\\n<div>b</div>\\n", line_offset=2)
    '<p data-gba-lines="3,3">a</p>\\n<!--gba-sync:5--><div>b</div>\\n'
    """
    md = _parser()
    env: dict[str, Any] = {"gba_line_offset": line_offset}
    try:
        tokens = md.parse(body, env)
    except RecursionError:
        from html import escape

        return "<pre>" + escape(body) + "</pre>"
    for token in tokens:
        if token.type == "paragraph_open" or token.type == "paragraph_close":
            token.hidden = False  # tight list items still get a <p> carrying their lines
        if token.map is None:
            continue
        if token.nesting == 1 or token.type in ("fence", "code_block", "hr"):
            first, last = token.map[0] + 1 + line_offset, token.map[1] + line_offset
            token.attrSet(_LINE_ATTR, f"{first},{max(first, last)}")
    return md.renderer.render(tokens, md.options, env)


@lru_cache(maxsize=1)
def _parser() -> Any:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin

    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    md.use(mark_plugin)
    md.add_render_rule("html_block", _render_html_block)
    md.add_render_rule("footnote_anchor", _render_nothing)
    md.add_render_rule("footnote_block_open", _render_footnote_block_open)
    return md


def _render_html_block(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    if token.map is None:
        return token.content
    line = token.map[0] + 1 + env.get("gba_line_offset", 0)
    return f"<!--gba-sync:{line}-->{token.content}"


def _render_footnote_block_open(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
    return '<section class="footnotes">\n<ol class="footnotes-list">\n'  # no <hr>: not in the source


def _render_nothing(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
    return ""  # footnote back-references (↩) are navigation, not text


# --------------------------------------------------------------------------- ==highlight==
def mark_plugin(md: Any) -> None:
    """`==highlight==` → `<mark>` for markdown-it-py (mdit-py-plugins no longer ships it): the
    markdown-it-mark rule, the same delimiter logic as markdown-it's own `~~` strikethrough."""
    md.inline.ruler.before("emphasis", "mark", _mark_tokenize)
    md.inline.ruler2.before("emphasis", "mark", _mark_post_process)


def _mark_tokenize(state: Any, silent: bool) -> bool:
    """Split a run of `=` into `==` delimiters (the markdown-it-mark rule)."""
    from markdown_it.rules_inline.state_inline import Delimiter

    start = state.pos
    if silent or state.src[start] != "=":
        return False
    scanned = state.scanDelims(start, True)
    length = scanned.length
    if length < 2:
        return False
    if length % 2:
        token = state.push("text", "", 0)
        token.content = "="
        length -= 1
    for _ in range(length // 2):
        token = state.push("text", "", 0)
        token.content = "=="
        state.delimiters.append(Delimiter(marker=0x3D, length=0, token=len(state.tokens) - 1,
                                          end=-1, open=scanned.can_open,
                                          close=scanned.can_close))
    state.pos += scanned.length
    return True


def _mark_pairs(state: Any, delimiters: list[Any]) -> None:
    lone: list[int] = []
    for opener in delimiters:
        if opener.marker != 0x3D or opener.end == -1:
            continue
        closer = delimiters[opener.end]
        for index, kind, nesting in ((opener.token, "mark_open", 1),
                                     (closer.token, "mark_close", -1)):
            token = state.tokens[index]
            token.type, token.tag, token.nesting = kind, "mark", nesting
            token.markup, token.content = "==", ""
        before = state.tokens[closer.token - 1]
        if before.type == "text" and before.content == "=":
            lone.append(closer.token - 1)
    while lone:
        i = lone.pop()
        j = i + 1
        while j < len(state.tokens) and state.tokens[j].type == "mark_close":
            j += 1
        j -= 1
        if i != j:
            state.tokens[i], state.tokens[j] = state.tokens[j], state.tokens[i]


def _mark_post_process(state: Any) -> None:
    _mark_pairs(state, state.delimiters)
    for meta in state.tokens_meta:
        if meta and "delimiters" in meta:
            _mark_pairs(state, meta["delimiters"])


# --------------------------------------------------------------------------- checks
def _leftover_tags(blocks: list[Any]) -> list[Diagnostic]:
    """Tag-like text that markdown-it did not take as HTML (e.g. a broken attribute quote)."""
    out: list[Diagnostic] = []
    for block in blocks:
        if getattr(block, "kind", "") in ("raw",):
            continue
        text = block.text
        found = _TAG_LEFT.search(text)
        if found and not _inside_code(block, found.start()):
            out.append(Diagnostic(
                code="markdown-raw-html-left", severity="warning", block_id=block.id,
                line=block.lines[0] if block.lines else None,
                message=f"text that looks like an HTML tag was kept as text: {found.group(0)[:60]!r}"
                "; check the tag's quotes and brackets in the source",
            ))
    return out


def _inside_code(block: Any, offset: int) -> bool:
    return any(m.kind == "code" and m.start <= offset < m.end for m in block.marks)
