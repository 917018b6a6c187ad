"""The HTTP API contract (issue 2), through the Starlette TestClient and a real uvicorn server."""

from __future__ import annotations

import pytest
from conftest import LiveServer, seed_text
from starlette.testclient import TestClient

NEW_ARTICLE = (
    "Kim Jong Un inspected a new munitions factory near Pyongyang on Tuesday, state media said. "
    "The factory will produce artillery shells for export to Russia, according to South Korean "
    "intelligence officials. North Korea has shipped more than 11,000 containers of munitions "
    "to Russia since August, the officials told reporters in Seoul."
)
RELATED_PAGE = (
    "South Korean intelligence officials said Kim Jong Un visited a munitions factory near "
    "Pyongyang on Tuesday. The plant will make artillery shells for export to Russia, "
    "the officials said."
)


@pytest.fixture
def db_path(any_store: str) -> str:
    """Every test here runs on SQLite and on PostgreSQL (conftest's `any_store`)."""
    return any_store


def claim_with(body: dict, words: str) -> dict:
    return next(c for c in body["claims"] if words in c["text"])


def has_match(claim: dict, relation: str, outlet: str) -> bool:
    return any(
        m["relation"] == relation and m["passage"]["outlet"] == outlet for m in claim["matches"]
    )


def test_health_counts_the_seed_corpus(client: TestClient) -> None:
    body = client.get("/api/health").json()
    assert body["status"] == "ok"
    assert body["articles"] == 5
    assert body["passages"] > 50


def test_caliber_25_years_conflicts_with_24_years(client: TestClient) -> None:
    body = client.post("/api/analyze", json={"text": seed_text("001")}).json()
    claim = claim_with(body, "first time in 25 years")
    conflicts = [m for m in claim["matches"] if m["relation"] == "conflicts"]
    assert conflicts, claim
    assert {"claim": "25 years", "passage": "24 years"} in [
        {"claim": d["claim"], "passage": d["passage"]} for m in conflicts for d in m["differences"]
    ]
    assert all(m["passage"]["outlet"] != "Caliber.az" for m in claim["matches"])


def test_caliber_mutual_assistance_corroborated_by_straits_times(client: TestClient) -> None:
    body = client.post("/api/analyze", json={"text": seed_text("001")}).json()
    claim = claim_with(body, "mutual assistance in the event of aggression")
    assert has_match(claim, "corroborates", "The Straits Times"), claim


def test_analysis_shape_and_offsets(client: TestClient) -> None:
    body = client.post(
        "/api/analyze", json={"text": seed_text("003"), "url": "https://x.test/a"}
    ).json()
    text = body["article"]["text"]
    assert body["article"]["url"] == "https://x.test/a"
    assert body["summary"]["claims"] == len(body["claims"]) > 0
    for claim in body["claims"]:
        assert text[claim["start"] : claim["end"]] == claim["text"]
        scores = [m["score"] for m in claim["matches"]]
        assert scores == sorted(scores, reverse=True)
        assert all(0 <= s <= 1 for s in scores)


def test_added_article_matches_next_analysis_and_is_stored_once(client: TestClient) -> None:
    page = {"text": NEW_ARTICLE, "url": "https://news.test/factory", "outlet": "News Test"}
    first = client.post("/api/articles", json=page)
    assert first.status_code == 201
    assert first.json()["passages"] == 3
    again = client.post("/api/articles", json=page)
    assert again.status_code == 200
    assert again.json() == {"id": first.json()["id"], "passages": 3, "duplicate": True}
    same_text_other_url = client.post(
        "/api/articles", json={**page, "url": "https://mirror.test/x"}
    )
    assert same_text_other_url.json()["duplicate"] is True
    assert client.get("/api/health").json()["articles"] == 6

    body = client.post("/api/analyze", json={"text": RELATED_PAGE}).json()
    outlets = {m["passage"]["outlet"] for c in body["claims"] for m in c["matches"]}
    assert "News Test" in outlets


def test_page_never_matches_itself(client: TestClient) -> None:
    page = {"text": NEW_ARTICLE, "url": "https://news.test/factory", "outlet": "News Test"}
    client.post("/api/articles", json=page)
    for probe in (
        page,
        {"text": NEW_ARTICLE},
        {"text": NEW_ARTICLE, "url": "https://elsewhere.test/"},
    ):
        body = client.post("/api/analyze", json=probe).json()
        outlets = {m["passage"]["outlet"] for c in body["claims"] for m in c["matches"]}
        assert "News Test" not in outlets


def test_list_get_delete(client: TestClient) -> None:
    listed = client.get("/api/articles").json()["articles"]
    assert len(listed) == 5
    assert {a["outlet"] for a in listed} >= {"The Straits Times", "Caliber.az", "Kyiv Post"}
    first = listed[0]
    detail = client.get(f"/api/articles/{first['id']}").json()
    assert detail["title"] == first["title"]
    assert len(detail["passages"]) == first["passages"]
    assert client.delete(f"/api/articles/{first['id']}").status_code == 200
    assert client.get(f"/api/articles/{first['id']}").status_code == 404
    assert client.delete(f"/api/articles/{first['id']}").json() == {"error": "no such article"}
    assert len(client.get("/api/articles").json()["articles"]) == 4


def test_each_documented_error_has_its_status_and_a_json_error(client: TestClient) -> None:
    as_json = {"content-type": "application/json"}
    cases = [
        (400, client.post("/api/analyze", content=b"{not json", headers=as_json)),
        (400, client.post("/api/analyze", content=b'{"text": "caf\xe9"}', headers=as_json)),
        (400, client.post("/api/articles", content=b"", headers=as_json)),
        (422, client.post("/api/analyze", json={})),
        (422, client.post("/api/analyze", json=["a", "list"])),
        (422, client.post("/api/analyze", json={"text": 42})),
        (422, client.post("/api/analyze", json={"text": "   "})),
        (422, client.post("/api/articles", json={"html": "<p></p>", "text": ""})),
        (404, client.get("/api/articles/abc")),
        (404, client.get("/api/articles/999999")),
        (404, client.delete("/api/articles/999999")),
        (404, client.get("/api/nothing-here")),
        (405, client.put("/api/articles", json={"text": NEW_ARTICLE})),
        (415, client.post("/api/analyze", content=b'{"text": "x"}',
                          headers={"content-type": "text/plain"})),
    ]
    for status, response in cases:
        assert response.status_code == status, (status, response.request.url, response.text)
        assert isinstance(response.json()["error"], str)
    assert client.get("/api/health").json()["articles"] == 5  # none of them stored anything


# The size limit of each field, as the OpenAPI description gives it (maxLength).
FIELD_LIMITS = {"url": 2048, "title": 1000, "outlet": 200, "published": 64, "author": 500}


def test_the_description_gives_each_field_limit(client: TestClient) -> None:
    page = client.get("/openapi.json").json()["components"]["schemas"]["Page"]["properties"]
    assert {name: page[name]["maxLength"] for name in FIELD_LIMITS} == FIELD_LIMITS


def test_each_field_is_taken_up_to_its_limit_and_refused_past_it(client: TestClient) -> None:
    for n, (name, limit) in enumerate(FIELD_LIMITS.items()):
        text = f"{NEW_ARTICLE} This is report {n} of the series."
        longest = client.post("/api/articles", json={"text": text, name: "x" * limit})
        assert longest.status_code == 201, (name, longest.text)
        for path in ("/api/articles", "/api/analyze"):
            over = client.post(path, json={"text": text + " More.", name: "x" * (limit + 1)})
            assert over.status_code == 422, (name, path, over.text)
            assert over.json()["error"] == f"field '{name}' is longer than {limit} characters"
            wrong = client.post(path, json={"text": text, name: 7})
            assert wrong.status_code == 422, (name, path, wrong.text)
            assert f"'{name}'" in wrong.json()["error"]
    assert client.get("/api/health").json()["articles"] == 5 + len(FIELD_LIMITS)


def test_openapi_lists_the_endpoints(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/health", "/api/analyze", "/api/articles", "/api/articles/{id}"} <= set(paths)


def test_real_server_over_http(live_server: LiveServer) -> None:
    health = live_server.http.get("/api/health").json()
    assert health["articles"] == 5
    body = live_server.http.post(
        "/api/analyze", json={"text": seed_text("001")}, timeout=30
    ).json()
    claim = claim_with(body, "first time in 25 years")
    assert any(m["relation"] == "conflicts" for m in claim["matches"])
    added = live_server.http.post(
        "/api/articles", json={"text": NEW_ARTICLE, "outlet": "News Test"}
    )
    assert added.status_code == 201
    assert live_server.http.get("/api/health").json()["articles"] == 6


def test_a_stored_page_still_finds_its_conflicts(client: TestClient) -> None:
    """The page's own stored copy is left out of matching, and of the term counts that
    choose what to search for: its words must not look rare because it holds them."""
    body = client.post("/api/analyze", json={"text": seed_text("001")}).json()
    claim = claim_with(body, "first time in 25 years")
    assert has_match(claim, "conflicts", None), claim  # seed 003, which has no outlet
