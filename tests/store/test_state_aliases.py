"""Merges as the store keeps them: every alias names a story that still exists, and a process
loads only the aliases of the stories it remembers."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from storylens.store import SQLiteStore
from storylens.store.sqlite import _statements
from storylens.store.state import ALIASES_MIGRATION


def test_a_merge_repoints_the_aliases_of_the_story_it_folds(tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "s.db") as store:
        with store.transaction():
            store.put_stories([(s, "{}", n, None) for n, s in enumerate("abcd")])
            store.merge_story("a", "b")
            store.merge_story("b", "c")
        assert store.story_aliases() == {"a": "c", "b": "c"}
        assert store.remembered_aliases() == {"a": "c", "b": "c"}
        with store.transaction():
            store.forget_stories(["c"])  # out of the window: no article joins it, nor its aliases
        assert store.remembered_aliases() == {} and store.story_aliases() == {"a": "c", "b": "c"}


def test_the_migration_shortens_the_chains_of_merges_made_before() -> None:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE story_aliases (story_id TEXT PRIMARY KEY, merged_into TEXT NOT NULL)")
    db.executemany("INSERT INTO story_aliases VALUES (?, ?)", [("a", "b"), ("b", "c"), ("c", "d"), ("x", "y")])
    for statement in _statements(ALIASES_MIGRATION):
        db.execute(statement)
    assert dict(db.execute("SELECT * FROM story_aliases")) == {"a": "d", "b": "d", "c": "d", "x": "y"}
