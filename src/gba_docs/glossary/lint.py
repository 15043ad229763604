"""Glossary invariants: format problems, sort order, OpenCC agreement and conflicts between entries.

It reports `LintFinding`s and changes nothing; `gba-docs glossary lint` prints them and exits 4
when any is an error.
"""

from __future__ import annotations

import functools
import itertools
from collections import defaultdict
from pathlib import Path
from typing import Any

from ..errors import GlossaryError
from .model import Glossary, LintFinding, Term

ERROR = "error"
WARNING = "warning"
INFO = "info"


@functools.cache
def _converter(config: str) -> Any:
    import opencc

    return opencc.OpenCC(config)


def opencc_convert(config: str, text: str) -> str:
    """Convert with a built-in OpenCC config (converters are created once per process).

    >>> opencc_convert("s2hk", "粤港澳大湾区")
    '粵港澳大灣區'
    """
    return str(_converter(config).convert(text))


def lint_glossary(glossary_or_path: Glossary | str | Path | None) -> list[LintFinding]:
    """Every problem in a glossary (a path is parsed leniently so all problems are listed).

    None lints the shipped glossary. Findings are sorted by line.
    """
    from .io import default_glossary_path, parse_glossary_bytes

    findings: list[LintFinding] = []
    if isinstance(glossary_or_path, Glossary):
        glossary = glossary_or_path
    else:
        path = Path(glossary_or_path) if glossary_or_path is not None else default_glossary_path()
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise GlossaryError(f"cannot read glossary: {exc.strerror or exc}", path=str(path),
                                remedy="check the path") from exc
        try:
            glossary, findings = parse_glossary_bytes(raw, path=str(path), strict=False)
        except GlossaryError as exc:
            return [LintFinding("encoding", ERROR, exc.line, None, exc.message)]
    findings.extend(_file_findings(glossary))
    findings.extend(_order_findings(glossary.terms))
    for term in glossary.terms:
        findings.extend(_entry_findings(term))
    findings.extend(_cross_findings(glossary.terms))
    return sorted(findings, key=lambda f: (f.line or 0, f.code, f.term_id or ""))


def has_errors(findings: list[LintFinding]) -> bool:
    return any(f.severity == ERROR for f in findings)


def _file_findings(glossary: Glossary) -> list[LintFinding]:
    out = []
    if glossary.had_bom:
        out.append(LintFinding("bom", INFO, 1, None,
                               "file starts with a byte-order mark; saving removes it"))
    if glossary.had_crlf:
        out.append(LintFinding("crlf", INFO, 1, None,
                               "Windows (CRLF) line endings; saving writes LF"))
    if not glossary.version:
        out.append(LintFinding("no-version", WARNING, 1, None,
                               "no '# version: …' line in the header; add one so outputs can "
                               "record which glossary they used"))
    return out


def _order_findings(terms: list[Term]) -> list[LintFinding]:
    for before, after in itertools.pairwise(terms):
        if after.id < before.id:
            return [LintFinding(
                "unsorted", ERROR, after.line, after.id,
                f"rows are not sorted by id: {after.id!r} comes after {before.id!r} "
                "(run `gba-docs glossary sort`)",
            )]
    return []


def _entry_findings(term: Term) -> list[LintFinding]:
    out: list[LintFinding] = []

    def add(code: str, severity: str, message: str) -> None:
        out.append(LintFinding(code, severity, term.line, term.id, message))

    expected_hk = opencc_convert("s2hk", term.zh_hans)
    hk_agrees = expected_hk == term.zh_hant_hk
    if term.zh_hant_tw:
        out.extend(_taiwan_findings(term))
    if not term.override and not hk_agrees:
        add("opencc-hk", ERROR,
            f"zh_hant_hk {term.zh_hant_hk!r} differs from OpenCC s2hk {expected_hk!r}; "
            "fix the form or mark override=yes if the difference is deliberate")
    elif term.override and hk_agrees:
        add("override-not-needed", WARNING,
            "override=yes but zh_hant_hk agrees with OpenCC s2hk; clear the override column")
    for label, items in (("zh_variants", term.zh_variants), ("en_variants", term.en_variants),
                         ("forbidden_en", term.forbidden_en)):
        if len(set(items)) != len(items):
            add("duplicate-item", WARNING, f"{label} lists the same item twice")
    primary = {term.zh_hans, term.zh_hant_hk, term.zh_hant_tw}
    for variant in term.zh_variants:
        if variant in primary:
            add("variant-is-primary", WARNING,
                f"zh_variants repeats the primary form {variant!r}; remove it")
    en_lower = {term.en.lower()}
    for variant in term.en_variants:
        if variant.lower() in en_lower:
            add("variant-is-primary", WARNING,
                f"en_variants repeats the approved English {variant!r}; remove it")
    if not term.evidence:
        add("no-evidence", WARNING, "evidence is empty; name the official source of the English")
    return out


def _taiwan_findings(term: Term) -> list[LintFinding]:
    """The Taiwan column exists for regional vocabulary OpenCC does not produce (雲端運算 for
    云计算), so disagreeing with s2tw/s2twp is listed for review, not an error; Simplified
    characters left in it are a mistake."""
    tw = term.zh_hant_tw or ""
    out = []
    if tw == term.zh_hant_hk:
        out.append(LintFinding("tw-same-as-hk", WARNING, term.line, term.id,
                               "zh_hant_tw equals zh_hant_hk; leave zh_hant_tw empty"))
    if opencc_convert("t2s", tw) == tw and opencc_convert("s2tw", tw) != tw:
        out.append(LintFinding(
            "tw-not-traditional", WARNING, term.line, term.id,
            f"zh_hant_tw {tw!r} looks Simplified (OpenCC s2tw gives "
            f"{opencc_convert('s2tw', tw)!r}); write the Taiwan Traditional form"))
    options = {opencc_convert("s2tw", term.zh_hans), opencc_convert("s2twp", term.zh_hans)}
    if tw not in options:
        out.append(LintFinding(
            "tw-regional", INFO, term.line, term.id,
            f"zh_hant_tw {tw!r} is Taiwan vocabulary OpenCC does not produce "
            f"(s2tw/s2twp give {' / '.join(sorted(options))}); keep it only with evidence"))
    return out


def _cross_findings(terms: list[Term]) -> list[LintFinding]:
    out: list[LintFinding] = []
    primary_owner: dict[str, list[Term]] = defaultdict(list)
    variant_owner: dict[str, list[Term]] = defaultdict(list)
    for term in terms:
        for form in {term.zh_hans, term.zh_hant_hk, term.zh_hant_tw} - {None}:
            primary_owner[form].append(term)  # type: ignore[index]
        for form in set(term.zh_variants) - {term.zh_hans, term.zh_hant_hk, term.zh_hant_tw}:
            variant_owner[form].append(term)

    reported: set[tuple[str, ...]] = set()

    def pair(code: str, form: str, first: Term, second: Term, message: str) -> None:
        key = (code, *sorted((first.id, second.id)))
        if key in reported:
            return
        reported.add(key)
        out.append(LintFinding(code, ERROR, second.line, second.id, message))

    for form, owners in primary_owner.items():
        for other in owners[1:]:
            first = owners[0]
            if first.en != other.en:
                pair("zh-en-conflict", form, first, other,
                     f"{form!r} is in both {first.id!r} ({first.en!r}) and {other.id!r} "
                     f"({other.en!r}): one Chinese term, two English renderings")
            else:
                pair("duplicate-zh", form, first, other,
                     f"{form!r} is a form of both {first.id!r} and {other.id!r}; merge them")
    for form, owners in variant_owner.items():
        claimants = primary_owner.get(form, []) + owners
        for other in claimants[1:]:
            first = claimants[0]
            if first.id == other.id:
                continue
            code = "zh-en-conflict" if first.en != other.en else "variant-collision"
            pair(code, form, first, other,
                 f"variant {form!r} belongs to both {first.id!r} and {other.id!r}; "
                 "a variant must name one concept only")
    approved: dict[str, Term] = {}
    for term in terms:
        for english in [term.en, *term.en_variants]:
            approved.setdefault(english.lower(), term)
    for term in terms:
        for wrong in term.forbidden_en:
            owner = approved.get(wrong.lower())
            if owner is not None:
                whose = "its own" if owner.id == term.id else f"{owner.id!r}'s"
                out.append(LintFinding(
                    "forbidden-approved", ERROR, term.line, term.id,
                    f"forbidden_en {wrong!r} is {whose} approved English; QA would contradict itself",
                ))
    return out
