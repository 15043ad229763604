"""Small named clean-up fixes (ftfy style) run over a Document, each recorded as a `Change`.

Text fixes are pure `str -> str` functions; `join_broken_wraps` works on the Document. The fixes
never touch raw/code blocks, table cells or code marks, and never turn CJK punctuation into ASCII.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from .errors import ConfigError, InputError
from .model import Block, Change, Document, Mark, TextEdit, apply_edits

# --------------------------------------------------------------------------- character classes
HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef\U00030000-\U0003134f"
"""Regex class body for Han ideographs (plus 〇): what counts as "Chinese" in the rules below."""

SENTENCE_FINAL = "。！？!?…．.‼⁇⁈⁉"
"""A paragraph ending with one of these (before closing quotes/brackets) is complete."""
PARAGRAPH_STOPS = SENTENCE_FINAL + "；;：:—"
"""A paragraph ending with one of these is never joined to the next one."""
CLAUSE_MARKS = "，,、；;：:"
CLOSERS = "”’」』）)】》〉〕］]\"'"
OPENERS = "“‘「『（(【《〈〔［[\"'"

_HAN_RE = re.compile(f"[{HAN}]")
_HAN_CHARS = re.compile(f"[{HAN}]+")
_SENTENCE_FINAL_INSIDE = re.compile("[。！？!?]")
_URL_TAIL = re.compile(r"(?:https?://|www\.)\S*$", re.IGNORECASE)


def is_han(ch: str) -> bool:
    """True for a Han ideograph.

    >>> is_han("港"), is_han("A"), is_han("，"), is_han("")
    (True, False, False, False)
    """
    if "\u4e00" <= ch <= "\u9fff":
        return True
    return ch >= "\u3007" and _HAN_RE.match(ch) is not None


def ends_sentence(text: str) -> bool:
    """True when `text` ends a paragraph: a stop mark, possibly followed by closing quotes.

    A closing quote alone does not end a sentence (`推动“十五五”` continues).

    >>> ends_sentence("三地科研力量实现整体性提升。"), ends_sentence("推动南沙环")
    (True, False)
    >>> ends_sentence("他说：“好。”"), ends_sentence("推动“十五五”")
    (True, False)
    """
    stripped = text.rstrip().rstrip(CLOSERS).rstrip()
    return bool(stripped) and stripped[-1] in PARAGRAPH_STOPS


# --------------------------------------------------------------------------- edit plumbing
_Edit = tuple[int, int, str]


def _apply(text: str, edits: Sequence[_Edit]) -> str:
    if not edits:
        return text
    out: list[str] = []
    pos = 0
    for start, end, new in edits:
        out.append(text[pos:start])
        out.append(new)
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _plan_to_edits(plan: dict[int, str]) -> list[_Edit]:
    """Turn per-character replacements (index -> new text, "" deletes) into merged edits."""
    edits: list[_Edit] = []
    for index in sorted(plan):
        new = plan[index]
        if edits and edits[-1][1] == index:
            start, _, text = edits[-1]
            edits[-1] = (start, index + 1, text + new)
        else:
            edits.append((index, index + 1, new))
    return edits


def _regex_edits(
    pattern: re.Pattern[str], text: str, repl: Callable[[re.Match[str]], str]
) -> list[_Edit]:
    edits: list[_Edit] = []
    for m in pattern.finditer(text):
        new = repl(m)
        if new != m.group(0):
            edits.append((m.start(), m.end(), new))
    return edits


# --------------------------------------------------------------------------- drop_control_chars
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]+")


def _edits_drop_control_chars(text: str) -> list[_Edit]:
    return [(m.start(), m.end(), "") for m in _CONTROL.finditer(text)]


def drop_control_chars(block_text: str) -> str:
    """Remove C0/C1 control characters (NUL, form feed, DEL …); keep tab and newline.

    >>> drop_control_chars("广州\\x00南沙\\x0c\\tA\\x85B\\n")
    '广州南沙\\tAB\\n'
    """
    return _apply(block_text, _edits_drop_control_chars(block_text))


# --------------------------------------------------------------------------- drop_zero_width
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e]")
_EMOJI = re.compile(
    "[\u00a9\u00ae\u203c\u2049\u2122\u2139\u2194-\u21aa\u231a-\u23ff\u24c2\u25aa-\u25fe"
    "\u2600-\u27bf\u2934\u2935\u2b05-\u2b55\u3030\u303d\u3297\u3299\ufe0f"
    "\U0001f000-\U0001faff\U000e0020-\U000e007f]"
)
# Joiners are part of spelling in these scripts (Arabic, Syriac, Indic), not noise.
_JOINING_SCRIPT = re.compile("[\u0600-\u08ff\u0900-\u0dff\ua8e0-\ua8ff]")


def _keeps_joiner(text: str, i: int) -> bool:
    if i == 0 or i + 1 >= len(text):
        return False
    before, after = text[i - 1], text[i + 1]
    if text[i] == "\u200d" and _EMOJI.match(before) and _EMOJI.match(after):
        return True
    return bool(_JOINING_SCRIPT.match(before) and _JOINING_SCRIPT.match(after))


def _edits_drop_zero_width(text: str) -> list[_Edit]:
    plan: dict[int, str] = {}
    for m in _ZERO_WIDTH.finditer(text):
        i = m.start()
        if text[i] in "\u200c\u200d" and _keeps_joiner(text, i):
            continue
        plan[i] = ""
    return _plan_to_edits(plan)


def drop_zero_width(block_text: str) -> str:
    """Remove zero-width spaces, BOMs, word joiners and soft hyphens; keep emoji ZWJ sequences.

    >>> drop_zero_width("粤港\\u200b澳\\ufeff大湾区 co\\u00adoperate")
    '粤港澳大湾区 cooperate'
    >>> drop_zero_width("\\U0001F468\\u200d\\U0001F4BB") == "\\U0001F468\\u200d\\U0001F4BB"
    True
    """
    return _apply(block_text, _edits_drop_zero_width(block_text))


# --------------------------------------------------------------------------- strip_ideographic_indent
_INDENT = re.compile("^[\u3000 \t\u00a0\u2000-\u200a\u202f]+")


def _edits_strip_ideographic_indent(text: str) -> list[_Edit]:
    m = _INDENT.match(text)
    return [(0, m.end(), "")] if m else []


def strip_ideographic_indent(block_text: str) -> str:
    """Remove a leading paragraph indent: ideographic spaces (U+3000), spaces, tabs.

    >>> strip_ideographic_indent("\\u3000\\u300012月9日，论坛闭幕。")
    '12月9日，论坛闭幕。'
    """
    return _apply(block_text, _edits_strip_ideographic_indent(block_text))


# --------------------------------------------------------------------------- tidy_whitespace
_SPACE_RUN = re.compile("[ \t\u00a0\u202f\u2000-\u200a\u205f]+")
_EDGE_SPACE = (
    "\u3000 \t\u00a0\u202f\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u205f"
)
_UNIT_AFTER_NBSP = re.compile(r"[0-9A-Za-z%‰℃℉°µμΩ€$£¥]")


def _edits_tidy_whitespace(text: str) -> list[_Edit]:
    edits: list[_Edit] = []
    n = len(text)
    lead = n - len(text.lstrip(_EDGE_SPACE))
    trail = n - len(text.rstrip(_EDGE_SPACE))
    if lead == n:
        return [(0, n, "")] if n else []
    if lead:
        edits.append((0, lead, ""))
    end_of_body = n - trail
    for m in _SPACE_RUN.finditer(text, lead, end_of_body):
        run = m.group(0)
        if run == " " and text[m.start() - 1] != "\n" and text[m.end() : m.end() + 1] != "\n":
            continue
        if run in ("\u00a0", "\u202f") and _is_unit_space(text, m.start()):
            continue
        at_newline = text[m.start() - 1 : m.start()] == "\n" or text[m.end() : m.end() + 1] == "\n"
        edits.append((m.start(), m.end(), "" if at_newline else " "))
    if trail:
        edits.append((end_of_body, n, ""))
    return edits


def _is_unit_space(text: str, i: int) -> bool:
    """A single no-break space between a digit and a unit/number is deliberate: keep it."""
    return (
        0 < i < len(text) - 1
        and text[i - 1].isdigit()
        and _UNIT_AFTER_NBSP.match(text[i + 1]) is not None
    )


def tidy_whitespace(block_text: str) -> str:
    """Collapse runs of spaces/tabs to one space and strip both ends; newlines are kept and
    spaces next to them dropped.

    No-break spaces become plain spaces, except a single one between a digit and a unit or
    digit (`100\\u00a0km`, `1\\u00a0000`), where it is deliberate. Ideographic spaces inside the
    text are kept (titles use them as separators).

    >>> tidy_whitespace("  粤港澳\\t\\t大湾区   科学论坛 ")
    '粤港澳 大湾区 科学论坛'
    >>> tidy_whitespace("全长100\\u00a0km，\\u00a0共建") == "全长100\\u00a0km， 共建"
    True
    """
    return _apply(block_text, _edits_tidy_whitespace(block_text))


# --------------------------------------------------------------------------- widen_cjk_punctuation
_WIDEN_TARGET = re.compile(r"[,:;!?]+|[()（）]")
_FULL_WIDTH = {",": "，", ":": "：", ";": "；", "!": "！", "?": "？", "(": "（", ")": "）"}
_PROTECTED = re.compile(
    r"(?:https?|ftp|file)://[^\s\u3000-\u303f\uff00-\uffef" + HAN + r"“”‘’<>\"]+"
    r"|www\.[^\s\u3000-\u303f\uff00-\uffef" + HAN + r"“”‘’<>\"]+"
    r"|[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
    r"|[A-Za-z]:\\[^\s" + HAN + r"]*",
    re.IGNORECASE,
)
_SKIP_BACK = " \t" + CLOSERS
_SKIP_FORWARD = " \t" + OPENERS


def _protected_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for m in _PROTECTED.finditer(text):
        start, end = m.start(), m.end()
        while end > start and text[end - 1] in ",.;:!?)'\"":
            end -= 1
        spans.append((start, end))
    return spans


def _context_before(text: str, i: int) -> str:
    j = i - 1
    while j >= 0 and text[j] in _SKIP_BACK:
        j -= 1
    return text[j] if j >= 0 else ""


def _context_after(text: str, i: int) -> str:
    j = i
    n = len(text)
    while j < n and text[j] in _SKIP_FORWARD:
        j += 1
    return text[j] if j < n else ""


def _inside(spans: list[tuple[int, int]], i: int) -> bool:
    return any(s <= i < e for s, e in spans)


def _widen_plan(text: str) -> dict[int, str]:
    spans = _protected_spans(text) if ("/" in text or "@" in text or "www" in text) else []
    plan: dict[int, str] = {}
    stack: list[int] = []
    for m in _WIDEN_TARGET.finditer(text):
        start, end = m.start(), m.end()
        if spans and _inside(spans, start):
            continue
        first = text[start]
        if first in "(（":
            stack.append(start)
        elif first in ")）":
            if stack:
                _widen_pair(text, stack.pop(), start, plan)
        else:
            _widen_run(text, start, end, plan)
    return plan


def _widen_run(text: str, start: int, end: int, plan: dict[int, str]) -> None:
    """Widen a run like `,` or `?!` when it sits in Chinese text (see widen_cjk_punctuation)."""
    if text[start] == ":" and text.startswith("//", end):
        return
    if text[start] == "!" and text.startswith("[", end):
        return
    before = _context_before(text, start)
    after = _context_after(text, end)
    if not is_han(before):
        between_digits = before.isdigit() and end < len(text) and text[end].isdigit()
        if between_digits:
            return
        if not is_han(after) and not (_embedded_before(text, start) and _embedded_after(text, end)):
            return
    for i in range(start, end):
        plan[i] = _FULL_WIDTH[text[i]]
    j = end
    while j < len(text) and text[j] in " \t":
        plan[j] = ""
        j += 1


_EMBED_LIMIT = 40


def _embedded_before(text: str, i: int) -> bool:
    """True when the token before position i (`4.3%` in `达到4.3%,`) directly follows Han text."""
    j = i - 1
    stop = max(-1, i - 1 - _EMBED_LIMIT)
    while (
        j > stop
        and not text[j].isspace()
        and not is_han(text[j])
        and text[j] not in ",:;!?，：；！？"
    ):
        j -= 1
    return j < i - 1 and j > stop and is_han(text[j])


def _embedded_after(text: str, i: int) -> bool:
    """True when the token after position i (`PCT` in `,PCT国际`) runs straight into Han text."""
    n = len(text)
    while i < n and text[i] in " \t":
        i += 1
    j = i
    stop = min(n, i + _EMBED_LIMIT)
    while (
        j < stop
        and not text[j].isspace()
        and not is_han(text[j])
        and text[j] not in ",:;!?，：；！？"
    ):
        j += 1
    return i < j < stop and is_han(text[j])


def _widen_pair(text: str, open_at: int, close_at: int, plan: dict[int, str]) -> None:
    opener, closer = text[open_at], text[close_at]
    if opener == "（" and closer == "）":
        return
    if opener == "（" or closer == "）":
        widen = True
    else:
        widen = _HAN_RE.search(text, open_at + 1, close_at) is not None
    if not widen:
        return
    plan[open_at] = "（"
    plan[close_at] = "）"
    j = open_at - 1
    while j >= 0 and text[j] in " \t":
        j -= 1
    if j >= 0 and j < open_at - 1 and is_han(text[j]):
        for k in range(j + 1, open_at):
            plan[k] = ""
    k = close_at + 1
    while k < len(text) and text[k] in " \t":
        k += 1
    if k < len(text) and k > close_at + 1 and is_han(text[k]):
        for q in range(close_at + 1, k):
            plan.setdefault(q, "")


def _edits_widen_cjk_punctuation(text: str) -> list[_Edit]:
    if not _WIDEN_TARGET.search(text):
        return []
    return _plan_to_edits(_widen_plan(text))


def widen_cjk_punctuation(block_text: str) -> str:
    """Make half-width `, : ; ! ? ( )` full-width where they punctuate Chinese text.

    The rule, exactly:

    * A run of `, : ; ! ?` is widened when the nearest character before it (skipping spaces and
      closing quotes/brackets) is a Han character, or when the nearest character after it
      (skipping spaces and opening quotes) is Han, or when both neighbouring tokens run straight
      into Han text (`达到4.3%,PCT国际`), and in every case not between two digits (`1,000`,
      `12:30` stay). Spaces right after a widened mark are dropped (a full-width mark
      carries its own spacing). `://` and `![` never change.
    * A `(`…`)` pair is widened when its content contains a Han character; a half-width bracket
      whose partner is already full-width is widened to match. Latin-only content stays
      half-width (`阿尔茨海默病(AD)`), unmatched brackets stay as they are. Spaces between a
      widened bracket and a Han neighbour are dropped.
    * URLs, e-mail addresses and Windows paths are never touched; `.` is never touched.
    * Full-width marks are never narrowed.

    >>> widen_cjk_punctuation("日前,2025大湾区科学论坛举行。素材来源:大湾区科学论坛")
    '日前，2025大湾区科学论坛举行。素材来源：大湾区科学论坛'
    >>> widen_cjk_punctuation("推动南沙环港科大(广州)建设, 研究(AD)相关")
    '推动南沙环港科大（广州）建设，研究(AD)相关'
    >>> widen_cjk_punctuation("R&D投入4.3%,共1,000项 http://a.b/c?d=1,2")
    'R&D投入4.3%，共1,000项 http://a.b/c?d=1,2'
    """
    return _apply(block_text, _edits_widen_cjk_punctuation(block_text))


# --------------------------------------------------------------------------- join_broken_wraps
_INTERRUPTION_KINDS = frozenset({"caption"})
_MAX_INTERRUPTIONS = 4
_CONTINUATION_START = "、，,。；;：:）)」』》”’…"
_LATIN_END_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "from",
        "by",
        "with",
        "and",
        "or",
        "but",
        "as",
        "into",
        "than",
        "that",
        "which",
        "who",
        "whose",
        "its",
        "their",
        "our",
        "his",
        "her",
        "this",
        "these",
        "those",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "has",
        "have",
        "had",
        "will",
        "would",
        "can",
        "could",
        "may",
        "might",
        "should",
        "must",
        "not",
        "also",
        "both",
        "either",
        "such",
        "per",
        "via",
    ]
)
_LATIN_WORD_END = re.compile(r"([A-Za-z]+)\W*$")


def _is_interruption(block: Block) -> bool:
    if block.kind in _INTERRUPTION_KINDS:
        return True
    return block.kind == "credit" and getattr(block, "role", "") == "image"


def _cut_joiner(first: Block, second: Block) -> str | None:
    """The text to put between two paragraphs if `first` was cut off, else None.

    Chinese rule (punctuation only, no word segmentation: jieba runs at ~0.3 M chars/s and
    would dominate reading time): `first` does not end with a stop mark, and either `first` is
    clearly body text (it contains a sentence-final mark, or ends with a clause mark like `，`,
    or has at least two clause marks, or is 50+ characters long) or `second` starts with a mark
    that cannot begin a paragraph (`础。广东…`, `计、制造…`). `second` must be a paragraph too.
    English rule: `first` ends with a lower-case word, comma or hyphen and `second` starts
    with a lower-case letter, or `first` ends with a function word (`of`, `the` …).
    """
    if first.kind != "paragraph" or second.kind != "paragraph":
        return None
    if first.attrs.get("byline") or first.attrs.get("role"):
        return None
    head = first.text.rstrip()
    tail = second.text.lstrip()
    if not head or not tail or ends_sentence(head) or _URL_TAIL.search(head):
        return None
    last, lead = head[-1], tail[0]
    # a half-width comma after Han text is a Chinese comma still waiting for widening
    chinese_comma = last in "，、"
    if last == ",":
        stem = head.rstrip(",")
        chinese_comma = is_han(_context_before(stem, len(stem)))
    if is_han(last) or is_han(lead) or chinese_comma or lead in _CONTINUATION_START:
        if lead in OPENERS and lead not in "“‘「『《（(":
            return None
        strong_start = lead in _CONTINUATION_START or (len(tail) > 1 and tail[1] in "。，、；：,;:")
        if strong_start or _looks_like_body(head):
            return ""
        return None
    return _latin_joiner(head, tail)


def _looks_like_body(head: str) -> bool:
    if head[-1] in "，,、":
        return True
    if _SENTENCE_FINAL_INSIDE.search(head):
        return True
    clause_marks = sum(head.count(c) for c in "，,、；;")
    return clause_marks >= 2 or len(head) >= 50


def _latin_joiner(head: str, tail: str) -> str | None:
    if head[-1] == "-" and head[-2:-1].isalpha() and tail[0].islower():
        return None
    m = _LATIN_WORD_END.search(head)
    if head[-1] in ",-" and tail[0].isalnum():
        return " " if head[-1] == "," else ""
    if m and m.group(1).lower() in _LATIN_END_WORDS and (tail[0].isalnum() or tail[0] in OPENERS):
        return " "
    if head[-1].isalpha() and head[-1].islower() and tail[0].islower():
        return " "
    return None


def merge_blocks(kept: Block, merged: Block, joiner: str) -> Block:
    """The block `kept` with `merged` appended (text, marks, line span, missing attrs).

    Used by `join_broken_wraps` and by `replay`, so both give identical results.
    """
    offset = len(kept.text) + len(joiner)
    marks = list(kept.marks) + [
        m.model_copy(update={"start": m.start + offset, "end": m.end + offset})
        for m in merged.marks
    ]
    lines = kept.lines
    if kept.lines and merged.lines:
        lines = (min(kept.lines[0], merged.lines[0]), max(kept.lines[1], merged.lines[1]))
    attrs: dict[str, Any] = {**merged.attrs, **kept.attrs}
    return kept.model_copy(
        update={
            "text": kept.text + joiner + merged.text,
            "marks": marks,
            "lines": lines,
            "attrs": attrs,
        }
    )


def join_broken_wraps(doc: Document) -> Document:
    """Join paragraphs cut across blank lines or a page break; record each join as a merge.

    Captions and image credits found between the two halves stay where they are, so after the
    second half is removed they follow the joined paragraph. See `_cut_joiner` for the rule.
    Joins are decided and recorded right to left, pass after pass until none is left (replay
    applies them in the recorded order).

    >>> from gba_docs.model import Paragraph, Caption
    >>> d = Document(blocks=[Paragraph(id="b1", text="国家实验室成果不断涌现。切实增强高"),
    ...     Caption(id="b2", text="超算中心向港澳开放"), Paragraph(id="b3", text="校科研院所能力。")])
    >>> out = join_broken_wraps(d)
    >>> [b.text for b in out.blocks], out.changes[0].merged_id
    (['国家实验室成果不断涌现。切实增强高校科研院所能力。', '超算中心向港澳开放'], 'b3')
    """
    blocks: list[Block] = list(doc.blocks)
    changes: list[Change] = []
    # A join can make its result look like body text to the next decision, so passes repeat
    # until nothing changes: a second run of the fix then finds nothing (idempotent).
    while True:
        blocks, found = _join_pass(blocks)
        if not found:
            break
        changes.extend(found)
    if not changes:
        return doc
    return doc.model_copy(update={"blocks": blocks, "changes": [*doc.changes, *changes]})


def _join_pass(blocks: list[Block]) -> tuple[list[Block], list[Change]]:
    """One right-to-left pass: each tail already holds what followed it when its head is decided."""
    blocks = list(blocks)
    alive = [True] * len(blocks)
    changes: list[Change] = []
    for i in range(len(blocks) - 1, 0, -1):
        tail = blocks[i]
        if tail.kind != "paragraph":
            continue
        k = i - 1
        while k >= 0 and i - k - 1 < _MAX_INTERRUPTIONS and _is_interruption(blocks[k]):
            k -= 1
        if k < 0:
            continue
        joiner = _cut_joiner(blocks[k], tail)
        if joiner is None:
            continue
        moved = [blocks[q].id for q in range(k + 1, i)]
        note = "joined a paragraph cut across blank lines"
        if moved:
            note += "; " + ", ".join(moved) + " now follow the joined paragraph"
        changes.append(
            Change(
                step="join_broken_wraps",
                block_id=blocks[k].id,
                op="merge",
                merged_id=tail.id,
                joiner=joiner,
                note=note,
            )
        )
        blocks[k] = merge_blocks(blocks[k], tail, joiner)
        alive[i] = False
    if not changes:
        return blocks, changes
    return [b for b, keep in zip(blocks, alive) if keep], changes


# --------------------------------------------------------------------------- registry
TextFix = Callable[[str], str]
_TEXT_EDITORS: dict[str, Callable[[str], list[_Edit]]] = {
    "drop_control_chars": _edits_drop_control_chars,
    "drop_zero_width": _edits_drop_zero_width,
    "strip_ideographic_indent": _edits_strip_ideographic_indent,
    "tidy_whitespace": _edits_tidy_whitespace,
    "widen_cjk_punctuation": _edits_widen_cjk_punctuation,
}
FIXES: list[tuple[str, Callable[..., Any]]] = [
    ("drop_control_chars", drop_control_chars),
    ("drop_zero_width", drop_zero_width),
    ("strip_ideographic_indent", strip_ideographic_indent),
    ("tidy_whitespace", tidy_whitespace),
    ("join_broken_wraps", join_broken_wraps),
    ("widen_cjk_punctuation", widen_cjk_punctuation),
]
"""The fixes in the order they run. Text fixes take a str; `join_broken_wraps` a Document."""
_UNTOUCHED_KINDS = frozenset({"raw", "rule", "table"})


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small objects.

    Fixing and reading create no reference cycles, but each collection walks every live
    object, which made a 16 MB document cost 1.5x more per MB than a 1 MB one (measured).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def fix_names() -> list[str]:
    """Names of all fixes, in running order.

    >>> fix_names()[:2]
    ['drop_control_chars', 'drop_zero_width']
    """
    return [name for name, _ in FIXES]


def _selected(enable: Iterable[str] | None, disable: Iterable[str]) -> list[str]:
    known = fix_names()
    wanted = list(known) if enable is None else list(enable)
    unwanted = list(disable)
    unknown = [name for name in [*wanted, *unwanted] if name not in known]
    if unknown:
        raise ConfigError(
            f"unknown fix {', '.join(repr(u) for u in unknown)}",
            remedy=f"choose from: {', '.join(known)}",
        )
    return [name for name in known if name in wanted and name not in unwanted]


def _code_spans(marks: list[Mark]) -> list[tuple[int, int]]:
    return [(m.start, m.end) for m in marks if m.kind == "code"]


def _outside(edits: list[_Edit], spans: list[tuple[int, int]]) -> list[_Edit]:
    return [
        e
        for e in edits
        if not any(e[0] < end and start < max(e[1], e[0] + 1) for start, end in spans)
    ]


def _run_text_fixes(doc: Document, names: list[str]) -> Document:
    """Run consecutive text fixes block by block (one copy per changed block)."""
    editors = [(name, _TEXT_EDITORS[name]) for name in names]
    blocks: list[Block] = []
    changes: list[Change] = []
    for block in doc.blocks:
        if block.kind in _UNTOUCHED_KINDS or not block.text:
            blocks.append(block)
            continue
        text, marks = block.text, list(block.marks) if block.marks else []
        spans = _code_spans(marks) if marks else []
        changed = False
        for name, editor in editors:
            edits = editor(text)
            if edits and spans:
                edits = _outside(edits, spans)
            if not edits:
                continue
            text_edits = _validated_edits(edits)
            changes.append(
                Change.model_validate(
                    {"step": name, "block_id": block.id, "op": "edit", "edits": text_edits}
                )
            )
            if marks:
                text, marks = apply_edits(text, marks, text_edits)
                spans = _code_spans(marks)
            else:
                text = _apply(text, edits)
            changed = True
        blocks.append(block.model_copy(update={"text": text, "marks": marks}) if changed else block)
    if not changes:
        return doc
    return doc.model_copy(update={"blocks": blocks, "changes": [*doc.changes, *changes]})


_EDIT_LIST: Any = None


def _validated_edits(edits: list[_Edit]) -> list[TextEdit]:
    """TextEdits for a block in one validation call (one per edit costs twice as much)."""
    global _EDIT_LIST
    if _EDIT_LIST is None:
        from pydantic import TypeAdapter

        _EDIT_LIST = TypeAdapter(list[TextEdit])
    result: list[TextEdit] = _EDIT_LIST.validate_python(
        [{"start": s, "end": e, "text": t} for s, e, t in edits]
    )
    return result


def _edited(block: Block, edits: list[TextEdit]) -> Block:
    text, marks = apply_edits(block.text, list(block.marks), edits)
    return block.model_copy(update={"text": text, "marks": marks})


def run_fixes(
    doc: Document, *, enable: Iterable[str] | None = None, disable: Iterable[str] = ()
) -> Document:
    """Run the selected fixes in order; return a new Document with one Change per real change.

    `enable=None` runs every fix; an unknown name raises `ConfigError` listing the known ones.
    The input document is not modified.

    >>> from gba_docs.model import Paragraph
    >>> out = run_fixes(Document(blocks=[Paragraph(id="b0001", text="\\u3000\\u3000日前,论坛举行")]))
    >>> out.blocks[0].text, [c.step for c in out.changes]
    ('日前，论坛举行', ['strip_ideographic_indent', 'widen_cjk_punctuation'])
    """
    with gc_paused():
        return _run_selected(doc, _selected(enable, disable))


def _run_selected(doc: Document, names: list[str]) -> Document:
    pending: list[str] = []
    for name in names:
        if name in _TEXT_EDITORS:
            pending.append(name)
            continue
        if pending:
            doc = _run_text_fixes(doc, pending)
            pending = []
        doc = join_broken_wraps(doc)
    if pending:
        doc = _run_text_fixes(doc, pending)
    return doc


def replay(original: Document, changes: list[Change]) -> Document:
    """Re-apply recorded changes (edit, merge, retype) to `original`; deterministic.

    `replay(read_text(src), run_fixes(read_text(src)).changes)` equals the fixed document.
    """
    by_id: dict[str, Block] = {b.id: b for b in original.blocks}
    removed: set[str] = set()
    for change in changes:
        block = by_id.get(change.block_id)
        if block is None or change.block_id in removed:
            raise InputError(
                f"change {change.step!r} refers to block {change.block_id}, which is not in the document",
                remedy="replay changes only on the document they were recorded from",
            )
        if change.op == "edit":
            by_id[block.id] = _edited(block, list(change.edits))
        elif change.op == "merge":
            merged = by_id.get(change.merged_id or "")
            if merged is None or merged.id in removed:
                raise InputError(
                    f"merge by {change.step!r} refers to missing block {change.merged_id}",
                    remedy="replay changes only on the document they were recorded from",
                )
            by_id[block.id] = merge_blocks(block, merged, change.joiner)
            removed.add(merged.id)
        elif change.op == "retype":
            by_id[block.id] = _retyped(block, change.new_kind or block.kind)
        else:
            raise InputError(
                f"change op {change.op!r} from step {change.step!r} cannot be replayed",
                remedy="re-run the conversion from the source file instead of replaying",
            )
    blocks = [by_id[b.id] for b in original.blocks if b.id not in removed]
    return original.model_copy(update={"blocks": blocks, "changes": [*original.changes, *changes]})


def _retyped(block: Block, new_kind: str) -> Block:
    from pydantic import TypeAdapter

    from .model import Block as BlockUnion

    base = {k: getattr(block, k) for k in ("id", "text", "marks", "lines", "attrs")}
    return TypeAdapter(BlockUnion).validate_python({**base, "kind": new_kind})
