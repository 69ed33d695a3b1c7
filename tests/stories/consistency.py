"""What must hold of a store after any ingest, finished, crashed or concurrent."""

from __future__ import annotations

import sqlite3


def check_store(db: str) -> dict[str, int]:
    """Assert the store is whole and its story state agrees with its articles; return counts."""
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
        unplaced = con.execute("SELECT count(*) FROM articles WHERE story_id IS NULL").fetchone()[0]
        assert unplaced == 0, f"{unplaced} articles without a story"
        meta = dict(con.execute("SELECT key, value FROM story_meta").fetchall())
        # every placed article went through the clusterer exactly once
        assert int(meta.get("docs", 0)) == articles, (meta, articles)
        # the story the clusterer placed each article in: a member's, else the one shown
        con.execute("CREATE TEMP VIEW placed AS SELECT a.id, a.story_id AS shown, "
                    "COALESCE(m.story_id, a.story_id) AS story FROM articles a "
                    "LEFT JOIN story_members m ON m.article_id = a.id")
        without_state = con.execute(
            "SELECT count(DISTINCT story) FROM placed WHERE story NOT IN (SELECT story_id FROM story_state)"
        ).fetchone()[0]
        assert without_state == 0, "a story has articles but no saved state"
        empty = con.execute("SELECT count(*) FROM story_state WHERE evicted = 0 AND story_id NOT IN "
                            "(SELECT story FROM placed)").fetchone()[0]
        assert empty == 0, "a remembered story has no article"
        # a split shows a story's articles in parts named after it
        misnamed = con.execute("SELECT count(*) FROM placed WHERE shown != story "
                               "AND substr(shown, 1, length(story) + 1) != story || '+'").fetchone()[0]
        assert misnamed == 0, "an article is shown in a story that is no part of its own"
        stray = con.execute("SELECT count(*) FROM story_members WHERE length(vector) > 0 AND story_id NOT IN "
                            "(SELECT story_id FROM story_state WHERE evicted = 0)").fetchone()[0]
        assert stray == 0, "what a split reads is kept of a story the clusterer no longer remembers"
        remembered_articles = con.execute(
            "SELECT count(*) FROM placed WHERE story IN (SELECT story_id FROM story_state WHERE evicted = 0)"
        ).fetchone()[0]
        rows = con.execute("SELECT count(*) FROM story_rows").fetchone()[0]
        # (fewer when a story was evicted and an out-of-order article started it afresh)
        assert 0 < rows <= remembered_articles or rows == remembered_articles == 0, (rows, remembered_articles)
        stories = con.execute("SELECT count(DISTINCT story_id) FROM articles").fetchone()[0]
        return {"articles": articles, "stories": stories}
    finally:
        con.close()
