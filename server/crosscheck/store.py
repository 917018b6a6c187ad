"""The store: articles and their passages in SQLite, searched with FTS5.

The only module that touches sqlite-utils. Reads use one connection per
thread; writes are serialised by a lock and each article (row, passages and
index entries, kept in sync by FTS triggers) is written in one transaction.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils
from sqlite_utils.migrations import Migrations

from .types import Article, Passage, Sentence

migrations = Migrations("crosscheck")
WORD = re.compile(r"\w+")
COMPOUND_MAX = 100  # queries per SQL statement (SQLite allows 500 terms in a compound select)


@migrations()
def m001_initial(db: sqlite_utils.Database) -> None:
    db["articles"].create(
        {
            "id": int, "url": str, "title": str, "outlet": str, "author": str,
            "published": str, "language": str, "text": str, "text_hash": str,
            "added": str,
        },
        pk="id",
    )
    db["articles"].create_index(["text_hash"], unique=True)
    db["articles"].create_index(["url"])
    db["passages"].create(
        {
            "id": int, "article_id": int, "seq": int, "start": int, "end": int,
            "text": str, "hash": str,
        },
        pk="id",
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["passages"].create_index(["article_id"])
    db["passages"].create_index(["hash"])
    db["passages"].enable_fts(
        ["text"], create_triggers=True, tokenize="porter unicode61 remove_diacritics 2"
    )


@migrations()
def m002_terms(db: sqlite_utils.Database) -> None:
    """Document frequency of every word, so retrieval can pick a claim's rarest words."""
    db.execute("create table terms (word text primary key, df integer not null) without rowid")
    counts: Counter[str] = Counter()
    for (text,) in db.execute("select text from passages"):
        counts.update(words(text))
    count_terms(db, counts)


def words(text: str) -> set[str]:
    """The distinct lower-case words of a text, as the `terms` table counts them."""
    return set(WORD.findall(text.lower()))


def count_terms(db: sqlite_utils.Database, counts: Counter[str], sign: int = 1) -> None:
    db.conn.executemany(
        "insert into terms (word, df) values (?, ?) "
        "on conflict (word) do update set df = df + excluded.df",
        [(w, sign * n) for w, n in counts.items()],
    )


def text_hash(text: str) -> str:
    """Hash of the words of a text, so copies differing in layout hash alike."""
    canonical = " ".join(WORD.findall(text.lower()))
    return hashlib.sha256(canonical.encode()).hexdigest()


def sentence_hash(text: str) -> str:
    return text_hash(text)[:16]


class Store:
    def __init__(self, path: str | Path):
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._write_lock = threading.Lock()
        db = self.db
        if self.path != ":memory:":
            db.enable_wal()
        with self._write_lock:
            migrations.apply(db)

    @property
    def db(self) -> sqlite_utils.Database:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite_utils.Database(self.path)
            db.execute("PRAGMA busy_timeout=10000")
            db.execute("PRAGMA foreign_keys=ON")
            db.execute("PRAGMA synchronous=NORMAL")
            self._local.db = db
        return db

    @contextmanager
    def _writing(self) -> Iterator[sqlite_utils.Database]:
        db = self.db
        with self._write_lock:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.rollback()
                raise
            db.commit()

    # ------------------------------------------------------------ writes

    def add(self, article: Article, passages: Iterable[Sentence]) -> tuple[int, int, bool]:
        """Store an article and its passages; returns (id, passages, duplicate)."""
        return self.add_many([(article, passages)])[0]

    def add_many(
        self, items: Iterable[tuple[Article, Iterable[Sentence]]]
    ) -> list[tuple[int, int, bool]]:
        """`add` for many articles in one transaction (bulk import)."""
        counts: Counter[str] = Counter()
        with self._writing() as db:
            added = [self._insert(db, article, passages, counts) for article, passages in items]
            count_terms(db, counts)
        return added

    def _insert(
        self, db: sqlite_utils.Database, article: Article, passages: Iterable[Sentence],
        counts: Counter[str],
    ) -> tuple[int, int, bool]:
        digest = text_hash(article.text)
        existing = self._find(db, article.url, digest)
        if existing is not None:
            return existing, self._passage_count(db, existing), True
        row = {
            "url": article.url, "title": article.title, "outlet": article.outlet,
            "author": article.author, "published": article.published,
            "language": article.language, "text": article.text, "text_hash": digest,
            "added": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S"),
        }
        article_id = db["articles"].insert(row).last_pk
        rows = [
            {"article_id": article_id, "seq": i, "start": s.start, "end": s.end,
             "text": s.text, "hash": sentence_hash(s.text)}
            for i, s in enumerate(passages)
        ]
        db["passages"].insert_all(rows, batch_size=500)
        for r in rows:
            counts.update(words(r["text"]))
        return article_id, len(rows), False

    def delete(self, article_id: int) -> bool:
        with self._writing() as db:
            if not db.execute("select 1 from articles where id = ?", [article_id]).fetchone():
                return False
            counts: Counter[str] = Counter()
            held = db.execute("select text from passages where article_id = ?", [article_id])
            for (text,) in held:
                counts.update(words(text))
            count_terms(db, counts, sign=-1)
            db.execute("delete from passages where article_id = ?", [article_id])
            db.execute("delete from articles where id = ?", [article_id])
        return True

    # ------------------------------------------------------------ reads

    @staticmethod
    def _find(db: sqlite_utils.Database, url: str | None, digest: str) -> int | None:
        row = db.execute(
            "select id from articles where text_hash = ? or (? is not null and url = ?) limit 1",
            [digest, url, url],
        ).fetchone()
        return row[0] if row else None

    @staticmethod
    def _passage_count(db: sqlite_utils.Database, article_id: int) -> int:
        return db.execute(
            "select count(*) from passages where article_id = ?", [article_id]
        ).fetchone()[0]

    def same_as(self, url: str | None, text: str) -> list[int]:
        """Ids of stored articles that are this page: same URL or same text."""
        rows = self.db.execute(
            "select id from articles where text_hash = ? or (? is not null and url = ?)",
            [text_hash(text), url, url],
        ).fetchall()
        return [r[0] for r in rows]

    def copies(self, sentences: Iterable[str]) -> dict[int, int]:
        """For each stored article, how many of these sentences it holds word for word."""
        hashes = sorted({sentence_hash(s) for s in sentences})
        if not hashes:
            return {}
        rows = self.db.execute(
            f"select article_id, count(distinct hash) from passages "
            f"where hash in ({','.join('?' * len(hashes))}) group by article_id",
            hashes,
        ).fetchall()
        return dict(rows)

    def document_frequencies(self, words: Iterable[str]) -> dict[str, int]:
        """How many stored passages hold each of these (lower-case) words."""
        wanted = sorted(set(words))
        found: dict[str, int] = {}
        for i in range(0, len(wanted), 500):
            chunk = wanted[i:i + 500]
            found.update(self.db.execute(
                f"select word, df from terms where word in ({','.join('?' * len(chunk))})", chunk
            ).fetchall())
        return found

    def search_many(
        self, queries: Sequence[str], exclude: Iterable[int] = (), limit: int = 20
    ) -> list[list[Passage]]:
        """For each FTS5 query, its best passages (bm25 first) outside articles `exclude`."""
        found: list[list[Passage]] = [[] for _ in queries]
        for start in range(0, len(queries), COMPOUND_MAX):
            chunk = range(start, min(start + COMPOUND_MAX, len(queries)))
            for i, passage in self._search_chunk(queries, chunk, sorted(set(exclude)), limit):
                found[i].append(passage)
        return found

    def _search_chunk(
        self, queries: Sequence[str], chunk: range, excluded: list[int], limit: int
    ) -> Iterator[tuple[int, Passage]]:
        """One SQL statement: a bm25 top-`limit` per query, joined to passage and article."""
        skip = (
            f"and rowid not in (select id from passages where article_id in "
            f"({','.join('?' * len(excluded))}))" if excluded else ""
        )
        parts = [
            f"select * from (select {i} as query, rowid as id, rank from passages_fts "
            f"where passages_fts match ? {skip} order by rank limit {int(limit)})"
            for i in chunk
        ]
        args = [x for i in chunk for x in (queries[i], *excluded)]
        rows = self.db.execute(
            f"with hits as ({' union all '.join(parts)}) "
            "select h.query, p.id, p.text, p.article_id, a.title, a.outlet, a.url, a.published "
            "from hits h join passages p on p.id = h.id join articles a on a.id = p.article_id "
            "order by h.query, h.rank",
            args,
        )
        for query, *fields in rows:
            yield query, Passage(*fields)

    def articles(self) -> list[dict[str, Any]]:
        return list(self.db.query(
            "select a.id, a.title, a.outlet, a.url, a.published, "
            "(select count(*) from passages p where p.article_id = a.id) as passages "
            "from articles a order by a.id"
        ))

    def article(self, article_id: int) -> dict[str, Any] | None:
        rows = list(self.db.query(
            "select id, title, outlet, author, url, published, language, added, text "
            "from articles where id = ?", [article_id]
        ))
        if not rows:
            return None
        found = rows[0]
        found["passages"] = list(self.db.query(
            "select id, seq, start, end, text from passages where article_id = ? order by seq",
            [article_id],
        ))
        return found

    def stats(self) -> dict[str, int]:
        count = lambda table: self.db.execute(f"select count(*) from {table}").fetchone()[0]  # noqa: E731
        return {
            "articles": count("articles"),
            "passages": count("passages"),
            "outlets": self.db.execute(
                "select count(distinct coalesce(outlet, url, id)) from articles"
            ).fetchone()[0],
        }

    def is_empty(self) -> bool:
        return self.db.execute("select count(*) from articles").fetchone()[0] == 0
