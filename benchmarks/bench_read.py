"""Reading + fixes throughput for every registered reader, side by side, at growing sizes.

Prints MB/s per reader and size, and the time-per-MB ratio of the largest to the smallest
size (about 1.0 means linear). Usage: .venv/bin/python benchmarks/bench_read.py [--quick]
"""

from __future__ import annotations

import argparse
import gc
import time
from collections.abc import Callable
from pathlib import Path

from gba_docs.fixes import run_fixes
from gba_docs.model import Document

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
MB = 1_000_000

# Which seeds stand for which input shape (the seeds are all named .txt).
SAMPLES = {
    "text": ["000_f07f11e24ac20ed8.txt", "002_3e2891827177514d.txt", "003_e90495a0e799883c.txt"],
    "markdown": ["001_db7c19a780cc40f6.txt"],
    "html": ["004_e9118c60ae84f4be.txt"],
}


def _readers() -> tuple[dict[str, Callable[..., Document]], str]:
    try:
        from gba_docs.readers import READERS

        found: dict[str, Callable[..., Document]] = {}
        for name in READERS:
            try:
                found[name] = READERS[name]
            except (ImportError, AttributeError):
                continue
        return found, "gba_docs.readers.READERS"
    except ImportError:
        from gba_docs.readers.text import read_text

        return {"text": read_text}, "the text reader only (no READERS registry found)"


def _hard_wrapped(text: str, width: int = 38) -> str:
    """The same articles hard-wrapped at `width` characters (76 columns of Chinese)."""
    out: list[str] = []
    for line in text.split("\n"):
        stripped = line.strip()
        if len(stripped) <= width or stripped.startswith(("#", ">")):
            out.append(line)
            continue
        out.extend(stripped[i : i + width] for i in range(0, len(stripped), width))
    return "\n".join(out)


def _sample(name: str, size: int) -> str:
    if name == "text-wrapped":
        base = _hard_wrapped(_sample("text", 200_000))
    else:
        base = "\n\n".join((SEEDS / f).read_text(encoding="utf-8") for f in SAMPLES[name])
    if name == "text-wrapped" or name == "text":
        unit = base + "\n\n"
        return unit * max(1, size // len(unit.encode("utf-8")))
    # html/markdown readers take one document: repeat the body, keep one front matter
    return base + ("\n\n" + base.split("---", 2)[-1]) * max(
        0, size // len(base.encode("utf-8")) - 1
    )


def _time(reader: Callable[..., Document], text: str) -> tuple[float, float, int]:
    """Wall and CPU seconds for read + fixes (CPU time is steadier on a busy machine)."""
    gc.collect()
    start, cpu = time.perf_counter(), time.process_time()
    doc = run_fixes(reader(text))
    return time.perf_counter() - start, time.process_time() - cpu, len(doc.blocks)


def _row(name: str, mb: float, seconds: float, cpu: float, blocks: int) -> str:
    return (
        f"{name:<14}{mb:>9.1f}{seconds:>9.2f}{cpu:>8.2f}{mb / seconds:>7.2f}"
        f"{mb / max(cpu, 1e-9):>10.2f}{blocks:>9}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, finishes in seconds")
    args = parser.parse_args()
    sizes = [250_000, 1 * MB] if args.quick else [1 * MB, 4 * MB, 16 * MB]
    readers, origin = _readers()
    print(f"readers from {origin}: {', '.join(readers)}")
    print(
        f"{'input':<14}{'size MB':>9}{'wall s':>9}{'cpu s':>8}{'MB/s':>7}{'cpu MB/s':>10}{'blocks':>9}"
    )
    cases = [(name, readers[name]) for name in ("text", "markdown", "html") if name in readers]
    if "text" in readers:
        cases.insert(1, ("text-wrapped", readers["text"]))
    per_mb_text: list[float] = []
    for name, reader in cases:
        per_mb: list[float] = per_mb_text if name == "text" else []
        for size in sizes:
            text = _sample(name, size)
            mb = len(text.encode("utf-8")) / MB
            try:
                seconds, cpu, blocks = _time(reader, text)
            except Exception as exc:  # noqa: BLE001 - a reader under construction must not stop the others
                print(f"{name:<14}{mb:>9.1f}  failed: {type(exc).__name__}: {exc}"[:160])
                break
            per_mb.append(cpu / mb)
            print(_row(name, mb, seconds, cpu, blocks))
        if len(per_mb) > 1:
            print(
                f"{name:<14} cpu time/MB ratio largest/smallest = {per_mb[-1] / per_mb[0]:.2f} (1.0 = linear)"
            )
    if "text" in readers and not args.quick:
        text = _sample("text", 50 * MB)
        mb = len(text.encode("utf-8")) / MB
        seconds, cpu, blocks = _time(readers["text"], text)
        print(_row("text 50 MB", mb, seconds, cpu, blocks))
        print(
            f"{'text 50 MB':<14} cpu time/MB vs {sizes[0] // MB} MB = {cpu / mb / per_mb_text[0]:.2f}"
        )


if __name__ == "__main__":
    main()
