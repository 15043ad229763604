"""Batch conversion on a dask.distributed cluster: same outputs and TM as a local run, manifest, re-runs.

A two-process `LocalCluster` stands in for machines sharing a filesystem; nothing leaves this host.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gba_docs.batch import BatchReport, convert_many
from gba_docs.config import ConvertOptions
from gba_docs.errors import ConfigError
from gba_docs.manifest import Manifest
from gba_docs.translate.memory import TranslationMemory, normalise_source

pytestmark = [pytest.mark.timeout(300),
              # the scheduler's HTTP server moves off 8787 when another cluster holds it
              pytest.mark.filterwarnings("ignore:Port 8787 is already in use")]

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
EPOCH = "1767225600"  # 2026-01-01T00:00:00Z: fixes the `created` stamp in every process
GENERATED = 20


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    """Two single-threaded worker processes; SOURCE_DATE_EPOCH is set first so they inherit it."""
    from distributed import LocalCluster

    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    local = None
    try:
        local = LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                             dashboard_address=None, silence_logs=logging.ERROR)
        yield local
    finally:
        if local is not None:
            local.close(timeout=60)
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


def write_generated(folder: Path, count: int) -> list[Path]:
    """Small documents in all three input shapes; every sentence names its document, so no
    sentence repeats across documents and no output depends on which worker stored it first."""
    folder.mkdir(parents=True)
    written = []
    for i in range(count):
        title = f"第{i}号湾区科技简报"
        first = f"深圳第{i}批创新项目于{2000 + i}年启动，香港科技园参与了其中{i + 3}项合作。"
        second = f"澳门大学第{i}研究组发布了粤港澳大湾区报告第{i}卷。"
        if i % 3 == 0:
            name, text = f"gen{i:02d}.md", f"# {title}\n\n{first}\n\n- {second}\n"
        elif i % 3 == 1:
            name, text = f"gen{i:02d}.html", (f"<html><body><h1>{title}</h1><p>{first}</p>"
                                              f"<p><b>{second}</b></p></body></html>")
        else:
            name, text = f"gen{i:02d}.txt", f"{title}\n\n{first}\n\n{second}\n"
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def outputs_by_name(report: BatchReport, out: Path) -> dict[str, bytes]:
    files = [Path(o) for f in report.files for o in f.outputs]
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in files}


def tm_sources(path: Path) -> set[str]:
    with TranslationMemory(path) as tm:
        return {normalise_source(e.source) for e in tm.entries()}


@pytest.mark.slow  # a two-process cluster: 15-25 s on a busy two-core machine
def test_dask_run_matches_a_local_run_fills_the_tm_and_reruns_incrementally(
        cluster: Any, tmp_path: Path) -> None:
    seeds = Path(shutil.copytree(SEEDS, tmp_path / "seeds"))
    generated = write_generated(tmp_path / "generated", GENERATED)
    inputs = [seeds, tmp_path / "generated"]
    count = len(list(seeds.iterdir())) + len(generated)
    common: dict[str, Any] = {"mt": "identity", "to": ["clean", "json"]}
    dask_opts = ConvertOptions(**common, engine="dask", scheduler=cluster.scheduler_address,
                               tm=str(tmp_path / "tm.sqlite"))
    local_opts = ConvertOptions(**common, workers=1, tm=str(tmp_path / "local-tm.sqlite"))

    on_dask = convert_many(inputs, tmp_path / "out-dask", options=dask_opts)
    on_local = convert_many(inputs, tmp_path / "out-local", options=local_opts)

    for report in (on_dask, on_local):
        assert len(report.files) == count
        assert [(f.path, f.error) for f in report.files if f.status != "success"] == []
        assert report.total("from_engine") > 0
    dask_files = outputs_by_name(on_dask, tmp_path / "out-dask")
    local_files = outputs_by_name(on_local, tmp_path / "out-local")
    assert len(dask_files) == count * 4  # json, plus `clean`: English and the two Chinese views
    assert sorted(dask_files) == sorted(local_files)
    different = [name for name in dask_files if dask_files[name] != local_files[name]]
    assert different == []

    local_sources = tm_sources(tmp_path / "local-tm.sqlite")
    assert local_sources
    assert tm_sources(tmp_path / "tm.sqlite") == local_sources

    manifest = Manifest(tmp_path / "out-dask")
    try:
        recorded = {e.key: e for e in manifest.entries()}
    finally:
        manifest.close()
    every_input = [*seeds.iterdir(), *generated]
    assert set(recorded) == {p.stem for p in every_input}
    for path in every_input:
        entry = recorded[path.stem]
        assert entry.status == "success"
        assert entry.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
        assert sorted(entry.outputs) == sorted(o for f in on_dask.files if f.path == str(path)
                                               for o in f.outputs)

    again = convert_many(inputs, tmp_path / "out-dask", options=dask_opts)
    assert again.count("skipped") == count, again.summary()


def test_a_worker_with_several_threads_converts_with_one_tm(tmp_path: Path) -> None:
    """`dask worker` runs several threads per process by default; a SQLite connection must not
    cross threads, and every chunk still reaches the TM."""
    from distributed import LocalCluster

    generated = write_generated(tmp_path / "generated", 12)
    opts_of: dict[str, Any] = {"mt": "identity", "to": ["json"], "engine": "dask",
                                  "tm": str(tmp_path / "tm.sqlite")}
    with LocalCluster(n_workers=1, processes=False, threads_per_worker=3,
                      dashboard_address=None, silence_logs=logging.ERROR) as threaded:
        opts = ConvertOptions(**opts_of, scheduler=threaded.scheduler_address)
        report = convert_many([tmp_path / "generated"], tmp_path / "out", options=opts,
                              chunk_size=2)
    assert [(f.path, f.error) for f in report.files if f.status != "success"] == []
    assert len(report.files) == len(generated)
    sources = tm_sources(tmp_path / "tm.sqlite")
    assert {normalise_source(f"澳门大学第{i}研究组发布了粤港澳大湾区报告第{i}卷。")
            for i in range(len(generated))} <= sources


def test_dask_engine_without_a_scheduler_is_a_config_error(tmp_path: Path) -> None:
    opts = ConvertOptions(engine="dask", mt="none", use_tm=False, to=["json"])
    with pytest.raises(ConfigError, match="--scheduler"):
        convert_many([SEEDS / min(os.listdir(SEEDS))], tmp_path / "out", options=opts)
