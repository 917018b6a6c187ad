"""Fuzz the API from its own OpenAPI description against the real server: never a 5xx.

Schemathesis generates valid and invalid requests for every operation in the description and
checks each answer (status, content type and body) against it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import urlsplit

import httpx2 as httpx
import pytest
import schemathesis
from conftest import LiveServer, seed_text
from hypothesis import HealthCheck, settings
from hypothesis.utils.conventions import not_set
from schemathesis.checks import positive_data_acceptance
from schemathesis.config import SchemathesisConfig

from crosscheck.app import description
from crosscheck.security import MAX_URL

# An invalid request may be refused for its URL's length before its parameters are read:
# 414, documented for every operation, is a rejection too (GET /api/stories takes a query).
REJECTED = [400, 401, 403, 404, 405, 406, 409, 414, 415, 422, 428, 429, "5xx"]
schema = schemathesis.openapi.from_dict(description(), config=SchemathesisConfig.from_dict(
    {"checks": {"negative_data_rejection": {"expected-statuses": REJECTED}}}))
# In CI the same examples every run (Hypothesis' "ci" profile does this too when CI is set;
# said here so that a failure there is one to reproduce, not a draw of luck).
DETERMINISTIC = bool(os.environ.get("CI"))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path_factory.mktemp("fuzz") / "crosscheck.db")
    yield live
    live.stop()


def test_served_description_is_the_fuzzed_one(server: LiveServer) -> None:
    assert server.http.get("/openapi.json").json() == description()


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck),
          derandomize=DETERMINISTIC, database=None if DETERMINISTIC else not_set)
def test_api_never_fails(case: schemathesis.Case, server: LiveServer) -> None:
    # A well-formed page may still hold no article prose: that is a 422 by design, so
    # "schema-valid data is accepted" does not hold for this API.
    case.call_and_validate(base_url=server.url, headers=server.auth,
                           excluded_checks=[positive_data_acceptance])


@pytest.fixture(scope="module")
def token_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path_factory.mktemp("fuzz-token") / "crosscheck.db", "--no-seeds",
                      "--token", TOKEN)
    yield live
    live.stop()


TOKEN = "fuzz-token"


@schema.parametrize()
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck),
          derandomize=DETERMINISTIC, database=None if DETERMINISTIC else not_set)
def test_api_with_a_token_never_fails(case: schemathesis.Case, token_server: LiveServer) -> None:
    refused = case.call(base_url=token_server.url)  # without it: refused
    sent = urlsplit(refused.request.url or "")
    too_long = len(sent.path) + len(sent.query) > MAX_URL  # refused for that first
    assert refused.status_code == (414 if too_long else 401)
    case.call_and_validate(base_url=token_server.url, headers={"Authorization": f"Bearer {TOKEN}"},
                           excluded_checks=[positive_data_acceptance])


def answer(body: dict) -> httpx.Response:
    """An answer with this body, as if the server had sent it."""
    response = httpx.Response(200, json=body, request=httpx.Request("POST", "http://127.0.0.1/"))
    response.elapsed = timedelta(0)
    return response


def broken_answers(body: dict) -> Iterator[tuple[str, dict]]:
    """The answer with one field missing or of the wrong kind, one at a time."""
    def change(path: str, value: object = None) -> tuple[str, dict]:
        copy = json.loads(json.dumps(body))
        *parents, last = path.split(".")
        node = copy
        for key in parents:
            node = node[int(key)] if key.isdigit() else node[key]
        if value is None:
            del node[last]
        else:
            node[last] = value
        return f"{path} = {value!r}", copy
    match = "claims.0.matches.0"
    for field in ("relation", "score", "passage", "differences"):
        yield change(f"{match}.{field}")
    yield change(f"{match}.relation", "agrees")
    yield change(f"{match}.score", 1.5)
    yield change(f"{match}.score", "0.5")
    yield change(f"{match}.confidence", -0.1)
    yield change(f"{match}.reason", 3)
    yield change(f"{match}.in_story", "yes")
    for field in ("id", "text", "article_id", "title", "outlet", "url", "published"):
        yield change(f"{match}.passage.{field}")
    yield change(f"{match}.differences.0.kind")
    yield change(f"{match}.differences.0.passage", 24)
    for field in ("text", "start", "end", "matches", "sources"):
        yield change(f"claims.0.{field}")
    for field in ("claims", "corroborated", "conflicted", "sources"):
        yield change(f"summary.{field}")
    yield change("summary.conflicted", -1)
    for field in ("text", "title", "url", "outlet", "published", "author"):
        yield change(f"article.{field}")


def test_the_description_holds_every_field_of_an_analysis(server: LiveServer) -> None:
    """So the fuzz test notices an answer that lacks a field or has one of the wrong kind."""
    operation = schema["/api/analyze"]["POST"]
    real = server.http.post("/api/analyze", json={"text": seed_text("001")}, timeout=60)
    body = real.json()
    assert body["claims"][0]["matches"][0]["differences"]  # the 25/24 years conflict
    assert operation.is_valid_response(real)
    with_extras = json.loads(json.dumps(body))
    with_extras["claims"][0]["matches"][0] |= {"confidence": 0.8, "reason": "same event",
                                               "in_story": True}
    assert operation.is_valid_response(answer(with_extras))
    for what, broken in broken_answers(body):
        assert not operation.is_valid_response(answer(broken)), what


def test_the_description_holds_every_field_of_a_stored_article(server: LiveServer) -> None:
    listed = server.http.get("/api/articles")
    assert schema["/api/articles"]["GET"].is_valid_response(listed)
    article = server.http.get(f"/api/articles/{listed.json()['articles'][0]['id']}")
    operation = schema["/api/articles/{id}"]["GET"]
    assert operation.is_valid_response(article)
    for field in ("id", "text", "title", "url", "added", "passages"):
        broken = article.json()
        del broken[field]
        assert not operation.is_valid_response(answer(broken)), field
    broken = article.json()
    del broken["passages"][0]["seq"]
    assert not operation.is_valid_response(answer(broken))
