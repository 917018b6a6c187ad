"""The extra `crosscheck[semantic]`: all-MiniLM-L6-v2 through onnxruntime
(CROSSCHECK_VECTORS=minilm, semantic.py) and the approximate index of large stores
(nearest.py, usearch). The default path is tests/test_vectors.py; here one store goes through
both models in turn, offline."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from test_vectors import ELSEWHERE, OTHER, PACT, SAME

from crosscheck import embed, nearest, pipeline, semantic
from crosscheck.claims import passages
from crosscheck.seeds import seed_pages
from crosscheck.store import Store
from crosscheck.types import Page

ROOT = Path(__file__).resolve().parents[1]
# The ids the model's own tokeniser gives (transformers' AutoTokenizer over tokenizer.json,
# truncation at 256), recorded by scripts/build-vectors --model minilm's environment.
REFERENCE = {
    "Putin's visit to Pyongyang — the first in 24 years — ended on June 20.":
        [101, 22072, 1005, 1055, 3942, 2000, 1052, 14001, 6292, 5654, 1517, 1996, 2034, 1999,
         2484, 2086, 1517, 3092, 2006, 2238, 2322, 1012, 102],
    "Café naïve “quoted” São Paulo 日本 text_with_underscore $5.9m":
        [101, 7668, 15743, 1523, 9339, 1524, 7509, 9094, 1864, 1876, 3793, 1035, 2007, 1035,
         2104, 9363, 2890, 1002, 1019, 1012, 1023, 2213, 102],
    "Unaffable supercalifragilisticexpialidocious " + "x" * 120 + " ok":  # [UNK] is 100
        [101, 14477, 20961, 3468, 3565, 9289, 10128, 29181, 24411, 4588, 10288, 19312, 21273,
         10085, 6313, 100, 7929, 102],
}
# Run in a process of its own with CROSSCHECK_VECTORS=minilm (the model is chosen when the
# store module is imported) and every network call refused: nothing may be downloaded.
OFFLINE = r"""
import json, socket, sys

def refuse(*args, **kwargs):
    raise OSError("the network was used")

socket.socket.connect = socket.create_connection = socket.getaddrinfo = refuse
from pathlib import Path
from crosscheck import candidates, embed, pipeline
from crosscheck.store import Store
from crosscheck.types import Page, Sentence

pact, same, elsewhere = json.loads(sys.argv[2])
store = Store(Path(sys.argv[1]))
sport = pipeline.add(store, Page(text=" ".join(elsewhere), url="https://a.example/sport"))
treaty = pipeline.add(store, Page(text=same, url="https://b.example/treaty"))
found = candidates.candidates_for(store, [Sentence(pact, 0, len(pact))], ())[0]
p, s, o = embed.encode([pact, same, elsewhere[0]])
print(json.dumps({
    "model": store.db.execute("select id from vector_model").fetchone()[0],
    "sizes": sorted({n for (n,) in store.db.execute("select length(vector) from vectors")}),
    "vectors": store.db.execute("select count(*) from vectors").fetchone()[0],
    "passages": store.stats()["passages"],
    "found": treaty.id in {c.article_id for c in found},
    "same": float(p @ s), "other": float(p @ o),
    "modules": sorted(m for m in sys.modules
                      if m.split(".")[0] in {"torch", "transformers", "tokenizers",
                                             "huggingface_hub", "requests", "model2vec"}),
}))
"""


def with_minilm(path: Path) -> dict:
    env = {**os.environ, "CROSSCHECK_VECTORS": "minilm"}
    out = subprocess.run([sys.executable, "-c", OFFLINE, str(path),
                          json.dumps([PACT, SAME, ELSEWHERE])],
                         capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def vector_sizes(store: Store) -> set[int]:
    return {n for (n,) in store.db.execute("select length(vector) from vectors")}


@pytest.mark.parametrize("text", REFERENCE)
def test_tokens_are_the_models_own(text: str) -> None:
    assert semantic.tokens(text) == REFERENCE[text]


def test_the_shipped_file_is_the_verified_derivation() -> None:
    """model.onnx is the file its model.json records, derived from the weights the build
    script pins, with the Apache-2.0 notice; the default model stays apart and small."""
    meta = semantic.meta()
    digest = hashlib.sha256((semantic.FOLDER / "model.onnx").read_bytes()).hexdigest()
    assert digest == meta["onnx_sha256"] and meta["id"] == semantic.model_id()
    script = (ROOT / "scripts" / "build-vectors").read_text("utf-8")
    assert f'"model.safetensors": "{meta["source_sha256"]}"' in script
    assert f'SEMANTIC_ID = "{meta["id"]}"' in script
    assert "Apache License" in (semantic.FOLDER / "NOTICE").read_text("utf-8")
    assert "Apache License" in (semantic.FOLDER / "LICENSE").read_text("utf-8")
    assert len(semantic.vocabulary()) == 30522 and semantic.DIMENSIONS == meta["dimensions"]


def test_minilm_ranks_a_paraphrase_above_another_story() -> None:
    pact, same, other, empty = semantic.encode([PACT, SAME, OTHER, ""])
    assert np.linalg.norm(pact) == pytest.approx(1, abs=1e-5)
    assert pact @ same > 0.6 > 0.2 > pact @ other
    assert not empty.any()
    long = " ".join([PACT] * 40)  # past 256 tokens: cut, as the model was trained
    assert len(semantic.tokens(long)) == semantic.MAX_TOKENS and semantic.encode([long]).any()


def test_one_store_through_both_models_offline(db_path: Path) -> None:
    """Made with the default model; opened with CROSSCHECK_VECTORS=minilm every passage gets
    a MiniLM vector (384 bytes), the paraphrase is a candidate, nothing touches the network
    or loads torch; opened without it again, the default model's vectors come back."""
    store = Store(db_path)
    pipeline.add(store, Page(text=OTHER, url="https://c.example/first"))
    assert vector_sizes(store) == {256}
    found = with_minilm(db_path)
    assert found["model"] == semantic.model_id() and found["sizes"] == [384]
    assert found["vectors"] == found["passages"] == 1 + len(ELSEWHERE) + 1
    assert found["found"] and found["same"] > found["other"] + 0.4
    assert found["modules"] == []
    again = Store(db_path)
    assert vector_sizes(again) == {256}
    assert again.db.execute("select id from vector_model").fetchone()[0] == embed.model_id()
    assert again.db.execute("select count(*) from vectors").fetchone()[0] == found["passages"]


def test_an_unknown_model_is_refused_in_one_line(db_path: Path) -> None:
    env = {**os.environ, "CROSSCHECK_VECTORS": "bert"}
    out = subprocess.run([sys.executable, "-m", "crosscheck", "stats", "--db", str(db_path)],
                         capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode != 0 and "Traceback" not in out.stderr
    assert out.stderr.strip() == "CROSSCHECK_VECTORS=bert: choose one of static, minilm"
    assert not db_path.exists()


def seed_rows() -> list[tuple[int, int, bytes]]:
    """(passage id, article id, vector) of every seed sentence, as a store would feed them."""
    texts = [(a, s.text) for a, page in enumerate(seed_pages(), 1)
             for s in passages(page.text or "")]
    vectors = embed.stored([t for _, t in texts])
    return [(i, a, v) for i, ((a, _), v) in enumerate(zip(texts, vectors, strict=True), 1)]


def settled(index: nearest.VectorIndex, queries: np.ndarray, shut: set[int], k: int):  # type: ignore[no-untyped-def]
    """The graph's answer once it is made (the first call starts making it, and answers
    nothing until it is ready)."""
    assert index.nearest(queries, shut, k) == [[] for _ in queries]
    assert index.making is not None
    index.making.join(timeout=120)
    return index.nearest(queries, shut, k)


def test_the_approximate_index_answers_past_the_limit_and_keeps_up(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past APPROXIMATE_FROM the usearch graph answers what brute force would (on the seed
    corpus: the same neighbours), is saved beside the store, and a server that finds it saved
    drops the passages deleted since and adds those stored since."""
    rows = seed_rows()
    queries = embed.encode([PACT, SAME, "Putin arrived in Pyongyang for the first time in 24 "
                            "years."])
    exact = nearest.VectorIndex(embed.dimensions())
    exact.extend(rows)
    expected = exact.nearest(queries, {2}, 5)
    monkeypatch.setattr(nearest, "APPROXIMATE_FROM", 10)
    monkeypatch.setattr(nearest, "SAVE_AFTER", 1)
    saved = tmp_path / "store.db.model.usearch"
    index = nearest.VectorIndex(embed.dimensions(), saved)
    index.extend(rows)
    got = settled(index, queries, {2}, 5)
    assert [[i for i, _ in q] for q in got] == [[i for i, _ in q] for q in expected]
    assert np.allclose([[c for _, c in q] for q in got], [[c for _, c in q] for q in expected],
                       atol=0.02)
    assert saved.exists()
    index.extend([(10_000, 99, embed.stored([PACT])[0])])  # stored after the graph was made
    assert index.nearest(queries[:1], set(), 1)[0][0][0] == 10_000
    deleted = {pid for pid, article, _ in rows if article == 1}
    later = nearest.VectorIndex(embed.dimensions(), saved)  # the next server, article 1 gone
    later.extend([r for r in rows if r[0] not in deleted] + [(20_000, 98, embed.stored([SAME])[0])])
    again = settled(later, queries, set(), 30)
    assert not {i for q in again for i, _ in q} & deleted
    assert again[1][0][0] == 20_000


def test_the_extras_libraries_load_together_in_either_order() -> None:
    """usearch 2.26.2-2.26.6 crash (segfault) when onnxruntime is imported after them:
    pyproject.toml keeps the extra off those versions."""
    for first, second in (("usearch.index", "onnxruntime"), ("onnxruntime", "usearch.index")):
        out = subprocess.run([sys.executable, "-c", f"import {first}; import {second}"],
                             capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, (first, second, out.stderr[-500:])
