"""The seed corpus shipped with Crosscheck, loaded into a new store."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from .types import Page


def seed_dir() -> Path:
    """`crosscheck/seeds` in an installed wheel, else `seeds/` of the checkout."""
    packaged = resources.files("crosscheck") / "seeds"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "seeds"


def seed_pages() -> list[Page]:
    folder = seed_dir()
    manifest: dict[str, Any] = json.loads((folder / "manifest.json").read_text("utf-8"))
    return [
        Page(
            text=(folder / doc["file"]).read_text("utf-8"),
            url=doc.get("url") or f"seed:{doc['file']}",
            title=doc.get("title"),
            outlet=doc.get("outlet"),
            published=doc.get("published"),
            author=doc.get("author"),
        )
        for doc in manifest["documents"]
    ]
