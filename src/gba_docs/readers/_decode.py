"""Bytes to text: detect the encoding (Chinese-aware), refuse binary, normalise line endings.

UTF-8 (with or without BOM) and BOM-marked UTF-16/32 are taken as they are; otherwise strict
UTF-8 is tried first, then the charset an HTML file declares, then GB18030, Big5-HKSCS and
Windows-1252 (ranked by charset-normalizer). What cannot
be decoded without guessing is refused with an `InputError`, never turned into mojibake.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from ..errors import InputError
from ..model import Diagnostic

MAX_BYTES_DEFAULT = 200 * 1024 * 1024
_SAMPLE = 256 * 1024
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive (or DOCX/XLSX)"),
    (b"\x1f\x8b", "gzip archive"),
    (b"\x7fELF", "executable"),
    (b"MZ", "Windows executable"),
    (b"\xd0\xcf\x11\xe0", "legacy Office document"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ", "xz archive"),
    (b"Rar!", "RAR archive"),
    (b"7z\xbc\xaf", "7-Zip archive"),
    (b"SQLite format 3\x00", "SQLite database"),
)
_FALLBACKS = ("gb18030", "big5hkscs", "cp1252")
_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_REPLACEMENT_LIMIT = 0.005


@dataclass
class Decoded:
    """Decoded text with what was learnt on the way."""

    text: str
    encoding: str
    line_endings: str
    diagnostics: list[Diagnostic] = field(default_factory=list)


def decode_bytes(
    data: bytes,
    path: str | None = None,
    *,
    encoding: str | None = None,
    max_bytes: int = MAX_BYTES_DEFAULT,
) -> Decoded:
    """Decode `data`; raise `InputError` for empty, binary, too large or undecodable input.

    >>> decode_bytes("粤港澳\\r\\n大湾区".encode("gbk")).encoding
    'gb18030'
    >>> decode_bytes(b"\\xef\\xbb\\xbf# t\\r\\n").text
    '# t\\n'
    """
    where = path or "<bytes>"
    if len(data) > max_bytes:
        raise InputError(
            f"file is {len(data) / 1e6:.0f} MB, over the {max_bytes / 1e6:.0f} MB limit",
            path=where,
            remedy="split the file, or raise the limit with --max-bytes",
        )
    if not data.strip():
        raise InputError("file is empty", path=where, remedy="nothing to convert; check the export")
    diagnostics: list[Diagnostic] = []
    if encoding:
        text = _decode_forced(data, encoding, where)
        chosen = encoding
    else:
        chosen, text = _detect_and_decode(data, where, diagnostics)
    if not text.strip("\ufeff \t\r\n\x00"):
        raise InputError("file has no visible text", path=where, remedy="check the export")
    text, endings = normalise_newlines(text)
    return Decoded(text=text, encoding=chosen, line_endings=endings, diagnostics=diagnostics)


def _decode_forced(data: bytes, encoding: str, where: str) -> str:
    try:
        codecs.lookup(encoding)
    except LookupError as exc:
        raise InputError(f"unknown encoding {encoding!r}", path=where,
                         remedy="use a Python codec name such as utf-8, gb18030 or big5hkscs") from exc
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not valid {encoding} at byte {exc.start}", path=where,
            remedy="leave --encoding out to detect it, or name the right one",
        ) from exc


def _detect_and_decode(data: bytes, where: str, diagnostics: list[Diagnostic]) -> tuple[str, str]:
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return name, data.decode(name).lstrip("\ufeff")
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"starts with a {name} byte-order mark but is not valid {name} "
                    f"(byte {exc.start})", path=where, remedy="re-export the file as UTF-8",
                ) from exc
    if _looks_like_utf16(data):
        for name in ("utf-16-le", "utf-16-be"):
            try:
                text = data.decode(name)
            except UnicodeDecodeError:
                continue
            if _mostly_text(text):
                return name, text
    _refuse_binary(data, where)
    try:
        return "utf-8", data.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    for name in _candidates(data):
        try:
            return name, data.decode(name)
        except UnicodeDecodeError:
            continue
    return _decode_with_few_replacements(data, where, utf8_error, diagnostics)


def _refuse_binary(data: bytes, where: str) -> None:
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise InputError(f"this is a {kind}, not a text document", path=where,
                             remedy="convert it to HTML, Markdown or text first")
    sample = data[:_SAMPLE]
    controls = len(_CONTROL.findall(sample))
    if controls > max(8, len(sample) // 20):
        raise InputError(
            f"looks binary ({controls} control bytes in the first {len(sample)} bytes)",
            path=where, remedy="only text, Markdown and HTML files can be read",
        )


def _looks_like_utf16(sample: bytes) -> bool:
    """NULs only at even or only at odd positions (ASCII in UTF-16): UTF-16 without a BOM."""
    head = sample[:4096]
    if len(head) < 8 or len(sample) % 2:
        return False
    even = head[0::2].count(0)
    odd = head[1::2].count(0)
    return (even >= 2 and odd == 0) or (odd >= 2 and even == 0)


def _mostly_text(text: str) -> bool:
    """At least 95% of characters are ones documents are made of (not random code points)."""
    sample = text[:4096]
    if not sample:
        return False
    good = sum(1 for ch in sample if _plausible(ord(ch)))
    return good >= len(sample) * 0.95


def _plausible(cp: int) -> bool:
    return (
        cp in (9, 10, 13)
        or 0x20 <= cp < 0x7F
        or 0xA0 <= cp < 0x100
        or 0x2000 <= cp < 0x2070
        or 0x3000 <= cp < 0xA000
        or 0xFF00 <= cp < 0xFFF0
        or 0xAC00 <= cp < 0xD7B0
    )


def _candidates(data: bytes) -> list[str]:
    """The encoding an HTML/XML file declares (read by Beautiful Soup's detector) first, then
    the fallbacks ranked by charset-normalizer. A declaration is only a hint: it must decode."""
    order = _rank_fallbacks(data[:_SAMPLE])
    declared = declared_encoding(data)
    if declared:
        order = [declared] + [name for name in order if codecs.lookup(name).name != codecs.lookup(declared).name]
    return order


def declared_encoding(data: bytes) -> str | None:
    """The charset named by a `<meta>` tag or XML declaration, if Python knows it.

    >>> declared_encoding(b'<html><meta charset="big5"><p>x</p>')
    'big5hkscs'
    """
    from bs4.dammit import EncodingDetector

    head = data[:_SAMPLE]
    found = EncodingDetector.find_declared_encoding(head, is_html=True, search_entire_document=False)
    if not found:
        return None
    try:
        name = codecs.lookup(found).name
    except LookupError:
        return None
    # Declared GB2312/GBK and Big5 are read with their supersets, which decode the same bytes.
    widen = {"gb2312": "gb18030", "gbk": "gb18030", "big5": "big5hkscs", "cp950": "big5hkscs"}
    return widen.get(name, name)


def _rank_fallbacks(sample: bytes) -> list[str]:
    """Fallback encodings, the one charset-normalizer finds most coherent first."""
    from charset_normalizer import from_bytes

    try:
        results = from_bytes(sample, cp_isolation=list(_FALLBACKS))
        best = results.best()
    except Exception:  # charset-normalizer is a heuristic; never let it break reading
        best = None
    order = list(_FALLBACKS)
    if best is not None:
        name = codecs.lookup(best.encoding).name
        for candidate in _FALLBACKS:
            if codecs.lookup(candidate).name == name:
                order.remove(candidate)
                order.insert(0, candidate)
    return order


def _decode_with_few_replacements(
    data: bytes, where: str, utf8_error: UnicodeDecodeError, diagnostics: list[Diagnostic]
) -> tuple[str, str]:
    """Damaged UTF-8 (a truncated file, a stray byte): keep it if the damage is tiny."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    if bad <= max(3, int(len(text) * _REPLACEMENT_LIMIT)):
        diagnostics.append(
            Diagnostic(
                code="decode-replaced",
                severity="warning",
                message=f"{bad} undecodable byte sequence(s) replaced by U+FFFD "
                f"(first at byte {utf8_error.start})",
                data={"count": bad, "first_byte": utf8_error.start},
            )
        )
        return "utf-8", text
    raise InputError(
        "cannot determine the text encoding (not UTF-8, UTF-16, GB18030 or Big5-HKSCS)",
        path=where,
        remedy="name it with --encoding, e.g. --encoding big5hkscs",
    )


def normalise_newlines(text: str) -> tuple[str, str]:
    """Turn CRLF and lone CR into LF; report which endings were seen.

    >>> normalise_newlines("a\\r\\nb\\rc\\n")
    ('a\\nb\\nc\\n', 'mixed')
    """
    crlf = text.count("\r\n")
    cr = text.count("\r") - crlf
    lf = text.count("\n") - crlf
    kinds = [name for name, n in (("crlf", crlf), ("cr", cr), ("lf", lf)) if n]
    endings = kinds[0] if len(kinds) == 1 else ("mixed" if kinds else "none")
    if crlf or cr:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, endings
