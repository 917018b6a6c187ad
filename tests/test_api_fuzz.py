"""Fuzz the API from its own OpenAPI description against the real server: never a 5xx.

Schemathesis generates valid and invalid requests for every operation in the description and
checks each answer (status, content type and body) against it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from conftest import LiveServer
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from crosscheck.app import description

schema = schemathesis.openapi.from_dict(description())


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path_factory.mktemp("fuzz") / "crosscheck.db")
    yield live
    live.stop()


def test_served_description_is_the_fuzzed_one(server: LiveServer) -> None:
    assert server.http.get("/openapi.json").json() == description()


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
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
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_with_a_token_never_fails(case: schemathesis.Case, token_server: LiveServer) -> None:
    assert case.call(base_url=token_server.url).status_code == 401  # without it: refused
    case.call_and_validate(base_url=token_server.url, headers={"Authorization": f"Bearer {TOKEN}"},
                           excluded_checks=[positive_data_acceptance])
