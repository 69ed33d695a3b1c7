from pathlib import Path

import pytest

from storylens.errors import NotFoundError, StoreError
from storylens.model import Article, Rejection, Removed
from storylens.store import SQLiteStore
from storylens.store.sqlite import MIGRATIONS


def article(text: str, **meta: object) -> Article:
    return Article.create(text, title="T", removed=[Removed("Home", "navigation")], **meta)


def test_schema_is_migrated_to_the_latest_version(tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "s.db") as store:
        assert store.schema_version == len(MIGRATIONS)
    with SQLiteStore(tmp_path / "s.db") as store:  # reopening migrates nothing twice
        assert store.schema_version == len(MIGRATIONS)


def test_adding_the_same_article_twice_is_a_no_op(tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "s.db") as store:
        a = article("Body text.")
        assert store.add_articles([a]) == [a.id]
        assert store.add_articles([article("Body   text.")]) == []  # same content, other spacing
        (back,) = store.articles()
        assert back.text == "Body text." and back.removed == [Removed("Home", "navigation")]


def test_a_failed_write_leaves_nothing_half_written(tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "s.db") as store:
        first, bad = article("First."), article("Second.")
        bad.removed = [Removed("ok", "nav"), Removed("x", None)]  # type: ignore[arg-type]  # NOT NULL violation
        outcomes = store.store_articles([first, bad])
        assert outcomes[0] == (first.id, True)
        assert isinstance(outcomes[1], Rejection) and outcomes[1].stage == "store"
        assert [a.id for a in store.articles()] == [first.id]  # the refused article left nothing behind
        assert store.db.execute("SELECT count(*) FROM removed WHERE article_id = ?", (bad.id,)).fetchone()[0] == 0


def test_stories_group_articles_and_record_duplicates(tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "s.db") as store:
        a, b = article("One.", outlet="A"), article("Two.", outlet="B")
        store.add_articles([a, b])
        store.assign_stories({a.id: "s1", b.id: "s1"}, {b.id: a.id})
        (story,) = store.stories()
        assert story.article_ids == [a.id, b.id] and story.outlets == ["A", "B"]
        assert story.duplicates == {b.id: a.id}
        assert store.story("s1").id == "s1"
        with pytest.raises(NotFoundError):
            store.story("nope")


def test_stored_comparison_goes_stale_when_the_story_grows(tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "s.db") as store:
        a, b = article("One."), article("Two.")
        store.add_articles([a, b])
        store.assign_stories({a.id: "s1"}, {})
        store.save_comparison("s1", {"articles": [{"id": a.id}]})
        assert store.comparison("s1") == {"articles": [{"id": a.id}]}
        store.assign_stories({b.id: "s1"}, {})
        assert store.comparison("s1") is None


def test_rejections_are_kept_once(tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "s.db") as store:
        r = Rejection("bad.html", "ingest", "empty input")
        store.add_rejections([r, r])
        store.add_rejections([r])
        assert store.rejections() == [r]


def test_a_file_that_is_not_a_database_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("these are not SQLite pages " * 100)
    with pytest.raises(StoreError, match="notes.db"):
        SQLiteStore(path)


def test_a_store_in_a_folder_that_does_not_exist_says_so(tmp_path: Path) -> None:
    # not "is it a storylens database? move it aside": there is nothing to move
    with pytest.raises(StoreError, match="the folder .*missing does not exist") as raised:
        SQLiteStore(tmp_path / "missing" / "news.db")
    assert "move it aside" not in str(raised.value)


def test_undated_stories_are_listed(settings) -> None:
    from storylens import api
    from storylens.model import RawDocument

    docs = [RawDocument(source=f"u{n}", kind="clean", content=f"An undated report number {n} about a quay.")
            for n in range(2)]
    api.ingest_documents(docs, settings)
    found = api.stories(settings=settings)
    assert found and all(s.last_seen is None for s in found)


def test_comparison_of_a_story_with_duplicates_is_cached(demo_store) -> None:
    from storylens import api
    from storylens.store import SQLiteStore

    story = next(s for s in api.stories(settings=demo_store) if s.duplicates)
    api.compare_story(story.id, settings=demo_store)
    with SQLiteStore(demo_store.db) as store:
        assert store.comparison(story.id) is not None  # duplicates do not make it look stale


def test_analyses_round_trip_with_vectors_and_versions(tmp_path: Path) -> None:
    import numpy as np

    from storylens.analyze import analyze

    a = article('Mayor Ann Lee said on Monday: "We will rebuild the bridge." It fell on Friday.')
    analysis = analyze(a)
    analysis.vectors = np.arange(len(analysis.sentences) * 4, dtype=np.float32).reshape(-1, 4)
    with SQLiteStore(tmp_path / "s.db") as store:
        store.add_articles([a])
        store.save_analyses([(analysis, "v1")])
        back = store.analyses({a.id: "v1"}, {a.id: a})[a.id]
        assert back == analysis  # sentences, entities, quotes and dates all survive
        assert np.array_equal(back.vectors, analysis.vectors)
        assert store.analyses({a.id: "v2"}, {a.id: a}) == {}  # another version is recomputed


def test_a_growing_story_only_analyses_its_new_articles(demo_store, monkeypatch) -> None:
    from storylens import analyze as analyze_stage
    from storylens import api
    from storylens.store import SQLiteStore

    story = api.stories(settings=demo_store)[0]
    api.compare_story(story.id, settings=demo_store)
    with SQLiteStore(demo_store.db) as store:  # forget the cached report, keep the analyses
        store.db.execute("DELETE FROM comparisons")
    seen: list[int] = []
    real = analyze_stage.analyze_many

    def counting(articles, *args, **kwargs):
        articles = list(articles)
        seen.append(len(articles))
        return real(articles, *args, **kwargs)

    monkeypatch.setattr(analyze_stage, "analyze_many", counting)
    _, report = api.compare_story(story.id, settings=demo_store)
    assert seen == [0] and report["facts"]


def test_a_store_opened_while_another_process_writes_in_the_rollback_journal_waits(tmp_path) -> None:
    """Two ingests creating one store at once: the second switched to WAL while the first held the
    write lock, and SQLite's journal-mode change does not wait for locks."""
    import sqlite3
    import threading
    import time

    path = tmp_path / "s.db"
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("CREATE TABLE scratch (x)")
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO scratch VALUES (1)")
    threading.Timer(0.3, lambda: other.execute("COMMIT")).start()
    started = time.monotonic()
    with SQLiteStore(path, lock_wait_seconds=5) as store:
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.schema_version == len(MIGRATIONS)
    assert time.monotonic() - started >= 0.25  # it waited for the other writer, then opened
    other.close()
