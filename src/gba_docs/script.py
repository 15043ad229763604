"""Script conversion (Simplified ↔ Traditional, HK/MO/TW) with OpenCC, fixes and glossary overrides.

Builds OpenCC configs at run time that put gba-docs' fixes and the glossary's forms in front of
OpenCC's own dictionaries, and reports the characters OpenCC had to guess. It never translates.
"""

from __future__ import annotations

import fnmatch
import functools
import hashlib
import json
import os
import subprocess
import tempfile
import threading
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from .errors import ConfigError, GbaDocsError

if TYPE_CHECKING:
    from .model import Block, Diagnostic, Document, Mark, Meta

ScriptName = Literal["zh-Hans", "zh-Hant", "mixed", "none"]

TARGETS: dict[str, tuple[str, str]] = {
    "zh-Hans": ("t2s", "t2s"),
    "zh-Hant": ("s2t", "s2t"),
    "zh-Hant-HK": ("s2hk", "s2hkp"),
    # OpenCC ships no Macao config; Macao writes the Hong Kong character standard.
    "zh-Hant-MO": ("s2hk", "s2hkp"),
    "zh-Hant-TW": ("s2tw", "s2twp"),
}
"""Target tag -> (OpenCC config from Simplified without regional phrases, with them)."""

_REGION_OF: dict[str, str] = {"zh-Hant-HK": "hk", "zh-Hant-MO": "hk", "zh-Hant-TW": "tw"}
_FROM_TRADITIONAL: dict[tuple[str, str], tuple[str, str]] = {
    # (source region, target tag) -> (config, config with phrases)
    ("", "zh-Hans"): ("t2s", "t2s"),
    ("hk", "zh-Hans"): ("hk2s", "hk2sp"),
    ("tw", "zh-Hans"): ("tw2s", "tw2sp"),
    ("hk", "zh-Hant"): ("hk2t", "hk2t"),
    ("tw", "zh-Hant"): ("tw2t", "tw2t"),
    ("", "zh-Hant-HK"): ("t2hk", "t2hk"),
    ("tw", "zh-Hant-HK"): ("t2hk", "t2hk"),
    ("", "zh-Hant-TW"): ("t2tw", "t2tw"),
    ("hk", "zh-Hant-TW"): ("t2tw", "t2tw"),
}
_SOURCE_TAGS = ("zh-Hans", "zh-Hant", "zh-Hant-HK", "zh-Hant-MO", "zh-Hant-TW",
                "mixed", "none", "en")

MIXED_SHARE = 0.2
MAX_AMBIGUITY_REPORTS = 300
"""Ambiguity diagnostics per document and target; a long document stops reporting after this."""
"""detect_script: the minority script must hold at least this share of the telling characters."""

_FIXES_RESOURCE = ("gba_docs", "data/opencc_fixes.tsv")
_CACHE_ENV = "GBA_DOCS_CACHE_DIR"


class _HasOverrides(Protocol):
    def opencc_overrides(self, config: str) -> dict[str, str]: ...


@dataclass(frozen=True)
class Ambiguity:
    """A character OpenCC converted by guessing: several candidates, no phrase deciding."""

    char: str
    start: int
    candidates: tuple[str, ...]
    chosen: str

    @property
    def end(self) -> int:
        return self.start + 1


# --------------------------------------------------------------------------- OpenCC files
@functools.cache
def _opencc_share() -> Path:
    import opencc

    return Path(opencc.__file__).resolve().parent / "clib" / "share" / "opencc"


def _opencc_version() -> str:
    import opencc

    return str(getattr(opencc, "__version__", "unknown"))


def _shipped_config(config: str) -> dict[str, Any]:
    path = _opencc_share() / f"{config}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        known = sorted(p.stem for p in _opencc_share().glob("*.json"))
        raise ConfigError(f"unknown OpenCC config {config!r}", path=str(path),
                          remedy=f"use one of {', '.join(known)}") from exc
    return dict(data)


def _absolute_dicts(node: Any) -> Any:
    """Rewrite every built-in dictionary file name to an absolute path (the wheel's search path
    points at the build machine)."""
    if isinstance(node, list):
        return [_absolute_dicts(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _absolute_dicts(value) for key, value in node.items()}
    if out.get("type") in ("ocd2", "ocd", "text") and "file" in out:
        out["file"] = str(_opencc_share() / out["file"])
    return out


def _cache_dir() -> Path:
    override = os.environ.get(_CACHE_ENV)
    if override:
        return Path(override) / "opencc"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("gba-docs")) / "opencc"


# --------------------------------------------------------------------------- built-in fixes
@dataclass(frozen=True)
class Fix:
    """One line of the built-in fixes file."""

    stage: Literal["pre", "post"]
    configs: tuple[str, ...]
    source: str
    target: str
    why: str
    line: int

    def applies_to(self, config: str) -> bool:
        return any(fnmatch.fnmatchcase(config, pattern) for pattern in self.configs)


def _fixes_text() -> tuple[str, str]:
    from importlib import resources

    package, relative = _FIXES_RESOURCE
    resource = resources.files(package).joinpath(relative)
    return resource.read_text(encoding="utf-8"), str(resource)


@functools.cache
def builtin_fixes() -> tuple[Fix, ...]:
    """Every fix in the shipped `opencc_fixes.tsv`, in file order."""
    text, where = _fixes_text()
    return tuple(_parse_fixes(text, where))


def _parse_fixes(text: str, where: str) -> list[Fix]:
    fixes: list[Fix] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.startswith("#"):
            continue
        cells = raw.split("\t")
        if len(cells) != 5 or cells[0] not in ("pre", "post"):
            raise ConfigError("a fix needs five TAB-separated columns: stage (pre|post), configs, "
                              "from, to, why", path=where, line=number,
                              remedy="reinstall gba-docs or repair the line")
        stage, configs, source, target, why = cells
        _check_entry(source, target, where=f"{where}:{number}")
        fixes.append(Fix(stage, tuple(c.strip() for c in configs.split(",")),  # type: ignore[arg-type]
                         source, target, why, number))
    return fixes


def fixes_for(config: str) -> tuple[dict[str, str], dict[str, str]]:
    """The built-in (pre, post) dictionaries that apply to one OpenCC config.

    >>> pre, post = fixes_for("s2hk")
    >>> pre["参与制造"], post["説"]
    ('參與製造', '說')
    >>> fixes_for("t2s")
    ({}, {})
    """
    pre: dict[str, str] = {}
    post: dict[str, str] = {}
    for fix in builtin_fixes():
        if fix.applies_to(config):
            (pre if fix.stage == "pre" else post).setdefault(fix.source, fix.target)
    return pre, post


def _check_entry(source: str, target: str, *, where: str) -> None:
    for label, value in (("source", source), ("target", target)):
        if not value or any(ch.isspace() for ch in value):
            raise ConfigError(
                f"override {label} {value!r} is empty or contains whitespace, which an OpenCC "
                f"dictionary cannot hold ({where})",
                remedy="remove the spaces from the term, or give both forms the same number of "
                "space-separated words")


def _dictionary_entries(overrides: Mapping[str, str], *, where: str) -> dict[str, str]:
    """Overrides as OpenCC dictionary entries. A spaced phrase (走在前 作示范) becomes one entry
    per word when both sides have the same number of words, since OpenCC keys hold no spaces.

    >>> _dictionary_entries({"走在前 作示范": "走在前 作示範"}, where="test")
    {'走在前': '走在前', '作示范': '作示範'}
    """
    out: dict[str, str] = {}
    for source, target in overrides.items():
        sources, targets = source.split(), target.split()
        if len(sources) > 1 and len(sources) == len(targets):
            pairs = list(zip(sources, targets))
        else:
            pairs = [(source, target)]
        for key, value in pairs:
            _check_entry(key, value, where=where)
            out.setdefault(key, value)
    return out


# --------------------------------------------------------------------------- generated configs
def _dict_file(folder: Path, name: str, entries: Mapping[str, str]) -> dict[str, str]:
    from ._io import atomic_write

    path = folder / name
    body = "".join(f"{key}\t{entries[key]}\n" for key in sorted(entries))
    if not path.exists() or path.read_text(encoding="utf-8") != body:
        atomic_write(path, body)
    return {"type": "text", "file": str(path)}


def _as_group(node: dict[str, Any], policy: str, front: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "group", "match_policy": policy, "dicts": [*front, node]}


def layered_config(config: str, pre: Mapping[str, str], post: Mapping[str, str],
                   keep: Collection[str], folder: Path) -> dict[str, Any]:
    """The shipped `config` with our dictionaries layered in; its text files go in `folder`.

    * `pre` (source form -> target form) joins the segmentation dictionaries and OpenCC's first
      conversion step in a *union* group, so the longest match wins and a tie goes to us. (A
      short-circuit group would let a short override cut a longer OpenCC phrase in two:
      数据 -> … would split OpenCC's 数据库.)
    * every `pre` target heads each later step as an identity entry, so OpenCC's variant
      tables (HKVariants, TWPhrases …) leave the override forms alone.
    * `post` (OpenCC output -> wanted form) is a final step, in which the forms in `keep`
      (the glossary's) are still protected.
    """
    shipped = _absolute_dicts(_shipped_config(config))
    chain: list[dict[str, Any]] = shipped["conversion_chain"]
    if pre:
        pre_dict = _dict_file(folder, "pre.txt", pre)
        seg = shipped.get("segmentation") or {"type": "mmseg", "dict": chain[0]["dict"]}
        seg_dict = seg["dict"]
        if seg_dict.get("type") == "group" and seg_dict.get("match_policy") == "union":
            seg_dict = {**seg_dict, "dicts": [pre_dict, *seg_dict["dicts"]]}
        else:
            seg_dict = _as_group(seg_dict, "union", [pre_dict])
        shipped["segmentation"] = {**seg, "dict": seg_dict}
        chain[0] = {**chain[0], "dict": _as_group(chain[0]["dict"], "union", [pre_dict])}
        protect_dict = _dict_file(folder, "protect.txt", {t: t for t in pre.values()})
        for index in range(1, len(chain)):
            guarded = _as_group(chain[index]["dict"], "short_circuit", [protect_dict])
            chain[index] = {**chain[index], "dict": guarded}
    if post:
        post_dict: dict[str, Any] = _dict_file(folder, "post.txt", post)
        if keep:
            keep_dict = _dict_file(folder, "keep.txt", {form: form for form in keep})
            post_dict = _as_group(post_dict, "short_circuit", [keep_dict])
        chain.append({"dict": post_dict})
    shipped["name"] = f"gba-docs layered {config}"
    return dict(shipped)


def _write_layered(config: str, pre: Mapping[str, str], post: Mapping[str, str],
                   keep: Collection[str]) -> Path:
    """Write (or reuse) the generated config; the folder name is a hash of everything in it."""
    from ._io import atomic_write
    from .errors import WriteError

    payload = json.dumps([config, _opencc_version(), str(_opencc_share()), sorted(pre.items()),
                          sorted(post.items()), sorted(keep)], ensure_ascii=False)
    key = hashlib.sha256(payload.encode("utf-8")).hexdigest()[:24]
    target = _cache_dir() / "configs" / f"{config}-{key}" / "config.json"
    if target.exists():
        return target
    try:
        data = layered_config(config, pre, post, keep, target.parent)
        atomic_write(target, json.dumps(data, ensure_ascii=False, indent=1))
    except WriteError:
        # a read-only cache must not stop conversion: use a private temporary folder instead
        folder = Path(tempfile.mkdtemp(prefix=f"gba-docs-opencc-{config}-"))
        target = folder / "config.json"
        data = layered_config(config, pre, post, keep, folder)
        atomic_write(target, json.dumps(data, ensure_ascii=False, indent=1))
    return target


_OPENCC_LOCK = threading.Lock()
_OPENCC_CACHE: dict[str, Any] = {}


def _opencc(config_path: str) -> Any:
    with _OPENCC_LOCK:
        cached = _OPENCC_CACHE.get(config_path)
        if cached is None:
            import opencc

            try:
                cached = opencc.OpenCC(config_path)
            except Exception as exc:  # the native module raises a bare Exception/RuntimeError
                raise ConfigError(f"OpenCC cannot load config: {exc}", path=config_path,
                                  remedy="delete the gba-docs cache folder and run again, or "
                                  "reinstall the opencc package") from exc
            _OPENCC_CACHE[config_path] = cached
    return cached


class ScriptConverter:
    """An OpenCC config with gba-docs' built-in fixes and optional overrides layered in front.

    `overrides` maps a phrase in the source script to the exact form wanted in the output; it
    wins over OpenCC's phrase for the same text, loses to a longer OpenCC phrase, and survives
    OpenCC's regional variant steps unchanged.

    >>> ScriptConverter("s2hk").convert("传统制造业的用户")
    '傳統製造業的用戶'
    >>> ScriptConverter("s2hk", {"大湾区": "大灣區"}).convert("粤港澳大湾区")
    '粵港澳大灣區'
    """

    def __init__(self, config: str, overrides: Mapping[str, str] | None = None, *,
                 builtin_fixes: bool = True) -> None:
        self.config = config[:-5] if config.endswith(".json") else config
        user = _dictionary_entries(overrides or {}, where=f"overrides for {self.config}")
        pre, post = fixes_for(self.config) if builtin_fixes else ({}, {})
        self.overrides: dict[str, str] = user
        self.pre: dict[str, str] = {**pre, **user}
        self.post: dict[str, str] = post
        if self.pre or self.post:
            keep = sorted(set(user.values()))
            self.config_path = str(_write_layered(self.config, self.pre, self.post, keep))
        else:
            _shipped_config(self.config)
            self.config_path = f"{self.config}.json"
        self._cc = _opencc(self.config_path)

    def convert(self, text: str) -> str:
        """Convert `text`; an empty string stays empty."""
        if not text:
            return text
        return str(self._cc.convert(text))

    def __repr__(self) -> str:
        return f"ScriptConverter({self.config!r}, {len(self.overrides)} overrides)"


_CONVERTERS: dict[tuple[str, str], ScriptConverter] = {}
_CONVERTERS_LOCK = threading.Lock()


def converter_for(config: str, overrides: Mapping[str, str] | None = None) -> ScriptConverter:
    """A cached ScriptConverter for (config, overrides)."""
    items = sorted((overrides or {}).items())
    key = (config, hashlib.sha256(json.dumps(items, ensure_ascii=False).encode()).hexdigest())
    with _CONVERTERS_LOCK:
        found = _CONVERTERS.get(key)
    if found is None:
        found = ScriptConverter(config, dict(items))
        with _CONVERTERS_LOCK:
            _CONVERTERS.setdefault(key, found)
    return found


# --------------------------------------------------------------------------- OpenCC dictionaries
def _opencc_dict_tool() -> Path:
    return _opencc_share().parent.parent / "bin" / "opencc_dict"


def _dump_dictionary(name: str) -> Path:
    """Text form of a shipped `.ocd2` dictionary, made once with OpenCC's own `opencc_dict`."""
    from ._io import atomic_write

    out = _cache_dir() / "dicts" / _opencc_version() / f"{name}.txt"
    if out.exists():
        return out
    tool = _opencc_dict_tool()
    source = _opencc_share() / f"{name}.ocd2"
    if not tool.exists():
        raise GbaDocsError(
            f"OpenCC's dictionary tool is missing, so the {name} dictionary cannot be read",
            path=str(tool),
            remedy="install the opencc wheel for your platform (it ships clib/bin/opencc_dict)")
    with tempfile.TemporaryDirectory() as tmp:
        text_path = Path(tmp) / f"{name}.txt"
        try:
            subprocess.run([str(tool), "-i", str(source), "-o", str(text_path), "-f", "ocd2",
                            "-t", "text"], check=True, capture_output=True, timeout=60)
        except (OSError, subprocess.SubprocessError) as exc:
            raise GbaDocsError(f"opencc_dict could not read {source.name}: {exc}",
                               path=str(source),
                               remedy="reinstall the opencc package") from exc
        atomic_write(out, text_path.read_bytes())
    return out


@functools.cache
def opencc_dictionary(name: str) -> dict[str, tuple[str, ...]]:
    """A shipped OpenCC dictionary as {key: candidates}, e.g. opencc_dictionary("STCharacters").

    >>> opencc_dictionary("STCharacters")["发"]
    ('發', '髮')
    """
    entries: dict[str, tuple[str, ...]] = {}
    for line in _dump_dictionary(name).read_text(encoding="utf-8").splitlines():
        key, _, values = line.partition("\t")
        if key and values:
            entries[key] = tuple(values.split(" "))
    return entries


# --------------------------------------------------------------------------- detection
@functools.cache
def _telling_characters() -> tuple[frozenset[str], frozenset[str]]:
    """(characters only Simplified text uses, characters only Traditional text uses)."""
    try:
        st = opencc_dictionary("STCharacters")
        ts = opencc_dictionary("TSCharacters")
    except GbaDocsError:
        return _telling_characters_by_conversion()
    simplified = frozenset(k for k, v in st.items() if len(k) == 1 and k not in v)
    traditional = frozenset(k for k, v in ts.items() if len(k) == 1 and k not in v)
    return simplified - traditional, traditional - simplified


def _telling_characters_by_conversion() -> tuple[frozenset[str], frozenset[str]]:
    """Fallback without `opencc_dict`: convert every ideograph on its own line both ways.

    Less exact than the dictionaries: a character whose first Traditional candidate differs from
    itself counts as Simplified even when Traditional text also uses it (台, 里), so characters
    that OpenCC's HK or TW tables map back to themselves are left out.
    """
    chars = [chr(cp) for cp in range(0x4E00, 0xA000)]
    joined = "\n".join(chars)
    s2t = _opencc("s2t.json").convert(joined).split("\n")
    t2s = _opencc("t2s.json").convert(joined).split("\n")
    s2hk = _opencc("s2hk.json").convert(joined).split("\n")
    s2tw = _opencc("s2tw.json").convert(joined).split("\n")
    simplified = frozenset(c for c, a, b, d in zip(chars, s2t, s2hk, s2tw)
                           if c not in (a, b, d))
    traditional = frozenset(c for c, a in zip(chars, t2s) if a != c)
    return simplified - traditional, traditional - simplified


def detect_script(text: str) -> ScriptName:
    """Which Chinese script `text` is written in, from the characters that tell them apart.

    Counts characters used only in Simplified (发, 说) and only in Traditional (發, 說). "none"
    means no such character (no Chinese, or only characters both scripts share); "mixed" means
    the minority script holds at least MIXED_SHARE of the telling characters.

    >>> detect_script("粤港澳大湾区"), detect_script("粵港澳大灣區"), detect_script("Hello 中文")
    ('zh-Hans', 'zh-Hant', 'none')
    >>> detect_script("简体字和繁體字")
    'mixed'
    """
    simplified_only, traditional_only = _telling_characters()
    simplified = traditional = 0
    for ch in text:
        if ch in simplified_only:
            simplified += 1
        elif ch in traditional_only:
            traditional += 1
    total = simplified + traditional
    if total == 0:
        return "none"
    if min(simplified, traditional) / total >= MIXED_SHARE:
        return "mixed"
    return "zh-Hans" if simplified > traditional else "zh-Hant"


# --------------------------------------------------------------------------- config choice
def _check_target(target: str) -> None:
    if target not in TARGETS:
        raise ConfigError(f"unknown target script {target!r}",
                          remedy=f"use one of {', '.join(TARGETS)}")


def choose_config(source_script: str, target: str, *, phrases: bool = False) -> str | None:
    """The OpenCC config that turns `source_script` text into `target`; None = nothing to do.

    Traditional text never goes through an s2* config (it would re-guess characters that are
    already right); HK and TW sources use OpenCC's regional reverse configs.

    >>> choose_config("zh-Hans", "zh-Hant-HK"), choose_config("zh-Hans", "zh-Hant-TW", phrases=True)
    ('s2hk', 's2twp')
    >>> choose_config("zh-Hant", "zh-Hant-HK"), choose_config("zh-Hant-HK", "zh-Hans")
    ('t2hk', 'hk2s')
    >>> choose_config("zh-Hant-MO", "zh-Hant-HK") is None, choose_config("none", "zh-Hans") is None
    (True, True)
    """
    _check_target(target)
    if source_script not in _SOURCE_TAGS:
        raise ConfigError(f"unknown source script {source_script!r}",
                          remedy=f"use one of {', '.join(_SOURCE_TAGS)}")
    index = 1 if phrases else 0
    if source_script in ("none", "en"):
        return None
    if source_script in ("zh-Hans", "mixed"):
        if target == "zh-Hans":
            return "t2s" if source_script == "mixed" else None
        return TARGETS[target][index]
    region = _REGION_OF.get(source_script, "")
    lookup = "zh-Hant-HK" if target == "zh-Hant-MO" else target
    if (lookup == "zh-Hant" and region == "") or (region and _REGION_OF.get(lookup) == region):
        return None
    return _FROM_TRADITIONAL[(region, lookup)][index]


# --------------------------------------------------------------------------- text conversion
def _overrides_of(glossary: _HasOverrides | None, config: str) -> dict[str, str]:
    return dict(glossary.opencc_overrides(config)) if glossary is not None else {}


def convert_text(text: str, target: str, *, glossary: _HasOverrides | None = None,
                 phrases: bool = False, source_script: str | None = None) -> str:
    """Convert `text` to the `target` script (detected source unless given).

    >>> convert_text("大湾区科学论坛在广州南沙举行", "zh-Hant-HK")
    '大灣區科學論壇在廣州南沙舉行'
    >>> convert_text("粵港澳大灣區", "zh-Hans")
    '粤港澳大湾区'
    """
    source = source_script or detect_script(text)
    config = choose_config(source, target, phrases=phrases)
    if config is None:
        return text
    return converter_for(config, _overrides_of(glossary, config)).convert(text)


# --------------------------------------------------------------------------- ambiguities
_CHARACTER_DICT = {"s2": "STCharacters", "t2s": "TSCharacters", "hk2s": "TSCharacters",
                   "tw2s": "TSCharacters"}
_SOURCE_PHRASES = {"s2": ("STPhrases", "STPhrases_GeneratedFromRegionalPhrases"),
                   "t2s": ("TSPhrases",), "hk2s": ("TSPhrases", "HKVariantsRevPhrases"),
                   "tw2s": ("TSPhrases", "TWVariantsRevPhrases")}
_OUTPUT_PHRASES = {"s2hkp": ("HKPhrases",), "s2twp": ("TWPhrases",)}


def _family(config: str) -> str | None:
    if config.startswith("s2"):
        return "s2"
    for prefix in ("t2s", "hk2s", "tw2s"):
        if config.startswith(prefix):
            return prefix
    return None


AMBIGUITY_MIN_SHARE = 0.06
"""find_ambiguities: report a character only if OpenCC's own phrase table picks one of its other
candidates in at least this share of the phrases that contain it (广: 2 of 43 → not reported;
发: 366 of 1536 → reported). 0 reports every character with several candidates."""


@functools.cache
def _alternative_share(family: str) -> dict[str, float]:
    """For each multi-candidate character: the share of OpenCC phrases that do not use its
    first candidate (1.0 when no phrase contains it, so it is always reported)."""
    table = opencc_dictionary(_CHARACTER_DICT[family])
    other: dict[str, int] = {}
    total: dict[str, int] = {}
    for name in _SOURCE_PHRASES[family]:
        for key, values in opencc_dictionary(name).items():
            if len(key) != len(values[0]):
                continue
            for ch, out in zip(key, values[0]):
                candidates = table.get(ch)
                if candidates is not None and len(candidates) > 1:
                    total[ch] = total.get(ch, 0) + 1
                    other[ch] = other.get(ch, 0) + (out != candidates[0])
    return {ch: (other.get(ch, 0) / total[ch] if total.get(ch) else 1.0)
            for ch, candidates in table.items() if len(candidates) > 1}


@functools.cache
def _phrase_automaton(names: tuple[str, ...]) -> Any:
    import ahocorasick  # type: ignore[import-not-found]

    automaton = ahocorasick.Automaton()
    for name in names:
        for key in opencc_dictionary(name):
            if len(key) > 1:
                automaton.add_word(key, len(key))
    if len(automaton) == 0:
        return None
    automaton.make_automaton()
    return automaton


def _covered(text: str, automaton: Any, extra: Mapping[str, str]) -> bytearray:
    """1 at each position of `text` that some phrase (dictionary or override) spans."""
    marks = [0] * (len(text) + 1)
    spans: list[tuple[int, int]] = []
    if automaton is not None:
        spans.extend((end - length + 1, end + 1) for end, length in automaton.iter(text))
    for key in extra:
        start = text.find(key)
        while start >= 0:
            spans.append((start, start + len(key)))
            start = text.find(key, start + 1)
    for start, end in spans:
        marks[start] += 1
        marks[end] -= 1
    covered = bytearray(len(text))
    depth = 0
    for index in range(len(text)):
        depth += marks[index]
        covered[index] = 1 if depth > 0 else 0
    return covered


def find_ambiguities(text: str, config: str, converted: str | None = None, *,
                     overrides: Mapping[str, str] | None = None,
                     min_share: float = AMBIGUITY_MIN_SHARE) -> list[Ambiguity]:
    """Characters of `text` that OpenCC converted by guessing.

    A character is reported when OpenCC's character table for `config` gives it several
    candidates, no phrase (OpenCC's, the built-in fixes', `overrides`, or for s2hkp/s2twp the
    regional phrases on the output) spans it, and its other candidates are live (see
    AMBIGUITY_MIN_SHARE). Variant-only configs (t2hk, hk2t …) report nothing.

    >>> found = find_ambiguities("由范英妍主持", "s2hk")
    >>> [(a.char, a.start, a.candidates, a.chosen) for a in found]
    [('范', 1, ('範', '范'), '範')]
    >>> find_ambiguities("头发很干燥", "s2hk")
    []
    """
    family = _family(config)
    if family is None or not text:
        return []
    table = opencc_dictionary(_CHARACTER_DICT[family])
    shares = _alternative_share(family) if min_share > 0 else {}
    if converted is None:
        converted = ScriptConverter(config, overrides).convert(text)
    pre, _ = fixes_for(config)
    covered = _covered(text, _phrase_automaton(_SOURCE_PHRASES[family]),
                       {**pre, **(overrides or {})})
    aligned = len(converted) == len(text)
    if aligned and config in _OUTPUT_PHRASES:
        out_covered = _covered(converted, _phrase_automaton(_OUTPUT_PHRASES[config]), {})
        covered = bytearray(a | b for a, b in zip(covered, out_covered))
    found: list[Ambiguity] = []
    for index, ch in enumerate(text):
        candidates = table.get(ch)
        if candidates is None or len(candidates) < 2 or covered[index]:
            continue
        if shares.get(ch, 1.0) < min_share:
            continue
        chosen = converted[index] if aligned else candidates[0]
        found.append(Ambiguity(ch, index, candidates, chosen))
    return found


# --------------------------------------------------------------------------- documents
def _convert_keeping_marks(text: str, marks: list[Mark],
                           convert: Any) -> tuple[str, list[Mark]]:
    """Convert text; if its length changes, convert the pieces between mark edges separately
    so every mark still covers the same words."""
    whole = convert(text)
    if len(whole) == len(text) or not marks:
        return whole, list(marks)
    edges = sorted({0, len(text), *(m.start for m in marks), *(m.end for m in marks)})
    new_edge = {0: 0}
    pieces: list[str] = []
    for start, end in zip(edges, edges[1:]):
        pieces.append(convert(text[start:end]))
        new_edge[end] = new_edge[start] + len(pieces[-1])
    moved = [m.model_copy(update={"start": new_edge[m.start], "end": new_edge[m.end]})
             for m in marks]
    return "".join(pieces), moved


def _source_of(doc: Document) -> str:
    script = doc.script if doc.script in _SOURCE_TAGS else detect_script(doc.visible_text())
    lang = (doc.meta.lang or "").replace("_", "-").lower()
    if script == "zh-Hant":
        if lang.endswith(("-hk", "-mo")) or lang in ("zh-hant-hk", "zh-hant-mo"):
            return "zh-Hant-HK"
        if lang.endswith("-tw"):
            return "zh-Hant-TW"
    return script


def _ambiguity_diagnostics(block_id: str, before: str, after: str, config: str, target: str,
                           overrides: Mapping[str, str],
                           cell: tuple[int, int] | None = None) -> list[Diagnostic]:
    from .model import Diagnostic

    out: list[Diagnostic] = []
    for amb in find_ambiguities(before, config, after, overrides=overrides):
        where = f" (table cell {cell[0] + 1},{cell[1] + 1})" if cell else ""
        context = before[max(0, amb.start - 4): amb.start + 5]
        data: dict[str, Any] = {"char": amb.char, "candidates": list(amb.candidates),
                                "chosen": amb.chosen, "start": amb.start, "config": config}
        if cell is not None:
            data["cell"] = list(cell)
        out.append(Diagnostic(
            code="script-ambiguous", severity="info", block_id=block_id, data=data,
            message=(f"{amb.char!r} in “{context}”{where} can be {'/'.join(amb.candidates)} in "
                     f"{target}; OpenCC chose {amb.chosen!r}. Check it, or add the phrase to "
                     f"the glossary")))
    return out


def _convert_block(block: Block, conv: ScriptConverter, target: str,
                   diagnose: bool) -> tuple[Block, list[Any], list[Diagnostic]]:
    from .model import Change, Table, TextEdit

    before = block.text
    after, marks = _convert_keeping_marks(before, list(block.marks), conv.convert)
    update: dict[str, Any] = {"text": after, "marks": marks}
    diagnostics = (_ambiguity_diagnostics(block.id, before, after, conv.config, target,
                                          conv.overrides) if diagnose else [])
    cells_changed: list[str] = []
    if isinstance(block, Table):
        rows: list[list[str]] = []
        for r, row in enumerate(block.rows):
            new_row = [conv.convert(cell) for cell in row]
            for c, (old, new) in enumerate(zip(row, new_row)):
                if old != new:
                    cells_changed.append(f"{r + 1},{c + 1}")
                    if diagnose:
                        diagnostics.extend(_ambiguity_diagnostics(
                            block.id, old, new, conv.config, target, conv.overrides, (r, c)))
            rows.append(new_row)
        update["rows"] = rows
    changes: list[Any] = []
    if after != before or cells_changed:
        note = conv.config
        if cells_changed:
            note += f"; table cells {' '.join(cells_changed)}"
        # one whole-text edit: exact for replay, and cheap for texts where most characters change
        edits = [TextEdit(start=0, end=len(before), text=after)] if after != before else []
        changes.append(Change(step="convert_script", block_id=block.id, op="edit",
                              edits=edits, note=note))
    return block.model_copy(update=update), changes, diagnostics


def convert_script(doc: Document, target: str, *, glossary: _HasOverrides | None = None,
                   phrases: bool = False, ambiguities: bool = True) -> Document:
    """A new Document with every block (and table cell) in the `target` script.

    Marks stay on the same words; raw blocks are left alone. Each changed block gets a
    Change(step="convert_script", note=<OpenCC config>), and each guessed character a
    "script-ambiguous" info Diagnostic (turn off with ambiguities=False).
    """
    _check_target(target)
    source = _source_of(doc)
    config = choose_config(source, target, phrases=phrases)
    script = target if source not in ("none", "en") else source
    if config is None:
        return doc.model_copy(update={"script": script})
    conv = converter_for(config, _overrides_of(glossary, config))
    blocks: list[Any] = []
    changes = list(doc.changes)
    diagnostics = list(doc.diagnostics)
    reported = 0
    for block in doc.blocks:
        if block.kind == "raw":
            blocks.append(block)
            continue
        diagnose = ambiguities and reported < MAX_AMBIGUITY_REPORTS
        new_block, new_changes, new_diags = _convert_block(block, conv, target, diagnose)
        blocks.append(new_block)
        changes.extend(new_changes)
        diagnostics.extend(new_diags)
        reported += len(new_diags)
    if ambiguities and reported >= MAX_AMBIGUITY_REPORTS:
        from .model import Diagnostic

        diagnostics.append(Diagnostic(
            code="script-ambiguous-truncated", severity="info",
            message=f"{target}: stopped reporting ambiguous characters after "
                    f"{MAX_AMBIGUITY_REPORTS}; check the glossary for recurring ones"))
    return doc.model_copy(update={"blocks": blocks, "changes": changes, "meta": _convert_meta(doc.meta, conv),
                                  "diagnostics": diagnostics, "script": script})


def _convert_meta(meta: Meta, conv: ScriptConverter) -> Meta:
    """Chinese metadata in the target script (title, names, tags); URLs and dates untouched."""
    def opt(value: str | None) -> str | None:
        return conv.convert(value) if value else value

    return meta.model_copy(update={
        "title": opt(meta.title),
        "subtitle": opt(meta.subtitle),
        "author": opt(meta.author),
        "source_name": opt(meta.source_name),
        "categories": [conv.convert(c) for c in meta.categories],
        "tags": [conv.convert(t) for t in meta.tags],
    })
