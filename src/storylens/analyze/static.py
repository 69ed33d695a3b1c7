"""A static word-piece embedding distilled from the shipped MiniLM (issue 13, exploratory).

A static embedding is a table of one vector per word piece; a text's vector is the weighted mean of
its pieces' rows. It costs a tokenizer pass and a sparse product, thousands of texts a second,
where MiniLM runs a transformer over every token. The table is derived the way model2vec derives
one: every vocabulary piece runs alone through the encoder as "[CLS] piece [SEP]", its output is
mean-pooled into one 384-d row, and PCA reduces the rows to 256 dimensions.

The distillation is written here by hand because model2vec's `distill` needs torch, which the
project does not install; the encoder is the int8 ONNX MiniLM that `embed.py` runs, loaded from
site-packages, so nothing is downloaded. model2vec weights pieces by their Zipf rank in the
vocabulary; BERT's vocabulary is not ordered by frequency, so the weights here come from word-piece
document frequencies counted on a corpus (`piece_weights`).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
from scipy import sparse

from storylens.errors import StorylensError

DIMS = 256  # model2vec's default PCA size
PIECES_PER_RUN = 1024  # pieces per encoder run: three tokens each, so a run is cheap to pad
MAX_CHARS = 100_000  # a text is cut here before tokenising: article text is hostile, bound it
MAX_PIECES = 4096  # and here after: past a few thousand pieces the mean no longer moves
SIF_A = 1e-4  # model2vec's SIF coefficient, a / (a + p)
Weighting = Literal["sif", "idf"]
WEIGHTINGS: tuple[Weighting, ...] = ("sif", "idf")


@dataclass(frozen=True)
class StaticTable:
    """One row per kept vocabulary piece: its tokenizer id, its vector and its weight."""

    ids: np.ndarray  # int64 (rows,): tokenizer ids of the kept pieces, ascending
    vectors: np.ndarray  # float32 (rows, dims): the PCA-reduced encoder outputs
    weights: np.ndarray  # float32 (rows,): 1.0 until `with_weights`

    def with_weights(self, weights: np.ndarray) -> StaticTable:
        if weights.shape != self.ids.shape:
            raise StorylensError(f"static table: {weights.shape[0]} weights for {len(self.ids)} rows; "
                                 "compute them with `piece_weights` on this table")
        return replace(self, weights=weights.astype(np.float32))

    def save(self, path: Path) -> None:
        """Written to a temporary file and renamed, so a crash never leaves half a table."""
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial.npz")
        np.savez(partial, ids=self.ids, vectors=self.vectors.astype(np.float16), weights=self.weights)
        os.replace(partial, path)

    @classmethod
    def load(cls, path: Path) -> StaticTable:
        try:
            with np.load(path, allow_pickle=False) as stored:
                ids, vectors, weights = stored["ids"], stored["vectors"], stored["weights"]
        except (OSError, ValueError, KeyError) as err:
            raise StorylensError(f"{path}: not a static table ({err}); delete it and distill again") from err
        if vectors.ndim != 2 or not len(ids) == len(vectors) == len(weights):
            raise StorylensError(f"{path}: a static table with mismatched arrays; delete it and distill again")
        return cls(ids.astype(np.int64), vectors.astype(np.float32), weights.astype(np.float32))


def kept_pieces(vocabulary: dict[str, int]) -> np.ndarray:
    """Ids of the pieces worth a row: not BERT's [unused*] slots nor its special tokens."""
    return np.array(sorted(i for piece, i in vocabulary.items()
                           if not (piece.startswith("[") and piece.endswith("]"))), dtype=np.int64)


def encoder_files() -> tuple[Path, Path]:
    """The int8 ONNX model and its tokenizer, from the same packages `embed.py` loads."""
    from storylens.analyze import embed

    return embed.model_files()


def load_tokenizer(tokenizer_file: Path) -> Any:
    """The MiniLM tokenizer, unpadded and cut at MAX_PIECES, so that texts map to the table's ids."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(tokenizer_file))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=MAX_PIECES)
    return tokenizer


def piece_outputs(session: Any, ids: np.ndarray, cls_id: int, sep_id: int) -> np.ndarray:
    """The encoder's mean-pooled output for each piece alone, as "[CLS] piece [SEP]" (384-d rows).

    Every input is three tokens long, so runs need no padding and a run of a thousand is cheap."""
    rows = []
    for start in range(0, len(ids), PIECES_PER_RUN):
        chunk = ids[start : start + PIECES_PER_RUN]
        tokens = np.stack([np.full(len(chunk), cls_id), chunk, np.full(len(chunk), sep_id)], axis=1)
        tokens = tokens.astype(np.int64)
        hidden = session.run(None, {"input_ids": tokens, "attention_mask": np.ones_like(tokens),
                                    "token_type_ids": np.zeros_like(tokens)})[0]
        rows.append(hidden.mean(axis=1))
    return np.vstack(rows).astype(np.float32)


def reduce(rows: np.ndarray, dims: int = DIMS) -> np.ndarray:
    """PCA by SVD of the centred rows: the first `dims` principal axes (fewer if there are fewer rows)."""
    centred = rows - rows.mean(axis=0)
    _, _, axes = np.linalg.svd(centred, full_matrices=False)
    return (centred @ axes[: min(dims, len(axes))].T).astype(np.float32)


def distill(model_file: Path, tokenizer_file: Path, pieces: Sequence[str] | None = None,
            dims: int = DIMS, threads: int | None = None) -> StaticTable:
    """The static table of the encoder: every kept piece (or only `pieces`, for tests) run alone."""
    import onnxruntime as ort

    vocabulary = load_tokenizer(tokenizer_file).get_vocab()
    if pieces is None:
        ids = kept_pieces(vocabulary)
    else:
        missing = [p for p in pieces if p not in vocabulary]
        if missing:
            raise StorylensError(f"static table: {missing[:5]} are not pieces of the tokenizer's vocabulary")
        ids = kept_pieces({p: vocabulary[p] for p in pieces})
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads or min(2, os.cpu_count() or 1)
    options.log_severity_level = 3
    session = ort.InferenceSession(str(model_file), sess_options=options, providers=["CPUExecutionProvider"])
    rows = piece_outputs(session, ids, vocabulary["[CLS]"], vocabulary["[SEP]"])
    return StaticTable(ids, reduce(rows, dims), np.ones(len(ids), dtype=np.float32))


def cached_table(path: Path, dims: int = DIMS) -> StaticTable:
    """The full table from `path`, distilled from the shipped encoder and written there first if absent."""
    if not path.exists():
        distill(*encoder_files(), dims=dims).save(path)
    return StaticTable.load(path)


def document_frequencies(tokenizer: Any, texts: Iterable[str]) -> tuple[Counter[int], int]:
    """In how many texts each piece id occurs, and how many texts were counted."""
    counts: Counter[int] = Counter()
    documents = 0
    batch: list[str] = []
    for text in texts:
        batch.append(text[:MAX_CHARS])
        documents += 1
        if len(batch) == 256:
            counts.update(i for e in tokenizer.encode_batch(batch, add_special_tokens=False) for i in set(e.ids))
            batch = []
    counts.update(i for e in tokenizer.encode_batch(batch, add_special_tokens=False) for i in set(e.ids))
    return counts, documents


def piece_weights(table: StaticTable, counts: Counter[int], documents: int, weighting: Weighting) -> np.ndarray:
    """A weight per row from document frequencies: common pieces ("the", "##s") count for little.

    "sif" is model2vec's a / (a + p) with p a piece's share of all document occurrences; "idf" is
    scikit-learn's smoothed log idf. A piece never seen counts as seen in no document (full weight)."""
    seen = np.array([counts.get(int(i), 0) for i in table.ids], dtype=np.float64)
    if weighting == "sif":
        share = seen / max(seen.sum(), 1.0)
        return (SIF_A / (SIF_A + share)).astype(np.float32)
    return (np.log((1 + documents) / (1 + seen)) + 1).astype(np.float32)


class StaticEncoder:
    """Texts to unit vectors by the weighted mean of their pieces' rows (no transformer run)."""

    def __init__(self, table: StaticTable, tokenizer: Any) -> None:
        self.table = table
        self._tokenizer = tokenizer
        self._row_of = np.full(max(tokenizer.get_vocab_size(), int(table.ids.max(initial=0)) + 1), -1, np.int64)
        self._row_of[table.ids] = np.arange(len(table.ids))
        self._weighted = table.vectors * table.weights[:, None]

    def rows(self, text: str) -> np.ndarray:
        """The table rows of a text's pieces, in order; pieces without a row (special) are dropped."""
        found = self._row_of[self._tokenizer.encode(text[:MAX_CHARS], add_special_tokens=False).ids]
        return found[found >= 0]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One unit vector per text, in order; a text with no known piece gets the zero vector.

        The weighted sums are one sparse (texts x pieces) product; the weighted mean's direction is
        the sum's, so dividing by the weight total is left to the L2 normalisation."""
        if not texts:
            return np.zeros((0, self.table.vectors.shape[1]), dtype=np.float32)
        encodings = self._tokenizer.encode_batch([t[:MAX_CHARS] for t in texts], add_special_tokens=False)
        found = [self._row_of[e.ids] for e in encodings]
        kept = [f[f >= 0] for f in found]
        indptr = np.concatenate([[0], np.cumsum([len(k) for k in kept])])
        columns = np.concatenate(kept) if indptr[-1] else np.zeros(0, np.int64)
        counts = sparse.csr_matrix((np.ones(len(columns), np.float32), columns, indptr),
                                   shape=(len(texts), len(self.table.ids)))
        summed = np.asarray(counts @ self._weighted, dtype=np.float32)
        norms = np.linalg.norm(summed, axis=1, keepdims=True)
        return summed / np.maximum(norms, 1e-12)

