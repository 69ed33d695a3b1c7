"""The static word-piece table distilled from MiniLM: rows, text vectors, weights and the cache.

Tables here are built from a handful of pieces (under a second); the full table is the benchmark's."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from storylens.analyze import embed, static
from storylens.errors import StorylensError

# "Zelenskyy" splits into four pieces; "river", "stock" and "market" are whole words.
PIECES = ["river", "bank", "stock", "market", "ze", "##len", "##sky", "##y", "the", "[CLS]", "[unused3]"]


@pytest.fixture(scope="module")
def tokenizer() -> Any:
    return static.load_tokenizer(static.encoder_files()[1])


@pytest.fixture(scope="module")
def small_table() -> static.StaticTable:
    return static.distill(*static.encoder_files(), pieces=PIECES)


def orthogonal_table(tokenizer: Any, pieces: list[str], weights: list[float]) -> static.StaticTable:
    """Each piece its own axis: a text's vector then shows exactly which rows it summed, and how."""
    vocabulary = tokenizer.get_vocab()
    order = np.argsort([vocabulary[p] for p in pieces])
    return static.StaticTable(np.array([vocabulary[pieces[i]] for i in order], dtype=np.int64),
                              np.eye(len(pieces), dtype=np.float32)[order],
                              np.array(weights, dtype=np.float32)[order])


def test_the_table_has_one_row_per_kept_piece_special_and_unused_skipped(small_table: static.StaticTable,
                                                                          tokenizer: Any) -> None:
    vocabulary = tokenizer.get_vocab()
    kept = sorted(vocabulary[p] for p in PIECES if not p.startswith("["))
    assert small_table.ids.tolist() == kept
    assert small_table.vectors.shape == (len(kept), len(kept))  # PCA keeps at most as many axes as rows
    assert np.all(small_table.weights == 1.0)


def test_the_full_vocabulary_keeps_every_piece_but_unused_and_special(tokenizer: Any) -> None:
    vocabulary = tokenizer.get_vocab()
    kept = static.kept_pieces(vocabulary)
    names = {i: p for p, i in vocabulary.items()}
    assert len(kept) == sum(1 for p in vocabulary if not (p.startswith("[") and p.endswith("]")))
    assert {names[i] for i in kept}.isdisjoint({"[CLS]", "[SEP]", "[PAD]", "[MASK]", "[UNK]", "[unused0]"})
    assert vocabulary["##ing"] in kept and vocabulary["["] in kept  # a bracket alone is a real piece


def test_a_row_before_pca_is_the_encoders_mean_pooled_output_for_the_piece_alone(tokenizer: Any) -> None:
    vocabulary = tokenizer.get_vocab()
    words = ["river", "market", "earthquake"]
    import onnxruntime as ort

    session = ort.InferenceSession(str(static.encoder_files()[0]), providers=["CPUExecutionProvider"])
    rows = static.piece_outputs(session, np.array([vocabulary[w] for w in words]),
                                vocabulary["[CLS]"], vocabulary["[SEP]"])
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    # "[CLS] word [SEP]", mean-pooled, as the headline encoder gives it in float32
    float32 = embed.Embedder(*embed.model_files(), precision="f32")
    np.testing.assert_allclose(rows, float32.encode(words), atol=1e-5)


def test_text_vectors_are_unit_and_an_unknown_text_is_zero(small_table: static.StaticTable, tokenizer: Any) -> None:
    vectors = static.StaticEncoder(small_table, tokenizer).encode(["river bank", "stock market", "Zelenskyy", "",
                                                                   "quantum"])
    np.testing.assert_allclose(np.linalg.norm(vectors[:3], axis=1), 1.0, atol=1e-5)
    assert not vectors[3:].any()  # "" and a piece without a row: nothing to average, no NaN


def test_a_text_scores_one_with_itself_and_zero_with_one_sharing_no_piece(tokenizer: Any) -> None:
    table = orthogonal_table(tokenizer, ["river", "bank", "stock", "market"], [1, 1, 1, 1])
    encoder = static.StaticEncoder(table, tokenizer)
    river, stock, again = encoder.encode(["river bank", "stock market", "River Bank"])
    assert float(river @ again) == pytest.approx(1.0, abs=1e-6)
    assert abs(float(river @ stock)) < 1e-6


def test_a_text_vector_is_the_weighted_mean_of_its_pieces(tokenizer: Any) -> None:
    table = orthogonal_table(tokenizer, ["river", "bank", "stock", "market"], [3, 1, 1, 1])
    encoder = static.StaticEncoder(table, tokenizer)
    vector = encoder.encode(["river bank bank"])[0]
    expected = np.zeros(4)
    expected[encoder.rows("river")[0]], expected[encoder.rows("bank")[0]] = 3, 2  # weight 3 once, 1 twice
    np.testing.assert_allclose(vector, expected / np.linalg.norm(expected), atol=1e-6)


def test_a_word_and_its_piecewise_split_map_to_the_pieces_rows(small_table: static.StaticTable,
                                                                 tokenizer: Any) -> None:
    encoder = static.StaticEncoder(small_table, tokenizer)
    pieces = [int(np.flatnonzero(small_table.ids == tokenizer.token_to_id(p))[0])
              for p in ["ze", "##len", "##sky", "##y"]]
    assert encoder.rows("Zelenskyy").tolist() == pieces
    summed = small_table.vectors[pieces].sum(axis=0)
    np.testing.assert_allclose(encoder.encode(["Zelenskyy"])[0], summed / np.linalg.norm(summed), atol=1e-5)


def test_text_is_bounded_before_it_is_tokenised(small_table: static.StaticTable, tokenizer: Any) -> None:
    encoder = static.StaticEncoder(small_table, tokenizer)
    assert len(encoder.rows("river " * 1_000_000)) <= static.MAX_PIECES


def test_common_pieces_weigh_less_under_both_weightings(small_table: static.StaticTable, tokenizer: Any) -> None:
    counts, documents = static.document_frequencies(tokenizer, ["the river", "the river the bank", "the market"])
    assert documents == 3 and counts[tokenizer.token_to_id("the")] == 3  # documents, not occurrences
    row = {p: int(np.flatnonzero(small_table.ids == tokenizer.token_to_id(p))[0]) for p in ["the", "river", "stock"]}
    for weighting in static.WEIGHTINGS:
        weights = static.piece_weights(small_table, counts, documents, weighting)
        assert weights[row["the"]] < weights[row["river"]] < weights[row["stock"]], weighting  # stock: unseen


def test_the_table_is_distilled_once_then_read_from_its_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             small_table: static.StaticTable) -> None:
    calls: list[int] = []

    def counting_distill(*args: Any, **kwargs: Any) -> static.StaticTable:
        calls.append(1)
        return small_table

    monkeypatch.setattr(static, "distill", counting_distill)
    path = tmp_path / "cache" / "table.npz"
    first = static.cached_table(path)
    second = static.cached_table(path)
    assert calls == [1] and path.exists() and not list(path.parent.glob("*.partial*"))
    assert np.load(path)["vectors"].dtype == np.float16
    np.testing.assert_array_equal(second.ids, small_table.ids)
    np.testing.assert_allclose(second.vectors, small_table.vectors, rtol=1e-3, atol=1e-3)
    np.testing.assert_array_equal(first.vectors, second.vectors)


def test_a_damaged_table_file_is_an_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "table.npz"
    path.write_bytes(b"not a table")
    with pytest.raises(StorylensError, match="table.npz: not a static table"):
        static.StaticTable.load(path)


def test_pieces_outside_the_vocabulary_are_refused() -> None:
    with pytest.raises(StorylensError, match="not pieces of the tokenizer"):
        static.distill(*static.encoder_files(), pieces=["river", "notapieceatall"])


def test_weights_must_match_the_rows(small_table: static.StaticTable) -> None:
    with pytest.raises(StorylensError, match="weights for"):
        small_table.with_weights(np.ones(3))


@pytest.mark.parametrize("weighting", static.WEIGHTINGS)
def test_pieces_never_seen_all_get_the_full_weight(small_table: static.StaticTable, weighting: str) -> None:
    weights = static.piece_weights(small_table, Counter(), 10, weighting)  # type: ignore[arg-type]
    assert np.all(weights == weights.max()) and weights.max() >= 1.0
