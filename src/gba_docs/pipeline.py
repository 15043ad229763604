"""The pipeline: bytes → Document → fixes → glossary → scripts → units → translation → files.

This is the only module (with the CLI) that knows every stage. `read_*` give a clean
`Document`; `convert` gives a `BilingualDocument`; `convert_many` writes a batch of files,
one status per file, and never lets one bad file stop the others.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from . import __version__
from ._io import atomic_write, inside, safe_stem
from .config import ConvertOptions
from .errors import GbaDocsError, InputError, ModelNotInstalled
from .model import (
    TRANSLATABLE_KINDS,
    BilingualDocument,
    Diagnostic,
    Document,
    Origin,
    Source,
    Table,
    Unit,
)
from .readers import READERS, detect_format
from .readers._decode import decode_bytes

log = logging.getLogger(__name__)

INPUT_SUFFIXES = (".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml")
Status = Literal["success", "partial", "failed", "skipped"]


# --------------------------------------------------------------------------- reading
def read_bytes(
    data: bytes, *, path: str | None = None, options: ConvertOptions | None = None
) -> Document:
    """Decode, detect the shape, read and fix one input. Raises `InputError` if unreadable."""
    opts = options or ConvertOptions()
    decoded = decode_bytes(data, path, encoding=opts.encoding, max_bytes=opts.max_bytes)
    fmt = opts.input_format if opts.input_format != "auto" else detect_format(decoded.text, path)
    source = Source(
        path=path,
        format=fmt,
        encoding=decoded.encoding,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        line_endings=decoded.line_endings,
    )
    doc = READERS[fmt](decoded.text, source)
    doc = doc.model_copy(
        update={"source": source, "diagnostics": [*decoded.diagnostics, *doc.diagnostics]}
    )
    doc = _run_fixes(doc, opts)
    return _with_script(doc)


def read_path(path: str | Path, *, options: ConvertOptions | None = None) -> Document:
    """Read one file from disk (see `read_bytes`)."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except IsADirectoryError as exc:
        raise InputError("is a folder, not a file", path=str(p),
                         remedy="use convert_many or `gba-docs convert FOLDER`") from exc
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=str(p),
                         remedy="check the path and permissions") from exc
    return read_bytes(data, path=str(p), options=options)


def _run_fixes(doc: Document, opts: ConvertOptions) -> Document:
    from .fixes import run_fixes

    return run_fixes(doc, enable=opts.fixes, disable=opts.skip_fixes)


def _with_script(doc: Document) -> Document:
    from .script import detect_script

    return doc.model_copy(update={"script": detect_script(doc.visible_text()[:200_000])})


# --------------------------------------------------------------------------- glossary
def load_glossary_for(opts: ConvertOptions) -> Any | None:
    """The glossary named by the options (or the shipped one), or None if disabled."""
    if not opts.use_glossary:
        return None
    from .glossary import load_glossary

    return load_glossary(opts.glossary)


# --------------------------------------------------------------------------- bilingual
def build_bilingual(
    doc: Document, *, scripts: Sequence[str], glossary: Any | None = None, phrases: bool = False
) -> BilingualDocument:
    """One unit per translatable block, with the Chinese in every requested script."""
    from .script import convert_script

    if glossary is not None:
        doc = glossary.annotate(doc)
    views: dict[str, Document] = {}
    diagnostics: list[Diagnostic] = []
    for tag in scripts:
        converted = convert_script(doc, tag, glossary=glossary, phrases=phrases)
        views[tag] = converted
        diagnostics.extend(d for d in converted.diagnostics if d not in doc.diagnostics)
    units = [_unit_for(block, views, doc) for block in doc.blocks]
    hits_by_block: dict[str, list[Any]] = {}
    for hit in doc.glossary_hits:
        hits_by_block.setdefault(hit.block_id, []).append(hit)
    for unit in units:
        unit.glossary_hits = hits_by_block.get(unit.id, [])
    return BilingualDocument(
        source=doc,
        scripts=list(scripts),
        units=units,
        diagnostics=diagnostics,
        provenance={
            "tool": "gba-docs",
            "tool_version": __version__,
            "source_script": doc.script,
            "scripts": {tag: _config_of(views[tag]) for tag in scripts},
            "glossary_version": getattr(glossary, "version", None),
        },
    )


def _config_of(view: Document) -> str | None:
    for change in view.changes:
        if change.step == "convert_script" and change.note:
            return change.note
    return None


def _block_text(block: Any) -> str:
    if isinstance(block, Table):
        return "\n".join("\t".join(row) for row in block.rows)
    return str(block.text)


def _unit_for(block: Any, views: dict[str, Document], doc: Document) -> Unit:
    translatable = block.kind in TRANSLATABLE_KINDS and bool(_block_text(block).strip())
    zh: dict[str, str] = {}
    marks: dict[str, list[Any]] = {}
    for tag, view in views.items():
        converted = view.block(block.id)
        zh[tag] = _block_text(converted)
        marks[tag] = list(converted.marks)
    attrs: dict[str, Any] = {}
    if block.kind == "heading":
        attrs["level"] = block.level
    if block.kind == "list_item":
        attrs.update(ordered=block.ordered, number=block.number, depth=block.depth)
    if block.kind == "credit":
        attrs["role"] = block.role
    if block.kind == "image":
        attrs["src"] = block.src
    if block.kind == "table":
        attrs["rows"] = {tag: views[tag].block(block.id).rows for tag in views}  # type: ignore[union-attr]
        attrs["header_rows"] = block.header_rows
    return Unit(
        id=block.id,
        kind=block.kind,
        zh_block_ids=[block.id],
        zh=zh,
        marks=marks,
        status="untranslated" if translatable else "passthrough",
        origin=None if translatable else Origin(kind="source"),
        attrs=attrs,
    )


# --------------------------------------------------------------------------- translation
@dataclass
class Translator:
    """The engine, TM and glossary for a run, opened once and shared by every document."""

    engine: Any | None
    tm: Any | None
    glossary: Any | None
    protect_terms: str = "placeholder"
    unavailable: str | None = None

    def translate(self, docs: list[BilingualDocument]) -> dict[str, int]:
        from .translate.run import translate_documents

        stats = translate_documents(
            docs, self.engine, tm=self.tm, glossary=self.glossary, protect_terms=self.protect_terms
        )
        if self.engine is None and self.unavailable:
            for bi in docs:
                _note_mt_unavailable(bi, self.unavailable)
        return dict(vars(stats)) if hasattr(stats, "__dict__") else dict(stats)

    def close(self) -> None:
        if self.tm is not None and hasattr(self.tm, "close"):
            self.tm.close()


def _note_mt_unavailable(bi: BilingualDocument, message: str) -> None:
    if not any(d.code == "mt-unavailable" for d in bi.diagnostics):
        bi.diagnostics.append(Diagnostic(code="mt-unavailable", severity="info", message=message))


def open_translator(opts: ConvertOptions, glossary: Any | None) -> Translator:
    """Open the engine the options ask for; a missing model is noted, not fatal."""
    from .translate import get_engine

    tm = None
    if opts.use_tm and opts.engine != "none":
        from .translate.memory import TranslationMemory

        tm = TranslationMemory(opts.tm)
    if opts.engine == "none":
        return Translator(None, tm, glossary, opts.protect_terms,
                          unavailable="translation disabled (--engine none)")
    try:
        engine = get_engine(
            "argos" if opts.engine == "auto" else opts.engine,
            model_dir=opts.model_dir,
            beam_size=opts.beam_size,
            threads=opts.threads,
            device=opts.device,
            compute_type=opts.compute_type,
        )
    except ModelNotInstalled as exc:
        if opts.engine == "argos":
            raise
        return Translator(None, tm, glossary, opts.protect_terms, unavailable=str(exc))
    return Translator(engine, tm, glossary, opts.protect_terms)


# --------------------------------------------------------------------------- one document
def convert(
    source: str | Path | bytes | Document,
    *,
    options: ConvertOptions | None = None,
    translator: Translator | None = None,
    glossary: Any | None = None,
) -> BilingualDocument:
    """Read (if needed) and convert one document into a `BilingualDocument`.

    With no translator, the engine named by the options is opened (an installed Argos model,
    or none: then every unit stays explicitly untranslated and a diagnostic says how to install
    one).
    """
    opts = options or ConvertOptions()
    if isinstance(source, Document):
        doc = source
    elif isinstance(source, bytes):
        doc = read_bytes(source, options=opts)
    else:
        doc = read_path(source, options=opts)
    if glossary is None:
        glossary = load_glossary_for(opts)
    bi = build_bilingual(doc, scripts=opts.scripts, glossary=glossary, phrases=opts.phrases)
    own = translator is None
    translator = translator or open_translator(opts, glossary)
    try:
        translator.translate([bi])
    finally:
        if own:
            translator.close()
    return bi


# --------------------------------------------------------------------------- many documents
@dataclass
class FileResult:
    """What happened to one input."""

    path: str
    status: Status
    outputs: list[str] = field(default_factory=list)
    error: str | None = None
    warnings: int = 0
    units: int = 0
    translated: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        detail = self.error or f"{self.units} units, {self.translated} translated, {len(self.outputs)} files"
        if self.warnings and not self.error:
            detail += f", {self.warnings} warnings"
        return f"{self.status:8} {self.path}: {detail}"


@dataclass
class BatchReport:
    files: list[FileResult] = field(default_factory=list)
    translation: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)

    @property
    def failed(self) -> int:
        return self.count("failed")

    def summary(self) -> str:
        parts = [f"{self.count(s)} {s}" for s in ("success", "partial", "failed", "skipped")]
        return f"{len(self.files)} files: " + ", ".join(parts) + f" in {self.seconds:.1f} s"


def iter_inputs(paths: Iterable[str | Path]) -> Iterator[tuple[Path, Path]]:
    """Yield (file, root) for every input file under the given files and folders, sorted."""
    for given in paths:
        p = Path(given)
        if p.is_dir():
            for child in sorted(p.rglob("*")):
                if child.is_file() and child.suffix.lower() in INPUT_SUFFIXES and not _hidden(child, p):
                    yield child, p
        else:
            yield p, p.parent


def _hidden(child: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in child.relative_to(root).parts)


def output_stem(path: Path, root: Path, out_dir: Path) -> Path:
    """Where outputs for `path` go: the same relative folder under out_dir, a safe name."""
    try:
        rel = path.relative_to(root)
    except ValueError:
        rel = Path(path.name)
    parts = [safe_stem(part) for part in rel.parent.parts if part not in ("", ".", "..")]
    stem = out_dir.joinpath(*parts, safe_stem(path.stem))
    if not inside(out_dir, stem.parent / "x"):
        stem = out_dir / safe_stem(path.stem)
    return stem


def write_outputs(bi: BilingualDocument, stem: Path, formats: Sequence[str], out_dir: Path) -> list[str]:
    """Render every requested format and write each file atomically; return the paths."""
    from .writers import render_outputs

    written: list[str] = []
    for suffix, payload in render_outputs(bi, formats):
        target = stem.with_name(stem.name + suffix)
        if not inside(out_dir, target):
            raise GbaDocsError(f"refusing to write outside the output folder: {target.name}")
        if bi.source.source.path and Path(bi.source.source.path).resolve() == target.resolve():
            raise GbaDocsError("refusing to overwrite the input", path=str(target),
                               remedy="choose another output folder with -o")
        atomic_write(target, payload)
        written.append(str(target))
    return written


def convert_many(
    inputs: Iterable[str | Path],
    out_dir: str | Path,
    *,
    options: ConvertOptions | None = None,
    on_result: Any | None = None,
    chunk_size: int = 16,
) -> BatchReport:
    """Convert every input, writing outputs under out_dir; one bad file never stops the batch.

    Documents are translated in chunks (one engine batch per chunk, sorted by length), so
    memory stays bounded however large the corpus is.
    """
    opts = options or ConvertOptions()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    report = BatchReport()
    glossary = load_glossary_for(opts)
    translator = open_translator(opts, glossary)
    try:
        pending: list[tuple[FileResult, BilingualDocument, Path]] = []
        for path, root in iter_inputs(inputs):
            result, bi = _prepare_one(path, opts, glossary)
            if bi is None:
                _finish(report, result, on_result)
                continue
            pending.append((result, bi, output_stem(path, root, out)))
            if len(pending) >= chunk_size:
                _flush(pending, translator, opts, out, report, on_result)
        _flush(pending, translator, opts, out, report, on_result)
    finally:
        translator.close()
    report.seconds = time.perf_counter() - started
    return report


def _prepare_one(path: Path, opts: ConvertOptions, glossary: Any | None) -> tuple[FileResult, BilingualDocument | None]:
    started = time.perf_counter()
    result = FileResult(path=str(path), status="success")
    try:
        doc = read_path(path, options=opts)
        bi = build_bilingual(doc, scripts=opts.scripts, glossary=glossary, phrases=opts.phrases)
    except GbaDocsError as exc:
        result.status, result.error = "failed", str(exc)
        return result, None
    except Exception as exc:  # a bug must cost one file, not the batch
        log.exception("unexpected error reading %s", path)
        result.status, result.error = "failed", f"{path}: internal error: {exc!r}"
        return result, None
    result.seconds = time.perf_counter() - started
    return result, bi


def _flush(
    pending: list[tuple[FileResult, BilingualDocument, Path]],
    translator: Translator,
    opts: ConvertOptions,
    out: Path,
    report: BatchReport,
    on_result: Any | None,
) -> None:
    if not pending:
        return
    try:
        stats = translator.translate([bi for _, bi, _ in pending])
        for key, value in stats.items():
            report.translation[key] = report.translation.get(key, 0) + int(value)
    except GbaDocsError as exc:
        for result, bi, _ in pending:
            bi.diagnostics.append(Diagnostic(code="mt-failed", severity="error", message=str(exc)))
    for result, bi, stem in pending:
        started = time.perf_counter()
        try:
            result.outputs = write_outputs(bi, stem, opts.to, out)
        except GbaDocsError as exc:
            result.status, result.error = "failed", str(exc)
        except Exception as exc:
            log.exception("unexpected error writing %s", result.path)
            result.status, result.error = "failed", f"{result.path}: internal error: {exc!r}"
        result.units = sum(1 for u in bi.units if u.status != "passthrough")
        result.translated = sum(1 for u in bi.units if u.en is not None and u.status != "passthrough")
        result.warnings = _count_warnings(bi)
        if result.status == "success" and _has_errors(bi):
            result.status = "partial"
        result.seconds += time.perf_counter() - started
        _finish(report, result, on_result)
    pending.clear()


def _count_warnings(bi: BilingualDocument) -> int:
    diags = [*bi.source.diagnostics, *bi.diagnostics, *(d for u in bi.units for d in u.qa)]
    return sum(1 for d in diags if d.severity in ("warning", "error"))


def _has_errors(bi: BilingualDocument) -> bool:
    return any(d.severity == "error" for d in (*bi.source.diagnostics, *bi.diagnostics))


def _finish(report: BatchReport, result: FileResult, on_result: Any | None) -> None:
    report.files.append(result)
    if on_result is not None:
        on_result(result)
