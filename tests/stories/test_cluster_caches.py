"""What the clusterer keeps between articles to go faster must read as what it would compute afresh."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np

from storylens.stories.cluster import OnlineClusterer, StoryState, TermSpace, cosine
from storylens.stories.scorer import FEATURES, StoryScorer
from storylens.stories.signals import Signals, years


def _signals(words: str, vector: np.ndarray, names: str = "", numbers: str = "") -> Signals:
    return Signals(Counter(words.split()), Counter(names.split()), frozenset(numbers.split()),
                   vector / np.linalg.norm(vector), None)


def test_term_vectors_follow_the_tf_idf_formula_for_any_count() -> None:
    space = TermSpace()
    for terms in ("flood river", "flood town", "river bridge", "storm"):
        space.count(Counter(terms.split()))
    counts = Counter({"flood": 3, "river": 1, "bridge": 300, "unseen": 2, "dropped": 0})  # 300: past any table
    weights = {t: (1 + math.log(c)) * space.idf(t) for t, c in counts.items() if c > 0}
    norm = math.sqrt(sum(w * w for w in weights.values()))
    vector = space.vector(counts)
    assert list(vector) == ["flood", "river", "bridge", "unseen"]  # a zero count is no term
    assert vector == {t: w / norm for t, w in weights.items()}  # exactly: the same float, not a close one
    other = space.vector(Counter(["river", "storm"]))
    assert cosine(vector, other) == vector["river"] * other["river"]
    assert cosine(vector, space.vector(Counter(["storm"]))) == 0.0


def _fresh(story: StoryState, clusterer: OnlineClusterer) -> tuple[dict, dict, np.ndarray, set[str]]:
    assert story.vector_sum is not None
    return (clusterer.word_space.vector(story.words), clusterer.name_space.vector(story.names),
            story.vector_sum / np.linalg.norm(story.vector_sum), years(story.numbers))


def _assert_caches_fresh(clusterer: OnlineClusterer, article: Signals, changed: list[str]) -> None:
    """Candidates read each story through its caches; those of the `changed` stories must hold
    what the story holds now (a story that did not change keeps its centroids until the counts
    drift), and reading them afresh must give the same features."""
    ids, features = clusterer.candidates(article)
    assert set(changed) <= set(ids)
    for story_id in changed:
        story = clusterer.stories[story_id]
        words, names, meaning, told = _fresh(story, clusterer)
        assert story._centroids == (words, names)
        assert np.array_equal(story.meaning(), meaning)
        assert story.years_named() == told
    for story_id in changed:
        clusterer.stories[story_id].changed()
    again_ids, again = clusterer.candidates(article)
    assert again_ids == ids and np.array_equal(again, features)


def test_cached_story_readings_equal_fresh_ones_after_the_story_and_the_counts_change() -> None:
    """A story's TF-IDF centroids, mean headline and years are kept between articles. After it
    gains an article, after a merge and after the document counts drift past the refresh, they
    must equal what is computed afresh (a stale cache scores against a story that no longer is)."""
    clusterer = OnlineClusterer(scorer=StoryScorer(np.zeros(len(FEATURES)), 0.0, {}))
    rng = np.random.default_rng(7)
    base = rng.normal(size=8)
    for n, (story, numbers) in enumerate((("s1", "2008"), ("s1", "12"), ("s2", "2012"))):
        signal = _signals(f"storm river town{n}", base + rng.normal(size=8), f"name{n} place", numbers)
        clusterer.observe(signal)
        clusterer.join(story, signal)
    article = _signals("storm river town1", base, "name1 place", "2009")
    clusterer.observe(article)
    _assert_caches_fresh(clusterer, article, ["s1", "s2"])

    joined = _signals("storm river flood", base + rng.normal(size=8), "name9 harbour", "2010 7")
    clusterer.observe(joined)
    clusterer.join("s1", joined)  # the story changed: its words, names, numbers and headlines
    _assert_caches_fresh(clusterer, article, ["s1"])

    clusterer.merge("s2", "s1")  # it absorbed another story
    _assert_caches_fresh(clusterer, article, ["s1"])

    for n in range(40):  # the counts drift past the 10% within which centroids are reused
        clusterer.observe(_signals(f"river unrelated{n}", rng.normal(size=8), f"other{n}"))
    _assert_caches_fresh(clusterer, article, ["s1"])
