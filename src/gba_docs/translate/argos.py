"""Translate with an installed Argos package directly through CTranslate2 and sentencepiece.

Segments are split into sentences (our regex splitter), protected spans are replaced by
placeholders, over-long sentences are cut into chunks, and every piece of every segment is
decoded in length-sorted batches. It does not import argostranslate (no torch, no downloads)
and keeps no translation memory.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ModelNotInstalled, TranslationError
from ..segment import join_sentences, split_sentences
from .packages import (
    PackageInfo,
    find_package,
    list_packages,
    packages_dir,
    read_package,
)
from .protect import Protected, protect, restore

_SOFT_BREAKS = ("，", ",", "、", "；", ";", "：", ":", "▁")


@dataclass
class _Job:
    """One chunk of one sentence of one segment, ready for the decoder."""

    segment: int
    sentence: int
    pieces: list[str]


class ArgosEngine:
    """An engine over one installed `.argosmodel` package (CTranslate2 + sentencepiece).

    The model loads on the first batch. `max_input_pieces` bounds each chunk sent to the
    decoder; `length_ratio` bounds the output length per batch (so a random or degenerate
    model cannot run away); `protect_patterns` keeps URLs, numbers, dates and identifiers out
    of the model's reach.
    """

    def __init__(self, package: PackageInfo | str | os.PathLike[str] | None = None, *,
                 from_code: str = "zh", to_code: str = "en",
                 packages_dir: str | os.PathLike[str] | None = None, device: str = "cpu",
                 compute_type: str = "default", beam_size: int = 4, max_batch_size: int = 32,
                 batch_type: str = "examples", intra_threads: int = 0, inter_threads: int = 1,
                 max_input_pieces: int = 200, max_decoding_length: int = 256,
                 length_ratio: float = 3.0, protect_patterns: bool = True) -> None:
        self.package = _resolve_package(package, from_code, to_code, packages_dir)
        self.id = f"argos:{self.package.pair}:{self.package.name}"
        self.model_version = self.package.package_version
        self.device = device
        self.compute_type = compute_type
        self.beam_size = beam_size
        self.max_batch_size = max_batch_size
        self.batch_type = batch_type
        self.intra_threads = intra_threads
        self.inter_threads = inter_threads
        self.max_input_pieces = max(8, max_input_pieces)
        self.max_decoding_length = max_decoding_length
        self.length_ratio = length_ratio
        self.protect_patterns = protect_patterns
        self.source_lang = self.package.from_code
        self.target_lang = self.package.to_code
        self._translator: Any = None
        self._sp: Any = None

    # ------------------------------------------------------------------ loading
    def load(self) -> None:
        """Load sentencepiece and the CTranslate2 translator (done on first use)."""
        if self._translator is not None:
            return
        import ctranslate2  # type: ignore[import-untyped]
        import sentencepiece as spm

        try:
            self._sp = spm.SentencePieceProcessor(model_file=str(self.package.sentencepiece_path))
            self._translator = ctranslate2.Translator(
                str(self.package.model_dir), device=self.device, compute_type=self.compute_type,
                intra_threads=self.intra_threads, inter_threads=self.inter_threads)
        except Exception as exc:  # ctranslate2 raises RuntimeError/ValueError with its own text
            self._sp = self._translator = None
            raise TranslationError(
                f"cannot load model {self.package.name} on {self.device}: {exc}",
                path=str(self.package.path),
                remedy="reinstall it (gba-docs models remove NAME, then gba-docs models install "
                       "FILE) or try --device cpu") from exc

    # ------------------------------------------------------------------ translation
    def translate_batch(self, segments: list[str]) -> list[str]:
        """Translate segments; all their sentences are decoded together, sorted by length."""
        self.load()
        sentence_plan, protected, jobs = self._prepare(segments)
        outputs = self._decode(jobs)
        by_sentence: dict[tuple[int, int], list[str]] = {}
        for job, text in zip(jobs, outputs):
            by_sentence.setdefault((job.segment, job.sentence), []).append(text)
        results: list[str] = []
        for seg_index, count in enumerate(sentence_plan):
            sentences = []
            for sent_index in range(count):
                key = (seg_index, sent_index)
                raw = join_sentences(by_sentence.get(key, []), self.target_lang)
                prot = protected[key]
                sentences.append(restore(raw, prot).text if prot is not None else raw)
            results.append(join_sentences(sentences, self.target_lang))
        return results

    def translate_stream(self, segments: Iterable[str], chunk: int = 256) -> Iterator[str]:
        """Translate an iterable lazily, `chunk` segments at a time (bounded memory)."""
        iterator = iter(segments)
        while batch := list(itertools.islice(iterator, max(1, chunk))):
            yield from self.translate_batch(batch)

    def _prepare(self, segments: list[str]) -> tuple[list[int], dict[tuple[int, int], Protected | None], list[_Job]]:
        plan: list[int] = []
        protected: dict[tuple[int, int], Protected | None] = {}
        texts: list[str] = []
        keys: list[tuple[int, int]] = []
        for seg_index, segment in enumerate(segments):
            sentences = [s.strip() for s in split_sentences(segment or "", self.source_lang)]
            sentences = [s for s in sentences if s]
            plan.append(len(sentences))
            for sent_index, sentence in enumerate(sentences):
                prot = protect(sentence) if self.protect_patterns else None
                protected[(seg_index, sent_index)] = prot
                texts.append(prot.text if prot is not None else sentence)
                keys.append((seg_index, sent_index))
        jobs: list[_Job] = []
        if texts:
            for key, pieces in zip(keys, self._sp.encode(texts, out_type=str)):
                for chunk in chunk_pieces(pieces, self.max_input_pieces):
                    jobs.append(_Job(key[0], key[1], chunk))
        return plan, protected, jobs

    def _decode(self, jobs: list[_Job]) -> list[str]:
        order = sorted(range(len(jobs)), key=lambda i: len(jobs[i].pieces))
        outputs = [""] * len(jobs)
        group = self.max_batch_size * max(1, self.inter_threads)
        for start in range(0, len(order), group):
            indices = order[start:start + group]
            batch = [jobs[i].pieces for i in indices]
            longest = max(len(p) for p in batch)
            limit = min(self.max_decoding_length, int(self.length_ratio * longest) + 10)
            try:
                results = self._translator.translate_batch(
                    batch, beam_size=self.beam_size, max_batch_size=self.max_batch_size,
                    batch_type=self.batch_type, max_decoding_length=limit)
            except Exception as exc:  # a native decoder error: name the model and what to do
                raise TranslationError(f"model {self.package.name} failed while decoding: {exc}",
                                       path=str(self.package.path),
                                       remedy="retry with --beam-size 1 or --device cpu; if it "
                                              "persists, reinstall the model") from exc
            for i, result in zip(indices, results):
                outputs[i] = self._sp.decode(result.hypotheses[0]) if result.hypotheses else ""
        return outputs


def chunk_pieces(pieces: list[str], limit: int) -> list[list[str]]:
    """Cut a piece sequence into chunks of at most `limit`, preferring to cut after a comma.

    >>> chunk_pieces(["a", "，", "b", "c", "d"], 3)
    [['a', '，'], ['b', 'c', 'd']]
    >>> chunk_pieces([], 3)
    []
    """
    chunks: list[list[str]] = []
    start = 0
    while start < len(pieces):
        end = min(start + limit, len(pieces))
        if end < len(pieces):
            for cut in range(end, start + limit // 2, -1):
                if pieces[cut - 1].endswith(_SOFT_BREAKS[:-1]):
                    end = cut
                    break
        chunks.append(pieces[start:end])
        start = end
    return chunks


def _resolve_package(package: PackageInfo | str | os.PathLike[str] | None, from_code: str,
                     to_code: str, directory: str | os.PathLike[str] | None) -> PackageInfo:
    if isinstance(package, PackageInfo):
        return package
    if package is None:
        return find_package(from_code, to_code, directory)
    path = Path(package)
    if path.is_dir() and (path / "metadata.json").is_file():
        return read_package(path)
    for info in list_packages(directory):
        if info.name == str(package):
            return info
    raise ModelNotInstalled(f"no installed package {str(package)!r} in {packages_dir(directory)}",
                            remedy="see gba-docs models list, or install one with "
                                   "gba-docs models install FILE.argosmodel")
