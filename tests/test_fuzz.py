"""Property-based fuzzing of the whole read path: only InputError may escape, and quickly."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gba_docs.config import ConvertOptions
from gba_docs.errors import InputError
from gba_docs.pipeline import read_bytes

FRAGMENTS = [
    "<p>", "</p>", "<div>", "<span style=\"background:#ff0\">", "</span>", "<font color=red>",
    "<script>", "<!--", "-->", "<table><tr><td>", "&#123;", "&amp;", "---\n", "title: [", ": :",
    "&a [*a,*a]\n", "**", "==", "> ", ">> ", "# ", "\u3000\u3000", "[链接](http://a.b)", "\n\n",
    "第十五", "个五年规划。", "图源某某", "(岳宗)", "链接", "日前,2025", "\x00", "\r", "\ufeff",
]
fragments = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=20), max_size=40).map("".join)


def _read(data: bytes, fmt: str) -> None:
    try:
        doc = read_bytes(data, path="fuzz.txt", options=ConvertOptions(input_format=fmt))  # type: ignore[arg-type]
        doc.model_dump_json()
    except InputError as exc:
        assert "fuzz.txt" in str(exc)


# a hang or exponential blow-up fails by timeout (pytest-timeout), not by a timing assertion
@pytest.mark.timeout(120)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=2000), fmt=st.sampled_from(["auto", "html", "markdown", "text"]))
def test_random_bytes(data: bytes, fmt: str) -> None:
    _read(data, fmt)


@pytest.mark.timeout(120)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=fragments, fmt=st.sampled_from(["auto", "html", "markdown", "text"]))
def test_random_markup(text: str, fmt: str) -> None:
    _read(text.encode("utf-8", "surrogatepass"), fmt)


@pytest.mark.timeout(60)
def test_pathological_regex_inputs_stay_linear() -> None:
    for text in ("<" * 50_000, "[" * 20_000 + "](" * 20_000, "*" * 50_000, "=" * 50_000,
                 "a," * 50_000, "（" * 50_000, "<span " * 10_000, "---\n" * 10_000):
        _read(text.encode(), "auto")


@pytest.mark.parametrize("fmt", ["html", "markdown"])
def test_control_characters_inside_attributes_are_not_fatal(fmt: str) -> None:
    # found by the atheris harness: libxml2 refuses control characters in attribute values
    data = '<p><span style="color:\x06red" title="a\x01b">正文\x0b段落</span></p>\n'.encode()
    doc = read_bytes(data, path="ctrl.html", options=ConvertOptions(input_format=fmt))  # type: ignore[arg-type]
    assert "正文段落" in doc.visible_text()
