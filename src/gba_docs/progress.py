"""What a batch run shows a person: a progress bar on a terminal, plain lines otherwise, a summary.

Uses rich for the bar and the summary table; output is plain text when not a terminal, so logs
and CI stay readable.
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Any


class BatchProgress:
    """Receives each file's result as it finishes and prints it at the chosen verbosity."""

    def __init__(self, *, verbose: int = 0, quiet: bool = False) -> None:
        from rich.console import Console

        self.verbose = verbose
        self.quiet = quiet
        self.out = Console(file=sys.stdout, highlight=False, soft_wrap=True)
        self.err = Console(file=sys.stderr, highlight=False, soft_wrap=True)
        self._bar: Any = None
        self._task: Any = None
        self._count = 0

    def __enter__(self) -> "BatchProgress":
        if self.err.is_terminal and not self.quiet:
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            self._bar = Progress(
                TextColumn("converting"), BarColumn(), TextColumn("{task.completed} files"),
                TimeElapsedColumn(), console=self.err, transient=True,
            )
            self._bar.__enter__()
            self._task = self._bar.add_task("convert", total=None)
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._bar is not None:
            self._bar.__exit__(kind, exc, tb)

    def on_result(self, result: Any) -> None:
        self._count += 1
        if self._bar is not None:
            self._bar.update(self._task, completed=self._count)
        if result.status == "failed":
            self.err.print(result.line(), markup=False)
        elif not self.quiet:
            self.out.print(result.line(), markup=False)
        if self.verbose:
            for diag in result.diagnostics:
                if self.verbose > 1 or diag.get("severity", "warning") != "info":
                    where = f" [{diag['block_id']}]" if diag.get("block_id") else ""
                    self.out.print(
                        f"    {diag.get('severity', 'warning')}: {diag['code']}{where}: {diag['message']}",
                        markup=False,
                    )

    def summary(self, report: Any) -> None:
        from rich.table import Table

        table = Table(title=None, show_header=True, header_style="bold", box=None)
        for column in ("files", "ok", "partial", "skipped", "failed", "units", "TM", "MT",
                       "QA", "time"):
            table.add_column(column, justify="right", no_wrap=True)
        table.add_row(
            str(len(report.files)), str(report.count("success")), str(report.count("partial")),
            str(report.count("skipped")), str(report.failed), str(report.total("units")),
            str(report.total("from_tm")), str(report.total("from_engine")),
            str(report.total("qa")), f"{report.seconds:.1f} s",
        )
        self.out.print(table)
        self.out.print(
            "(ok/partial/skipped/failed: files; units: translatable blocks; TM/MT: units from "
            "the translation memory / the engine; QA: terminology and alignment findings)",
            markup=False, style="dim",
        )
        untranslated = report.total("units") - report.total("translated")
        hints = {d["message"].split("; ", 1)[-1] for f in report.files for d in f.diagnostics
                 if d.get("code") == "mt-unavailable"}
        if untranslated and hints:
            self.out.print(f"note: {untranslated} units left untranslated; {sorted(hints)[0]}",
                           markup=False)
