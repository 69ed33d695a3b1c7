"""The store's tables of story state: what the online clusterer remembers between runs.

Kept beside the articles so that one transaction writes an article, its story and the state
that placed it (see `stories/online.py`). The tables hold exactly what the clusterer still
remembers: stories it evicted are marked, and their headline rows and near-duplicate signatures
deleted, so loading the state costs the active window, not the store.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterable
from typing import Any

import numpy as np

STATE_MIGRATION = """
    CREATE TABLE story_state (
        story_id  TEXT PRIMARY KEY,
        state     TEXT NOT NULL,
        touched   INTEGER NOT NULL,
        last_seen TEXT,
        evicted   INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX story_state_remembered ON story_state (evicted, touched);
    CREATE TABLE story_rows (
        row      INTEGER PRIMARY KEY,
        story_id TEXT NOT NULL,
        vector   BLOB NOT NULL
    );
    CREATE INDEX story_rows_story ON story_rows (story_id);
    CREATE TABLE story_signatures (
        slot       INTEGER PRIMARY KEY,
        article_id TEXT NOT NULL,
        story_id   TEXT,
        published  TEXT,
        minhash    BLOB NOT NULL
    );
    CREATE TABLE story_aliases (
        story_id    TEXT PRIMARY KEY,
        merged_into TEXT NOT NULL
    );
    CREATE TABLE term_counts (
        space TEXT NOT NULL,
        term  TEXT NOT NULL,
        n     INTEGER NOT NULL,
        PRIMARY KEY (space, term)
    ) WITHOUT ROWID;
    CREATE TABLE story_meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE INDEX articles_unplaced ON articles (seq) WHERE story_id IS NULL
"""

# Headline embeddings a backfill's workers computed beside the cleaning, kept from the slice's
# transaction until the article is placed (then deleted): embedding is most of the story
# consumer's cost, and the consumer is the one serial part of a backfill.
PENDING_VECTORS_MIGRATION = """
    CREATE TABLE pending_vectors (
        article_id TEXT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
        vector     BLOB NOT NULL
    );
"""

# Every alias names the story its chain of merges ends in (a merge repoints the aliases of the
# story it folds), and an index finds a story's aliases: a process loads only the aliases of
# the stories it remembers, not every merge the store ever made. Chains made before are
# shortened here (at most 1,000 merges long, which no stream comes near; a loop cannot be made).
ALIASES_MIGRATION = """
    WITH RECURSIVE chain (story_id, target, depth) AS (
        SELECT story_id, merged_into, 0 FROM story_aliases
        UNION ALL
        SELECT chain.story_id, a.merged_into, depth + 1 FROM chain JOIN story_aliases a ON a.story_id = chain.target
        WHERE depth < 1000
    )
    UPDATE story_aliases SET merged_into = (SELECT target FROM chain WHERE chain.story_id = story_aliases.story_id
                                            ORDER BY depth DESC LIMIT 1);
    CREATE INDEX story_aliases_into ON story_aliases (merged_into)
"""

# Each remembered story's members as the single pass placed them, with what a split reads of
# each (words, names, headline vector): a batch re-examines the stories it touched over their
# members (`stories/online.py`), as `storylens cluster` does when a story can change no more.
# `articles.story_id` is the story shown, which a split may give another part's name; this table
# keeps the story the clusterer knows (a duplicate of a member joins it). When the story is
# forgotten, what the split reads is emptied and the story kept.
MEMBERS_MIGRATION = """
    CREATE TABLE story_members (
        n          INTEGER PRIMARY KEY,
        article_id TEXT NOT NULL UNIQUE,
        story_id   TEXT NOT NULL,
        words      TEXT NOT NULL,
        names      TEXT NOT NULL,
        vector     BLOB NOT NULL
    );
    CREATE INDEX story_members_story ON story_members (story_id, n)
"""

# Schema 13: a store whose articles were placed before schema 12 has no members for them, so its
# split would look at the members placed since and show the older articles in the story's first
# part, unexamined. Forgetting that the state was built makes the next placement replay every
# placed article once (`StoredStories._rebuild`), which writes their members; a store whose every
# placed article has a member row (a forgotten story's rows are kept, emptied) is left alone.
MEMBERS_BACKFILL_MIGRATION = """
    DELETE FROM story_meta WHERE key = 'built' AND EXISTS (
        SELECT 1 FROM articles a WHERE a.story_id IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM story_members m WHERE m.article_id = a.id))
"""

Member = tuple[str, Counter[str], Counter[str], np.ndarray]  # article id, words, names, unit headline vector


class StoryStateTables:
    """Reads and writes of the story-state tables; `SQLiteStore` mixes this in. Writes expect the
    caller's transaction (`SQLiteStore.transaction`), so that they commit with the articles."""

    db: sqlite3.Connection

    # -- reading -------------------------------------------------------------------------------
    def state_meta(self) -> dict[str, str]:
        return {r[0]: r[1] for r in self.db.execute("SELECT key, value FROM story_meta")}

    def remembered_stories(self) -> list[tuple[str, str]]:
        """(story id, encoded state) of every story the clusterer still remembers."""
        return [(r[0], r[1]) for r in self.db.execute(
            "SELECT story_id, state FROM story_state WHERE evicted = 0 ORDER BY touched, story_id")]

    def story_rows(self) -> list[tuple[int, str, bytes]]:
        rows = self.db.execute("SELECT row, story_id, vector FROM story_rows ORDER BY row")
        return [(r[0], r[1], r[2]) for r in rows]

    def pending_vectors(self, article_ids: list[str]) -> dict[str, np.ndarray]:
        """Headline embeddings computed ahead (by a backfill's workers) for these articles."""
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(article_ids), 500):
            chunk = article_ids[start:start + 500]
            found.update((r[0], np.frombuffer(r[1], dtype=np.float32)) for r in self.db.execute(
                f"SELECT article_id, vector FROM pending_vectors WHERE article_id IN ({', '.join('?' * len(chunk))})",
                chunk))
        return found

    def story_aliases(self) -> dict[str, str]:
        """Every merged story id -> the story it ended in (all the store ever merged)."""
        return {r[0]: r[1] for r in self.db.execute("SELECT story_id, merged_into FROM story_aliases")}

    def current_story_ids(self, story_ids: Iterable[str]) -> set[str]:
        """The stories these ids name now: a merged story's id gives the story it ended in (a
        merge repoints older aliases, so one lookup suffices). O(ids), not O(store)."""
        ids = list(story_ids)
        merged: dict[str, str] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            merged.update((r[0], r[1]) for r in self.db.execute(
                f"SELECT story_id, merged_into FROM story_aliases WHERE story_id IN ({', '.join('?' * len(chunk))})",
                chunk))
        return {merged.get(i, i) for i in ids}

    def remembered_aliases(self) -> dict[str, str]:
        """The aliases of the stories the clusterer still remembers: what a loaded state needs
        (articles, headline rows and signatures name the story a merge left, never an alias;
        an alias matters only while its story can still be joined). O(window), not O(store)."""
        return {r[0]: r[1] for r in self.db.execute(
            "SELECT a.story_id, a.merged_into FROM story_state s JOIN story_aliases a ON a.merged_into = s.story_id "
            "WHERE s.evicted = 0")}

    def member_stories(self) -> dict[str, str]:
        """article id -> the story the clusterer placed it in (not the part a split shows it in),
        for every article placed since schema 12, forgotten stories' included."""
        return {r[0]: r[1] for r in self.db.execute("SELECT article_id, story_id FROM story_members")}

    def term_counts(self, space: str) -> Counter[str]:
        rows = self.db.execute("SELECT term, n FROM term_counts WHERE space = ?", (space,))
        return Counter({r[0]: r[1] for r in rows})

    def signatures(self) -> list[tuple[int, str, str | None, str | None, bytes]]:
        """(slot, article id, story id, published, signature) of the remembered texts."""
        return [(r[0], r[1], r[2], r[3], r[4]) for r in self.db.execute(
            "SELECT slot, article_id, story_id, published, minhash FROM story_signatures ORDER BY slot")]

    def placed_story(self, article_id: str) -> str | None:
        """The story the clusterer placed an article in: a member's, else the one shown (a story
        from before members were kept, or one forgotten since)."""
        row = self.db.execute("SELECT story_id FROM story_members WHERE article_id = ?", (article_id,)).fetchone()
        if row is None:
            row = self.db.execute("SELECT story_id FROM articles WHERE id = ?", (article_id,)).fetchone()
        return row[0] if row else None

    def story_members(self, story_id: str, latest: int) -> tuple[list[Member], int | None]:
        """A story's latest `latest` members in arrival order, and the arrival number of the
        oldest of them (None without members): older members stay with the story's first part."""
        rows = self.db.execute(
            "SELECT n, article_id, words, names, vector FROM story_members WHERE story_id = ? AND length(vector) > 0 "
            "ORDER BY n DESC LIMIT ?", (story_id, latest)).fetchall()[::-1]
        members = [(r[1], Counter(json.loads(r[2])), Counter(json.loads(r[3])), np.frombuffer(r[4], dtype=np.float32))
                   for r in rows]
        return members, (rows[0][0] if rows else None)

    def stories_with_articles(self, story_ids: Iterable[str]) -> set[str]:
        """The ones of these stories that show an article (a part a later look folded back shows none)."""
        ids = list(story_ids)
        chunks = [ids[start:start + 500] for start in range(0, len(ids), 500)]
        return {r[0] for chunk in chunks for r in self.db.execute(
            f"SELECT DISTINCT story_id FROM articles WHERE story_id IN ({', '.join('?' * len(chunk))})", chunk)}

    def shown_stories(self, article_ids: list[str]) -> dict[str, str | None]:
        """The story each article is shown in."""
        shown: dict[str, str | None] = {}
        for start in range(0, len(article_ids), 500):
            chunk = article_ids[start:start + 500]
            shown.update((r[0], r[1]) for r in self.db.execute(
                f"SELECT id, story_id FROM articles WHERE id IN ({', '.join('?' * len(chunk))})", chunk))
        return shown

    def story_name_taken(self, story_id: str) -> bool:
        return self.db.execute(
            "SELECT EXISTS (SELECT 1 FROM story_state WHERE story_id = ?1) OR "
            "EXISTS (SELECT 1 FROM story_aliases WHERE story_id = ?1) OR "
            "EXISTS (SELECT 1 FROM articles WHERE story_id = ?1)", (story_id,)).fetchone()[0] == 1

    def unplaced_ids(self, limit: int) -> list[str]:
        """Stored articles without a story (a backfill's slices, or left by an older storylens that
        crashed between storing and grouping), in publication order, undated last."""
        return [r[0] for r in self.db.execute(
            "SELECT id FROM articles WHERE story_id IS NULL ORDER BY published IS NULL, published, seq LIMIT ?",
            (limit,))]

    def placed_ids(self, after: int, limit: int) -> list[tuple[int, str, str]]:
        """(seq, id, story id) of placed articles in arrival order, a page after `after`."""
        return [(r[0], r[1], r[2]) for r in self.db.execute(
            "SELECT seq, id, story_id FROM articles WHERE story_id IS NOT NULL AND seq > ? ORDER BY seq LIMIT ?",
            (after, limit))]

    # -- writing (inside the caller's transaction) ----------------------------------------------
    def merge_story(self, gone: str, into: str) -> None:
        """Story `gone` was folded into `into`: its articles and rows follow, its name stays an alias."""
        self.db.execute("UPDATE story_aliases SET merged_into = ? WHERE merged_into = ?", (into, gone))
        self.db.execute("INSERT OR REPLACE INTO story_aliases (story_id, merged_into) VALUES (?, ?)", (gone, into))
        self.db.execute("UPDATE articles SET story_id = ? WHERE story_id = ?", (into, gone))
        self.db.execute("UPDATE story_rows SET story_id = ? WHERE story_id = ?", (into, gone))
        self.db.execute("UPDATE story_signatures SET story_id = ? WHERE story_id = ?", (into, gone))
        self.db.execute("UPDATE story_members SET story_id = ? WHERE story_id = ?", (into, gone))
        self.db.execute("DELETE FROM story_state WHERE story_id = ?", (gone,))

    def forget_stories(self, story_ids: Iterable[str]) -> None:
        """Evicted stories: no article joins them again, so their rows are not needed."""
        ids = [(s,) for s in story_ids]
        # A story can end in the batch that began it (a late article, outside the window when it
        # came): it is kept as forgotten all the same, so that every placed article has its story.
        self.db.executemany("INSERT INTO story_state (story_id, state, touched, last_seen, evicted) VALUES "
                            "(?, '{}', 0, NULL, 1) ON CONFLICT (story_id) DO UPDATE SET evicted = 1", ids)
        self.db.executemany("DELETE FROM story_rows WHERE story_id = ?", ids)
        # no split looks at a forgotten story again (one restarted by a late article starts its members afresh)
        self.db.executemany("UPDATE story_members SET words = '{}', names = '{}', vector = x'' WHERE story_id = ?", ids)

    def put_members(self, members: Iterable[tuple[str, str, Member]]) -> None:
        """(article id, story placed in, what a split reads of it) of articles just placed."""
        self.db.executemany(
            "INSERT OR REPLACE INTO story_members (article_id, story_id, words, names, vector) VALUES (?, ?, ?, ?, ?)",
            ((article, story, json.dumps(words, ensure_ascii=False), json.dumps(names, ensure_ascii=False),
              np.asarray(vector, dtype=np.float32).tobytes()) for article, story, (_, words, names, vector) in members))

    def show_in_stories(self, shown: dict[str, str]) -> None:
        """Show each article in a story (a part of its split story, or the story whole)."""
        self.db.executemany("UPDATE articles SET story_id = ? WHERE id = ?", ((s, a) for a, s in shown.items()))

    def show_older_in(self, story_id: str, before: int) -> set[str]:
        """Members older than arrival `before` are shown in the story itself (a split looks at the
        latest members only); returns the stories they left."""
        rows = self.db.execute(
            "SELECT DISTINCT a.story_id FROM articles a JOIN story_members m ON m.article_id = a.id "
            "WHERE m.story_id = ?1 AND m.n < ?2 AND length(m.vector) > 0 AND a.story_id != ?1", (story_id, before)
        ).fetchall()
        if rows:
            self.db.execute("UPDATE articles SET story_id = ?1 WHERE id IN (SELECT article_id FROM story_members "
                            "WHERE story_id = ?1 AND n < ?2 AND length(vector) > 0) AND story_id != ?1",
                            (story_id, before))
        return {r[0] for r in rows}

    def put_pending_vectors(self, rows: Iterable[tuple[str, bytes]]) -> None:
        self.db.executemany("INSERT OR REPLACE INTO pending_vectors (article_id, vector) VALUES (?, ?)", rows)

    def drop_pending_vectors(self, article_ids: Iterable[str]) -> None:
        """Placed articles: their story's rows now hold what was needed of the vector."""
        self.db.executemany("DELETE FROM pending_vectors WHERE article_id = ?", ((a,) for a in article_ids))

    def put_stories(self, rows: Iterable[tuple[str, str, int, str | None]]) -> None:
        """(story id, encoded state, touched, last seen) of stories that changed."""
        self.db.executemany(
            "INSERT INTO story_state (story_id, state, touched, last_seen, evicted) VALUES (?, ?, ?, ?, 0) "
            "ON CONFLICT (story_id) DO UPDATE SET state = excluded.state, touched = excluded.touched, "
            "last_seen = excluded.last_seen, evicted = 0", rows)

    def add_story_rows(self, rows: Iterable[tuple[int, str, bytes]]) -> None:
        self.db.executemany("INSERT OR REPLACE INTO story_rows (row, story_id, vector) VALUES (?, ?, ?)", rows)

    def add_term_counts(self, space: str, counts: Counter[str]) -> None:
        self.db.executemany(
            "INSERT INTO term_counts (space, term, n) VALUES (?, ?, ?) "
            "ON CONFLICT (space, term) DO UPDATE SET n = n + excluded.n",
            ((space, term, n) for term, n in counts.items()))

    def put_signatures(self, rows: Iterable[tuple[int, str, str | None, str | None, bytes]]) -> None:
        self.db.executemany("INSERT OR REPLACE INTO story_signatures (slot, article_id, story_id, published, "
                            "minhash) VALUES (?, ?, ?, ?, ?)", rows)

    def drop_signatures(self, slots: Iterable[int]) -> None:
        self.db.executemany("DELETE FROM story_signatures WHERE slot = ?", ((s,) for s in slots))

    def set_state_meta(self, values: dict[str, Any]) -> None:
        self.db.executemany("INSERT OR REPLACE INTO story_meta (key, value) VALUES (?, ?)",
                            ((k, str(v)) for k, v in values.items()))

    def clear_story_state(self) -> None:
        for table in ("story_state", "story_rows", "story_signatures", "story_aliases", "term_counts", "story_meta",
                      "story_members"):
            self.db.execute(f"DELETE FROM {table}")  # noqa: S608 (fixed table names)

    def assign(self, assignments: Iterable[tuple[str, str, str | None]]) -> None:
        """(article id, story id, duplicate of) for articles just placed."""
        self.db.executemany("UPDATE articles SET story_id = ?, duplicate_of = ? WHERE id = ?",
                            ((story, original, article) for article, story, original in assignments))

