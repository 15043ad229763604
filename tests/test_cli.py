"""The console script: main() as a function, exit codes, and the installed script once."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gba_docs.cli import EXIT_CONFIG, EXIT_FILES_FAILED, EXIT_OK, EXIT_USAGE, EXIT_WARNINGS, main

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
QUICK = ["--mt", "none", "--no-tm", "--workers", "1"]


def test_convert_seeds_writes_clean_markdown_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["convert", str(SEEDS), "-o", str(tmp_path), *QUICK])
    out = capsys.readouterr().out
    assert code == EXIT_OK, out
    for seed in SEEDS.glob("*.txt"):
        assert (tmp_path / f"{seed.stem}.json").is_file()
        assert (tmp_path / f"{seed.stem}.zh-Hans.md").is_file()
        assert f"success  {seed}" in out or f"partial  {seed}" in out
    data = json.loads((tmp_path / "001_db7c19a780cc40f6.json").read_text(encoding="utf-8"))
    assert data["schema_name"] == "gba-docs.bilingual" and data["version"].startswith("1.")


def test_a_failed_file_gives_exit_1_and_the_others_still_convert(tmp_path: Path) -> None:
    src = tmp_path / "in"
    shutil.copytree(SEEDS, src)
    (src / "empty.txt").write_bytes(b"")
    code = main(["convert", str(src), "-o", str(tmp_path / "out"), *QUICK, "-q"])
    assert code == EXIT_FILES_FAILED
    assert len(list((tmp_path / "out").glob("*.json"))) == 5


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["convert"]) == EXIT_USAGE
    assert main(["no-such-command"]) == EXIT_USAGE
    assert main([]) == EXIT_USAGE


def test_bad_config_and_unknown_format_exit_4(tmp_path: Path) -> None:
    bad = tmp_path / "gba-docs.toml"
    bad.write_text("scirpts = []\n", encoding="utf-8")
    assert main(["convert", str(SEEDS), "-o", str(tmp_path / "o"), "--config", str(bad)]) == EXIT_CONFIG
    assert main(["convert", str(SEEDS), "-o", str(tmp_path / "o"), "--to", "pdf"]) == EXIT_CONFIG


def test_fail_on_warning_exits_3(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "fm.md").write_text("---\ntitle: [broken\n---\n\n正文一段。\n", encoding="utf-8")
    code = main(["convert", str(src), "-o", str(tmp_path / "out"), *QUICK, "-q", "--fail-on-warning"])
    assert code == EXIT_WARNINGS


def test_report_and_log_are_written(tmp_path: Path) -> None:
    report, log = tmp_path / "report.json", tmp_path / "log.json"
    code = main(["convert", str(SEEDS), "-o", str(tmp_path / "out"), *QUICK, "-q",
                 "--report", str(report), "--log", str(log)])
    assert code == EXIT_OK
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["summary"]["failed"] == 0 and len(data["files"]) == 5
    assert isinstance(json.loads(log.read_text(encoding="utf-8")), list)


def test_installed_console_script_runs(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("gba-docs")
    assert script.exists(), "install the package (pip install -e .) to get the gba-docs script"
    done = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "convert" in done.stdout
    module = subprocess.run([sys.executable, "-m", "gba_docs", "--version"], capture_output=True,
                            text=True, timeout=60)
    assert module.returncode == 0 and "gba-docs" in module.stdout
