"""The `gba-docs` console script: argument parsing, exit codes and messages, nothing else.

Subcommands live one per module in `gba_docs.commands` and are discovered here. Exceptions are
mapped to exit codes in one place (`EXIT_CODES`).
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import __version__
from .errors import (
    ConfigError,
    GbaDocsError,
    GlossaryError,
    InputError,
    ModelNotInstalled,
    TranslationError,
    WriteError,
)

EXIT_OK = 0
EXIT_FILES_FAILED = 1
EXIT_USAGE = 2
EXIT_WARNINGS = 3
EXIT_CONFIG = 4
EXIT_MODEL = 5
EXIT_CODES: list[tuple[type[BaseException], int]] = [
    (ModelNotInstalled, EXIT_MODEL),
    (ConfigError, EXIT_CONFIG),
    (GlossaryError, EXIT_CONFIG),
    (InputError, EXIT_FILES_FAILED),
    (TranslationError, EXIT_FILES_FAILED),
    (WriteError, EXIT_FILES_FAILED),
    (GbaDocsError, EXIT_FILES_FAILED),
]
EXIT_HELP = """exit codes: 0 ok, 1 some files failed, 2 usage error, 3 warnings under
--fail-on-warning, 4 invalid config or glossary, 5 translation model unavailable"""


def exit_code_for(exc: BaseException) -> int:
    for kind, code in EXIT_CODES:
        if isinstance(exc, kind):
            return code
    return EXIT_FILES_FAILED


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gba-docs",
        description="Clean bilingual (Chinese/English) documents from Greater Bay Area sources.",
        epilog=EXIT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"gba-docs {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    _register_convert(subparsers)
    for module in _command_modules():
        module.register(subparsers)
    return parser


def _command_modules() -> list[Any]:
    from . import commands

    return [
        importlib.import_module(f"{commands.__name__}.{info.name}")
        for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda i: i.name)
        if not info.name.startswith("_")
    ]


def _add_verbosity(p: argparse.ArgumentParser) -> None:
    p.add_argument("-v", "--verbose", action="count", default=0, help="print diagnostics (-vv: all)")
    p.add_argument("-q", "--quiet", action="store_true", help="print only errors and the summary")


def _register_convert(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "convert",
        help="read files/folders and write clean bilingual outputs",
        description="Read HTML/Markdown/text inputs and write clean and bilingual outputs.",
        epilog=EXIT_HELP,
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="files, folders or globs")
    p.add_argument("-o", "--out", required=True, metavar="OUTDIR", help="output folder")
    p.add_argument("--to", help="formats, comma-separated: clean,json,md,md-table,html,tmx,xlf,docx")
    p.add_argument("--script", dest="scripts",
                   help="Chinese views, comma-separated (zh-Hans,zh-Hant,zh-Hant-HK,zh-Hant-MO,zh-Hant-TW)")
    p.add_argument("--phrases", action="store_true", default=None,
                   help="use OpenCC regional phrase configs (s2hkp, s2twp)")
    p.add_argument("--glossary", metavar="FILE", help="glossary file (default: the shipped GBA glossary)")
    p.add_argument("--no-glossary", dest="use_glossary", action="store_false", default=None)
    p.add_argument("--mt", choices=["auto", "argos", "identity", "none"],
                   help="translation engine (default auto: an installed Argos zh→en model, else none)")
    p.add_argument("--model-dir", metavar="DIR", help="Argos packages folder")
    p.add_argument("--beam-size", type=int)
    p.add_argument("--threads", type=int)
    p.add_argument("--device", choices=["cpu", "cuda", "auto"])
    p.add_argument("--tm", metavar="FILE", help="translation memory (default: user data folder)")
    p.add_argument("--no-tm", dest="use_tm", action="store_false", default=None)
    p.add_argument("--format", dest="input_format", choices=["auto", "html", "markdown", "text"],
                   help="force the input reader")
    p.add_argument("--encoding", help="force the input encoding (e.g. gb18030, big5hkscs)")
    p.add_argument("--skip-fix", dest="skip_fixes", action="append", metavar="NAME",
                   help="leave out a named fix (repeatable)")
    p.add_argument("--workers", type=int, metavar="N", help="processes (default: all cores)")
    p.add_argument("--engine", choices=["local", "dask"],
                   help="run on local processes (default) or a dask.distributed cluster")
    p.add_argument("--scheduler", metavar="ADDRESS", help="dask scheduler, e.g. tcp://10.0.0.5:8786")
    p.add_argument("--dry-run", action="store_true", help="list what would be converted; write nothing")
    p.add_argument("--force", action="store_true", default=None,
                   help="convert everything, even inputs unchanged since the last run")
    p.add_argument("--config", metavar="FILE", help="project config (default: gba-docs.toml found upwards)")
    p.add_argument("--fail-on-warning", action="store_true", default=None,
                   help="exit 3 if any document has warnings")
    p.add_argument("--log", metavar="FILE", help="write all diagnostics as JSON")
    p.add_argument("--report", metavar="FILE", help="write a per-file report as JSON")
    _add_verbosity(p)
    p.set_defaults(handler=_convert)


def _split(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


def _convert_options(args: argparse.Namespace) -> Any:
    from .config import build_options, find_project_config, load_project_config

    config_path = Path(args.config) if args.config else find_project_config()
    if args.config and not config_path.is_file():  # type: ignore[union-attr]
        raise ConfigError("config file not found", path=args.config)
    flags = {
        "to": _split(args.to),
        "scripts": _split(args.scripts),
        "phrases": args.phrases,
        "glossary": args.glossary,
        "use_glossary": args.use_glossary,
        "mt": args.mt,
        "engine": args.engine,
        "scheduler": args.scheduler,
        "workers": args.workers,
        "force": args.force,
        "model_dir": args.model_dir,
        "beam_size": args.beam_size,
        "threads": args.threads,
        "device": args.device,
        "tm": args.tm,
        "use_tm": args.use_tm,
        "input_format": args.input_format,
        "encoding": args.encoding,
        "skip_fixes": args.skip_fixes,
        "fail_on_warning": args.fail_on_warning,
    }
    return build_options(load_project_config(config_path), flags,
                         source=str(config_path) if config_path else None)


def _convert(args: argparse.Namespace) -> int:
    from .batch import convert_many
    from .progress import BatchProgress

    options = _convert_options(args)
    _check_formats(options.to)
    inputs = _expand(args.paths)
    with BatchProgress(verbose=args.verbose, quiet=args.quiet) as progress:
        report = convert_many(inputs, args.out, options=options, on_result=progress.on_result,
                              dry_run=args.dry_run)
        progress.summary(report)
    if args.report:
        from ._io import atomic_write

        atomic_write(args.report, json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    if args.log:
        from ._io import atomic_write

        entries = [dict(d, file=f.path) for f in report.files for d in f.diagnostics]
        atomic_write(args.log, json.dumps(entries, ensure_ascii=False, indent=2))
    if report.failed:
        return EXIT_FILES_FAILED
    if options.fail_on_warning and any(f.warnings for f in report.files):
        return EXIT_WARNINGS
    return EXIT_OK


def _check_formats(formats: list[str]) -> None:
    from .writers import WRITERS

    unknown = [f for f in formats if f not in WRITERS]
    if unknown:
        raise ConfigError(f"unknown output format {', '.join(unknown)}",
                          remedy=f"choose from {', '.join(WRITERS)}")


def _expand(paths: Sequence[str]) -> list[str]:
    """Expand globs the shell did not (quoted, or on Windows); keep plain paths as given."""
    import glob

    out: list[str] = []
    for given in paths:
        if any(ch in given for ch in "*?[") and not Path(given).exists():
            matches = sorted(glob.glob(given, recursive=True))
            if not matches:
                raise InputError("no file matches this pattern", path=given)
            out.extend(matches)
        else:
            out.append(given)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(handler(args))
    except GbaDocsError as exc:
        print(f"gba-docs: error: {exc}", file=sys.stderr)
        return exit_code_for(exc)
    except KeyboardInterrupt:
        print("gba-docs: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # output piped into `head` or a pager that quit: not an error worth a traceback
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":
    run()
