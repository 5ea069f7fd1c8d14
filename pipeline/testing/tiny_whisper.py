"""A tiny faster-whisper model folder, built offline from numpy arrays in about a second.

Weights are "scripted": every residual branch of the decoder is zeroed, so the decoder
state at each step is the (layer-normed) embedding of the previous token. The output
projection then turns the model into a bigram chain that always emits one chosen text,
whatever the audio and whatever prompt (hotwords, previous text) precedes it:

    <|startoftranscript|> → <|0.00|> → word 1 → … → word n → <|1.00|> → <|endoftext|>
    <|notimestamps|> → word 1 (batched mode) … word n → <|endoftext|>

Beam search keeps runner-up hypotheses, and CTranslate2 stops once `beam_size` of them
have ended: a runner-up that jumped ahead in the chain would end first and win. So chain
tokens carry a negative bias (they only appear where the chain calls for them), the
runner-ups are other tokens that never lead to <|endoftext|>, and only the scripted
hypothesis ends.

The encoder is random, so word times come from DTW over random cross-attention: assert
them loosely. Each word of the script must be a distinct token (the chain has no memory).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import numpy as np
from ctranslate2.specs import common_spec, transformer_spec, whisper_spec
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

ENCODER_POSITIONS = 1500
DECODER_POSITIONS = 448
# A followed link scores LOGIT_SCALE * sqrt(d_model)-normalised ≈ 120 before its bias.
LOGIT_SCALE = 15.0
CHAIN_BIAS = -40.0
END_BIAS = -30.0
SPECIAL_TOKENS = [
    "<|endoftext|>",
    "<|startoftranscript|>",
    "<|translate|>",
    "<|transcribe|>",
    "<|startoflm|>",
    "<|startofprev|>",
    "<|nocaptions|>",
    "<|notimestamps|>",
]
TIMESTAMP_TOKENS = [f"<|{index * 0.02:.2f}|>" for index in range(1501)]
# Text the byte-level BPE learns from, besides the script; " -" and " '" must become single
# tokens or faster-whisper's non-speech suppression swallows the space token.
BASE_CORPUS = [" - ' the hearing will come to order", " ' - thank you chair"]


@dataclass(frozen=True)
class WhisperShape:
    """Layer sizes; the defaults make a model of a few hundred kilobytes."""

    d_model: int = 64
    encoder_layers: int = 2
    decoder_layers: int = 2
    heads: int = 4
    n_mels: int = 80
    # Pad the vocabulary to this size (51,864 is the largest English-only one): the output
    # projection then costs what a real model's does. None keeps the trained vocabulary.
    vocabulary_size: int | None = None


TINY = WhisperShape()
# Whisper large-v3 and large-v3-turbo layer sizes (English-only vocabulary of full size).
LARGE_V3 = WhisperShape(1280, 32, 32, 20, 128, 51_864)
LARGE_V3_TURBO = WhisperShape(1280, 32, 4, 20, 128, 51_864)


def train_tokenizer(lines: list[str], vocabulary_size: int | None = None) -> Tokenizer:
    tokenizer = Tokenizer(models.BPE())
    # Split on spaces first so that every word (with its leading space) becomes one token.
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(" ", behavior="merged_with_next"),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
        ]
    )
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=4000,
        min_frequency=1,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator([" " + line.strip() for line in lines] * 20, trainer)
    if vocabulary_size is not None:
        fixed = len(SPECIAL_TOKENS) + len(TIMESTAMP_TOKENS)
        padding = vocabulary_size - fixed - tokenizer.get_vocab_size()
        tokenizer.add_tokens([f"<|unused{index}|>" for index in range(padding)])
    tokenizer.add_special_tokens(SPECIAL_TOKENS + TIMESTAMP_TOKENS)
    return tokenizer


def _random(rng: np.random.Generator, shape: tuple[int, ...], scale: float) -> np.ndarray:
    return rng.standard_normal(shape, dtype=np.float32) * np.float32(scale)


def _linear(rng: np.random.Generator, rows: int, columns: int, zero: bool = False):
    spec = common_spec.LinearSpec()
    spec.weight = _random(rng, (rows, columns), 0.0 if zero else 1.0 / np.sqrt(columns))
    spec.bias = np.zeros(rows, dtype=np.float32)
    return spec


def _fill_layer_norm(spec: common_spec.LayerNormSpec, width: int) -> None:
    spec.gamma = np.ones(width, dtype=np.float32)
    spec.beta = np.zeros(width, dtype=np.float32)


def _fill_attention(
    spec: transformer_spec.MultiHeadAttentionSpec, rng: np.random.Generator, d: int, cross: bool
) -> None:
    if cross:
        spec.linear = [_linear(rng, d, d), _linear(rng, 2 * d, d), _linear(rng, d, d, zero=True)]
    else:
        spec.linear = [_linear(rng, 3 * d, d), _linear(rng, d, d)]
    _fill_layer_norm(spec.layer_norm, d)


def _fill_ffn(
    spec: transformer_spec.FeedForwardSpec, rng: np.random.Generator, d: int, zero: bool
) -> None:
    spec.linear_0 = _linear(rng, 4 * d, d)
    spec.linear_1 = _linear(rng, d, 4 * d, zero=zero)
    _fill_layer_norm(spec.layer_norm, d)


def _fill_encoder(
    spec: whisper_spec.WhisperEncoderSpec, rng: np.random.Generator, shape: WhisperShape
) -> None:
    d = shape.d_model
    spec.conv1.weight = _random(rng, (d, shape.n_mels, 3), 0.1)
    spec.conv1.bias = np.zeros(d, dtype=np.float32)
    spec.conv2.weight = _random(rng, (d, d, 3), 0.1)
    spec.conv2.bias = np.zeros(d, dtype=np.float32)
    spec.position_encodings.encodings = _random(rng, (ENCODER_POSITIONS, d), 0.1)
    _fill_layer_norm(spec.layer_norm, d)
    for layer in spec.layer:
        _fill_attention(layer.self_attention, rng, d, cross=False)
        _fill_ffn(layer.ffn, rng, d, zero=False)


def _normalized(vector: np.ndarray) -> np.ndarray:
    centered = vector - vector.mean()
    return centered / centered.std() / np.sqrt(vector.size)


def _scripted_decoder(
    spec: transformer_spec.TransformerDecoderSpec,
    rng: np.random.Generator,
    shape: tuple[int, int],
    chain: list[tuple[int, int, float]],
) -> None:
    """Embeddings and output projection so that token `a` is followed by token `b`."""
    vocabulary_size, d = shape
    embeddings = np.zeros((vocabulary_size, d), dtype=np.float32)
    projection = np.zeros((vocabulary_size, d), dtype=np.float32)
    for previous, _, _ in chain:
        if not embeddings[previous].any():
            embeddings[previous] = rng.standard_normal(d)
    for previous, following, weight in chain:
        projection[following] += weight * LOGIT_SCALE * _normalized(embeddings[previous])
    spec.embeddings.weight = embeddings
    spec.position_encodings.encodings = np.zeros((DECODER_POSITIONS, d), np.float32)
    _fill_layer_norm(spec.layer_norm, d)
    spec.projection = common_spec.LinearSpec()
    spec.projection.weight = projection
    bias = np.zeros(vocabulary_size, dtype=np.float32)
    bias[[following for _, following, _ in chain]] = CHAIN_BIAS
    bias[0] = END_BIAS  # <|endoftext|>: only the last word and the end time lead to it
    spec.projection.bias = bias
    for layer in spec.layer:
        _fill_attention(layer.self_attention, rng, d, cross=False)
        layer.self_attention.linear[1].weight[:] = 0.0
        _fill_attention(layer.attention, rng, d, cross=True)
        _fill_ffn(layer.ffn, rng, d, zero=True)


def _chain(tokenizer: Tokenizer, script: str) -> list[tuple[int, int, float]]:
    words = tokenizer.encode(" " + script.strip()).ids
    if len(set(words)) != len(words):
        raise ValueError(f"each token of the script must be distinct: {script!r}")
    ids = {token: tokenizer.token_to_id(token) for token in SPECIAL_TOKENS}
    first_time = tokenizer.token_to_id("<|0.00|>")
    end_time = tokenizer.token_to_id("<|1.00|>")
    eot = ids["<|endoftext|>"]
    links = [
        (ids["<|startoftranscript|>"], first_time, 1.0),
        (first_time, words[0], 1.0),
        (ids["<|notimestamps|>"], words[0], 1.0),
        *((a, b, 1.0) for a, b in pairwise(words)),
        # With timestamps the end time wins; in batched mode timestamps are suppressed.
        (words[-1], end_time, 1.0),
        (words[-1], eot, 0.75),
        (end_time, eot, 1.0),
    ]
    return links


def build_tiny_whisper(
    folder: Path, script: str, *, shape: WhisperShape = TINY, seed: int = 0
) -> Path:
    """Write a model folder that faster-whisper loads offline and that always says `script`."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    tokenizer = train_tokenizer([*BASE_CORPUS, script], shape.vocabulary_size)
    spec = whisper_spec.WhisperSpec(
        shape.encoder_layers, shape.heads, shape.decoder_layers, shape.heads
    )
    _fill_encoder(spec.encoder, rng, shape)
    decoder_shape = (tokenizer.get_vocab_size(), shape.d_model)
    _scripted_decoder(spec.decoder, rng, decoder_shape, _chain(tokenizer, script))
    spec.config.suppress_ids = []
    spec.config.suppress_ids_begin = [tokenizer.token_to_id("<|endoftext|>")]
    spec.config.lang_ids = []
    last = shape.decoder_layers - 1
    spec.config.alignment_heads = [(last, head) for head in range(shape.heads)]
    vocabulary = sorted(tokenizer.get_vocab(with_added_tokens=True).items(), key=lambda kv: kv[1])
    spec.register_vocabulary([token for token, _ in vocabulary])
    spec.validate()
    # Large shapes are stored in float16, as real checkpoints are; tiny ones stay exact.
    spec.optimize(quantization="float16" if shape.vocabulary_size else None)
    spec.save(str(folder))
    tokenizer.save(str(folder / "tokenizer.json"))
    config = {"feature_size": shape.n_mels}
    (folder / "preprocessor_config.json").write_text(json.dumps(config))
    return folder
