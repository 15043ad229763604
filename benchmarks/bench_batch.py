"""Batch conversion benchmark: --workers 2 vs 1, peak memory per worker, unchanged re-run.

Builds a corpus of N documents from the seeds (default 2,000; --quick: 200), converts it with
one and two worker processes (no machine translation), and prints the ratios measured side by
side in this one run. Each configuration runs in a fresh subprocess so peak memory is its own.

    python benchmarks/bench_batch.py [--docs N] [--quick]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


def build_corpus(folder: Path, count: int) -> int:
    folder.mkdir(parents=True)
    texts = [p.read_bytes() for p in SEEDS]
    total = 0
    for i in range(count):
        data = texts[i % len(texts)] + f"\n\n第{i}号文件的附加段落。\n".encode()
        (folder / f"doc{i:05d}{SEEDS[i % len(SEEDS)].suffix}").write_bytes(data)
        total += len(data)
    return total


def run(corpus: Path, out: Path, workers: int, formats: str) -> tuple[float, float, float, dict]:
    """Run the CLI in a subprocess; return wall seconds, peak RSS (MB) of any one process,
    CPU seconds of all its processes (on a shared machine wall time alone misleads), report."""
    report = out.with_suffix(".report.json")
    code = (
        "import resource, sys\n"
        "from gba_docs.cli import main\n"
        "rc = main(sys.argv[1:])\n"
        "me, kids = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))\n"
        "cpu = me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime\n"
        "print('MAXRSS', me.ru_maxrss, kids.ru_maxrss, cpu)\n"
        "sys.exit(rc)\n"
    )
    cmd = [sys.executable, "-c", code, "convert", str(corpus), "-o", str(out), "--mt", "none",
           "--no-tm", "--workers", str(workers), "--to", formats, "-q", "--report", str(report)]
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"run failed ({done.returncode}):\n{done.stderr[-3000:]}")
    own, kids, cpu = next(line.split()[1:] for line in done.stdout.splitlines()
                          if line.startswith("MAXRSS"))
    peak_mb = max(int(own), int(kids)) / 1024
    return seconds, peak_mb, float(cpu), json.loads(report.read_text(encoding="utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--quick", action="store_true", help="200 documents")
    parser.add_argument("--to", default="clean,json,md,html")
    args = parser.parse_args()
    count = 200 if args.quick else args.docs
    tmp = Path(tempfile.mkdtemp(prefix="gba-bench-batch-"))
    try:
        size = build_corpus(tmp / "corpus", count)
        print(f"corpus: {count} documents, {size / 1e6:.1f} MB; formats {args.to}; no MT")
        t1, m1, c1, r1 = run(tmp / "corpus", tmp / "out1", 1, args.to)
        t2, m2, c2, r2 = run(tmp / "corpus", tmp / "out2", 2, args.to)
        t3, m3, c3, r3 = run(tmp / "corpus", tmp / "out2", 2, args.to)
        print(f"{'run':32} {'seconds':>8} {'docs/s':>8} {'CPU s':>8} {'peak MB/process':>16}")
        for name, t, m, c in (("--workers 1", t1, m1, c1), ("--workers 2", t2, m2, c2),
                              ("--workers 2, unchanged re-run", t3, m3, c3)):
            print(f"{name:32} {t:8.2f} {count / t:8.1f} {c:8.1f} {m:16.0f}")
        print(f"speed-up --workers 2 vs 1: {t1 / t2:.2f}x (target >= 1.7x)")
        print(f"CPU used, --workers 2 / 1: {c2 / c1:.2f} (1.00 = no parallel overhead; the "
              f"best speed-up on 2 free cores is 2 / this = {2 * c1 / c2:.2f}x)")
        print(f"re-run / first run: {100 * t3 / t2:.1f}% (target <= 3%)")
        print(f"peak memory per process: {max(m1, m2):.0f} MB (target <= 300 MB)")
        skipped = r3["summary"]["skipped"]
        print(f"re-run skipped {skipped}/{count} documents")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
