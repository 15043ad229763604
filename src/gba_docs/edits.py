"""Read post-edited XLIFF 2.x back: (source, edited English) pairs for the translation memory.

Parsing is safe (lxml: no DTD, no entity expansion, no network). The pure part,
`read_xliff_edits`, only reads; `import_edits` stores confirmed segments as human entries.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError

XLIFF_NS = "urn:oasis:names:tc:xliff:document:2.0"
_X = "{" + XLIFF_NS + "}"
STATES = ("initial", "translated", "reviewed", "final")
DEFAULT_STATES = ("reviewed", "final")
"""Segments a CAT tool marks as confirmed by a person; `translated` needs an explicit opt-in."""


@dataclass(frozen=True)
class EditedSegment:
    """One segment of an edited XLIFF file."""

    unit_id: str
    segment_id: str
    source: str
    target: str | None
    state: str


@dataclass
class XliffFile:
    """What `read_xliff` found: languages, provenance notes and every segment."""

    path: str
    src_lang: str
    trg_lang: str
    segments: list[EditedSegment] = field(default_factory=list)
    provenance: dict[str, str] = field(default_factory=dict)


@dataclass
class ImportEditsReport:
    """Outcome of `import_edits`: how many pairs were stored or skipped, and why."""

    imported: int = 0
    skipped: int = 0
    problems: list[str] = field(default_factory=list)


def _refuse_dtd(data: bytes, path: str) -> None:
    head = data[: 64 * 1024]
    root = head.find(b"<xliff")
    prolog = (head if root < 0 else head[:root]).upper()
    if b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog:
        raise InputError("the XLIFF file declares a DTD", path=path,
                         remedy="remove the <!DOCTYPE …> block; XLIFF 2 files need none")


def _inline_text(element: Any) -> str:
    """Text of a <source>/<target>: `<cp hex>` decoded, `<pc>`/`<mrk>` kept, codes dropped."""
    parts = [element.text or ""]
    for child in element:
        tag = child.tag.split("}")[-1] if isinstance(child.tag, str) else ""
        if tag == "cp":
            try:
                parts.append(chr(int(child.get("hex", ""), 16)))
            except (ValueError, OverflowError):
                pass
        elif tag in ("pc", "mrk"):
            parts.append(_inline_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def read_xliff(path: str | os.PathLike[str]) -> XliffFile:
    """Parse an XLIFF 2.x file into segments (every segment, whatever its state)."""
    from lxml import etree

    name = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=name,
                         remedy="check the path and permissions") from exc
    _refuse_dtd(data, name)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             dtd_validation=False, huge_tree=False, remove_comments=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        raise InputError(f"not well-formed XML: {exc.msg}", path=name, line=line,
                         remedy="open it in the CAT tool and export it again") from exc
    if root.tag != f"{_X}xliff" or not str(root.get("version", "")).startswith("2."):
        raise InputError(f"not an XLIFF 2.x file (root {root.tag}, version "
                         f"{root.get('version')!r})", path=name,
                         remedy="export XLIFF 2.0 from the CAT tool; XLIFF 1.2 is not read")
    result = XliffFile(name, root.get("srcLang", ""), root.get("trgLang", ""))
    for file_el in root.iter(f"{_X}file"):
        for note in file_el.findall(f"{_X}notes/{_X}note"):
            if note.get("category") == "provenance" and note.get("id", "").startswith("p-"):
                result.provenance[note.get("id")[2:]] = note.text or ""
        for unit in file_el.iter(f"{_X}unit"):
            unit_id = unit.get("name") or unit.get("id") or ""
            for index, seg in enumerate(unit.findall(f"{_X}segment")):
                source_el = seg.find(f"{_X}source")
                target_el = seg.find(f"{_X}target")
                result.segments.append(EditedSegment(
                    unit_id=unit_id,
                    segment_id=seg.get("id") or f"{unit_id}.s{index}",
                    source=_inline_text(source_el) if source_el is not None else "",
                    target=_inline_text(target_el) if target_el is not None else None,
                    state=seg.get("state", "initial"),
                ))
    return result


def read_xliff_edits(path: str | os.PathLike[str]) -> list[EditedSegment]:
    """Every segment of an XLIFF 2.x file: unit id, segment id, source, target, state."""
    return read_xliff(path).segments


def confirmed(segments: Iterable[EditedSegment], states: Sequence[str] = DEFAULT_STATES
              ) -> tuple[list[EditedSegment], list[str]]:
    """Segments worth storing (a target, a source, an accepted state) and why others were not.

    >>> ok, why = confirmed([EditedSegment("b1", "b1.s0", "论坛", "Forum", "final"),
    ...                      EditedSegment("b2", "b2.s0", "会议", None, "initial")])
    >>> [s.target for s in ok], why
    (['Forum'], ['b2.s0: state initial'])
    """
    unknown = [s for s in states if s not in STATES]
    if unknown:
        raise ValueError(f"unknown XLIFF state(s) {unknown}; known: {', '.join(STATES)}")
    kept: list[EditedSegment] = []
    problems: list[str] = []
    for seg in segments:
        if seg.state not in states:
            problems.append(f"{seg.segment_id}: state {seg.state}")
        elif not seg.source.strip():
            problems.append(f"{seg.segment_id}: empty source")
        elif seg.target is None or not seg.target.strip():
            problems.append(f"{seg.segment_id}: empty target")
        else:
            kept.append(seg)
    return kept, problems


def import_edits(path: str | os.PathLike[str], tm_path: str | os.PathLike[str] | None = None,
                 *, states: Sequence[str] = DEFAULT_STATES, dry_run: bool = False
                 ) -> ImportEditsReport:
    """Store confirmed segments of an edited XLIFF file as human entries in the TM."""
    from .translate.memory import TMEntry, TranslationMemory

    xliff = read_xliff(path)
    kept, problems = confirmed(xliff.segments, states)
    report = ImportEditsReport(skipped=len(problems), problems=problems)
    glossary_version = xliff.provenance.get("glossary_version", "")
    entries = [
        TMEntry(source=seg.source.strip(), target=seg.target.strip() if seg.target else "",
                origin="human", engine="", model_version="", glossary_version=glossary_version,
                source_lang=xliff.src_lang or "zh-Hans", target_lang=xliff.trg_lang or "en",
                note=f"xliff:{Path(path).name}#{seg.segment_id}")
        for seg in kept
    ]
    if dry_run:
        report.imported = len(entries)
        return report
    with TranslationMemory(tm_path) as tm:
        report.imported = tm.store(entries)
    return report
