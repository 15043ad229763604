"""Options: defaults ← project file ← flags; a typo in a key is an error naming it."""

from __future__ import annotations

from pathlib import Path

import pytest

from gba_docs.config import build_options, find_project_config, load_project_config
from gba_docs.errors import ConfigError


def test_flags_override_file_override_defaults(tmp_path: Path) -> None:
    (tmp_path / "gba-docs.toml").write_text('scripts = ["zh-Hant-TW"]\nbeam-size = 4\n', encoding="utf-8")
    found = find_project_config(tmp_path)
    assert found == tmp_path / "gba-docs.toml"
    opts = build_options(load_project_config(found), {"beam_size": 1, "scripts": None})
    assert opts.scripts == ["zh-Hant-TW"]
    assert opts.beam_size == 1
    assert opts.mt == "auto" and opts.engine == "local"


def test_pyproject_table_is_found(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.gba-docs]\nto = ["json"]\n', encoding="utf-8")
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    found = find_project_config(sub)
    assert found is not None
    assert build_options(load_project_config(found), {}).to == ["json"]


def test_unknown_key_is_an_error_that_names_it(tmp_path: Path) -> None:
    cfg = tmp_path / "gba-docs.toml"
    cfg.write_text("scritps = ['zh-Hans']\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        build_options(load_project_config(cfg), {}, source=str(cfg))
    assert "scritps" in str(info.value) and "unknown option" in str(info.value)


def test_bad_value_and_bad_toml_are_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="zh-Hant-XX"):
        build_options({}, {"scripts": ["zh-Hant-XX"]})
    cfg = tmp_path / "gba-docs.toml"
    cfg.write_text("to = [", encoding="utf-8")
    with pytest.raises(ConfigError, match="TOML"):
        load_project_config(cfg)
