"""Tests for front matter: splitting, YAML/TOML parsing, safety limits and mapping to Meta."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gba_docs.readers._frontmatter import (
    meta_from_front_matter, parse_date, split_front_matter,
)

SEED_004_HEAD = """
---
title: '粤港澳科技创新合作论坛在前海举办'
categories: 
 - 金融
 - 证券时报网
 - 要闻
headimg: 'https://picsum.photos/400/300?random=4279'
author: 证券时报网
comments: false
date: Thu, 30 Jun 2022 15:28:00 GMT
thumbnail: 'https://picsum.photos/400/300?random=4279'
---

<div>"""


def test_seed004_style_block_after_a_blank_line() -> None:
    data, body, diags, consumed = split_front_matter(SEED_004_HEAD)
    assert diags == [] and consumed == 13
    assert body == "\n<div>"
    assert data is not None and data["comments"] is False
    meta = meta_from_front_matter(data)
    assert meta.title == "粤港澳科技创新合作论坛在前海举办"
    assert meta.categories == ["金融", "证券时报网", "要闻"]
    assert meta.images == ["https://picsum.photos/400/300?random=4279"]
    assert meta.date == dt.datetime(2022, 6, 30, 15, 28, tzinfo=dt.timezone.utc)
    assert meta.extra == {"comments": False}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Thu, 30 Jun 2022 15:28:00 GMT", dt.datetime(2022, 6, 30, 15, 28, tzinfo=dt.timezone.utc)),
        ("2022-06-30", dt.date(2022, 6, 30)),
        ("2022-06-30 15:28", dt.datetime(2022, 6, 30, 15, 28)),
        ("2022-06-30T15:28:00+08:00",
         dt.datetime(2022, 6, 30, 15, 28, tzinfo=dt.timezone(dt.timedelta(hours=8)))),
        ("2022/6/30", dt.date(2022, 6, 30)),
        ("2022.06.30", dt.date(2022, 6, 30)),
        ("2022年6月30日", dt.date(2022, 6, 30)),
        ("2022年6月30日 15:28", dt.datetime(2022, 6, 30, 15, 28)),
        (1656602880, dt.datetime(2022, 6, 30, 15, 28, tzinfo=dt.timezone.utc)),
        ("1656602880000", dt.datetime(2022, 6, 30, 15, 28, tzinfo=dt.timezone.utc)),
        ("不是日期", None),
        ("2022-13-45", None),
        (True, None),
    ],
)
def test_dates_in_common_forms(raw: object, expected: object) -> None:
    assert parse_date(raw) == expected


def test_date_raw_is_kept_as_written() -> None:
    data, *_ = split_front_matter("---\ndate: 2022-06-30 15:28:00\n---\n")
    meta = meta_from_front_matter(data or {})
    assert meta.date_raw == "2022-06-30 15:28:00"
    assert meta.date == dt.datetime(2022, 6, 30, 15, 28)


def test_field_aliases_and_extra() -> None:
    meta = meta_from_front_matter({
        "title": "T", "authors": ["张三", "李四"], "link": "https://a.cn/x", "url": "https://b.cn/y",
        "source": "证券时报网", "cover": "c.png", "images": ["c.png", "d.png"], "tags": "湾区",
        "categories": [["金融", "要闻"], "证券"], "lang": "zh-Hans", "updated": "2022-07-01",
        "nested": {"k": [1, 2.5, None]},
    })
    assert meta.author == "张三、李四"
    assert meta.source_url == "https://b.cn/y" and meta.extra["link"] == "https://a.cn/x"
    assert meta.source_name == "证券时报网"
    assert meta.images == ["c.png", "d.png"]
    assert meta.tags == ["湾区"] and meta.categories == ["金融", "要闻", "证券"]
    assert meta.lang == "zh-Hans"
    assert meta.extra["updated"] == "2022-07-01" and meta.extra["nested"] == {"k": [1, 2.5, None]}


def test_non_json_values_become_strings() -> None:
    data, _, diags, _ = split_front_matter(
        "---\nwhen: 2022-06-30\n2022-01-01: key is a date\nraw: !!binary aGk=\n"
        "s: !!set {a: null}\nnan: .nan\n---\n")
    assert diags == []
    assert data == {"when": "2022-06-30", "2022-01-01": "key is a date", "raw": "aGk=",
                    "s": ["a"], "nan": "nan"}
    json.dumps(data)


def test_toml_front_matter() -> None:
    data, body, diags, consumed = split_front_matter(
        '+++\ntitle = "澳门"\ndate = 2023-11-18T10:00:00+08:00\n[params]\nx = 1\n+++\nbody')
    assert diags == [] and consumed == 6 and body == "body"
    assert data == {"title": "澳门", "date": "2023-11-18T10:00:00+08:00", "params": {"x": 1}}


def test_invalid_yaml_gives_a_diagnostic_with_the_line() -> None:
    text = "---\ntitle: ok\ntags: [a, b\nauthor: x\n---\n正文"
    data, body, diags, consumed = split_front_matter(text)
    assert data is None and body == "正文" and consumed == 5
    assert [d.code for d in diags] == ["frontmatter-invalid"]
    assert diags[0].line == 4 and "fix the block" in diags[0].message


def test_unclosed_block_consumes_only_its_yaml_lines() -> None:
    text = "---\ntitle: 论坛\nauthor: 记者\n\n正文第一段\n\n正文第二段"
    data, body, diags, consumed = split_front_matter(text)
    assert data is None and consumed == 3
    assert body == "\n正文第一段\n\n正文第二段"
    assert diags[0].code == "frontmatter-invalid" and diags[0].line == 1


@pytest.mark.parametrize("text", ["---\n\n正文", "---\n正文一段\n\n---\n", "正文\n---\na: 1\n---"])
def test_rules_and_late_fences_are_not_front_matter(text: str) -> None:
    assert split_front_matter(text) == (None, text, [], 0)


def test_empty_block_is_empty_front_matter() -> None:
    assert split_front_matter("---\n---\nbody") == ({}, "body", [], 2)


def test_non_mapping_yaml_is_no_front_matter() -> None:
    text = "---\njust a sentence\n---\nbody"
    assert split_front_matter(text) == (None, text, [], 0)


@pytest.mark.timeout(20)
def test_yaml_alias_bomb_is_refused() -> None:
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        prev = f"*a{i - 1}"
        levels.append(f"a{i}: &a{i} [{', '.join([prev] * 9)}]")
    text = "---\n" + "\n".join(levels) + "\n---\nbody"
    data, body, diags, consumed = split_front_matter(text)
    assert data is None and body == "body" and consumed == 12
    assert diags[0].code == "frontmatter-invalid" and "YAML aliases" in diags[0].message


@pytest.mark.timeout(20)
def test_recursive_alias_and_deep_nesting_are_refused() -> None:
    for text in ("---\na: &a [*a]\n---\n", "---\na: " + "[" * 5000 + "]" * 5000 + "\n---\n"):
        data, _, diags, _ = split_front_matter(text)
        assert data is None and [d.code for d in diags] == ["frontmatter-invalid"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["---", "+++", "...", "", "title: 标题", "a: [1, 2", "- x",
                                 "b: &x 1", "c: *x", "d = 1", "'", ": :", "\t", "正文"]),
                max_size=12).map("\n".join))
def test_fuzz_never_raises_and_keeps_line_count(text: str) -> None:
    data, body, diags, consumed = split_front_matter(text)
    lines = text.split("\n")
    assert body == "\n".join(lines[consumed:])
    if data is not None:
        meta = meta_from_front_matter(data)
        json.dumps(meta.model_dump(mode="json"))
