"""The Argos engine on tiny real packages: install → load → batched CTranslate2 decoding."""

from __future__ import annotations

import pytest

from gba_docs.errors import ModelNotInstalled, TranslationError
from gba_docs.translate import get_engine
from gba_docs.translate.argos import ArgosEngine, chunk_pieces

SENTENCES = [
    "日前,2025大湾区科学论坛新闻发布会举行。",
    "香港，澳门（特别行政区）「测试」",
    "粤港澳大湾区推动国际科技创新中心。",
    "主论坛将邀请图灵奖得主、国内外知名院士、龙头企业负责人等进行主旨演讲。",
]


@pytest.fixture(scope="module")
def copy_engine(installed_models) -> ArgosEngine:
    return ArgosEngine(installed_models["copy"], beam_size=1, protect_patterns=False)


def test_copy_model_echoes_short_segments_exactly(copy_engine: ArgosEngine) -> None:
    assert copy_engine.translate_batch(SENTENCES) == SENTENCES


def test_engine_identity_for_provenance(copy_engine: ArgosEngine) -> None:
    assert copy_engine.id == "argos:zh-en:translate-zh_en-copy_0_1"
    assert copy_engine.model_version == "0.1"


def test_multi_sentence_segments_are_split_and_joined(copy_engine: ArgosEngine) -> None:
    out = copy_engine.translate_batch(["论坛开幕。论坛闭幕。", ""])
    assert out == ["论坛开幕。 论坛闭幕。", ""]


def test_empty_and_blank_segments_pass_through(copy_engine: ArgosEngine) -> None:
    assert copy_engine.translate_batch(["", "  ", "\n"]) == ["", "", ""]
    assert copy_engine.translate_batch([]) == []


def test_patterns_are_protected_and_restored(installed_models) -> None:
    engine = ArgosEngine(installed_models["copy"], beam_size=1)
    text = "文件 my_file_name.txt 见 https://www.gba.gov.cn/a_b ，2025年增长4.3%。"
    (out,) = engine.translate_batch([text])
    assert "my_file_name.txt" in out and "https://www.gba.gov.cn/a_b" in out
    assert "2025增长4.3%" in out  # 2025年 → "2025": the date is given in English form


def test_get_engine_argos_uses_the_packages_folder(installed_models) -> None:
    engine = get_engine("argos", packages_dir=installed_models["dir"], beam_size=1,
                        protect_patterns=False)
    assert engine is not None
    assert engine.translate_batch(["香港科学园"]) == ["香港科学园"]


def test_random_model_gives_bounded_output(installed_models) -> None:
    engine = ArgosEngine(installed_models["random"], beam_size=2, max_decoding_length=64)
    out = engine.translate_batch(SENTENCES + [""])
    assert len(out) == len(SENTENCES) + 1 and out[-1] == ""
    assert all(0 < len(o) < 2000 for o in out[:-1])


def test_hundred_thousand_character_segment(installed_models) -> None:
    engine = ArgosEngine(installed_models["random"], beam_size=1, max_input_pieces=128)
    big = ("粤港澳大湾区推动国际科技创新中心建设，" * 5000)[:100_000]
    (out,) = engine.translate_batch([big])
    assert isinstance(out, str) and out


def test_over_long_sentence_is_chunked_not_truncated(installed_models) -> None:
    engine = ArgosEngine(installed_models["copy"], beam_size=1, protect_patterns=False,
                         max_input_pieces=40)
    sentence = "，".join(["香港科学园推动人工智能产业"] * 12) + "。"
    (out,) = engine.translate_batch([sentence])
    assert out.replace(" ", "") == sentence


def test_stream_translates_lazily(copy_engine: ArgosEngine) -> None:
    pulled: list[int] = []

    def source():
        for i in range(10):
            pulled.append(i)
            yield SENTENCES[i % len(SENTENCES)]

    stream = copy_engine.translate_stream(source(), chunk=3)
    first = next(stream)
    assert first == SENTENCES[0] and len(pulled) == 3
    rest = list(stream)
    assert len(rest) == 9 and len(pulled) == 10


def test_chunking_prefers_commas() -> None:
    assert chunk_pieces(list("abcd，efgh"), 6) == [list("abcd，"), list("efgh")]
    assert [len(c) for c in chunk_pieces(list("x" * 25), 10)] == [10, 10, 5]


def test_missing_package_names_the_command(packages_folder) -> None:
    with pytest.raises(ModelNotInstalled, match="gba-docs models install zh en"):
        ArgosEngine(packages_dir=packages_folder)
    with pytest.raises(ModelNotInstalled, match="no installed package 'nope'"):
        ArgosEngine("nope", packages_dir=packages_folder)


def test_unavailable_device_is_a_clear_error(installed_models) -> None:
    engine = ArgosEngine(installed_models["copy"], device="cuda")
    try:
        import ctranslate2

        has_cuda = ctranslate2.get_cuda_device_count() > 0
    except Exception:  # noqa: BLE001 - any failure means no CUDA here
        has_cuda = False
    if has_cuda:
        assert engine.translate_batch(["香港"]) == ["香港"]
    else:
        with pytest.raises(TranslationError, match="--device cpu"):
            engine.translate_batch(["香港"])
