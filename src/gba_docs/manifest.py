"""The output folder's manifest: what each input was converted from, with which settings, into what.

A SQLite file (`OUTDIR/.gba-docs/manifest.sqlite`, WAL journal): a killed run leaves it valid,
and a re-run converts only inputs whose content hash or run fingerprint changed.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from .errors import WriteError

MANIFEST_DIR = ".gba-docs"
MANIFEST_NAME = "manifest.sqlite"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    key TEXT PRIMARY KEY,          -- input path relative to its root, POSIX form
    source TEXT NOT NULL,          -- input path as given
    sha256 TEXT NOT NULL,          -- input content hash
    fingerprint TEXT NOT NULL,     -- settings, glossary, model and tool version
    status TEXT NOT NULL,          -- success | partial | failed
    outputs TEXT NOT NULL,         -- JSON list of output paths
    updated REAL NOT NULL
);
"""


@dataclass(frozen=True)
class Entry:
    key: str
    sha256: str
    fingerprint: str
    status: str
    outputs: tuple[str, ...]


class Manifest:
    """Read and update the manifest of one output folder (one writer: the coordinating process)."""

    def __init__(self, out_dir: str | Path, *, readonly: bool = False) -> None:
        folder = Path(out_dir) / MANIFEST_DIR
        self.path = folder / MANIFEST_NAME
        try:
            if readonly:
                # a dry run writes nothing: an existing manifest read-only, or an empty one
                uri = self.path.as_uri() + "?mode=ro" if self.path.exists() else "file::memory:"
                self._db = sqlite3.connect(uri, uri=True, isolation_level=None)
                if not self.path.exists():
                    self._db.executescript(_SCHEMA)
                return
            folder.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise WriteError(
                f"the manifest is unreadable ({exc})", path=str(self.path),
                remedy="delete the .gba-docs folder in the output folder to start afresh",
            ) from exc

    def get(self, key: str) -> Entry | None:
        row = self._db.execute(
            "SELECT key, sha256, fingerprint, status, outputs FROM files WHERE key = ?", (key,)
        ).fetchone()
        if row is None:
            return None
        return Entry(row[0], row[1], row[2], row[3], tuple(json.loads(row[4])))

    def is_current(self, key: str, sha256: str, fingerprint: str) -> bool:
        """Done before with the same input and settings, and every output is still there."""
        entry = self.get(key)
        return (
            entry is not None
            and entry.status in ("success", "partial")
            and entry.sha256 == sha256
            and entry.fingerprint == fingerprint
            and all(Path(p).is_file() for p in entry.outputs)
        )

    def record(self, key: str, source: str, sha256: str, fingerprint: str, status: str,
               outputs: list[str]) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?)",
            (key, source, sha256, fingerprint, status, json.dumps(outputs), time.time()),
        )

    def entries(self) -> list[Entry]:
        rows = self._db.execute(
            "SELECT key, sha256, fingerprint, status, outputs FROM files ORDER BY key"
        ).fetchall()
        return [Entry(r[0], r[1], r[2], r[3], tuple(json.loads(r[4]))) for r in rows]

    def close(self) -> None:
        self._db.close()
