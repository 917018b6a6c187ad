"""Where the store lives by default: one per user, in the platform's data folder
(platformdirs: ~/.local/share/crosscheck on Linux, ~/Library/Application Support/crosscheck
on macOS, %LOCALAPPDATA%\\crosscheck on Windows).

Earlier versions kept it in `db/crosscheck.db` of the current folder; a store found there is
still used when a command runs from the checkout, with a note saying where the new one would be.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

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


def is_url(location: str | Path) -> bool:
    """Does this --db name a PostgreSQL database rather than a SQLite file?"""
    return str(location).startswith(("postgresql://", "postgres://"))


def shown(location: str | Path) -> str:
    """The store as it may be printed: a database URL without its password."""
    if not is_url(location):
        return str(location)
    parts = urlsplit(str(location))
    user, at, host = parts.netloc.rpartition("@")
    netloc = f"{user.split(':', 1)[0]}{at}{host}"
    query = "&".join(p for p in parts.query.split("&") if not p.startswith("password="))
    return urlunsplit(parts._replace(netloc=netloc, query=query))


def server_token_file(url: str) -> Path:
    """Where this user keeps the token of a server on a PostgreSQL database: one per database
    (its URL without the password), in the data folder."""
    key = hashlib.sha256(shown(url).encode()).hexdigest()[:16]
    return platformdirs.user_data_path("crosscheck", appauthor=False) / f"server-{key}.token"


def default_store(cwd: Path | None = None) -> tuple[Path, str | None]:
    """The store to use when none is named, and a note when it is the old one."""
    folder = cwd or Path.cwd()
    if (folder / OLD_STORE).is_file() and is_checkout(folder):
        note = (f"note: using the store of an earlier version, {OLD_STORE}; the default is now "
                f"{user_store()} (move the file there to use it from any folder)")
        return folder / OLD_STORE, note
    return user_store(), None
