"""Installing `.argosmodel` packages: real install/load, and refusal of broken or hostile zips."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest
from argos_fixtures import FIXED_ZIP_TIME, metadata, write_argosmodel

from gba_docs.errors import InputError, ModelNotInstalled
from gba_docs.translate.packages import (
    InstallLimits,
    find_package,
    install_from_index,
    install_package,
    list_packages,
    packages_dir,
    remove_package,
    scan_packages,
    validate_archive,
)


def _tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def _rezip(source: Path, target: Path, *, add: dict[str, bytes] | None = None,
           drop: tuple[str, ...] = (), symlink: str | None = None) -> Path:
    """Copy a package zip member by member, adding/dropping members or adding a symlink."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if not info.filename.endswith(drop) or not drop:
                out.writestr(info, src.read(info))
        for name, data in (add or {}).items():
            out.writestr(zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME), data,
                         compress_type=zipfile.ZIP_DEFLATED)
        if symlink:
            link = zipfile.ZipInfo(symlink, date_time=FIXED_ZIP_TIME)
            link.external_attr = 0o120777 << 16
            out.writestr(link, "/etc/passwd")
    return target


def test_install_list_find_remove(tiny_packages, packages_folder: Path) -> None:
    info = install_package(tiny_packages.copy, packages_folder)
    assert info.pair == "zh-en" and info.path.parent == packages_folder
    assert [p.name for p in list_packages(packages_folder)] == ["translate-zh_en-copy_0_1"]
    assert find_package("zh-Hans", "en", packages_folder).name == info.name
    assert _tree(packages_folder)[0] == "translate-zh_en-copy_0_1"
    assert not [p for p in packages_folder.iterdir() if p.name.startswith(".")]
    remove_package("zh-en", packages_folder)
    assert list(packages_folder.iterdir()) == []


def test_reinstall_needs_replace(tiny_packages, packages_folder: Path) -> None:
    install_package(tiny_packages.copy, packages_folder)
    with pytest.raises(InputError, match="already installed"):
        install_package(tiny_packages.copy, packages_folder)
    info = install_package(tiny_packages.copy, packages_folder, replace=True)
    assert (info.path / "model" / "model.bin").is_file()
    assert [p.name for p in packages_folder.iterdir()] == ["translate-zh_en-copy_0_1"]


def test_missing_model_names_the_install_command(packages_folder: Path) -> None:
    with pytest.raises(ModelNotInstalled) as caught:
        find_package("zh", "en", packages_folder)
    assert "gba-docs models install zh en" in str(caught.value)
    assert "gba-docs models install FILE.argosmodel" in str(caught.value)


def test_default_folder_follows_argos_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "a"))
    assert packages_dir() == tmp_path / "a"
    monkeypatch.delenv("ARGOS_PACKAGES_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "x"))
    assert packages_dir() == tmp_path / "x" / "argos-translate" / "packages"


@pytest.mark.parametrize("case, message", [
    ("missing-model", "missing top/model/model.bin|missing model/model.bin"),
    ("missing-sp", "missing sentencepiece.model"),
    ("zip-slip-dotdot", "escapes the package folder"),
    ("zip-slip-absolute", "absolute path"),
    ("symlink", "symbolic link"),
    ("two-tops", "exactly one top folder"),
    ("bad-metadata", "invalid metadata.json"),
    ("not-json", "not valid JSON"),
    ("not-zip", "not a zip archive"),
    ("bomb", "zip bomb"),
    ("garbage-model", "does not load"),
])
def test_hostile_or_broken_archives_leave_the_folder_unchanged(
        tiny_packages, packages_folder: Path, tmp_path: Path, case: str, message: str) -> None:
    install_package(tiny_packages.random, packages_folder)
    before = _tree(packages_folder)
    top = "translate-zh_en-copy_0_1"
    target = tmp_path / f"{case}.argosmodel"
    if case == "missing-model":
        write_argosmodel(target, top, metadata(), tiny_packages.copy_model_dir,
                         tiny_packages.sp_model, skip=("model/model.bin",))
    elif case == "missing-sp":
        write_argosmodel(target, top, metadata(), tiny_packages.copy_model_dir,
                         tiny_packages.sp_model, skip=("sentencepiece.model",))
    elif case == "zip-slip-dotdot":
        _rezip(tiny_packages.copy, target, add={f"{top}/../../evil.txt": b"x"})
    elif case == "zip-slip-absolute":
        _rezip(tiny_packages.copy, target, add={"/tmp/evil.txt": b"x"})
    elif case == "symlink":
        _rezip(tiny_packages.copy, target, symlink=f"{top}/model/link")
    elif case == "two-tops":
        _rezip(tiny_packages.copy, target, add={"other/README.md": b"x"})
    elif case == "bad-metadata":
        write_argosmodel(target, top, {**metadata(), "to_code": 3}, tiny_packages.copy_model_dir,
                         tiny_packages.sp_model)
    elif case == "not-json":
        write_argosmodel(target, top, metadata(), tiny_packages.copy_model_dir,
                         tiny_packages.sp_model, skip=("metadata.json",),
                         extra={f"{top}/metadata.json": b"{not json"})
    elif case == "not-zip":
        target.write_bytes(os.urandom(4096))
    elif case == "bomb":
        _rezip(tiny_packages.copy, target, add={f"{top}/padding.bin": bytes(64 * 1024 * 1024)})
    elif case == "garbage-model":
        write_argosmodel(target, top, metadata(), tiny_packages.copy_model_dir,
                         tiny_packages.sp_model, skip=("model/model.bin",),
                         extra={f"{top}/model/model.bin": os.urandom(50_000)})
    with pytest.raises(InputError, match=message):
        install_package(target, packages_folder)
    assert _tree(packages_folder) == before


def test_wrong_language_pair_is_refused(tiny_packages, packages_folder: Path, tmp_path: Path) -> None:
    target = write_argosmodel(tmp_path / "de.argosmodel", "translate-en_de-x", metadata("en", "de"),
                              tiny_packages.copy_model_dir, tiny_packages.sp_model)
    with pytest.raises(InputError, match="translates en→de, not zh→en"):
        install_package(target, packages_folder, expected_pair=("zh", "en"))
    assert list(packages_folder.iterdir()) == []


def test_total_size_limit(tiny_packages) -> None:
    with pytest.raises(InputError, match="exceeds"):
        validate_archive(tiny_packages.copy, InstallLimits(max_total_bytes=1000))


def test_broken_installed_folder_is_reported_not_used(tiny_packages, packages_folder: Path) -> None:
    install_package(tiny_packages.copy, packages_folder)
    (packages_folder / "junk").mkdir()
    (packages_folder / "junk" / "metadata.json").write_text("[]")
    found, problems = scan_packages(packages_folder)
    assert [p.name for p in found] == ["translate-zh_en-copy_0_1"]
    assert len(problems) == 1 and "junk" in problems[0]


def test_install_from_a_local_index(tiny_packages, packages_folder: Path, tmp_path: Path) -> None:
    index = tmp_path / "index.json"
    index.write_text(json.dumps([
        {**metadata("en", "de"), "links": ["file:///nonexistent"]},
        {**metadata("zh", "en", "0.1"), "links": [tiny_packages.copy.as_uri()]},
    ]))
    info = install_from_index("zh", "en", packages_folder, index_url=index.as_uri())
    assert info.name == "translate-zh_en-copy_0_1"
    assert [p.name for p in packages_folder.iterdir()] == [info.name]


def test_install_from_index_offline_says_what_to_do(packages_folder: Path) -> None:
    with pytest.raises(ModelNotInstalled) as caught:
        install_from_index("zh", "en", packages_folder, index_url="http://127.0.0.1:9/index.json",
                           timeout=2)
    text = str(caught.value)
    assert "on a connected machine download" in text and "gba-docs models install FILE" in text
    assert list(packages_folder.iterdir()) == []
