"""The docs (README.md and docs/*.md) document every CLI command and option and every API
endpoint; the README opens with the two commands and the quick start; every link resolves."""

from __future__ import annotations

import re

import click
import pytest
from conftest import ROOT

from crosscheck.app import routes
from crosscheck.cli import cli

README = (ROOT / "README.md").read_text("utf-8")
PAGES = sorted((ROOT / "docs").glob("*.md"))
DOCS = "\n".join([README, *(p.read_text("utf-8") for p in PAGES)])
COMMANDS = sorted(cli.commands.items())


@pytest.mark.parametrize("name,command", COMMANDS, ids=[n for n, _ in COMMANDS])
def test_command_and_options_documented(name: str, command: click.Command) -> None:
    assert f"crosscheck {name}" in DOCS
    for param in command.params:
        if isinstance(param, click.Option):
            assert any(opt in DOCS for opt in param.opts), f"{name} {param.opts}"


def test_api_endpoints_documented() -> None:
    for route in routes:
        if route.path.startswith("/api"):
            for method in route.methods - {"HEAD"}:
                assert re.search(rf"{method}\s+`?{re.escape(route.path)}", DOCS), (
                    method,
                    route.path,
                )


def test_readme_first_screen_has_the_two_commands_and_the_quick_start() -> None:
    first_screen = "\n".join(README.splitlines()[:60])
    assert "make run" in first_screen and "make test" in first_screen
    quick = first_screen[first_screen.index("## Quick start"):]
    for step in ("make run", "chrome://extensions", "Load unpacked", "about:debugging",
                 "Load Temporary Add-on", "extension/manifest.json", "toolbar"):
        assert step in quick, step
    assert "![" in first_screen  # the screenshot


def test_every_docs_page_is_linked_from_the_readme() -> None:
    for page in PAGES:
        assert f"](docs/{page.name})" in README, page.name


@pytest.mark.parametrize("page", [ROOT / "README.md", *PAGES], ids=lambda p: p.name)
def test_relative_links_resolve(page) -> None:
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", page.read_text("utf-8")):
        if not re.match(r"[a-z]+:", target):
            assert (page.parent / target).exists(), target


def test_each_section_marker_is_in_one_place() -> None:
    opened = re.findall(r"<!-- section:([a-z-]+) -->", DOCS)
    closed = re.findall(r"<!-- /section:([a-z-]+) -->", DOCS)
    assert sorted(opened) == sorted(closed) and len(set(opened)) == len(opened)
