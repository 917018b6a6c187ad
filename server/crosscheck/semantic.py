"""all-MiniLM-L6-v2 itself, int8, through onnxruntime: the optional extra
`crosscheck[semantic]`, chosen with CROSSCHECK_VECTORS=minilm (`embed.chosen`).

The model (`minilm/`, made by `scripts/build-vectors --model minilm`, never at run time) is the
official all-MiniLM-L6-v2 exported to ONNX and quantised to int8 per channel; a sentence's
vector is the mean of its tokens' output vectors, normalised, as sentence-transformers makes
it. Tokens come from `embed.py`'s BERT tokeniser over the model's own vocabulary. Nothing is
downloaded: the file ships in the package, and only onnxruntime (MIT) reads it.
"""

from __future__ import annotations

import functools
import importlib.util
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from . import embed

FOLDER = Path(__file__).parent / "minilm"
DIMENSIONS = 384
MAX_TOKENS = 256  # with [CLS] and [SEP], as the model was trained (its max_seq_length)
BATCH = 32  # sentences run at once (sorted by length, so little padding)
THREADS = 1  # onnxruntime's threads: import runs one process per core already


def check_installed() -> None:
    """Refuse the choice, in one line, when the extra is not installed."""
    if importlib.util.find_spec("onnxruntime") is None:
        raise SystemExit("CROSSCHECK_VECTORS=minilm needs the extra: "
                         "pip install 'crosscheck[semantic]'")


@functools.cache
def meta() -> dict[str, Any]:
    return dict(json.loads((FOLDER / "model.json").read_text("utf-8")))


def model_id() -> str:
    return str(meta()["id"])


@functools.cache
def vocabulary() -> dict[str, int]:
    words = (FOLDER / "vocab.txt").read_text("utf-8").split("\n")
    return {word: i for i, word in enumerate(words) if word}


@functools.cache
def session() -> Any:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = THREADS
    return onnxruntime.InferenceSession(str(FOLDER / "model.onnx"), options,
                                        providers=["CPUExecutionProvider"])


@functools.lru_cache(maxsize=1 << 17)
def pieces(word: str) -> tuple[int, ...]:
    """The word's pieces in the model's vocabulary; [UNK] for a word it cannot spell."""
    return embed.wordpieces(word, vocabulary()) or (vocabulary()["[UNK]"],)


def tokens(text: str) -> list[int]:
    """The model's input ids: [CLS], the text's pieces (cut to fit), [SEP]; the ids the
    model's own tokenizer.json gives (tests/test_semantic.py)."""
    ids: list[int] = []
    for word in embed.words(text):
        ids += pieces(word)
    vocab = vocabulary()
    return [vocab["[CLS]"], *ids[:MAX_TOKENS - 2], vocab["[SEP]"]]


def encode(texts: Sequence[str]) -> np.ndarray:
    """One unit vector (float32) per text; zeros for a text with no word."""
    distinct: dict[str, int] = {}  # a text met again is encoded once
    where = [distinct.setdefault(text, len(distinct)) for text in texts]
    ids = [tokens(text) for text in distinct]
    out = np.zeros((len(ids), DIMENSIONS), dtype=np.float32)
    order = sorted((i for i in range(len(ids)) if len(ids[i]) > 2), key=lambda i: len(ids[i]))
    for start in range(0, len(order), BATCH):
        batch = order[start:start + BATCH]
        out[batch] = pooled([ids[i] for i in batch])
    return out[where].reshape(len(texts), DIMENSIONS)


def pooled(batch: list[list[int]]) -> np.ndarray:
    """The mean of each sentence's output token vectors (padding left out), normalised."""
    width = max(len(ids) for ids in batch)
    inputs = np.zeros((len(batch), width), dtype=np.int64)
    mask = np.zeros_like(inputs)
    for row, ids in enumerate(batch):
        inputs[row, :len(ids)] = ids
        mask[row, :len(ids)] = 1
    hidden = session().run(["last_hidden_state"], {
        "input_ids": inputs, "attention_mask": mask, "token_type_ids": np.zeros_like(inputs)})[0]
    summed = (hidden * mask[:, :, None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
    return summed / np.linalg.norm(summed, axis=1, keepdims=True)
