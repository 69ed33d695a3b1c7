"""The per-story summary the story list pages over stays equal to what the articles say."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from storylens.model import Article
from storylens.store import SQLiteStore, search
from storylens.store.base import STORY_ORDERS, StoryQuery

AGGREGATE = ("SELECT story_id, COUNT(*), COUNT(DISTINCT outlet COLLATE NOCASE), MIN(published), MAX(published) "
             "FROM articles WHERE story_id IS NOT NULL GROUP BY story_id ORDER BY story_id")


def summary(store: SQLiteStore) -> list[tuple]:
    return [tuple(r) for r in store.db.execute("SELECT * FROM story_summary ORDER BY story_id")]


def truth(store: SQLiteStore) -> list[tuple]:
    return [tuple(r) for r in store.db.execute(AGGREGATE)]


def test_summary_follows_arrivals_merges_and_removals(tmp_path: Path) -> None:
    articles = [Article.create(f"Report number {n} on the harbour.", title=f"T{n}", outlet=["A", "a", "B", None][n % 4],
                               published=datetime(2025, 1, 1 + n) if n % 3 else None) for n in range(9)]
    with SQLiteStore(tmp_path / "s.db") as store:
        store.add_articles(articles)
        assert summary(store) == truth(store) == []
        store.assign_stories({a.id: f"s{n % 3}" for n, a in enumerate(articles)}, {})
        assert summary(store) == truth(store) and len(summary(store)) == 3
        store.assign_stories({a.id: "s0" for a in articles if store.story_id_of(a.id) == "s1"}, {})  # a merge
        assert summary(store) == truth(store) and len(summary(store)) == 2
        with store.transaction() as db:
            db.execute("DELETE FROM articles WHERE story_id = 's2'")
        assert summary(store) == truth(store) and len(summary(store)) == 1
        total, page, _ = store.story_page(StoryQuery(limit=5))
        assert total == 1 and page[0].id == "s0" and len(page[0].article_ids) == 6


def test_every_story_order_reads_its_page_off_an_index(tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "s.db") as store:
        for sort, order in STORY_ORDERS.items():
            plan = " ".join(str(tuple(r)) for r in store.db.execute(
                f"EXPLAIN QUERY PLAN SELECT story_id FROM story_summary ORDER BY {order} LIMIT 50"))
            assert "TEMP B-TREE" not in plan and "INDEX" in plan, (sort, plan)


def test_a_search_gives_the_same_total_on_every_page_and_past_the_last(tmp_path: Path) -> None:
    articles = [Article.create(f"The {'harbour' if n % 2 else 'airport'} report number {n}.", title=f"T{n}",
                               outlet=f"O{n % 3}", published=datetime(2025, 1, 1 + n % 20)) for n in range(30)]
    with SQLiteStore(tmp_path / "s.db") as store:
        store.add_articles(articles)
        store.assign_stories({a.id: f"s{n % 10}" for n, a in enumerate(articles)}, {})
        matching = {f"s{n % 10}" for n in range(30) if n % 2}
        seen: list[str] = []
        for offset in (0, 2, 4, 6):
            total, page, exact = store.story_page(StoryQuery(text="harbour", limit=2, offset=offset))
            assert exact
            assert total == len(matching) == 5
            seen += [story.id for story in page]
        assert sorted(seen) == sorted(matching)
        assert store.story_page(StoryQuery(text="harbour", limit=2, offset=50)) == (5, [], True)
        assert store.story_page(StoryQuery(text="nowhere", limit=2)) == (0, [], True)


def test_a_word_in_more_articles_than_a_search_reads_shows_the_stories_of_its_latest(
        tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(search, "SEARCH_ARTICLES", 4)
    articles = [Article.create(f"The {'harbour' if n % 2 else 'airport'} report number {n}.", title=f"T{n}",
                               outlet=f"O{n % 3}", published=datetime(2025, 1, 1 + n % 20)) for n in range(30)]
    with SQLiteStore(tmp_path / "s.db") as store:
        store.add_articles(articles)  # stored in this order: the last ones are the latest
        store.assign_stories({a.id: f"s{n}" for n, a in enumerate(articles)}, {})
        total, page, exact = store.story_page(StoryQuery(text="harbour", sort="size", limit=10))
        assert not exact and total == 4
        assert sorted(story.id for story in page) == ["s23", "s25", "s27", "s29"]  # the 4 latest matches
        assert store.story_page(StoryQuery(text="number 7")) == (1, [store.story("s7")], True)  # one article
        assert store.story_page(StoryQuery(text="!!!")) == (0, [], True)
        assert store.story_page(StoryQuery(limit=1)).exact
