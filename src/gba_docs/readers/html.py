"""HTML reader: front matter + an HTML page or fragment → a `Document` of blocks with marks.

Parses with lxml's HTML parser (libxml2, forgiving of broken markup) and walks the tree
without recursion. Drops scripts, styles, comments, hidden elements and page navigation
(reported as info diagnostics); it does not fix text (that is the fixes' job) and never raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterator

from ..model import (
    Block, Caption, Credit, Diagnostic, Document, Heading, Image, ListItem, Meta, Paragraph,
    Quote, Raw, Rule, Source, Table,
)
from ._frontmatter import meta_from_front_matter, parse_date, split_front_matter
from ._inline import (
    BOLD_HEADING_LEVEL, InlineBuilder, InlineText, _Open, classify_credit, is_bold_heading,
    marks_for_tag,
)

DROP_TAGS = frozenset({
    "script", "style", "noscript", "template", "head", "title", "meta", "link", "base",
    "iframe", "frame", "frameset", "object", "embed", "param", "svg", "math", "canvas",
    "audio", "video", "source", "track", "map", "area", "button", "input", "select", "option",
    "optgroup", "textarea", "datalist", "output", "progress", "meter", "dialog", "slot",
})
"""Never text for a reader: their content is code, media or controls."""
CONTAINER_TAGS = frozenset({
    "html", "body", "div", "section", "article", "main", "center", "header", "footer", "aside",
    "address", "details", "summary", "fieldset", "legend", "hgroup", "dl", "form", "nav",
    "tbody", "thead", "tfoot", "tr", "td", "th", "noframes", "menu", "search",
})
LEAF_TAGS = {"p": "paragraph", "dt": "paragraph", "dd": "paragraph", "figcaption": "caption",
             "caption": "caption", "li": "list_item"}
HEADING_TAGS = {f"h{n}": n for n in range(1, 7)}
_LAYOUT_SIGNS = frozenset({"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table",
                           "blockquote", "pre", "section", "article"})
_PAGE_LEVEL_ONLY = frozenset({"header", "footer", "aside"})
_BOILERPLATE_ROLES = frozenset({"navigation", "search"})
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_SYNC_COMMENT = re.compile(r"gba-sync:(\d+)")
_LANG_CLASS = re.compile(r"(?:language|lang)-([\w+#.-]+)")
_LIBXML_MAX_LINE = 65535
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def read_html(text: str, source: Source | None = None) -> Document:
    """Read an HTML page (optionally after YAML/TOML front matter) into a `Document`.

    >>> doc = read_html("<p>粤港澳<strong>大湾区</strong></p><p><b>小标题</b></p>")
    >>> [(b.kind, b.text) for b in doc.blocks]
    [('paragraph', '粤港澳大湾区'), ('heading', '小标题')]
    >>> [(m.kind, m.start, m.end) for m in doc.blocks[0].marks]
    [('strong', 3, 6)]
    """
    text = clean_input(text)
    meta, body, diagnostics, offset, prelude = read_prelude(text)
    result = html_to_blocks(body, line_offset=offset)
    meta = merge_meta(meta, result.meta)
    return assemble_document(
        meta, prelude + result.blocks, diagnostics + result.diagnostics, source, "html"
    )


# --------------------------------------------------------------------------- shared by readers
def clean_input(text: str) -> str:
    """Remove control characters XML cannot hold (libxml2 refuses them, even in attribute
    values) and mark lone surrogates, which no parser or JSON file accepts.

    >>> clean_input("a\\x00b\\x06c\\ud800")
    'abc\\ufffd'
    """
    if not _BAD_CHARS.search(text):
        return text
    return _BAD_CHARS.sub(lambda m: "\ufffd" if "\ud800" <= m.group(0) <= "\udfff" else "", text)


def read_prelude(text: str) -> tuple[Meta, str, list[Diagnostic], int, list[Block]]:
    """Front matter → (meta, body, diagnostics, lines consumed, [Raw block of a broken block])."""
    data, body, diagnostics, consumed = split_front_matter(text)
    meta = meta_from_front_matter(data) if data else Meta()
    prelude: list[Block] = []
    if any(d.code == "frontmatter-invalid" for d in diagnostics) and consumed:
        lines = text.split("\n")[:consumed]
        first = next((i for i, line in enumerate(lines) if line.strip()), 0)
        raw = "\n".join(lines[first:]).rstrip()
        prelude.append(Raw(id="", text=raw, format="frontmatter", lines=(first + 1, consumed)))
    return meta, body, diagnostics, consumed, prelude


def merge_meta(primary: Meta, secondary: dict[str, Any]) -> Meta:
    """Fill fields that `primary` (front matter) left empty from `secondary` (the page)."""
    update: dict[str, Any] = {}
    for key, value in secondary.items():
        if key == "extra":
            extra = dict(value)
            extra.update(primary.extra)
            update["extra"] = extra
        elif value not in (None, "", []) and getattr(primary, key) in (None, "", []):
            update[key] = value
    return primary.model_copy(update=update)


def assemble_document(
    meta: Meta, blocks: list[Block], diagnostics: list[Diagnostic], source: Source | None,
    fmt: str,
) -> Document:
    """Number the blocks b0001…, take meta from credit blocks and the first h1, build the doc."""
    for index, block in enumerate(blocks, start=1):
        block.id = f"b{index:04d}"
    meta = _meta_from_blocks(meta, blocks)
    src = source if source is not None else Source(format=fmt)
    return Document(meta=meta, source=src, blocks=blocks, diagnostics=diagnostics)


def _meta_from_blocks(meta: Meta, blocks: list[Block]) -> Meta:
    """Fill author, source name and URL from credit blocks; the first h1 is the fallback title.

    `source_url` keeps the first URL in this order: front matter, page <meta>, the quoted
    source line (`> 站名 [原文链接](…)`), the trailing `URL:` line. Later URLs go to
    `extra["other_urls"]`, so none is lost.
    """
    update: dict[str, Any] = {}
    extra = dict(meta.extra)
    other_urls: list[str] = list(extra.get("other_urls", []))

    def offer_url(url: str) -> None:
        current = update.get("source_url", meta.source_url)
        if current is None:
            update["source_url"] = url
        elif url != current and url not in other_urls:
            other_urls.append(url)

    for block in blocks:
        if not isinstance(block, Credit):
            continue
        info = block.attrs
        if info.get("author") and not (meta.author or update.get("author")):
            update["author"] = info["author"]
        if info.get("author_url") and "author_url" not in extra:
            extra["author_url"] = info["author_url"]
        if info.get("source_name") and not (meta.source_name or update.get("source_name")):
            update["source_name"] = info["source_name"]
        for url in info.get("urls", []):
            offer_url(url)
    if other_urls:
        extra["other_urls"] = other_urls
    if extra != meta.extra:
        update["extra"] = extra
    if not meta.title:
        first_h1 = next((b for b in blocks if isinstance(b, Heading) and b.level == 1), None)
        if first_h1 is not None:
            update["title"] = first_h1.text
    return meta.model_copy(update=update) if update else meta


# --------------------------------------------------------------------------- parsing
@dataclass
class HtmlResult:
    """Blocks, page metadata (Meta field → value, plus 'extra') and diagnostics of one body."""

    blocks: list[Block]
    meta: dict[str, Any]
    diagnostics: list[Diagnostic]


def html_to_blocks(html: str, *, line_offset: int = 0, markdown: bool = False) -> HtmlResult:
    """Parse an HTML body into blocks; line numbers are shifted by `line_offset`.

    With `markdown=True` the HTML is markdown-it output whose block tags carry
    `data-gba-lines="first,last"` (Markdown source lines) and whose raw HTML blocks are
    preceded by `<!--gba-sync:N-->`.
    """
    html = clean_input(html)
    if not html.strip():
        return HtmlResult([], {}, [])
    import lxml.etree as etree
    import lxml.html

    parser = lxml.html.HTMLParser(encoding="utf-8", huge_tree=True, remove_pis=True)
    try:
        root = lxml.html.document_fromstring(html.encode("utf-8"), parser=parser)
    except (etree.ParserError, ValueError):
        return HtmlResult([], {}, [])
    if any("depth" in e.message.lower() for e in parser.error_log):
        return _flat_fallback(html, line_offset)
    page = {} if markdown else page_meta(root)
    walker = _Walker(line_offset=line_offset, markdown=markdown)
    walker.walk(root)
    return HtmlResult(walker.blocks, page, walker.report())


def _flat_fallback(html: str, line_offset: int) -> HtmlResult:
    """Nesting deeper than libxml2 allows: strip tags by pattern so no text is lost."""
    import html as html_lib

    cleaned = re.sub(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->", " ", html, flags=re.S | re.I)
    blocks: list[Block] = []
    for number, line in enumerate(cleaned.split("\n"), start=1 + line_offset):
        text = html_lib.unescape(re.sub(r"<[^>]*>", "", line)).strip()
        if text:
            blocks.append(Paragraph(id="", text=text, lines=(number, number)))
    diag = Diagnostic(
        code="html-too-deep", severity="warning",
        message="tags are nested deeper than the HTML parser allows; structure and styling were "
        "dropped and the text read line by line (check the file for unclosed tags)",
    )
    return HtmlResult(blocks, {}, [diag])


def page_meta(root: Any) -> dict[str, Any]:
    """Metadata from <title>, <meta name/property>, <link rel=canonical> and `lang`."""
    found: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    metas: dict[str, str] = {}
    for el in root.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("http-equiv") or "").strip().lower()
        content = (el.get("content") or "").strip()
        if key and content and key not in metas:
            metas[key] = content
    title_el = next(root.iter("title"), None)
    title = metas.get("og:title") or (title_el.text_content().strip() if title_el is not None else "")
    if title:
        found["title"] = " ".join(title.split())
    if metas.get("author") or metas.get("article:author"):
        found["author"] = metas.get("author") or metas["article:author"]
    date_raw = next((metas[k] for k in ("article:published_time", "pubdate", "publishdate",
                                        "date", "dc.date") if k in metas), None)
    if date_raw:
        found["date_raw"] = date_raw
        found["date"] = parse_date(date_raw)
    canonical = next((el.get("href") for el in root.iter("link")
                      if (el.get("rel") or "").lower() == "canonical" and el.get("href")), None)
    if metas.get("og:url") or canonical:
        found["source_url"] = metas.get("og:url") or canonical
    if metas.get("og:site_name"):
        found["source_name"] = metas["og:site_name"]
    if metas.get("og:image"):
        found["images"] = [metas["og:image"]]
    lang = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang") \
        or metas.get("content-language")
    if lang:
        found["lang"] = lang.strip()
    for key in ("description", "og:description", "keywords"):
        if key in metas:
            extra[key.replace("og:", "og_")] = metas[key]
    if extra:
        found["extra"] = extra
    return found


# --------------------------------------------------------------------------- the walker
@dataclass
class _Ctx:
    tag: str
    kind: str  # container, list, quote, paragraph, heading, list_item, caption, pre-emitted
    level: int = 0
    ordered: bool = False
    counter: int = 0
    depth: int = 0
    number: int | None = None
    lines: tuple[int, int] | None = None
    emitted: bool = False


@dataclass
class _Walker:
    line_offset: int = 0
    markdown: bool = False
    blocks: list[Block] = field(default_factory=list)
    builder: InlineBuilder = field(default_factory=InlineBuilder)
    stack: list[_Ctx] = field(default_factory=list)
    quote_depth: int = 0
    line: int = 1
    delta: int = 0
    dropped: dict[str, list[int]] = field(default_factory=dict)
    has_main: bool = False
    """The page marks its content (<article>/<main>): header/footer/aside outside it are chrome."""

    def __post_init__(self) -> None:
        self.delta = self.line_offset
        self.line = 1 + self.line_offset

    # ---- traversal
    def walk(self, root: Any) -> None:
        self.has_main = root.find(".//article") is not None or root.find(".//main") is not None
        todo: list[tuple[Any, bool, list[_Open] | None]] = [(root, True, None)]
        while todo:
            el, starting, tokens = todo.pop()
            if starting:
                descend, tokens = self._start(el)
                todo.append((el, False, tokens))
                if descend:
                    todo.extend((child, True, None) for child in reversed(el))
            else:
                if tokens is not None:
                    self._end(el, tokens)
                self._text(el.tail)
        self._flush()

    def _start(self, el: Any) -> tuple[bool, list[_Open] | None]:
        tag = el.tag
        if not isinstance(tag, str):
            if self.markdown and isinstance(el.text, str):
                sync = _SYNC_COMMENT.fullmatch(el.text.strip())
                if sync and el.sourceline:
                    self.delta = int(sync.group(1)) - el.sourceline
            return False, None
        tag = tag.lower()
        self._sync_line(el)
        if tag in DROP_TAGS:
            return False, None
        if self._is_boilerplate(el, tag):
            self._note_drop("boilerplate", el)
            return False, None
        if el.get("hidden") is not None or _HIDDEN_STYLE.search(el.get("style") or ""):
            self._note_drop("hidden", el)
            return False, None
        handler = _START_HANDLERS.get(tag)
        if handler is not None:
            return handler(self, el, tag)
        return self._start_inline(el, tag)

    def _end(self, el: Any, tokens: list[_Open]) -> None:
        tag = el.tag.lower()
        if tag in CONTAINER_TAGS or tag in LEAF_TAGS or tag in HEADING_TAGS or tag in (
            "ul", "ol", "blockquote", "figure", "table"
        ):
            self._flush()
            if self.stack and self.stack[-1].tag == tag:
                ctx = self.stack.pop()
                if ctx.kind == "quote":
                    self.quote_depth -= 1
        for token in reversed(tokens):
            self.builder.close(token)

    def _text(self, text: str | None) -> None:
        if text:
            self.builder.add_text(text, self.line)
            self.line += text.count("\n")

    def _sync_line(self, el: Any) -> None:
        lines = self._md_lines(el)
        if lines is not None:
            self.line = lines[0]
            if el.sourceline:
                self.delta = lines[0] - el.sourceline
        elif el.sourceline and el.sourceline < _LIBXML_MAX_LINE:
            self.line = el.sourceline + self.delta

    def _md_lines(self, el: Any) -> tuple[int, int] | None:
        if not self.markdown:
            return None
        value = el.get("data-gba-lines")
        if not value:
            return None
        first, _, last = value.partition(",")
        try:
            return int(first), max(int(first), int(last))
        except ValueError:
            return None

    # ---- handlers
    def _start_inline(self, el: Any, tag: str) -> tuple[bool, list[_Open]]:
        attrs = {k: v for k, v in el.attrib.items() if isinstance(k, str)}
        tokens = [self.builder.open(kind, a) for kind, a in marks_for_tag(tag, attrs)]
        self._text(el.text)
        return True, tokens

    def _start_block(self, el: Any, tag: str) -> tuple[bool, list[_Open]]:
        self._flush()
        ctx = _Ctx(tag=tag, kind="container", lines=self._md_lines(el))
        if tag in HEADING_TAGS:
            ctx.kind, ctx.level = "heading", HEADING_TAGS[tag]
        elif tag == "li":
            ctx.kind = "list_item"
            self._number_item(ctx, el)
        elif tag in LEAF_TAGS:
            ctx.kind = LEAF_TAGS[tag]
        elif tag == "blockquote":
            ctx.kind = "quote"
            self.quote_depth += 1
        elif tag in ("ul", "ol", "menu"):
            ctx.kind = "list"
            ctx.ordered = tag == "ol"
            ctx.counter = _int_attr(el, "start", 1) - 1
            ctx.depth = sum(1 for c in self.stack if c.kind == "list")
        self.stack.append(ctx)
        tokens = [self.builder.open(kind, a) for kind, a in marks_for_tag(tag, dict(el.attrib))] \
            if tag not in ("ul", "ol") else []
        self._text(el.text)
        return True, tokens

    def _number_item(self, ctx: _Ctx, el: Any) -> None:
        parent = next((c for c in reversed(self.stack) if c.kind == "list"), None)
        if parent is None:
            return
        ctx.ordered, ctx.depth = parent.ordered, parent.depth
        parent.counter = _int_attr(el, "value", parent.counter + 1)
        ctx.number = parent.counter if parent.ordered else None

    def _start_br(self, el: Any, tag: str) -> tuple[bool, None]:
        self.builder.newline()
        return False, None

    def _start_hr(self, el: Any, tag: str) -> tuple[bool, None]:
        self._flush()
        lines = self._md_lines(el) or (self.line, self.line)
        self.blocks.append(Rule(id="", lines=lines))
        return False, None

    def _start_img(self, el: Any, tag: str) -> tuple[bool, None]:
        src = _image_source(el)
        alt = " ".join((el.get("alt") or "").split())
        if not src and not alt:
            return False, None
        self._flush()
        attrs: dict[str, Any] = {}
        if el.get("title"):
            attrs["title"] = el.get("title")
        link = next((t for t in reversed(self.builder.open_marks) if t.kind == "link"), None)
        if link is not None:
            attrs["href"] = link.attrs["href"]
        lines = self._md_lines(el) or (self.line, self.line)
        self.blocks.append(Image(id="", text=alt, src=src, attrs=attrs, lines=lines))
        self._mark_emitted()
        return False, None

    def _start_pre(self, el: Any, tag: str) -> tuple[bool, None]:
        self._flush()
        code = el.text_content()
        if code.startswith("\n"):
            code = code[1:]
        code = code.rstrip("\n")
        if code.strip():
            first = el.find("code")
            lines = self._md_lines(el) or (self._md_lines(first) if first is not None else None)
            start = self.line
            lines = lines or (start, start + code.count("\n"))
            attrs: dict[str, Any] = {}
            classes = " ".join(x.get("class") or "" for x in (el, first) if x is not None)
            lang = _LANG_CLASS.search(classes)
            if lang:
                attrs["lang"] = lang.group(1)
            self.blocks.append(Raw(id="", text=code, format="code", attrs=attrs, lines=lines))
            self._mark_emitted()
        return False, None

    def _start_table(self, el: Any, tag: str) -> tuple[bool, list[_Open] | None]:
        if _is_layout_table(el):
            return self._start_block(el, tag)
        self._flush()
        start = self.line
        rows, header_rows, captions = _read_table(el)
        if rows:
            last = max((e.sourceline or 0) for e in el.iter()) + self.delta
            lines = self._md_lines(el) or (start, max(start, last))
            self.blocks.append(Table(id="", rows=rows, header_rows=header_rows, lines=lines))
        for caption in captions:
            self.blocks.append(Caption(id="", text=caption.text, marks=caption.marks,
                                       lines=(start, start)))
        self._mark_emitted()
        return False, None

    # ---- emission
    def _flush(self) -> None:
        if not self.builder.has_content():
            self.builder.finish()
            return
        inline = self.builder.finish()
        if not inline.text:
            return
        kind_ctx, lines_ctx = self._leaf()
        lines = lines_ctx.lines if lines_ctx is not None and lines_ctx.lines else (
            inline.first_line or self.line, inline.last_line or self.line)
        self.blocks.append(self._make_block(inline, kind_ctx, lines))
        self._mark_emitted()

    def _leaf(self) -> tuple[_Ctx | None, _Ctx | None]:
        kind_ctx: _Ctx | None = None
        lines_ctx: _Ctx | None = None
        for ctx in reversed(self.stack):
            if lines_ctx is None and ctx.lines and ctx.kind != "list":
                lines_ctx = ctx
            if ctx.kind in ("heading", "caption", "list_item"):
                return ctx, lines_ctx
            if ctx.kind in ("list", "quote"):
                break
            if ctx.kind == "paragraph" and kind_ctx is None:
                kind_ctx = ctx
        return kind_ctx, lines_ctx

    def _mark_emitted(self) -> None:
        for ctx in reversed(self.stack):
            if ctx.kind == "list_item":
                ctx.emitted = True
                return
            if ctx.kind == "list":
                return

    def _make_block(self, inline: InlineText, ctx: _Ctx | None, lines: tuple[int, int]) -> Block:
        text, marks = inline.text, inline.marks
        kind = ctx.kind if ctx is not None else "paragraph"
        if kind == "heading" and ctx is not None:
            return Heading(id="", text=text, marks=marks, level=ctx.level, lines=lines)
        if kind == "list_item" and ctx is not None:
            attrs = {"continuation": True} if ctx.emitted else {}
            return ListItem(id="", text=text, marks=marks, ordered=ctx.ordered, number=ctx.number,
                            depth=ctx.depth, attrs=attrs, lines=lines)
        if kind == "caption":
            return Caption(id="", text=text, marks=marks, lines=lines)
        if self.quote_depth > 0:
            credit = classify_credit(text, marks)
            if credit is not None:
                info = {k: v for k, v in vars(credit).items() if k != "role" and v}
                return Credit(id="", text=text, marks=marks, role=credit.role,  # type: ignore[arg-type]
                              attrs=info, lines=lines)
            return Quote(id="", text=text, marks=marks, lines=lines)
        if is_bold_heading(text, marks):
            rest = [m for m in marks if not (m.kind == "strong" and m.start == 0)]
            return Heading(id="", text=text, marks=rest, level=BOLD_HEADING_LEVEL, lines=lines,
                           attrs={"promoted_from": "bold paragraph"})
        return Paragraph(id="", text=text, marks=marks, lines=lines)

    # ---- dropping
    def _is_boilerplate(self, el: Any, tag: str) -> bool:
        if self.markdown:
            return False
        if tag == "nav" or (el.get("role") or "").lower() in _BOILERPLATE_ROLES:
            return True
        if tag in _PAGE_LEVEL_ONLY and self.has_main:
            return next(el.iterancestors("article", "main"), None) is None
        return False

    def _note_drop(self, why: str, el: Any) -> None:
        self.dropped.setdefault(why, []).append(self.line)

    def report(self) -> list[Diagnostic]:
        out = []
        for why, lines in self.dropped.items():
            what = "page navigation, header, footer or aside" if why == "boilerplate" \
                else "hidden elements (hidden / display:none)"
            out.append(Diagnostic(
                code=f"html-{why}-dropped", severity="info", line=lines[0],
                message=f"{len(lines)} {what} left out; read a copy of the file without them "
                f"removed if that text is needed",
                data={"count": len(lines), "lines": lines[:50]},
            ))
        return out


_START_HANDLERS: dict[str, Any] = {
    **{tag: _Walker._start_block for tag in CONTAINER_TAGS},
    **{tag: _Walker._start_block for tag in LEAF_TAGS},
    **{tag: _Walker._start_block for tag in HEADING_TAGS},
    "ul": _Walker._start_block, "ol": _Walker._start_block, "menu": _Walker._start_block,
    "blockquote": _Walker._start_block, "figure": _Walker._start_block,
    "br": _Walker._start_br, "wbr": lambda self, el, tag: (False, None),
    "hr": _Walker._start_hr, "img": _Walker._start_img, "pre": _Walker._start_pre,
    "table": _Walker._start_table,
}


def _image_source(el: Any) -> str:
    """The real image URL: lazy-loading pages (WeChat) put it in data-src, src is a placeholder."""
    src = (el.get("src") or "").strip()
    lazy = (el.get("data-src") or el.get("data-original") or el.get("data-lazy-src") or "").strip()
    if lazy and (not src or src.startswith("data:")):
        return lazy
    return src or lazy


def _int_attr(el: Any, name: str, default: int) -> int:
    value = (el.get(name) or "").strip()
    return int(value) if re.fullmatch(r"-?\d{1,9}", value) else default


# --------------------------------------------------------------------------- tables
def _is_layout_table(table: Any) -> bool:
    """Tables used for page layout hold paragraphs, lists or other tables in their cells."""
    return any(isinstance(el.tag, str) and el.tag.lower() in _LAYOUT_SIGNS
               for el in table.iterdescendants())


def _own_rows(table: Any) -> Iterator[Any]:
    for tr in table.iter("tr"):
        if next(tr.iterancestors("table"), None) is table:
            yield tr


def _read_table(table: Any) -> tuple[list[list[str]], int, list[InlineText]]:
    rows: list[list[str]] = []
    header_rows = 0
    counting_headers = True
    for tr in _own_rows(table):
        cells = [c for c in tr if isinstance(c.tag, str) and c.tag.lower() in ("td", "th")]
        if not cells:
            continue
        in_head = next(tr.iterancestors("thead"), None) is not None
        all_th = all(c.tag.lower() == "th" for c in cells)
        if counting_headers and (in_head or all_th):
            header_rows += 1
        else:
            counting_headers = False
        rows.append([inline_text(c).text for c in cells])
    captions = [inline_text(c) for c in table if isinstance(c.tag, str) and c.tag.lower() == "caption"]
    return rows, header_rows, [c for c in captions if c.text]


def inline_text(el: Any) -> InlineText:
    """Text and marks of one element read as inline content (block tags become line breaks)."""
    builder = InlineBuilder()
    todo: list[tuple[Any, bool, list[_Open]]] = [(el, True, [])]
    while todo:
        node, starting, tokens = todo.pop()
        tag = node.tag.lower() if isinstance(node.tag, str) else None
        if starting:
            if tag is None or tag in DROP_TAGS:
                todo.append((node, False, []))
                continue
            if tag == "br" or (node is not el and (tag in LEAF_TAGS or tag in HEADING_TAGS)):
                builder.newline()
            opened = [builder.open(k, a) for k, a in marks_for_tag(tag, dict(node.attrib))]
            builder.add_text(node.text or "")
            todo.append((node, False, opened))
            todo.extend((child, True, []) for child in reversed(node))
        else:
            for token in reversed(tokens):
                builder.close(token)
            if node is not el:
                builder.add_text(node.tail or "")
    return builder.finish()
