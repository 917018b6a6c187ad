"""Where the store lives by default: one per user, in the platform's data folder
(platformdirs: ~/.local/share/crosscheck on Linux, ~/Library/Application Support/crosscheck
on macOS, %LOCALAPPDATA%\\crosscheck on Windows).

Earlier versions kept it in `db/crosscheck.db` of the current folder; a store found there is
still used when a command runs from the checkout, with a note saying where the new one would be.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs

OLD_STORE = Path("db") / "crosscheck.db"


def user_store() -> Path:
    return platformdirs.user_data_path("crosscheck", appauthor=False) / "crosscheck.db"


def is_checkout(folder: Path) -> bool:
    return (folder / "pyproject.toml").is_file() and (folder / "server" / "crosscheck").is_dir()


def extension_folder() -> Path | None:
    """The browser extension's folder, when running from a checkout (pip installs lack it)."""
    folder = Path(__file__).resolve().parents[2] / "extension"
    return folder if (folder / "manifest.json").is_file() else None


def default_store(cwd: Path | None = None) -> tuple[Path, str | None]:
    """The store to use when none is named, and a note when it is the old one."""
    folder = cwd or Path.cwd()
    if (folder / OLD_STORE).is_file() and is_checkout(folder):
        note = (f"note: using the store of an earlier version, {OLD_STORE}; the default is now "
                f"{user_store()} (move the file there to use it from any folder)")
        return folder / OLD_STORE, note
    return user_store(), None
