"""The README documents every CLI command and option, and every API endpoint."""

from __future__ import annotations

import re

import click
import pytest
from conftest import ROOT

from crosscheck.app import routes
from crosscheck.cli import cli

README = (ROOT / "README.md").read_text("utf-8")
COMMANDS = sorted(cli.commands.items())


@pytest.mark.parametrize("name,command", COMMANDS, ids=[n for n, _ in COMMANDS])
def test_command_and_options_documented(name: str, command: click.Command) -> None:
    assert f"crosscheck {name}" in README
    for param in command.params:
        if isinstance(param, click.Option):
            assert any(opt in README for opt in param.opts), f"{name} {param.opts}"


def test_api_endpoints_documented() -> None:
    for route in routes:
        if route.path.startswith("/api"):
            for method in route.methods - {"HEAD"}:
                assert re.search(rf"{method}\s+`?{re.escape(route.path)}", README), (
                    method,
                    route.path,
                )


def test_readme_starts_with_the_two_commands() -> None:
    first = README.index("make run")
    assert first < README.index("make test") < 1200
