"""Story search in SQL: the filters of a story list (words, a name, an outlet, dates) over FTS5.

A search is bounded by SEARCH_ARTICLES matching articles, the most recently stored first. FTS5
walks a word's list of articles from its newest entry and stops there, so a word that half the
store contains costs what a rare one does: on 99,607 articles, "trump" (44% of them) took
190 ms in SQLite when every match was mapped to its story for an exact total, 7 ms bounded.
A word that common is a request for the news about it, so the stories of its latest matches
are the ones to show (in the order the list asks for), saying that there are more; rarer
words are searched in full and their totals are exact.
"""

from __future__ import annotations

import re
import sqlite3
from typing import Any

from storylens.store.base import StoryQuery

SEARCH_ARTICLES = 2000  # matching articles a search reads at most (the newest stored first)

# (seq, story_id): an article's story without reading its row, whose text comes first (SQLite
# would walk the text's overflow pages to reach story_id): halves mapping matches to stories.
SEARCH_MIGRATION = "CREATE INDEX articles_seq_story ON articles (seq, story_id)"

_MATCHES = ("SELECT story_id FROM articles INDEXED BY articles_seq_story WHERE seq IN "
            "(SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rowid DESC LIMIT ?)")


def story_filters(query: StoryQuery) -> tuple[str, list[Any]]:
    """(WHERE additions over story_summary, parameters) for the filters of a story query."""
    where, params = "", []
    for match in _matches(query):
        if match is None:  # punctuation only: no word to look for, so nothing matches
            where += " AND 0"
            continue
        where += f" AND story_id IN ({_MATCHES})"
        params += [match, SEARCH_ARTICLES]
    if query.outlet:
        where += " AND story_id IN (SELECT story_id FROM articles WHERE outlet = ? COLLATE NOCASE)"
        params.append(query.outlet)
    if query.since:
        where += " AND (last_seen IS NULL OR last_seen >= ?)"
        params.append(query.since.isoformat())
    if query.until:
        where += " AND (first_seen IS NULL OR substr(first_seen, 1, 10) <= ?)"
        params.append(query.until.isoformat())
    return where, params


def search_is_cut(db: sqlite3.Connection, query: StoryQuery) -> bool:
    """Whether the words or the name match more articles than a search reads (its total then
    counts the stories of the latest SEARCH_ARTICLES matches only: a lower bound)."""
    return any(match is not None and db.execute(
        "SELECT COUNT(*) FROM (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? LIMIT ?)",
        (match, SEARCH_ARTICLES + 1)).fetchone()[0] > SEARCH_ARTICLES for match in _matches(query))


def _matches(query: StoryQuery) -> list[str | None]:
    """The FTS5 queries of the text and entity filters given (None: one with no word in it)."""
    return [fts_query(text, phrase) for text, phrase in ((query.text, False), (query.entity, True))
            if text is not None]


def fts_query(text: str, phrase: bool = False) -> str | None:
    """A user's words as an FTS5 query: every word (each also as a prefix), or the words as one
    phrase. Words are quoted, so FTS5 syntax a user types (AND, NEAR, col:, *) is only words."""
    words = re.findall(r"\w+", text)
    if not words:
        return None
    if phrase:
        return '"' + " ".join(words) + '"'
    return " ".join(f'"{w}"*' for w in words)
