"""Bad input never breaks the server: a 4xx or an empty result, never a 500, never a hang.

Properties (hypothesis) for extraction and claim splitting, then hostile bodies sent over HTTP
to a real uvicorn server.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
from conftest import ROOT, LiveServer, seed_text
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from crosscheck import pipeline
from crosscheck.app import MAX_BODY, create_app
from crosscheck.claims import MAX_SENTENCE_CHARS, extract_claims, passages, split_sentences
from crosscheck.extract import ExtractError, extract
from crosscheck.types import Article, Page, Sentence

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TAGS = ["p", "div", "span", "b", "a", "article", "main", "h1", "li", "ul", "script", "style",
        "table", "td", "br", "img", "meta", "title", "head", "body", "html", "nav", "footer"]
WORDS = st.sampled_from(["The", "President", "said", "24", "years", "Paris", "on", "Monday",
                         "3.5%", "n't", "million", "not", ".", ",", "\n", "\u00a0", "&amp;", "<",
                         ">", "\u200b", "Mr.", "1,000", "Putin", "«", "»", "—"])


def prose() -> st.SearchStrategy[str]:
    return st.lists(WORDS, max_size=80).map(" ".join)


@st.composite
def html_pages(draw: st.DrawFn, depth: int = 0) -> str:
    """Nested markup, sometimes broken, with prose and junk inside."""
    tag = draw(st.sampled_from(TAGS))
    attrs = draw(st.sampled_from(["", ' class="share"', ' style="display:none"',
                                  ' property="og:title" content="T"', ' lang="en"']))
    children = draw(st.lists(
        st.one_of(prose(), st.text(max_size=30), html_pages(depth + 1))
        if depth < 4 else prose(), max_size=4))
    close = draw(st.sampled_from([f"</{tag}>", "", "</p>"]))
    return f"<{tag}{attrs}>" + "".join(children) + close


def assert_spans(text: str, spans: list[Sentence]) -> None:
    for s in spans:
        assert 0 <= s.start < s.end <= len(text)
        assert text[s.start:s.end] == s.text


def extract_or_none(page: Page) -> Article | None:
    try:
        return extract(page)
    except ExtractError:
        return None


@PROPERTY
@given(st.one_of(st.text(), prose(), st.lists(prose(), max_size=8).map("\n\n".join)))
def test_any_text_extracts_or_says_why(text: str) -> None:
    article = extract_or_none(Page(text=text))
    if article is not None:
        assert article.text.strip()
        assert_spans(article.text, extract_claims(article.text))


@PROPERTY
@given(st.one_of(html_pages(), st.text(), st.text().map(lambda t: f"<p>{t}</p>")))
def test_any_html_extracts_or_says_why(html: str) -> None:
    article = extract_or_none(Page(html=html))
    if article is not None:
        assert article.text.strip()
        assert_spans(article.text, split_sentences(article.text))
        assert_spans(article.text, passages(article.text))


@PROPERTY
@given(st.text())
def test_sentence_spans_point_into_any_text(text: str) -> None:
    for spans in (split_sentences(text), extract_claims(text), passages(text)):
        assert_spans(text, spans)


# ---------------------------------------------------------------- over HTTP

@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path_factory.mktemp("robust") / "crosscheck.db")
    yield live
    live.stop()


JSON = "application/json"
HOSTILE = {
    "invalid UTF-8": b'{"text": "\xff\xfe caf\xe9 \xc3\x28"}',
    "binary": bytes(range(256)) * 64,
    "empty body": b"",
    "JSON null": b"null",
    "JSON list": b"[1, 2]",
    "deeply nested JSON": b"[" * 100_000 + b"]" * 100_000,
    "huge number": b'{"text": ' + b"9" * 10_000 + b"}",
    "empty text": b'{"text": ""}',
    "whitespace page": b'{"html": "   \\n\\t  ", "text": "  "}',
    "page with no text": b'{"html": "<html><body><script>var x = 1;</script><img></body></html>"}',
    "lone surrogate": b'{"text": "The President said \\ud800 24 people died in Paris."}',
    "NUL characters": b'{"html": "<p>The President\\u0000 said 24 people died in Paris.</p>"}',
    "field of wrong type": b'{"text": ["The President said"]}',
    "over-long url": b'{"text": "The President said 24 people died.", "url": "'
    + b"u" * 3000 + b'"}',
    "only comments": b'{"html": "' + b"<!--" * 100_000 + b'"}',
    "only angle brackets": b'{"html": "' + b"<" * 1_000_000 + b'"}',
    "unclosed attribute": b'{"html": "<a ' + b" " * 1_000_000 + b'The President said."}',
    "deep HTML": b'{"html": "' + b"<div>" * 200_000 + b'The President said 24 people died."}',
    "deep HTML just under the parser's limit": b'{"html": "' + b"<div>" * 250
    + b'The President of France said on Monday that 24 people died in Paris."}',
}
HOSTILE_TEXT = {  # pathological input for tokenisers, segmenters and regexes
    "one enormous sentence": "The President said " + "24 people died in Paris and " * 100_000,
    "one enormous word": "The President said " + "a" * 1_000_000 + " in Paris on Monday.",
    "enormous number": "The President said " + "1," * 400_000 + "000 people came.",
    "only spaces and newlines": " \n" * 1_000_000,
    "only dots": "." * 2_000_000,
    "abbreviations": "Mr. Dr. St. " * 100_000,
    "negations": "isn't not never no " * 100_000,
    "numbers and dates": "24 May 2024, 3.5% to 4 per cent over 1 million - " * 40_000,
    "many short claims": "Putin met Kim in Pyongyang on 19 June 2024. " * 20_000,
}


def post(server: LiveServer, path: str, body: bytes) -> httpx.Response:
    return server.http.post(path, content=body, headers={"Content-Type": JSON},
                      timeout=120)


@pytest.mark.parametrize("name", HOSTILE)
@pytest.mark.parametrize("path", ["/api/analyze", "/api/articles"])
def test_hostile_bodies_get_a_4xx_or_a_result(server: LiveServer, path: str, name: str) -> None:
    response = post(server, path, HOSTILE[name])
    assert response.status_code < 500, response.text
    body = response.json()
    if response.status_code >= 400:
        assert body["error"]
    assert server.http.get("/api/health").status_code == 200


@pytest.mark.parametrize("name", HOSTILE_TEXT)
@pytest.mark.parametrize("path", ["/api/analyze", "/api/articles"])
def test_pathological_text_gets_a_4xx_or_a_result(server: LiveServer, path: str, name: str) -> None:
    response = server.http.post(path, json={"text": HOSTILE_TEXT[name]}, timeout=120)
    assert response.status_code in (200, 201, 413, 422), response.text
    if path == "/api/analyze" and response.status_code == 200:
        assert len(response.json()["claims"]) <= pipeline.MAX_CLAIMS


def test_errors_name_the_field(server: LiveServer) -> None:
    error = post(server, "/api/articles", HOSTILE["field of wrong type"]).json()["error"]
    assert "'text'" in error
    error = post(server, "/api/articles", HOSTILE["over-long url"]).json()["error"]
    assert "'url'" in error
    outlet = server.http.post("/api/articles", json={"text": "x", "outlet": 7}).json()
    assert "'outlet'" in outlet["error"]
    assert post(server, "/api/analyze", HOSTILE["lone surrogate"]).status_code == 422
    assert post(server, "/api/analyze", HOSTILE["invalid UTF-8"]).status_code == 400


def test_bodies_up_to_the_limit_are_read(server: LiveServer) -> None:
    text = "The President of France said on Monday that 24 people died in Paris. "
    page = {"text": text * ((MAX_BODY - 1000) // len(text))}
    response = server.http.post("/api/analyze", json=page, timeout=120)
    assert response.status_code == 200, response.text
    assert len(response.json()["claims"]) <= pipeline.MAX_CLAIMS


def test_analysis_past_its_deadline_is_a_503(db_path: Path) -> None:
    with TestClient(create_app(str(db_path), deadline=1e-6), base_url="http://127.0.0.1") as client:
        response = client.post("/api/analyze", json={"text": seed_text("001")})
    assert response.status_code == 503
    assert "within" in response.json()["error"]


def fts_rows(db: Path, word: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("select count(*) from passages_fts where passages_fts match ?",
                            [word]).fetchone()[0]


def test_delete_removes_passages_and_index_entries(live_server: LiveServer, db_path: Path) -> None:
    page = {"text": "The zyzzyva beetle council of Lyon met on Monday with 24 delegates, officials "
                    "said. The zyzzyva delegates voted 12 to 11 in favour of the plan on Tuesday."}
    added = live_server.http.post("/api/articles", json=page).json()
    assert fts_rows(db_path, "zyzzyva") == added["passages"] == 2
    assert live_server.http.delete(f"/api/articles/{added['id']}").status_code == 200
    assert fts_rows(db_path, "zyzzyva") == 0
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("select count(*) from passages where article_id = ?",
                            [added["id"]]).fetchone()[0] == 0
        assert conn.execute("select count(*) from passages").fetchone()[0] == conn.execute(
            "select count(*) from passages_fts").fetchone()[0]
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
    body = live_server.http.post("/api/analyze", json=page, timeout=60).json()
    matched = {m["passage"]["article_id"] for c in body["claims"] for m in c["matches"]}
    assert added["id"] not in matched


def test_load_script_runs_small() -> None:
    """bench/load.py --small: concurrent adds and analyses, each article stored exactly once."""
    run = subprocess.run([sys.executable, str(ROOT / "bench" / "load.py"), "--small"],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "p95" in run.stdout
    assert "0 missing, 0 stored twice" in run.stdout


def test_enormous_sentences_are_not_stored_as_passages(server: LiveServer) -> None:
    """Every later analysis would match its claims against them."""
    page = {"text": "Officials in Riga said on Monday that 31 people were hurt in the storm. "
                    + "The storm hit Riga and " * 50_000 + "the coast."}
    added = server.http.post("/api/articles", json=page, timeout=120).json()
    stored = server.http.get(f"/api/articles/{added['id']}").json()["passages"]
    assert stored
    assert all(len(p["text"]) <= MAX_SENTENCE_CHARS for p in stored)
