"""Sentence vectors (embed.py, nearest.py): the shipped model, its tokeniser, vectors kept by
the store and the passages nearest to a claim added to its candidates (the default path:
numpy only)."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from crosscheck import candidates, embed, nearest, pipeline
from crosscheck.claims import passages
from crosscheck.store import Store
from crosscheck.types import Article, Page, Sentence

# Token ids the reference tokeniser (Hugging Face `tokenizers` with the model's own
# tokenizer.json, no special tokens) gives, in the shipped vocabulary's numbering.
REFERENCE = {
    "Putin's visit to Pyongyang — the first in 24 years — ended on June 20.":
        [21075, 8, 58, 2945, 1003, 55, 13004, 5295, 4657, 520, 999, 1037, 1002, 1487, 1089,
         520, 2095, 1009, 1241, 1325, 15],
    "Café naïve “quoted” São Paulo 日本 text_with_underscore $5.9m":
        [6671, 14746, 526, 8342, 527, 6512, 8097, 867, 879, 2796, 38, 1010, 38, 1107, 8366,
         1893, 5, 22, 15, 26, 1216],
    "Unaffable supercalifragilisticexpialidocious " + "x" * 120 + " ok":  # [UNK] left out
        [13480, 19964, 2471, 2568, 8292, 9131, 28184, 23414, 3591, 9291, 18315, 20276, 9088,
         5316, 6932],
}
PACT = "Russia and North Korea signed a pact promising mutual help if either is attacked."
SAME = ("Moscow and Pyongyang agreed a treaty under which each will come to the other's aid "
        "in case of aggression.")
OTHER = "The football club sacked its manager after a fifth defeat in a row on Saturday."
ELSEWHERE = [OTHER, "Russia beat Finland 4-2 in the ice hockey final in Helsinki on Sunday.",
             "Shares in the carmaker fell 6% after it cut its profit forecast for the year.",
             "Heavy rain is expected across the south of England until Thursday evening.",
             "The album went straight to number one in its first week on sale in March.",
             "The council approved plans for 300 new homes on the edge of the town.",
             "Doctors say the new drug halved the number of hospital stays in the trial.",
             "The airline will add flights to Lisbon and Porto from next summer."]


@pytest.mark.parametrize("text", REFERENCE)
def test_tokens_are_the_reference_tokenisers(text: str) -> None:
    assert embed.tokens(text) == REFERENCE[text]


def test_a_paraphrase_is_nearer_than_another_story() -> None:
    pact, same, other = embed.encode([PACT, SAME, OTHER])
    assert np.linalg.norm(pact) == pytest.approx(1, abs=1e-5)
    assert pact @ same > 0.5 > pact @ other
    assert not embed.encode(["", "x" * 200]).any()  # no known token, no direction


def test_shipped_model_is_small_noticed_and_intact() -> None:
    meta = json.loads((embed.MODEL / "model.json").read_text("utf-8"))
    files = list(embed.MODEL.iterdir())
    assert sum(f.stat().st_size for f in files) <= 10 * 2**20
    assert "Apache License" in (embed.MODEL / "NOTICE").read_text("utf-8")
    assert "Apache License" in (embed.MODEL / "LICENSE").read_text("utf-8")
    digest = hashlib.sha256((embed.MODEL / "vectors.npz").read_bytes()).hexdigest()
    assert digest == meta["vectors_sha256"] and meta["id"] == embed.model_id()
    assert embed.dimensions() == meta["dimensions"] == 256


def test_the_default_install_needs_no_torch() -> None:
    """Neither the package's requirements nor an analysis load a neural-network runtime."""
    heavy = {"torch", "onnxruntime", "transformers", "tokenizers", "model2vec", "usearch"}
    from importlib.metadata import requires
    assert not {r.split()[0].split(";")[0] for r in requires("crosscheck") or []
                if "extra ==" not in r} & heavy
    script = ("import sys; from crosscheck import embed, pipeline, app, cli; "
              "embed.encode(['a sentence']); print(sorted(m for m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=True).stdout
    assert not {m.strip("'") for m in loaded.strip("[]\n").split(", ")} & heavy


def vector_rows(store: Store) -> int:
    return store.db.execute("select count(*) from vectors").fetchone()[0]


def test_vectors_are_stored_at_ingest_and_leave_with_their_article(db_path: Path) -> None:
    store = Store(db_path)
    first = pipeline.add(store, Page(text=f"{PACT} {OTHER}", url="https://a.example/1"))
    second = pipeline.add(store, Page(text=SAME, url="https://b.example/2"))
    assert vector_rows(store) == first.passages + second.passages == 3
    near = store.nearest(embed.encode([PACT]), exclude=[first.id], k=5)
    assert [hit[2] for hit, _ in near[0]] == [second.id]
    store.delete(second.id)
    assert vector_rows(store) == 2
    assert store.nearest(embed.encode([PACT]), exclude=[first.id], k=5) == [[]]


def test_a_new_model_embeds_every_passage_again(db_path: Path) -> None:
    """The migration is named by the model's id: a store made with another model (here: its
    vectors gone and the record naming an older model) gets every vector made again."""
    store = Store(db_path)
    pipeline.ensure_seeded(store)
    count = store.stats()["passages"]
    assert vector_rows(store) == count
    with store.db.conn:
        store.db.execute("delete from vectors")
        store.db.execute("update vector_model set id = 'older-model'")
        store.db.execute("update _sqlite_migrations set name = 'm005_vectors_older-model' "
                         "where name like 'm005_vectors_%'")
    reopened = Store(db_path)
    assert vector_rows(reopened) == count
    assert reopened.db.execute("select id from vector_model").fetchone()[0] == embed.model_id()


def test_a_claim_gets_the_passage_that_says_it_in_other_words(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Word search misses the treaty sentence (no rare word in common); its vector does not,
    and only for a claim with a word the store holds."""
    store = Store(db_path)
    pipeline.add(store, Page(text=" ".join(ELSEWHERE), url="https://a.example/sport"))
    added = pipeline.add(store, Page(text=SAME, url="https://b.example/treaty"))
    claim = Sentence(PACT, 0, len(PACT))
    nonsense = Sentence("Zyxwv qwertz plonk frobnicate.", 0, 30)
    found, none = candidates.candidates_for(store, [claim, nonsense], ())
    assert added.id in {p.article_id for p in found} and none == []
    monkeypatch.setattr(candidates, "NEAR", 0)
    assert added.id not in {p.article_id for p in candidates.candidates_for(store, [claim], ())[0]}


def test_bulk_import_keeps_vectors_made_beforehand_and_makes_the_others(db_path: Path) -> None:
    """`crosscheck import` makes vectors in its workers (embed.with_vectors); the store makes
    those of passages that come without one. Either way the same bytes are kept."""
    store = Store(db_path)
    texts = [f"{PACT} {OTHER}", SAME, ELSEWHERE[1]]
    made = [embed.with_vectors(passages(t)) if i != 1 else passages(t)
            for i, t in enumerate(texts)]
    items = [(Article(text=t, url=f"https://c.example/{i}"), p)
             for i, (t, p) in enumerate(zip(texts, made, strict=True))]
    store.add_many(items)
    store.add_many(items[:1])  # a duplicate adds no vector
    kept = store.db.execute("select p.text, v.vector from vectors v join passages p "
                            "on p.id = v.passage_id").fetchall()
    assert len(kept) == 4 and all(v == embed.stored([t])[0] for t, v in kept)


def test_past_the_brute_force_limit_no_vector_is_searched_without_the_extra(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(db_path)
    pipeline.add(store, Page(text=" ".join(ELSEWHERE), url="https://a.example/sport"))
    added = pipeline.add(store, Page(text=SAME, url="https://b.example/treaty"))
    claim = Sentence(PACT, 0, len(PACT))
    monkeypatch.setattr(nearest, "APPROXIMATE_FROM", store.passage_count() - 1)
    monkeypatch.setattr(nearest, "APPROXIMATE", False)
    assert added.id not in {p.article_id for p in candidates.candidates_for(store, [claim], ())[0]}
