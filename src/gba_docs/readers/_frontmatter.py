"""Front matter: split a leading YAML (`---`) or TOML (`+++`) block off a document; map it to Meta.

YAML goes through `yaml.safe_load` only, and the result is walked under a size budget so an
alias bomb is refused quickly. Broken blocks become a `frontmatter-invalid` diagnostic; this
module never raises on any input and does not read the body.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from typing import Any

from ..model import Diagnostic, Meta

MAX_FRONT_MATTER_CHARS = 1_000_000
"""Longer blocks are not parsed (kept as raw text with a diagnostic)."""
MAX_VALUES = 50_000
"""Most values (after alias expansion) a front matter may hold; a YAML bomb exceeds it."""
MAX_DEPTH = 64

_YAML_FENCE = re.compile(r"---[ \t]*")
_YAML_END = re.compile(r"(?:---|\.\.\.)[ \t]*")
_TOML_FENCE = re.compile(r"\+\+\+[ \t]*")
_KEY_LINE = re.compile(r"[A-Za-z_\u3400-\u9fff][\w\- \u3400-\u9fff]*[ \t]*[:=]")

_TITLE_KEYS = ("title",)
_AUTHOR_KEYS = ("author", "authors")
_DATE_KEYS = ("date", "pubDate", "pubdate", "published", "publishDate", "publish_date",
              "created", "time")
_URL_KEYS = ("url", "link", "source", "source_url", "permalink")
_IMAGE_KEYS = ("headimg", "thumbnail", "cover", "image", "images", "banner", "og_image")
_LIST_FIELDS = {"categories": "categories", "category": "categories", "tags": "tags",
                "tag": "tags"}
_SIMPLE_FIELDS = {"subtitle": "subtitle", "lang": "lang", "language": "lang",
                  "source_name": "source_name", "publisher": "source_name"}


class _TooBig(ValueError):
    """The parsed front matter expands beyond MAX_VALUES or MAX_DEPTH."""


def split_front_matter(text: str) -> tuple[dict | None, str, list[Diagnostic], int]:
    """Split off a leading front-matter block.

    Returns (data or None, body, diagnostics, number of lines consumed), where the body is the
    text after the consumed lines, so body line n is file line n + consumed. Blank lines
    before the opening fence count as consumed. A broken block (invalid YAML/TOML, or a
    fence that is never closed) gives data None, one `frontmatter-invalid` diagnostic and
    still consumes the block; its text is ``text.split("\\n")[:consumed]``.

    >>> data, body, diags, n = split_front_matter("\\n---\\ntitle: 论坛\\n---\\n正文")
    >>> data, body, diags, n
    ({'title': '论坛'}, '正文', [], 4)
    >>> split_front_matter("no front matter")[1:]
    ('no front matter', [], 0)
    """
    lines = text.split("\n")
    first = _first_non_blank(lines)
    if first is None:
        return None, text, [], 0
    opener = lines[first]
    if _YAML_FENCE.fullmatch(opener):
        return _split_block(lines, first, "yaml")
    if _TOML_FENCE.fullmatch(opener):
        return _split_block(lines, first, "toml")
    return None, text, [], 0


def _first_non_blank(lines: list[str]) -> int | None:
    for i, line in enumerate(lines):
        if line.strip():
            return i
        if i > 1000:
            return None
    return None


def _split_block(
    lines: list[str], first: int, kind: str
) -> tuple[dict | None, str, list[Diagnostic], int]:
    fence_end = _YAML_END if kind == "yaml" else _TOML_FENCE
    close = next((i for i in range(first + 1, len(lines)) if fence_end.fullmatch(lines[i])), None)
    if close is None:
        return _unclosed(lines, first, kind)
    inner = "\n".join(lines[first + 1 : close])
    consumed = close + 1
    body = "\n".join(lines[consumed:])
    data, problem, problem_line = _parse(inner, kind)
    if problem is not None:
        line = first + 2 + problem_line if problem_line is not None else first + 1
        return None, body, [_invalid(problem, line, kind)], consumed
    if data is None:
        if kind == "yaml" and not inner.strip():
            return {}, body, [], consumed
        # valid YAML that is not a mapping: two Markdown rules around text, not front matter
        return None, "\n".join(lines), [], 0
    return data, body, [], consumed


def _unclosed(
    lines: list[str], first: int, kind: str
) -> tuple[dict | None, str, list[Diagnostic], int]:
    nxt = first + 1
    if nxt >= len(lines) or not _KEY_LINE.match(lines[nxt]):
        return None, "\n".join(lines), [], 0  # a lone `---` is a Markdown rule
    end = nxt
    while end < len(lines) and lines[end].strip():
        end += 1
    fence = "---" if kind == "yaml" else "+++"
    diag = _invalid(
        f"the {fence} block opened here is never closed; its lines up to the first blank "
        f"line are kept as raw text",
        first + 1,
        kind,
    )
    return None, "\n".join(lines[end:]), [diag], end


def _invalid(problem: str, line: int, kind: str) -> Diagnostic:
    return Diagnostic(
        code="frontmatter-invalid",
        severity="warning",
        message=f"front matter ({kind.upper()}) not used: {problem}; fix the block "
        f"(or remove it) and read the file again",
        line=line,
        data={"format": kind},
    )


def _parse(inner: str, kind: str) -> tuple[dict | None, str | None, int | None]:
    """Parse the block: (mapping or None, problem or None, 0-based line of the problem)."""
    if len(inner) > MAX_FRONT_MATTER_CHARS:
        return None, f"block longer than {MAX_FRONT_MATTER_CHARS} characters", None
    try:
        if kind == "toml":
            import tomllib

            raw: Any = tomllib.loads(inner)
        else:
            import yaml

            raw = yaml.safe_load(inner)
    except RecursionError:
        return None, "nested too deeply", None
    except Exception as exc:  # yaml.YAMLError, tomllib.TOMLDecodeError, ValueError …
        return None, _one_line(exc), _problem_line(exc)
    if not isinstance(raw, dict):
        return None, None, None
    if kind == "yaml":
        raw = _restore_written_dates(raw, inner)
    try:
        return _json_safe_mapping(raw), None, None
    except _TooBig as exc:
        return None, str(exc), None


def _restore_written_dates(raw: dict, inner: str) -> dict:
    """Put back top-level timestamps as written (YAML turns `2022-06-30 15:28:00` into a datetime)."""
    out = dict(raw)
    for key, value in raw.items():
        if isinstance(key, str) and isinstance(value, (_dt.date, _dt.datetime)):
            m = re.search(rf"^{re.escape(key)}[ \t]*:[ \t]*(.+?)[ \t]*$", inner, re.MULTILINE)
            if m:
                out[key] = m.group(1).strip("'\"")
    return out


def _one_line(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text[:300] or type(exc).__name__


def _problem_line(exc: Exception) -> int | None:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is not None and isinstance(getattr(mark, "line", None), int):
        return int(mark.line)
    lineno = getattr(exc, "lineno", None)
    return lineno - 1 if isinstance(lineno, int) and lineno > 0 else None


def _json_safe_mapping(raw: dict) -> dict:
    budget = [MAX_VALUES]
    out = _json_safe(raw, budget, 0)
    assert isinstance(out, dict)
    return out


def _json_safe(value: Any, budget: list[int], depth: int) -> Any:
    """Copy `value` into JSON types (str keys; dates, bytes, sets → str/list) under a budget.

    Aliases are expanded while copying, so a YAML bomb runs out of budget after
    MAX_VALUES values instead of building gigabytes.
    """
    budget[0] -= 1
    if budget[0] < 0:
        raise _TooBig(f"expands to more than {MAX_VALUES} values (YAML aliases?)")
    if depth > MAX_DEPTH:
        raise _TooBig(f"nested deeper than {MAX_DEPTH} levels")
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, dict):
        return {_key(k): _json_safe(v, budget, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return [_json_safe(v, budget, depth + 1) for v in items]
    if isinstance(value, bytes):
        import base64

        return base64.b64encode(value).decode("ascii")
    return str(value)


def _key(key: Any) -> str:
    if isinstance(key, (_dt.date, _dt.time)):
        return key.isoformat()
    return str(key)


# --------------------------------------------------------------------------- mapping to Meta
def meta_from_front_matter(data: dict) -> Meta:
    """Map front-matter keys to `Meta`; every key not mapped stays in `extra` as read.

    For a field with several spellings (`url`, `link`, `source`) the first present fills the
    field and the others stay in `extra`. Image keys (`headimg`, `thumbnail`, `cover`,
    `image(s)`) all go to `images`, de-duplicated in order.

    >>> m = meta_from_front_matter({"title": "论坛", "date": "2022/6/30", "tags": "湾区",
    ...                             "comments": False})
    >>> m.title, m.date, m.date_raw, m.tags, m.extra
    ('论坛', datetime.date(2022, 6, 30), '2022/6/30', ['湾区'], {'comments': False})
    """
    rest = dict(data)
    fields: dict[str, Any] = {}
    title = _take_first(rest, _TITLE_KEYS)
    if title is not None:
        fields["title"] = _text(title)
    author = _take_first(rest, _AUTHOR_KEYS)
    if author is not None:
        fields["author"] = _join_names(author)
    date_value = _take_first(rest, _DATE_KEYS)
    if date_value is not None:
        fields["date_raw"] = _text(date_value)
        fields["date"] = parse_date(date_value)
    _take_url_fields(rest, fields)
    images = _take_images(rest)
    if images:
        fields["images"] = images
    for key, field in _LIST_FIELDS.items():
        if key in rest and field not in fields:
            fields[field] = _string_list(rest.pop(key))
    for key, field in _SIMPLE_FIELDS.items():
        if key in rest and field not in fields and _is_scalar(rest[key]):
            fields[field] = _text(rest.pop(key))
    return Meta(**fields, extra=rest)


def _take_first(rest: dict, keys: tuple[str, ...]) -> Any:
    for key in keys:
        if key in rest and rest[key] not in (None, "", []):
            return rest.pop(key)
    return None


def _take_url_fields(rest: dict, fields: dict[str, Any]) -> None:
    for key in _URL_KEYS:
        value = rest.get(key)
        if not isinstance(value, str) or not value.strip():
            continue
        if _looks_like_url(value) and "source_url" not in fields:
            fields["source_url"] = rest.pop(key).strip()
        elif key == "source" and "source_name" not in fields and not _looks_like_url(value):
            fields["source_name"] = rest.pop(key).strip()


def _take_images(rest: dict) -> list[str]:
    images: list[str] = []
    for key in _IMAGE_KEYS:
        if key not in rest:
            continue
        found = [s for s in _string_list(rest[key]) if s]
        if not found and rest[key] not in (None, "", []):
            continue  # not image-like: keep it in extra
        rest.pop(key)
        images.extend(s for s in found if s not in images)
    return images


def _looks_like_url(value: str) -> bool:
    return bool(re.match(r"(?:https?|ftp)://|www\.|/", value.strip()))


def _is_scalar(value: Any) -> bool:
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    return str(value)


def _join_names(value: Any) -> str:
    names = _string_list(value)
    joiner = "、" if any(re.search(r"[\u3400-\u9fff]", n) for n in names) else ", "
    return joiner.join(names)


def _string_list(value: Any) -> list[str]:
    """Flatten a string, a list, or Hexo's nested category lists into a list of strings.

    >>> _string_list([["金融", "要闻"], "证券"])
    ['金融', '要闻', '证券']
    """
    out: list[str] = []
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        if item is None or item == "":
            continue
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            stack.extend(reversed([*item.keys(), *item.values()]))
        else:
            text = str(item).strip()
            if text:
                out.append(text)
    return out


# --------------------------------------------------------------------------- dates
_ISO_LIKE = re.compile(
    r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"
    r"(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?"
)
_ZH_DATE = re.compile(
    r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]"
    r"(?:\s*(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2}))?)?"
)


def parse_date(value: Any) -> _dt.datetime | _dt.date | None:
    """Read a date in any common form; None when it cannot be read.

    >>> parse_date("Thu, 30 Jun 2022 15:28:00 GMT")
    datetime.datetime(2022, 6, 30, 15, 28, tzinfo=datetime.timezone.utc)
    >>> parse_date("2022年6月30日"), parse_date("2022-06-30 15:28")
    (datetime.date(2022, 6, 30), datetime.datetime(2022, 6, 30, 15, 28))
    >>> parse_date(1656602880)
    datetime.datetime(2022, 6, 30, 15, 28, tzinfo=datetime.timezone.utc)
    """
    if isinstance(value, _dt.datetime):
        return value
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return _from_unix(float(value))
    if not isinstance(value, str):
        return None
    text = value.strip()
    if re.fullmatch(r"\d{9,13}(?:\.\d+)?", text):
        return _from_unix(float(text))
    for reader in (_read_iso_like, _read_zh, _read_rfc2822):
        try:
            found = reader(text)
        except (ValueError, OverflowError, TypeError, IndexError):
            found = None
        if found is not None:
            return found
    return None


def _from_unix(seconds: float) -> _dt.datetime | None:
    if seconds > 1e11:  # milliseconds
        seconds /= 1000.0
    try:
        return _dt.datetime.fromtimestamp(seconds, tz=_dt.timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None


def _read_iso_like(text: str) -> _dt.datetime | _dt.date | None:
    m = _ISO_LIKE.match(text)
    if m is None:
        return None
    year, month, day, hour, minute, second, zone = m.groups()
    if hour is None:
        return _dt.date(int(year), int(month), int(day))
    tz = None
    if zone:
        if zone == "Z":
            tz = _dt.timezone.utc
        else:
            digits = zone.replace(":", "")
            sign = -1 if digits[0] == "-" else 1
            tz = _dt.timezone(sign * _dt.timedelta(hours=int(digits[1:3]), minutes=int(digits[3:5])))
    return _dt.datetime(int(year), int(month), int(day), int(hour), int(minute),
                        int(second or 0), tzinfo=tz)


def _read_zh(text: str) -> _dt.datetime | _dt.date | None:
    m = _ZH_DATE.search(text)
    if m is None:
        return None
    year, month, day, hour, minute, second = m.groups()
    if hour is None:
        return _dt.date(int(year), int(month), int(day))
    return _dt.datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0))


def _read_rfc2822(text: str) -> _dt.datetime | None:
    from email.utils import parsedate_to_datetime

    return parsedate_to_datetime(text)
