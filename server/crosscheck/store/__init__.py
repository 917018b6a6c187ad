"""The store, behind one interface (`base.Store`) with a backend per database:
`Store("path/to.db")` opens SQLite (`sqlite.py`), `Store("postgresql://...")` PostgreSQL
(`postgres.py`)."""

from .base import (
    LATER,
    Added,
    Hit,
    NotCommitted,
    Placer,
    Store,
    StoreError,
    is_url,
    now,
    sentence_hash,
    text_hash,
)

__all__ = ["LATER", "Added", "Hit", "NotCommitted", "Placer", "Store", "StoreError", "is_url",
           "now", "sentence_hash", "text_hash"]
