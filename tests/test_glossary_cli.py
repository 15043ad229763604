"""`gba-docs glossary` subcommands, CSV/TBX round trips, refused edits and corpus extraction."""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import pytest

from gba_docs.commands import glossary as glossary_command
from gba_docs.errors import GlossaryError, InputError
from gba_docs.glossary import load_glossary
from gba_docs.glossary.io import dump_csv, read_csv
from gba_docs.glossary.tbx import dump_tbx, read_tbx
from gba_docs.model import BilingualDocument, Document, Unit

DATA = Path(__file__).parent / "data" / "glossary"
SEEDS = Path(__file__).parent.parent / "seeds"
HEADER_ONLY = (
    "# gba-docs glossary: empty\n# version: 1\n"
    "id\tzh_hans\tzh_hant_hk\tzh_hant_tw\ten\tzh_variants\ten_variants\tforbidden_en\t"
    "category\toverride\tnote\tevidence\n"
)


def run(argv: list[str]) -> int:
    """Parse like the console script does (the CLI adds a global --glossary) and run."""
    parser = argparse.ArgumentParser(prog="gba-docs")
    parser.add_argument("--glossary")
    glossary_command.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return int(args.handler(args))


@pytest.fixture
def gfile(tmp_path: Path) -> Path:
    target = tmp_path / "glossary.tsv"
    shutil.copyfile(DATA / "good.tsv", target)
    return target


@pytest.fixture
def empty(tmp_path: Path) -> Path:
    target = tmp_path / "empty.tsv"
    target.write_text(HEADER_ONLY, encoding="utf-8")
    return target


ADD_NANSHA = ["glossary", "add", "--id", "nansha", "--zh-hans", "南沙", "--en", "Nansha",
              "--category", "district", "--evidence", "Guangzhou government"]


# --------------------------------------------------------------------------- lint
def test_lint_clean_file_exits_0(gfile: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["glossary", "lint", str(gfile)]) == 0
    assert "0 error(s)" in capsys.readouterr().err


def test_lint_errors_exit_4_and_print_path_line_code(capsys: pytest.CaptureFixture[str]) -> None:
    path = DATA / "conflicts.tsv"
    assert run(["glossary", "lint", "--file", str(path)]) == 4
    lines = capsys.readouterr().out.splitlines()
    assert f"{path}:9: opencc-hk: zh_hant_hk '人工智慧' differs from OpenCC s2hk '人工智能'; fix " \
           "the form or mark override=yes if the difference is deliberate" in lines
    assert any(line.startswith(f"{path}:10: override-not-needed: ") for line in lines)


def test_lint_falls_back_to_a_glossary_option_from_the_cli(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--glossary", str(DATA / "conflicts.tsv"), "glossary", "lint", "-q"]) == 4
    assert "override-not-needed" not in capsys.readouterr().out


def test_through_cli_main_errors_map_to_exit_4(gfile: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from gba_docs.cli import main

    assert main(["glossary", "lint", str(gfile)]) == 0
    before = gfile.read_bytes()
    assert main([*ADD_NANSHA[:3], "qianhai", *ADD_NANSHA[4:], str(gfile)]) == 4
    assert "already in the glossary" in capsys.readouterr().err
    assert gfile.read_bytes() == before
    assert main(["glossary"]) == 2


def test_installed_console_script_lints(tmp_path: Path) -> None:
    import subprocess
    import sys

    script = Path(sys.executable).with_name("gba-docs")
    done = subprocess.run([str(script), "glossary", "lint", str(DATA / "conflicts.tsv")],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 4
    assert f"{DATA / 'conflicts.tsv'}:9: opencc-hk: " in done.stdout


# --------------------------------------------------------------------------- add / remove / show
def test_add_keeps_file_sorted_with_comments(gfile: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run([*ADD_NANSHA, "--variant", "南沙区", "--en-variant", "Nansha District", str(gfile)]) == 0
    text = gfile.read_text(encoding="utf-8")
    ids = [line.split("\t")[0] for line in text.splitlines()[6:] if not line.startswith("#")]
    assert ids == sorted(ids) and "nansha" in ids
    assert "# the region itself\ngreater-bay-area\t" in text
    term = load_glossary(gfile).get("nansha")
    assert term.zh_hant_hk == "南沙" and term.zh_variants == ["南沙区"]
    assert run(["glossary", "show", "nansha", str(gfile)]) == 0
    assert "Nansha District" in capsys.readouterr().out


def test_add_defaults_hong_kong_form_to_opencc(gfile: Path) -> None:
    run(["glossary", "add", "--id", "low-altitude-economy", "--zh-hans", "低空经济", "--en",
         "low-altitude economy", "--category", "term", "--evidence", "NDRC", "--file", str(gfile)])
    assert load_glossary(gfile).get("low-altitude-economy").zh_hant_hk == "低空經濟"


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--id", "qianhai"], "already in the glossary"),
        (["--zh-hans", "前海"], "one Chinese term, two English renderings"),
        (["--zh-hant-hk", "南沙區"], "differs from OpenCC s2hk"),
        (["--category", "place"], "category 'place' is not one of"),
        (["--forbidden", "Qianhai"], "forbidden_en 'Qianhai' is 'qianhai''s approved English"),
        (["--en", "Nansha "], "leading or trailing whitespace"),
        (["--override"], "--override needs --zh-hant-hk"),
    ],
)
def test_refused_add_leaves_file_bytes_unchanged(gfile: Path, extra: list[str], needle: str) -> None:
    before = gfile.read_bytes()
    argv = list(ADD_NANSHA)
    for i in range(0, len(extra), 2):
        if extra[i] in argv:
            argv[argv.index(extra[i]) + 1] = extra[i + 1]
        else:
            argv.extend(extra[i:i + 2])
    with pytest.raises(GlossaryError) as info:
        run([*argv, str(gfile)])
    assert needle in str(info.value)
    assert gfile.read_bytes() == before


def test_add_override_is_accepted_when_the_form_differs(gfile: Path) -> None:
    assert run(["glossary", "add", "--id", "cluster", "--zh-hans", "集群", "--zh-hant-hk", "集群",
                "--override", "--en", "cluster", "--category", "term", "--evidence", "HK usage",
                str(gfile)]) == 0
    assert load_glossary(gfile).get("cluster").override


def test_remove_and_show_unknown(gfile: Path) -> None:
    assert run(["glossary", "remove", "qianhai-zone", str(gfile)]) == 0
    text = gfile.read_text(encoding="utf-8")
    assert "qianhai-zone" not in text and "# two comment lines" not in text
    with pytest.raises(GlossaryError, match="no entry with id 'qianhai-zone'"):
        run(["glossary", "show", "qianhai-zone", str(gfile)])


def test_search_any_form_or_english(gfile: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["glossary", "search", "灣區", str(gfile)]) == 0
    assert capsys.readouterr().out.startswith("greater-bay-area\t")
    assert run(["glossary", "search", "hkust", str(gfile)]) == 0
    assert "hkust-gz" in capsys.readouterr().out
    assert run(["glossary", "search", "火星", str(gfile)]) == 1


def test_sort_rewrites_unsorted_crlf_file(tmp_path: Path) -> None:
    text = (DATA / "good.tsv").read_text(encoding="utf-8")
    lines = text.split("\n")
    user_row = next(line for line in lines if line.startswith("user\t"))
    lines.remove(user_row)
    lines.insert(6, user_row)
    target = tmp_path / "g.tsv"
    target.write_bytes("\r\n".join(lines).encode("utf-8"))
    assert run(["glossary", "lint", str(target)]) == 4
    assert run(["glossary", "sort", str(target)]) == 0
    assert target.read_bytes() == (DATA / "good.tsv").read_bytes()


def test_two_different_files_are_refused(gfile: Path) -> None:
    from gba_docs.errors import ConfigError

    with pytest.raises(ConfigError, match="two glossary files"):
        run(["glossary", "lint", str(gfile), "--file", str(DATA / "conflicts.tsv")])


# --------------------------------------------------------------------------- import / export
@pytest.mark.parametrize("fmt", ["csv", "tbx"])
def test_export_import_round_trip_is_lossless(gfile: Path, empty: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"export.{fmt}"
    assert run(["glossary", "export", "--to", fmt, "-o", str(out), str(gfile)]) == 0
    assert run(["glossary", "import", str(out), "--file", str(empty)]) == 0
    original = [t.content() for t in load_glossary(gfile)]
    assert [t.content() for t in load_glossary(empty)] == original


def test_tbx_is_tbx_basic_shaped(gfile: Path) -> None:
    from lxml import etree

    root = etree.fromstring(dump_tbx(load_glossary(gfile)))
    assert root.tag == "martif" and root.get("type") == "TBX-Basic"
    entry = root.find(".//termEntry[@id='user']")
    langs = [ls.get("{http://www.w3.org/XML/1998/namespace}lang") for ls in entry.findall("langSet")]
    assert langs == ["zh-Hans", "zh-Hant-HK", "zh-Hant-TW", "en"]
    gba = root.find(".//termEntry[@id='greater-bay-area']")
    statuses = [(tig.findtext("term"), tig.findtext("termNote[@type='administrativeStatus']"))
                for tig in gba.findall("langSet[@{http://www.w3.org/XML/1998/namespace}lang='en']/tig")]
    assert ("Great Bay Area", "deprecatedTerm-admn-sts") in statuses
    assert ("GBA", "admittedTerm-admn-sts") in statuses
    assert gba.findtext("descrip[@type='subjectField']") == "region"


def test_csv_text_is_plain_and_reads_back(gfile: Path) -> None:
    glossary = load_glossary(gfile)
    text = dump_csv(glossary)
    assert text.splitlines()[0].startswith("id,zh_hans,zh_hant_hk,")
    terms = read_csv(("\ufeff" + text).replace("\n", "\r\n").encode("utf-8"), path="x.csv")
    assert [t.content() for t in terms] == [t.content() for t in glossary]


def test_csv_bad_row_names_line(tmp_path: Path, gfile: Path) -> None:
    text = dump_csv(load_glossary(gfile)).replace(",zone,", ",place,", 1)
    bad = tmp_path / "bad.csv"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(GlossaryError) as info:
        run(["glossary", "import", str(bad), "--file", str(gfile)])
    assert info.value.line == 5 and "place" in str(info.value)


def test_import_conflict_needs_replace(gfile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    changed = tmp_path / "changed.csv"
    changed.write_text(dump_csv(load_glossary(gfile)).replace("HKSTP website", "HKSTP annual report"),
                       encoding="utf-8")
    before = gfile.read_bytes()
    with pytest.raises(GlossaryError, match="1 imported entry differs .*hong-kong-science-park"):
        run(["glossary", "import", str(changed), "--file", str(gfile)])
    assert gfile.read_bytes() == before
    assert run(["glossary", "import", str(changed), "--replace", "--file", str(gfile)]) == 0
    assert load_glossary(gfile).get("hong-kong-science-park").evidence == "HKSTP annual report"
    assert "1 replaced, 6 unchanged" in capsys.readouterr().out


def test_import_foreign_tbx_fills_defaults(gfile: Path) -> None:
    assert run(["glossary", "import", str(DATA / "foreign.tbx"), "--file", str(gfile)]) == 0
    glossary = load_glossary(gfile)
    assert glossary.get("c1").zh_hant_hk == "低空經濟"
    assert glossary.get("c1").en_variants == ["low altitude economy"]
    assert glossary.get("peng-cheng-laboratory").zh_hans == "鹏城实验室"


def test_tbx_with_entities_is_refused_and_nothing_changes(gfile: Path) -> None:
    before = gfile.read_bytes()
    with pytest.raises(GlossaryError) as info:
        run(["glossary", "import", str(DATA / "billion_laughs.tbx"), "--file", str(gfile)])
    assert info.value.line == 3 and "entities" in str(info.value)
    assert gfile.read_bytes() == before


def test_tbx_entities_in_utf16_are_refused() -> None:
    raw = (DATA / "billion_laughs.tbx").read_text(encoding="utf-8").replace(
        'encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    with pytest.raises(GlossaryError, match="entities"):
        read_tbx(raw, path="x.tbx")


def test_tbx_malformed_names_line() -> None:
    with pytest.raises(GlossaryError, match="not well-formed") as info:
        read_tbx(b"<martif>\n<text>\n</martif>", path="x.tbx")
    assert info.value.line == 3


def test_import_unknown_suffix(gfile: Path, tmp_path: Path) -> None:
    other = tmp_path / "terms.xlsx"
    other.write_bytes(b"PK")
    with pytest.raises(GlossaryError, match="cannot import .xlsx"):
        run(["glossary", "import", str(other), "--file", str(gfile)])


# --------------------------------------------------------------------------- check
def _bilingual(path: Path, pairs: list[tuple[str, str | None]]) -> Path:
    units = [Unit(id=f"b{i:04d}", kind="paragraph", zh={"zh-Hans": zh}, en=en,
                  status="translated" if en else "untranslated")
             for i, (zh, en) in enumerate(pairs, start=1)]
    path.write_text(BilingualDocument(source=Document(), units=units).model_dump_json(),
                    encoding="utf-8")
    return path


def test_check_reports_per_unit_and_exits_1(gfile: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    out = _bilingual(tmp_path / "doc.json", [
        ("粤港澳大湾区科学论坛", "The Great Bay Area Science Forum"),
        ("香港科学园", "Hong Kong Science Park"),
        ("前海", None),
    ])
    assert run(["glossary", "check", str(out), "--file", str(gfile)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        (f"{out}: b0001: warning: term-missing: '粤港澳大湾区' should be rendered as "
         "'Guangdong-Hong Kong-Macao Greater Bay Area' (or 'Greater Bay Area', 'GBA')"),
        (f"{out}: b0001: error: term-forbidden: 'Great Bay Area' is a forbidden rendering; use "
         "'Guangdong-Hong Kong-Macao Greater Bay Area'"),
    ]


def test_check_clean_exits_0(gfile: Path, tmp_path: Path) -> None:
    out = _bilingual(tmp_path / "ok.json", [("粤港澳大湾区", "the Greater Bay Area")])
    assert run(["glossary", "check", str(out), "--file", str(gfile)]) == 0


def test_check_refuses_non_bilingual_json(gfile: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"units": "nope"}), encoding="utf-8")
    with pytest.raises(InputError, match="not a gba-docs bilingual JSON file"):
        run(["glossary", "check", str(bad), "--file", str(gfile)])


# --------------------------------------------------------------------------- extract
def test_extract_finds_distinctive_words_the_glossary_lacks(
    gfile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seeds = sorted(str(p) for p in SEEDS.glob("*.txt"))
    assert run(["glossary", "extract", *seeds, "--top", "40", "--file", str(gfile)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("word\tcount\tdocs")
    rows = [line.split("\t") for line in lines[1:]]
    words = [row[0] for row in rows]
    assert len(words) == 40
    assert not {"粤港澳大湾区", "大湾区", "前海", "湾区"} & set(words)
    assert {"科技创新", "论坛"} & set(words)
    assert all(int(row[1]) >= 2 for row in rows)
    assert all("[" in row[6] for row in rows)
    suggested = [row[5] for row in rows if row[5] != "-"]
    assert suggested and all(s.startswith("unverified: ") for s in suggested)


def test_cedict_lookup_is_real_cc_cedict() -> None:
    from gba_docs.glossary.extract import cedict_english

    english = cedict_english(["人工智能", "腦機接口", "不是一个词语吧"])
    assert "artificial intelligence" in english["人工智能"]
    assert "brain-computer interface" in english["腦機接口"]
    assert "不是一个词语吧" not in english
