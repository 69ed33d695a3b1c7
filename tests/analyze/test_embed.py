"""The headline encoder: how texts are batched changes its cost, and in float32 never a vector."""

from __future__ import annotations

import itertools
from functools import cache

import numpy as np
import pytest

from storylens.analyze import embed
from storylens.errors import StorylensError

# Texts whose token counts run against their lengths in characters: a digit is one token in two
# characters, "infrastructure" one in fifteen. Sorted by characters, short and long ones share batches.
DENSE = [" ".join("7" * k) for k in range(1, 25)]
SPARSE = [" ".join(["infrastructure"] * k) for k in range(1, 25)]
MIXED = DENSE[:6] + SPARSE[:6] + ["", "word " * 400]  # an empty text and one past MAX_TOKENS


@cache
def float32() -> embed.Embedder:
    return embed.Embedder(*embed.model_files(), precision="f32")


def test_in_float32_texts_embedded_together_in_any_order_equal_them_one_by_one() -> None:
    encoder = float32()
    alone = np.vstack([encoder.encode([t]) for t in MIXED])
    together = encoder.encode(MIXED)
    backwards = encoder.encode(MIXED[::-1])[::-1]
    np.testing.assert_allclose(together, alone, atol=1e-6)
    np.testing.assert_allclose(backwards, alone, atol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)


def test_the_default_precision_keeps_every_vector_at_the_float32_one() -> None:
    """On a CPU that multiplies bfloat16 the default runs in it, and a product's rounding then
    depends a little on the batch's shape (the kernel chosen): no vector may move further than
    that from its float32 one, alone or in a batch. Elsewhere the default is float32 itself."""
    exact = float32().encode(MIXED)
    default = embed.load()
    for got in (default.encode(MIXED), np.vstack([default.encode([t]) for t in MIXED])):
        assert (got * exact).sum(axis=1).min() > 0.9999
        np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)


def test_an_unknown_precision_is_refused_with_the_setting_to_fix() -> None:
    with pytest.raises(StorylensError, match="encoder_precision 'fp8'.*STORYLENS_ENCODER_PRECISION"):
        embed.Embedder(*embed.model_files(), precision="fp8")


def test_each_batch_holds_texts_of_neighbouring_token_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    encoder = float32()
    batches: list[list[int]] = []  # the token counts of each batch run
    run = encoder._embed_batch

    def recording(tokens: list[list[int]]) -> np.ndarray:
        batches.append([len(t) for t in tokens])
        return run(tokens)

    monkeypatch.setattr(encoder, "_embed_batch", recording)
    texts = DENSE + SPARSE
    encoder.encode(texts)
    assert sorted(n for counts in batches for n in counts) == \
        sorted(len(e.ids) for e in encoder._tokenizer.encode_batch(texts))
    assert all(len(counts) <= embed.BATCH for counts in batches)
    # Batches do not overlap in token counts, so none pads a short text to a long one's length.
    ranges = sorted((min(counts), max(counts)) for counts in batches)
    assert all(high <= next_low for (_, high), (next_low, _) in itertools.pairwise(ranges)), ranges
