"""Find, validate, install and remove Argos Translate packages (`.argosmodel` zips).

An archive is checked completely (paths, links, one top folder, metadata, required files,
sizes, compression ratio) before anything is extracted, then extracted into a hidden temp
folder inside the packages folder, smoke-tested with CTranslate2, and renamed into place.
It never imports argostranslate except to use its package index when that is installed.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import os
import re
import shutil
import stat
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from ..errors import InputError, ModelNotInstalled

DEFAULT_INDEX_URL = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json"
INDEX_ENV = "GBA_DOCS_ARGOS_INDEX"
REQUIRED_FILES = ("metadata.json", "sentencepiece.model", "model/model.bin")
VOCABULARY_SETS = (("model/shared_vocabulary.json",), ("model/shared_vocabulary.txt",),
                   ("model/source_vocabulary.json", "model/target_vocabulary.json"),
                   ("model/source_vocabulary.txt", "model/target_vocabulary.txt"))
_CODE = re.compile(r"^[a-z]{2,3}(?:[_-][A-Za-z0-9]{2,8})*$")
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+\-]{0,199}$")
_CODE_ALIASES = {"zh-hans": "zh", "zh-cn": "zh", "zh-hant": "zt", "zh-tw": "zt", "zh-hk": "zt"}


@dataclass(frozen=True)
class InstallLimits:
    """Bounds that reject zip bombs and absurd archives before extraction."""

    max_total_bytes: int = 4 * 1024**3
    max_members: int = 10_000
    max_ratio: float = 500.0
    ratio_min_bytes: int = 1024**2
    max_metadata_bytes: int = 1024**2


@dataclass(frozen=True)
class PackageInfo:
    """An installed (or validated) package: its folder and its metadata."""

    name: str
    path: Path
    from_code: str
    to_code: str
    package_version: str
    type: str = "translate"
    argos_version: str | None = None
    from_name: str | None = None
    to_name: str | None = None

    @property
    def pair(self) -> str:
        return f"{self.from_code}-{self.to_code}"

    @property
    def model_dir(self) -> Path:
        return self.path / "model"

    @property
    def sentencepiece_path(self) -> Path:
        return self.path / "sentencepiece.model"


def normalise_code(code: str) -> str:
    """Argos language code for a user's code: zh-Hans → zh, zh-Hant → zt, EN → en.

    >>> normalise_code("zh-Hans"), normalise_code("EN")
    ('zh', 'en')
    """
    key = code.strip().lower()
    return _CODE_ALIASES.get(key, key)


def packages_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The Argos packages folder: explicit, $ARGOS_PACKAGES_DIR, $XDG_DATA_HOME/…, or ~/.local/…"""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get("ARGOS_PACKAGES_DIR")
    if env:
        return Path(env).expanduser()
    data_home = os.environ.get("XDG_DATA_HOME")
    base = Path(data_home).expanduser() if data_home else Path.home() / ".local" / "share"
    return base / "argos-translate" / "packages"


def install_command(from_code: str = "zh", to_code: str = "en") -> str:
    """The exact command that installs a model for a pair."""
    return f"gba-docs models install {from_code} {to_code}"


def offline_remedy(from_code: str = "zh", to_code: str = "en") -> str:
    return (f"on a connected machine download translate-{from_code}_{to_code}-*.argosmodel "
            f"(listed in {DEFAULT_INDEX_URL}), copy it here and run: "
            f"gba-docs models install FILE.argosmodel")


# --------------------------------------------------------------------------- metadata
def validate_metadata(data: Any, where: str) -> dict[str, Any]:
    """Check an Argos metadata.json object; return it with `type` defaulted to translate."""
    if not isinstance(data, dict):
        raise InputError("metadata.json is not a JSON object", path=where,
                         remedy="the package is damaged; download it again")
    problems = []
    for key in ("from_code", "to_code", "package_version"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            problems.append(f"{key} missing or not a string")
    for key in ("from_code", "to_code"):
        if isinstance(data.get(key), str) and not _CODE.match(data[key]):
            problems.append(f"{key} {data[key]!r} is not a language code")
    kind = data.get("type", "translate")
    if kind != "translate":
        problems.append(f"type {kind!r} is not 'translate'")
    if not problems and data["from_code"] == data["to_code"]:
        problems.append("from_code equals to_code")
    if problems:
        raise InputError("invalid metadata.json: " + "; ".join(problems), path=where,
                         remedy="use a translate package from the Argos index")
    return {**data, "type": kind}


def read_package(folder: Path) -> PackageInfo:
    """Read and validate one installed package folder."""
    meta_path = folder / "metadata.json"
    try:
        data = json.loads(meta_path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read metadata.json: {exc}", path=str(meta_path),
                         remedy=f"remove the package with: gba-docs models remove {folder.name}") from exc
    meta = validate_metadata(data, str(meta_path))
    return _info(folder, meta)


def _info(folder: Path, meta: dict[str, Any]) -> PackageInfo:
    return PackageInfo(
        name=folder.name, path=folder, from_code=meta["from_code"], to_code=meta["to_code"],
        package_version=str(meta["package_version"]), type=meta["type"],
        argos_version=meta.get("argos_version"), from_name=meta.get("from_name"),
        to_name=meta.get("to_name"),
    )


def scan_packages(directory: str | os.PathLike[str] | None = None) -> tuple[list[PackageInfo], list[str]]:
    """Installed packages and a problem line for each folder that is not a valid package."""
    root = packages_dir(directory)
    found: list[PackageInfo] = []
    problems: list[str] = []
    if not root.is_dir():
        return found, problems
    for folder in sorted(root.iterdir()):
        if folder.name.startswith(".") or not folder.is_dir():
            continue
        try:
            found.append(read_package(folder))
        except InputError as exc:
            problems.append(str(exc))
    return found, problems


def list_packages(directory: str | os.PathLike[str] | None = None) -> list[PackageInfo]:
    """Valid installed packages, sorted by folder name."""
    return scan_packages(directory)[0]


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", version)) or (0,)


def find_package(from_code: str = "zh", to_code: str = "en",
                 directory: str | os.PathLike[str] | None = None) -> PackageInfo:
    """The newest installed package for a pair, or `ModelNotInstalled` saying how to get one."""
    src, dst = normalise_code(from_code), normalise_code(to_code)
    matches = [p for p in list_packages(directory) if (p.from_code, p.to_code) == (src, dst)]
    if not matches:
        raise ModelNotInstalled(
            f"no {src}→{dst} translation model is installed in {packages_dir(directory)}",
            remedy=f"run: {install_command(src, dst)} (offline: {offline_remedy(src, dst)})",
        )
    return max(matches, key=lambda p: _version_key(p.package_version))


# --------------------------------------------------------------------------- archive checks
@dataclass(frozen=True)
class ArchivePlan:
    """What a validated archive will install."""

    top: str
    metadata: dict[str, Any]
    files: tuple[zipfile.ZipInfo, ...]
    total_bytes: int


def _reject(archive: Path, why: str) -> InputError:
    return InputError(f"refusing to install: {why}", path=str(archive),
                      remedy="the file is damaged or not an Argos package; download it again "
                             "from the Argos package index")


def _member_problem(info: zipfile.ZipInfo) -> str | None:
    name = info.filename
    mode = info.external_attr >> 16
    if "\x00" in name or "\\" in name:
        return f"member {name!r} has a forbidden character"
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return f"member {name!r} has an absolute path"
    parts = name.rstrip("/").split("/")
    if any(p in ("", ".", "..") for p in parts):
        return f"member {name!r} escapes the package folder"
    if mode and stat.S_ISLNK(mode):
        return f"member {name!r} is a symbolic link"
    if stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):
        return f"member {name!r} is not a regular file"
    if info.flag_bits & 0x1:
        return f"member {name!r} is encrypted"
    return None


def validate_archive(path: str | os.PathLike[str], limits: InstallLimits = InstallLimits()) -> ArchivePlan:
    """Check an `.argosmodel` without extracting it; raise `InputError` naming the problem."""
    archive = Path(path)
    if not archive.is_file():
        raise InputError("no such package file", path=str(archive),
                         remedy="give the path of a downloaded .argosmodel file")
    try:
        with zipfile.ZipFile(archive) as zf:
            return _plan(archive, zf, limits)
    except zipfile.BadZipFile as exc:
        raise _reject(archive, f"not a zip archive ({exc})") from exc
    except (OSError, ValueError, EOFError) as exc:
        raise _reject(archive, f"unreadable archive ({exc})") from exc


def _plan(archive: Path, zf: zipfile.ZipFile, limits: InstallLimits) -> ArchivePlan:
    infos = zf.infolist()
    if not infos:
        raise _reject(archive, "the archive is empty")
    if len(infos) > limits.max_members:
        raise _reject(archive, f"{len(infos)} members (limit {limits.max_members})")
    names = [i.filename for i in infos]
    if len(set(names)) != len(names):
        raise _reject(archive, "duplicate member names")
    for info in infos:
        problem = _member_problem(info)
        if problem:
            raise _reject(archive, problem)
    tops = {PurePosixPath(n).parts[0] for n in names}
    if len(tops) != 1 or any("/" not in n.rstrip("/") and not n.endswith("/") for n in names):
        raise _reject(archive, f"expected exactly one top folder, found {sorted(tops)[:5]}")
    top = tops.pop()
    if not _SAFE_NAME.match(top):
        raise _reject(archive, f"top folder name {top!r} is not a plain name")
    files = tuple(i for i in infos if not i.is_dir())
    total = sum(i.file_size for i in files)
    if total > limits.max_total_bytes:
        raise _reject(archive, f"uncompressed size {total:,} bytes exceeds {limits.max_total_bytes:,}")
    for info in files:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size >= limits.ratio_min_bytes and ratio > limits.max_ratio:
            raise _reject(archive, f"member {info.filename!r} expands {ratio:.0f}× "
                                   f"(limit {limits.max_ratio:.0f}×): looks like a zip bomb")
    inside = {i.filename[len(top) + 1:] for i in files}
    missing = [f for f in REQUIRED_FILES if f not in inside]
    if not any(all(v in inside for v in group) for group in VOCABULARY_SETS):
        missing.append("model/shared_vocabulary.json (or source/target vocabularies)")
    if missing:
        raise _reject(archive, "missing " + ", ".join(missing))
    meta_info = zf.getinfo(f"{top}/metadata.json")
    if meta_info.file_size > limits.max_metadata_bytes:
        raise _reject(archive, "metadata.json is implausibly large")
    try:
        data = json.loads(zf.read(meta_info).decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise _reject(archive, f"metadata.json is not valid JSON ({exc})") from exc
    meta = validate_metadata(data, f"{archive}:{top}/metadata.json")
    return ArchivePlan(top, meta, files, total)


# --------------------------------------------------------------------------- install / remove
def smoke_test(folder: Path) -> None:
    """Load the package's model with CTranslate2 and translate one short segment."""
    import ctranslate2  # type: ignore[import-untyped]
    import sentencepiece as spm

    try:
        sp = spm.SentencePieceProcessor(model_file=str(folder / "sentencepiece.model"))
        translator = ctranslate2.Translator(str(folder / "model"), device="cpu", intra_threads=1)
        pieces = sp.encode(["粤港澳大湾区 2025"], out_type=str)
        result = translator.translate_batch(pieces, beam_size=1, max_decoding_length=16)
        sp.decode(result[0].hypotheses[0])
    except Exception as exc:  # ctranslate2/sentencepiece raise RuntimeError, ValueError, OSError…
        raise InputError(f"the model in the package does not load: {exc}", path=str(folder),
                         remedy="the package is damaged or made for another CTranslate2 "
                                "version; download it again") from exc


def _extract(zf: zipfile.ZipFile, plan: ArchivePlan, dest: Path, archive: Path) -> None:
    base = dest.resolve()
    for info in plan.files:
        target = (dest / info.filename).resolve()
        if base not in target.parents:
            raise _reject(archive, f"member {info.filename!r} escapes the package folder")
        target.parent.mkdir(parents=True, exist_ok=True)
        written = 0
        with zf.open(info) as src, open(target, "xb") as out:
            while chunk := src.read(1 << 20):
                written += len(chunk)
                if written > info.file_size:
                    raise _reject(archive, f"member {info.filename!r} is larger than declared")
                out.write(chunk)


def install_package(archive: str | os.PathLike[str], directory: str | os.PathLike[str] | None = None,
                    *, replace: bool = False, expected_pair: tuple[str, str] | None = None,
                    limits: InstallLimits = InstallLimits(), smoke: bool = True) -> PackageInfo:
    """Validate, extract to a hidden temp folder, smoke-test, then rename into place.

    On any failure the packages folder is left as it was.
    """
    source = Path(archive)
    plan = validate_archive(source, limits)
    if expected_pair is not None:
        want = (normalise_code(expected_pair[0]), normalise_code(expected_pair[1]))
        got = (plan.metadata["from_code"], plan.metadata["to_code"])
        if got != want:
            raise _reject(source, f"it translates {got[0]}→{got[1]}, not {want[0]}→{want[1]}")
    root = packages_dir(directory)
    final = root / plan.top
    if final.exists() and not replace:
        raise InputError(f"package {plan.top} is already installed", path=str(final),
                         remedy=f"remove it first (gba-docs models remove {plan.top}) or pass --replace")
    try:
        root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".installing-", dir=root))
    except OSError as exc:
        raise InputError(f"cannot write to the packages folder: {exc}", path=str(root),
                         remedy="check permissions or choose another folder with --dir") from exc
    try:
        with zipfile.ZipFile(source) as zf:
            _extract(zf, plan, staging, source)
        staged = staging / plan.top
        info = read_package(staged)
        if smoke:
            smoke_test(staged)
        _swap_into_place(staged, final, staging / ".previous")
    except zipfile.BadZipFile as exc:
        raise _reject(source, f"corrupt member data ({exc})") from exc
    except OSError as exc:
        raise InputError(f"cannot install into {root}: {exc}", path=str(source),
                         remedy="check free disk space and permissions of the packages folder") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return dataclasses.replace(info, path=final, name=final.name)


def _swap_into_place(staged: Path, final: Path, previous: Path) -> None:
    """Rename the staged package into place; an old version is put back if that fails."""
    had_previous = final.exists()
    if had_previous:
        os.rename(final, previous)
    try:
        os.rename(staged, final)
    except OSError:
        if had_previous:
            os.rename(previous, final)
        raise


def remove_package(name: str, directory: str | os.PathLike[str] | None = None) -> Path:
    """Remove an installed package by folder name (or by pair, e.g. zh-en, if only one matches)."""
    root = packages_dir(directory)
    installed = list_packages(directory)
    target: Path | None = None
    if _SAFE_NAME.match(name) and (root / name).is_dir():
        target = root / name
    else:
        matches = [p for p in installed if p.pair == name]
        if len(matches) == 1:
            target = matches[0].path
    if target is None:
        names = ", ".join(p.name for p in installed) or "none"
        raise InputError(f"no installed package named {name!r}", path=str(root),
                         remedy=f"installed: {names}; see gba-docs models list")
    trash = Path(tempfile.mkdtemp(prefix=".removing-", dir=root))
    os.rename(target, trash / target.name)
    shutil.rmtree(trash, ignore_errors=True)
    return target


# --------------------------------------------------------------------------- package index
def _index_entries(index_url: str, timeout: float) -> list[dict[str, Any]]:
    import urllib.request

    with urllib.request.urlopen(index_url, timeout=timeout) as response:
        data = json.loads(response.read(32 * 1024**2).decode("utf-8"))
    if not isinstance(data, list):
        raise ValueError("the package index is not a JSON list")  # noqa: TRY004 - bad data, reported as such
    return [e for e in data if isinstance(e, dict)]


def _download(url: str, folder: Path, timeout: float, limit: int) -> Path:
    import urllib.request

    fd, name = tempfile.mkstemp(prefix=".download-", suffix=".argosmodel", dir=folder)
    written = 0
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=timeout) as response:
            while chunk := response.read(1 << 20):
                written += len(chunk)
                if written > limit:
                    raise ValueError(f"download exceeds {limit:,} bytes")
                out.write(chunk)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


def _argos_download(from_code: str, to_code: str) -> Iterator[Path]:
    import argostranslate.package as argos_package  # type: ignore[import-not-found]  # optional

    argos_package.update_package_index()
    candidates = [p for p in argos_package.get_available_packages()
                  if (p.from_code, p.to_code) == (from_code, to_code)]
    if not candidates:
        raise LookupError(f"the Argos index has no {from_code}→{to_code} package")
    best = max(candidates, key=lambda p: _version_key(str(p.package_version)))
    yield Path(best.download())


def _urllib_download(from_code: str, to_code: str, folder: Path, index_url: str,
                     timeout: float, limit: int) -> Iterator[Path]:
    entries = [e for e in _index_entries(index_url, timeout)
               if (e.get("from_code"), e.get("to_code")) == (from_code, to_code)
               and e.get("type", "translate") == "translate"]
    if not entries:
        raise LookupError(f"the package index has no {from_code}→{to_code} package")
    best = max(entries, key=lambda e: _version_key(str(e.get("package_version", "0"))))
    errors = []
    for link in best.get("links") or []:
        try:
            yield _download(str(link), folder, timeout, limit)
            return
        except (OSError, ValueError) as exc:
            errors.append(f"{link}: {exc}")
    raise OSError("; ".join(errors) or "the index entry has no download link")


def install_from_index(from_code: str = "zh", to_code: str = "en",
                       directory: str | os.PathLike[str] | None = None, *,
                       index_url: str | None = None, timeout: float = 10.0,
                       replace: bool = False, limits: InstallLimits = InstallLimits()) -> PackageInfo:
    """Download the newest package for a pair from the Argos index and install it.

    Uses argostranslate's index when argostranslate is installed and no `index_url` is given,
    otherwise fetches the index JSON with urllib. Offline, raises `ModelNotInstalled` that says
    exactly what to do instead.
    """
    src, dst = normalise_code(from_code), normalise_code(to_code)
    url = index_url or os.environ.get(INDEX_ENV) or DEFAULT_INDEX_URL
    root = packages_dir(directory)
    root.mkdir(parents=True, exist_ok=True)
    use_argos = index_url is None and INDEX_ENV not in os.environ \
        and importlib.util.find_spec("argostranslate") is not None
    downloaded: Path | None = None
    try:
        source = _argos_download(src, dst) if use_argos else _urllib_download(
            src, dst, root, url, timeout, limits.max_total_bytes)
        downloaded = next(source)
        return install_package(downloaded, directory, replace=replace,
                               expected_pair=(src, dst), limits=limits)
    except LookupError as exc:
        raise ModelNotInstalled(str(exc), remedy="list what exists with the Argos index, or "
                                "install a package file: gba-docs models install FILE.argosmodel") from exc
    except (OSError, ValueError) as exc:
        raise ModelNotInstalled(f"cannot download a {src}→{dst} model ({exc})",
                                remedy=offline_remedy(src, dst)) from exc
    finally:
        if downloaded is not None and not use_argos:
            downloaded.unlink(missing_ok=True)


__all__ = [
    "ArchivePlan", "InstallLimits", "PackageInfo", "find_package",
    "install_command", "install_from_index", "install_package", "list_packages",
    "normalise_code", "packages_dir", "read_package", "remove_package", "scan_packages",
    "smoke_test", "validate_archive", "validate_metadata",
]
