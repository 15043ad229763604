"""Translation throughput, TM reuse, term protection and argostranslate agreement, side by side.

Builds a random-weight Transformer-base package (6+6 layers, d_model 512, 8 heads, FFN 2048,
32k vocabulary, int8; `--quick`: 3+3 layers, d_model 256) and compares on the seed paragraphs:

* our batched engine vs an un-batched one-sentence-at-a-time CTranslate2 loop (what
  argostranslate does inside), and vs `argostranslate.translate` when it is installed (same
  package, paragraphs, threads, beam and output-length cap);
* a second run over the unchanged corpus (TM hits only) vs the first run;
* how often the approved English of glossary terms survives, per protection strategy, on the
  tiny copy and random models.

`--check-agreement` runs only the agreement check against argostranslate on the tiny copy
model (every seed paragraph must come back as identical text) and exits 1 on any difference,
2 when argostranslate is not installed. argostranslate is an optional extra, not a test
dependency; its own sentence splitter downloads a model, so ours replaces it.

Run: .venv/bin/python benchmarks/bench_translate.py [--quick] [--beam 4] [--threads N]
     [--paragraphs N] [--check-agreement]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
import time
from dataclasses import dataclass
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


def unique_seed_paragraphs() -> list[str]:
    """Chinese paragraphs of the seed texts, in file order, markup lines dropped."""
    paragraphs: list[str] = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        for line in path.read_text("utf-8").splitlines():
            text = line.strip().lstrip("#> ").strip()
            if len(text) >= 20 and not text.startswith(("<", "---", "title:", "date:")):
                paragraphs.append(text)
    return paragraphs


def seed_paragraphs(limit: int) -> list[str]:
    """The seed paragraphs, repeated up to `limit`."""
    paragraphs = unique_seed_paragraphs()
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


def argos_available() -> bool:
    """Whether argostranslate can be imported (the optional `argos` extra)."""
    return importlib.util.find_spec("argostranslate") is not None


def argos_translation(package_path: Path, *, threads: int, beam: int, compute_type: str):
    """argostranslate's zh→en translation for this package alone, with our sentence splitter.

    Every other installed package is uninstalled and argostranslate's two caches (translations
    per language pair, installed languages) are cleared, so the pair resolves to this package.
    Threads, beam and compute type are set on its settings module, which it reads when the
    CTranslate2 translator is created. The translator is loaded before returning, as ours is.
    """
    import argostranslate.package as argos_package
    import argostranslate.settings as argos_settings
    import argostranslate.translate as argos_translate_module

    argos_settings.intra_threads = threads
    argos_settings.inter_threads = 1
    argos_settings.beam_size = beam
    argos_settings.compute_type = compute_type
    for installed in argos_package.get_installed_packages():
        argos_package.uninstall(installed)
    argos_package.install_from_path(package_path)
    argos_translate_module.installed_translates.clear()
    argos_translate_module.get_installed_languages.cache_clear()
    translation = argos_translate_module.get_translation_from_codes("zh", "en")
    if translation is None:
        raise RuntimeError(f"argostranslate did not pick up {package_path.name}")

    class _Splitter:
        """Our splitter in argostranslate's sentencizer slot (its MiniSBD downloads a model)."""

        def split_sentences(self, text: str) -> list[str]:
            return [s.strip() for s in split_sentences(text, "zh") if s.strip()]

    translation.underlying.sentencizer = _Splitter()
    translation.translate("测试。")
    return translation


def argos_translate(translation, paragraphs: list[str]) -> list[str]:
    """`argostranslate.translate` one paragraph per call, as an application would use it.

    Its per-paragraph cache is emptied before every call so repeated paragraphs are decoded
    again, as they are by our engine (which keeps no cache; the TM does that).
    """
    out = []
    for paragraph in paragraphs:
        translation.cache = {}
        out.append(translation.translate(paragraph))
    return out


def agreement(a: list[str], b: list[str]) -> float:
    return sum(x == y for x, y in zip(a, b)) / max(1, len(a))


def first_difference(a: list[str], b: list[str]) -> str:
    """A short report of the first paragraph where two outputs differ ('' when none does)."""
    for index, (x, y) in enumerate(zip(a, b)):
        if x != y:
            at = next((i for i, (c, d) in enumerate(zip(x, y)) if c != d), min(len(x), len(y)))
            return (f"paragraph {index}, from char {at}:\n  ours:  {x[max(0, at - 30):at + 50]!r}"
                    f"\n  argos: {y[max(0, at - 30):at + 50]!r}")
    return "" if len(a) == len(b) else f"{len(a)} vs {len(b)} paragraphs"


def like_argos_engine(info, *, beam: int, threads: int):
    """Our engine with argostranslate's limits: no protection, no chunking below 256 pieces,
    output capped at 256 pieces (CTranslate2's default, which argostranslate keeps)."""
    from gba_docs.translate.argos import ArgosEngine

    return ArgosEngine(info, beam_size=beam, intra_threads=threads, max_batch_size=32,
                       max_input_pieces=256, max_decoding_length=256, length_ratio=1e6,
                       protect_patterns=False)


def print_rows(rows: list[tuple[str, float, list[str]]], sentences: int, chars: int) -> None:
    """Time, input rate, output size and output rate per method; the first row is the base.

    Random weights stop at no sensible length, so methods may decode different amounts of
    text: `out/para` and `out ch/s` (output characters per second) show how much.
    """
    base = rows[0][1]
    print(f"{'method':<30}{'seconds':>9}{'sent/s':>8}{'chars/s':>9}{'out/para':>9}"
          f"{'out ch/s':>9}{'vs ours':>9}")
    for name, seconds, outputs in rows:
        out_chars = sum(map(len, outputs))
        print(f"{name:<30}{seconds:>9.2f}{sentences / seconds:>8.1f}{chars / seconds:>9.0f}"
              f"{out_chars / max(1, len(outputs)):>9.0f}{out_chars / seconds:>9.0f}"
              f"{seconds / base:>8.2f}x")


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
    print("our engine, output capped at 1.5 x input + 10 pieces:")
    print_rows([("gba-docs batched", ours_s, ours), ("one sentence per call", loop_s, loop)],
               sentences, chars)
    print(f"output agreement, batched vs one-per-call: {agreement(ours, loop):.0%} of paragraphs")
    copy_info = install_package(build_tiny_packages(WORK / "tiny-agree").copy, WORK / "copy")
    copy_engine = ArgosEngine(copy_info, beam_size=args.beam, intra_threads=args.threads)
    copy_agree = agreement(copy_engine.translate_batch(paragraphs), unbatched_loop(copy_engine, paragraphs))
    print(f"output agreement on the copy model (deterministic), batched vs one-per-call: "
          f"{copy_agree:.0%}\n")
    if argos_available():
        bench_vs_argos(args, package, info, paragraphs, sentences, chars)
    else:
        print("argostranslate is not installed: no argostranslate timing or agreement "
              "(install the 'argos' extra to compare)\n")
    bench_tm(engine, paragraphs)


def bench_vs_argos(args: argparse.Namespace, package: Path, info, paragraphs: list[str],
                   sentences: int, chars: int) -> None:
    """Our engine vs `argostranslate.translate`: same package, paragraphs, threads, beam, cap."""
    like = like_argos_engine(info, beam=args.beam, threads=args.threads)
    like.load()
    translation = argos_translation(package, threads=args.threads, beam=args.beam,
                                    compute_type=like.compute_type)
    ours_s, ours = timed(lambda: like.translate_batch(paragraphs))
    argos_s, argos_out = timed(lambda: argos_translate(translation, paragraphs))
    print("vs argostranslate 1.11 (both: output capped at 256 pieces, no pattern protection):")
    print_rows([("gba-docs batched", ours_s, ours), ("argostranslate.translate", argos_s, argos_out)],
               sentences, chars)
    print(f"argostranslate / gba-docs time: {argos_s / ours_s:.2f}x (target >= 3x): "
          f"{'OK' if argos_s / ours_s >= 3 else 'BELOW TARGET'}")
    print(f"output agreement on this random model, batched vs argostranslate: "
          f"{agreement(ours, argos_out):.0%} of paragraphs")
    print("agreement on the tiny models, all seed paragraphs:")
    for name, result in check_agreement(args.threads, args.beam).items():
        report_agreement(name, result)
    print()


@dataclass(frozen=True)
class Agreement:
    """How our output compares with argostranslate's, paragraph by paragraph."""

    total: int
    identical: int
    underscore_only: int
    first_difference: str

    @property
    def other(self) -> int:
        """Paragraphs that differ for any reason but argostranslate's `_` → space rewrite."""
        return self.total - self.identical - self.underscore_only


def compare(ours: list[str], theirs: list[str]) -> Agreement:
    """Count identical paragraphs and those that differ only by argostranslate's decoder
    turning every `_` into a space (its SentencePieceTokenizer.decode does so on purpose).

    >>> compare(["a_b", "c", "d"], ["a b", "c", "e"]).other
    1
    """
    identical = sum(x == y for x, y in zip(ours, theirs))
    underscore = sum(x != y and x.replace("_", " ") == y for x, y in zip(ours, theirs))
    others = [(x, y) for x, y in zip(ours, theirs) if x.replace("_", " ") != y]
    return Agreement(len(ours), identical, underscore,
                     first_difference([x for x, _ in others], [y for _, y in others]))


def check_agreement(threads: int, beam: int) -> dict[str, Agreement]:
    """Our engine vs argostranslate on the tiny copy and random models, all seed paragraphs.

    Our engine runs with its defaults except `protect_patterns=False`: protection rewrites
    dates and magnitudes on purpose (2025年 → 2025), which argostranslate does not do.
    """
    from gba_docs.translate.argos import ArgosEngine
    from gba_docs.translate.packages import install_package

    paragraphs = unique_seed_paragraphs()
    tiny = build_tiny_packages(WORK / "tiny-argos")
    results: dict[str, Agreement] = {}
    for name, package in (("copy model", tiny.copy), ("random model", tiny.random)):
        info = install_package(package, WORK / f"ours-{package.stem}")
        engine = ArgosEngine(info, beam_size=beam, intra_threads=threads, protect_patterns=False)
        ours = engine.translate_batch(paragraphs)
        translation = argos_translation(package, threads=threads, beam=beam,
                                        compute_type=engine.compute_type)
        results[name] = compare(ours, argos_translate(translation, paragraphs))
    return results


def report_agreement(name: str, result: Agreement) -> None:
    print(f"{name}: {result.identical} of {result.total} seed paragraphs identical to "
          f"argostranslate, {result.underscore_only} differ only by its '_' -> ' ' rewrite, "
          f"{result.other} differ otherwise")
    if result.first_difference:
        print(f"  first other difference: {result.first_difference}")


def run_agreement_check(args: argparse.Namespace) -> int:
    """`--check-agreement`: 0 when the copy model agrees on every paragraph, else 1 (2: no argos)."""
    if not argos_available():
        print("argostranslate is not installed, so the agreement check cannot run: install it "
              "in a separate environment (pip install torch, then argostranslate==1.11.0 and "
              "this project) and run this script from there", file=sys.stderr)
        return 2
    print(f"our engine vs argostranslate, beam {args.beam}, {args.threads} threads")
    results = check_agreement(args.threads, args.beam)
    for name, result in results.items():
        report_agreement(name, result)
    ok = results["copy model"].other == 0
    print("agreement on the copy model: " + ("OK" if ok else "FAILED"))
    return 0 if ok else 1


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller model and corpus (< 60 s)")
    parser.add_argument("--beam", type=int, default=4, help="beam size (argostranslate uses 4)")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--paragraphs", type=int, default=None)
    parser.add_argument("--check-agreement", action="store_true",
                        help="only compare with argostranslate on the copy model; exit 1 if "
                             "any paragraph differs, 2 if argostranslate is not installed")
    args = parser.parse_args()
    if args.paragraphs is None:
        args.paragraphs = 16 if args.quick else 60
    if args.quick:
        args.beam = min(args.beam, 2)
    try:
        if args.check_agreement:
            return run_agreement_check(args)
        bench_engine(args)
        bench_protection()
        return 0
    finally:
        import shutil

        shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
