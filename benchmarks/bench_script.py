"""Benchmark script conversion: gba-docs (fixes + glossary) against plain OpenCC, side by side.

1. Throughput: the seed articles repeated to ~5 MB (``--quick``: ~0.5 MB), converted to Hong Kong
   Traditional by plain OpenCC ``s2hk`` and by gba-docs (built-in fixes + shipped glossary).
2. Accuracy: real-style Hong Kong text (benchmarks/data/hk) converted to Simplified with ``hk2s``
   and back, once with plain ``s2hk`` and once with gba-docs ``zh-Hant-HK``; characters that differ
   from the original are counted.

Run: ``.venv/bin/python benchmarks/bench_script.py [--quick]``
"""

from __future__ import annotations

import argparse
import difflib
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def seed_text(target_bytes: int) -> str:
    seeds = "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt")))
    repeats = max(1, target_bytes // len(seeds.encode("utf-8")))
    return "\n".join([seeds] * repeats)


def best_of(runs: int, func: Callable[[], Any]) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def char_errors(original: str, produced: str) -> list[tuple[int, str, str]]:
    """(position, expected, got) for every character that differs."""
    if len(original) == len(produced):
        return [(i, a, b) for i, (a, b) in enumerate(zip(original, produced)) if a != b]
    matcher = difflib.SequenceMatcher(None, original, produced, autojunk=False)
    return [(i1, original[i1:i2], produced[j1:j2])
            for op, i1, i2, j1, j2 in matcher.get_opcodes() if op != "equal"]


def load_glossary_or_none() -> Any:
    try:
        from gba_docs.glossary import load_glossary

        return load_glossary()
    except Exception as exc:  # the benchmark still compares fixes alone
        print(f"(no glossary: {exc})")
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="0.5 MB and one run (seconds)")
    args = parser.parse_args()

    import opencc

    from gba_docs.script import ScriptConverter, convert_text

    glossary = load_glossary_or_none()
    overrides = glossary.opencc_overrides("s2hk") if glossary is not None else {}
    plain = opencc.OpenCC("s2hk")
    ours = ScriptConverter("s2hk", overrides)
    text = seed_text(500_000 if args.quick else 5_000_000)
    megabytes = len(text.encode("utf-8")) / 1e6
    runs = 1 if args.quick else 3
    plain.convert("预热"), ours.convert("预热")
    t_plain = best_of(runs, lambda: plain.convert(text))
    t_ours = best_of(runs, lambda: ours.convert(text))
    print(f"throughput on {megabytes:.1f} MB of seed text ({len(overrides)} glossary overrides, "
          f"{len(ours.pre)} pre + {len(ours.post)} post entries in all)")
    print(f"  plain OpenCC s2hk : {megabytes / t_plain:6.1f} MB/s")
    print(f"  gba-docs s2hk     : {megabytes / t_ours:6.1f} MB/s")
    print(f"  ratio gba-docs/plain: {t_plain / t_ours:.2f}x speed")

    hk_dir = ROOT / "benchmarks" / "data" / "hk"
    original = "\n".join(p.read_text(encoding="utf-8") for p in sorted(hk_dir.glob("*.txt")))
    simplified = opencc.OpenCC("hk2s").convert(original)
    back_plain = plain.convert(simplified)
    back_ours = convert_text(simplified, "zh-Hant-HK", glossary=glossary,
                             source_script="zh-Hans")
    err_plain = char_errors(original, back_plain)
    err_ours = char_errors(original, back_ours)
    han = sum(1 for ch in original if "\u4e00" <= ch <= "\u9fff")
    print(f"HK round trip (hk2s, then back) on {han} Han characters")
    print(f"  plain OpenCC s2hk : {len(err_plain):4d} character errors")
    print(f"  gba-docs zh-Hant-HK: {len(err_ours):4d} character errors")
    if err_ours:
        ratio = len(err_plain) / len(err_ours)
        print(f"  ratio plain/gba-docs: {ratio:.1f}x")
    compared = (("plain", err_plain, back_plain), ("gba-docs", err_ours, back_ours))
    for label, errors, produced in compared:
        shown = ", ".join(f"{original[max(0, i - 2):i + 2]}→{produced[max(0, i - 2):i + 2]}"
                          for i, _, _ in errors[:12])
        if shown:
            print(f"  {label} errors: {shown}")


if __name__ == "__main__":
    main()
