from collections import defaultdict
from itertools import combinations

from storylens import api
from storylens.config import Settings
from storylens.model import Article
from storylens.stories import DuplicateIndex, StoryStream


def test_duplicate_index_links_near_copies_only() -> None:
    base = " ".join(f"word{i}" for i in range(300))
    index = DuplicateIndex(threshold=0.7)
    assert index.add("a", base) is None
    near = index.add("b", base.replace("word150", "changed"))
    assert near is not None and near[0] == "a" and near[1] > 0.9
    assert index.add("c", " ".join(f"other{i}" for i in range(300))) is None


def test_stream_decides_from_the_past_only() -> None:
    stream = StoryStream(threshold=0.2)
    first = Article.create("Flooding closes schools in Dunmore as river rises.", title="Dunmore floods")
    second = Article.create("Dunmore schools closed by floods after the river rose overnight.", title="Floods")
    other = Article.create("Battery maker announces new factory and hundreds of jobs.", title="Factory")
    s1 = stream.add(first).story_id
    assert stream.add(second).story_id == s1
    assert stream.add(other).story_id != s1


def test_demo_corpus_stories_match_gold(demo_store: Settings, demo_gold: dict) -> None:
    by_input = {}
    for story in api.stories(settings=demo_store):
        for article_id in story.article_ids:
            by_input[article_id] = story.id
    from storylens.store import SQLiteStore

    with SQLiteStore(demo_store.db) as store:
        gold_of = {a.id: demo_gold["articles"][_rel(a.input)]["story"] for a in store.articles()}
    predicted = defaultdict(set)
    for article_id, story in by_input.items():
        predicted[story].add(gold_of[article_id])
    assert all(len(golds) == 1 for golds in predicted.values()), "two events merged into one story"
    assert len(predicted) == len(set(gold_of.values())), "one event split into several stories"


def test_demo_duplicates_are_the_planted_wire_copies(demo_store: Settings, demo_gold: dict) -> None:
    from storylens.store import SQLiteStore

    with SQLiteStore(demo_store.db) as store:
        rel = {a.id: _rel(a.input) for a in store.articles()}
        pairs = {frozenset((rel[a], rel[o])) for s in store.stories() for a, o in s.duplicates.items()}
    planted = {frozenset(p) for group in demo_gold["duplicates"] for p in combinations(group, 2)}
    assert pairs, "the planted wire copies were not found"
    assert pairs <= planted, f"false duplicates: {pairs - planted}"


def _rel(path: str | None) -> str:
    assert path
    return path.split("/corpus/", 1)[1]


def test_ended_stories_and_old_texts_are_evicted_outside_the_window() -> None:
    from datetime import datetime, timedelta

    from storylens.model import Article
    from storylens.stories import StoryStream
    from storylens.stories.cluster import EVICT_EVERY

    stream = StoryStream(window_days=2)
    start = datetime(2025, 1, 1)
    for n in range(EVICT_EVERY * 2):
        text = f"Unique event number {n} happened in town{n} with mayor{n} and council{n} today."
        stream.add(Article.create(text, title=f"Event {n}", published=start + timedelta(hours=n)))
    newest = start + timedelta(hours=EVICT_EVERY * 2 - 1)
    stories = stream.clusterer.stories
    assert stories and all(s.last_seen is not None and newest - s.last_seen <= timedelta(days=2) for s in stories)
    assert len(stream.duplicates) <= 2 * 24 + EVICT_EVERY  # the window's texts, plus one sweep's worth


def test_stories_started_by_ids_with_a_common_prefix_stay_apart() -> None:
    stream = StoryStream(threshold=0.2)
    one = Article.create("Flooding closes schools in Dunmore.", title="Dunmore floods", id="collection-a-0001")
    two = Article.create("Battery maker opens a factory in Kell.", title="Factory", id="collection-a-0002")
    assert stream.add(one).story_id != stream.add(two).story_id
