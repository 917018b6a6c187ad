"""Sentence vectors: text -> unit vectors whose cosine says how near two sentences are in
meaning, with numpy only.

The default model (`model/`, built by `scripts/build-vectors`, never at run time) is a static
one distilled with model2vec from all-MiniLM-L6-v2: a vector per WordPiece token, a sentence's
vector the mean of its tokens' vectors. `tokens` is the BERT tokeniser (lower-casing, accents
stripped, punctuation split, longest-match word pieces) in a few lines, so no `tokenizers`
package is needed. With CROSSCHECK_VECTORS=minilm (the extra `crosscheck[semantic]`),
all-MiniLM-L6-v2 itself makes the vectors instead (`semantic.py`). Vectors only find
candidates (`candidates.py`); they never decide a relation.
"""

from __future__ import annotations

import functools
import json
import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from .types import Sentence

MODEL = Path(__file__).parent / "model"
MAX_WORD = 100  # characters: a longer "word" is [UNK], as in BERT
MAX_TOKENS = 256  # tokens of a sentence read, as the distilled model's config says
ASCII_WORD = re.compile(r"[a-z0-9]+|[^\sa-z0-9]")  # in ASCII, BERT's punctuation is the rest
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # dropped, never a space
MODELS = ("static", "minilm")  # the values of CROSSCHECK_VECTORS


@functools.cache
def chosen() -> str:
    """The model that makes vectors: CROSSCHECK_VECTORS, `static` unless set. A store's vectors
    are all made by one model: set it alike for every command on one store."""
    name = os.environ.get("CROSSCHECK_VECTORS", "").strip().lower() or "static"
    if name not in MODELS:
        raise SystemExit(f"CROSSCHECK_VECTORS={name}: choose one of {', '.join(MODELS)}")
    if name == "minilm":
        from . import semantic

        semantic.check_installed()
    return name


@functools.cache
def model_id() -> str:
    """The model's name and version: stored vectors made by another are remade."""
    if chosen() == "minilm":
        from . import semantic

        return semantic.model_id()
    return str(json.loads((MODEL / "model.json").read_text("utf-8"))["id"])


@functools.cache
def model() -> tuple[dict[str, int], np.ndarray]:
    """(vocabulary, token vectors as float32 rows)."""
    vocab = (MODEL / "vocab.txt").read_text("utf-8").split("\n")
    with np.load(MODEL / "vectors.npz", allow_pickle=False) as saved:
        rows = saved["vectors"].astype(np.float32) * saved["scales"][:, None]
    return {word: i for i, word in enumerate(vocab) if word}, rows


def dimensions() -> int:
    if chosen() == "minilm":
        from . import semantic

        return semantic.DIMENSIONS
    return model()[1].shape[1]


def is_punctuation(char: str) -> bool:
    code = ord(char)
    return (33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126
            or unicodedata.category(char).startswith("P"))


def is_cjk(code: int) -> bool:
    return (0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0x20000 <= code <= 0x2A6DF
            or 0x2A700 <= code <= 0x2B73F or 0x2B740 <= code <= 0x2B81F
            or 0x2B820 <= code <= 0x2CEAF or 0xF900 <= code <= 0xFAFF
            or 0x2F800 <= code <= 0x2FA1F)


def normalise(text: str) -> str:
    """BERT's normaliser: control characters dropped, any space one space, CJK characters
    apart, lower case without accents."""
    out = []
    for char in text:
        code = ord(char)
        category = unicodedata.category(char)
        if code in (0, 0xFFFD) or (category.startswith("C") and char not in "\t\n\r"):
            continue
        out.append(f" {char} " if is_cjk(code) else char)
    text = unicodedata.normalize("NFD", "".join(out).lower())
    return "".join(c for c in text if unicodedata.category(c) != "Mn")


def words(text: str) -> list[str]:
    """Split on space, then every punctuation character a word of its own."""
    found: list[str] = []
    for chunk in CONTROL.sub("", text).split():
        found += chunk_words(chunk)
    return found


@functools.lru_cache(maxsize=1 << 17)
def chunk_words(chunk: str) -> tuple[str, ...]:
    """The words of a run of text without space (runs repeat: each is split once)."""
    if chunk.isascii():  # the same split, fast
        return tuple(ASCII_WORD.findall(chunk.lower()))
    found: list[str] = []
    for part in normalise(chunk).split():
        start = 0
        for i, char in enumerate(part):
            if is_punctuation(char):
                found += [part[start:i], char] if i > start else [char]
                start = i + 1
        if start < len(part):
            found.append(part[start:])
    return tuple(found)


@functools.lru_cache(maxsize=1 << 17)
def pieces(word: str) -> tuple[int, ...]:
    """Longest-match-first word pieces of one word; none when the word is [UNK]."""
    return wordpieces(word, model()[0])


def wordpieces(word: str, vocab: dict[str, int]) -> tuple[int, ...]:
    """Longest-match-first pieces of one word in `vocab`; none when the word is [UNK]."""
    if len(word) > MAX_WORD:
        return ()
    ids, start = [], 0
    while start < len(word):
        end = len(word)
        while end > start:
            piece = word[start:end] if start == 0 else "##" + word[start:end]
            if piece in vocab:
                ids.append(vocab[piece])
                break
            end -= 1
        else:
            return ()
        start = end
    return tuple(ids)


def tokens(text: str) -> list[int]:
    """The sentence's token ids, without special tokens; unknown words are left out (the
    distilled model has no vector for [UNK])."""
    ids: list[int] = []
    for word in words(text):
        ids += pieces(word)
    return ids[:MAX_TOKENS]


def encode(texts: Sequence[str]) -> np.ndarray:
    """One unit vector (float32) per text, by the chosen model; a text with no known token
    gets zeros."""
    if chosen() == "minilm":
        from . import semantic

        return semantic.encode(texts)
    return encode_static(texts)


def encode_static(texts: Sequence[str]) -> np.ndarray:
    """The static model's vectors: the mean of the text's tokens' vectors, normalised."""
    rows = model()[1]
    distinct: dict[str, int] = {}  # a text met again (a repeated line) is encoded once
    where = [distinct.setdefault(text, len(distinct)) for text in texts]
    out = np.zeros((len(distinct), rows.shape[1]), dtype=np.float32)
    for i, text in enumerate(distinct):
        ids = tokens(text)
        if ids:
            out[i] = rows[ids].mean(axis=0)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return (out / np.where(norms > 0, norms, 1))[where].reshape(len(texts), rows.shape[1])


def quantise(vectors: np.ndarray) -> np.ndarray:
    """Unit vectors -> int8 rows as stored (each scaled so its largest component is 127:
    256 bytes a passage; a cosine is read back to about 0.01)."""
    peak = np.abs(vectors).max(axis=1, keepdims=True)
    return np.round(vectors / np.where(peak > 0, peak, 1) * 127).astype(np.int8)


def stored(texts: Sequence[str]) -> list[bytes]:
    """The texts' vectors as the store keeps them."""
    return [row.tobytes() for row in quantise(encode(texts))]


def with_vectors(sentences: Sequence[Sentence]) -> list[Sentence]:
    """Passages about to be stored, each with its vector (made where the passages are
    made: in `crosscheck import`'s worker processes)."""
    vectors = stored([s.text for s in sentences])
    return [replace(s, vector=v) for s, v in zip(sentences, vectors, strict=True)]
