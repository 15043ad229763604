"""Translate the untranslated units of bilingual documents: glossary → TM → engine → QA.

Units are split into sentence segments (`b0007.s1` …); whole-term segments take the
glossary's English, the translation memory answers what it knows, and every remaining
segment of every document goes to the engine in one length-sorted batch. New results are
stored in the TM; terms and marks are protected and restored; terminology is checked. It does
not read or write files other than the TM, and never invents English for a failed segment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from ..errors import GbaDocsError, ModelNotInstalled, TranslationError
from ..model import (
    TRANSLATABLE_KINDS,
    BilingualDocument,
    Diagnostic,
    Mark,
    Origin,
    Segment,
    Unit,
)
from ..segment import join_sentences, split_sentences
from .base import Engine
from .memory import TMEntry, TranslationMemory
from .protect import Protected, Restored, Slot, TermSpan, TermStrategy, protect, restore

_END_PUNCT = {"。": ".", "！": "!", "？": "?", "；": ";", "：": ":", "，": ",", ".": ".",
              "!": "!", "?": "?", ";": ";", ":": ":"}
CALL_SIZE_PER_BATCH = 64
"""One engine call carries at most `batch_size * CALL_SIZE_PER_BATCH` segments (bounded memory)."""


class GlossaryLike(Protocol):
    """What translation needs from a glossary (see `gba_docs.glossary.Glossary`)."""

    version: str

    def find(self, text: str) -> list[Any]: ...


@dataclass
class TranslateStats:
    """Counts of one run. Segment counts are sentences; unit counts are blocks."""

    units: int = 0
    translated: int = 0
    untranslated: int = 0
    segments: int = 0
    from_tm: int = 0
    from_engine: int = 0
    from_glossary: int = 0
    engine_calls: int = 0
    tm_stored: int = 0
    qa: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass
class _Seg:
    doc: int
    unit: Unit
    number: int
    text: str
    start: int
    marks: list[Mark]
    terms: list[TermSpan]
    en: str | None = None
    origin: Origin | None = None
    en_marks: list[Mark] = field(default_factory=list)
    lost: list[Slot] = field(default_factory=list)


def source_text(unit: Unit) -> tuple[str, str] | None:
    """(script tag, text) to translate: zh-Hans if present, else the first script."""
    if "zh-Hans" in unit.zh:
        return "zh-Hans", unit.zh["zh-Hans"]
    for tag, text in unit.zh.items():
        return tag, text
    return None


def translate_documents(docs: list[BilingualDocument], engine: Engine | None, *,
                        tm: TranslationMemory | None = None, glossary: GlossaryLike | None = None,
                        protect_terms: TermStrategy = "placeholder", batch_size: int = 32) -> TranslateStats:
    """Fill `unit.en` for every untranslated unit with Chinese text, in place.

    Without an engine (None, or its model is not installed) units the TM cannot fully answer
    stay untranslated and each affected document gets one `mt-unavailable` diagnostic.
    """
    stats = TranslateStats()
    glossary_version = str(getattr(glossary, "version", "") or "") if glossary is not None else ""
    units: list[tuple[int, Unit, list[_Seg]]] = []
    for doc_index, doc in enumerate(docs):
        for unit in doc.units:
            if unit.status != "untranslated" or unit.kind not in TRANSLATABLE_KINDS:
                continue
            found = source_text(unit)
            if found is None or not found[1].strip():
                continue
            units.append((doc_index, unit, _segments(doc_index, unit, found[0], found[1], glossary)))
    stats.units = len(units)
    segs = [s for _, _, unit_segs in units for s in unit_segs]
    stats.segments = len(segs)
    stats.from_glossary = _from_glossary(segs, glossary)
    try:
        stats.from_tm = _from_tm(segs, engine, tm, glossary_version)
        tm_error: GbaDocsError | None = None
    except TranslationError as exc:  # locked by another process: go on without it, say so
        tm_error, tm = exc, None
    failure = _from_engine(segs, engine, protect_terms, batch_size, stats)
    stored_error = tm_error or _store_new(segs, engine, tm, glossary_version, stats)
    for doc_index, unit, unit_segs in units:
        _assemble(unit, unit_segs, glossary, stats)
    _document_diagnostics(docs, units, engine, failure, stored_error)
    return stats


# --------------------------------------------------------------------------- segmenting
def _segments(doc: int, unit: Unit, script: str, text: str, glossary: GlossaryLike | None) -> list[_Seg]:
    marks = unit.marks.get(script, [])
    out: list[_Seg] = []
    offset = 0
    for sentence in split_sentences(text, "zh"):
        start = offset + len(sentence) - len(sentence.lstrip())
        offset += len(sentence)
        core = sentence.strip()
        if not core:
            continue
        end = start + len(core)
        local = [m.model_copy(update={"start": max(m.start, start) - start,
                                      "end": min(m.end, end) - start})
                 for m in marks if m.start < end and m.end > start]
        terms = [TermSpan(m.start, m.end, m.term.en, m.term.id)
                 for m in (glossary.find(core) if glossary is not None else [])]
        out.append(_Seg(doc, unit, len(out) + 1, core, start, local, terms))
    return out


def _from_glossary(segs: list[_Seg], glossary: GlossaryLike | None) -> int:
    """Segments that are exactly one glossary term (plus end punctuation) take its English."""
    if glossary is None:
        return 0
    count = 0
    for seg in segs:
        core = seg.text.rstrip("".join(_END_PUNCT))
        tail = seg.text[len(core):]
        if len(seg.terms) == 1 and seg.terms[0].start == 0 and seg.terms[0].end == len(core):
            term = seg.terms[0]
            seg.en = term.english + "".join(_END_PUNCT.get(ch, ch) for ch in tail)
            seg.origin = Origin(kind="glossary", detail=f"term:{term.term_id}")
            seg.en_marks = [m.model_copy(update={"start": 0, "end": len(seg.en)}) for m in seg.marks]
            count += 1
    return count


def _from_tm(segs: list[_Seg], engine: Engine | None, tm: TranslationMemory | None,
             glossary_version: str) -> int:
    if tm is None:
        return 0
    todo = [s for s in segs if s.en is None]
    found = tm.lookup([s.text for s in todo], engine=engine.id if engine is not None else None,
                      model_version=engine.model_version if engine is not None else "",
                      glossary_version=glossary_version)
    for seg in todo:
        entry = found.get(seg.text)
        if entry is None:
            continue
        seg.en = entry.target
        seg.origin = Origin(kind="human" if entry.origin == "human" else "tm",
                            engine=entry.engine or None, model_version=entry.model_version or None,
                            detail=f"tm:{entry.id}")
        seg.en_marks = _whole_marks(seg)
    return sum(1 for s in todo if s.en is not None)


def _whole_marks(seg: _Seg) -> list[Mark]:
    """Marks covering the whole sentence map to the whole English; others cannot be placed."""
    if not seg.en:
        return []
    return [m.model_copy(update={"start": 0, "end": len(seg.en)}) for m in seg.marks
            if m.start == 0 and m.end >= len(seg.text)]


def _from_engine(segs: list[_Seg], engine: Engine | None, strategy: TermStrategy,
                 batch_size: int, stats: TranslateStats) -> GbaDocsError | None:
    todo = [s for s in segs if s.en is None]
    if not todo or engine is None:
        return None
    groups: dict[str, list[tuple[_Seg, Protected]]] = {}
    for seg in todo:
        prot = protect(seg.text, terms=seg.terms, marks=seg.marks, patterns=False, strategy=strategy)
        groups.setdefault(prot.text, []).append((seg, prot))
    ordered = sorted(groups, key=len)
    size = max(1, batch_size) * CALL_SIZE_PER_BATCH
    for start in range(0, len(ordered), size):
        chunk = ordered[start:start + size]
        try:
            outputs = engine.translate_batch(chunk)
            stats.engine_calls += 1
        except TranslationError as exc:
            return exc
        if len(outputs) != len(chunk):
            return TranslationError(f"engine {engine.id} returned {len(outputs)} segments for "
                                    f"{len(chunk)}", remedy="report this engine bug")
        for text, output in zip(chunk, outputs):
            for seg, prot in groups[text]:
                _apply_engine_output(seg, prot, output, engine)
                stats.from_engine += 1
    return None


def _apply_engine_output(seg: _Seg, prot: Protected, output: str, engine: Engine) -> None:
    if not output.strip():
        return
    restored: Restored = restore(output, prot, source_marks=seg.marks)
    seg.en = restored.text.strip()
    lead = len(restored.text) - len(restored.text.lstrip())
    seg.en_marks = [m.model_copy(update={"start": max(0, m.start - lead),
                                         "end": min(len(seg.en), m.end - lead)})
                    for m in restored.marks if m.end - lead > max(0, m.start - lead)]
    seg.lost = restored.missing
    seg.origin = Origin(kind="engine", engine=engine.id, model_version=engine.model_version)


def _store_new(segs: list[_Seg], engine: Engine | None, tm: TranslationMemory | None,
               glossary_version: str, stats: TranslateStats) -> GbaDocsError | None:
    if tm is None or engine is None:
        return None
    entries = {s.text: TMEntry(source=s.text, target=s.en, origin="machine", engine=engine.id,
                               model_version=engine.model_version,
                               glossary_version=glossary_version)
               for s in segs if s.en and s.origin is not None and s.origin.kind == "engine"}
    try:
        stats.tm_stored = tm.store(entries.values())
    except GbaDocsError as exc:
        return exc
    return None


# --------------------------------------------------------------------------- assembling
def _assemble(unit: Unit, segs: list[_Seg], glossary: GlossaryLike | None,
              stats: TranslateStats) -> None:
    found = source_text(unit)
    script = found[0] if found else "zh-Hans"
    unit.segments = [Segment(id=f"{unit.id}.s{s.number}", zh={script: s.text}, en=s.en,
                             origin=s.origin) for s in segs]
    if not segs or any(s.en is None for s in segs):
        stats.untranslated += 1
        return
    parts = [s.en or "" for s in segs]
    unit.en = join_sentences(parts, "en")
    unit.marks["en"] = _place_marks(unit.en, parts, segs)
    unit.origin = _unit_origin(segs)
    unit.status = "translated"
    stats.translated += 1
    findings = _qa(unit, segs, glossary)
    unit.qa.extend(findings)
    stats.qa += len(findings)


def _place_marks(joined: str, parts: list[str], segs: list[_Seg]) -> list[Mark]:
    marks: list[Mark] = []
    cursor = 0
    for part, seg in zip(parts, segs):
        at = joined.find(part.strip(), cursor) if part.strip() else -1
        if at < 0:
            continue
        lead = len(part) - len(part.lstrip())
        for m in seg.en_marks:
            start, end = at + m.start - lead, at + m.end - lead
            if 0 <= start < end <= len(joined):
                marks.append(m.model_copy(update={"start": start, "end": end}))
        cursor = at + len(part.strip())
    return _merge_adjacent(marks, joined)


def _merge_adjacent(marks: list[Mark], text: str) -> list[Mark]:
    """Join pieces of one mark split at a sentence boundary (same kind and attrs)."""
    merged: list[Mark] = []
    for m in sorted(marks, key=lambda k: (k.start, k.end)):
        last = merged[-1] if merged else None
        if last is not None and last.kind == m.kind and last.attrs == m.attrs \
                and not text[last.end:m.start].strip():
            merged[-1] = last.model_copy(update={"end": max(last.end, m.end)})
        else:
            merged.append(m)
    return merged


def _unit_origin(segs: Sequence[_Seg]) -> Origin:
    kinds = [s.origin.kind for s in segs if s.origin is not None]
    counts = {k: kinds.count(k) for k in dict.fromkeys(kinds)}
    detail = ", ".join(f"{n} {k}" for k, n in counts.items())
    engine_seg = next((s for s in segs if s.origin is not None and s.origin.kind == "engine"), None)
    if engine_seg is not None and engine_seg.origin is not None:
        return Origin(kind="engine", engine=engine_seg.origin.engine,
                      model_version=engine_seg.origin.model_version, detail=detail)
    if len(counts) == 1:
        first = segs[0].origin
        return Origin(kind=kinds[0], engine=first.engine if first else None,  # type: ignore[arg-type]
                      model_version=first.model_version if first else None, detail=detail)
    return Origin(kind="tm", detail=detail)


def _qa(unit: Unit, segs: list[_Seg], glossary: GlossaryLike | None) -> list[Diagnostic]:
    findings: list[Diagnostic] = []
    if glossary is not None:
        from ..glossary.apply import check_terminology

        zh = " ".join(s.text for s in segs)
        for d in check_terminology(zh, unit.en or "", glossary):  # type: ignore[arg-type]
            findings.append(d.model_copy(update={"block_id": unit.id}))
    for seg in segs:
        lost_marks = {s.mark_index for s in seg.lost if s.kind in ("mark-open", "mark-close")}
        for index in sorted(i for i in lost_marks if i is not None):
            mark = seg.marks[index] if index < len(seg.marks) else None
            findings.append(Diagnostic(
                code="mark-lost", severity="info", block_id=unit.id,
                message=f"the {mark.kind if mark else 'inline'} styling on "
                        f"{seg.text[mark.start:mark.end]!r} could not be placed in the English"
                        if mark else "inline styling could not be placed in the English",
                data={"segment": f"{unit.id}.s{seg.number}"}))
    return findings


def _document_diagnostics(docs: list[BilingualDocument], units: list[tuple[int, Unit, list[_Seg]]],
                          engine: Engine | None, failure: GbaDocsError | None,
                          store_error: GbaDocsError | None) -> None:
    left: dict[int, int] = {}
    for doc_index, unit, _ in units:
        if unit.status == "untranslated":
            left[doc_index] = left.get(doc_index, 0) + 1
    for doc_index, count in left.items():
        doc = docs[doc_index]
        if engine is None or isinstance(failure, ModelNotInstalled):
            remedy = (failure.remedy if failure is not None and failure.remedy
                      else "run: gba-docs models install zh en")
            doc.diagnostics.append(Diagnostic(
                code="mt-unavailable", severity="warning",
                message=f"no translation model: {count} unit(s) left untranslated; {remedy}",
                data={"untranslated": count, "command": "gba-docs models install zh en"}))
        elif failure is not None:
            doc.diagnostics.append(Diagnostic(
                code="mt-failed", severity="error",
                message=f"translation failed, {count} unit(s) left untranslated: {failure}",
                data={"untranslated": count}))
    if store_error is not None:
        touched = sorted({doc_index for doc_index, _, _ in units})
        for doc_index in touched:
            docs[doc_index].diagnostics.append(Diagnostic(
                code="tm-store-failed", severity="error",
                message=f"the translation memory could not be used; new translations are in "
                        f"the document but were not stored: {store_error}",
                data={}))
