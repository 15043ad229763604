"""Batch conversion: statuses, nasty inputs, incremental re-runs, safe paths, workers, kill -9."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gba_docs.batch import convert_many
from gba_docs.config import ConvertOptions
from gba_docs.manifest import Manifest

from nasty import GOOD_ZH, write_nasty_corpus

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
FAST = dict(to=["clean", "json"], mt="none", use_tm=False, workers=1)


def _opts(**extra: object) -> ConvertOptions:
    return ConvertOptions(**{**FAST, **extra})


def test_nasty_corpus_every_file_gets_a_clear_status_and_good_ones_convert(tmp_path: Path) -> None:
    expected = write_nasty_corpus(tmp_path / "in", size_mb=1.0)
    report = convert_many([tmp_path / "in"], tmp_path / "out", options=_opts())
    by_name = {Path(f.path).name: f for f in report.files}
    assert set(by_name) == set(expected)
    for name, outcome in expected.items():
        result = by_name[name]
        if outcome == "failed":
            assert result.status == "failed", name
            assert result.error and name in result.error, result.error
        else:
            assert result.status in ("success", "partial"), (name, result.error)
            for output in result.outputs:
                assert Path(output).stat().st_size > 0
            json_out = [o for o in result.outputs if o.endswith(".json")]
            assert json_out, name
            json.loads(Path(json_out[0]).read_text(encoding="utf-8"))


def test_script_in_html_is_never_kept_as_markup(tmp_path: Path) -> None:
    write_nasty_corpus(tmp_path / "in", size_mb=0.1)
    convert_many([tmp_path / "in" / "script.html"], tmp_path / "out", options=_opts(to=["clean", "json", "html"]))
    html = (tmp_path / "out" / "script.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html and "onerror=" not in html.replace("onerror=&quot;", "")
    assert "evil()" not in html


def test_rerun_with_nothing_changed_skips_everything(tmp_path: Path) -> None:
    shutil.copytree(SEEDS, tmp_path / "seeds")
    first = convert_many([tmp_path / "seeds"], tmp_path / "out", options=_opts())
    assert first.count("success") + first.count("partial") == 5
    second = convert_many([tmp_path / "seeds"], tmp_path / "out", options=_opts())
    assert second.count("skipped") == 5
    # change one input: only that one is converted again
    target = tmp_path / "seeds" / "000_f07f11e24ac20ed8.txt"
    target.write_text(target.read_text(encoding="utf-8") + "\n新增的一段。\n", encoding="utf-8")
    third = convert_many([tmp_path / "seeds"], tmp_path / "out", options=_opts())
    assert third.count("skipped") == 4
    assert [Path(f.path).name for f in third.files if f.status != "skipped"] == [target.name]
    # change the settings: everything is converted again; --force does the same
    fourth = convert_many([tmp_path / "seeds"], tmp_path / "out", options=_opts(scripts=["zh-Hant-TW"]))
    assert fourth.count("skipped") == 0
    fifth = convert_many([tmp_path / "seeds"], tmp_path / "out", options=_opts(scripts=["zh-Hant-TW"], force=True))
    assert fifth.count("skipped") == 0
    # a deleted output makes its input current no longer
    out_file = Path(fifth.files[0].outputs[0])
    out_file.unlink()
    sixth = convert_many([tmp_path / "seeds"], tmp_path / "out", options=_opts(scripts=["zh-Hant-TW"]))
    assert sixth.count("skipped") == 4 and out_file.exists()


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    report = convert_many([SEEDS], tmp_path / "out", options=_opts(), dry_run=True)
    assert {f.status for f in report.files} == {"skipped"}
    assert all("would convert" in (f.note or "") for f in report.files)
    assert not [p for p in (tmp_path / "out").rglob("*") if p.is_file() and ".gba-docs" not in p.parts]


@pytest.mark.parametrize("name", ["..txt", "-rf.txt", "\u202eevil.txt", "a b  c.md", "名字 (1).txt"])
def test_output_paths_stay_inside_the_output_folder(tmp_path: Path, name: str) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / name).write_text("---\ntitle: ../../../etc/passwd\n---\n\n" + GOOD_ZH, encoding="utf-8")
    out = tmp_path / "out"
    report = convert_many([src / name], out, options=_opts())
    assert report.files[0].status in ("success", "partial"), report.files[0].error
    for output in report.files[0].outputs:
        assert Path(output).resolve().is_relative_to(out.resolve())
    assert {p.name for p in tmp_path.iterdir()} == {"in", "out"}


def test_inputs_are_never_overwritten_even_with_output_in_the_input_folder(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(GOOD_ZH, encoding="utf-8")
    (src / "a.zh-Hans.md").write_text("# 原有文件\n\n不能被覆盖。\n", encoding="utf-8")
    before = (src / "a.zh-Hans.md").read_bytes()
    report = convert_many([src], src, options=_opts())
    report.files.sort(key=lambda f: f.path)
    assert (src / "a.zh-Hans.md").read_bytes() == before or report.files[0].status == "failed"


def test_workers_give_the_same_outputs_as_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    one = convert_many([SEEDS], tmp_path / "one", options=_opts(workers=1))
    two = convert_many([SEEDS], tmp_path / "two", options=_opts(workers=2))
    assert one.count("failed") == two.count("failed") == 0
    for result in one.files:
        for output in result.outputs:
            rel = Path(output).relative_to(tmp_path / "one")
            assert (tmp_path / "two" / rel).read_bytes() == Path(output).read_bytes(), rel


@pytest.mark.slow
def test_kill_9_mid_batch_leaves_valid_outputs_and_the_next_run_finishes(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    for i in range(60):
        (corpus / f"doc{i:03d}.txt").write_text(f"# 第{i}篇\n\n" + GOOD_ZH * 40, encoding="utf-8")
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "gba_docs", "convert", str(corpus), "-o", str(out),
           "--mt", "none", "--no-tm", "--workers", "1", "--to", "clean,json,md,html", "-q"]
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    manifest_path = out / ".gba-docs" / "manifest.sqlite"
    deadline = time.monotonic() + 60
    done = 0
    while time.monotonic() < deadline and proc.poll() is None:
        if manifest_path.exists():
            try:
                manifest = Manifest(out)
                done = len(manifest.entries())
                manifest.close()
            except Exception:
                done = 0
            if done >= 5:
                break
        time.sleep(0.05)
    assert proc.poll() is None, "the batch finished before it could be killed; make it larger"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    # no half-written output: every JSON parses, no temp files left visible as outputs
    for path in out.rglob("*.json"):
        json.loads(path.read_text(encoding="utf-8"))
    manifest = Manifest(out)
    recorded = len(manifest.entries())
    manifest.close()
    assert recorded >= 5
    report_path = tmp_path / "report.json"
    rerun = subprocess.run([*cmd, "--report", str(report_path)], env=env, capture_output=True,
                           text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    summary = json.loads(report_path.read_text(encoding="utf-8"))["summary"]
    assert summary["skipped"] == recorded
    assert summary["success"] + summary["partial"] == 60 - recorded
    assert len(list(out.glob("doc*.json"))) == 60
    assert not list(out.glob(".*.tmp"))


def test_hidden_files_are_reported_and_old_output_folders_are_not_inputs(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(GOOD_ZH, encoding="utf-8")
    (src / ".draft.txt").write_text(GOOD_ZH, encoding="utf-8")
    first = convert_many([src], src / "out1", options=_opts())
    notes = {Path(f.path).name: (f.status, f.note) for f in first.files}
    assert notes["a.txt"][0] == "success"
    assert notes[".draft.txt"][0] == "skipped" and "hidden" in (notes[".draft.txt"][1] or "")
    # a second run into another folder must not read the first run's outputs back in
    second = convert_many([src], src / "out2", options=_opts(), dry_run=True)
    assert sorted(Path(f.path).name for f in second.files) == [".draft.txt", "a.txt"]
    assert not (src / "out2").exists()  # a dry run writes nothing
