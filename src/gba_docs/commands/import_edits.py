"""`gba-docs import-edits FILE.xlf [--tm PATH]`: store post-edited XLIFF segments in the TM.

Only argparse wiring lives at the top level; lxml and the TM are imported inside the handler.
Segments a person confirmed (state reviewed/final) become human-approved TM entries.
"""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add the `import-edits` command."""
    parser = subparsers.add_parser(
        "import-edits", help="store post-edited XLIFF targets in the translation memory",
        description="Read an XLIFF 2.x file edited in a CAT tool and store each confirmed "
                    "segment (source, edited English) as a human-approved TM entry, so the "
                    "next conversion uses it.")
    parser.add_argument("file", metavar="FILE.xlf", help="the edited XLIFF 2.0/2.1 file")
    parser.add_argument("--tm", metavar="PATH", help="translation memory file "
                        "(default: $GBA_DOCS_TM or the user data folder)")
    parser.add_argument("--states", default="reviewed,final", metavar="LIST",
                        help="segment states to import, comma-separated "
                             "(default: reviewed,final; add 'translated' for tools that "
                             "mark confirmed segments so)")
    parser.add_argument("--dry-run", action="store_true",
                        help="count what would be imported, write nothing")
    parser.set_defaults(handler=cmd_import_edits)


def cmd_import_edits(args: argparse.Namespace) -> int:
    """Import the file; 0 when it was read (even if nothing qualified), errors raise."""
    from ..edits import STATES, import_edits
    from ..errors import ConfigError

    states = tuple(s.strip() for s in args.states.split(",") if s.strip())
    unknown = [s for s in states if s not in STATES]
    if unknown or not states:
        raise ConfigError(f"--states: unknown state(s) {', '.join(unknown) or '(none given)'}",
                          remedy=f"use a comma-separated list of {', '.join(STATES)}")
    report = import_edits(args.file, args.tm, states=states, dry_run=args.dry_run)
    verb = "would import" if args.dry_run else "imported"
    print(f"{verb} {report.imported} edited segment(s) as human TM entries; "
          f"skipped {report.skipped}")
    for problem in report.problems[:20]:
        print(f"  skipped {problem}")
    if len(report.problems) > 20:
        print(f"  … and {len(report.problems) - 20} more")
    return 0
