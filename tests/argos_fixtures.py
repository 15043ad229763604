"""Build tiny but real `.argosmodel` packages offline, for tests and benchmarks.

A shared sentencepiece model is trained on generated zh/en Greater Bay Area sentences plus the
seed texts; CTranslate2 Transformer weights are set with numpy. Nothing is downloaded. Two
models: a hand-wired COPY model that echoes its input exactly, and a RANDOM model (gibberish,
kept short by an end-of-sentence bias). `build_base_sized_model` makes a Transformer-base sized
random model for throughput benchmarks.
"""

from __future__ import annotations

import io
import itertools
import json
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
FIXED_ZIP_TIME = (2025, 1, 1, 0, 0, 0)

_ZH_SUBJECTS = ["粤港澳大湾区", "香港科学园", "澳门大学", "广州南沙", "深圳前海", "横琴粤澳深度合作区",
                "广东省科技厅", "香港特区政府", "中国科学院", "河套深港科技创新合作区", "珠海高新区",
                "大湾区科学论坛", "东莞松山湖", "佛山市", "惠州市", "香港理工大学"]
_EN_SUBJECTS = ["The Greater Bay Area", "Hong Kong Science Park", "The University of Macau",
                "Nansha in Guangzhou", "Qianhai in Shenzhen", "The Hengqin cooperation zone",
                "The Guangdong science department", "The HKSAR Government",
                "The Chinese Academy of Sciences", "The Hetao zone", "Zhuhai high-tech zone",
                "The Greater Bay Area Science Forum", "Songshan Lake in Dongguan", "Foshan",
                "Huizhou", "The Hong Kong Polytechnic University"]
_ZH_VERBS = ["推动", "加快建设", "发布", "支持", "深化", "举办", "打造", "聚焦"]
_EN_VERBS = ["promotes", "accelerates", "releases", "supports", "deepens", "hosts", "builds",
             "focuses on"]
_ZH_OBJECTS = ["国际科技创新中心", "人工智能产业", "集成电路项目", "低空经济", "新材料研发",
               "科技成果转化", "创新人才培养", "绿色能源合作", "生物医药平台", "数字经济"]
_EN_OBJECTS = ["an international innovation centre", "the AI industry", "integrated circuit projects",
               "the low-altitude economy", "new materials research", "technology transfer",
               "training of innovative talent", "green energy cooperation",
               "a biomedicine platform", "the digital economy"]
_FREE = [
    "2025年，研发投入增长4.3%，专利授权2.68万件。", "In 2025 R&D spending rose 4.3% to 268 billion yuan.",
    "详情请见 https://www.gba.gov.cn/news 或发邮件至 info@example.org。",
    "See https://www.gba.gov.cn/news or write to info@example.org.",
    "文件名为 my_file_name.txt，版本 v1.2。", "The file is my_file_name.txt, version v1.2.",
    "12月6日至8日在粤港澳三地同步举办。", "It runs from 6 to 8 December in all three places.",
    "香港，澳门（特别行政区）「测试」", "Hong Kong, Macao (SAR) \"test\"",
]


def corpus_lines(seeds_dir: Path = SEEDS) -> list[str]:
    """Template sentences in both languages plus every non-empty seed line."""
    lines: list[str] = list(_FREE)
    for (zs, es), (zv, ev), (zo, eo) in itertools.product(
        zip(_ZH_SUBJECTS, _EN_SUBJECTS), zip(_ZH_VERBS, _EN_VERBS), zip(_ZH_OBJECTS, _EN_OBJECTS)
    ):
        lines.append(f"{zs}{zv}{zo}。")
        lines.append(f"{es} {ev} {eo}.")
    for path in sorted(seeds_dir.glob("*.txt")):
        lines.extend(s.strip() for s in path.read_text("utf-8").splitlines() if s.strip())
    return lines


def train_sentencepiece(lines: list[str], vocab_size: int = 2000) -> bytes:
    """Train the shared zh/en sentencepiece model (identity normalisation, byte fallback)."""
    import sentencepiece as spm

    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines), model_writer=buffer, vocab_size=vocab_size,
        model_type="unigram", character_coverage=0.9995, byte_fallback=True,
        hard_vocab_limit=False, normalization_rule_name="identity",
        unk_id=0, bos_id=1, eos_id=2, pad_id=-1, num_threads=2, minloglevel=2,
    )
    return buffer.getvalue()


def pieces_of(sp_model: bytes) -> list[str]:
    """The vocabulary of a serialized sentencepiece model, in id order."""
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_proto=sp_model)
    return [sp.id_to_piece(i) for i in range(sp.get_piece_size())]


def _hadamard(n: int) -> np.ndarray:
    h = np.ones((1, 1), dtype=np.float32)
    while h.shape[0] < n:
        h = np.block([[h, h], [h, -h]])
    return h


def _balanced_codes(count: int, dim: int, rng: np.random.Generator) -> np.ndarray:
    """`count` distinct ±1 vectors with as many +1 as −1 (so LayerNorm only rescales them)."""
    base = np.array([1.0] * (dim // 2) + [-1.0] * (dim // 2), dtype=np.float32)
    codes = np.stack([rng.permutation(base) for _ in range(count)])
    if len({c.tobytes() for c in codes}) != count:
        raise RuntimeError("token codes collided; use another seed")
    return codes


def _set_zero_layers(layers: list, d: int, ffn: int, cross: bool) -> None:
    z = np.zeros
    for layer in layers:
        blocks = [layer.self_attention] + ([layer.attention] if cross else [])
        for att in blocks:
            att.layer_norm.gamma = np.ones(d, np.float32)
            att.layer_norm.beta = z(d, np.float32)
        sa = layer.self_attention
        sa.linear[0].weight, sa.linear[0].bias = z((3 * d, d), np.float32), z(3 * d, np.float32)
        sa.linear[1].weight, sa.linear[1].bias = z((d, d), np.float32), z(d, np.float32)
        layer.ffn.layer_norm.gamma = np.ones(d, np.float32)
        layer.ffn.layer_norm.beta = z(d, np.float32)
        layer.ffn.linear_0.weight, layer.ffn.linear_0.bias = z((ffn, d), np.float32), z(ffn, np.float32)
        layer.ffn.linear_1.weight, layer.ffn.linear_1.bias = z((d, ffn), np.float32), z(d, np.float32)


def build_copy_model(model_dir: Path, pieces: list[str], *, pos_dim: int = 256,
                     tok_dim: int = 64, max_positions: int = 1024, seed: int = 7,
                     quantization: str | None = "int8") -> Path:
    """A Transformer whose greedy output is its input (up to `pos_dim - 1` pieces).

    Residual stream = [token code | position code | copied-token slot]. Encoder layers are
    zero, so the encoder output is the (rescaled) token + position code. Cross-attention
    matches decoder step i to source position i through orthogonal Hadamard position codes
    and copies the token code into the slot; the projection reads only the slot.
    """
    import ctranslate2

    rng = np.random.default_rng(seed)
    vocab = len(pieces)
    d = tok_dim + pos_dim + tok_dim
    tok, pos, slot = slice(0, tok_dim), slice(tok_dim, tok_dim + pos_dim), slice(tok_dim + pos_dim, d)
    codes = _balanced_codes(vocab, tok_dim, rng)
    hadamard = _hadamard(pos_dim)[1:]  # row 0 is all ones: not balanced
    positions = np.zeros((max_positions, d), np.float32)
    positions[:, pos] = hadamard[np.arange(max_positions) % len(hadamard)]

    spec = ctranslate2.specs.TransformerSpec.from_config(num_layers=(1, 1), num_heads=1)
    spec.config.add_source_eos = True
    enc, dec = spec.encoder, spec.decoder
    enc.scale_embeddings = False
    dec.scale_embeddings = False
    emb = np.zeros((vocab, d), np.float32)
    emb[:, tok] = codes
    enc.embeddings[0].weight = emb
    enc.position_encodings.encodings = positions
    dec.embeddings.weight = np.zeros((vocab, d), np.float32)
    dec.position_encodings.encodings = positions.copy()
    for norm in (enc.layer_norm, dec.layer_norm):
        norm.gamma, norm.beta = np.ones(d, np.float32), np.zeros(d, np.float32)
    _set_zero_layers(enc.layer, d, 4, cross=False)
    _set_zero_layers(dec.layer, d, 4, cross=True)

    att = dec.layer[0].attention
    query = np.zeros((d, d), np.float32)
    query[pos, pos] = 2.0 * np.eye(pos_dim, dtype=np.float32)
    key_value = np.zeros((2 * d, d), np.float32)
    key_value[pos, pos] = 2.0 * np.eye(pos_dim, dtype=np.float32)
    key_value[d + tok_dim + pos_dim: 2 * d, tok] = np.eye(tok_dim, dtype=np.float32)
    out = np.zeros((d, d), np.float32)
    out[slot, slot] = np.eye(tok_dim, dtype=np.float32)
    att.linear[0].weight, att.linear[0].bias = query, np.zeros(d, np.float32)
    att.linear[1].weight, att.linear[1].bias = key_value, np.zeros(2 * d, np.float32)
    att.linear[2].weight, att.linear[2].bias = out, np.zeros(d, np.float32)

    projection = np.zeros((vocab, d), np.float32)
    projection[:, slot] = codes
    dec.projection.weight, dec.projection.bias = projection, np.zeros(vocab, np.float32)
    return _save(spec, model_dir, pieces, quantization=quantization)


def build_random_model(model_dir: Path, pieces: list[str], *, d_model: int = 64, ffn: int = 128,
                       layers: tuple[int, int] = (2, 2), heads: int = 4, seed: int = 11,
                       eos_bias: float = 11.0, quantization: str | None = "int8",
                       extra_vocab: int = 0) -> Path:
    """Seeded random weights: gibberish, but a real encoder/decoder of the requested size.

    Byte-fallback pieces get a −30 bias (they decode to control characters) and `</s>` gets
    `eos_bias` so outputs stay short. `extra_vocab` pads the vocabulary with unused pieces to
    reach a realistic softmax size; they get the −30 bias too.
    """
    import ctranslate2

    rng = np.random.default_rng(seed)
    vocab_pieces = list(pieces) + [f"<extra_{i}>" for i in range(extra_vocab)]
    vocab = len(vocab_pieces)
    spec = ctranslate2.specs.TransformerSpec.from_config(num_layers=layers, num_heads=heads)
    enc, dec = spec.encoder, spec.decoder
    scale = 1.0 / np.sqrt(d_model)

    def w(*shape: int) -> np.ndarray:
        return (rng.standard_normal(shape, dtype=np.float32) * scale).astype(np.float32)

    enc.embeddings[0].weight = w(vocab, d_model)
    dec.embeddings.weight = w(vocab, d_model)
    for norm in (enc.layer_norm, dec.layer_norm):
        norm.gamma, norm.beta = np.ones(d_model, np.float32), np.zeros(d_model, np.float32)
    for layer in list(enc.layer) + list(dec.layer):
        blocks = [layer.self_attention] + ([layer.attention] if hasattr(layer, "attention") else [])
        for att in blocks:
            att.layer_norm.gamma = np.ones(d_model, np.float32)
            att.layer_norm.beta = np.zeros(d_model, np.float32)
        sa = layer.self_attention
        sa.linear[0].weight, sa.linear[0].bias = w(3 * d_model, d_model), np.zeros(3 * d_model, np.float32)
        sa.linear[1].weight, sa.linear[1].bias = w(d_model, d_model), np.zeros(d_model, np.float32)
        if hasattr(layer, "attention"):
            ca = layer.attention
            ca.linear[0].weight, ca.linear[0].bias = w(d_model, d_model), np.zeros(d_model, np.float32)
            ca.linear[1].weight = w(2 * d_model, d_model)
            ca.linear[1].bias = np.zeros(2 * d_model, np.float32)
            ca.linear[2].weight, ca.linear[2].bias = w(d_model, d_model), np.zeros(d_model, np.float32)
        layer.ffn.layer_norm.gamma = np.ones(d_model, np.float32)
        layer.ffn.layer_norm.beta = np.zeros(d_model, np.float32)
        layer.ffn.linear_0.weight, layer.ffn.linear_0.bias = w(ffn, d_model), np.zeros(ffn, np.float32)
        layer.ffn.linear_1.weight, layer.ffn.linear_1.bias = w(d_model, ffn), np.zeros(d_model, np.float32)
    bias = np.zeros(vocab, np.float32)
    for i, piece in enumerate(vocab_pieces):
        if (piece.startswith("<0x") and piece.endswith(">")) or piece in ("<unk>", "<s>") \
                or piece.startswith("<extra_"):
            bias[i] = -30.0
    bias[vocab_pieces.index("</s>")] = eos_bias
    dec.projection.weight, dec.projection.bias = w(vocab, d_model) * 4.0, bias
    return _save(spec, model_dir, vocab_pieces, quantization=quantization)


def _save(spec, model_dir: Path, pieces: list[str], *, quantization: str | None) -> Path:
    spec.register_source_vocabulary(pieces)
    spec.register_target_vocabulary(pieces)
    spec.validate()
    if quantization:
        spec.optimize(quantization=quantization)
    else:
        spec.optimize()
    model_dir.mkdir(parents=True, exist_ok=True)
    spec.save(str(model_dir))
    return model_dir


def metadata(from_code: str = "zh", to_code: str = "en", version: str = "0.1") -> dict:
    """Argos package metadata for a test package."""
    names = {"zh": "Chinese", "en": "English", "de": "German", "fr": "French"}
    return {"package_version": version, "argos_version": "1.0", "from_code": from_code,
            "from_name": names.get(from_code, from_code), "to_code": to_code,
            "to_name": names.get(to_code, to_code), "type": "translate", "links": []}


def write_argosmodel(target: Path, top: str, meta: dict, model_dir: Path, sp_model: bytes,
                     *, extra: dict[str, bytes] | None = None, skip: tuple[str, ...] = ()) -> Path:
    """Zip one top folder (metadata.json, sentencepiece.model, model/, README.md), reproducibly.

    `extra` adds members (name relative to the zip root → bytes); `skip` leaves out members by
    their path inside the top folder. Both exist to build broken packages for tests.
    """
    members: dict[str, bytes] = {
        f"{top}/metadata.json": json.dumps(meta, indent=2).encode(),
        f"{top}/sentencepiece.model": sp_model,
        f"{top}/README.md": b"Tiny test package built by the gba-docs test suite.\n",
    }
    for path in sorted(model_dir.rglob("*")):
        if path.is_file():
            members[f"{top}/model/{path.relative_to(model_dir).as_posix()}"] = path.read_bytes()
    members = {k: v for k, v in members.items() if k.split("/", 1)[1] not in skip}
    members.update(extra or {})
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o100644 << 16
            archive.writestr(info, members[name])
    return target


@dataclass(frozen=True)
class TinyPackages:
    """Paths of the built test packages and the shared sentencepiece model."""

    copy: Path
    random: Path
    sp_model: bytes
    copy_model_dir: Path
    random_model_dir: Path


def build_tiny_packages(out_dir: Path, *, vocab_size: int = 2000) -> TinyPackages:
    """Train the sentencepiece model once and build both test packages under `out_dir`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    sp_model = train_sentencepiece(corpus_lines(), vocab_size=vocab_size)
    pieces = pieces_of(sp_model)
    copy_dir = build_copy_model(out_dir / "copy-model", pieces)
    random_dir = build_random_model(out_dir / "random-model", pieces)
    copy_pkg = write_argosmodel(out_dir / "translate-zh_en-copy_0_1.argosmodel",
                                "translate-zh_en-copy_0_1", metadata(), copy_dir, sp_model)
    random_pkg = write_argosmodel(out_dir / "translate-zh_en-random_0_1.argosmodel",
                                  "translate-zh_en-random_0_1", metadata(), random_dir, sp_model)
    return TinyPackages(copy_pkg, random_pkg, sp_model, copy_dir, random_dir)


def build_base_sized_model(out_dir: Path, *, vocab_size: int = 32000, quick: bool = False) -> Path:
    """A random Transformer-base package (6+6 layers, d 512, 8 heads, FFN 2048, int8).

    The sentencepiece model is trained on the small corpus; the vocabulary is padded with unused
    pieces to `vocab_size` so the softmax has a realistic size. `quick` halves depth and width.
    """
    sp_model = train_sentencepiece(corpus_lines(), vocab_size=2000)
    pieces = pieces_of(sp_model)
    layers, d_model, ffn, heads = ((3, 3), 256, 1024, 4) if quick else ((6, 6), 512, 2048, 8)
    model_dir = build_random_model(out_dir / "base-model", pieces, d_model=d_model, ffn=ffn,
                                   layers=layers, heads=heads, eos_bias=7.0,
                                   extra_vocab=max(0, vocab_size - len(pieces)))
    return write_argosmodel(out_dir / "translate-zh_en-base_0_1.argosmodel",
                            "translate-zh_en-base_0_1", metadata(), model_dir, sp_model)


if __name__ == "__main__":  # pragma: no cover - manual use: build packages into a folder
    import sys

    built = build_tiny_packages(Path(sys.argv[1] if len(sys.argv) > 1 else "argos-test-packages"))
    print(built.copy, os.path.getsize(built.copy))
    print(built.random, os.path.getsize(built.random))
