"""Read and write glossary files: the TSV format (comments kept, sorted, atomic) and CSV.

Parsing either refuses the first problem (`load_glossary`) or collects every problem for lint
(`parse_glossary_bytes(..., strict=False)`). Judging entries against each other is `lint.py`.
"""

from __future__ import annotations

import csv
import io as _stdio
import re
import threading
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from .._io import atomic_write
from ..errors import GlossaryError
from .model import COLUMNS, LIST_COLUMNS, LIST_SEPARATOR, Glossary, LintFinding, Term

FORMAT_NAME = "gba-docs-glossary-tsv 1"
DEFAULT_RESOURCE = ("gba_docs", "data/glossaries/gba.tsv")
_VERSION_LINE = re.compile(r"^#\s*version:\s*(\S.*?)\s*$")
_BOM = "\ufeff"


def default_header(version: str = "") -> list[str]:
    """Header comment lines for a new glossary file."""
    return [
        "# gba-docs glossary",
        f'# format: {FORMAT_NAME} (UTF-8, LF, tab-separated; lists inside a cell separated by " | ")',
        "# licence: CC BY 4.0",
        "# owner: gba-docs glossary maintainers",
        f"# version: {version or 'draft'}",
    ]


# --------------------------------------------------------------------------- cells -> Term
def split_list(cell: str) -> list[str]:
    """Split a list cell on " | ".

    >>> split_list("大湾区 | 大灣區")
    ['大湾区', '大灣區']
    >>> split_list("")
    []
    """
    return cell.split(LIST_SEPARATOR) if cell else []


def join_list(items: Sequence[str]) -> str:
    return LIST_SEPARATOR.join(items)


def term_from_cells(
    cells: dict[str, str], *, line: int | None, path: str | None
) -> tuple[Term | None, list[LintFinding]]:
    """Build a Term from the twelve string cells; problems come back as error findings."""
    problems: list[LintFinding] = []
    term_id = cells.get("id") or None
    override_cell = cells.get("override", "")
    if override_cell not in ("", "yes"):
        problems.append(LintFinding(
            "bad-override", "error", line, term_id,
            f"override is {override_cell!r}; write 'yes' or leave it empty",
        ))
    data: dict[str, object] = {}
    for name in COLUMNS:
        value = cells.get(name, "")
        if name in LIST_COLUMNS:
            data[name] = split_list(value)
        elif name == "override":
            data[name] = value == "yes"
        else:
            data[name] = value
    data["line"] = line
    try:
        term = Term.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            code = err["type"] if err["type"] in _KNOWN_CODES else "invalid-entry"
            problems.append(LintFinding(code, "error", line, term_id, err["msg"]))
        return None, problems
    return (None if problems else term), problems


_KNOWN_CODES = frozenset({"empty-field", "bad-chars", "bad-id", "bad-category"})


def term_to_cells(term: Term) -> list[str]:
    """The twelve cells of a term, in column order."""
    out: list[str] = []
    for name in COLUMNS:
        value = getattr(term, name)
        if name in LIST_COLUMNS:
            out.append(join_list(value))
        elif name == "override":
            out.append("yes" if value else "")
        else:
            out.append(value or "")
    return out


# --------------------------------------------------------------------------- decoding
def decode_glossary_bytes(raw: bytes, path: str | None) -> tuple[str, bool, bool]:
    """UTF-8 text with LF line ends, plus whether a BOM and CRLF were found."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise GlossaryError(
            f"not UTF-8 (byte 0x{raw[exc.start]:02x})", path=path, line=line,
            remedy="save the file as UTF-8",
        ) from exc
    had_bom = text.startswith(_BOM)
    if had_bom:
        text = text[1:]
    had_crlf = "\r\n" in text
    text = text.replace("\r\n", "\n")
    if "\r" in text:
        line = text[: text.index("\r")].count("\n") + 1
        raise GlossaryError(
            "stray carriage return (old Mac line ending)", path=path, line=line,
            remedy="save the file with LF line endings",
        )
    return text, had_bom, had_crlf


# --------------------------------------------------------------------------- TSV parse
def _header_problem(cells: list[str], line: int) -> LintFinding | None:
    if tuple(cells) == COLUMNS:
        return None
    missing = [c for c in COLUMNS if c not in cells]
    unknown = [c for c in cells if c not in COLUMNS]
    if missing:
        message = f"missing column(s) {', '.join(missing)} in the header row"
    elif unknown:
        message = f"unknown column(s) {', '.join(unknown)} in the header row"
    else:
        message = "columns out of order in the header row"
    return LintFinding(
        "bad-header", "error", line, None,
        f"{message}; expected exactly: {' '.join(COLUMNS)} (tab-separated)",
    )


def parse_glossary_text(
    text: str,
    *,
    path: str | None = None,
    strict: bool = True,
    had_bom: bool = False,
    had_crlf: bool = False,
) -> tuple[Glossary, list[LintFinding]]:
    """Parse TSV text. strict: raise GlossaryError at the first error; else collect them all."""
    problems: list[LintFinding] = []

    def problem(finding: LintFinding) -> None:
        if strict:
            raise GlossaryError(finding.message, path=path, line=finding.line,
                                remedy=_remedy(finding.code))
        problems.append(finding)

    header: list[str] = []
    comments: dict[str, list[str]] = {}
    pending: list[str] = []
    terms: list[Term] = []
    first_line: dict[str, int | None] = {}
    seen_header = False
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        if line.startswith("#"):
            (pending if seen_header else header).append(line)
            continue
        cells = line.split("\t")
        if not seen_header:
            seen_header = True
            found = _header_problem(cells, number)
            if found:
                problem(found)
                break
            continue
        if len(cells) != len(COLUMNS):
            problem(LintFinding(
                "column-count", "error", number, cells[0] or None,
                f"expected {len(COLUMNS)} tab-separated columns, found {len(cells)} "
                "(empty cells still need their tab)",
            ))
            pending = []
            continue
        term, found_problems = term_from_cells(dict(zip(COLUMNS, cells)), line=number, path=path)
        for found in found_problems:
            problem(found)
        if term is None:
            pending = []
            continue
        if term.id in first_line:
            problem(LintFinding(
                "duplicate-id", "error", number, term.id,
                f"duplicate id {term.id!r} (first used on line {first_line[term.id]})",
            ))
            pending = []
            continue
        first_line[term.id] = number
        terms.append(term)
        if pending:
            comments[term.id] = pending
            pending = []
    if not seen_header:
        problem(LintFinding(
            "bad-header", "error", 1, None,
            f"no header row; the first line that is not a comment must be: {' '.join(COLUMNS)}",
        ))
    version = next((m.group(1) for h in header if (m := _VERSION_LINE.match(h))), "")
    glossary = Glossary(
        terms, version=version, path=Path(path) if path else None, header=header,
        comments=comments, trailer=pending, had_bom=had_bom, had_crlf=had_crlf,
    )
    return glossary, problems


def _remedy(code: str) -> str:
    return {
        "bad-header": "copy the header row from the documentation",
        "column-count": "every row needs exactly 12 tab-separated cells",
        "duplicate-id": "give each entry its own id",
        "bad-chars": "retype the cell without invisible characters or stray spaces",
        "empty-field": "fill in zh_hans, zh_hant_hk and en",
        "bad-category": "use one of the categories listed in the documentation",
        "bad-override": "write 'yes' only when zh_hant_hk deliberately differs from OpenCC s2hk",
        "bad-id": "use lowercase ASCII words joined by '-'",
    }.get(code, "fix the entry, then run `gba-docs glossary lint`")


def parse_glossary_bytes(
    raw: bytes, *, path: str | None = None, strict: bool = True
) -> tuple[Glossary, list[LintFinding]]:
    """Decode (BOM and CRLF accepted) and parse a glossary file's bytes."""
    text, had_bom, had_crlf = decode_glossary_bytes(raw, path)
    return parse_glossary_text(text, path=path, strict=strict, had_bom=had_bom, had_crlf=had_crlf)


# --------------------------------------------------------------------------- load / save
_CACHE: dict[tuple[str, int, int, int], Glossary] = {}
_CACHE_LOCK = threading.Lock()


def default_glossary_path() -> Path:
    """Where the shipped glossary lives (package data)."""
    package, relative = DEFAULT_RESOURCE
    resource = resources.files(package).joinpath(relative)
    return Path(str(resource))


def load_glossary(path: str | Path | None = None) -> Glossary:
    """Load a glossary file (None = the shipped one), cached per path and modification time.

    Raises GlossaryError naming the file and line of the first problem.
    """
    target = Path(path) if path is not None else default_glossary_path()
    try:
        stat = target.stat()
    except OSError as exc:
        remedy = ("reinstall gba-docs; the shipped glossary is missing" if path is None
                  else "check the path, or run without --file to use the shipped glossary")
        raise GlossaryError(f"cannot read glossary: {exc.strerror or exc}", path=str(target),
                            remedy=remedy) from exc
    key = (str(target.resolve()), stat.st_mtime_ns, stat.st_size, stat.st_ino)
    with _CACHE_LOCK:
        cached = _CACHE.get(key)
    if cached is not None:
        return cached
    glossary, _ = parse_glossary_bytes(target.read_bytes(), path=str(target), strict=True)
    with _CACHE_LOCK:
        for old in [k for k in _CACHE if k[0] == key[0]]:
            del _CACHE[old]
        _CACHE[key] = glossary
    return glossary


def dump_glossary(glossary: Glossary) -> str:
    """The TSV text of a glossary: header comments, column row, rows sorted by id."""
    duplicates = _duplicate_ids(glossary.terms)
    if duplicates:
        raise GlossaryError(
            f"duplicate id(s) {', '.join(duplicates)}; nothing was written",
            path=str(glossary.path) if glossary.path else None,
            remedy="give each entry its own id",
        )
    lines = list(glossary.header or default_header(glossary.version))
    lines.append("\t".join(COLUMNS))
    for term in sorted(glossary.terms, key=lambda t: t.id):
        lines.extend(glossary.comments.get(term.id, []))
        lines.append("\t".join(term_to_cells(term)))
    lines.extend(glossary.trailer)
    return "\n".join(lines) + "\n"


def _duplicate_ids(terms: Iterable[Term]) -> list[str]:
    seen: set[str] = set()
    dup: list[str] = []
    for term in terms:
        if term.id in seen and term.id not in dup:
            dup.append(term.id)
        seen.add(term.id)
    return dup


def save_glossary(glossary: Glossary, path: str | Path | None = None) -> Path:
    """Write a glossary atomically: LF, no BOM, stable sort by id, comments kept."""
    target = Path(path) if path is not None else glossary.path
    if target is None:
        raise GlossaryError("no path to save the glossary to",
                            remedy="pass a path to save_glossary")
    return atomic_write(target, dump_glossary(glossary))


# --------------------------------------------------------------------------- CSV
def dump_csv(glossary: Glossary) -> str:
    """The glossary as CSV with the same twelve columns (lists joined by " | ")."""
    buffer = _stdio.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for term in sorted(glossary.terms, key=lambda t: t.id):
        writer.writerow(term_to_cells(term))
    return buffer.getvalue()


def read_csv(raw: bytes, *, path: str | None = None) -> list[Term]:
    """Terms from CSV bytes with the twelve columns as header (any order; BOM accepted)."""
    text, _, _ = decode_glossary_bytes(raw, path)
    reader = csv.reader(_stdio.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise GlossaryError("empty CSV file", path=path, line=1,
                            remedy="export a glossary first to see the expected columns") from None
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise GlossaryError(f"missing column(s) {', '.join(missing)} in the CSV header",
                            path=path, line=1, remedy=f"the header must name: {', '.join(COLUMNS)}")
    terms: list[Term] = []
    seen: dict[str, int] = {}
    line = reader.line_num
    for row in reader:
        line_here = line + 1
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise GlossaryError(f"expected {len(header)} cells, found {len(row)}", path=path,
                                line=line_here, remedy="check the quoting of cells with commas")
        term, problems = term_from_cells(dict(zip(header, row)), line=line_here, path=path)
        if term is None:
            first = problems[0]
            raise GlossaryError(first.message, path=path, line=line_here, remedy=_remedy(first.code))
        if term.id in seen:
            raise GlossaryError(f"duplicate id {term.id!r} (first on line {seen[term.id]})",
                                path=path, line=line_here, remedy=_remedy("duplicate-id"))
        seen[term.id] = line_here
        terms.append(term)
    return terms


# --------------------------------------------------------------------------- merge
def merge_terms(glossary: Glossary, incoming: Iterable[Term], *, replace: bool = False,
                source: str | None = None) -> tuple[Glossary, dict[str, int]]:
    """Merge imported terms by id. A different entry under an existing id is a conflict
    (GlossaryError listing them) unless `replace`. Returns the new glossary and counts."""
    counts = {"added": 0, "replaced": 0, "unchanged": 0}
    conflicts: list[str] = []
    by_id = {t.id: t for t in glossary.terms}
    for term in incoming:
        old = by_id.get(term.id)
        if old is None:
            counts["added"] += 1
        elif old.content() == term.content():
            counts["unchanged"] += 1
            continue
        elif replace:
            counts["replaced"] += 1
        else:
            conflicts.append(f"{term.id} (line {term.line})" if term.line else term.id)
            continue
        by_id[term.id] = term.model_copy(update={"line": None})
    if conflicts:
        shown = ", ".join(conflicts[:10]) + (" …" if len(conflicts) > 10 else "")
        raise GlossaryError(
            f"{len(conflicts)} imported entr{'y differs' if len(conflicts) == 1 else 'ies differ'} "
            f"from the glossary: {shown}; nothing was written",
            path=source, remedy="pass --replace to take the imported entries",
        )
    merged = Glossary(
        sorted(by_id.values(), key=lambda t: t.id), version=glossary.version, path=glossary.path,
        header=glossary.header, comments=glossary.comments, trailer=glossary.trailer,
    )
    return merged, counts
