"""A reader's "not the same fact": stored by the server, left out of later analyses (after a
restart too), undone, exported; and readable outlet names and titles in the answer."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import LiveServer, seed_text
from starlette.testclient import TestClient

from crosscheck.names import clean_title, outlet_name

CLAIM = "for the first time in 25 years"


def first_conflict(body: dict) -> tuple[str, dict]:
    claim = next(c for c in body["claims"] if CLAIM in c["text"])
    return claim["text"], next(m for m in claim["matches"] if m["relation"] == "conflicts")


def pairs(body: dict) -> set[tuple[str, int]]:
    return {(c["text"], m["passage"]["id"]) for c in body["claims"] for m in c["matches"]}


def test_not_the_same_fact_survives_a_restart_and_a_recheck(db_path: Path) -> None:
    page = {"text": seed_text("001")}
    server = LiveServer(db_path)
    try:
        claim, match = first_conflict(server.http.post("/api/analyze", json=page).json())
        said = server.http.post("/api/feedback", json={
            "claim": claim, "passage_id": match["passage"]["id"], "relation": "conflicts"})
        assert said.status_code == 201
        again = server.http.post("/api/feedback", json={
            "claim": claim, "passage_id": match["passage"]["id"]})
        assert again.json() == said.json()  # recorded once
    finally:
        server.stop()
    server = LiveServer(db_path)
    try:
        body = server.http.post("/api/analyze", json=page).json()
        assert (claim, match["passage"]["id"]) not in pairs(body)
        assert any(CLAIM in c["text"] for c in body["claims"])
        exported = server.http.get("/api/feedback").json()["feedback"]
        assert [(f["claim"], f["passage_id"], f["passage"], f["relation"], f["verdict"])
                for f in exported] == [(claim, match["passage"]["id"], match["passage"]["text"],
                                        "conflicts", "not the same fact")]
        undone = server.http.delete(f"/api/feedback/{said.json()['id']}")
        assert undone.json() == {"deleted": said.json()["id"]}
        body = server.http.post("/api/analyze", json=page).json()
        assert (claim, match["passage"]["id"]) in pairs(body)
    finally:
        server.stop()


def test_only_that_pair_is_hidden(client: TestClient) -> None:
    body = client.post("/api/analyze", json={"text": seed_text("001")}).json()
    claim, match = first_conflict(body)
    before = pairs(body)
    client.post("/api/feedback", json={"claim": claim, "passage_id": match["passage"]["id"]})
    after = pairs(client.post("/api/analyze", json={"text": seed_text("001")}).json())
    assert before - after == {(claim, match["passage"]["id"])}


@pytest.mark.parametrize(("body", "status"), [
    ({"claim": "x", "passage_id": 999999}, 404),
    ({"claim": "", "passage_id": 1}, 422),
    ({"claim": "x", "passage_id": "1"}, 422),
    ({"claim": "x", "passage_id": True}, 422),
    ({"claim": "x", "passage_id": -3}, 422),
    ({"claim": "x", "passage_id": 1, "relation": "maybe"}, 422),
    ({"claim": "x" * 5001, "passage_id": 1}, 422),
    ([1, 2], 422),
])
def test_bad_feedback_is_refused(client: TestClient, body: object, status: int) -> None:
    answer = client.post("/api/feedback", json=body)
    assert answer.status_code == status
    assert "error" in answer.json()
    assert client.get("/api/feedback").json() == {"feedback": []}


def test_undoing_what_is_not_there(client: TestClient) -> None:
    assert client.delete("/api/feedback/12345").status_code == 404
    assert client.delete("/api/feedback/abc").status_code == 404


@pytest.mark.parametrize(("title", "outlet", "url", "clean"), [
    ("Biden wins | HuffPost", None, None, "Biden wins"),
    ("Putin visits - The Straits Times", "The Straits Times", None, "Putin visits"),
    ("Kim Jong Un - a profile", None, "https://www.straitstimes.com/x", "Kim Jong Un - a profile"),
    ("Storm hits coast - Hawaii News Now", None, "https://www.hawaiinewsnow.com/a",
     "Storm hits coast"),
    ("A | B | Caliber.az", None, None, "A | B"),
    ("No suffix here", None, None, "No suffix here"),
    (None, None, None, None),
])
def test_titles_lose_the_site_suffix(title: str | None, outlet: str | None, url: str | None,
                                     clean: str | None) -> None:
    assert clean_title(title, outlet, url) == clean


@pytest.mark.parametrize(("outlet", "url", "name"), [
    ("Kyiv Post", "https://www.kyivpost.com/a", "Kyiv Post"),
    ("https://www.hawaiinewsnow.com", None, "hawaiinewsnow.com"),
    ("nj", "https://www.nj.com/news/a.html", "nj.com"),
    (None, "https://m.bbc.co.uk/news/1", "bbc.co.uk"),
    (None, "seed:001_7f37b1e63cae469b.txt", None),
    ("  The   Straits Times ", None, "The Straits Times"),
])
def test_outlet_names_are_readable(outlet: str | None, url: str | None, name: str | None) -> None:
    assert outlet_name(outlet, url) == name


def test_the_answer_carries_readable_titles(client: TestClient) -> None:
    html = ("<html><head><title>Putin visits Pyongyang | Caliber.az</title></head><body>"
            f"<article><p>{seed_text('001')}</p></article></body></html>")
    body = client.post("/api/analyze", json={"html": html, "url": "https://caliber.az/x"}).json()
    assert body["article"]["title"] == "Putin visits Pyongyang"
    outlets = {m["passage"]["outlet"] for c in body["claims"] for m in c["matches"]}
    assert not any(o and (o.startswith(("http", "seed:"))) for o in outlets)
