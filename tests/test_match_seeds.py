"""End to end on the seed corpus: the Caliber.az capture against the four other captures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from crosscheck import pipeline
from crosscheck.match import SHOW_AT
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


def test_25_years_conflicts_with_the_capture_that_says_24(report: dict[str, Any]) -> None:
    found = claim(report, "for the first time in 25 years")
    conflicts = [m for m in found["matches"] if m["relation"] == "conflicts"]
    assert {m["passage"]["url"][:8] for m in conflicts} == {"seed:003"}
    assert conflicts[0]["differences"] == [
        {"kind": "number", "claim": "25 years", "passage": "24 years"}]
    assert "differs: 25 years / 24 years" in conflicts[0]["reason"]
    assert conflicts[0]["in_story"] and conflicts[0]["confidence"] >= SHOW_AT
    # The Kyiv Post's "24 years ago - the last time Putin visited the DPRK" shares too little
    # of the sentence besides its value to be called a conflict, and is never a corroboration.
    assert not any(m["relation"] == "corroborates" and "24 years" in m["passage"]["text"]
                   for m in found["matches"])
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
    assert claim(report, "first time in 25 years")["sources"] == 1
    assert report["summary"]["sources"] == 2


def test_copies_are_not_independent_sources(tmp_path: Path) -> None:
    store = Store(tmp_path / "copies.db")
    pipeline.ensure_seeded(store)
    caliber = next(SEEDS.glob("001_*.txt")).read_text("utf-8")
    mirrored = pipeline.add(store, Page(
        text=caliber + "\nThis analysis first appeared on Caliber.az and is republished here.",
        url="https://mirror.example/caliber", outlet="Mirror"))
    # a wire story: seed 003, which says "24 years", carried whole by another outlet
    wire = next(SEEDS.glob("003_*.txt")).read_text("utf-8")
    pipeline.add(store, Page(text="Markets were calm in Asia on Thursday after the summit.\n"
                             + wire, url="https://wire.example/story", outlet="Wire Copy",
                             published="2024-06-19"))
    report = pipeline.analysis_json(pipeline.analyze(store, Page(text=caliber, url="seed:x")))
    found = claim(report, "for the first time in 25 years")
    outlets = {m["passage"]["outlet"] for m in found["matches"] if m["relation"] == "conflicts"}
    assert not mirrored.duplicate and "Mirror" not in outlets
    assert {None, "Wire Copy"} <= outlets  # seed 003 has no outlet of its own
    assert found["sources"] == 1  # the wire copy of 003's sentence counts once
