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

    from storylens.analyze import embed
    from storylens.model import Article
    from storylens.stories import StoryStream
    from storylens.stories.cluster import EVICT_EVERY

    stream = StoryStream(window_days=2)
    start = datetime(2025, 1, 1)
    import random

    rng = random.Random(3)
    # Words of the encoder's own vocabulary, drawn anew for each event: no two events share a
    # template. (Events told in one template, "Kalomer Tisvan. Dorpel Quinrab.", read alike to the
    # encoder over their opening and make one story, which would stay in the window.)
    vocabulary = sorted(w for w in embed.load()._tokenizer.get_vocab() if w.isalpha() and w.islower() and len(w) > 4)

    def sentence() -> str:
        return " ".join(rng.sample(vocabulary, 4)).capitalize() + "."

    placed = set()
    for n in range(EVICT_EVERY * 2):  # one event an hour, each with words of its own
        text = " ".join(sentence() for _ in range(10))
        placed.add(stream.add(Article.create(text, title=sentence()[:-1],
                                             published=start + timedelta(hours=n))).story_id)
    assert len(placed) > EVICT_EVERY  # the events stayed apart, as they are meant to
    newest = start + timedelta(hours=EVICT_EVERY * 2 - 1)
    stories = list(stream.clusterer.stories.values())
    assert stories and all(s.last_seen is not None and newest - s.last_seen <= timedelta(days=2) for s in stories)
    assert len(stream.duplicates) <= 2 * 24 + EVICT_EVERY  # the window's texts, plus one sweep's worth
    assert stream.clusterer._index is not None and len(stream.clusterer._index) <= 2 * 24 + EVICT_EVERY


def test_stories_started_by_ids_with_a_common_prefix_stay_apart() -> None:
    stream = StoryStream(threshold=0.2)
    one = Article.create("Flooding closes schools in Dunmore.", title="Dunmore floods", id="collection-a-0001")
    two = Article.create("Battery maker opens a factory in Kell.", title="Factory", id="collection-a-0002")
    assert stream.add(one).story_id != stream.add(two).story_id


def test_vector_index_finds_neighbours_and_forgets_removed_rows() -> None:
    import numpy as np

    from storylens.stories.index import VectorIndex

    rng = np.random.default_rng(7)
    vectors = rng.normal(size=(3000, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = VectorIndex(16)
    rows = [index.add(v) for v in vectors]
    assert index.search(vectors[42], 1)[0][0] == rows[42]
    index.remove(rows[:2000])  # more dead than live: the graph is rebuilt from the live rows
    assert len(index) == 1000
    found = index.search(vectors[42], 5)
    assert found and all(row >= 2000 for row, _ in found)
    assert index.search(vectors[2500], 1)[0][0] == rows[2500]


def test_vector_index_turns_into_a_graph_past_its_flat_limit(monkeypatch) -> None:
    import numpy as np

    from storylens.stories import index as index_module

    monkeypatch.setattr(index_module, "FLAT_LIMIT", 500)
    rng = np.random.default_rng(8)
    vectors = rng.normal(size=(1200, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = index_module.VectorIndex(16)
    index.add_many(list(range(400)), vectors[:400])
    assert not index.is_graph and index.search(vectors[7], 1)[0][0] == 7
    for row in range(400, 1200):
        index.add(vectors[row])
    assert index.is_graph and index.search(vectors[900], 1)[0][0] == 900
    index.remove(range(1100))  # the dead outnumber the live: rebuilt, exact again
    assert not index.is_graph and index.search(vectors[1150], 1)[0][0] == 1150


def test_the_index_and_the_embedder_leave_the_cores_to_each_other() -> None:
    """Regression: faiss' OpenMP workers and the encoder's workers spun while idle, so each took
    the core the other needed (neus-val ran at a third of its speed on 2 cores). faiss searches on
    one thread; the encoder runs on two at most, whatever the machine has."""
    import faiss

    from storylens.analyze import embed
    from storylens.stories import index  # noqa: F401  (importing it sets faiss' threads)

    assert faiss.omp_get_max_threads() == 1
    assert int(embed.load()._model.get_property("INFERENCE_NUM_THREADS")) <= 2


def test_scorer_ships_fitted_weights_and_refuses_unknown_features() -> None:
    import json

    import numpy as np
    import pytest

    from storylens.stories.scorer import FEATURES, StoryScorer

    def row(**values: float) -> np.ndarray:
        return np.array([[values.get(name, 0.0) for name in FEATURES]])

    scorer = StoryScorer.load()
    assert scorer.about.get("trained_on") and len(scorer.weights) == len(FEATURES)
    close = row(words=0.6, names=0.5, meaning=0.8, numbers=0.5, meaning_least=0.7, names_covered=0.6,
                words_margin=0.4, meaning_margin=0.3)
    far = row(words=0.05, meaning=0.2, meaning_least=0.1, words_margin=-0.3, meaning_margin=-0.2)
    assert scorer.probability(close)[0] > 0.9 > 0.1 > scorer.probability(far)[0]
    data = json.loads(scorer.to_json())
    data["features"] = [*data["features"][:-1], "sentiment"]
    with pytest.raises(ValueError, match="refit"):
        StoryScorer.from_json(json.dumps(data))


def test_a_scorer_fitted_on_fewer_features_reads_as_zero_weights_for_the_others() -> None:
    import json

    import numpy as np

    from storylens.stories.scorer import FEATURES, StoryScorer

    older = {"features": ["words", "meaning"], "weights": [5.0, 2.0], "bias": -3.0, "margin_floors": [0.1, 0.3]}
    scorer = StoryScorer.from_json(json.dumps(older))
    assert scorer.weights[FEATURES.index("words")] == 5.0 and scorer.weights[FEATURES.index("meaning")] == 2.0
    assert np.count_nonzero(scorer.weights) == 2
    again = json.loads(scorer.to_json())
    assert again["features"] == ["words", "meaning"] and again["weights"] == [5.0, 2.0]


def test_a_merge_relabels_the_earlier_articles_of_both_stories() -> None:
    stream = StoryStream()
    one = Article.create("Flooding closes schools in Dunmore.", title="Dunmore floods", id="a1")
    two = Article.create("Battery maker opens a factory in Kell.", title="Factory", id="a2")
    s1, s2 = stream.add(one).story_id, stream.add(two).story_id
    assert s1 != s2
    stream.clusterer.merge(s2, s1)
    assert stream.story_of("a1") == stream.story_of("a2") == s1
    three = Article.create("More on the factory in Kell.", title="Kell", id="a3")
    assert stream.add(three, story_id=s2).story_id == s1  # a replayed decision follows the merge


def test_cluster_records_label_every_line_in_order(tmp_path) -> None:
    import json

    lines = [{"id": f"x{i}", "title": t, "text": t + " " + body}
             for i, (t, body) in enumerate([
                 ("Dunmore floods close schools", "The river rose overnight in Dunmore and schools shut."),
                 ("Battery factory for Kell", "A battery maker will build a factory in Kell with 300 jobs."),
                 ("Schools shut as Dunmore floods", "Dunmore schools were closed after the river rose."),
             ])]
    path = tmp_path / "a.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines))
    labels = api.cluster_records(path)
    assert [a for a, _ in labels] == ["x0", "x1", "x2"]
    story = dict(labels)
    assert story["x0"] == story["x2"] != story["x1"]


def test_an_id_reused_for_other_text_is_a_new_article_and_a_re_add_is_not() -> None:
    stream = StoryStream()
    floods = Article.create("Flooding closes schools in Dunmore as the river rises.", title="Dunmore floods", id="x")
    first = stream.add(floods).story_id
    assert stream.add(floods).story_id == first  # adding the same article again changes nothing
    factory = Article.create("A battery maker opens a factory in Kell with 300 jobs.", title="Kell factory", id="x")
    assert stream.add(factory).story_id != first


def test_an_article_that_belongs_to_two_stories_merges_them() -> None:
    import numpy as np

    from storylens.stories.cluster import OnlineClusterer
    from storylens.stories.scorer import FEATURES, StoryScorer

    # A scorer that reads word overlap only: p >= 0.8 once the TF-IDF cosine passes about 0.44.
    words_only = StoryScorer(np.array([10.0] + [0.0] * (len(FEATURES) - 1)), -3.0, {})
    stream = StoryStream(threshold=0.5, merge_threshold=0.8)
    stream.clusterer = OnlineClusterer(threshold=0.5, merge_threshold=0.8, scorer=words_only)
    one = Article.create("Harbour bridge closure snarls traffic.", title="Harbour bridge closure", id="a")
    two = Article.create("Ferry strike strands commuters.", title="Ferry strike", id="b")
    both = Article.create("Harbour bridge closure and ferry strike strand commuters.",
                          title="Harbour bridge closure, ferry strike", id="c")
    assert stream.add(one).story_id != stream.add(two).story_id
    stream.add(both)
    assert stream.story_of("a") == stream.story_of("b") == stream.story_of("c")
    assert len(stream.clusterer.stories) == 1


def test_a_later_ingest_joins_recent_stories_and_leaves_ended_ones_as_they_were(tmp_path) -> None:
    from datetime import datetime

    from storylens.model import RawDocument
    from storylens.store import SQLiteStore

    settings = Settings(db=str(tmp_path / "s.db"))

    def doc(key: str, title: str, text: str, day: str) -> RawDocument:
        return RawDocument(key, "clean", text, title=title, published=datetime.fromisoformat(day), id=key)

    api.ingest_documents([
        doc("old", "Dunmore floods close schools", "The river rose in Dunmore and schools shut.", "2025-01-02"),
        doc("new1", "Kell battery factory approved", "Councillors in Kell approved the battery factory.", "2025-03-01"),
    ], settings)
    with SQLiteStore(settings.db) as store:
        before = {a: s.id for s in store.stories() for a in s.article_ids}
    api.ingest_documents([
        doc("new2", "Kell approves battery factory", "The Kell battery factory was approved by councillors.",
            "2025-03-02"),
    ], settings)
    with SQLiteStore(settings.db) as store:
        after = {a: s.id for s in store.stories() for a in s.article_ids}
    assert after["new2"] == after["new1"] == before["new1"]
    assert after["old"] == before["old"] != after["new1"]


def test_the_join_threshold_rises_with_the_stories_remembered() -> None:
    from collections import Counter

    import numpy as np

    from storylens.stories.cluster import OnlineClusterer
    from storylens.stories.signals import Signals

    settings = Settings()
    clusterer = OnlineClusterer(settings.story_threshold, threshold_rise=settings.story_threshold_rise)
    assert clusterer.join_threshold() == settings.story_threshold  # nothing remembered yet
    rng = np.random.default_rng(3)
    for n in range(99):
        vector = rng.normal(size=8)
        clusterer.start(f"a{n}", Signals(Counter({f"w{n}": 1}), Counter(), frozenset(), vector / np.linalg.norm(vector),
                                         None))
    assert len(clusterer.stories) == 99
    assert abs(clusterer.join_threshold() - (settings.story_threshold + 2 * settings.story_threshold_rise)) < 1e-9
    assert OnlineClusterer(0.25, threshold_rise=0.0).join_threshold() == 0.25  # no rise: fixed


def test_a_probability_between_the_two_thresholds_joins_a_quiet_stream_only() -> None:
    from collections import Counter

    import numpy as np

    from storylens.stories.cluster import OnlineClusterer
    from storylens.stories.scorer import FEATURES, StoryScorer
    from storylens.stories.signals import Signals

    # a scorer that gives every candidate probability 0.2 (a bias of logit 0.2, no weights)
    always = StoryScorer(np.zeros(len(FEATURES)), float(np.log(0.2 / 0.8)), {})
    vector = np.ones(8) / np.sqrt(8)

    def signals() -> Signals:
        return Signals(Counter({"flood": 1}), Counter(), frozenset(), vector, None)

    quiet = OnlineClusterer(0.125, scorer=always, threshold_rise=0.05)
    first = quiet.assign("a", signals())
    assert quiet.assign("b", signals()) == first  # 0.2 >= 0.125 + 0.05 * log10(2)
    crowded = OnlineClusterer(0.125, scorer=always, threshold_rise=0.05)
    for n in range(2000):  # stories the article is not compared with shift only the threshold
        crowded.start(f"o{n}", Signals(Counter({f"other{n}": 1}), Counter(), frozenset(), -vector, None))
    first = crowded.assign("a", signals())
    assert crowded.assign("b", signals()) != first  # 0.2 < 0.125 + 0.05 * log10(2002)


def test_the_headline_is_the_title_and_the_openings_first_words() -> None:
    from storylens.model import Article
    from storylens.stories import signals

    text = " ".join(f"w{n}" for n in range(60))
    titled = Article.create(text, title="Bridge collapses")
    assert signals.headline(titled) == "Bridge collapses. " + " ".join(f"w{n}" for n in range(signals.OPENING_WORDS))
    assert signals.headline(Article.create(text, title="Why did it fall?"), 2) == "Why did it fall? w0 w1"
    assert signals.headline(titled, opening_words=0) == "Bridge collapses"  # the title alone, as before (xiv)
    untitled = Article.create(text)
    assert signals.headline(untitled) == " ".join(f"w{n}" for n in range(signals.HEADLINE_WORDS))
