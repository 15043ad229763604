"""Atomic file writes and safe output paths; nothing else touches the disk for outputs.

An output is written to a temporary file in the same folder, fsynced and renamed, so a reader
(or a killed run) never sees half a file.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from pathlib import Path

from .errors import WriteError


def atomic_write(path: str | os.PathLike[str], data: bytes | str, *, encoding: str = "utf-8") -> Path:
    """Write `data` to `path` atomically (temp file + fsync + rename); return the path."""
    target = Path(path)
    payload = data.encode(encoding) if isinstance(data, str) else data
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise WriteError(f"cannot create {target.parent}", path=str(target),
                         remedy="check that the output folder is writable") from exc
    try:
        os.fchmod(fd, _mode_for(target))
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        _silently_remove(tmp)
        raise WriteError(f"cannot write output: {exc.strerror or exc}", path=str(target),
                         remedy="check free disk space and permissions") from exc
    except BaseException:
        _silently_remove(tmp)
        raise
    _fsync_dir(target.parent)
    return target


def _mode_for(target: Path) -> int:
    """Keep a rewritten file's permissions; give a new file what the umask allows (not 0600)."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _silently_remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


_UNSAFE = re.compile(r"[^\w.\-\u3400-\u9fff]+")


def safe_stem(name: str, *, fallback: str = "document", max_len: int = 120) -> str:
    """A file-name stem that cannot escape a folder: no separators, no leading dots, no controls.

    >>> safe_stem("../../etc/passwd")
    'etc_passwd'
    >>> safe_stem("粤港澳/大湾区 2025")
    '粤港澳_大湾区_2025'
    >>> safe_stem("..")
    'document'
    """
    text = unicodedata.normalize("NFC", name)
    text = _UNSAFE.sub("_", text).strip("._-")
    text = re.sub(r"_+", "_", text)
    return text[:max_len] or fallback


def inside(folder: str | os.PathLike[str], path: str | os.PathLike[str]) -> bool:
    """True if `path` resolves inside `folder` (guards every output path)."""
    base = Path(folder).resolve()
    try:
        Path(path).resolve().relative_to(base)
    except ValueError:
        return False
    return True
