"""Translation memory: a SQLite file (WAL) of source sentence → English, with provenance.

Machine entries are keyed by normalised source + engine id + model version + glossary
version; human entries by source alone, and they always win. Several processes may write at
once (BEGIN IMMEDIATE, busy timeout, retries). TMX 1.4 import/export lives here too. It never
translates and never deletes entries on its own.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import sqlite3
import time
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Self

from ..errors import InputError, TranslationError

TMOrigin = Literal["human", "machine"]
SCHEMA = "gba-docs.tm"
SCHEMA_VERSION = "1"
_WS = re.compile(r"\s+")
_SCHEMA_SQL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entries (
    id INTEGER PRIMARY KEY,
    source_key TEXT NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    source_lang TEXT NOT NULL DEFAULT 'zh-Hans',
    target_lang TEXT NOT NULL DEFAULT 'en',
    origin TEXT NOT NULL CHECK (origin IN ('human', 'machine')),
    engine TEXT NOT NULL DEFAULT '',
    model_version TEXT NOT NULL DEFAULT '',
    glossary_version TEXT NOT NULL DEFAULT '',
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    UNIQUE (source_key, origin, engine, model_version, glossary_version)
);
CREATE INDEX IF NOT EXISTS entries_by_source ON entries (source_key);
"""


def normalise_source(text: str) -> str:
    """The lookup key: NFC, whitespace runs collapsed to one space, ends stripped.

    >>> normalise_source("  粤港澳\\u3000 大湾区\\n")
    '粤港澳 大湾区'
    """
    return _WS.sub(" ", unicodedata.normalize("NFC", text)).strip()


def default_tm_path() -> Path:
    """`translation-memory.sqlite` in the user data folder (platformdirs), or $GBA_DOCS_TM."""
    env = os.environ.get("GBA_DOCS_TM")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("gba-docs")) / "translation-memory.sqlite"


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class TMEntry:
    """One stored translation and where it came from."""

    source: str
    target: str
    origin: TMOrigin = "machine"
    engine: str = ""
    model_version: str = ""
    glossary_version: str = ""
    source_lang: str = "zh-Hans"
    target_lang: str = "en"
    note: str = ""
    id: int | None = None
    created: str | None = None
    updated: str | None = None

    def key(self) -> tuple[str, str, str, str, str]:
        if self.origin == "human":
            return (normalise_source(self.source), "human", "", "", "")
        return (normalise_source(self.source), "machine", self.engine, self.model_version,
                self.glossary_version)


@dataclass
class TMStats:
    """Entry counts for `gba-docs tm stats`."""

    total: int = 0
    by_origin: dict[str, int] = field(default_factory=dict)
    by_engine: dict[str, int] = field(default_factory=dict)


class TranslationMemory:
    """A translation memory file. Open one per process; it is safe to share the file."""

    def __init__(self, path: str | os.PathLike[str] | None = None, *, timeout: float = 30.0,
                 retries: int = 8) -> None:
        self.path = Path(path) if path is not None else default_tm_path()
        self.timeout = timeout
        self.retries = retries
        self._conn: sqlite3.Connection | None = None

    # ------------------------------------------------------------------ connection
    def _connect(self) -> sqlite3.Connection:
        if self._conn is not None:
            return self._conn
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(self.path), timeout=self.timeout, isolation_level=None)
            conn.row_factory = sqlite3.Row
        except (OSError, sqlite3.Error) as exc:
            raise InputError(f"cannot open the translation memory: {exc}", path=str(self.path),
                             remedy="check the folder exists and is writable, or pass --tm PATH") from exc
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
            self._retry(lambda: conn.execute("PRAGMA synchronous = NORMAL"))
            self._retry(lambda: conn.execute("PRAGMA journal_mode = WAL").fetchone())
            if not self._has_meta(conn):
                self._write(conn, _create)
            self._check_schema(conn)
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise self._corrupt(exc) from exc
        except BaseException:
            conn.close()
            raise
        self._conn = conn
        return conn

    def _corrupt(self, exc: Exception) -> InputError:
        return InputError(
            f"the translation memory is damaged or not a gba-docs TM ({exc})", path=str(self.path),
            remedy="nothing was changed: move the file aside (or restore a backup) and run again, "
                   "or pass --tm PATH to use another file")

    def _has_meta(self, conn: sqlite3.Connection) -> bool:
        row = self._retry(lambda: conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone())
        return row is not None

    def _check_schema(self, conn: sqlite3.Connection) -> None:
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        if row is None or row[0] != SCHEMA:
            raise sqlite3.DatabaseError(f"schema is {row[0] if row else 'missing'!r}, not {SCHEMA}")

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> Self:
        self._connect()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ locking
    def _retry(self, action: Any) -> Any:
        delay = 0.05
        for attempt in range(self.retries + 1):
            try:
                return action()
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                if attempt == self.retries:
                    raise TranslationError(
                        f"the translation memory stayed locked by another process ({exc})",
                        path=str(self.path),
                        remedy="wait for the other gba-docs run to finish, or pass --tm PATH; "
                               "nothing was written") from exc
                time.sleep(delay)
                delay = min(delay * 2, 1.0)
        return None

    def _write(self, conn: sqlite3.Connection, body: Any) -> Any:
        def attempt() -> Any:
            conn.execute("BEGIN IMMEDIATE")
            try:
                result = body(conn)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            return result

        return self._retry(attempt)

    # ------------------------------------------------------------------ API
    def lookup(self, segments: Iterable[str], *, engine: str | None = None,
               model_version: str = "", glossary_version: str = "") -> dict[str, TMEntry]:
        """Entries for the segments found, keyed by the segment as given.

        A human entry for the same source always wins; machine entries must match engine,
        model version and glossary version exactly. With `engine=None` only human entries count.
        """
        wanted: dict[str, list[str]] = {}
        for segment in segments:
            key = normalise_source(segment)
            if key:
                wanted.setdefault(key, []).append(segment)
        if not wanted:
            return {}
        conn = self._connect()
        found: dict[str, TMEntry] = {}
        keys = list(wanted)
        try:
            for start in range(0, len(keys), 500):
                part = keys[start:start + 500]
                marks = ",".join("?" * len(part))
                sql = (f"SELECT * FROM entries WHERE source_key IN ({marks}) AND (origin = 'human'"
                       " OR (engine = ? AND model_version = ? AND glossary_version = ?))"
                       " ORDER BY origin = 'human', updated, id")
                params = (*part, engine or "\x00", model_version, glossary_version)
                rows = self._retry(lambda sql=sql, params=params: conn.execute(sql, params).fetchall())
                for row in rows:
                    entry = _entry(row)
                    for original in wanted[row["source_key"]]:
                        found[original] = entry  # later rows (human, newest) overwrite
        except sqlite3.DatabaseError as exc:
            raise self._corrupt(exc) from exc
        return found

    def store(self, entries: Iterable[TMEntry]) -> int:
        """Insert or update entries in one transaction; return how many were written."""
        batch = [e for e in entries if normalise_source(e.source) and e.target is not None]
        if not batch:
            return 0
        conn = self._connect()
        now = _now()

        def body(c: sqlite3.Connection) -> int:
            for e in batch:
                key = e.key()
                c.execute(
                    "INSERT INTO entries (source_key, origin, engine, model_version, glossary_version,"
                    " source, target, source_lang, target_lang, created, updated, note)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (source_key, origin, engine, model_version, glossary_version)"
                    " DO UPDATE SET target = excluded.target, source = excluded.source,"
                    " updated = excluded.updated, note = excluded.note",
                    (*key, e.source, e.target, e.source_lang, e.target_lang, e.created or now, now,
                     e.note))
            return len(batch)

        try:
            return int(self._write(conn, body))
        except sqlite3.DatabaseError as exc:
            raise self._corrupt(exc) from exc

    def entries(self, *, origin: TMOrigin | None = None) -> Iterator[TMEntry]:
        """Every entry (optionally of one origin), oldest first."""
        conn = self._connect()
        sql = "SELECT * FROM entries" + (" WHERE origin = ?" if origin else "") + " ORDER BY id"
        try:
            for row in conn.execute(sql, (origin,) if origin else ()):
                yield _entry(row)
        except sqlite3.DatabaseError as exc:
            raise self._corrupt(exc) from exc

    def count(self) -> int:
        conn = self._connect()
        return int(conn.execute("SELECT COUNT(*) FROM entries").fetchone()[0])

    def stats(self) -> TMStats:
        """Counts by origin and by engine (human entries count under engine 'human')."""
        conn = self._connect()
        result = TMStats(total=self.count())
        for origin, n in conn.execute("SELECT origin, COUNT(*) FROM entries GROUP BY origin"):
            result.by_origin[origin] = n
        for engine, origin, n in conn.execute(
                "SELECT engine, origin, COUNT(*) FROM entries GROUP BY engine, origin"):
            name = engine or ("human" if origin == "human" else "(none)")
            result.by_engine[name] = result.by_engine.get(name, 0) + n
        return result


def _create(conn: sqlite3.Connection) -> None:
    for statement in _SCHEMA_SQL.split(";"):
        if statement.strip():
            conn.execute(statement)
    conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', ?)", (SCHEMA,))
    conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('version', ?)", (SCHEMA_VERSION,))


def _entry(row: sqlite3.Row) -> TMEntry:
    return TMEntry(source=row["source"], target=row["target"], origin=row["origin"],
                   engine=row["engine"], model_version=row["model_version"],
                   glossary_version=row["glossary_version"], source_lang=row["source_lang"],
                   target_lang=row["target_lang"], note=row["note"], id=row["id"],
                   created=row["created"], updated=row["updated"])


# --------------------------------------------------------------------------- TMX 1.4
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_NATIVE_CODES = {"bpt", "ept", "ph", "it", "ut"}


@dataclass
class ImportReport:
    """What `import_tmx` did."""

    imported: int = 0
    skipped: int = 0
    problems: list[str] = field(default_factory=list)


def _seg_text(seg: Any) -> str:
    """Text of a <seg>, keeping <hi>/<sub> text and dropping native codes (<bpt>, <ph> …)."""
    from lxml import etree  # type: ignore[import-untyped]

    parts: list[str] = [seg.text or ""]
    for child in seg:
        if isinstance(child, etree._Entity):  # unresolved entity: refused by the caller
            raise ValueError(f"entity reference &{child.name}; is not allowed")  # noqa: TRY004 - content refused, not a type error
        if not isinstance(child.tag, str):
            parts.append(child.tail or "")
            continue
        local = etree.QName(child).localname
        if local not in _NATIVE_CODES:
            parts.append(_seg_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _refuse_dtd(path: Path) -> None:
    with open(path, "rb") as fh:
        head = fh.read(64 * 1024)
    root = head.find(b"<tmx")
    prolog = head if root < 0 else head[:root]
    if b"<!ENTITY" in prolog.upper() or b"<!DOCTYPE" in prolog.upper() and b"[" in prolog:
        raise InputError("the TMX file declares a DTD with entities", path=str(path),
                         remedy="remove the <!DOCTYPE …[…]> block; TMX files need none")


def import_tmx(tm: TranslationMemory, path: str | os.PathLike[str], *, origin: TMOrigin = "human",
               source_lang: str = "zh", target_lang: str = "en", batch: int = 1000) -> ImportReport:
    """Import every <tu> with a Chinese and an English <tuv>. No DTD is loaded, no entity expanded."""
    from lxml import etree

    tmx = Path(path)
    if not tmx.is_file():
        raise InputError("no such TMX file", path=str(tmx), remedy="check the path")
    _refuse_dtd(tmx)
    report = ImportReport()
    pending: list[TMEntry] = []
    try:
        context = etree.iterparse(str(tmx), events=("end",), tag="tu", resolve_entities=False,
                                  load_dtd=False, no_network=True, huge_tree=False,
                                  remove_comments=True)
        for _, tu in context:
            entry = _tu_entry(tu, origin, source_lang, target_lang, report)
            if entry is not None:
                pending.append(entry)
            tu.clear()
            if len(pending) >= batch:
                report.imported += tm.store(pending)
                pending = []
    except etree.XMLSyntaxError as exc:
        raise InputError(f"not well-formed TMX: {exc}", path=str(tmx), line=exc.lineno,
                         remedy="fix the XML (entries before this line were imported)") from exc
    except ValueError as exc:
        raise InputError(f"refusing TMX content: {exc}", path=str(tmx),
                         remedy="replace entity references by the characters they stand for") from exc
    finally:
        if pending:
            report.imported += tm.store(pending)
    return report


def _tu_entry(tu: Any, origin: TMOrigin, source_lang: str, target_lang: str,
              report: ImportReport) -> TMEntry | None:
    sides: dict[str, tuple[str, str]] = {}
    props = {p.get("type"): (p.text or "") for p in tu.iter("prop")}
    for tuv in tu.iter("tuv"):
        lang = (tuv.get(_XML_LANG) or tuv.get("lang") or "").strip()
        seg = tuv.find("seg")
        if seg is None or not lang:
            continue
        family = lang.split("-")[0].lower()
        if family in (source_lang, target_lang) and family not in sides:
            sides[family] = (lang, _seg_text(seg))
    line = getattr(tu, "sourceline", None)
    if source_lang not in sides or target_lang not in sides or not sides[source_lang][1].strip():
        report.skipped += 1
        report.problems.append(f"line {line}: <tu> lacks a {source_lang} or {target_lang} segment")
        return None
    kind: TMOrigin = origin
    return TMEntry(source=sides[source_lang][1], target=sides[target_lang][1], origin=kind,
                   engine=props.get("x-engine", "tmx-import") if kind == "machine" else "",
                   model_version=props.get("x-model-version", "") if kind == "machine" else "",
                   glossary_version=props.get("x-glossary-version", "") if kind == "machine" else "",
                   source_lang=sides[source_lang][0], target_lang=sides[target_lang][0],
                   note=props.get("x-note", ""))


def export_tmx(tm: TranslationMemory, path: str | os.PathLike[str], *,
               origin: TMOrigin | None = None) -> int:
    """Write the TM (or one origin of it) as TMX 1.4, atomically; return the entry count."""
    from lxml import etree

    from .. import __version__
    from .._io import atomic_write

    root = etree.Element("tmx", version="1.4")
    etree.SubElement(root, "header", creationtool="gba-docs", creationtoolversion=__version__,
                     segtype="sentence", adminlang="en", srclang="zh-Hans", datatype="plaintext",
                     **{"o-tmf": "gba-docs-tm"})
    body = etree.SubElement(root, "body")
    count = 0
    for entry in tm.entries(origin=origin):
        tu = etree.SubElement(body, "tu", tuid=str(entry.id),
                              creationdate=(entry.created or _now()).replace("-", "").replace(":", ""))
        for key, value in (("x-origin", entry.origin), ("x-engine", entry.engine),
                           ("x-model-version", entry.model_version),
                           ("x-glossary-version", entry.glossary_version), ("x-note", entry.note)):
            if value:
                etree.SubElement(tu, "prop", type=key).text = value
        for lang, text in ((entry.source_lang, entry.source), (entry.target_lang, entry.target)):
            tuv = etree.SubElement(tu, "tuv", {_XML_LANG: lang})
            etree.SubElement(tuv, "seg").text = _xml_safe(text)
        count += 1
    atomic_write(path, etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
    return count


def _xml_safe(text: str) -> str:
    """Drop characters XML 1.0 cannot carry (C0 controls other than tab/newline/CR)."""
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "", text)
