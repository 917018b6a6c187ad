"""The SQLite store: articles and their passages in one file, searched with FTS5 doclists.

The only module that touches sqlite-utils. Reads use one connection per
thread; writes are serialised by a lock and each article (row, passages and
index entries, kept in sync by FTS triggers) is written in one transaction.
"""

from __future__ import annotations

import errno
import functools
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import numpy as np
import sqlite_utils
from sqlite_utils.migrations import Migrations

from .. import embed
from ..nearest import VectorIndex
from ..types import Article, Passage, Sentence
from .base import (
    LATER,
    Added,
    Hit,
    NotCommitted,
    Placer,
    Store,
    StoreError,
    now,
    sentence_hash,
    text_hash,
)
from .tokens import TOKENIZE, tokenizer

migrations = Migrations("crosscheck")
HELD_WORDS = 200_000  # words whose articles are remembered (`Owners.holding`) at most
T = TypeVar("T")
SQLITE_BUSY, SQLITE_READONLY, SQLITE_IOERR, SQLITE_CORRUPT = 5, 8, 10, 11  # primary codes
SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_NOTADB = 13, 14, 26


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


@migrations()
def m003_feedback(db: sqlite_utils.Database) -> None:
    """A reader's "not the same fact" on a claim and a passage. The claim is kept by its
    sentence hash (so a re-check of the page finds it) and, with the passage's text, in full:
    the judgement stays exportable as labelled data after the article is deleted."""
    db["feedback"].create(
        {"id": int, "claim_hash": str, "claim": str, "passage_id": int, "passage": str,
         "relation": str, "verdict": str, "created": str},
        pk="id", not_null={"claim_hash", "claim", "passage_id", "passage", "verdict"},
    )
    db["feedback"].create_index(["claim_hash", "passage_id"], unique=True)


@migrations()
def m004_profiles(db: sqlite_utils.Database) -> None:
    """Each passage's profile as matching reads it (profile.stored_form), made when it is
    stored; `meta` says which version of the code made them (see Store.forget_profiles)."""
    db.execute("alter table passages add column profile text")
    db.execute("create table meta (key text primary key, value text) without rowid")


@migrations(name=f"m005_vectors_{embed.model_id()}")
def m005_vectors(db: sqlite_utils.Database) -> None:
    """Each passage's sentence vector (`embed.py`, int8, `nearest.py`), made by the model
    this migration is named after: a new model's migration embeds every passage again."""
    db.execute("create table if not exists vectors (passage_id integer primary key, "
               "vector blob not null)")
    db.execute("create table if not exists vector_model (id text not null, "
               "deletions integer not null)")
    db.execute("delete from vectors")
    db.execute("delete from vector_model")
    db.execute("insert into vector_model (id, deletions) values (?, 0)", [embed.model_id()])
    embed_passages(db, db.execute("select id, text from passages order by id").fetchall())


def forget_other_models(db: sqlite_utils.Database) -> None:
    """Forget that another model's vectors were made (CROSSCHECK_VECTORS changed): opened with
    that model again, the store makes its vectors again."""
    where = "name like 'm005_vectors_%' and name != ?", [f"m005_vectors_{embed.model_id()}"]
    if db.execute(f"select 1 from _sqlite_migrations where {where[0]}", where[1]).fetchone():
        with db.conn:
            db.execute(f"delete from _sqlite_migrations where {where[0]}", where[1])


def embed_passages(db: sqlite_utils.Database, rows: Sequence[tuple[int, str]]) -> None:
    """Store the sentence vectors of these (passage id, text) rows."""
    for start in range(0, len(rows), 4096):
        batch = rows[start:start + 4096]
        vectors = embed.stored([text for _, text in batch])
        db.conn.executemany("insert or replace into vectors (passage_id, vector) values (?, ?)",
                            [(pid, v) for (pid, _), v in zip(batch, vectors, strict=True)])


@migrations()
def m006_stories(db: sqlite_utils.Database) -> None:
    """Stories: the stored articles that report one event (see stories.py). Each article gets
    its story when it is added; a story goes with its last article. Articles stored before
    this are placed on the next open (`pipeline.ensure_stories`). `story_nats` is the evidence
    with which an article joined its story (story.py; none for the article that started it).
    `changes` counts deleted passages, so a cache of passage owners knows when to reload."""
    db["stories"].create({"id": int, "created": str}, pk="id")
    db["articles"].add_column("story_id", int)
    db["articles"].add_column("story_nats", float)
    db["articles"].create_index(["story_id"])
    db.execute("create table changes (name text primary key, n integer not null) without rowid")
    db.execute("insert into changes values ('passages deleted', 0)")
    db.execute("create trigger passages_deleted after delete on passages begin update changes "
               "set n = n + 1 where name = 'passages deleted'; end")


def count_terms(db: sqlite_utils.Database, counts: Iterable[tuple[str, int]]) -> None:
    db.conn.executemany(
        "insert into terms (term, df) values (?, ?) "
        "on conflict (term) do update set df = df + excluded.df",
        list(counts),
    )


def writable(path: Path) -> bool:
    """Can this file (or folder) be written, or made if it does not exist yet?"""
    while not path.exists() and path != path.parent:
        path = path.parent
    return os.access(path, os.W_OK)


def private_folder(folder: Path) -> None:
    """Make the store's folder if it is missing, readable by its owner only."""
    if not folder.exists():
        folder.mkdir(parents=True)
        folder.chmod(0o700)


def undecodable(exc: BaseException) -> bool:
    """Text that is not UTF-8 read back: only UTF-8 is written, so the file is damaged."""
    return isinstance(exc, sqlite3.OperationalError) and "Could not decode" in str(exc)


def mapped(method: Callable[..., T]) -> Callable[..., T]:
    """A Store write whose storage failures come out as StoreError (for the API and CLI)."""
    @functools.wraps(method)
    def wrapper(self: SQLiteStore, *args: Any, **kwargs: Any) -> T:
        try:
            return method(self, *args, **kwargs)
        except (sqlite3.Error, OSError) as exc:
            failure = self.failure(exc)
            if failure is None:
                raise
            raise failure from exc
    return wrapper


class Owners:
    """Which article each stored passage belongs to, and how many passages each article has,
    as numpy arrays: the story stage maps 60 doclists to articles without joining each of their
    rows to `passages` (4x faster). Grown by the passages above those it holds; reloaded when
    passages were deleted since (the `changes` counter, any process) or a write rolled back.
    The articles holding each word looked up are remembered until then (`holding`): placing
    the articles of an import reads most words again for later articles."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.article = np.zeros(0, dtype=np.int64)  # passage id -> article id (0: none)
        self.size = np.zeros(0, dtype=np.int64)  # article id -> passages
        self.deleted = -1
        self.holders: dict[str, np.ndarray] = {}  # word -> articles, for these arrays

    def reset(self) -> None:
        with self.lock:
            self.deleted = -1

    def read(self, db: sqlite_utils.Database) -> tuple[np.ndarray, np.ndarray]:
        """Both arrays, covering every passage this connection sees."""
        (deleted,) = db.execute("select n from changes where name = 'passages deleted'").fetchone()
        with self.lock:
            if deleted != self.deleted:
                self.article, self.size = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
                self.deleted = deleted
                self.holders = {}
            self.grow(db)
            return self.article, self.size

    def holding(self, db: sqlite_utils.Database, words: Sequence[str],
                doclists: Callable[[Sequence[str]], dict[str, np.ndarray]],
                ) -> dict[str, np.ndarray]:
        """The articles holding each word: remembered ones, and those of `doclists`. Not
        inside a write, which sees passages other connections do not (and may roll back)."""
        writing = db.conn.in_transaction
        self.read(db)
        memo = {} if writing else self.holders
        found = {w: memo[w] for w in words if w in memo}
        missing = [w for w in words if w not in found]
        if missing:
            lists = doclists(missing)
            owner, _ = self.read(db)  # after the doclists: it covers every id in them
            fresh = {w: np.unique(owner[ids]) for w, ids in lists.items()}
            with self.lock:
                if self.holders is memo and len(memo) < HELD_WORDS:  # no passage came meanwhile
                    memo.update(fresh)
            found.update(fresh)
        return {w: found[w] for w in words}

    def grow(self, db: sqlite_utils.Database) -> None:
        ids, owners = (np.fromstring(found or "", dtype=np.int64, sep=",") for found in db.execute(
            "select group_concat(id), group_concat(article_id) from passages where id >= ?",
            [len(self.article)]).fetchone())
        if not len(ids):
            return
        self.holders = {}
        article = np.zeros(max(len(self.article), int(ids.max()) + 1), dtype=np.int64)
        article[:len(self.article)] = self.article
        article[ids] = owners
        size = np.zeros(max(len(self.size), int(owners.max()) + 1), dtype=np.int64)
        size[:len(self.size)] = self.size
        np.add.at(size, owners, 1)
        self.article, self.size = article, size


class SQLiteStore(Store):
    errors = (sqlite3.Error, OSError)

    def __init__(self, path: str | Path):
        self.path = str(path)
        self.read_only = self.path != ":memory:" and not writable(Path(self.path))
        self.damaged: str | None = None  # why, once a read found the file damaged
        self._local = threading.local()
        self._write_lock = threading.Lock()
        self._vectors: tuple[tuple[str, int], VectorIndex] | None = None
        self._vectors_lock = threading.Lock()
        self._owners = Owners()
        try:
            self._open()
        except (sqlite3.Error, OSError) as exc:
            raise self.failure(exc) or exc from None

    def close(self) -> None:
        """Each thread's connection closes with its thread: nothing to let go of here."""

    def _open(self) -> None:
        if self.path != ":memory:" and not self.read_only:
            private_folder(Path(self.path).parent)
            Path(self.path).touch(mode=0o600)  # a new store is its owner's only (WAL files too)
            for file in (self.path, self.path + "-wal", self.path + "-shm"):
                if os.path.exists(file) and os.stat(file).st_mode & 0o077:
                    os.chmod(file, 0o600)  # a store made looser elsewhere is made private
        db = self.db
        if self.read_only:
            if migrations.pending(db):
                raise StoreError(503, f"the store {self.path} is read-only and made by an older "
                                      "version: open it once where it can be written")
            return
        if self.path != ":memory:":
            db.enable_wal()
        with self._write_lock:
            migrations.apply(db)
            forget_other_models(db)

    def check(self) -> None:
        """PRAGMA quick_check: raises StoreError if the file is damaged."""
        try:
            found = [row[0] for row in self.db.execute("PRAGMA quick_check(5)").fetchall()]
        except sqlite3.Error as exc:
            raise self.failure(exc) or exc from None
        if found != ["ok"]:
            lines = "\n".join(found).splitlines()
            self.damaged = next((line for line in lines if not line.startswith("***")), "?")
            raise self.damage_error()

    def failure(self, exc: BaseException) -> StoreError | None:
        """The owner's version of a storage failure, or None if `exc` is not one.

        A damaged file is remembered: nothing more is written to it."""
        if isinstance(exc, StoreError):
            return exc
        code = getattr(exc, "sqlite_errorcode", None)
        primary = code & 0xFF if isinstance(code, int) else None
        number = exc.errno if isinstance(exc, OSError) else None
        if primary in (SQLITE_CORRUPT, SQLITE_NOTADB) or undecodable(exc):
            self.damaged = str(exc)
            return self.damage_error()
        if primary == SQLITE_FULL or number in (errno.ENOSPC, errno.EDQUOT):
            return StoreError(507, f"the disk holding the store ({self.path}) is full: nothing "
                                   "was stored; free some space, then try again")
        if primary == SQLITE_READONLY or number in (errno.EROFS, errno.EACCES, errno.EPERM):
            return self.read_only_error()
        if primary == SQLITE_BUSY:
            return StoreError(503, "another program is writing to the store; try again soon")
        if primary in (SQLITE_IOERR, SQLITE_CANTOPEN) or number is not None:
            return StoreError(503, f"the store ({self.path}) could not be read or written "
                                   f"({exc}): check the disk it is on")
        return None

    def disk_size(self) -> int:
        """The file with its write-ahead log."""
        files = (self.path, self.path + "-wal")
        return sum(os.path.getsize(f) for f in files if os.path.exists(f))

    def damage_error(self) -> StoreError:
        return StoreError(503, f"the store ({self.path}) is damaged ({self.damaged}); nothing "
                               "more is written to it. Restore a backup, or save what it holds "
                               f"with: sqlite3 {self.path} .recover | sqlite3 recovered.db")

    def read_only_error(self) -> StoreError:
        return StoreError(503, f"the store ({self.path}) is read-only (its file or disk cannot "
                               "be written): it can be read, not added to. Make it writable, or "
                               "start with --db on a disk you can write to")

    def _connect(self) -> sqlite_utils.Database:
        if not self.read_only:
            return sqlite_utils.Database(self.path)
        # with no -wal file beside it, and none makeable, it is a file nobody changes
        fixed = not writable(Path(self.path).parent) and not os.path.exists(self.path + "-wal")
        immutable = "&immutable=1" if fixed else ""
        uri = f"file:{quote(os.path.abspath(self.path))}?mode=ro{immutable}"
        return sqlite_utils.Database(sqlite3.connect(uri, uri=True, check_same_thread=False))

    @property
    def db(self) -> sqlite_utils.Database:
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._connect()
            db.execute("PRAGMA busy_timeout=10000")
            db.execute("PRAGMA foreign_keys=ON")
            db.execute("PRAGMA synchronous=NORMAL")
            self._local.db = db
        return db

    def _may_write(self) -> None:
        if self.damaged is not None:
            raise self.damage_error()
        if self.read_only:
            raise self.read_only_error()

    @contextmanager
    def _writing(self, may_commit: Callable[[], bool] | None = None
                 ) -> Iterator[sqlite_utils.Database]:
        """One transaction under the write lock; rolled back if `may_commit` says no."""
        self._may_write()
        db = self.db
        with self._write_lock:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
                if may_commit is not None and not may_commit():
                    raise NotCommitted
            except BaseException:
                db.rollback()
                self._owners.reset()  # it may hold passages that were never stored
                raise
            db.commit()

    # ------------------------------------------------------------ writes

    @mapped
    def add_many(
        self, items: Iterable[tuple[Article, Iterable[Sentence]]],
        may_commit: Callable[[], bool] | None = None, place: Placer | None = None,
    ) -> list[Added]:
        # the passages whose terms are not counted yet: counted in one go, at the end or
        # when `place` reads term counts (term_frequencies)
        texts: list[str] = []
        given: dict[tuple[int, int], bytes] = {}  # (article, seq): vector made beforehand
        with self._writing(may_commit) as db:
            self._local.uncounted = texts
            try:
                added = [self._insert(db, article, list(passages), place, texts, given)
                         for article, passages in items]
            finally:
                self._local.uncounted = None
            self._count(db, texts)
            new = sorted({aid for aid, _, duplicate in added if not duplicate})
            self._store_vectors(db, new, given)
        return added

    @staticmethod
    def _store_vectors(db: sqlite_utils.Database, articles: Sequence[int],
                       given: dict[tuple[int, int], bytes]) -> None:
        """The vectors of these new articles' passages: those given, and the others made."""
        rows = db.execute(
            "select id, article_id, seq, text from passages where article_id in (select value "
            "from json_each(?)) order by id", [json.dumps(articles)]).fetchall()
        db.conn.executemany("insert into vectors (passage_id, vector) values (?, ?)",
                            [(pid, given[aid, seq]) for pid, aid, seq, _ in rows
                             if (aid, seq) in given])
        embed_passages(db, [(pid, text) for pid, aid, seq, text in rows
                            if (aid, seq) not in given])

    def _insert(
        self, db: sqlite_utils.Database, article: Article, passages: list[Sentence],
        place: Placer | None, texts: list[str], given: dict[tuple[int, int], bytes],
    ) -> Added:
        digest = text_hash(article.text)
        existing = self._find(db, article.url, digest)
        if existing is not None:
            return existing, self._passage_count(db, existing), True
        story, nats = place(article, passages) if place is not None else (None, None)
        if story is None:
            story = db["stories"].insert({"created": now()}).last_pk
        elif story == LATER:
            story = None
        row = {
            "url": article.url, "title": article.title, "outlet": article.outlet,
            "author": article.author, "published": article.published,
            "language": article.language, "text": article.text, "text_hash": digest,
            "added": now(), "story_id": story, "story_nats": nats,
        }
        article_id = db["articles"].insert(row).last_pk
        sentences = list(passages)
        rows = [
            {"article_id": article_id, "seq": i, "start": s.start, "end": s.end,
             "text": s.text, "hash": sentence_hash(s.text), "profile": s.profile}
            for i, s in enumerate(sentences)
        ]
        db["passages"].insert_all(rows, batch_size=500)
        texts.extend(r["text"] for r in rows)
        given.update(((article_id, i), s.vector) for i, s in enumerate(sentences)
                     if s.vector is not None)
        return article_id, len(rows), False

    def _count(self, db: sqlite_utils.Database, texts: list[str]) -> None:
        """Count the terms of these passages in `terms` (batched: one pass over many)."""
        if texts:
            count_terms(db, self._term_counts(texts))
            texts.clear()

    def unplaced(self) -> list[int]:
        return [row[0] for row in self.db.execute(
            "select id from articles where story_id is null order by id")]

    @mapped
    def assign_story(self, article_id: int, story_id: int | None, nats: float | None) -> int:
        with self._writing() as db:
            row = db.execute("select story_id from articles where id = ?", [article_id]).fetchone()
            if row is None or row[0] is not None:  # removed, or placed by another process
                return row[0] if row else LATER
            if story_id is not None and not db.execute(
                    "select 1 from stories where id = ?", [story_id]).fetchone():
                story_id = None  # its last article was removed meanwhile
            if story_id is None:
                story_id = db["stories"].insert({"created": now()}).last_pk
            db.execute("update articles set story_id = ?, story_nats = ? where id = ?",
                       [story_id, nats, article_id])
        return story_id

    @mapped
    def delete(self, article_id: int) -> bool:
        with self._writing() as db:
            if not db.execute("select 1 from articles where id = ?", [article_id]).fetchone():
                return False
            held = db.execute("select text from passages where article_id = ?", [article_id])
            counts = self._term_counts([text for (text,) in held])
            count_terms(db, [(term, -n) for term, n in counts])
            (story,) = db.execute("select story_id from articles where id = ?",
                                  [article_id]).fetchone()
            db.execute("delete from vectors where passage_id in (select id from passages "
                       "where article_id = ?)", [article_id])
            db.execute("update vector_model set deletions = deletions + 1")
            db.execute("delete from passages where article_id = ?", [article_id])
            db.execute("delete from articles where id = ?", [article_id])
            db.execute("delete from stories where id = ? and not exists "
                       "(select 1 from articles where story_id = ?)", [story, story])
        return True

    @mapped
    def add_feedback(self, claim: str, passage_id: int, relation: str | None) -> int | None:
        """Record "not the same fact" for a claim and a passage; its id (the same id when it is
        recorded already), or None when there is no such passage."""
        key = sentence_hash(claim)
        with self._writing() as db:
            row = db.execute("select text from passages where id = ?", [passage_id]).fetchone()
            if row is None:
                return None
            db.execute(
                "insert into feedback (claim_hash, claim, passage_id, passage, relation, verdict,"
                " created) values (?, ?, ?, ?, ?, 'not the same fact', ?)"
                " on conflict (claim_hash, passage_id) do nothing",
                [key, claim, passage_id, row[0], relation, now()])
            (found,) = db.execute("select id from feedback where claim_hash = ? and passage_id = ?",
                                  [key, passage_id]).fetchone()
        return int(found)

    @mapped
    def delete_feedback(self, feedback_id: int) -> bool:
        with self._writing() as db:
            return db.execute("delete from feedback where id = ?", [feedback_id]).rowcount > 0

    def feedback(self) -> list[dict[str, Any]]:
        return list(self.db.query(
            "select id, claim, passage_id, passage, relation, verdict, created from feedback"
            " order by id"))

    def dismissed(self, claims: Iterable[str]) -> dict[tuple[str, int], int]:
        """{(claim text, passage id): feedback id} for the pairs a reader said are not the
        same fact, among these claims."""
        by_hash = {sentence_hash(claim): claim for claim in claims}
        if not by_hash:
            return {}
        rows = self.db.execute(
            "select claim_hash, passage_id, id from feedback where claim_hash in"
            " (select value from json_each(?))", [json.dumps(sorted(by_hash))]).fetchall()
        return {(by_hash[key], pid): fid for key, pid, fid in rows}

    @mapped
    def optimize(self) -> None:
        """Merge the full-text index into one segment (FTS5 "optimize"), after a bulk load:
        looking a word up then reads one b-tree instead of one per segment (at 50,000
        passages, 17 segments made each lookup three times slower). Adds one at a time
        leave it to FTS5's automerge."""
        self._may_write()
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

    def _term_counts(self, texts: Sequence[str]) -> list[tuple[str, int]]:
        """(term, passages holding it) over these passage texts."""
        return tokenizer.counts(texts)

    def term_frequencies(
        self, words: Sequence[str], exclude: Iterable[int] = ()
    ) -> dict[str, tuple[str, int]]:
        """For each word, its index term and how many stored passages outside the articles
        `exclude` hold that term (words that are no term, or in no such passage, are left
        out): a page's own stored copy must not make its words look rare."""
        self._count(self.db, getattr(self._local, "uncounted", None) or [])  # placing, in add
        texts = self._texts_of(exclude)
        own = dict(self._term_counts(texts)) if texts else {}
        found = tokenizer.instances(words)
        wanted = sorted({term for _, term in found})
        df = dict(self.db.execute(
            "select term, df from terms where term in (select value from json_each(?))"
            " and df > 0", [json.dumps(wanted)]).fetchall())
        counts = {words[i]: (term, df[term] - own.get(term, 0)) for i, term in found
                  if term in df}
        return {word: found for word, found in counts.items() if found[1] > 0}

    def _texts_of(self, articles: Iterable[int]) -> list[str]:
        ids = sorted(set(articles))
        return [row[0] for row in self.db.execute(
            f"select text from passages where article_id in ({','.join('?' * len(ids))})", ids,
        )] if ids else []

    def doclists(self, words: Sequence[str]) -> dict[str, np.ndarray]:
        lists = {}
        for word in words:
            (ids,) = self.db.execute(
                "select group_concat(rowid) from passages_fts where passages_fts match ?",
                [f'"{word}"'],
            ).fetchone()
            lists[word] = np.fromstring(ids or "", dtype=np.int64, sep=",")
        return lists

    def passage_ids(self, articles: Iterable[int]) -> np.ndarray:
        ids = sorted(set(articles))
        return np.array([row[0] for row in self.db.execute(
            f"select id from passages where article_id in ({','.join('?' * len(ids))})", ids,
        )] if ids else [], dtype=np.int64)

    def hits(self, ids: Sequence[int]) -> dict[int, Hit]:
        wanted = sorted(set(ids))
        found = {row[0]: row for row in self.db.execute(
            "select id, text, article_id from passages "
            "where id in (select value from json_each(?))", [json.dumps(wanted)],
        )}
        if len(found) < len(wanted):  # an index naming rows that are not there: deleted
            self.check()  # meanwhile, or a damaged file (StoreError)
        return found

    def passages(self, hits: Iterable[Hit]) -> dict[int, Passage]:
        """The hits as Passages, with their articles' metadata (fetched once per article)."""
        hits = list(hits)
        ids = sorted({article_id for _, _, article_id in hits})
        meta = {row[0]: row[1:] for row in self.db.execute(
            f"select id, title, outlet, url, published from articles "
            f"where id in ({','.join('?' * len(ids))})", ids)} if ids else {}
        forms = dict(self.db.execute(
            "select id, profile from passages where id in (select value from json_each(?))",
            [json.dumps(sorted({pid for pid, _, _ in hits}))]))
        return {pid: Passage(pid, text, aid, *meta[aid],
                             profile=forms.get(pid) if self.profiles_usable else None)
                for pid, text, aid in hits}

    def profile_version(self) -> str | None:
        row = self.db.execute("select value from meta where key = 'profile'").fetchone()
        return row[0] if row else None

    @mapped
    def forget_profiles(self, version: str) -> None:
        with self._writing() as db:
            db.execute("update passages set profile = null where profile is not null")
            db.execute("insert or replace into meta (key, value) values ('profile', ?)",
                       [version])

    def unprofiled(self, after: int, limit: int) -> list[tuple[int, str]]:
        return self.db.execute(
            "select id, text from passages where id > ? and profile is null order by id "
            "limit ?", [after, limit]).fetchall()

    @mapped
    def set_profiles(self, forms: Sequence[tuple[int, str]]) -> None:
        with self._writing() as db:
            db.conn.executemany("update passages set profile = ? where id = ?",
                                [(form, pid) for pid, form in forms])

    def vector_index(self) -> VectorIndex:
        """The stored vectors in memory, brought up to date: rows added since the last look
        are read, and all of them again after a deletion or a new model."""
        with self._vectors_lock:
            state = self.db.execute("select id, deletions from vector_model").fetchone()
            if self._vectors is None or self._vectors[0] != tuple(state):
                saved = None if self.path == ":memory:" else Path(
                    f"{self.path}.{embed.model_id()}.usearch")  # the approximate graph
                self._vectors = (tuple(state), VectorIndex(embed.dimensions(), saved))
            index = self._vectors[1]
            index.extend(self.db.execute(
                "select v.passage_id, p.article_id, v.vector from vectors v join passages p "
                "on p.id = v.passage_id where v.passage_id > ? order by v.passage_id",
                [index.last_id()]))
            return index

    def articles_holding(self, words: Sequence[str]) -> dict[str, np.ndarray]:
        return self._owners.holding(self.db, words, self.doclists)

    def sizes(self, article_ids: Iterable[int]) -> dict[int, int]:
        """How many passages each of these articles has (those with any)."""
        _, size = self._owners.read(self.db)
        ids = np.fromiter(set(article_ids), dtype=np.int64)
        ids = ids[(ids >= 0) & (ids < len(size))]
        counts = size[ids]
        ids, counts = ids[counts > 0], counts[counts > 0]
        return dict(zip(ids.tolist(), counts.tolist(), strict=True))

    def passage_count(self) -> int:
        """About how many passages are stored (the highest id: instant at any size)."""
        return self.db.execute("select coalesce(max(id), 0) from passages").fetchone()[0]

    def published(self, article_ids: Iterable[int]) -> dict[int, str | None]:
        ids = sorted(set(article_ids))
        return dict(self.db.execute(
            f"select id, published from articles where id in ({','.join('?' * len(ids))})", ids,
        ).fetchall()) if ids else {}

    def reading_order(self, article_ids: Sequence[int]) -> list[Hit]:
        ids = list(article_ids)
        return self.db.execute(
            f"select id, text, article_id from passages where article_id in "
            f"({','.join('?' * len(ids))}) order by article_id, seq", ids).fetchall() if ids else []

    def articles(self) -> list[dict[str, Any]]:
        return list(self.db.query(
            "select a.id, a.title, a.outlet, a.url, a.published, "
            "(select count(*) from passages p where p.article_id = a.id) as passages "
            "from articles a order by a.id"
        ))

    def find_articles(self, query: str = "", limit: int = 100
                      ) -> tuple[list[dict[str, Any]], int]:
        """Articles whose title, outlet or address holds `query`, or whose passages hold all
        its words (FTS5); newest first, at most `limit`, and how many match in all."""
        where, params = "", {}
        if query.strip():
            where = ("where instr(lower(coalesce(a.title, '') || ' ' || coalesce(a.outlet, '') "
                     "|| ' ' || coalesce(a.url, '')), lower(:q)) > 0 or a.id in (select "
                     "p.article_id from passages p join passages_fts f on f.rowid = p.id "
                     "where passages_fts match :fts)")
            params = {"q": query.strip(), "fts": self.db.quote_fts(query)}
        total = self.db.execute(f"select count(*) from articles a {where}", params).fetchone()[0]
        rows = list(self.db.query(
            "select a.id, a.title, a.outlet, a.url, a.published, "
            "(select count(*) from passages p where p.article_id = a.id) as passages "
            f"from articles a {where} order by a.id desc limit :limit", {**params, "limit": limit},
        ))
        return rows, total

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

    # ------------------------------------------------------------ stories

    def story_of(self, article_ids: Iterable[int]) -> dict[int, int]:
        """The story of each of these articles (those placed in one)."""
        return dict(self.db.execute(
            "select id, story_id from articles where story_id is not null and id in "
            "(select value from json_each(?))", [json.dumps(sorted(set(article_ids)))]))

    def story_members(self, story_ids: Iterable[int]) -> dict[int, list[int]]:
        """The articles of each of these stories."""
        found: dict[int, list[int]] = {}
        for story, article in self.db.execute(
                "select story_id, id from articles where story_id in "
                "(select value from json_each(?)) order by id",
                [json.dumps(sorted(set(story_ids)))]):
            found.setdefault(story, []).append(article)
        return found

    def story_articles(self, story_id: int) -> list[dict[str, Any]]:
        """The articles of a story, oldest first (undated last), with how many passages."""
        return list(self.db.query(
            "select a.id, a.title, a.outlet, a.url, a.published, a.story_nats, "
            "(select count(*) from passages p where p.article_id = a.id) as passages "
            "from articles a where a.story_id = ? "
            "order by a.published is null, a.published, a.id", [story_id]))

    def stories(self, limit: int = 50, offset: int = 0, min_articles: int = 1
                ) -> tuple[list[dict[str, Any]], int]:
        """Stories of at least `min_articles` articles, newest first (by their latest dated
        article; undated stories last, newest added first), and how many there are in all."""
        grouped = ("select story_id as id, count(*) as articles, min(published) as first, "
                   "max(published) as last, min(id) as opener from articles "
                   "where story_id is not null group by story_id having count(*) >= :least")
        params = {"least": min_articles, "limit": limit, "offset": offset}
        total = self.db.execute(f"select count(*) from ({grouped})", params).fetchone()[0]
        rows = list(self.db.query(
            "select g.id, g.articles, g.first, g.last, a.title, a.outlet, a.url "
            f"from ({grouped}) g join articles a on a.id = g.opener "
            "order by g.last is null, g.last desc, g.id desc limit :limit offset :offset",
            params))
        return rows, total

    def sources_of(self, story_ids: Iterable[int]) -> list[tuple[int, str | None, str | None]]:
        """(story, outlet, url) of every article of these stories."""
        return self.db.execute(
            "select story_id, outlet, url from articles where story_id in "
            "(select value from json_each(?)) order by id",
            [json.dumps(sorted(set(story_ids)))]).fetchall()

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
