"""Quality floors, set just under the figures bench/quality.py printed (2026-11-29); they must
not silently drop.

Real news (bench/realnews.py, our labels; held-out events, never tuned on): precision of the
corroborations and conflicts a reader is shown, the share of them from the same event, the
share of articles with two claims corroborated, and calibration. Seed pairs: no false
conflicts or corroborations, the 25 / 24 years conflict and the mutual-assistance
corroboration found through the pipeline. MSRP and FNC-1: measured, not optimised (matching
now abstains unless it is confident; MSRP rewards saying "paraphrase" to most pairs).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench" / "quality.py"


@pytest.fixture(scope="module")
def quality() -> ModuleType:
    spec = importlib.util.spec_from_file_location("quality", BENCH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_labelled_sets_are_big_enough(quality: ModuleType) -> None:
    seeds = quality.labelled("seed_pairs.jsonl")
    assert len(seeds) >= 30
    assert all(r["claim_doc"] != r["passage_doc"] for r in seeds)
    assert {r["relation"] for r in seeds} == set(quality.RELATIONS)
    assert len(quality.labelled("hard_cases.jsonl")) >= 25


def test_seed_pairs(quality: ModuleType) -> None:
    rows, dated = quality.labelled("seed_pairs.jsonl"), quality.seed_dates()
    guessed = [quality.relation_of(r["claim"], [r["passage"]], dated.get(r["passage_doc"]))
               for r in rows]
    wrong = [(r["relation"], g) for r, g in zip(rows, guessed, strict=True)
             if g in ("conflicts", "corroborates") and g != r["relation"]]
    assert wrong == []
    f = quality.labelled_figures("seed_pairs.jsonl")
    assert f["corroborates"]["recall"] >= 0.4


def test_seed_pairs_through_the_pipeline(quality: ModuleType) -> None:
    f = quality.through_pipeline("seed_pairs.jsonl")
    assert f["conflicts"]["precision"] == 1.0 and f["conflicts"]["recall"] >= 0.25
    assert f["corroborates"]["precision"] == 1.0 and f["corroborates"]["recall"] >= 0.4


def test_hard_cases(quality: ModuleType) -> None:
    f = quality.labelled_figures("hard_cases.jsonl")
    assert f["conflicts"]["precision"] == 1.0 and f["conflicts"]["recall"] == 1.0
    assert f["corroborates"]["f1"] >= 0.96


@pytest.mark.shared
def test_msrp_figures_hold(quality: ModuleType) -> None:
    f = quality.msrp_figures()
    assert f["accuracy"] >= 0.65 and f["f1"] >= 0.74


@pytest.fixture(scope="module")
def realnews(quality: ModuleType) -> dict:
    return quality.realnews.figures(quality.realnews.build_store(), quality.realnews.docs())


@pytest.mark.shared
def test_real_news_relations_a_reader_can_trust(realnews: dict) -> None:
    held_out = realnews["held-out"]
    assert realnews["labels by split"]["held-out"] >= 400
    assert held_out["corroborates"]["judged"] >= 0.9 * held_out["corroborates"]["shown"] >= 200
    assert held_out["corroborates"]["precision"] >= 0.86
    assert held_out["conflicts"]["precision"] in (None, 1.0)  # 2 of 2 judged when set
    assert held_out["same fact found"] >= 0.65
    assert realnews["events"]["same event"] >= 0.95
    assert realnews["events"]["two corroborated"] >= 0.55


@pytest.mark.shared
def test_real_news_confidence_is_calibrated(realnews: dict) -> None:
    for row in realnews["calibration held-out"]:
        if row["n"] >= 30:
            assert abs(row["right"] - row["mean confidence"]) <= 0.1, row


@pytest.mark.shared
def test_fnc1_sample(quality: ModuleType) -> None:
    f, weighted, _ = quality.fnc_figures(limit=2000)
    assert f["none"]["f1"] >= 0.9
    assert f["related"]["f1"] >= 0.55
    assert f["corroborates"]["precision"] >= 0.3
    assert weighted >= 0.73
