"""The pipeline: bytes → Document → fixes → glossary → scripts → units → translation → files.

This is the only module (with the CLI) that knows every stage. `read_*` give a clean
`Document`; `convert` gives a `BilingualDocument`; `convert_many` writes a batch of files,
one status per file, and never lets one bad file stop the others.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import __version__
from ._io import atomic_write, inside
from .config import ConvertOptions
from .errors import InputError, ModelNotInstalled, WriteError
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
        # conversion only appends diagnostics, so the new ones are the tail
        diagnostics.extend(converted.diagnostics[len(doc.diagnostics):])
    by_id = {tag: {b.id: b for b in view.blocks} for tag, view in views.items()}
    units = [_unit_for(block, by_id) for block in doc.blocks]
    if doc.script == "none" and doc.blocks:
        # no Chinese at all: nothing to convert or translate from Chinese
        diagnostics.append(Diagnostic(
            code="source-not-chinese", severity="warning",
            message="the document has no Chinese text; it is passed through untranslated "
                    "(to pair it with a Chinese version use `gba-docs align`)"))
        for unit in units:
            unit.status, unit.origin = "passthrough", Origin(kind="source")
    hits_by_block: dict[str, list[Any]] = {}
    for hit in doc.glossary_hits:
        hits_by_block.setdefault(hit.block_id, []).append(hit)
    for unit in units:
        unit.glossary_hits = hits_by_block.get(unit.id, [])
    return BilingualDocument(
        source=doc,
        scripts=list(scripts),
        units=units,
        view_meta={tag: view.meta for tag, view in views.items()},
        diagnostics=diagnostics,
        provenance={
            "tool": "gba-docs",
            "tool_version": __version__,
            "created": _created(),
            "source_script": doc.script,
            "scripts": {tag: _config_of(views[tag]) for tag in scripts},
            "glossary_version": getattr(glossary, "version", None),
            "glossary_terms": _hit_terms(doc, glossary),
        },
    )


def _created() -> str:
    """UTC creation time; SOURCE_DATE_EPOCH (the reproducible-builds convention) fixes it."""
    import datetime as dt
    import os

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = (dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc) if epoch and epoch.isdigit()
              else dt.datetime.now(dt.timezone.utc))
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _hit_terms(doc: Document, glossary: Any | None) -> dict[str, dict[str, str]]:
    """Approved forms of every glossary term found, for writers (hover text, notes)."""
    if glossary is None:
        return {}
    terms: dict[str, dict[str, str]] = {}
    for hit in doc.glossary_hits:
        if hit.term_id not in terms:
            term = glossary.get(hit.term_id)
            terms[hit.term_id] = {"en": term.en, "zh-Hans": term.zh_hans, "zh-Hant-HK": term.zh_hant_hk}
    return terms


def _config_of(view: Document) -> str | None:
    for change in view.changes:
        if change.step == "convert_script" and change.note:
            return change.note
    return None


def _block_text(block: Any) -> str:
    if isinstance(block, Table):
        return "\n".join("\t".join(row) for row in block.rows)
    return str(block.text)


def _unit_for(block: Any, views: dict[str, dict[str, Any]]) -> Unit:
    translatable = block.kind in TRANSLATABLE_KINDS and bool(_block_text(block).strip())
    zh: dict[str, str] = {}
    marks: dict[str, list[Any]] = {}
    for tag, view in views.items():
        converted = view[block.id]
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
        attrs["rows"] = {tag: views[tag][block.id].rows for tag in views}
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
    disabled: bool = False

    def translate(self, docs: list[BilingualDocument]) -> dict[str, int]:
        """Translate every untranslated unit of these documents in one engine batch."""
        if self.disabled:
            for bi in docs:
                bi.diagnostics.append(Diagnostic(
                    code="mt-disabled", severity="info",
                    message="translation disabled (--mt none): units left untranslated"))
            return {}
        from .translate.run import translate_documents

        stats = translate_documents(
            docs, self.engine, tm=self.tm, glossary=self.glossary, protect_terms=self.protect_terms
        )
        return {k: v for k, v in vars(stats).items() if isinstance(v, int)}

    def close(self) -> None:
        if self.tm is not None and hasattr(self.tm, "close"):
            self.tm.close()


def open_translator(opts: ConvertOptions, glossary: Any | None) -> Translator:
    """Open the engine the options ask for. With `mt="auto"` a missing model is not fatal:
    units stay untranslated and each document says how to install one."""
    if opts.mt == "none":
        return Translator(None, None, glossary, opts.protect_terms, disabled=True)
    from .translate import get_engine

    tm = None
    if opts.use_tm:
        from .translate.memory import TranslationMemory

        tm = TranslationMemory(opts.tm)
    engine_options: dict[str, Any] = {}
    if opts.mt in ("auto", "argos"):
        engine_options = dict(
            packages_dir=opts.model_dir,
            beam_size=opts.beam_size,
            intra_threads=opts.threads,
            device=opts.device,
            compute_type=opts.compute_type,
        )
    try:
        engine = get_engine("argos" if opts.mt == "auto" else opts.mt, **engine_options)
    except ModelNotInstalled:
        if opts.mt == "argos":
            if tm is not None:
                tm.close()
            raise
        engine = None
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


# --------------------------------------------------------------------------- outputs
def write_outputs(
    bi: BilingualDocument,
    stem: Path,
    formats: Sequence[str],
    out_dir: Path,
    *,
    protected: Iterable[str] = (),
) -> list[str]:
    """Render every requested format and write each file atomically; return the paths.

    Nothing is written outside out_dir, and no input (the document's own, or any in
    `protected`) is ever overwritten.
    """
    from .writers import render

    never = {str(Path(p).resolve()) for p in protected}
    if bi.source.source.path:
        never.add(str(Path(bi.source.source.path).resolve()))
    rendered: list[tuple[Path, str | bytes]] = []
    for fmt in formats:
        for suffix, payload in render(bi, fmt).items():
            target = stem.with_name(stem.name + suffix)
            if not inside(out_dir, target):
                raise WriteError(f"refusing to write outside the output folder: {target.name}")
            if str(target.resolve()) in never:
                raise WriteError("refusing to overwrite an input", path=str(target),
                                 remedy="choose another output folder with -o")
            rendered.append((target, payload))
    return [str(atomic_write(target, payload)) for target, payload in rendered]


def convert_many(inputs: Iterable[str | Path], out_dir: str | Path, **kwargs: Any) -> Any:
    """Convert files and folders into out_dir; see `gba_docs.batch.convert_many`."""
    from .batch import convert_many as run

    return run(inputs, out_dir, **kwargs)
