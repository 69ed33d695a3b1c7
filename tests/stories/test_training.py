"""Fitting the story scorer: rows replayed with gold stories, margins re-floored, parts weighed alike."""

from __future__ import annotations

from collections import Counter

import numpy as np

from storylens.model import Article
from storylens.stories.cluster import OnlineClusterer
from storylens.stories.scorer import FEATURES, SIMILARITIES, StoryScorer
from storylens.stories.signals import Signals
from storylens.stories.training import Rows, candidate_rows, fit_rows, with_floors


def _signals(words: str, vector: np.ndarray) -> Signals:
    return Signals(Counter(words.split()), Counter(), frozenset(), vector / np.linalg.norm(vector), None)


def test_margins_re_floored_equal_margins_taken_over_the_floor() -> None:
    rng = np.random.default_rng(3)
    similarities = rng.uniform(0.0, 0.8, size=(6, SIMILARITIES))
    floors = (0.3, 0.5)  # above some of the values, so that floors, not other candidates, set margins
    over_zero = OnlineClusterer(scorer=StoryScorer(np.zeros(len(FEATURES)), 0.0, {}))
    over_floor = OnlineClusterer(scorer=StoryScorer(np.zeros(len(FEATURES)), 0.0, {}, floors))
    for rows in (similarities, similarities[:1]):  # several candidates, and a lone one
        assert np.allclose(with_floors(over_zero.with_margins(rows), floors), over_floor.with_margins(rows))


def test_gold_replay_labels_the_true_story_among_the_candidates() -> None:
    base = np.ones(8)
    texts = {"a": ("flood river town", base), "b": ("factory battery jobs", -base),
             "c": ("flood river schools", base + 0.1)}
    articles = [Article.create(t, id=key) for key, (t, _) in texts.items()]
    signals = [_signals(t, v) for t, v in texts.values()]
    rows = candidate_rows(articles, signals, {"a": "floods", "b": "factory", "c": "floods"})
    assert rows.features.shape[1] == len(FEATURES)
    assert rows.labels.sum() == 1  # only "c" returns to an open story, and it is proposed
    assert rows.returning == rows.reachable == 1
    best = rows.features[rows.labels == 1][0]
    assert all(best[0] > other[0] for other in rows.features[rows.labels == 0])


def test_each_part_weighs_the_same_whatever_its_row_count() -> None:
    rng = np.random.default_rng(5)

    def part(rows: int, sign: float) -> Rows:
        features = rng.uniform(0, 1, size=(rows, len(FEATURES)))
        labels = ((features[:, 0] - 0.5) * sign > 0).astype(np.int8)
        return Rows(features, labels, 0, 0)

    big, small = part(5000, 1.0), part(100, -1.0)  # the small part says the opposite about `words`
    alone = fit_rows([big], {}).weights[0]
    balanced = fit_rows([big, small], {}).weights[0]
    # Counted by rows, the small part moves the weight by under a third (20 -> 14 when this was
    # written); weighed as a part, it cancels most of it.
    assert alone > 5 and abs(balanced) < 0.5 * alone


def _story_signals(words: str, vector: np.ndarray, names: str = "", numbers: str = "") -> Signals:
    return Signals(Counter(words.split()), Counter(names.split()), frozenset(numbers.split()),
                   vector / np.linalg.norm(vector), None)


def test_a_story_told_in_another_year_reads_as_other_years() -> None:
    clusterer = OnlineClusterer(scorer=StoryScorer(np.zeros(len(FEATURES)), 0.0, {}))
    first = _story_signals("title fight heavyweight", np.ones(8), "klitschko rahman", "2008 12")
    clusterer.observe(first)
    clusterer.join("s1", first)
    column = FEATURES.index("other_years")
    for numbers, expected in (("2012 12", 1.0), ("2008", 0.0), ("2008 2012", 0.5), ("12", 0.0)):
        ids, rows = clusterer.candidates(_story_signals("title fight heavyweight", np.ones(8), "klitschko",
                                                        numbers))
        assert ids == ["s1"] and rows[0, column] == expected, numbers


def test_least_meaning_is_the_cosine_to_the_farthest_member_and_names_covered_the_name_weight_held() -> None:
    clusterer = OnlineClusterer(scorer=StoryScorer(np.zeros(len(FEATURES)), 0.0, {}))
    near, far = np.eye(8)[0] + 0.2 * np.eye(8)[1], np.eye(8)[0] + 2.0 * np.eye(8)[2]
    for vector, names in ((near, "klitschko rahman"), (far, "klitschko berlin")):
        signal = _story_signals("title fight heavyweight", vector, names)
        clusterer.observe(signal)
        clusterer.join("s1", signal)
    article = _story_signals("title fight heavyweight", near, "klitschko thompson")
    clusterer.observe(article)
    _, rows = clusterer.candidates(article)
    unit = near / np.linalg.norm(near)
    assert np.isclose(rows[0, FEATURES.index("meaning_least")], unit @ (far / np.linalg.norm(far)))
    assert rows[0, FEATURES.index("meaning")] > rows[0, FEATURES.index("meaning_least")]
    covered = rows[0, FEATURES.index("names_covered")]
    assert 0.0 < covered < 1.0  # "klitschko" is held, "thompson" is not
    weights = clusterer.name_space.vector(article.names)
    assert np.isclose(covered, weights["klitschko"] ** 2)


def test_a_restored_clusterer_reads_the_same_features_as_the_one_that_ran_on(monkeypatch) -> None:
    """The new features read the story's numbers, names and member headlines: a state saved and
    restored (as a store does, rows in row order) must give every candidate the same features,
    also after a merge appended one story's rows to another's."""
    from storylens.stories import cluster
    from storylens.stories.state import decode, encode

    monkeypatch.setattr(cluster, "LEAST_OF", 3)  # fewer than a story's members: which ones counts
    rng = np.random.default_rng(11)
    scorer = StoryScorer(np.zeros(len(FEATURES)), 0.0, {})
    running = OnlineClusterer(scorer=scorer)
    for n in range(12):
        signal = _story_signals(f"storm river town{n % 3}", rng.normal(size=8) + (n % 2) * 3.0,
                                f"name{n % 4} place{n % 2}", f"{2008 + n % 3} {n}")
        running.observe(signal)
        running.join(f"s{n % 3}", signal)
    running.merge("s0", "s2")
    changes = running.take_changes()
    restored = OnlineClusterer(scorer=scorer)
    restored.word_space.doc_freq = Counter(running.word_space.doc_freq)
    restored.name_space.doc_freq = Counter(running.name_space.doc_freq)
    restored.restore([decode(s.id, encode(s)) for s in changes.stories.values()],
                     sorted((row, story, vector) for row, (story, vector) in changes.rows.items()),
                     dict(running.merged_into), changes.docs, changes.newest)
    article = _story_signals("storm river town1", rng.normal(size=8), "name1 place0", "2009 2020")
    for clusterer in (running, restored):
        clusterer.observe(article)
    ids, features = running.candidates(article)
    again_ids, again = restored.candidates(article)
    assert ids == again_ids and len(ids) == 2
    assert np.allclose(features, again)
