"""`gba-docs align`: files in, aligned outputs and gold beads out, exit 1 for a wrong pair."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gba_docs.cli import main

NEWS = Path(__file__).resolve().parent.parent / "benchmarks" / "data" / "align" / "gba-news"


def test_presplit_files_reproduce_the_gold(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gold_out = tmp_path / "pred.align"
    code = main(["align", str(NEWS / "news-002.zh"), str(NEWS / "news-002.en"), "-o", str(tmp_path / "out"),
                 "--sentences", "--gold-out", str(gold_out), "--report", "--to", "json,tmx"])
    assert code == 0
    assert gold_out.read_text() == (NEWS / "news-002.align").read_text()
    data = json.loads((tmp_path / "out" / "news-002.align.json").read_text(encoding="utf-8"))
    assert data["schema_name"] == "gba-docs.bilingual" and data["units"][0]["status"] == "aligned"
    assert (tmp_path / "out" / "news-002.align.tmx").exists()
    out = capsys.readouterr().out
    assert "weakest" in out and "wrote" in out


def test_documents_are_read_and_aligned_by_paragraph(tmp_path: Path) -> None:
    zh = NEWS.joinpath("news-003.zh").read_text(encoding="utf-8").splitlines()
    en = NEWS.joinpath("news-003.en").read_text(encoding="utf-8").splitlines()
    zh_file, en_file = tmp_path / "a.zh.md", tmp_path / "a.en.md"
    zh_file.write_text(f"# {zh[0]}\n\n{zh[1]}\n\n" + "".join(zh[2:4]) + "\n\n" + "".join(zh[5:7]) + "\n",
                       encoding="utf-8")
    en_file.write_text(f"# {en[0]}\n\n{en[1]}\n\n" + " ".join(en[2:5]) + "\n\n" + " ".join(en[6:9]) + "\n",
                       encoding="utf-8")
    gold_out = tmp_path / "paragraphs.align"
    code = main(["align", str(zh_file), str(en_file), "-o", str(tmp_path / "out"),
                 "--gold-out", str(gold_out), "--script", "zh-Hant-HK"])
    assert code == 0
    assert gold_out.read_text() == "[0]:[0]\n[1]:[1]\n[2]:[2]\n[3]:[3]\n"


def test_a_wrong_pair_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["align", str(NEWS / "news-000.zh"), str(NEWS / "news-000.zh"), "-o", str(tmp_path),
                 "--sentences", "--no-glossary"])
    assert code == 1
    assert "align-same-language" in capsys.readouterr().err


def test_unknown_format_is_a_config_error(tmp_path: Path) -> None:
    code = main(["align", str(NEWS / "news-000.zh"), str(NEWS / "news-000.en"), "-o", str(tmp_path),
                 "--to", "pdf"])
    assert code == 4


def test_missing_file_is_an_input_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["align", str(tmp_path / "nope.zh"), str(NEWS / "news-000.en"), "-o", str(tmp_path),
                 "--sentences"])
    assert code != 0
    assert "nope.zh" in capsys.readouterr().err


def test_short_unrelated_pair_and_empty_side_are_flagged_not_fatal(tmp_path: Path) -> None:
    from gba_docs.cli import main

    zh = tmp_path / "rel.zh.md"
    zh.write_text(
        "# 香港科学园举办创新论坛\n\n2025年12月9日，香港科学园举办粤港澳大湾区创新论坛。论坛吸引了超过3200名"
        "来自香港、澳门和广州的专家。\n\n会上发布了《人工智能前沿技术趋势报告2025》。报告指出，大湾区研发投入增长4.3%。\n\n"
        "主办方表示，明年将继续举办论坛。\n", encoding="utf-8")
    unrelated = tmp_path / "unrel.en"
    unrelated.write_text("Lorem ipsum cats and dogs play in the garden every day.\n\nThe weather is nice "
                         "and sunny.\n\nNothing else happens.\n", encoding="utf-8")
    empty = tmp_path / "empty.en"
    empty.write_text("", encoding="utf-8")
    for other, code in ((unrelated, "align-unrelated"), (empty, "align-empty-side")):
        out = tmp_path / other.stem
        assert main(["align", str(zh), str(other), "-o", str(out)]) == 1
        data = json.loads(next(out.glob("*.json")).read_text(encoding="utf-8"))
        assert code in {d["code"] for d in data["diagnostics"]}
        assert all((u["confidence"] or 0) <= 0.15 for u in data["units"])
