"""Batch conversion: plan against the manifest, convert in chunks on local processes or dask, report.

Every file gets a status (success | partial | failed | skipped); one bad file never stops the
batch. The coordinating process is the only writer of the manifest; workers write outputs
(atomically) and return results.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from . import __version__
from ._io import inside, safe_stem
from .config import ConvertOptions
from .errors import ConfigError, GbaDocsError
from .manifest import MANIFEST_DIR, Manifest

log = logging.getLogger(__name__)

INPUT_SUFFIXES = (".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml")
Status = Literal["success", "partial", "failed", "skipped"]
_FINGERPRINT_EXCLUDES = {"workers", "engine", "scheduler", "force", "fail_on_warning"}


@dataclass
class FileResult:
    """What happened to one input."""

    path: str
    status: Status
    outputs: list[str] = field(default_factory=list)
    error: str | None = None
    note: str | None = None
    warnings: int = 0
    units: int = 0
    translated: int = 0
    from_tm: int = 0
    from_engine: int = 0
    qa: int = 0
    seconds: float = 0.0
    diagnostics: list[dict[str, Any]] = field(default_factory=list)

    def line(self) -> str:
        if self.error:
            detail = self.error
        elif self.note:
            detail = self.note
        else:
            detail = f"{self.units} units, {self.translated} translated, {len(self.outputs)} files"
            if self.warnings:
                detail += f", {self.warnings} warnings"
        return f"{self.status:8} {self.path}: {detail}"


@dataclass
class BatchReport:
    files: list[FileResult] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)

    @property
    def failed(self) -> int:
        return self.count("failed")

    def total(self, name: str) -> int:
        return sum(int(getattr(f, name)) for f in self.files)

    def summary(self) -> str:
        parts = [f"{self.count(s)} {s}" for s in ("success", "partial", "failed", "skipped")]
        return f"{len(self.files)} files: " + ", ".join(parts) + f" in {self.seconds:.1f} s"

    def to_json(self) -> dict[str, Any]:
        return {
            "summary": {s: self.count(s) for s in ("success", "partial", "failed", "skipped")},
            "units": {k: self.total(k) for k in ("units", "translated", "from_tm", "from_engine", "qa")},
            "seconds": round(self.seconds, 3),
            "files": [asdict(f) for f in self.files],
        }


@dataclass(frozen=True)
class Job:
    """One input to convert: where it is, its manifest key, where its outputs go."""

    path: str
    key: str
    stem: str
    sha256: str
    protected: tuple[str, ...] = ()


# --------------------------------------------------------------------------- planning
def iter_inputs(paths: Iterable[str | Path]) -> Iterator[tuple[Path, Path]]:
    """Yield (file, root) for every input file under the given files and folders, sorted."""
    for given in paths:
        p = Path(given)
        if p.is_dir():
            for child in sorted(p.rglob("*")):
                if (child.is_file() and child.suffix.lower() in INPUT_SUFFIXES
                        and not _in_hidden_or_output_folder(child, p)):
                    yield child, p
        else:
            yield p, p.parent


def _in_hidden_or_output_folder(child: Path, root: Path) -> bool:
    """Inside a hidden folder (.git …) or a folder an earlier run wrote outputs into."""
    parents = child.relative_to(root).parents
    for rel in parents:
        if rel == Path("."):
            continue  # the folder the user named is never excluded
        if rel.name.startswith(".") or (root / rel / MANIFEST_DIR).is_dir():
            return True
    return False


def output_stem(path: Path, root: Path, out_dir: Path) -> Path:
    """Where outputs for `path` go: the same relative folder under out_dir, with safe names."""
    try:
        rel = path.relative_to(root)
    except ValueError:
        rel = Path(path.name)
    parts = [safe_stem(part) for part in rel.parent.parts if part not in ("", ".", "..")]
    stem = out_dir.joinpath(*parts, safe_stem(path.stem))
    if not inside(out_dir, stem.parent / "x"):
        stem = out_dir / safe_stem(path.stem)
    return stem


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def run_fingerprint(opts: ConvertOptions) -> str:
    """Everything besides the input that decides the outputs: options, glossary, model, version."""
    settings = {k: v for k, v in opts.model_dump().items() if k not in _FINGERPRINT_EXCLUDES}
    parts: dict[str, Any] = {"tool": __version__, "options": settings}
    if opts.use_glossary:
        parts["glossary"] = _file_digest(opts.glossary) if opts.glossary else _shipped_glossary_digest()
    if opts.mt in ("auto", "argos"):
        from .translate.packages import list_packages

        parts["models"] = sorted(
            (p.name, p.pair, p.package_version, _mtime(p.model_dir)) for p in list_packages(opts.model_dir)
        )
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:32]


def _file_digest(path: str) -> str:
    try:
        return sha256_file(Path(path))
    except OSError:
        return "unreadable"


def _shipped_glossary_digest() -> str:
    from importlib.resources import files

    data = files("gba_docs").joinpath("data/glossaries/gba.tsv").read_bytes()
    return hashlib.sha256(data).hexdigest()


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def plan(
    inputs: Iterable[str | Path], out_dir: Path, opts: ConvertOptions, manifest: Manifest,
    fingerprint: str,
) -> Iterator[Job | FileResult]:
    """Jobs for inputs that need converting, and `skipped` results for those that do not."""
    seen: set[str] = set()
    inputs = list(inputs)
    named = {Path(p).resolve() for p in inputs if not Path(p).is_dir()}
    ours = {str(Path(o).resolve()) for entry in manifest.entries() for o in entry.outputs}
    found = [(p, r) for p, r in iter_inputs(inputs) if str(p.resolve()) not in ours]
    neighbours = _inputs_by_folder(found, out_dir)
    for path, root in found:
        stem = output_stem(path, root, out_dir)
        key = stem.relative_to(out_dir).as_posix()
        if key in seen:
            yield FileResult(str(path), "failed", error=f"{path}: another input has the same output name {key}")
            continue
        seen.add(key)
        if path.name.startswith(".") and path.resolve() not in named:
            yield FileResult(str(path), "skipped", note="hidden file (its name starts with a dot); "
                             "name it on the command line to convert it")
            continue
        try:
            if (out_dir / MANIFEST_DIR).resolve() in path.resolve().parents:
                continue
            digest = sha256_file(path)
        except OSError as exc:
            yield FileResult(str(path), "failed", error=f"{path}: cannot read: {exc.strerror or exc}")
            continue
        if not opts.force and manifest.is_current(key, digest, fingerprint):
            yield FileResult(str(path), "skipped", note="unchanged since the last run")
            continue
        protected = tuple(
            str(other) for other in neighbours.get(stem.parent.resolve(), ())
            if other.name.startswith(stem.name + ".")
        )
        yield Job(str(path), key, str(stem), digest, protected)


def _inputs_by_folder(found: list[tuple[Path, Path]], out_dir: Path) -> dict[Path, list[Path]]:
    """Inputs that live inside the output folder, by folder: outputs must never replace them."""
    base = out_dir.resolve()
    folders: dict[Path, list[Path]] = {}
    for path, _ in found:
        resolved = path.resolve()
        if resolved.is_relative_to(base):
            folders.setdefault(resolved.parent, []).append(resolved)
    return folders


# --------------------------------------------------------------------------- one chunk (any process)
# per thread, not per process: a dask worker runs several tasks at once in threads, and the
# translator's SQLite TM connection must stay in the thread that opened it
_LOCAL = threading.local()


def _worker_state(opts: ConvertOptions) -> tuple[Any, Any]:
    """The glossary and translator for these options, opened once per worker thread."""
    from .pipeline import load_glossary_for, open_translator

    state: dict[str, Any] = _LOCAL.__dict__
    key = opts.model_dump_json()
    if state.get("key") != key:
        old = state.get("translator")
        if old is not None:
            old.close()
        glossary = load_glossary_for(opts)
        state.update(key=key, glossary=glossary, translator=open_translator(opts, glossary))
    return state["glossary"], state["translator"]


def convert_chunk(jobs: Sequence[Job], options_json: str, out_dir: str) -> list[FileResult]:
    """Read, translate (one engine batch for the chunk) and write a few inputs; never raises."""
    from .model import BilingualDocument
    from .pipeline import build_bilingual, read_path, write_outputs

    opts = ConvertOptions.model_validate_json(options_json)
    glossary, translator = _worker_state(opts)
    ready: list[tuple[FileResult, BilingualDocument, Job, float]] = []
    results: list[FileResult] = []
    for job in jobs:
        started = time.perf_counter()
        result = FileResult(job.path, "success")
        try:
            doc = read_path(job.path, options=opts)
            bi = build_bilingual(doc, scripts=opts.scripts, glossary=glossary, phrases=opts.phrases)
        except GbaDocsError as exc:
            result.status, result.error = "failed", str(exc)
            results.append(result)
            continue
        except Exception as exc:  # a bug must cost one file, not the batch
            log.exception("internal error reading %s", job.path)
            result.status, result.error = "failed", f"{job.path}: internal error: {exc!r}"
            results.append(result)
            continue
        ready.append((result, bi, job, time.perf_counter() - started))
    try:
        translator.translate([bi for _, bi, _, _ in ready])
    except GbaDocsError as exc:
        from .model import Diagnostic

        for _, bi, _, _ in ready:
            bi.diagnostics.append(Diagnostic(code="mt-failed", severity="error", message=str(exc)))
    for result, bi, job, seconds in ready:
        started = time.perf_counter()
        try:
            result.outputs = write_outputs(bi, Path(job.stem), opts.to, Path(out_dir),
                                           protected=job.protected)
        except GbaDocsError as exc:
            result.status, result.error = "failed", str(exc)
        except Exception as exc:
            log.exception("internal error writing %s", job.path)
            result.status, result.error = "failed", f"{job.path}: internal error: {exc!r}"
        _tally(result, bi)
        result.seconds = seconds + time.perf_counter() - started
        results.append(result)
    return results


def _tally(result: FileResult, bi: Any) -> None:
    units = [u for u in bi.units if u.status != "passthrough"]
    result.units = len(units)
    result.translated = sum(1 for u in units if u.en is not None)
    result.from_tm = sum(1 for u in units if u.origin is not None and u.origin.kind in ("tm", "human"))
    result.from_engine = sum(1 for u in units if u.origin is not None and u.origin.kind == "engine")
    result.qa = sum(len(u.qa) for u in bi.units)
    diagnostics = [*bi.source.diagnostics, *bi.diagnostics]
    result.diagnostics = [d.model_dump(mode="json", exclude_none=True) for d in diagnostics]
    result.warnings = sum(1 for d in diagnostics if d.severity in ("warning", "error")) + result.qa
    if result.status == "success" and any(d.severity == "error" for d in diagnostics):
        result.status = "partial"


# --------------------------------------------------------------------------- executors
Chunk = list[Job]


def _chunks(items: Iterable[Job | FileResult], size: int,
            emit: Callable[[FileResult], None]) -> Iterator[Chunk]:
    chunk: Chunk = []
    for item in items:
        if isinstance(item, FileResult):
            emit(item)
            continue
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _run_local(chunks: Iterator[Chunk], opts_json: str, out_dir: str) -> Iterator[list[FileResult]]:
    for chunk in chunks:
        yield convert_chunk(chunk, opts_json, out_dir)


def _run_pool(chunks: Iterator[Chunk], opts_json: str, out_dir: str,
              workers: int) -> Iterator[list[FileResult]]:
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        in_flight: dict[Future[list[FileResult]], Chunk] = {}
        for chunk in chunks:
            # bounded in-flight work keeps memory flat however long the corpus is
            while len(in_flight) >= workers * 2:
                yield from _collect(in_flight, wait(in_flight, return_when=FIRST_COMPLETED).done)
            in_flight[pool.submit(convert_chunk, chunk, opts_json, out_dir)] = chunk
        while in_flight:
            yield from _collect(in_flight, wait(in_flight, return_when=FIRST_COMPLETED).done)


def _collect(in_flight: dict[Any, Chunk], done: Iterable[Any]) -> Iterator[list[FileResult]]:
    for future in list(done):
        chunk = in_flight.pop(future)
        try:
            yield future.result()
        except Exception as exc:  # a worker died (killed, out of memory): fail its files only
            yield [FileResult(job.path, "failed", error=f"{job.path}: worker failed: {exc!r}")
                   for job in chunk]


def _run_dask(chunks: Iterator[Chunk], opts_json: str, out_dir: str,
              scheduler: str | None) -> Iterator[list[FileResult]]:
    try:
        from distributed import Client, as_completed
    except ImportError as exc:
        raise ConfigError("--engine dask needs dask.distributed",
                          remedy="pip install 'gba-docs[dask]'") from exc
    if not scheduler:
        raise ConfigError("--engine dask needs --scheduler ADDRESS (e.g. tcp://host:8786)")
    client = Client(scheduler, set_as_default=False)
    try:
        # threads, not worker processes: `dask worker` runs one process with a thread per core
        workers = max(1, sum(client.nthreads().values()))
        pending = as_completed(loop=client.loop)  # the client is not the default one
        chunk_of: dict[Any, Chunk] = {}
        for chunk in chunks:
            while pending.count() >= workers * 2:
                yield from _collect_dask(next(pending), chunk_of)
            future = client.submit(convert_chunk, chunk, opts_json, out_dir, pure=False)
            chunk_of[future] = chunk
            pending.add(future)
        for future in pending:
            yield from _collect_dask(future, chunk_of)
    finally:
        client.close()


def _collect_dask(future: Any, chunk_of: dict[Any, Chunk]) -> Iterator[list[FileResult]]:
    chunk = chunk_of.pop(future)
    try:
        yield future.result()
    except Exception as exc:
        yield [FileResult(job.path, "failed", error=f"{job.path}: dask task failed: {exc!r}")
               for job in chunk]


# --------------------------------------------------------------------------- entry point
def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def convert_many(
    inputs: Iterable[str | Path],
    out_dir: str | Path,
    *,
    options: ConvertOptions | None = None,
    on_result: Callable[[FileResult], None] | None = None,
    dry_run: bool = False,
    chunk_size: int = 8,
) -> BatchReport:
    """Convert every input into out_dir, skipping what the manifest says is current.

    With `options.workers` > 1 files are converted in a process pool, with `options.engine ==
    "dask"` on a dask.distributed cluster; results stream back and the manifest is updated as
    each file finishes, so a killed run resumes where it stopped.
    """
    opts = options or ConvertOptions()
    if opts.mt == "argos":
        from .translate.packages import find_package

        find_package("zh", "en", opts.model_dir)  # an explicit engine with no model: stop now
    out = Path(out_dir)
    if not dry_run:
        out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    report = BatchReport()
    manifest = Manifest(out, readonly=dry_run)
    fingerprint = run_fingerprint(opts)

    def emit(result: FileResult) -> None:
        report.files.append(result)
        if on_result is not None:
            on_result(result)

    try:
        planned = plan(inputs, out, opts, manifest, fingerprint)
        if not dry_run:
            _remove_stale_temp_files(out)
        if dry_run:
            for item in planned:
                emit(item if isinstance(item, FileResult)
                     else FileResult(item.path, "skipped", note="would convert (dry run)"))
            return report
        workers = opts.workers or default_workers()
        run_opts = _per_worker_threads(opts, workers)
        opts_json = run_opts.model_dump_json()
        jobs: dict[str, Job] = {}

        def remember(items: Iterator[Job | FileResult]) -> Iterator[Job | FileResult]:
            for item in items:
                if isinstance(item, Job):
                    jobs[item.path] = item
                yield item

        chunks = _chunks(remember(planned), chunk_size, emit)
        if opts.engine == "dask":
            batches = _run_dask(chunks, opts_json, str(out), opts.scheduler)
        elif workers > 1:
            batches = _run_pool(chunks, opts_json, str(out), workers)
        else:
            batches = _run_local(chunks, opts_json, str(out))
        for results in batches:
            for result in results:
                job = jobs.pop(result.path, None)
                if job is not None and result.status in ("success", "partial"):
                    manifest.record(job.key, job.path, job.sha256, fingerprint, result.status,
                                    result.outputs)
                emit(result)
    finally:
        manifest.close()
        report.seconds = time.perf_counter() - started
    return report


def _remove_stale_temp_files(out: Path) -> None:
    """Temp files a killed run left behind (complete outputs are always renamed into place)."""
    for stale in out.rglob(".*.tmp"):
        try:
            stale.unlink()
        except OSError:
            pass


def _per_worker_threads(opts: ConvertOptions, workers: int) -> ConvertOptions:
    """Give each worker its share of the cores instead of letting every engine take them all."""
    if opts.threads or workers <= 1:
        return opts
    return opts.model_copy(update={"threads": max(1, default_workers() // workers)})
