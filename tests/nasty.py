"""A corpus of nasty inputs, generated on demand (no binary blobs in the repository).

Each entry: file name → (bytes, what must happen: "ok" = converts, "failed" = clear error).
"""

from __future__ import annotations

import codecs
from pathlib import Path

GOOD_ZH = (
    "日前,2025大湾区科学论坛新闻发布会举行。以“智创湾区 产研共融”为主题的论坛将于12月6日至8日举办。\n\n"
    "本届论坛设置开幕式、主论坛、分论坛及特色活动等。\n"
)


def nasty_inputs(size_mb: float = 2.0) -> dict[str, tuple[bytes, str]]:
    """The nasty corpus. `size_mb` sets the size of the 'huge' file (50 in the benchmark)."""
    huge_para = ("粤港澳大湾区国际科技创新中心建设稳步推进,研发投入强度达到4.3%。" * 40 + "\n\n").encode()
    huge = huge_para * max(1, int(size_mb * 1024 * 1024 / len(huge_para)))
    deep = "<div>" * 5000 + "<p>深层嵌套的段落。</p>" + "</div>" * 5000
    return {
        "empty.txt": (b"", "failed"),
        "blank.md": (b"\n\n   \n\t\n", "failed"),
        "binary.txt": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64, "failed"),
        "zip-named.html": (b"PK\x03\x04" + bytes(200), "failed"),
        "truncated.html": (
            "<html><body><h1>标题</h1><p>第一段完整。</p><p>第二段被截断在".encode(), "ok"
        ),
        "unclosed.html": ("<div><p>未闭合<b>粗体<i>斜体<p>下一段".encode(), "ok"),
        "deep.html": (deep.encode(), "ok"),
        "gbk-labelled-utf8.html": (
            '<html><head><meta charset="utf-8"></head><body><p>'.encode()
            + "粤港澳大湾区科技创新合作论坛在前海举办。".encode("gbk")
            + b"</p></body></html>",
            "ok",
        ),
        "big5-labelled-utf8.txt": ("香港科學園與數碼港合作推動創新科技發展。".encode("big5hkscs") * 5, "ok"),
        "nul-bytes.txt": (GOOD_ZH.encode().replace("。".encode(), "。\x00".encode(), 1), "ok"),
        "crlf-bom.txt": (codecs.BOM_UTF8 + GOOD_ZH.replace("\n", "\r\n").encode(), "ok"),
        "cr-only.txt": (GOOD_ZH.replace("\n", "\r").encode(), "ok"),
        "utf16.md": (codecs.BOM_UTF16_LE + ("# 标题\n\n" + GOOD_ZH).encode("utf-16-le"), "ok"),
        "yaml-bomb.md": (
            (
                "---\n"
                'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
                "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
                "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
                "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
                "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
                "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
                "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
                "---\n\n" + GOOD_ZH
            ).encode(),
            "ok",
        ),
        "broken-front-matter.md": (("---\ntitle: [unclosed\ndate: :\n---\n\n" + GOOD_ZH).encode(), "ok"),
        "script.html": (
            (
                "<html><body><script>alert('x')</script><p onclick=\"evil()\">正文<img src=x "
                "onerror=\"alert(1)\">段落。</p><p>&lt;script&gt;alert(2)&lt;/script&gt;</p></body></html>"
            ).encode(),
            "ok",
        ),
        "rtl-and-controls.txt": ("正文\u202e包含\u200b控制\x07字符。\n\nEnglish\u200f text.".encode(), "ok"),
        "huge.txt": (huge, "ok"),
        "good.txt": (GOOD_ZH.encode(), "ok"),
    }


def write_nasty_corpus(folder: Path, size_mb: float = 2.0) -> dict[str, str]:
    """Write the corpus into folder; return name → expected outcome."""
    folder.mkdir(parents=True, exist_ok=True)
    expected: dict[str, str] = {}
    for name, (data, outcome) in nasty_inputs(size_mb).items():
        (folder / name).write_bytes(data)
        expected[name] = outcome
    return expected
