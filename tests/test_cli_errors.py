"""The `crosscheck` command on input it cannot use: one clear line on stderr, exit status 2,
and no store created (issue 20). A real process each time, as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SEEDS

CALIBER = next(SEEDS.glob("001_*.txt"))


def run(*args: str, cwd: Path, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "crosscheck", *args], cwd=cwd, input=stdin,
                          capture_output=True, text=True, timeout=120)


def refused(run: subprocess.CompletedProcess, *words: str) -> str:
    """The one line a refusal prints; nothing on stdout, exit status 2."""
    assert run.returncode == 2, (run.returncode, run.stdout, run.stderr)
    assert run.stdout == ""
    [line] = run.stderr.splitlines()
    assert line.startswith("Error: ") and "Traceback" not in line
    for word in words:
        assert word in line, line
    return line


def created(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "empty.txt").write_text(" \n\n ")
    (tmp_path / "a-folder.html").mkdir()
    (tmp_path / "no-pages").mkdir()
    (tmp_path / "no-pages" / "notes.md").write_text("Not a page.")
    return tmp_path


BAD_FILES = {  # argument -> words of the refusal
    "missing.txt": ("missing.txt", "no such file"),
    "a-folder.html": ("a-folder.html", "a folder, not a file"),
    "empty.txt": ("empty.txt", "empty"),
}


@pytest.mark.parametrize("name", BAD_FILES)
@pytest.mark.parametrize("command", ["analyze", "add", "extract"])
def test_a_missing_unreadable_or_empty_file_is_one_line(folder: Path, command: str,
                                                         name: str) -> None:
    before = created(folder)
    refused(run(command, name, "--db", "store.db", cwd=folder) if command != "extract"
            else run(command, name, cwd=folder), *BAD_FILES[name])
    assert created(folder) == before  # no store, no db/ folder


def test_one_bad_file_among_good_ones_stores_none_of_them(folder: Path) -> None:
    refused(run("add", str(CALIBER), "missing.txt", "--db", "store.db", cwd=folder),
            "missing.txt")
    assert not (folder / "store.db").exists()


def test_empty_standard_input_is_one_line(folder: Path) -> None:
    refused(run("analyze", "-", "--db", "store.db", cwd=folder, stdin=""), "-: ", "empty")
    assert not (folder / "store.db").exists()


@pytest.mark.parametrize("target,words", [
    ("no-pages", ("no-pages", "no .html, .htm or .txt files")),
    ("missing-folder", ("missing-folder", "no such file or folder")),
    ("empty.txt", ("empty.txt", "empty")),
])
def test_import_of_nothing_to_import_is_one_line(folder: Path, target: str,
                                                 words: tuple[str, ...]) -> None:
    before = created(folder)
    refused(run("import", target, "--db", "store.db", cwd=folder), *words)
    assert created(folder) == before


@pytest.mark.parametrize("args", [
    ("remove", "3"), ("stats",), ("articles",), ("analyze", str(CALIBER)),
    ("add", str(CALIBER)), ("import", str(SEEDS)), ("serve", "--port", "1"),
])
def test_a_store_in_a_missing_folder_is_one_line(folder: Path, args: tuple[str, ...]) -> None:
    before = created(folder)
    refused(run(*args, "--db", "nodir/x.db", cwd=folder), "nodir/x.db", "does not exist")
    assert created(folder) == before


def test_the_store_folder_from_the_environment_is_checked_too(folder: Path) -> None:
    before = created(folder)
    missing = subprocess.run([sys.executable, "-m", "crosscheck", "stats"], cwd=folder,
                             env={"CROSSCHECK_DB": "nodir/x.db", "PATH": "/usr/bin:/bin"},
                             capture_output=True, text=True, timeout=120)
    refused(missing, "nodir/x.db")
    assert created(folder) == before


def test_remove_from_a_store_that_does_not_exist_creates_none(folder: Path) -> None:
    refused(run("remove", "3", "--db", "x.db", cwd=folder), "no store at x.db")
    assert not (folder / "x.db").exists()


def test_the_default_store_folder_is_still_created(folder: Path) -> None:
    data = folder / "data"  # the user's data folder, not made yet
    stats = subprocess.run([sys.executable, "-m", "crosscheck", "stats", "--no-seeds"],
                           cwd=folder, env={**os.environ, "XDG_DATA_HOME": str(data)},
                           capture_output=True, text=True, timeout=120)
    assert stats.returncode == 0, stats.stderr
    assert "articles: 0" in stats.stdout
    assert (data / "crosscheck" / "crosscheck.db").is_file()


def test_an_empty_file_in_an_imported_folder_is_skipped_with_a_line(folder: Path) -> None:
    pages = folder / "pages"
    pages.mkdir()
    (pages / "a.txt").write_text("The council said on Monday that 40 people attended the "
                                 "opening of the bridge in Lyon.\n")
    (pages / "b.txt").write_text("")
    imported = run("import", "pages", "--db", "store.db", "--no-seeds", cwd=folder)
    assert imported.returncode == 0, imported.stderr
    assert "1 added, 0 already stored, 1 without text" in imported.stdout
    assert "b.txt: the file is empty, skipped" in imported.stderr
