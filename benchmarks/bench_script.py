"""Benchmark script conversion: gba-docs (fixes + glossary) against plain OpenCC, side by side.

1. Throughput: the seed articles repeated to ~5 MB (``--quick``: ~0.5 MB), converted to Hong Kong
   Traditional by plain OpenCC ``s2hk`` and by gba-docs (built-in fixes + shipped glossary).
2. Accuracy, on two sets reported separately: Hong Kong Traditional text converted to Simplified
   with ``hk2s`` and back, once with plain ``s2hk`` and once with gba-docs ``zh-Hant-HK``;
   characters that differ from the original are counted.
   * ``written``: ``benchmarks/data/hk/*.txt``, written for the project in HK press style (it uses
     the forms gba-docs targets, so it is not an independent score);
   * ``real``: ``benchmarks/data/hk/real/*.txt``, short unedited excerpts of published Hong Kong
     news and press releases (sources in its README). Every gba-docs error on this set is listed
     with the built-in fix or glossary entry whose output covers it.

Run: ``.venv/bin/python benchmarks/bench_script.py [--quick]``
"""

from __future__ import annotations

import argparse
import difflib
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
HK_DIR = ROOT / "benchmarks" / "data" / "hk"
SETS = {"written": HK_DIR, "real": HK_DIR / "real"}


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


def han_count(text: str) -> int:
    """Characters in the CJK Unified Ideographs block.

    >>> han_count("港深創科園 2024 年")
    6
    """
    return sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")


def char_errors(original: str, produced: str) -> list[tuple[int, str, str]]:
    """(position, expected, got) for every character that differs.

    >>> char_errors("他說發布", "他説發佈")
    [(1, '說', '説'), (3, '布', '佈')]
    """
    if len(original) == len(produced):
        return [(i, a, b) for i, (a, b) in enumerate(zip(original, produced)) if a != b]
    matcher = difflib.SequenceMatcher(None, original, produced, autojunk=False)
    return [(i1, original[i1:i2], produced[j1:j2])
            for op, i1, i2, j1, j2 in matcher.get_opcodes() if op != "equal"]


def load_set(folder: Path) -> str:
    """The .txt files directly in `folder`, in name order, joined by newlines."""
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt")))


def load_glossary_or_none() -> Any:
    try:
        from gba_docs.glossary import load_glossary

        return load_glossary()
    except Exception as exc:  # the benchmark still compares fixes alone
        print(f"(no glossary: {exc})")
        return None


@dataclass(frozen=True)
class RoundTrip:
    """One set converted hk2s and back: the original and both outputs with their errors."""

    name: str
    original: str
    back_plain: str
    back_ours: str

    @property
    def err_plain(self) -> list[tuple[int, str, str]]:
        return char_errors(self.original, self.back_plain)

    @property
    def err_ours(self) -> list[tuple[int, str, str]]:
        return char_errors(self.original, self.back_ours)


def round_trip(name: str, original: str, plain: Any, glossary: Any) -> RoundTrip:
    import opencc

    from gba_docs.script import convert_text

    simplified = opencc.OpenCC("hk2s").convert(original)
    back_ours = convert_text(simplified, "zh-Hant-HK", glossary=glossary, source_script="zh-Hans")
    return RoundTrip(name, original, plain.convert(simplified), back_ours)


def entry_labels(glossary: Any) -> list[tuple[str, str]]:
    """(label, output form) for every fix and glossary override that s2hk applies."""
    from gba_docs.script import builtin_fixes

    labels = [(f"opencc_fixes.tsv:{fix.line} {fix.stage} {fix.source}→{fix.target}", fix.target)
              for fix in builtin_fixes() if fix.applies_to("s2hk")]
    overrides = glossary.opencc_overrides("s2hk") if glossary is not None else {}
    labels += [(f"glossary override {source}→{target}", target)
               for source, target in overrides.items()]
    return labels


def blame(produced: str, position: int, labels: Iterable[tuple[str, str]]) -> list[str]:
    """Labels whose output form occurs in `produced` covering `position`.

    >>> blame("日前發布,提出", 3, [("post 發佈→發布", "發布"), ("x", "提出")])
    ['post 發佈→發布']
    """
    found = []
    for label, form in labels:
        start = produced.find(form, max(0, position - len(form) + 1))
        if start != -1 and start <= position < start + len(form):
            found.append(label)
    return found


def context(text: str, position: int, width: int = 4) -> str:
    return text[max(0, position - width):position + width + 1].replace("\n", "⏎")


def report(trip: RoundTrip, labels: list[tuple[str, str]], *, list_all: bool) -> None:
    err_plain, err_ours = trip.err_plain, trip.err_ours
    print(f"HK round trip, {trip.name} set ({han_count(trip.original)} Han characters): "
          "hk2s, then back")
    print(f"  plain OpenCC s2hk  : {len(err_plain):4d} character errors")
    print(f"  gba-docs zh-Hant-HK: {len(err_ours):4d} character errors")
    if err_ours:
        print(f"  ratio plain/gba-docs: {len(err_plain) / len(err_ours):.1f}x")
    for label, errors, produced in (("plain", err_plain, trip.back_plain),
                                    ("gba-docs", err_ours, trip.back_ours)):
        shown = errors if list_all else errors[:12]
        text = ", ".join(f"{context(trip.original, i, 2)}→{context(produced, i, 2)}"
                         for i, _, _ in shown)
        if text:
            print(f"  {label} errors: {text}")
    if not list_all:
        return
    plain_positions = {i for i, _, _ in err_plain}
    for i, expected, got in err_ours:
        shared = "also plain" if i in plain_positions else "gba-docs only"
        causes = "; ".join(blame(trip.back_ours, i, labels)) or "OpenCC itself"
        print(f"    {expected}→{got} in {context(trip.original, i)} ({shared}; from {causes})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="0.5 MB and one run (seconds)")
    args = parser.parse_args()

    import opencc

    from gba_docs.script import ScriptConverter

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

    labels = entry_labels(glossary)
    for name, folder in SETS.items():
        original = load_set(folder)
        if not original:
            print(f"HK round trip, {name} set: no .txt files in {folder.relative_to(ROOT)}")
            continue
        report(round_trip(name, original, plain, glossary), labels, list_all=name == "real")


if __name__ == "__main__":
    main()
