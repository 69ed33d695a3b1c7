"""SQLite store: one file, WAL journal, every write in a transaction, schema versioned by migrations."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np

from storylens.errors import NotFoundError, StoreError
from storylens.model import Analysis, Article, Rejection, Removed, SourceState, Story, content_id, iso
from storylens.store.base import STORY_ORDERS, StoryPage, StoryQuery
from storylens.store.search import SEARCH_MIGRATION, search_matches, story_filters
from storylens.store.state import (
    ALIASES_MIGRATION,
    MEMBERS_BACKFILL_MIGRATION,
    MEMBERS_MIGRATION,
    PENDING_VECTORS_MIGRATION,
    STATE_MIGRATION,
    StoryStateTables,
)

# Each entry moves the schema from version N to N+1; never edit one that has shipped.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE articles (
        seq        INTEGER PRIMARY KEY AUTOINCREMENT,
        id         TEXT NOT NULL UNIQUE,
        title      TEXT,
        outlet     TEXT,
        url        TEXT,
        byline     TEXT,
        published  TEXT,
        updated    TEXT,
        lang       TEXT,
        input      TEXT,
        text       TEXT NOT NULL,
        story_id   TEXT,
        duplicate_of TEXT,
        ingested_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now'))
    );
    CREATE INDEX articles_story ON articles (story_id);
    CREATE TABLE removed (
        article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
        position   INTEGER NOT NULL,
        text       TEXT NOT NULL,
        reason     TEXT NOT NULL,
        PRIMARY KEY (article_id, position)
    );
    CREATE TABLE rejections (
        input  TEXT NOT NULL,
        stage  TEXT NOT NULL,
        reason TEXT NOT NULL,
        at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now')),
        PRIMARY KEY (input, stage, reason)
    );
    CREATE TABLE comparisons (
        story_id    TEXT PRIMARY KEY,
        article_ids TEXT NOT NULL,
        report      TEXT NOT NULL,
        computed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now'))
    );
    """,
    """
    CREATE TABLE analyses (
        article_id TEXT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
        version    TEXT NOT NULL,
        analysis   TEXT NOT NULL,
        vectors    BLOB
    );
    """,
    """
    CREATE TABLE backfill_slices (
        key      TEXT PRIMARY KEY,
        articles INTEGER NOT NULL,
        rejected INTEGER NOT NULL,
        done_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now'))
    );
    """,
    """
    CREATE TABLE sources (
        url            TEXT PRIMARY KEY,
        kind           TEXT,
        etag           TEXT,
        last_modified  TEXT,
        last_poll      TEXT,
        next_poll      TEXT,
        last_success   TEXT,
        failures       INTEGER NOT NULL DEFAULT 0,
        last_error     TEXT,
        articles_found INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE fetched (
        url        TEXT PRIMARY KEY,
        article_id TEXT,
        outcome    TEXT NOT NULL,
        fetched_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now'))
    );
    """,
    STATE_MIGRATION,
    # Story list, search and paging in SQL (the web UI and the HTTP API): an index that answers
    # per-story counts and dates without reading article rows, one for the outlet filter, and a
    # full-text index of titles, outlets and text kept in step with `articles` by triggers.
    """
    CREATE INDEX articles_story_cover ON articles (story_id, published, outlet);
    CREATE INDEX articles_outlet ON articles (outlet COLLATE NOCASE);
    CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, outlet, text, content='articles', content_rowid='seq',
        tokenize='unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts (rowid, title, outlet, text) VALUES (new.seq, new.title, new.outlet, new.text);
    END;
    CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts (articles_fts, rowid, title, outlet, text)
        VALUES ('delete', old.seq, old.title, old.outlet, old.text);
    END;
    CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, outlet, text ON articles BEGIN
        INSERT INTO articles_fts (articles_fts, rowid, title, outlet, text)
        VALUES ('delete', old.seq, old.title, old.outlet, old.text);
        INSERT INTO articles_fts (rowid, title, outlet, text) VALUES (new.seq, new.title, new.outlet, new.text);
    END;
    INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');
    """,
    # One row per story (size, outlets, first and last day) kept by triggers as articles arrive,
    # move between stories (a merge) or go: the story list sorts and pages these rows, so a page
    # costs the same with 100 or 100,000 stories. A story's row is recomputed from its articles
    # over the (story_id, published, outlet) index: O(story size) per changed article.
    """
    CREATE TABLE story_summary (
        story_id   TEXT PRIMARY KEY,
        size       INTEGER NOT NULL,
        outlets    INTEGER NOT NULL,
        first_seen TEXT,
        last_seen  TEXT
    );
    CREATE INDEX story_summary_last_seen ON story_summary (last_seen);
    INSERT INTO story_summary
        SELECT story_id, COUNT(*), COUNT(DISTINCT outlet COLLATE NOCASE), MIN(published), MAX(published)
        FROM articles WHERE story_id IS NOT NULL GROUP BY story_id;
    CREATE TRIGGER story_summary_insert AFTER INSERT ON articles WHEN new.story_id IS NOT NULL BEGIN
        INSERT OR REPLACE INTO story_summary
            SELECT story_id, COUNT(*), COUNT(DISTINCT outlet COLLATE NOCASE), MIN(published), MAX(published)
            FROM articles WHERE story_id = new.story_id GROUP BY story_id;
    END;
    CREATE TRIGGER story_summary_update AFTER UPDATE OF story_id, outlet, published ON articles BEGIN
        DELETE FROM story_summary WHERE story_id = old.story_id
            AND NOT EXISTS (SELECT 1 FROM articles WHERE story_id = old.story_id);
        INSERT OR REPLACE INTO story_summary
            SELECT story_id, COUNT(*), COUNT(DISTINCT outlet COLLATE NOCASE), MIN(published), MAX(published)
            FROM articles WHERE story_id IN (old.story_id, new.story_id) GROUP BY story_id;
    END;
    CREATE TRIGGER story_summary_delete AFTER DELETE ON articles WHEN old.story_id IS NOT NULL BEGIN
        DELETE FROM story_summary WHERE story_id = old.story_id
            AND NOT EXISTS (SELECT 1 FROM articles WHERE story_id = old.story_id);
        INSERT OR REPLACE INTO story_summary
            SELECT story_id, COUNT(*), COUNT(DISTINCT outlet COLLATE NOCASE), MIN(published), MAX(published)
            FROM articles WHERE story_id = old.story_id GROUP BY story_id;
    END;
    """,
    # One index per order of the story list (base.STORY_ORDERS, spelled the same): a page is read
    # off the index instead of sorting every story (100,000 articles, 40,000 stories: 14 ms -> 0.05 ms).
    """
    CREATE INDEX story_summary_coverage ON story_summary (outlets DESC, last_seen IS NULL, last_seen DESC,
                                                          size DESC, story_id);
    CREATE INDEX story_summary_recent ON story_summary (last_seen IS NULL, last_seen DESC, size DESC, story_id);
    CREATE INDEX story_summary_size ON story_summary (size DESC, last_seen IS NULL, last_seen DESC, story_id);
    """,
    PENDING_VECTORS_MIGRATION,
    SEARCH_MIGRATION,
    ALIASES_MIGRATION,
    MEMBERS_MIGRATION,
    MEMBERS_BACKFILL_MIGRATION,
]

_STORY_COLUMNS = "seq, id, story_id, title, outlet, published, duplicate_of"
_ARTICLE_COLUMNS = ("id", "title", "outlet", "url", "byline", "published", "updated", "lang", "input", "text")


class SQLiteStore(StoryStateTables):
    def __init__(self, path: str | Path, lock_wait_seconds: float = 5.0) -> None:
        self.path = str(path)
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self.db.row_factory = sqlite3.Row
            # SQLite retries a locked write with backoff for this long before it fails
            self.db.execute(f"PRAGMA busy_timeout = {int(lock_wait_seconds * 1000)}")
            self.db.execute("PRAGMA foreign_keys = ON")
            if self.path != ":memory:":
                self._use_wal(lock_wait_seconds)
            self._migrate()
        except sqlite3.DatabaseError as err:
            raise StoreError(_cannot_open(self.path, err)) from err

    def _use_wal(self, wait_seconds: float) -> None:
        """WAL journal, waiting for the lock as any write does. SQLite changes the journal mode
        under a lock it does not wait for (the busy handler is not called): a store opened while
        another process wrote to it in the rollback journal, as when two ingests create one store
        at once, failed with "database is locked" at once."""
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                self.db.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as err:
                if "locked" not in str(err) or time.monotonic() >= deadline:
                    raise
                time.sleep(0.02)

    # -- schema ------------------------------------------------------------------------------
    @property
    def schema_version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        current = self.schema_version
        if current > len(MIGRATIONS):
            raise StoreError(f"{self.path}: schema version {current} is newer than this storylens "
                             f"knows ({len(MIGRATIONS)}); upgrade storylens")
        for version in range(current, len(MIGRATIONS)):
            with self.transaction():
                if self.schema_version > version:
                    continue  # another process opening the store at the same moment migrated it
                for statement in _statements(MIGRATIONS[version]):
                    self.db.execute(statement)
                self.db.execute(f"PRAGMA user_version = {version + 1}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All or nothing: an error inside rolls every write of the block back. BEGIN IMMEDIATE
        takes the write lock at once, so what is read inside is what the block writes over.
        Inside another transaction it joins that one (the outer block commits or rolls back)."""
        if self.db.in_transaction:
            yield self.db
            return
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as err:
            raise StoreError(f"{Path(self.path).name}: {err}: another process held the store too long; try "
                             "again, or raise STORYLENS_LOCK_WAIT_SECONDS") from err
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # -- articles ------------------------------------------------------------------------------
    def add_articles(self, articles: Iterable[Article]) -> list[str]:
        """Store the articles not stored yet; return the ids that were new."""
        return [o[0] for o in self.store_articles(articles) if not isinstance(o, Rejection) and o[1]]

    def store_articles(self, articles: Iterable[Article]) -> list[tuple[str, bool] | Rejection]:
        """(stored id, newly added) for each article, in one transaction, or a Rejection for an
        article the database refuses (the others are stored). An id the store holds with other
        content (ids given by users do repeat) gets a suffix from the content, so that neither
        article is lost and adding either again finds it."""
        outcomes: list[tuple[str, bool] | Rejection] = []
        with self.transaction():
            for article in articles:
                try:
                    outcomes.append(self._store_article(article))
                except (sqlite3.Error, UnicodeError, ValueError) as err:
                    self.db.execute("ROLLBACK TO article")
                    outcomes.append(Rejection(_storable(article.input or article.id), "store",
                                              f"cannot be stored: {_storable(str(err))}"))
                finally:
                    self.db.execute("RELEASE article")
        return outcomes

    def _store_article(self, article: Article) -> tuple[str, bool]:
        self.db.execute("SAVEPOINT article")
        stored = self.stored_id(article)
        if stored is not None:
            return stored, False
        article_id = article.id if not self._id_taken(article.id) else _suffixed(article)
        row = article.to_dict() | {"id": article_id}
        self.db.execute(f"INSERT INTO articles ({', '.join(_ARTICLE_COLUMNS)}) "
                        f"VALUES ({', '.join('?' * len(_ARTICLE_COLUMNS))})", [row[c] for c in _ARTICLE_COLUMNS])
        self.db.executemany("INSERT INTO removed (article_id, position, text, reason) VALUES (?, ?, ?, ?)",
                            [(article_id, i, r.text, r.reason) for i, r in enumerate(article.removed)])
        return article_id, True

    def stored_id(self, article: Article) -> str | None:
        """The id under which the store holds this article's content (title and text), if it does."""
        fingerprint = content_id(article.title, article.text)
        for candidate in (article.id, _suffixed(article)):
            row = self.db.execute("SELECT title, text FROM articles WHERE id = ?", (candidate,)).fetchone()
            if row is not None and content_id(row["title"], row["text"]) == fingerprint:
                return candidate
        return None

    def _id_taken(self, article_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is not None

    def add_slice(self, key: str, articles: list[Article], rejections: list[Rejection],
                  vectors: Sequence[bytes] | None = None) -> list[tuple[str, bool] | Rejection]:
        """A backfill slice's articles and rejections, and the note that it is done, all at once:
        a crash leaves the slice either wholly stored or to be read again. Returns what
        `store_articles` returns for each article (an article the database refuses is recorded
        as a rejection too). `vectors` are the articles' headline embeddings (float32 bytes, in
        the same order), computed on a worker and kept until each article is placed."""
        with self.transaction() as db:
            outcomes = self.store_articles(articles)
            if vectors is not None:
                self.put_pending_vectors((o[0], v) for o, v in zip(outcomes, vectors, strict=True)
                                         if not isinstance(o, Rejection) and o[1])
            refused = [o for o in outcomes if isinstance(o, Rejection)]
            self._insert_rejections(db, rejections + refused)
            db.execute("INSERT OR REPLACE INTO backfill_slices (key, articles, rejected) VALUES (?, ?, ?)",
                       (key, len(articles), len(rejections) + len(refused)))
        return outcomes

    def done_slices(self) -> set[str]:
        return {row[0] for row in self.db.execute("SELECT key FROM backfill_slices")}

    def article(self, article_id: str) -> Article:
        found = self.articles([article_id])
        if not found:
            raise NotFoundError(f"no article {article_id!r} in {self.path}; `storylens stories` lists them")
        return found[0]

    def articles(self, ids: Iterable[str] | None = None) -> list[Article]:
        if ids is None:
            rows = self.db.execute("SELECT * FROM articles ORDER BY seq").fetchall()
        else:
            wanted = list(ids)
            rows = [r for chunk in _chunks(wanted, 500) for r in self.db.execute(
                f"SELECT * FROM articles WHERE id IN ({', '.join('?' * len(chunk))}) ORDER BY seq", chunk)]
            order = {i: n for n, i in enumerate(wanted)}
            rows.sort(key=lambda r: order[r["id"]])
        removed = self._removed([r["id"] for r in rows])
        return [_row_to_article(r, removed.get(r["id"], [])) for r in rows]

    def _removed(self, ids: list[str]) -> dict[str, list[Removed]]:
        out: dict[str, list[Removed]] = {}
        for chunk in _chunks(ids, 500):
            for r in self.db.execute(
                f"SELECT * FROM removed WHERE article_id IN ({', '.join('?' * len(chunk))}) "
                "ORDER BY article_id, position", chunk):
                out.setdefault(r["article_id"], []).append(Removed(r["text"], r["reason"]))
        return out

    # -- stories -------------------------------------------------------------------------------
    def assign_stories(self, assignments: dict[str, str], duplicates: dict[str, str]) -> None:
        with self.transaction() as db:
            db.executemany("UPDATE articles SET story_id = ? WHERE id = ?",
                           [(s, a) for a, s in assignments.items()])
            db.executemany("UPDATE articles SET duplicate_of = ? WHERE id = ?",
                           [(o, a) for a, o in duplicates.items()])

    def stories(self) -> list[Story]:
        rows = self.db.execute(f"SELECT {_STORY_COLUMNS} FROM articles WHERE story_id IS NOT NULL ORDER BY seq")
        return _group_stories(rows)

    def stories_by_id(self, story_ids: list[str]) -> list[Story]:
        """The given stories in the order given (ids not stored are left out), reading their rows only."""
        rows = [r for chunk in _chunks(story_ids, 500) for r in self.db.execute(
            f"SELECT {_STORY_COLUMNS} FROM articles WHERE story_id IN ({', '.join('?' * len(chunk))})", chunk)]
        found = {st.id: st for st in _group_stories(sorted(rows, key=lambda r: r["seq"]))}
        return [found[i] for i in story_ids if i in found]

    def story_page(self, query: StoryQuery) -> StoryPage:
        """How many stories match, and the stories of the page asked for: filtered, sorted and
        cut by SQLite over its indexes, so only one page of stories is ever built in Python."""
        matches, exact = search_matches(self.db, query)
        where, params = story_filters(query, matches)
        order = STORY_ORDERS[query.sort]
        if not matches:  # the page off the order's index, a cheap count
            total = self.db.execute(f"SELECT COUNT(*) FROM story_summary WHERE 1{where}", params).fetchone()[0]
            rows = self.db.execute(f"SELECT story_id FROM story_summary WHERE 1{where} ORDER BY {order} "
                                   "LIMIT ? OFFSET ?", [*params, query.limit, query.offset]).fetchall()
            return StoryPage(int(total), self.stories_by_id([r["story_id"] for r in rows]), exact)
        # The matching articles are few (at most SEARCH_ARTICLES each): the total comes with the
        # page instead of from a second query.
        rows = self.db.execute(f"SELECT story_id, COUNT(*) OVER () AS total FROM story_summary WHERE 1{where} "
                               f"ORDER BY {order} LIMIT ? OFFSET ?", [*params, query.limit, query.offset]).fetchall()
        if not rows:  # past the last page: still say how many there are
            total = self.db.execute(f"SELECT COUNT(*) FROM story_summary WHERE 1{where}", params).fetchone()[0]
            return StoryPage(int(total), [], exact)
        return StoryPage(int(rows[0]["total"]), self.stories_by_id([r["story_id"] for r in rows]), exact)

    def story_days(self, story_ids: list[str] | None = None) -> dict[str, list[date]]:
        """Publication days of each story's dated articles (for coverage-over-time pictures)."""
        out: dict[str, list[date]] = {}
        if story_ids is None:
            rows: Iterable[sqlite3.Row] = self.db.execute(
                "SELECT story_id, published FROM articles WHERE story_id IS NOT NULL AND published IS NOT NULL")
        else:
            rows = [r for chunk in _chunks(story_ids, 500) for r in self.db.execute(
                "SELECT story_id, published FROM articles WHERE published IS NOT NULL "
                f"AND story_id IN ({', '.join('?' * len(chunk))})", chunk)]
        for r in rows:
            out.setdefault(r["story_id"], []).append(datetime.fromisoformat(r["published"]).date())
        return out

    def stories_matching(self, text: str) -> set[str]:
        """Stories with an article whose title, outlet or text contains `text` (case-insensitive)."""
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = self.db.execute(
            "SELECT DISTINCT story_id FROM articles WHERE story_id IS NOT NULL AND "
            "(title LIKE ?1 ESCAPE '\\' OR outlet LIKE ?1 ESCAPE '\\' OR text LIKE ?1 ESCAPE '\\')",
            (pattern,))
        return {r["story_id"] for r in rows}

    def story_id_of(self, article_id: str) -> str | None:
        """The story an article is in (None while it has none)."""
        row = self.db.execute("SELECT story_id FROM articles WHERE id = ?", (article_id,)).fetchone()
        return None if row is None else row["story_id"]

    def story(self, story_id: str) -> Story:
        """The story with this id, or the first (in arrival order) whose id starts with it (4+
        characters). An id that names no story any more (merged into another since, or a part of a
        split that a later look folded back) gives the story its articles are in now, so that a
        link kept from yesterday still leads somewhere."""
        row = self.db.execute("SELECT story_id FROM articles WHERE story_id = ? LIMIT 1", (story_id,)).fetchone()
        if row is None and len(story_id) >= 4:  # a range over the index, not a scan: a prefix of an id
            row = self.db.execute(
                "SELECT story_id FROM articles WHERE story_id >= ?1 AND story_id < ?1 || char(1114111) "
                "ORDER BY seq LIMIT 1", (story_id,)).fetchone()
        if row is None and (now := self._story_now(story_id)):
            row = {"story_id": now}
        found = self.stories_by_id([row["story_id"]]) if row else []
        if not found:
            raise NotFoundError(f"no story {story_id!r} in {self.path}; `storylens stories` lists them")
        return found[0]

    def _story_now(self, story_id: str) -> str | None:
        """Where a story's articles went: the story it was merged into, or, for a part of a split
        (`ID+FIRST`, see `split.part_story_id`), the story it was split from."""
        tried = story_id
        for _ in range(3):  # a part of a merged story, or a merged story's part: a step or two
            alias = self.db.execute("SELECT merged_into FROM story_aliases WHERE story_id = ?", (tried,)).fetchone()
            nxt = alias[0] if alias else (tried.rsplit("+", 1)[0] if "+" in tried else None)
            if nxt is None:
                return None
            if self.db.execute("SELECT 1 FROM articles WHERE story_id = ? LIMIT 1", (nxt,)).fetchone():
                return nxt
            tried = nxt
        return None

    # -- rejections and comparisons -------------------------------------------------------------
    def add_rejections(self, rejections: Iterable[Rejection]) -> None:
        with self.transaction() as db:
            self._insert_rejections(db, rejections)

    @staticmethod
    def _insert_rejections(db: sqlite3.Connection, rejections: Iterable[Rejection]) -> None:
        db.executemany("INSERT OR REPLACE INTO rejections (input, stage, reason) VALUES (?, ?, ?)",
                       [(_storable(r.input), r.stage, _storable(r.reason)) for r in rejections])

    def rejections(self) -> list[Rejection]:
        return [Rejection(r["input"], r["stage"], r["reason"])
                for r in self.db.execute("SELECT * FROM rejections ORDER BY at, input")]

    def save_comparison(self, story_id: str, report: dict[str, Any], article_ids: list[str] | None = None) -> None:
        """Keep a story's comparison with the article ids it was made from (duplicates included).
        Give the ids the report was computed from: read again here, they may include an article
        that arrived since, and a stale report would pass for current."""
        ids = json.dumps(sorted(self.story(story_id).article_ids if article_ids is None else article_ids))
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO comparisons (story_id, article_ids, report) VALUES (?, ?, ?)",
                       (story_id, ids, json.dumps(report)))

    def comparison(self, story_id: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT article_ids, report FROM comparisons WHERE story_id = ?",
                              (story_id,)).fetchone()
        if row is None:
            return None
        current = sorted(self.story(story_id).article_ids)
        if json.loads(row["article_ids"]) != current:
            return None  # the story grew since: the stored comparison is stale
        return dict(json.loads(row["report"]))

    # -- analyses (sentences, entities, quotes, dates, sentence vectors) ---------------------------
    def save_analyses(self, items: Iterable[tuple[Analysis, str]]) -> None:
        """Keep each analysis under `version` (the analyzer's version and what it depended on)."""
        rows = [(a.article.id, version, json.dumps(a.to_dict()),
                 None if a.vectors is None else np.asarray(a.vectors, dtype=np.float32).tobytes())
                for a, version in items]
        with self.transaction() as db:
            db.executemany("INSERT OR REPLACE INTO analyses (article_id, version, analysis, vectors) "
                           "VALUES (?, ?, ?, ?)", rows)

    def analyses(self, wanted: dict[str, str], articles: dict[str, Article]) -> dict[str, Analysis]:
        """Stored analyses whose version is the one asked for (article id -> version)."""
        found: dict[str, Analysis] = {}
        for chunk in _chunks(list(wanted), 500):
            for r in self.db.execute(
                f"SELECT * FROM analyses WHERE article_id IN ({', '.join('?' * len(chunk))})", chunk):
                if r["version"] != wanted[r["article_id"]]:
                    continue
                analysis = Analysis.from_dict(articles[r["article_id"]], json.loads(r["analysis"]))
                if r["vectors"] is not None:
                    vectors = np.frombuffer(r["vectors"], dtype=np.float32)
                    analysis.vectors = vectors.reshape(len(analysis.sentences), -1) if analysis.sentences \
                        else vectors.reshape(0, 0)
                found[r["article_id"]] = analysis
        return found

    # -- followed sources ----------------------------------------------------------------------
    def add_sources(self, urls: Iterable[str]) -> None:
        with self.transaction() as db:
            db.executemany("INSERT OR IGNORE INTO sources (url) VALUES (?)", [(u,) for u in urls])

    def sources(self) -> list[SourceState]:
        rows = self.db.execute("SELECT * FROM sources ORDER BY url").fetchall()
        return [SourceState(r["url"], r["kind"], r["etag"], r["last_modified"], _parse_iso(r["last_poll"]),
                            _parse_iso(r["next_poll"]), _parse_iso(r["last_success"]), r["failures"],
                            r["last_error"], r["articles_found"]) for r in rows]

    def save_source(self, state: SourceState) -> None:
        with self.transaction() as db:
            db.execute(
                "UPDATE sources SET kind = ?, etag = ?, last_modified = ?, last_poll = ?, next_poll = ?, "
                "last_success = ?, failures = ?, last_error = ?, articles_found = ? WHERE url = ?",
                (state.kind, state.etag, state.last_modified, iso(state.last_poll), iso(state.next_poll),
                 iso(state.last_success), state.failures, state.last_error, state.articles_found, state.url))

    def fetched(self, urls: Iterable[str]) -> set[str]:
        """The URLs (canonical) already fetched, whatever came of them."""
        wanted = list(urls)
        found: set[str] = set()
        for chunk in _chunks(wanted, 500):
            found.update(r[0] for r in self.db.execute(
                f"SELECT url FROM fetched WHERE url IN ({', '.join('?' * len(chunk))})", chunk))
        return found

    def mark_fetched(self, outcomes: Iterable[tuple[str, str | None, str]]) -> None:
        """(canonical URL, article id or None, outcome) of each fetch, so none is fetched twice."""
        with self.transaction() as db:
            db.executemany("INSERT OR REPLACE INTO fetched (url, article_id, outcome) VALUES (?, ?, ?)",
                           list(outcomes))

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _cannot_open(path: str, err: sqlite3.DatabaseError) -> str:
    """Why the store cannot be opened, and what to do: a folder that does not exist is no damaged
    database, and moving a file aside would not help."""
    folder = Path(path).parent
    if path != ":memory:" and not folder.is_dir():
        return (f"{path}: cannot create the store: the folder {folder} does not exist "
                "(create it, or point --db / STORYLENS_DB at a file in an existing folder)")
    return f"{path}: cannot open the store: {err} (is it a storylens database? move it aside to start afresh)"


def _storable(text: str) -> str:
    """Text SQLite can hold: a file name that was not UTF-8 (Python keeps its bytes as lone
    surrogates) is kept with those bytes escaped, rather than failing the whole batch."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _suffixed(article: Article) -> str:
    return f"{article.id}~{content_id(article.title, article.text)[:8]}"


def _statements(script: str) -> list[str]:
    """The statements of a migration; a trigger's body keeps its inner semicolons."""
    statements, pending = [], ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n;"):
                statements.append(pending.strip())
            pending = ""
    return statements


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _group_stories(rows: Iterable[sqlite3.Row]) -> list[Story]:
    """Stories from article rows in arrival order (a story's title is its first article's)."""
    stories: dict[str, Story] = {}
    for r in rows:
        story = stories.setdefault(r["story_id"], Story(id=r["story_id"], title=r["title"]))
        story.article_ids.append(r["id"])
        if r["outlet"] and r["outlet"] not in story.outlets:
            story.outlets.append(r["outlet"])
        if r["duplicate_of"]:
            story.duplicates[r["id"]] = r["duplicate_of"]
        when = _parse_iso(r["published"])
        if when:
            story.first_seen = min(filter(None, [story.first_seen, when]))
            story.last_seen = max(filter(None, [story.last_seen, when]))
    return list(stories.values())


def _parse_iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _row_to_article(row: sqlite3.Row, removed: list[Removed]) -> Article:
    return Article(
        id=row["id"], text=row["text"], title=row["title"], outlet=row["outlet"], url=row["url"],
        byline=row["byline"], published=_parse_iso(row["published"]), updated=_parse_iso(row["updated"]),
        lang=row["lang"], input=row["input"], removed=removed,
    )
