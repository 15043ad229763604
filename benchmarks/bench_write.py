"""Writer throughput: every output format for a 5k / 10k / 20k-paragraph corpus, side by side.

Prints MB/s of text per writer (text = UTF-8 bytes of the Chinese and English in the units),
the time ratios between corpus sizes (≈2.0 means linear) and the overall MB/s for writing all
formats, plus the two Markdown engines for marked runs (markdownify vs direct).
Run: .venv/bin/python benchmarks/bench_write.py [--quick]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from gba_docs.model import (
    BilingualDocument,
    Document,
    Heading,
    Mark,
    Meta,
    Origin,
    Paragraph,
    Segment,
    Unit,
)
from gba_docs.segment import split_sentences
from gba_docs.writers import WRITERS, render
from gba_docs.writers.markdown import MarkdownOptions, render_inline


def seed_paragraphs() -> list[str]:
    paras: list[str] = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        text = re.sub(r"<[^>]+>", "", path.read_text(encoding="utf-8"))
        paras.extend(p.strip("\u3000 \n#>") for p in re.split(r"\n\s*\n", text) if len(p) > 20)
    return paras


def corpus(n: int, paras: list[str], to_hant) -> BilingualDocument:
    engine = Origin(kind="engine", engine="argos:zh-en", model_version="1.9")
    blocks, units = [], []
    for i in range(n):
        text = paras[i % len(paras)]
        bid = f"b{i:06d}"
        marks = []
        if i % 5 == 0 and len(text) > 12:  # a fifth of the paragraphs carry styling (seed 001)
            cut = text.find("，") + 1 or 8
            marks = [Mark(kind="highlight", start=0, end=len(text)),
                     Mark(kind="emphasis", start=0, end=cut), Mark(kind="strong", start=cut,
                                                                   end=cut + 4)]
        kind = "heading" if i % 25 == 0 else "paragraph"
        blocks.append(Heading(id=bid, text=text, marks=marks, level=2) if kind == "heading"
                      else Paragraph(id=bid, text=text, marks=marks))
        en = " ".join(["The Greater Bay Area forum advanced innovation."] * max(1, len(text) // 30))
        sentences = split_sentences(text, "zh")
        segments = [Segment(id=f"{bid}.s{j}", zh={"zh-Hans": s}, en=f"Sentence {j}. ",
                            origin=engine) for j, s in enumerate(sentences)] if i % 3 == 0 else []
        hant = to_hant(text)
        units.append(Unit(id=bid, kind=kind, zh={"zh-Hans": text, "zh-Hant-HK": hant},
                          en=None if i % 17 == 0 else en, status="translated", origin=engine,
                          marks={"zh-Hans": marks, "zh-Hant-HK": marks}, segments=segments,
                          attrs={"level": 2} if kind == "heading" else {}))
    doc = Document(meta=Meta(title="benchmark"), blocks=blocks)
    return BilingualDocument(source=doc, scripts=["zh-Hans", "zh-Hant-HK"], units=units,
                             provenance={"tool": "gba-docs", "created": "2025-01-01T00:00:00Z"})


def text_bytes(bi: BilingualDocument) -> int:
    return sum(len(t.encode()) for u in bi.units for t in [*u.zh.values(), u.en or ""])


def time_writer(bi: BilingualDocument, fmt: str) -> float:
    start = time.perf_counter()
    render(bi, fmt)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="500/1k/2k paragraphs")
    args = parser.parse_args()
    import opencc

    to_hant = opencc.OpenCC("s2hk").convert
    sizes = (500, 1000, 2000) if args.quick else (5000, 10000, 20000)
    paras = seed_paragraphs()
    docs = {n: corpus(n, paras, to_hant) for n in sizes}
    formats = list(WRITERS)
    warm = corpus(50, paras, to_hant)
    for fmt in formats:  # imports (yaml, python-docx, markdownify) are not writing time
        render(warm, fmt)
    times: dict[tuple[int, str], float] = {}
    for n, bi in docs.items():
        for fmt in formats:
            times[(n, fmt)] = time_writer(bi, fmt)
    mid = sizes[1]
    mb = text_bytes(docs[mid]) / 1e6
    print(f"corpus sizes {sizes}; {mid} paragraphs = {mb:.2f} MB of text "
          f"(zh-Hans + zh-Hant-HK + en)\n")
    print(f"{'writer':<10}{'MB/s':>9}{'t(' + str(mid) + ') s':>12}"
          f"{'t(2x)/t(1x)':>13}{'t(4x)/t(2x)':>13}")
    for fmt in formats:
        t = times[(mid, fmt)]
        r1 = times[(mid, fmt)] / times[(sizes[0], fmt)]
        r2 = times[(sizes[2], fmt)] / times[(mid, fmt)]
        print(f"{fmt:<10}{mb / t:>9.1f}{t:>12.3f}{r1:>13.2f}{r2:>13.2f}")
    total = sum(times[(mid, f)] for f in formats)
    print(f"\nall {len(formats)} formats: {total:.2f} s for {mid} paragraphs → "
          f"{mb / total:.1f} MB/s of text overall; "
          f"{mb * len(formats) / total:.1f} MB/s summed over writers")
    for n in sizes:
        tot = sum(times[(n, f)] for f in formats)
        print(f"  {n:>6} paragraphs: {tot:.2f} s")

    marked = [(u.zh["zh-Hans"], u.marks["zh-Hans"]) for u in docs[mid].units
              if u.marks.get("zh-Hans")]
    plain = [u.zh["zh-Hans"] for u in docs[mid].units if not u.marks.get("zh-Hans")]
    print(f"\ninline Markdown for {len(marked)} marked runs / {len(plain)} plain runs:")
    results = {}
    for engine in ("markdownify", "direct"):
        opts = MarkdownOptions(engine=engine)
        start = time.perf_counter()
        for text, marks in marked:
            render_inline(text, marks, opts)
        results[engine] = time.perf_counter() - start
        size = sum(len(t.encode()) for t, _ in marked) / 1e6
        print(f"  marked, {engine:<12} {results[engine]:.3f} s  {size / results[engine]:.2f} MB/s")
    start = time.perf_counter()
    for text in plain:
        render_inline(text, [])
    t_plain = time.perf_counter() - start
    print(f"  plain fast path      {t_plain:.3f} s  "
          f"{sum(len(t.encode()) for t in plain) / 1e6 / t_plain:.1f} MB/s")
    print(f"  markdownify / direct time ratio: {results['markdownify'] / results['direct']:.2f}")


if __name__ == "__main__":
    main()
