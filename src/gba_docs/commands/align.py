"""`gba-docs align ZH_FILE EN_FILE -o OUT`: pair an existing Chinese text with its English version.

Only argparse wiring lives at the top level; reading, aligning and writing are imported inside
the handler. It does not translate: units without a counterpart stay unmatched and flagged.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add the `align` command."""
    p = subparsers.add_parser(
        "align", help="align an existing Chinese text with its existing English version",
        description="Align paragraphs, then sentences, of a Chinese file and its English "
                    "version by length, numbers/dates, glossary terms and a bilingual lexicon. "
                    "Exit 1 when the pair looks wrong (empty side, same language, unrelated).")
    p.add_argument("zh_file", metavar="ZH_FILE", help="the Chinese document")
    p.add_argument("en_file", metavar="EN_FILE", help="its English version")
    p.add_argument("-o", "--out", "--output", dest="output", required=True, metavar="OUT",
                   help="output folder")
    p.add_argument("--to", action="append", metavar="FORMAT",
                   help="output format(s), repeatable or comma-separated: json (default), md, "
                        "md-table, html, tmx, xlf, docx")
    p.add_argument("--sentences", action="store_true",
                   help="both files are already split: one sentence per line")
    p.add_argument("--gold-out", metavar="FILE",
                   help="also write the alignment as [zh ids]:[en ids] lines (line numbers with "
                        "--sentences, otherwise paragraph indices)")
    p.add_argument("--report", action="store_true", help="print a report of the weakest units")
    p.add_argument("--script", action="append", dest="scripts", metavar="TAG",
                   help="Chinese view(s) to produce: zh-Hans (default), zh-Hant-HK, zh-Hant-TW …")
    p.add_argument("--glossary", metavar="FILE", help="glossary file (default: the shipped one)")
    p.add_argument("--no-glossary", dest="use_glossary", action="store_false", default=True,
                   help="do not use glossary terms as anchors")
    p.set_defaults(handler=run_align)


def _formats(values: list[str] | None) -> list[str]:
    from ..errors import ConfigError
    from ..writers import WRITERS

    formats = [f.strip() for v in (values or ["json"]) for f in v.split(",") if f.strip()]
    unknown = [f for f in formats if f not in WRITERS]
    if unknown:
        raise ConfigError(f"unknown output format {unknown[0]!r}",
                          remedy=f"use one of: {', '.join(sorted(WRITERS))}")
    return formats


def _read_lines(path: str) -> Any:
    from ..align import lines_document
    from ..errors import InputError
    from ..readers._decode import decode_bytes

    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=path,
                         remedy="check the path and permissions") from exc
    return lines_document(decode_bytes(data, path).text, path=path)


def _read_side(path: str, reader: Any) -> Any:
    """One side of the pair; an empty file is an empty document (the aligner flags it with
    `align-empty-side` and every unit unmatched), anything else unreadable is an error."""
    from ..model import Document, Source

    try:
        empty = not Path(path).read_bytes().strip()
    except OSError:
        empty = False  # the reader reports it with the path and a remedy
    if empty:
        return Document(source=Source(path=path))
    return reader(path)


def run_align(args: argparse.Namespace) -> int:
    """Read both files, align them, write the outputs; 1 if the pair itself looks wrong."""
    from .._io import safe_stem
    from ..align import align_documents, align_report, unit_beads, write_gold
    from ..pipeline import read_path, write_outputs

    formats = _formats(args.to)
    glossary = None
    if args.use_glossary:
        from ..glossary import load_glossary

        glossary = load_glossary(args.glossary)
    reader = _read_lines if args.sentences else read_path
    zh_doc, en_doc = _read_side(args.zh_file, reader), _read_side(args.en_file, reader)
    bi = align_documents(zh_doc, en_doc, glossary=glossary, scripts=tuple(
        tag.strip() for value in (args.scripts or ["zh-Hans"]) for tag in value.split(",") if tag.strip()
    ),
                         mode="lines" if args.sentences else "auto")
    out_dir = Path(args.output)
    stem = out_dir / safe_stem(Path(args.zh_file).stem + ".align")
    written = write_outputs(bi, stem, formats, out_dir, protected=[args.zh_file, args.en_file])
    if args.gold_out:
        write_gold(unit_beads(bi), args.gold_out)
        written.append(args.gold_out)
    for d in bi.diagnostics:
        if d.severity != "info":
            print(f"{d.severity}: {d.code}: {d.message}", file=sys.stderr)
    if args.report:
        print(align_report(bi), end="")
    for path in written:
        print(f"wrote {path}")
    return 1 if any(d.severity == "error" for d in bi.diagnostics) else 0
