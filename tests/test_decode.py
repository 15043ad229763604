"""Decoding: encodings are detected and recorded; bad bytes get a clear InputError."""

from __future__ import annotations

import codecs

import opencc
import pytest

from gba_docs.errors import InputError
from gba_docs.readers._decode import decode_bytes, normalise_newlines

SIMPLIFIED = "央地共建粤港澳大湾区国际科技创新中心工作推进会在广州举行。" * 3
TRADITIONAL = opencc.OpenCC("s2hk").convert(SIMPLIFIED)


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (SIMPLIFIED.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + SIMPLIFIED.encode("utf-8"), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + SIMPLIFIED.encode("utf-16-le"), "utf-16"),
        (codecs.BOM_UTF16_BE + SIMPLIFIED.encode("utf-16-be"), "utf-16"),
        (SIMPLIFIED.encode("gbk"), "gb18030"),
        (SIMPLIFIED.encode("gb18030"), "gb18030"),
        (TRADITIONAL.encode("big5hkscs"), "big5hkscs"),
        (("香港科學園、數碼港" * 4).encode("big5"), "big5hkscs"),
    ],
)
def test_encodings_are_detected_and_text_is_exact(data: bytes, encoding: str) -> None:
    decoded = decode_bytes(data, "x.txt")
    assert decoded.encoding == encoding
    assert decoded.text in (SIMPLIFIED, TRADITIONAL, "香港科學園、數碼港" * 4)


def test_utf16_without_bom_is_read() -> None:
    decoded = decode_bytes(("# 标题\n" + SIMPLIFIED).encode("utf-16-le"))
    assert decoded.text.startswith("# 标题")


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"  \n\r\n\t ", "empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "PNG"),
        (b"PK\x03\x04" + b"\x00" * 100, "ZIP"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF"),
        (bytes(range(0, 32)) * 300, "binary"),
    ],
)
def test_bad_bytes_get_a_clear_error_naming_the_file(data: bytes, words: str) -> None:
    with pytest.raises(InputError) as info:
        decode_bytes(data, "bad/input.txt")
    message = str(info.value)
    assert "bad/input.txt" in message
    assert words.lower() in message.lower()


def test_too_large_is_refused_before_decoding() -> None:
    with pytest.raises(InputError, match="limit"):
        decode_bytes(b"a" * 2000, "big.txt", max_bytes=1000)


def test_a_few_damaged_bytes_are_replaced_and_reported_not_fatal() -> None:
    # a file cut inside a multi-byte character, as a truncated download is
    data = (SIMPLIFIED * 20).encode("utf-8")[:-1]
    decoded = decode_bytes(data, "cut.txt")
    assert decoded.text.endswith("\ufffd") or decoded.encoding != "utf-8"
    if decoded.encoding == "utf-8":
        assert [d.code for d in decoded.diagnostics] == ["decode-replaced"]


def test_undecodable_noise_is_refused_not_mojibake() -> None:
    noise = bytes([0x80 + (i * 37) % 0x7F for i in range(3000)]) + b"\xff\xfe\xfd" * 50
    with pytest.raises(InputError):
        decode_bytes(b"\xff" + noise, "noise.txt")


def test_forced_encoding_is_used_and_checked() -> None:
    assert decode_bytes(SIMPLIFIED.encode("gbk"), encoding="gbk").text == SIMPLIFIED
    with pytest.raises(InputError, match="not valid utf-8"):
        decode_bytes(SIMPLIFIED.encode("gbk"), encoding="utf-8")
    with pytest.raises(InputError, match="unknown encoding"):
        decode_bytes(b"abc", encoding="no-such-codec")


@pytest.mark.parametrize(
    ("raw", "endings"),
    [("a\nb", "lf"), ("a\r\nb", "crlf"), ("a\rb", "cr"), ("a\r\nb\nc\rd", "mixed"), ("ab", "none")],
)
def test_line_endings_are_normalised_and_recorded(raw: str, endings: str) -> None:
    text, seen = normalise_newlines(raw)
    assert "\r" not in text
    assert seen == endings


def test_nul_bytes_in_text_do_not_make_it_binary() -> None:
    decoded = decode_bytes(SIMPLIFIED.encode("utf-8") + b"\x00" + SIMPLIFIED.encode("utf-8"))
    assert "\x00" in decoded.text  # removed later by the drop_control_chars fix, with a record


def test_declared_html_charset_is_a_hint_that_must_decode() -> None:
    page = '<html><head><meta charset="big5"></head><body><p>'.encode() + "香港科學園".encode("big5") + b"</p></body></html>"
    decoded = decode_bytes(page, "page.html")
    assert decoded.encoding == "big5hkscs" and "香港科學園" in decoded.text
    # mislabelled: declares UTF-8 but is GBK → the declaration does not decode, detection wins
    wrong = '<html><head><meta charset="utf-8"></head><body><p>'.encode() + "粤港澳大湾区科技论坛".encode("gbk") + b"</p></body></html>"
    assert "粤港澳大湾区科技论坛" in decode_bytes(wrong, "wrong.html").text


def test_western_legacy_english_is_not_read_as_chinese() -> None:
    text = "Caf\u00e9 culture in Hong Kong \u2014 r\u00e9sum\u00e9 of the na\u00efve plan. " * 20
    decoded = decode_bytes(text.encode("cp1252"), "en.txt")
    assert decoded.text == text


def test_atomic_write_keeps_modes_sane(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import os
    import stat

    from gba_docs._io import atomic_write

    old = os.umask(0o022)
    try:
        new = atomic_write(tmp_path / "new.txt", "x")
        assert stat.S_IMODE(new.stat().st_mode) == 0o644
        kept = tmp_path / "kept.txt"
        kept.write_text("y")
        kept.chmod(0o640)
        atomic_write(kept, "z")
        assert stat.S_IMODE(kept.stat().st_mode) == 0o640 and kept.read_text() == "z"
    finally:
        os.umask(old)
