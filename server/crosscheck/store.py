"""The store: articles and their passages in SQLite, searched with FTS5 doclists.

The only module that touches sqlite-utils. Reads use one connection per
thread; writes are serialised by a lock and each article (row, passages and
index entries, kept in sync by FTS triggers) is written in one transaction.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import sqlite_utils
from sqlite_utils.migrations import Migrations

from .types import Article, Passage, Sentence

migrations = Migrations("crosscheck")
Hit = tuple[int, str, int]  # a passage found: (id, text, article id)
WORD = re.compile(r"\w+")
TOKENIZE = "porter unicode61 remove_diacritics 2"
ID_BITS = 40  # a passage id fits in 40 bits; the query index goes above them


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
        ["text"], create_triggers=True, tokenize=TOKENIZE
    )


@migrations()
def m002_terms(db: sqlite_utils.Database) -> None:
    """How many passages hold each indexed term (a stem, as FTS5 stores it), so retrieval
    can pick a claim's rarest terms without scanning the index."""
    db.execute("create table terms (term text primary key, df integer not null) without rowid")
    db.execute("create virtual table temp.all_terms using fts5vocab(main, passages_fts, row)")
    db.execute("insert into terms select term, doc from temp.all_terms")
    db.execute("drop table temp.all_terms")


def count_terms(db: sqlite_utils.Database, counts: Iterable[tuple[str, int]]) -> None:
    db.conn.executemany(
        "insert into terms (term, df) values (?, ?) "
        "on conflict (term) do update set df = df + excluded.df",
        list(counts),
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
            Path(self.path).touch(mode=0o600)  # a new store is its owner's only (WAL files too)
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
        texts: list[str] = []
        with self._writing() as db:
            added = [self._insert(db, article, passages, texts) for article, passages in items]
            count_terms(db, self._term_counts(texts))
        return added

    def _insert(
        self, db: sqlite_utils.Database, article: Article, passages: Iterable[Sentence],
        texts: list[str],
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
        texts.extend(r["text"] for r in rows)
        return article_id, len(rows), False

    def delete(self, article_id: int) -> bool:
        with self._writing() as db:
            if not db.execute("select 1 from articles where id = ?", [article_id]).fetchone():
                return False
            held = db.execute("select text from passages where article_id = ?", [article_id])
            counts = self._term_counts([text for (text,) in held])
            count_terms(db, [(term, -n) for term, n in counts])
            db.execute("delete from passages where article_id = ?", [article_id])
            db.execute("delete from articles where id = ?", [article_id])
        return True

    def optimize(self) -> None:
        """Merge the full-text index into one segment (FTS5 "optimize"), after a bulk load:
        looking a word up then reads one b-tree instead of one per segment (at 50,000
        passages, 17 segments made each lookup three times slower). Adds one at a time
        leave it to FTS5's automerge."""
        with self._write_lock:
            self.db["passages"].optimize()

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

    def _scratch(self) -> sqlite_utils.Database:
        """This thread's connection, with a temporary FTS5 table tokenizing as the index
        does: how texts become terms without a stemmer of our own."""
        db = self.db
        if not getattr(self._local, "scratch", False):
            db.execute(f"create virtual table temp.scratch using fts5(text, tokenize='{TOKENIZE}')")
            db.execute("create virtual table temp.scratch_rows using fts5vocab(temp, scratch, row)")
            db.execute(
                "create virtual table temp.scratch_terms using fts5vocab(temp, scratch, instance)")
            self._local.scratch = True
        return db

    def _tokenize(self, texts: Sequence[str]) -> sqlite_utils.Database:
        db = self._scratch()
        db.execute("delete from temp.scratch")
        db.conn.executemany("insert into temp.scratch (rowid, text) values (?, ?)",
                            list(enumerate(texts)))
        return db

    def _term_counts(self, texts: Sequence[str]) -> list[tuple[str, int]]:
        """(term, passages holding it) over these passage texts."""
        return self._tokenize(texts).execute("select term, doc from temp.scratch_rows").fetchall()

    def term_frequencies(
        self, words: Sequence[str], exclude: Iterable[int] = ()
    ) -> dict[str, tuple[str, int]]:
        """For each word, its index term and how many stored passages outside the articles
        `exclude` hold that term (words that are no term, or in no such passage, are left
        out): a page's own stored copy must not make its words look rare."""
        texts = self._texts_of(exclude)
        own = dict(self._term_counts(texts)) if texts else {}
        db = self._tokenize(words)
        rows = db.execute(
            "select s.doc, s.term, t.df from temp.scratch_terms s "
            "join terms t on t.term = s.term where t.df > 0"
        ).fetchall()
        db.conn.commit()  # ends the transaction sqlite3 opened for the scratch insert
        counts = {words[i]: (term, df - own.get(term, 0)) for i, term, df in rows}
        return {word: found for word, found in counts.items() if found[1] > 0}

    def _texts_of(self, articles: Iterable[int]) -> list[str]:
        ids = sorted(set(articles))
        return [row[0] for row in self.db.execute(
            f"select text from passages where article_id in ({','.join('?' * len(ids))})", ids,
        )] if ids else []

    def search_many(
        self, queries: Sequence[Sequence[tuple[str, float]]], exclude: Iterable[int] = (),
        limit: int = 20,
    ) -> list[list[Hit]]:
        """For each query, a list of (word, weight), the `limit` passages outside articles
        `exclude` whose words weigh most (ties: lowest id first). Each distinct word's FTS5
        doclist is read once for all queries and summed per passage with numpy: no bm25
        per row, no SQL grouping."""
        keys = [(q, word, weight) for q, query in enumerate(queries) for word, weight in query]
        if not keys:
            return [[] for _ in queries]
        lists = self._doclists(sorted({word for _, word, _ in keys}))
        ids = np.concatenate([lists[word] for _, word, _ in keys])
        sizes = [len(lists[word]) for _, word, _ in keys]
        of = np.repeat([q for q, _, _ in keys], sizes)
        weights = np.repeat([weight for _, _, weight in keys], sizes)
        pairs, where = np.unique((of << ID_BITS) | ids, return_inverse=True)
        sums = np.bincount(where.ravel(), weights)
        of, ids = pairs >> ID_BITS, pairs & ((1 << ID_BITS) - 1)
        kept = ~np.isin(ids, self._passage_ids(exclude))
        of, ids, sums = of[kept], ids[kept], sums[kept]
        order = np.lexsort((ids, -sums, of))  # by query, best first
        rank = np.arange(len(order)) - np.searchsorted(of[order], of[order])
        best = order[rank < limit]
        rows = self._rows(ids[best].tolist())
        found: list[list[Hit]] = [[] for _ in queries]
        for q, pid in zip(of[best].tolist(), ids[best].tolist(), strict=True):
            found[q].append(rows[pid])
        return found

    def _doclists(self, words: Sequence[str]) -> dict[str, np.ndarray]:
        """Each word's doclist: the ids of the passages holding its index term."""
        lists = {}
        for word in words:
            (ids,) = self.db.execute(
                "select group_concat(rowid) from passages_fts where passages_fts match ?",
                [f'"{word}"'],
            ).fetchone()
            lists[word] = np.fromstring(ids or "", dtype=np.int64, sep=",")
        return lists

    def _passage_ids(self, articles: Iterable[int]) -> np.ndarray:
        ids = sorted(set(articles))
        return np.array([row[0] for row in self.db.execute(
            f"select id from passages where article_id in ({','.join('?' * len(ids))})", ids,
        )] if ids else [], dtype=np.int64)

    def _rows(self, ids: Sequence[int]) -> dict[int, Hit]:
        return {row[0]: row for row in self.db.execute(
            "select id, text, article_id from passages "
            "where id in (select value from json_each(?))", [json.dumps(sorted(set(ids)))],
        )}

    def passages(self, hits: Iterable[Hit]) -> dict[int, Passage]:
        """The hits as Passages, with their articles' metadata (fetched once per article)."""
        hits = list(hits)
        ids = sorted({article_id for _, _, article_id in hits})
        meta = {row[0]: row[1:] for row in self.db.execute(
            f"select id, title, outlet, url, published from articles "
            f"where id in ({','.join('?' * len(ids))})", ids)} if ids else {}
        return {pid: Passage(pid, text, aid, *meta[aid]) for pid, text, aid in hits}

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
