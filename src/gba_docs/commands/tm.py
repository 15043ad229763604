"""`gba-docs tm import FILE.tmx | export -o FILE.tmx | stats`: the translation memory.

Only argparse wiring lives at the top level; the TM and lxml are imported inside handlers.
Imported entries count as human-approved unless `--origin machine` is given.
"""

from __future__ import annotations

import argparse
import json
from typing import Any


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add the `tm` command and its subcommands."""
    parser = subparsers.add_parser(
        "tm", help="import, export and inspect the translation memory",
        description="The translation memory is a SQLite file (default: in the user data folder; "
                    "$GBA_DOCS_TM or --tm to choose another).")
    parser.set_defaults(handler=lambda args: _usage(parser))
    sub = parser.add_subparsers(dest="tm_command", metavar="COMMAND")

    imp = sub.add_parser("import", help="import a TMX 1.4 file (entries count as human)")
    imp.add_argument("file", metavar="FILE.tmx")
    imp.add_argument("--origin", choices=["human", "machine"], default="human",
                     help="mark imported entries as human-approved (default) or machine output")
    _tm_arg(imp)
    imp.set_defaults(handler=cmd_import)

    exp = sub.add_parser("export", help="write the TM as TMX 1.4")
    exp.add_argument("-o", "--output", required=True, metavar="FILE.tmx")
    exp.add_argument("--origin", choices=["human", "machine"], help="only this origin")
    _tm_arg(exp)
    exp.set_defaults(handler=cmd_export)

    stats = sub.add_parser("stats", help="count entries by origin and engine")
    stats.add_argument("--json", action="store_true", help="print JSON")
    _tm_arg(stats)
    stats.set_defaults(handler=cmd_stats)


def _tm_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--tm", metavar="FILE", help="translation memory file")


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def cmd_import(args: argparse.Namespace) -> int:
    from ..translate.memory import TranslationMemory, import_tmx

    with TranslationMemory(args.tm) as tm:
        report = import_tmx(tm, args.file, origin=args.origin)
        print(f"imported {report.imported} entries ({args.origin}) into {tm.path}; "
              f"skipped {report.skipped}")
    for problem in report.problems[:20]:
        print(f"  skipped: {problem}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from ..translate.memory import TranslationMemory, export_tmx

    with TranslationMemory(args.tm) as tm:
        count = export_tmx(tm, args.output, origin=args.origin)
    print(f"exported {count} entries to {args.output}")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from ..translate.memory import TranslationMemory

    with TranslationMemory(args.tm) as tm:
        stats = tm.stats()
        path = tm.path
    if args.json:
        print(json.dumps({"path": str(path), "total": stats.total, "by_origin": stats.by_origin,
                          "by_engine": stats.by_engine}, ensure_ascii=False, indent=2))
        return 0
    print(f"{path}: {stats.total} entries")
    for origin, n in sorted(stats.by_origin.items()):
        print(f"  origin {origin}: {n}")
    for engine, n in sorted(stats.by_engine.items()):
        print(f"  engine {engine}: {n}")
    return 0
