"""How texts become index terms, the same for every backend: FTS5's own tokenizer.

Texts go into an in-memory FTS5 table (one per thread) with the tokenizer the SQLite index
uses, and are read back through `fts5vocab`. SQLite counts the terms of what it stores this
way; PostgreSQL stores them as each passage's tsvector. No second stemmer can disagree with
the index, and both backends pick the same rarest words, so they give the same answers.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence

TOKENIZE = "porter unicode61 remove_diacritics 2"


class Tokenizer:
    def __init__(self) -> None:
        self._local = threading.local()

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
            db.execute(f"create virtual table scratch using fts5(text, content='', "
                       f"tokenize='{TOKENIZE}')")
            db.execute("create virtual table scratch_rows using fts5vocab(scratch, row)")
            db.execute("create virtual table scratch_terms using fts5vocab(scratch, instance)")
            self._local.db = db
        return db

    def _load(self, texts: Sequence[str]) -> sqlite3.Connection:
        """The texts in the (contentless) table, in one transaction: FTS5 writes one segment,
        not one per text (six times faster)."""
        db = self._db()
        db.execute("begin")
        db.execute("insert into scratch (scratch) values ('delete-all')")
        db.executemany("insert into scratch (rowid, text) values (?, ?)", enumerate(texts))
        db.execute("commit")
        return db

    def counts(self, texts: Sequence[str]) -> list[tuple[str, int]]:
        """(term, texts holding it) over these texts."""
        return self._load(texts).execute("select term, doc from scratch_rows").fetchall()

    def instances(self, texts: Sequence[str]) -> list[tuple[int, str]]:
        """(index of the text, term) for every term of every text, in the index's order (by
        term): a word that splits into two terms ("a_b") gives two."""
        return self._load(texts).execute("select doc, term from scratch_terms").fetchall()

    def terms(self, texts: Sequence[str]) -> list[list[str]]:
        """The distinct terms of each text."""
        found: list[list[str]] = [[] for _ in texts]
        rows = self._load(texts).execute(
            "select doc, group_concat(term, ' ') from (select distinct doc, term from "
            "scratch_terms) group by doc")
        for doc, joined in rows:
            found[doc] = joined.split(" ")
        return found


tokenizer = Tokenizer()
