"""Story state kept in the store: placing without a replay, atomic batches, repair, two writers."""

from __future__ import annotations

import json
import shutil
from collections import defaultdict
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from storylens import api
from storylens.config import Settings
from storylens.model import RawDocument
from storylens.store import SQLiteStore
from storylens.stories import StoryStream, signals
from tests.stories.consistency import check_store

EVENTS = [
    ("Dunmore floods close schools", "The river rose overnight in Dunmore and the council shut every school."),
    ("Kell approves battery factory", "Councillors in Kell approved a battery factory that brings 300 jobs."),
    ("Ferry strike strands Calloway commuters", "Ferry crews in Calloway walked out over pay on Monday."),
]


def documents() -> list[RawDocument]:
    """Three reports of each of three events, interleaved as a feed would bring them."""
    docs = []
    for n in range(3):
        for e, (title, text) in enumerate(EVENTS):
            docs.append(RawDocument(f"feed:{e}-{n}", "clean", f"{text} Report {n} of the {title.lower()}.",
                                    title=f"{title} ({['update', 'latest', 'more'][n]})", id=f"e{e}-{n}",
                                    published=datetime(2025, 3, 1 + n, 8 + e)))
    return docs


def partition(db: str) -> set[frozenset[str]]:
    with SQLiteStore(db) as store:
        return {frozenset(s.article_ids) for s in store.stories()}


def test_one_article_per_ingest_gives_the_stories_of_one_run(tmp_path: Path) -> None:
    one_run = Settings(db=str(tmp_path / "one.db"))
    api.ingest_documents(documents(), one_run)
    piecemeal = Settings(db=str(tmp_path / "many.db"))
    for doc in documents():
        api.ingest_documents([doc], piecemeal, stories=api.online_stories(piecemeal))  # loaded afresh each time
    assert partition(piecemeal.db) == partition(one_run.db)
    assert len(partition(one_run.db)) == 3
    check_store(piecemeal.db)
    check_store(one_run.db)


def test_a_new_article_is_placed_without_reading_the_stored_ones(tmp_path: Path, monkeypatch) -> None:
    settings = Settings(db=str(tmp_path / "s.db"))
    docs = documents()
    api.ingest_documents(docs[:-1], settings)

    def no_replay(self, ids=None):  # placing must not load stored articles
        raise AssertionError("stored articles were read to place a new one")

    monkeypatch.setattr(SQLiteStore, "articles", no_replay)
    report = api.ingest_documents(docs[-1:], settings, stories=api.online_stories(settings))  # loads the state
    monkeypatch.undo()
    assert report.added == [docs[-1].id]
    with SQLiteStore(settings.db) as store:
        story = {a: s.id for s in store.stories() for a in s.article_ids}
    assert story[docs[-1].id] == story[docs[-4].id]  # joined its event's story


def test_a_failure_while_placing_leaves_the_batch_unstored_and_the_next_run_completes(tmp_path: Path,
                                                                                     monkeypatch) -> None:
    settings = Settings(db=str(tmp_path / "s.db"))
    docs = documents()

    def broken(self, article, story_id=None, signals=None):
        raise RuntimeError("disk unplugged")

    monkeypatch.setattr(StoryStream, "add", broken)
    with pytest.raises(RuntimeError):
        api.ingest_documents(docs, settings)
    monkeypatch.undo()
    with SQLiteStore(settings.db) as store:
        assert store.articles() == []  # nothing half-written: articles without stories
    report = api.ingest_documents(docs, settings)
    assert len(report.added) == len(docs)
    assert check_store(settings.db) == {"articles": len(docs), "stories": 3}


def test_articles_left_without_a_story_are_placed_by_the_next_ingest(tmp_path: Path) -> None:
    settings = Settings(db=str(tmp_path / "s.db"))
    api.ingest_documents(documents(), settings)
    before = partition(settings.db)
    with SQLiteStore(settings.db) as store:  # as a crash of an older storylens left them
        store.db.execute("UPDATE articles SET story_id = NULL WHERE id LIKE '%-2'")
        if store.schema_version >= 3:
            store.db.execute("DELETE FROM story_meta")
    report = api.ingest_documents([], settings)
    assert partition(settings.db) == before
    assert sorted(report.repaired) == ["e0-2", "e1-2", "e2-2"]
    check_store(settings.db)


def assert_stories_as_one_ingest(settings: Settings, docs: list[RawDocument], tmp_path: Path) -> None:
    """The store holds the stories a fresh store given all of `docs` at once holds, and is whole."""
    whole = Settings(db=str(tmp_path / "whole.db"))
    api.ingest_documents(docs, whole)
    assert partition(settings.db) == partition(whole.db)
    check_store(settings.db)


def test_a_store_from_before_the_state_was_kept_is_rebuilt_once(tmp_path: Path) -> None:
    settings = Settings(db=str(tmp_path / "s.db"))
    docs = documents()
    api.ingest_documents(docs[:-1], settings)
    with SQLiteStore(settings.db) as store:
        store.clear_story_state()  # what the migration leaves: articles with stories, no state
    api.ingest_documents(docs[-1:], settings)
    assert_stories_as_one_ingest(settings, docs, tmp_path)


def at_schema_12(db: str, drop_members: bool) -> None:
    """The store as storylens left it at schema 12, with or without the members of its articles."""
    with SQLiteStore(db) as store, store.transaction():
        if drop_members:  # what the move from 11 to 12 left: placed articles, no members
            store.db.execute("DELETE FROM story_members")
        store.db.execute("PRAGMA user_version = 12")


def test_articles_placed_before_members_were_kept_get_them_on_the_next_placement(tmp_path: Path) -> None:
    settings = Settings(db=str(tmp_path / "s.db"))
    docs = documents()
    api.ingest_documents(docs[:-1], settings)
    at_schema_12(settings.db, drop_members=True)
    with SQLiteStore(settings.db) as store:
        assert store.schema_version == 13 and "built" not in store.state_meta()
    api.ingest_documents(docs[-1:], settings, stories=api.online_stories(settings))
    with SQLiteStore(settings.db) as store:
        members = {r[0] for r in store.db.execute("SELECT article_id FROM story_members")}
        assert store.state_meta()["built"] == "1"
    assert members == {d.id for d in docs}
    assert_stories_as_one_ingest(settings, docs, tmp_path)


def test_a_state_kept_with_other_headline_vectors_is_rebuilt_with_these(tmp_path: Path) -> None:
    settings = Settings(db=str(tmp_path / "s.db"))
    docs = documents()
    api.ingest_documents(docs[:-1], settings)
    with SQLiteStore(settings.db) as store, store.transaction():
        # What an older storylens left: title-only vectors, under its own recipe (or none).
        store.db.execute("UPDATE story_members SET vector = ?", (np.ones(384, dtype=np.float32).tobytes(),))
        store.db.execute("DELETE FROM story_meta WHERE key = 'signals'")
    api.ingest_documents(docs[-1:], settings, stories=api.online_stories(settings))  # a new process
    with SQLiteStore(settings.db) as store:
        assert store.state_meta()["signals"] == signals.RECIPE
        members = {m[0]: m[3] for story in store.stories() for m in store.story_members(story.id, 100)[0]}
        articles = store.articles(sorted(members))
    assert sorted(members) == sorted(d.id for d in docs)
    fresh = signals.read_signals(articles)
    for article, read in zip(articles, fresh, strict=True):
        np.testing.assert_allclose(members[article.id], read.vector, atol=1e-6)
    assert_stories_as_one_ingest(settings, docs, tmp_path)


def test_a_store_whose_articles_all_have_members_keeps_its_state_through_schema_13(tmp_path: Path) -> None:
    settings = Settings(db=str(tmp_path / "s.db"))
    api.ingest_documents(documents(), settings)
    with SQLiteStore(settings.db) as store:
        before = store.state_meta()
    at_schema_12(settings.db, drop_members=False)
    with SQLiteStore(settings.db) as store:
        assert store.schema_version == 13 and store.state_meta() == before


def test_a_rebuild_replays_articles_into_the_clusterers_stories_not_the_parts_shown(tmp_path: Path) -> None:
    settings = Settings(db=str(tmp_path / "s.db"))
    docs = documents()
    api.ingest_documents(docs[:-1], settings)
    with SQLiteStore(settings.db) as store, store.transaction():
        story = store.member_stories()["e0-1"]
        # As a split shows it: the story's later reports in a part of their own.
        store.show_in_stories({"e0-1": f"{story}+e0-1"})
        store.db.execute("DELETE FROM story_meta WHERE key = 'built'")  # the state to be rebuilt
    api.ingest_documents(docs[-1:], settings, stories=api.online_stories(settings))
    with SQLiteStore(settings.db) as store:
        assert store.member_stories()["e0-1"] == story  # the clusterer's story, whole
        remembered = {story_id for story_id, _ in store.remembered_stories()}
    assert f"{story}+e0-1" not in remembered
    check_store(settings.db)


def test_a_writer_with_stale_state_reloads_before_placing(tmp_path: Path) -> None:
    settings = Settings(db=str(tmp_path / "s.db"))
    docs = documents()
    api.ingest_documents(docs[:3], settings)
    first, second = api.online_stories(settings), api.online_stories(settings)
    api.ingest_documents(docs[3:4], settings, stories=first)
    api.ingest_documents(docs[4:5], settings, stories=second)  # loaded before `first` wrote
    api.ingest_documents(docs[5:6], settings, stories=first)  # `second` wrote since
    api.ingest_documents(docs[6:], settings, stories=second)
    assert partition(settings.db) == partition_of_one_run(tmp_path, docs)
    check_store(settings.db)


def partition_of_one_run(tmp_path: Path, docs: list[RawDocument]) -> set[frozenset[str]]:
    s = Settings(db=str(tmp_path / "reference.db"))
    api.ingest_documents(docs, s)
    return partition(s.db)


def test_every_input_is_counted_once_and_reused_ids_lose_nothing(tmp_path: Path) -> None:
    settings = Settings(db=str(tmp_path / "s.db"))
    records = [{"id": "empty", "title": "Dunmore floods", "text": "The river rose in Dunmore."},
               {"id": "empty", "title": "Kell factory", "text": "Kell approved a battery factory."},
               {"id": "x1", "title": "Ferry strike", "text": "Ferry crews walked out."},
               {"id": "x1", "title": "Ferry strike", "text": "Ferry crews walked out."}]
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    page = tmp_path / "page.txt"
    page.write_text("Harbour crane collapses\n\nThe crane at Marrowby quay fell on Tuesday, the port said.\n")
    shutil.copy(page, folder / "page.txt")
    shutil.copy(page, folder / "same-page.txt")
    first = api.ingest([folder], settings=settings)
    assert len(first.added) == 4 and len(set(first.added)) == 4  # both "empty" records kept
    assert "empty" in first.added and len(first.already_stored) == 2  # the repeated x1 and the copied page
    assert set(first.already_stored) <= set(first.added)  # each names the id it matched
    again = api.ingest([folder], settings=settings)
    assert again.added == [] and sorted(again.already_stored) == sorted(first.added + first.already_stored)
    with SQLiteStore(settings.db) as store:
        texts = defaultdict(list)
        for article in store.articles():
            texts[article.id.split("~")[0]].append(article.text)
    assert sorted(texts["empty"]) == ["Kell approved a battery factory.", "The river rose in Dunmore."]
    check_store(settings.db)


def test_an_article_or_name_the_database_refuses_is_rejected_alone(tmp_path: Path) -> None:
    settings = Settings(db=str(tmp_path / "s.db"))
    from storylens.model import Rejection

    docs = documents()[:3]
    bad = RawDocument("feed:bad", "clean", "A lone surrogate \ud800 in the text.", title="Bad \ud800", id="bad")
    odd_name = Rejection("pages/caf\udce9.html", "ingest", "unsupported file type")  # a non-UTF-8 file name
    report = api.ingest_documents([docs[0], bad, odd_name, *docs[1:]], settings)
    assert sorted(report.added) == sorted(d.id for d in docs)
    assert {r.stage for r in report.rejected} == {"store", "ingest"}
    assert any("not valid Unicode" in r.reason for r in report.rejected)
    with SQLiteStore(settings.db) as store:
        assert {r.input for r in store.rejections()} == {"feed:bad", "pages/caf\\udce9.html"}
    check_store(settings.db)
