"""Translation throughput, TM reuse and term protection, measured side by side in one run.

Builds a random-weight Transformer-base package (6+6 layers, d_model 512, 8 heads, FFN 2048,
32k vocabulary, int8; `--quick`: 3+3 layers, d_model 256) and compares on the seed paragraphs:

* our batched engine vs an un-batched one-sentence-at-a-time CTranslate2 loop (what
  argostranslate does inside), and vs `argostranslate.translate` when it is installed;
* a second run over the unchanged corpus (TM hits only) vs the first run;
* how often the approved English of glossary terms survives, per protection strategy, on the
  tiny copy and random models.

Run: .venv/bin/python benchmarks/bench_translate.py [--quick] [--beam 4] [--threads N]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = Path(tempfile.mkdtemp(prefix="bench-translate-"))
# argostranslate reads these at import time; set them before anything can import it
for _name, _sub in (("ARGOS_PACKAGES_DIR", "argos-packages"), ("XDG_DATA_HOME", "xdg-data"),
                    ("XDG_CONFIG_HOME", "xdg-config"), ("XDG_CACHE_HOME", "xdg-cache")):
    os.environ[_name] = str(WORK / _sub)
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "src"))

from argos_fixtures import build_base_sized_model, build_tiny_packages

from gba_docs.segment import split_sentences


def seed_paragraphs(limit: int) -> list[str]:
    """Chinese paragraphs of the seed texts (markup lines dropped), repeated up to `limit`."""
    paragraphs: list[str] = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        for line in path.read_text("utf-8").splitlines():
            text = line.strip().lstrip("#> ").strip()
            if len(text) >= 20 and not text.startswith(("<", "---", "title:", "date:")):
                paragraphs.append(text)
    out: list[str] = []
    while len(out) < limit:
        out.extend(paragraphs)
    return out[:limit]


def timed(action):
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def unbatched_loop(engine, paragraphs: list[str]) -> list[str]:
    """One CTranslate2 call per sentence, same protection, limits and decoding options."""
    from gba_docs.segment import join_sentences
    from gba_docs.translate.protect import protect, restore

    engine.load()
    out = []
    for paragraph in paragraphs:
        sentences = []
        for sentence in (s.strip() for s in split_sentences(paragraph, "zh")):
            if not sentence:
                continue
            prot = protect(sentence)
            pieces = engine._sp.encode(prot.text, out_type=str)[: engine.max_input_pieces]
            limit = min(engine.max_decoding_length, int(engine.length_ratio * len(pieces)) + 10)
            result = engine._translator.translate_batch(
                [pieces], beam_size=engine.beam_size, max_decoding_length=limit)
            sentences.append(restore(engine._sp.decode(result[0].hypotheses[0]), prot).text)
        out.append(join_sentences(sentences, "en"))
    return out


def argos_translate(package_path: Path, paragraphs: list[str], threads: int):
    """argostranslate on the same package, with our sentence splitter (its own downloads)."""
    os.environ.setdefault("ARGOS_INTER_THREADS", "1")
    os.environ["ARGOS_INTRA_THREADS"] = str(threads)
    import argostranslate.package as argos_package
    import argostranslate.translate as argos_translate_module

    argos_package.install_from_path(str(package_path))
    # argostranslate caches translations per language pair; clear it so this package is used
    cache = getattr(argos_translate_module, "installed_translates", None)
    if cache is not None:
        cache.clear()
    clear = getattr(getattr(argos_translate_module, "get_installed_languages", None), "cache_clear", None)
    if clear is not None:
        clear()
    translation = argos_translate_module.get_translation_from_codes("zh", "en")

    class _Splitter:
        def split_sentences(self, text: str) -> list[str]:
            return [s for s in split_sentences(text, "zh") if s.strip()]

    translation.underlying.sentencizer = _Splitter()  # type: ignore[attr-defined]
    return timed(lambda: [translation.translate(p) for p in paragraphs])


def agreement(a: list[str], b: list[str]) -> float:
    return sum(x == y for x, y in zip(a, b)) / max(1, len(a))


def bench_engine(args: argparse.Namespace) -> None:
    from gba_docs.translate.argos import ArgosEngine
    from gba_docs.translate.packages import install_package

    paragraphs = seed_paragraphs(args.paragraphs)
    sentences = sum(1 for p in paragraphs for s in split_sentences(p, "zh") if s.strip())
    chars = sum(len(p) for p in paragraphs)
    build_s, package = timed(lambda: build_base_sized_model(WORK / "base", quick=args.quick))
    info = install_package(package, WORK / "ours")
    size = "3+3 layers, d_model 256, FFN 1024, 4 heads" if args.quick else \
        "6+6 layers, d_model 512, FFN 2048, 8 heads"
    print(f"model: random Transformer ({size}, 32k vocab, int8), built in {build_s:.1f} s, "
          f"{package.stat().st_size / 1e6:.0f} MB")
    print(f"corpus: {len(paragraphs)} paragraphs, {sentences} sentences, {chars} chars; "
          f"beam {args.beam}, {args.threads} threads\n")
    engine = ArgosEngine(info, beam_size=args.beam, intra_threads=args.threads,
                         max_batch_size=32, length_ratio=1.5)
    engine.load()
    ours_s, ours = timed(lambda: engine.translate_batch(paragraphs))
    loop_s, loop = timed(lambda: unbatched_loop(engine, paragraphs))
    rows = [("gba-docs batched", ours_s), ("one sentence per call", loop_s)]
    argos_out = None
    if importlib.util.find_spec("argostranslate") is not None:
        argos_s, argos_out = argos_translate(package, paragraphs, args.threads)
        rows.append(("argostranslate.translate", argos_s))
    else:
        print("argostranslate is not installed: no argostranslate timing or agreement "
              "(install the 'argos' extra to compare)\n")
    print(f"{'method':<26}{'seconds':>9}{'sent/s':>9}{'chars/s':>10}{'vs ours':>9}")
    for name, seconds in rows:
        print(f"{name:<26}{seconds:>9.2f}{sentences / seconds:>9.1f}{chars / seconds:>10.0f}"
              f"{seconds / ours_s:>8.2f}x")
    print(f"\noutput agreement, batched vs one-per-call: {agreement(ours, loop):.0%} of paragraphs")
    if argos_out is not None:
        print(f"output agreement, batched vs argostranslate: {agreement(ours, argos_out):.0%}")
    print(f"mean English length: {sum(map(len, ours)) / len(ours):.0f} chars per paragraph")
    copy_info = install_package(build_tiny_packages(WORK / "tiny-agree").copy, WORK / "copy")
    copy_engine = ArgosEngine(copy_info, beam_size=args.beam, intra_threads=args.threads)
    copy_agree = agreement(copy_engine.translate_batch(paragraphs), unbatched_loop(copy_engine, paragraphs))
    print(f"output agreement on the copy model (deterministic), batched vs one-per-call: "
          f"{copy_agree:.0%}")
    bench_tm(engine, paragraphs)


def bench_tm(engine, paragraphs: list[str]) -> None:
    from gba_docs.model import BilingualDocument, Document, Unit
    from gba_docs.translate.fake import CountingEngine
    from gba_docs.translate.memory import TranslationMemory
    from gba_docs.translate.run import translate_documents

    def docs() -> list[BilingualDocument]:
        units = [Unit(id=f"b{i:04d}", kind="paragraph", zh={"zh-Hans": p})
                 for i, p in enumerate(paragraphs)]
        return [BilingualDocument(source=Document(), units=units)]

    tm = TranslationMemory(WORK / "tm.sqlite")
    first_s, first = timed(lambda: translate_documents(docs(), engine, tm=tm))
    counting = CountingEngine(engine)
    second_s, second = timed(lambda: translate_documents(docs(), counting, tm=tm))
    ratio = second_s / first_s
    print(f"\nTM: first run {first_s:.2f} s ({first.from_engine} segments from the engine), "
          f"second run {second_s:.3f} s ({second.from_tm} from TM, {counting.calls} engine calls)")
    print(f"second run costs {ratio:.1%} of the first (target <= 5%): "
          f"{'OK' if ratio <= 0.05 else 'ABOVE TARGET'}")


def bench_protection() -> None:
    from gba_docs.glossary import Glossary, Term
    from gba_docs.model import BilingualDocument, Document, Unit
    from gba_docs.translate.argos import ArgosEngine
    from gba_docs.translate.packages import install_package
    from gba_docs.translate.run import translate_documents

    glossary = Glossary([
        Term(id="gba", zh_hans="粤港澳大湾区", zh_hant_hk="粵港澳大灣區",
             en="Guangdong-Hong Kong-Macao Greater Bay Area", zh_variants=["大湾区"],
             category="region"),
        Term(id="nansha", zh_hans="南沙", zh_hant_hk="南沙", en="Nansha", category="district"),
        Term(id="cas", zh_hans="中国科学院", zh_hant_hk="中國科學院",
             en="Chinese Academy of Sciences", category="institution"),
        Term(id="ai", zh_hans="人工智能", zh_hant_hk="人工智能", en="artificial intelligence",
             category="term"),
    ], version="bench")
    tiny = build_tiny_packages(WORK / "tiny")
    sentences = [s.strip() for p in seed_paragraphs(400) for s in split_sentences(p, "zh")
                 if glossary.find(s) and len(s) < 150][:60]
    print(f"\nterm survival on {len(sentences)} seed sentences with glossary terms:")
    print(f"{'model':<10}{'placeholder':>13}{'inline':>9}")
    for name, package in (("copy", tiny.copy), ("random", tiny.random)):
        info = install_package(package, WORK / f"tiny-{name}")
        engine = ArgosEngine(info, beam_size=1)
        rates = []
        for strategy in ("placeholder", "inline"):
            units = [Unit(id=f"b{i:04d}", kind="paragraph", zh={"zh-Hans": s})
                     for i, s in enumerate(sentences)]
            doc = BilingualDocument(source=Document(), units=units)
            translate_documents([doc], engine, glossary=glossary, protect_terms=strategy)
            expected = kept = 0
            for unit in doc.units:
                for match in glossary.find(unit.zh["zh-Hans"]):
                    expected += 1
                    kept += match.term.en in (unit.en or "")
            rates.append(kept / max(1, expected))
        print(f"{name:<10}{rates[0]:>13.0%}{rates[1]:>9.0%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller model and corpus (< 60 s)")
    parser.add_argument("--beam", type=int, default=4, help="beam size (argostranslate uses 4)")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--paragraphs", type=int, default=None)
    args = parser.parse_args()
    if args.paragraphs is None:
        args.paragraphs = 16 if args.quick else 60
    if args.quick:
        args.beam = min(args.beam, 2)
    try:
        bench_engine(args)
        bench_protection()
    finally:
        import shutil

        shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
