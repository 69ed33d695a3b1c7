"""The headline encoder: how texts are batched changes its cost, never a vector."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest

from storylens.analyze import embed

# Texts whose token counts run against their lengths in characters: a digit is one token in two
# characters, "infrastructure" one in fifteen. Sorted by characters, short and long ones share batches.
DENSE = [" ".join("7" * k) for k in range(1, 25)]
SPARSE = [" ".join(["infrastructure"] * k) for k in range(1, 25)]


class RecordingSession:
    """The real session, with the token count of each text of every batch it ran written down."""

    def __init__(self, session: Any) -> None:
        self.session = session
        self.batches: list[tuple[int, list[int]]] = []  # (padded width, token counts)

    def run(self, outputs: Any, feeds: dict[str, np.ndarray]) -> Any:
        self.batches.append((feeds["input_ids"].shape[1], feeds["attention_mask"].sum(axis=1).tolist()))
        return self.session.run(outputs, feeds)


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> RecordingSession:
    encoder = embed.load()
    recording = RecordingSession(encoder._session)
    monkeypatch.setattr(encoder, "_session", recording)
    return recording


def test_texts_embedded_together_in_any_order_equal_them_one_by_one() -> None:
    texts = DENSE[:6] + SPARSE[:6] + ["", "word " * 400]  # an empty text and one past MAX_TOKENS
    alone = np.vstack([embed.embed([t]) for t in texts])
    together = embed.embed(texts)
    backwards = embed.embed(texts[::-1])[::-1]
    np.testing.assert_allclose(together, alone, atol=1e-6)
    np.testing.assert_allclose(backwards, alone, atol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)


def test_each_batch_holds_texts_of_neighbouring_token_counts(recorded: RecordingSession) -> None:
    texts = DENSE + SPARSE
    embed.embed(texts)
    assert sorted(n for _, counts in recorded.batches for n in counts) == \
        sorted(len(e.ids) for e in embed.load()._tokenizer.encode_batch(texts))
    for width, counts in recorded.batches:
        assert width == max(counts) and len(counts) <= embed.BATCH
    # Batches do not overlap in token counts, so none pads a short text to a long one's length.
    ranges = sorted((min(counts), max(counts)) for _, counts in recorded.batches)
    assert all(high <= next_low for (_, high), (next_low, _) in itertools.pairwise(ranges)), ranges
