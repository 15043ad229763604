"""The document model: one versioned pydantic schema that every stage reads and writes.

It depends on nothing else in the package. Readers build a `Document`; fixes and script
conversion edit it and record `Change`s; translation and alignment wrap it in a
`BilingualDocument`. It does no I/O.
"""

from __future__ import annotations

import datetime as _dt
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator

SCHEMA_NAME = "gba-docs.document"
BILINGUAL_SCHEMA_NAME = "gba-docs.bilingual"
SCHEMA_VERSION = "1.0"
"""Major.minor. A reader refuses a different major version; minor versions only add fields."""

Severity = Literal["info", "warning", "error"]
ScriptTag = str
"""A BCP 47 tag for a Chinese script/region: zh-Hans, zh-Hant, zh-Hant-HK, zh-Hant-MO, zh-Hant-TW."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False)


# --------------------------------------------------------------------------- inline marks
MarkKind = Literal[
    "strong",  # <strong>, <b>, **…**
    "emphasis",  # <em>, <i>, *…*, and <font color=…> (colour kept in attrs)
    "highlight",  # <span style="background:…">, <mark>, ==…==
    "link",  # <a href>, [text](url); attrs["href"]
    "code",  # `code`, <code>
    "underline",
    "strike",
    "superscript",
    "subscript",
]


class Mark(_Model):
    """Inline styling kept as meaning: a kind over a half-open character range of the block text."""

    kind: MarkKind = Field(description="What the styling means.")
    start: int = Field(ge=0, description="First character (inclusive) in the block's text.")
    end: int = Field(ge=0, description="End character (exclusive) in the block's text.")
    attrs: dict[str, str] = Field(
        default_factory=dict,
        description="Details of the source styling: href, title, color, background, tag.",
    )

    @model_validator(mode="after")
    def _ordered(self) -> "Mark":
        if self.end < self.start:
            raise ValueError(f"mark end {self.end} before start {self.start}")
        return self


# --------------------------------------------------------------------------- blocks
class _BlockBase(_Model):
    id: str = Field(description="Stable id within the document, e.g. b0007.")
    text: str = Field(default="", description="Clean text: no markup, no raw inline HTML.")
    marks: list[Mark] = Field(default_factory=list, description="Inline styling over `text`.")
    lines: tuple[int, int] | None = Field(
        default=None, description="First and last source line (1-based, inclusive)."
    )
    attrs: dict[str, Any] = Field(
        default_factory=dict, description="Reader-specific extras (e.g. HTML class, image src)."
    )


class Heading(_BlockBase):
    kind: Literal["heading"] = "heading"
    level: int = Field(default=1, ge=1, le=6, description="1 = title level.")


class Paragraph(_BlockBase):
    kind: Literal["paragraph"] = "paragraph"


class Quote(_BlockBase):
    kind: Literal["quote"] = "quote"


class ListItem(_BlockBase):
    kind: Literal["list_item"] = "list_item"
    ordered: bool = False
    number: int | None = Field(default=None, description="Item number for ordered lists.")
    depth: int = Field(default=0, ge=0, description="Nesting depth, 0 = top level.")


class Caption(_BlockBase):
    kind: Literal["caption"] = "caption"


class Credit(_BlockBase):
    """Bylines, source credits and image credits (`(岳宗)`, `本报讯`, `素材来源：…`, `图源…`)."""

    kind: Literal["credit"] = "credit"
    role: Literal["byline", "source", "image", "author", "other"] = "other"


class Label(_BlockBase):
    """A standalone label such as `链接` that introduces what follows; translated, not a heading."""

    kind: Literal["label"] = "label"


class Table(_BlockBase):
    kind: Literal["table"] = "table"
    rows: list[list[str]] = Field(default_factory=list, description="Cell texts, row by row.")
    header_rows: int = Field(default=0, ge=0, description="How many leading rows are headers.")


class Image(_BlockBase):
    """An image; `text` is its alt text, attrs holds src/title."""

    kind: Literal["image"] = "image"
    src: str = ""


class Rule(_BlockBase):
    kind: Literal["rule"] = "rule"


class Raw(_BlockBase):
    """Content passed through untouched and never translated (code, unknown markup)."""

    kind: Literal["raw"] = "raw"
    format: str = Field(default="text", description="code, html, text …")


Block = Annotated[
    Union[Heading, Paragraph, Quote, ListItem, Caption, Credit, Label, Table, Image, Rule, Raw],
    Field(discriminator="kind"),
]
BlockKind = Literal[
    "heading", "paragraph", "quote", "list_item", "caption", "credit", "label", "table",
    "image", "rule", "raw",
]
TRANSLATABLE_KINDS: frozenset[str] = frozenset(
    {"heading", "paragraph", "quote", "list_item", "caption", "credit", "label", "table", "image"}
)


# --------------------------------------------------------------------------- provenance
class TextEdit(_Model):
    """Replace text[start:end] by `text`; offsets refer to the text before the change."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str = ""


class Change(_Model):
    """One thing a named step changed. Recorded only when something changed."""

    step: str = Field(description="Name of the step: the fix/function name and config flag.")
    block_id: str = Field(description="Block that was changed (for merge: the one kept).")
    op: Literal["edit", "merge", "retype", "split"] = "edit"
    edits: list[TextEdit] = Field(
        default_factory=list, description="op=edit: non-overlapping edits, sorted by start."
    )
    merged_id: str | None = Field(
        default=None, description="op=merge: the block appended to block_id and removed."
    )
    joiner: str = Field(default="", description="op=merge: text put between the two halves.")
    new_kind: str | None = Field(default=None, description="op=retype: the block's new kind.")
    note: str = Field(default="", description="Human-readable detail.")


class Diagnostic(_Model):
    """'Proceeded, but look': kept on the document whatever the verbosity."""

    code: str = Field(description="Stable machine code, e.g. frontmatter-invalid.")
    severity: Severity = "warning"
    message: str
    block_id: str | None = None
    line: int | None = Field(default=None, description="1-based source line, if known.")
    data: dict[str, Any] = Field(default_factory=dict, description="Structured details.")


class GlossaryHit(_Model):
    term_id: str
    block_id: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    matched: str = Field(description="The text that matched.")
    variant: str = Field(
        default="primary",
        description="Which form matched: zh-Hans, zh-Hant-HK, zh-Hant-TW, variant, en.",
    )


# --------------------------------------------------------------------------- document
class Meta(_Model):
    title: str | None = None
    subtitle: str | None = None
    author: str | None = None
    date: _dt.datetime | _dt.date | None = None
    date_raw: str | None = Field(default=None, description="The date exactly as written.")
    categories: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    images: list[str] = Field(default_factory=list)
    source_url: str | None = None
    source_name: str | None = Field(default=None, description="Publisher or site name.")
    lang: str | None = Field(default=None, description="Language tag, e.g. zh-Hans or en.")
    extra: dict[str, Any] = Field(
        default_factory=dict, description="Every other front-matter key, kept as read."
    )


class Source(_Model):
    path: str | None = Field(default=None, description="Path as given by the user.")
    format: str | None = Field(default=None, description="Detected or forced input format.")
    encoding: str | None = Field(default=None, description="Detected encoding, e.g. utf-8-sig.")
    sha256: str | None = None
    size: int | None = Field(default=None, description="Size in bytes.")
    line_endings: str | None = Field(default=None, description="lf, crlf, cr or mixed.")


class Document(_Model):
    schema_name: Literal["gba-docs.document"] = SCHEMA_NAME
    version: str = SCHEMA_VERSION
    meta: Meta = Field(default_factory=Meta)
    source: Source = Field(default_factory=Source)
    script: str | None = Field(
        default=None, description="Script of the text: zh-Hans, zh-Hant, mixed, en, none."
    )
    blocks: list[Block] = Field(default_factory=list)
    changes: list[Change] = Field(default_factory=list)
    diagnostics: list[Diagnostic] = Field(default_factory=list)
    glossary_hits: list[GlossaryHit] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _check_version(cls, data: Any) -> Any:
        return _refuse_other_major(data, SCHEMA_NAME)

    def block(self, block_id: str) -> Block:
        for b in self.blocks:
            if b.id == block_id:
                return b
        raise KeyError(block_id)

    def visible_text(self) -> str:
        """All block text joined by newlines (tables cell by cell)."""
        parts: list[str] = []
        for b in self.blocks:
            if isinstance(b, Table):
                parts.extend(cell for row in b.rows for cell in row)
            else:
                parts.append(b.text)
        return "\n".join(parts)


# --------------------------------------------------------------------------- bilingual
OriginKind = Literal["tm", "engine", "glossary", "human", "alignment", "source", "none"]


class Origin(_Model):
    """Where a text came from, for provenance."""

    kind: OriginKind
    engine: str | None = Field(default=None, description="Engine id, e.g. argos:zh-en.")
    model_version: str | None = None
    detail: str | None = Field(default=None, description="OpenCC config, TM entry id, …")


class Segment(_Model):
    """A sentence-level sub-unit of an aligned unit."""

    id: str = Field(description="Unit id + sentence index, e.g. b0007.s2.")
    zh: dict[ScriptTag, str] = Field(default_factory=dict)
    en: str | None = None
    origin: Origin | None = None
    confidence: float | None = Field(default=None, ge=0.0, le=1.0)


class Unit(_Model):
    """One aligned pair: the Chinese of a block in each script and its English."""

    id: str = Field(description="The source block id (first one if several).")
    kind: str = Field(description="Block kind: headings align to headings, captions to captions.")
    zh_block_ids: list[str] = Field(default_factory=list)
    en_block_ids: list[str] = Field(default_factory=list, description="Alignment: English blocks.")
    zh: dict[ScriptTag, str] = Field(default_factory=dict, description="Text per script tag.")
    en: str | None = Field(default=None, description="None = untranslated (never a fake blank).")
    marks: dict[str, list[Mark]] = Field(
        default_factory=dict, description="Marks per script tag and for 'en'."
    )
    status: Literal["translated", "untranslated", "passthrough", "aligned", "human"] = (
        "untranslated"
    )
    origin: Origin | None = None
    zh_origin: dict[ScriptTag, Origin] = Field(default_factory=dict)
    segments: list[Segment] = Field(default_factory=list)
    glossary_hits: list[GlossaryHit] = Field(default_factory=list)
    qa: list[Diagnostic] = Field(default_factory=list)
    confidence: float | None = Field(default=None, ge=0.0, le=1.0)
    attrs: dict[str, Any] = Field(default_factory=dict, description="e.g. heading level.")


class BilingualDocument(_Model):
    schema_name: Literal["gba-docs.bilingual"] = BILINGUAL_SCHEMA_NAME
    version: str = SCHEMA_VERSION
    source: Document
    en_source: Document | None = Field(default=None, description="English side, when aligned.")
    scripts: list[ScriptTag] = Field(default_factory=list, description="Chinese views produced.")
    units: list[Unit] = Field(default_factory=list)
    view_meta: dict[str, Meta] = Field(
        default_factory=dict, description="Metadata per view (script tag): converted title, tags."
    )
    diagnostics: list[Diagnostic] = Field(default_factory=list)
    provenance: dict[str, Any] = Field(
        default_factory=dict, description="Tool version, OpenCC configs, glossary and engine ids."
    )

    @model_validator(mode="before")
    @classmethod
    def _check_version(cls, data: Any) -> Any:
        return _refuse_other_major(data, BILINGUAL_SCHEMA_NAME)


class SchemaVersionError(ValueError):
    """Raised (wrapped by pydantic) when a dump has another major schema version."""


def _refuse_other_major(data: Any, name: str) -> Any:
    if isinstance(data, dict):
        version = str(data.get("version", SCHEMA_VERSION))
        if version.split(".")[0] != SCHEMA_VERSION.split(".")[0]:
            raise SchemaVersionError(
                f"{name} version {version} cannot be read by this gba-docs (schema "
                f"{SCHEMA_VERSION}); convert the source again or use a matching gba-docs release"
            )
    return data


# --------------------------------------------------------------------------- edit helpers
def apply_edits(text: str, marks: list[Mark], edits: list[TextEdit]) -> tuple[str, list[Mark]]:
    """Apply sorted, non-overlapping edits to text and shift marks to follow.

    >>> t, m = apply_edits("ab,cd", [Mark(kind="strong", start=3, end=5)],
    ...                    [TextEdit(start=2, end=3, text="，")])
    >>> t, (m[0].start, m[0].end)
    ('ab，cd', (3, 5))
    """
    if not edits:
        return text, marks
    pieces: list[str] = []
    pos = 0
    for e in edits:
        if e.start < pos or e.end < e.start or e.end > len(text):
            raise ValueError(f"edits overlap or are out of range: {e}")
        pieces.append(text[pos : e.start])
        pieces.append(e.text)
        pos = e.end
    pieces.append(text[pos:])

    def shift(offset: int, is_end: bool) -> int:
        delta = 0
        for e in edits:
            if e.start == e.end == offset:
                # a pure insertion at a mark edge stays outside the mark
                delta += 0 if is_end else len(e.text)
                continue
            if e.end <= offset:
                delta += len(e.text) - (e.end - e.start)
                continue
            if e.start < offset:
                # offset inside a replaced span: clamp to the replacement's edge
                return e.start + delta + (len(e.text) if is_end else 0)
            break
        return offset + delta

    new_marks = []
    for m in marks:
        s, t = shift(m.start, False), shift(m.end, True)
        if t > s:
            new_marks.append(m.model_copy(update={"start": s, "end": t}))
    return "".join(pieces), new_marks


def diff_edits(before: str, after: str) -> list[TextEdit]:
    """Small edits turning `before` into `after`, for recording changes; near-linear in practice.

    Same-length texts (script conversion, punctuation widening) are compared position by
    position; otherwise the common prefix and suffix are trimmed and difflib matches the rest.

    >>> [(e.start, e.end, e.text) for e in diff_edits("日前,2025", "日前，2025")]
    [(2, 3, '，')]
    >>> [(e.start, e.end, e.text) for e in diff_edits("a  b", "a b")]
    [(2, 3, '')]
    """
    if before == after:
        return []
    if len(before) == len(after):
        return _positional_edits(before, after)
    head = 0
    limit = min(len(before), len(after))
    while head < limit and before[head] == after[head]:
        head += 1
    tail = 0
    while tail < limit - head and before[-1 - tail] == after[-1 - tail]:
        tail += 1
    old, new = before[head : len(before) - tail], after[head : len(after) - tail]
    if not old or not new:
        return [TextEdit(start=head, end=head + len(old), text=new)]
    if len(old) * len(new) > 4_000_000:
        return _chunked_edits(old, new, head)
    import difflib

    matcher = difflib.SequenceMatcher(None, old, new, autojunk=len(old) * len(new) > 1_000_000)
    return [
        TextEdit(start=head + i1, end=head + i2, text=new[j1:j2])
        for op, i1, i2, j1, j2 in matcher.get_opcodes()
        if op != "equal"
    ]


def _chunked_edits(old: str, new: str, offset: int) -> list[TextEdit]:
    """Diff long texts sentence by sentence when both have the same sentence count."""
    import re

    splitter = re.compile(r"(?<=[。！？\n])")
    old_parts, new_parts = splitter.split(old), splitter.split(new)
    if len(old_parts) != len(new_parts) or len(old_parts) < 2:
        return [TextEdit(start=offset, end=offset + len(old), text=new)]
    edits: list[TextEdit] = []
    for a, b in zip(old_parts, new_parts):
        edits.extend(
            TextEdit(start=e.start + offset, end=e.end + offset, text=e.text) for e in diff_edits(a, b)
        )
        offset += len(a)
    return edits


def _positional_edits(before: str, after: str) -> list[TextEdit]:
    edits: list[TextEdit] = []
    i, n = 0, len(before)
    while i < n:
        if before[i] == after[i]:
            i += 1
            continue
        j = i + 1
        while j < n and before[j] != after[j]:
            j += 1
        edits.append(TextEdit(start=i, end=j, text=after[i:j]))
        i = j
    return edits
