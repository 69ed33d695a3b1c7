"""What the clusterer keeps between articles to go faster must read as what it would compute afresh."""

from __future__ import annotations

import math
from collections import Counter

from storylens.stories.cluster import TermSpace, cosine


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
