"""End to end on the seed corpus: the Caliber.az capture against the four other captures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from crosscheck import pipeline
from crosscheck.store import Store
from crosscheck.types import Page

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    store = Store(tmp_path_factory.mktemp("seeded") / "crosscheck.db")
    pipeline.ensure_seeded(store)
    [doc] = [d for d in json.loads((SEEDS / "manifest.json").read_text("utf-8"))["documents"]
             if d["file"].startswith("001_")]
    page = Page(text=(SEEDS / doc["file"]).read_text("utf-8"), url=f"seed:{doc['file']}",
                outlet=doc["outlet"])
    return pipeline.analysis_json(pipeline.analyze(store, page))


def claim(report: dict[str, Any], words: str) -> dict[str, Any]:
    [found] = [c for c in report["claims"] if words in c["text"]]
    return found


def test_25_years_conflicts_with_both_captures_that_say_24(report: dict[str, Any]) -> None:
    found = claim(report, "for the first time in 25 years")
    conflicts = [m for m in found["matches"] if m["relation"] == "conflicts"]
    assert {m["passage"]["url"][:8] for m in conflicts} == {"seed:003", "seed:004"}
    for m in conflicts:
        assert {"kind": "number", "claim": "25 years", "passage": "24 years"} in m["differences"]
    assert "in 2000" not in json.dumps([m for m in found["matches"]
                                        if m["relation"] != "related"])


def test_mutual_assistance_is_corroborated_by_the_straits_times(report: dict[str, Any]) -> None:
    found = claim(report, "provide mutual assistance in the event of aggression")
    [match] = [m for m in found["matches"] if m["relation"] == "corroborates"]
    assert match["passage"]["outlet"] == "The Straits Times"
    assert '"mutual help" in the event of "aggression"' in match["passage"]["text"]
    assert not match["differences"]


def test_no_false_conflicts_and_sources_are_outlets(report: dict[str, Any]) -> None:
    conflicted = [c["text"] for c in report["claims"]
                  if any(m["relation"] == "conflicts" for m in c["matches"])]
    assert conflicted == [claim(report, "first time in 25 years")["text"]]
    assert all(not c["text"].endswith("?") for c in report["claims"])
    assert claim(report, "first time in 25 years")["sources"] == 2
    assert report["summary"]["sources"] == 3


def test_copies_are_not_independent_sources(tmp_path: Path) -> None:
    store = Store(tmp_path / "copies.db")
    pipeline.ensure_seeded(store)
    caliber = next(SEEDS.glob("001_*.txt")).read_text("utf-8")
    mirrored = pipeline.add(store, Page(
        text=caliber + "\nThis analysis first appeared on Caliber.az and is republished here.",
        url="https://mirror.example/caliber", outlet="Mirror"))
    wire = ("This was something inconceivable not only 24 years ago – the last time Putin "
            "visited the DPRK – but even as recently as September 2017, when the Russian UN "
            "representative rejected Pyongyang’s claim to nuclear-weapon status.")
    pipeline.add(store, Page(text="Markets were calm in Asia on Thursday after the summit. " + wire,
                             url="https://wire.example/story", outlet="Wire Copy"))
    report = pipeline.analysis_json(pipeline.analyze(store, Page(text=caliber, url="seed:x")))
    found = claim(report, "for the first time in 25 years")
    outlets = {m["passage"]["outlet"] for m in found["matches"] if m["relation"] == "conflicts"}
    assert not mirrored.duplicate and "Mirror" not in outlets
    assert {"Kyiv Post", "Wire Copy"} <= outlets
    assert found["sources"] == 2
