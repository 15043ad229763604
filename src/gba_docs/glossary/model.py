"""Glossary entries (`Term`) and the in-memory `Glossary`: term lookup, OpenCC phrase overrides,
jieba words and document annotation.

It reads and writes no files (that is `io.py`) and judges no entry (that is `lint.py`).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from ..errors import ConfigError, GlossaryError

if TYPE_CHECKING:
    from ..model import Document

COLUMNS: tuple[str, ...] = (
    "id", "zh_hans", "zh_hant_hk", "zh_hant_tw", "en", "zh_variants", "en_variants",
    "forbidden_en", "category", "override", "note", "evidence",
)
"""The twelve columns of the TSV format, in order."""

LIST_COLUMNS: frozenset[str] = frozenset({"zh_variants", "en_variants", "forbidden_en"})
LIST_SEPARATOR = " | "

CATEGORIES: frozenset[str] = frozenset({
    "region", "city", "district", "zone", "institution", "government", "university",
    "laboratory", "facility", "programme", "plan", "slogan", "title", "organisation",
    "enterprise", "event", "term",
})
"""Allowed values of the `category` column."""

SCRIPT_TAGS: tuple[str, ...] = ("zh-Hans", "zh-Hant", "zh-Hant-HK", "zh-Hant-MO", "zh-Hant-TW")

_ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


# --------------------------------------------------------------------------- validation helpers
def _bad_char(value: str, *, allow_inner_space: bool) -> str | None:
    """The first character a glossary cell may not contain, or None.

    >>> _bad_char("香港科學園", allow_inner_space=True) is None
    True
    >>> _bad_char("Hong\\u00a0Kong", allow_inner_space=True)
    'U+00A0'
    """
    for ch in value:
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cf", "Zl", "Zp", "Co", "Cs") or (ch.isspace() and ch != " "):
            return f"U+{ord(ch):04X}"
        if ch == " " and not allow_inner_space:
            return "U+0020"
    return None


def _refuse(code: str, message: str) -> PydanticCustomError:
    # Formatted here with no context, so pydantic leaves braces in a cell as they are.
    return PydanticCustomError(code, message)


def _check_text(value: str, field: str, *, required: bool, is_form: bool) -> str:
    if not value:
        if required:
            raise _refuse("empty-field", f"{field} is empty")
        return value
    if value != value.strip():
        raise _refuse("bad-chars", f"{field} {value!r} has leading or trailing whitespace")
    bad = _bad_char(value, allow_inner_space=True)
    if bad:
        raise _refuse("bad-chars",
                      f"{field} {value!r} contains the invisible or control character {bad}")
    if is_form and ("  " in value or "|" in value):
        raise _refuse("bad-chars", f"{field} {value!r} contains a double space or '|'")
    return value


class Term(BaseModel):
    """One glossary entry: a concept's Chinese forms per script, its English and its rules."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(description="Stable id: lowercase ASCII words joined by '-'.")
    zh_hans: str = Field(description="Simplified Chinese form (required).")
    zh_hant_hk: str = Field(description="Hong Kong Traditional form (required; also Macao's).")
    zh_hant_tw: str | None = Field(
        default=None, description="Taiwan form, only where it differs from Hong Kong's."
    )
    en: str = Field(description="Approved English rendering (required).")
    zh_variants: list[str] = Field(
        default_factory=list, description="Other Chinese forms of the same concept, any script."
    )
    en_variants: list[str] = Field(
        default_factory=list, description="Acceptable English alternatives (QA accepts them)."
    )
    forbidden_en: list[str] = Field(
        default_factory=list, description="Wrong English renderings that QA flags."
    )
    category: str = Field(description="One of CATEGORIES.")
    override: bool = Field(
        default=False, description="zh_hant_hk deliberately differs from OpenCC s2hk(zh_hans)."
    )
    note: str = Field(default="", description="Free text for editors.")
    evidence: str = Field(default="", description="Where the English or form comes from.")
    line: int | None = Field(
        default=None, description="Source line in the glossary file; not part of the entry."
    )

    @field_validator("id")
    @classmethod
    def _valid_id(cls, value: str) -> str:
        if not _ID_PATTERN.match(value):
            raise _refuse(
                "bad-id",
                f"id {value!r} is not lowercase ASCII words joined by '-' (e.g. greater-bay-area)",
            )
        return value

    @field_validator("zh_hans", "zh_hant_hk", "en")
    @classmethod
    def _required_form(cls, value: str, info: Any) -> str:
        return _check_text(value, info.field_name, required=True, is_form=True)

    @field_validator("zh_hant_tw", mode="before")
    @classmethod
    def _optional_form(cls, value: Any) -> Any:
        if value == "":
            return None
        if isinstance(value, str):
            return _check_text(value, "zh_hant_tw", required=True, is_form=True)
        return value

    @field_validator("zh_variants", "en_variants", "forbidden_en")
    @classmethod
    def _list_items(cls, value: list[str], info: Any) -> list[str]:
        for item in value:
            _check_text(item, info.field_name, required=True, is_form=True)
        return value

    @field_validator("category")
    @classmethod
    def _known_category(cls, value: str) -> str:
        if value not in CATEGORIES:
            raise _refuse(
                "bad-category",
                f"category {value!r} is not one of: {', '.join(sorted(CATEGORIES))}",
            )
        return value

    @field_validator("note", "evidence")
    @classmethod
    def _free_text(cls, value: str, info: Any) -> str:
        return _check_text(value, info.field_name, required=False, is_form=False)

    def zh_form(self, script: str) -> str:
        """The form to write in `script` (Macao and generic Traditional use the Hong Kong form).

        >>> t = Term(id="x", zh_hans="信息", zh_hant_hk="資訊", zh_hant_tw="資訊",
        ...          en="information", category="term")
        >>> t.zh_form("zh-Hans"), t.zh_form("zh-Hant-MO")
        ('信息', '資訊')
        """
        if script == "zh-Hans":
            return self.zh_hans
        if script in ("zh-Hant", "zh-Hant-HK", "zh-Hant-MO"):
            return self.zh_hant_hk
        if script == "zh-Hant-TW":
            return self.zh_hant_tw or self.zh_hant_hk
        raise ValueError(f"unknown script tag {script!r}; use one of {', '.join(SCRIPT_TAGS)}")

    def zh_forms(self) -> list[tuple[str, str]]:
        """Every Chinese form with its label, primary forms first, duplicates removed."""
        pairs = [("zh-Hans", self.zh_hans), ("zh-Hant-HK", self.zh_hant_hk)]
        if self.zh_hant_tw:
            pairs.append(("zh-Hant-TW", self.zh_hant_tw))
        pairs.extend(("variant", v) for v in self.zh_variants)
        seen: set[str] = set()
        out = []
        for label, form in pairs:
            if form not in seen:
                seen.add(form)
                out.append((label, form))
        return out

    def content(self) -> dict[str, Any]:
        """The entry without its source line, for comparing entries from different files."""
        return self.model_dump(exclude={"line"})


class TermMatch(NamedTuple):
    """A glossary term found in a text: text[start:end] == matched."""

    term: Term
    start: int
    end: int
    matched: str
    variant: str


class LintFinding(NamedTuple):
    """One problem found in a glossary: `path:line: code: message` when printed."""

    code: str
    severity: str
    line: int | None
    term_id: str | None
    message: str


# --------------------------------------------------------------------------- matching
def _fold_table() -> dict[str, str]:
    # One character in, one character out: offsets in the folded text are offsets in the
    # original, so matches can be reported on the text the user gave. Only characters that
    # occur inside names are folded (not ，。：), so Chinese prose rarely needs any change.
    table: dict[str, str] = {}
    for cp in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B),
               0xFF06, 0xFF08, 0xFF09, 0xFF0B, 0xFF0D, 0xFF0E, 0xFF0F, 0xFF3B, 0xFF3D]:
        table[chr(cp)] = chr(cp - 0xFEE0)
    table["\u3000"] = table["\u00a0"] = " "
    for cp in (0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212):
        table[chr(cp)] = "-"
    for cp in (0x2027, 0x30FB, 0xFF65):
        table[chr(cp)] = "·"
    table["\u2018"] = table["\u2019"] = "'"
    return table


_FOLD = _fold_table()
_FOLDABLE = re.compile("[" + "".join(re.escape(ch) for ch in _FOLD) + "]")


def fold(text: str) -> str:
    """Fold full-width letters, digits and brackets, dashes, middle dots and odd spaces,
    one character for one.

    >>> fold("港科大（广州）—Ａ，")
    '港科大(广州)-A，'
    """
    if not _FOLDABLE.search(text):
        return text
    return _FOLDABLE.sub(lambda m: _FOLD[m.group()], text)


def _fold_lower(text: str) -> str:
    folded = fold(text)
    lowered = folded.lower()
    if len(lowered) == len(folded):
        return lowered
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in folded)


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _leftmost_longest(candidates: Iterable[tuple[int, int, Any]]) -> list[tuple[int, int, Any]]:
    """Pick non-overlapping spans left to right, the longest at each start.

    >>> _leftmost_longest([(0, 2, "a"), (0, 4, "b"), (1, 6, "c"), (4, 5, "d")])
    [(0, 4, 'b'), (4, 5, 'd')]
    """
    best: dict[int, tuple[int, int, Any]] = {}
    for start, end, payload in candidates:
        kept = best.get(start)
        if kept is None or end > kept[1]:
            best[start] = (start, end, payload)
    chosen = []
    cursor = 0
    for start in sorted(best):
        if start >= cursor:
            chosen.append(best[start])
            cursor = best[start][1]
    return chosen


def _as_bytes(text: str) -> str:
    """The UTF-8 bytes of `text`, one latin-1 character per byte.

    pyahocorasick looks up a node's children linearly, so a root with tens of thousands of
    distinct CJK first characters makes every step slow (0.9 MB/s at 10k entries, measured);
    over UTF-8 bytes no node has more than 64–128 children (35–55 MB/s, measured).

    >>> _as_bytes("湾A").encode("latin-1").decode("utf-8")
    '湾A'
    """
    return text.encode("utf-8").decode("latin-1")


class _Matcher:
    """An Aho–Corasick automaton over folded keys; values are (key length, payload)."""

    def __init__(self, entries: Iterable[tuple[str, Any]]) -> None:
        import ahocorasick

        self._automaton = ahocorasick.Automaton()
        payloads: dict[str, Any] = {}
        for key, payload in entries:
            if key and key not in payloads:
                payloads[key] = payload
        for key, payload in payloads.items():
            self._automaton.add_word(_as_bytes(key), (len(key), payload))
        self.size = len(payloads)
        if self.size:
            self._automaton.make_automaton()

    def spans(self, folded: str) -> Iterator[tuple[int, int, Any]]:
        """(start, end, payload) of every key occurrence, overlapping, in character offsets."""
        if not self.size:
            return
        raw = folded.encode("utf-8")
        ascii_only = len(raw) == len(folded)
        done_bytes = done_chars = 0
        # Matches arrive in order of their end, so byte offsets convert to character offsets
        # by decoding each stretch of the text once.
        for last_byte, (length, payload) in self._automaton.iter(raw.decode("latin-1")):
            end_byte = last_byte + 1
            if ascii_only:
                end = end_byte
            else:
                done_chars += len(raw[done_bytes:end_byte].decode("utf-8"))
                done_bytes = end_byte
                end = done_chars
            yield end - length, end, payload


# --------------------------------------------------------------------------- OpenCC overrides
_TO_HK_CONFIGS = frozenset({"s2hk", "s2hkp", "s2t"})
_TO_TW_CONFIGS = frozenset({"s2tw", "s2twp"})
_TO_HANS_CONFIGS = frozenset({"t2s", "hk2s", "tw2s", "hk2sp", "tw2sp"})
_NO_OVERRIDE_CONFIGS = frozenset({"hk2t", "tw2t", "t2jp", "jp2t"})
OPENCC_CONFIGS: frozenset[str] = (
    _TO_HK_CONFIGS | _TO_TW_CONFIGS | _TO_HANS_CONFIGS | _NO_OVERRIDE_CONFIGS
    | frozenset({"t2hk", "t2tw"})
)


def _to_simplified(text: str) -> str:
    from .lint import opencc_convert

    return opencc_convert("hk2s", text)


def _variant_partners(term: Term) -> dict[str, str]:
    """Pair each Simplified variant with the Traditional variant listed beside it."""
    simplified_of = {v: _to_simplified(v) for v in term.zh_variants}
    partners: dict[str, str] = {}
    for trad, simp in simplified_of.items():
        if simp != trad and simp in simplified_of and simplified_of[simp] == simp:
            partners.setdefault(simp, trad)
    return partners


# --------------------------------------------------------------------------- the glossary
class Glossary:
    """A loaded glossary: its terms (sorted by id on save) plus header, comments and version.

    Treat it as immutable: `with_term` / `without_term` return new glossaries. Matchers are
    built lazily, once, and are safe to share between threads.
    """

    def __init__(
        self,
        terms: Iterable[Term],
        *,
        version: str = "",
        path: Path | None = None,
        header: list[str] | None = None,
        comments: dict[str, list[str]] | None = None,
        trailer: list[str] | None = None,
        had_bom: bool = False,
        had_crlf: bool = False,
    ) -> None:
        self.terms: list[Term] = list(terms)
        self.version = version
        self.path = path
        self.header: list[str] = list(header or [])
        self.comments: dict[str, list[str]] = dict(comments or {})
        self.trailer: list[str] = list(trailer or [])
        self.had_bom = had_bom
        self.had_crlf = had_crlf
        self._by_id: dict[str, Term] = {}
        for term in self.terms:
            self._by_id.setdefault(term.id, term)
        self._lock = threading.Lock()
        self._zh_matcher: _Matcher | None = None
        self._en_matcher: _Matcher | None = None

    def __len__(self) -> int:
        return len(self.terms)

    def __iter__(self) -> Iterator[Term]:
        return iter(self.terms)

    def __contains__(self, term_id: object) -> bool:
        return term_id in self._by_id

    def __repr__(self) -> str:
        return f"Glossary({len(self.terms)} terms, version={self.version!r}, path={self.path})"

    # ---------------------------------------------------------------- edits (new objects)
    def _derive(self, terms: list[Term], comments: dict[str, list[str]]) -> Glossary:
        return Glossary(
            terms, version=self.version, path=self.path, header=self.header,
            comments=comments, trailer=self.trailer,
        )

    def with_term(self, term: Term, *, replace: bool = False) -> Glossary:
        """A new glossary with `term` added, or replacing the entry with its id if `replace`."""
        if term.id in self._by_id and not replace:
            old = self._by_id[term.id]
            where = f" (line {old.line})" if old.line else ""
            raise GlossaryError(
                f"id {term.id!r} is already in the glossary{where}",
                path=str(self.path) if self.path else None,
                remedy="choose another id, or remove the old entry first",
            )
        terms = [t for t in self.terms if t.id != term.id] + [term]
        return self._derive(sorted(terms, key=lambda t: t.id), self.comments)

    def without_term(self, term_id: str) -> Glossary:
        """A new glossary without the entry `term_id` (and the comment block above it)."""
        self.get(term_id)
        comments = {k: v for k, v in self.comments.items() if k != term_id}
        return self._derive([t for t in self.terms if t.id != term_id], comments)

    def sorted(self) -> Glossary:
        """A new glossary with entries in stable id order."""
        return self._derive(sorted(self.terms, key=lambda t: t.id), self.comments)

    # ---------------------------------------------------------------- lookup
    def get(self, term_id: str) -> Term:
        """The entry with this id; GlossaryError naming close ids if there is none."""
        try:
            return self._by_id[term_id]
        except KeyError:
            import difflib

            close = difflib.get_close_matches(term_id, list(self._by_id), n=3)
            hint = f"did you mean {', '.join(close)}?" if close else "list ids with `gba-docs glossary search`"
            raise GlossaryError(
                f"no entry with id {term_id!r}",
                path=str(self.path) if self.path else None, remedy=hint,
            ) from None

    def _zh(self) -> _Matcher:
        with self._lock:
            if self._zh_matcher is None:
                self._zh_matcher = _Matcher(
                    (fold(form), (term, label))
                    for term in self.terms
                    for label, form in term.zh_forms()
                )
            return self._zh_matcher

    def _en(self) -> _Matcher:
        with self._lock:
            if self._en_matcher is None:
                entries: list[tuple[str, tuple[Term, str]]] = []
                for term in self.terms:
                    entries.append((_fold_lower(term.en), (term, "en")))
                    entries.extend((_fold_lower(v), (term, "en_variant")) for v in term.en_variants)
                for term in self.terms:
                    entries.extend(
                        (_fold_lower(v), (term, "forbidden_en")) for v in term.forbidden_en
                    )
                self._en_matcher = _Matcher(entries)
            return self._en_matcher

    def find(self, text: str) -> list[TermMatch]:
        """Chinese terms in `text`: longest match, left to right, never overlapping.

        Every form matches (zh_hans, zh_hant_hk, zh_hant_tw, zh_variants); `variant` says
        which. Full-width and half-width brackets, dashes and dots match each other.

        >>> g = Glossary([Term(id="gba", zh_hans="粤港澳大湾区", zh_hant_hk="粵港澳大灣區",
        ...                    en="Guangdong-Hong Kong-Macao Greater Bay Area",
        ...                    zh_variants=["大湾区"], category="region")])
        >>> [(m.matched, m.variant) for m in g.find("粵港澳大灣區和大湾区")]
        [('粵港澳大灣區', 'zh-Hant-HK'), ('大湾区', 'variant')]
        """
        if not text:
            return []
        chosen = _leftmost_longest(self._zh().spans(fold(text)))
        return [
            TermMatch(term, start, end, text[start:end], label)
            for start, end, (term, label) in chosen
        ]

    def find_english(self, text: str) -> list[TermMatch]:
        """English renderings in `text`, case-insensitive and on word boundaries.

        `variant` is "en", "en_variant" or "forbidden_en". A longer rendering wins over a
        shorter one inside it (approved "Greater Bay Area" hides a forbidden "Bay Area").

        >>> g = Glossary([Term(id="gba", zh_hans="大湾区", zh_hant_hk="大灣區",
        ...                    en="Greater Bay Area", forbidden_en=["Great Bay Area"],
        ...                    category="region")])
        >>> [(m.matched, m.variant) for m in g.find_english("the great bay area and GREATER BAY AREAS")]
        [('great bay area', 'forbidden_en')]
        """
        if not text:
            return []
        folded = _fold_lower(text)
        n = len(folded)

        def bounded(span: tuple[int, int, Any]) -> bool:
            start, end, _ = span
            if start > 0 and _is_word_char(folded[start - 1]) and _is_word_char(folded[start]):
                return False
            return not (end < n and _is_word_char(folded[end]) and _is_word_char(folded[end - 1]))

        chosen = _leftmost_longest(s for s in self._en().spans(folded) if bounded(s))
        return [
            TermMatch(term, start, end, text[start:end], label)
            for start, end, (term, label) in chosen
        ]

    # ---------------------------------------------------------------- feeding other tools
    def opencc_overrides(self, config: str) -> dict[str, str]:
        """Phrase dictionary (source form -> glossary form) to layer in front of an OpenCC config.

        s2hk/s2hkp/s2t give the Hong Kong form, s2tw/s2twp the Taiwan form (or the Hong Kong
        one), t2s/hk2s/tw2s/hk2sp/tw2sp the Simplified form, t2hk/t2tw map between the two
        Traditional forms; hk2t/tw2t/t2jp/jp2t need none. Entries mapping a form to itself are
        left out; when two entries claim one source form, the first by id wins (lint reports it).

        >>> g = Glossary([Term(id="t", zh_hans="传统制造业", zh_hant_hk="傳統製造業",
        ...                    en="traditional manufacturing", category="term", override=True)])
        >>> g.opencc_overrides("s2hk"), g.opencc_overrides("hk2s")
        ({'传统制造业': '傳統製造業'}, {'傳統製造業': '传统制造业'})
        """
        name = config.removesuffix(".json")
        if name not in OPENCC_CONFIGS:
            raise ConfigError(
                f"unknown OpenCC config {config!r}",
                remedy=f"use one of {', '.join(sorted(OPENCC_CONFIGS))}",
            )
        pairs: list[tuple[str, str]] = []
        for term in self.terms:
            pairs.extend(self._override_pairs(term, name))
        out: dict[str, str] = {}
        for source, target in pairs:
            if source != target:
                out.setdefault(source, target)
        return out

    @staticmethod
    def _override_pairs(term: Term, config: str) -> list[tuple[str, str]]:
        if config in _TO_HK_CONFIGS or config in _TO_TW_CONFIGS:
            target = term.zh_hant_hk if config in _TO_HK_CONFIGS else term.zh_form("zh-Hant-TW")
            pairs = [(term.zh_hans, target)]
            pairs.extend(_variant_partners(term).items() if term.zh_variants else [])
            return pairs
        if config in _TO_HANS_CONFIGS:
            pairs = [(term.zh_hant_hk, term.zh_hans)]
            if term.zh_hant_tw:
                pairs.append((term.zh_hant_tw, term.zh_hans))
            if term.zh_variants:
                pairs.extend((trad, simp) for simp, trad in _variant_partners(term).items())
            return pairs
        if config == "t2hk" and term.zh_hant_tw:
            return [(term.zh_hant_tw, term.zh_hant_hk)]
        if config == "t2tw" and term.zh_hant_tw:
            return [(term.zh_hant_hk, term.zh_hant_tw)]
        return []

    def jieba_words(self) -> list[str]:
        """Every Chinese form (both scripts and variants), once each, for jieba's dictionary.

        >>> Glossary([Term(id="gba", zh_hans="大湾区", zh_hant_hk="大灣區", en="GBA",
        ...                category="region")]).jieba_words()
        ['大湾区', '大灣區']
        """
        seen: dict[str, None] = {}
        for term in self.terms:
            for _, form in term.zh_forms():
                if any("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in form):
                    seen.setdefault(form, None)
        return list(seen)

    def annotate(self, doc: Document) -> Document:
        """A copy of `doc` whose `glossary_hits` list every term found in its blocks.

        Text is not changed. Table cells, raw blocks and rules are skipped (a hit cannot say
        which cell it is in). Earlier hits are replaced, so annotating twice gives one set.
        """
        from ..model import GlossaryHit

        hits: list[GlossaryHit] = []
        for block in doc.blocks:
            if block.kind in ("table", "raw", "rule") or not block.text:
                continue
            hits.extend(
                GlossaryHit(
                    term_id=m.term.id, block_id=block.id, start=m.start, end=m.end,
                    matched=m.matched, variant=m.variant,
                )
                for m in self.find(block.text)
            )
        return doc.model_copy(update={"glossary_hits": hits})
