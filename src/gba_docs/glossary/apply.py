"""Use a glossary on text: terminology QA of a Chinese/English pair, and a jieba tokenizer that
keeps glossary terms whole.

It does not translate and does not convert scripts; it only looks at the text it is given.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from .model import Glossary

if TYPE_CHECKING:
    import jieba

    from ..model import Diagnostic

_ACCEPTED = frozenset({"en", "en_variant"})


def check_terminology(zh_text: str, en_text: str, glossary: Glossary) -> list[Diagnostic]:
    """QA one aligned pair: approved English missing for a term in the Chinese, and forbidden
    renderings present in the English.

    `term-missing` (warning): a term occurs in `zh_text` but neither its `en` nor any
    `en_variant` occurs in `en_text` (case-insensitive, on word boundaries). `term-forbidden`
    (error): a `forbidden_en` of any entry occurs in `en_text`. One finding per term.

    >>> from gba_docs.glossary.model import Term
    >>> g = Glossary([Term(id="gba", zh_hans="大湾区", zh_hant_hk="大灣區",
    ...                    en="Greater Bay Area", en_variants=["GBA"],
    ...                    forbidden_en=["Great Bay Area"], category="region")])
    >>> [d.code for d in check_terminology("大湾区论坛", "The Great Bay Area forum", g)]
    ['term-missing', 'term-forbidden']
    >>> check_terminology("大灣區論壇", "The GBA forum", g)
    []
    """
    from ..model import Diagnostic

    found_zh = glossary.find(zh_text)
    found_en = glossary.find_english(en_text or "")
    present = {m.term.id for m in found_en if m.variant in _ACCEPTED}
    out: list[Diagnostic] = []
    reported: set[str] = set()
    for match in found_zh:
        term = match.term
        if term.id in present or term.id in reported:
            continue
        reported.add(term.id)
        expected = [term.en, *term.en_variants]
        out.append(Diagnostic(
            code="term-missing", severity="warning",
            message=f"{match.matched!r} should be rendered as {term.en!r}"
            + (f" (or {', '.join(repr(v) for v in term.en_variants)})" if term.en_variants else ""),
            data={"term_id": term.id, "zh": match.matched, "zh_start": match.start,
                  "zh_end": match.end, "expected": expected},
        ))
    forbidden_seen: set[tuple[str, str]] = set()
    for match in found_en:
        if match.variant != "forbidden_en":
            continue
        key = (match.term.id, match.matched.lower())
        if key in forbidden_seen:
            continue
        forbidden_seen.add(key)
        out.append(Diagnostic(
            code="term-forbidden", severity="error",
            message=f"{match.matched!r} is a forbidden rendering; use {match.term.en!r}",
            data={"term_id": match.term.id, "en": match.matched, "en_start": match.start,
                  "en_end": match.end, "expected": [match.term.en, *match.term.en_variants]},
        ))
    return out


# --------------------------------------------------------------------------- jieba
_TOKENIZERS: dict[tuple[str, ...], jieba.Tokenizer] = {}
_TOKENIZER_LOCK = threading.Lock()


def jieba_tokenizer(glossary: Glossary | None = None) -> jieba.Tokenizer:
    """A jieba Tokenizer with every Chinese form of the glossary added as a word.

    Built once per process and glossary (loading jieba's dictionary takes ~0.7 s), so
    粤港澳大湾区 and 香港科學園 come out as one token. Words containing characters jieba
    splits on anyway (brackets, spaces) are still added but cannot stay whole.
    """
    words = glossary.jieba_words() if glossary is not None else []
    key = tuple(words)
    with _TOKENIZER_LOCK:
        cached = _TOKENIZERS.get(key)
        if cached is not None:
            return cached
        import jieba

        # jieba announces every dictionary load on stderr; the CLI's output stays clean.
        jieba.setLogLevel(logging.WARNING)
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        for word in words:
            tokenizer.add_word(word)
        _TOKENIZERS[key] = tokenizer
        return tokenizer
