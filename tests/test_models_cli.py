"""`gba-docs models …` and `gba-docs tm …` through the real CLI entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from gba_docs.cli import main
from gba_docs.translate.memory import TMEntry, TranslationMemory


def test_models_install_list_remove(tiny_packages, packages_folder: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "list", "--dir", str(packages_folder)]) == 0
    assert "gba-docs models install zh en" in capsys.readouterr().out
    assert main(["models", "install", str(tiny_packages.copy), "--dir", str(packages_folder),
                 "--pair", "zh-en"]) == 0
    assert "installed translate-zh_en-copy_0_1" in capsys.readouterr().out
    assert main(["models", "list", "--dir", str(packages_folder), "--json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert [(p["name"], p["pair"]) for p in listing["packages"]] == [("translate-zh_en-copy_0_1", "zh-en")]
    assert main(["models", "remove", "translate-zh_en-copy_0_1", "--dir", str(packages_folder)]) == 0
    assert list(packages_folder.iterdir()) == []


def test_models_install_refuses_a_bad_file(tmp_path: Path, packages_folder: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.argosmodel"
    bad.write_bytes(b"PK\x03\x04 not really")
    assert main(["models", "install", str(bad), "--dir", str(packages_folder)]) == 1
    assert "refusing to install" in capsys.readouterr().err
    assert list(packages_folder.iterdir()) == []


def test_models_install_pair_offline_exits_5_with_instructions(
        packages_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["models", "install", "zh", "en", "--dir", str(packages_folder),
                 "--index-url", "http://127.0.0.1:9/index.json", "--timeout", "2"])
    assert code == 5
    err = capsys.readouterr().err
    assert "on a connected machine download" in err and "gba-docs models install FILE.argosmodel" in err


def test_models_remove_unknown_lists_what_is_installed(packages_folder: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "remove", "nope", "--dir", str(packages_folder)]) == 1
    assert "installed: none" in capsys.readouterr().err


def test_tm_import_export_stats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tm_path = tmp_path / "tm.sqlite"
    with TranslationMemory(tm_path) as tm:
        tm.store([TMEntry(source="论坛举行。", target="The forum was held.", engine="argos:zh-en:x",
                          model_version="1")])
    out_tmx = tmp_path / "out.tmx"
    assert main(["tm", "export", "-o", str(out_tmx), "--tm", str(tm_path)]) == 0
    assert "exported 1 entries" in capsys.readouterr().out
    assert b'xml:lang="zh-Hans"' in out_tmx.read_bytes()
    other = tmp_path / "other.sqlite"
    assert main(["tm", "import", str(out_tmx), "--tm", str(other)]) == 0
    assert "imported 1 entries (human)" in capsys.readouterr().out
    assert main(["tm", "stats", "--tm", str(other), "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["total"] == 1 and stats["by_origin"] == {"human": 1}


def test_tm_on_a_corrupt_file_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"\x00garbage" * 500)
    assert main(["tm", "stats", "--tm", str(junk)]) == 1
    assert "move the file aside" in capsys.readouterr().err


def test_console_script_lists_models(packages_folder: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "gba_docs", "models", "list", "--dir",
                             str(packages_folder)], capture_output=True, text=True, timeout=60,
                            check=False)
    assert result.returncode == 0, result.stderr
    assert "no translation models installed" in result.stdout
