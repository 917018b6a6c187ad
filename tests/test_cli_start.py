"""A newcomer's first commands: where the store is, what a start prints, help that is fast and
complete, plurals, .html.gz pages, a port already taken."""

from __future__ import annotations

import gzip
import os
import socket
import subprocess
import sys
from pathlib import Path

import click
import pytest
from conftest import ROOT, LiveServer

from crosscheck.cli import cli, plural
from crosscheck.location import default_store

HEAVY = ("numpy", "lxml", "rapidfuzz", "sqlite_utils", "starlette", "uvicorn", "sentencex",
         "readability", "crosscheck.store", "crosscheck.pipeline")


def run(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None
        ) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "crosscheck", *args], capture_output=True,
                          text=True, cwd=cwd, env={**os.environ, **(env or {})}, timeout=120)


def test_the_store_is_the_users_own_from_any_folder(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {"XDG_DATA_HOME": str(data)}
    first = run("stats", cwd=tmp_path, env=env)
    store = data / "crosscheck" / "crosscheck.db"
    assert first.returncode == 0, first.stderr
    assert f"store: {store}" in first.stdout and "articles: 5" in first.stdout
    assert "loaded the seed corpus, 5 articles" in first.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    page = elsewhere / "bridge.txt"
    page.write_text("The bridge over the river opened on Monday after four years of work, "
                    "the city council said.\n")
    assert "added as article 6" in run("add", str(page), cwd=elsewhere, env=env).stdout
    second = run("stats", cwd=elsewhere, env=env)
    assert f"store: {store}" in second.stdout and "articles: 6" in second.stdout
    assert "seed corpus" not in second.stderr
    assert not (elsewhere / "db").exists() and not (tmp_path / "db").exists()


def test_db_and_env_still_choose_another_store(tmp_path: Path) -> None:
    env = {"XDG_DATA_HOME": str(tmp_path / "data"), "CROSSCHECK_DB": str(tmp_path / "env.db")}
    assert f"store: {tmp_path / 'env.db'}" in run("stats", env=env).stdout
    chosen = run("stats", "--db", str(tmp_path / "opt.db"), env=env)
    assert f"store: {tmp_path / 'opt.db'}" in chosen.stdout
    assert not (tmp_path / "data").exists()


def test_an_old_store_in_the_checkout_is_still_used_with_a_note(tmp_path: Path) -> None:
    checkout = tmp_path / "checkout"
    (checkout / "server" / "crosscheck").mkdir(parents=True)
    (checkout / "pyproject.toml").write_text("[project]\nname = 'crosscheck'\n")
    (checkout / "db").mkdir()
    (checkout / "db" / "crosscheck.db").touch()
    path, note = default_store(checkout)
    assert path == checkout / "db" / "crosscheck.db"
    assert note is not None and "db/crosscheck.db" in note
    assert default_store(tmp_path)[1] is None  # not a checkout: the user's store
    assert default_store(tmp_path)[0] != path
    used = run("stats", cwd=checkout)
    assert f"store: {path}" in used.stdout
    assert "earlier version" in used.stderr


def test_help_loads_none_of_the_stages() -> None:
    probe = ("import sys\nfrom crosscheck.cli import main\nsys.argv = ['crosscheck', '--help']\n"
             "try:\n    main()\nexcept SystemExit:\n    pass\n"
             f"print([m for m in {HEAVY!r} if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip().endswith("[]"), out


def test_every_option_has_help() -> None:
    commands = [cli, *cli.commands.values()]
    for command in commands:
        assert command.help, command.name
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help, (command.name, param.opts)


def test_plurals() -> None:
    assert [plural(n, "claim") for n in (0, 1, 2)] == ["0 claims", "1 claim", "2 claims"]
    assert plural(1, "independent source") == "1 independent source"


def test_one_claim_report_and_html_gz(tmp_path: Path) -> None:
    page = tmp_path / "page.html.gz"
    page.write_bytes(gzip.compress(
        b"<html><head><title>Dam</title></head><body><nav>Home Sport</nav><article>"
        b"<p>The dam on the river holds 2 million cubic metres of water, the council said on "
        b"Monday.</p></article></body></html>"))
    report = run("analyze", str(page), "--db", str(tmp_path / "s.db"), "--no-seeds")
    assert report.returncode == 0, report.stderr
    assert "1 claim, 0 corroborated, 0 in conflict, 0 independent sources" in report.stdout
    extracted = run("extract", str(page))
    assert "title: Dam" in extracted.stdout and "2 million cubic metres" in extracted.stdout
    assert "<p>" not in extracted.stdout and "Home Sport" not in extracted.stdout
    broken = tmp_path / "broken.html.gz"
    broken.write_bytes(b"not gzip at all")
    failed = run("extract", str(broken))
    assert failed.returncode == 2 and "not a readable gzip file" in failed.stderr
    assert "Traceback" not in failed.stderr


def test_articles_listing_names_no_seed_address(tmp_path: Path) -> None:
    out = run("articles", "--db", str(tmp_path / "s.db")).stdout
    assert "seed:" not in out and "Kyiv Post" in out and "24 passages" in out


def test_a_taken_port_says_crosscheck_may_be_running(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        started = run("serve", "--port", str(port), "--db", str(tmp_path / "s.db"))
    assert started.returncode == 1
    assert "already in use: is Crosscheck already running?" in started.stderr
    assert f"http://127.0.0.1:{port}/" in started.stderr and "Traceback" not in started.stderr
    assert not (tmp_path / "s.db").exists()  # refused before touching the store


@pytest.mark.parametrize("fresh", [True, False], ids=["first start", "next start"])
def test_a_start_says_what_it_loaded_and_what_to_do_next(tmp_path: Path, fresh: bool) -> None:
    db = tmp_path / "s.db"
    if not fresh:
        LiveServer(db).stop()
    server = LiveServer(db)
    server.stop()
    log = server.output
    assert f"Crosscheck on {server.url} (store: {db})" in log
    assert ("loaded the seed corpus, 5 articles" in log) == fresh
    assert "It holds 5 articles (107 passages)." in log
    assert f"Next: load the browser extension from {ROOT / 'extension'}" in log
    assert f"steps on {server.pairing_link})" in log  # the home page, paired


def pytest_without_shared(ci: bool) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["CROSSCHECK_SHARED"] = str(ROOT / "no-such-folder")
    if ci:
        env["CI"] = "true"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_bench.py",
         "tests/test_match_quality.py", "-k", "perf_smoke or msrp or fnc1"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_without_shared_the_benchmark_tests_are_named_not_run() -> None:
    run = pytest_without_shared(ci=False)
    assert run.returncode == 0, run.stdout
    assert "3 skipped" in run.stdout
    assert "Benchmark tests not run (3): the benchmark data in ../shared/bench is missing" in (
        run.stdout)
    for name in ("test_perf_smoke", "test_msrp_figures_hold", "test_fnc1_sample"):
        assert name in run.stdout.split("not run without ../shared")[1]


def test_in_ci_missing_shared_is_an_error() -> None:
    run = pytest_without_shared(ci=True)
    assert run.returncode == 4  # pytest's usage error: nothing is skipped in CI
    assert "CI:" in run.stderr and "no-such-folder/bench is missing" in run.stderr
