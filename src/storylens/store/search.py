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

import json
import re
import sqlite3
from typing import Any

from storylens.store.base import StoryQuery

SEARCH_ARTICLES = 2000  # matching articles a search reads at most (the newest stored first)

# (seq, story_id): an article's story without reading its row, whose text comes first (SQLite
# would walk the text's overflow pages to reach story_id): halves mapping matches to stories.
SEARCH_MIGRATION = "CREATE INDEX articles_seq_story ON articles (seq, story_id)"

# The stories of a list of article seqs (a JSON array): over the index, never the rows.
_STORIES_OF = ("SELECT story_id FROM articles INDEXED BY articles_seq_story WHERE seq IN "
               "(SELECT value FROM json_each(?))")


def search_matches(db: sqlite3.Connection, query: StoryQuery) -> tuple[list[list[int] | None], bool]:
    """The articles each of the query's word and name filters matches, at most SEARCH_ARTICLES
    of them, newest stored first (None: a filter with no word in it), and whether that is all
    of them. One FTS5 read per filter: one more row than kept says that there are more."""
    found: list[list[int] | None] = []
    exact = True
    for match in _fts_queries(query):
        if match is None:
            found.append(None)
            continue
        seqs = [r[0] for r in db.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? "
                                         "ORDER BY rowid DESC LIMIT ?", (match, SEARCH_ARTICLES + 1))]
        exact = exact and len(seqs) <= SEARCH_ARTICLES
        found.append(seqs[:SEARCH_ARTICLES])
    return found, exact


def story_filters(query: StoryQuery, matches: list[list[int] | None]) -> tuple[str, list[Any]]:
    """(WHERE additions over story_summary, parameters) for the filters of a story query, with
    the articles its word and name filters matched (`search_matches`)."""
    where, params = "", []
    for seqs in matches:
        if seqs is None:  # punctuation only: no word to look for, so nothing matches
            where += " AND 0"
            continue
        where += f" AND story_id IN ({_STORIES_OF})"
        params.append(json.dumps(seqs))
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


def _fts_queries(query: StoryQuery) -> list[str | None]:
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
