"""The headline encoder made faster, and what it does to stories (issue 13; run by hand).

    python benchmarks/int8_encoder.py [--sample 600]                 speed and fidelity
    python benchmarks/int8_encoder.py --cv [--words 0 30] [--rule A B] [--backend B] [--keep-scorer]
                                                                     stories, cross-validated

Why: the shipped ONNX file stores its weights in int8 but multiplies in float (each weight is cast
back before its MatMul), and onnxruntime's float products were over half of the encoder's time,
which is most of `storylens cluster`'s. Embedding the title and the opening's first 30 words (rules
(xii) to (xiv), README) costs 2.8 times the tokens of a title, which 150 articles/s cannot pay in
float32 on 2 cores. Rules (xii) and (xii') tried int8 products (onnxruntime's rewrites below); rule
(xiv), which ships, runs the file with OpenVINO in bfloat16 (`embed.Embedder`); the table's last
two rows.

1. Speed and fidelity, on the first `--sample` neus-train articles as title + 30 words: the model
   rewritten with onnxruntime's own tools (constant folding; the NaN guards the exporter puts after
   each softmax dropped, since the never-padded first token keeps every row unmasked; then
   `quantize_dynamic`), in several variants, batched by 16 as `embed.py` runs the shipped model and
   each text alone on two single-threaded workers (the dynamic quantizer scales a run's input as a
   whole, so in a batch a text's vector depends on its neighbours). Fidelity to the float vectors:
   each text's cosine to its float vector, how far the cosines between texts move, and how often a
   text's nearest neighbour stays the same.
2. `--cv`: the headline as title + N words embedded by the `--backend`: the int8 model (per column,
   each text alone), onnxruntime in float32 (rule (xiii)) or OpenVINO as storylens runs it (xiv);
   the scorer refitted on neus-train (`tools/train_story_scorer.py`'s fit, the six shipped
   features; `--keep-scorer` keeps the shipped one), then rule (viii)'s protocol as `cv_stories.py
   --joint split-c-pairs` runs it (the cut per fold on both sets' other folds) at the join threshold
   rule `--rule A B` (default as shipped), and the whole sets as one stream at the shipped cut.
   `--words 0` is the bare title, as storylens embedded it before (xiv). The int8 and float rows of
   README's (xii) and (xiii) measured with `--words 0` embedded "title. " instead, as this script
   did then (one full stop moved ECB+ fold 1 from .927 to .908).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import io
import itertools
import logging
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from storylens import api
from storylens.analyze import embed
from storylens.stories import signals

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "cluster"
SHIPPED_HEADLINE = signals.headline


def drop_nan_guards(graph) -> int:  # type: ignore[no-untyped-def]
    """Removes each `Where(IsNaN(p), 0, p)` after an attention softmax (an eighth of the float
    model's time in onnxruntime's profile); returns how many."""
    made_by = {name: node for node in graph.node for name in node.output}
    removed = 0
    for node in list(graph.node):
        test = made_by.get(node.input[0]) if node.op_type == "Where" else None
        if test is None or test.op_type != "IsNaN" or node.input[2] != test.input[0]:
            continue
        for reader in graph.node:
            reader.input[:] = [test.input[0] if name == node.output[0] else name for name in reader.input]
        graph.node.remove(node)
        removed += 1
    read = {name for node in graph.node for name in node.input} | {o.name for o in graph.output}
    for node in [n for n in graph.node if n.op_type == "IsNaN" and n.output[0] not in read]:
        graph.node.remove(node)
    return removed


def plain_float(source: Path, folder: Path) -> Path:
    """The shipped model with its weights folded back to float and the NaN guards dropped."""
    import onnx
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
    options.optimized_model_filepath = str(folder / "folded.onnx")
    options.log_severity_level = 3
    ort.InferenceSession(str(source), sess_options=options, providers=["CPUExecutionProvider"])
    model = onnx.load(str(folder / "folded.onnx"))
    drop_nan_guards(model.graph)
    onnx.save(model, str(folder / "plain.onnx"))
    return folder / "plain.onnx"


def quantized(plain: Path, out: Path, per_channel: bool, exclude: list[str] | None = None) -> Path:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    logging.getLogger().setLevel(logging.ERROR)  # it advises "pre-processing" on the root logger
    quantize_dynamic(plain, out, weight_type=QuantType.QInt8, per_channel=per_channel, nodes_to_exclude=exclude or [])
    return out


def ffn_matmuls(plain: Path) -> tuple[list[str], list[str]]:
    """Names of the feed-forward products: (384 -> 1536, 1536 -> 384), one each a layer."""
    import onnx

    model = onnx.load(str(plain))
    dims = {i.name: tuple(i.dims) for i in model.graph.initializer}
    shape = {n.name: next((dims[i] for i in n.input if i in dims), None) for n in model.graph.node
             if n.op_type == "MatMul"}
    return [n for n, s in shape.items() if s == (384, 1536)], [n for n, s in shape.items() if s == (1536, 384)]


class OrtEmbedder(embed.Embedder):
    """`embed.Embedder`'s batching and pooling with onnxruntime running the model, as storylens ran
    it before OpenVINO (rule (xiv)): the int8 rewrites here are onnxruntime models."""

    def __init__(self, model: Path, tokenizer: Path, threads: int | None = None) -> None:
        import onnxruntime as ort

        super().__init__(embed.model_files()[0], tokenizer, precision="f32")  # the tokenizer set up as shipped
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or 2
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(str(model), sess_options=options, providers=["CPUExecutionProvider"])

    def _run(self, feeds: dict[str, np.ndarray]) -> np.ndarray:
        return np.asarray(self.session.run(None, feeds)[0])


class AloneEncoder:
    """Each text run alone (unpadded, its own input scale) on `threads` single-threaded workers:
    `OrtEmbedder` on one onnxruntime thread, one text a batch."""

    def __init__(self, model: Path, tokenizer: Path, threads: int = 2) -> None:
        self.inner = OrtEmbedder(model, tokenizer, threads=1)
        self.workers = ThreadPoolExecutor(threads)

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, embed.DIM), dtype=np.float32)
        tokens = [e.ids for e in self.inner._tokenizer.encode_batch([t or " " for t in texts])]
        return np.vstack(list(self.workers.map(lambda ids: self.inner._embed_batch([ids]), tokens)))


def fidelity_table(sample: int) -> None:
    source, tokenizer = embed.model_files()
    articles = list(itertools.islice(api.jsonl_articles(DATA / "neus-train.articles.jsonl"), sample))
    texts = [signals.headline(a, opening_words=30) for a in articles]
    shipped = OrtEmbedder(source, tokenizer)
    reference = shipped.encode(texts)
    pairs = np.triu_indices(len(texts), 1)
    base = reference @ reference.T
    np.fill_diagonal(base, -9)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        plain = plain_float(source, folder)
        up, down = ffn_matmuls(plain)
        variants: list[tuple[str, object]] = [
            ("shipped file, float, batches of 16", shipped),
            ("float, NaN guards dropped, batches of 16", OrtEmbedder(plain, tokenizer)),
            ("int8 one scale a matrix, batches of 16",
             OrtEmbedder(quantized(plain, folder / "t.onnx", False), tokenizer)),
            ("int8 one scale a column, batches of 16",
             OrtEmbedder(quantized(plain, folder / "c.onnx", True), tokenizer)),
            ("int8 one scale a column, each text alone", AloneEncoder(folder / "c.onnx", tokenizer)),
            ("int8 but the 1536 -> 384 products, alone",
             AloneEncoder(quantized(plain, folder / "d.onnx", True, down), tokenizer)),
            ("int8 but the feed-forward products, alone",
             AloneEncoder(quantized(plain, folder / "f.onnx", True, up + down), tokenizer)),
            ("OpenVINO, shipped file, float32, batches of 16", embed.Embedder(source, tokenizer, precision="f32")),
            ("OpenVINO, shipped file, as it picks (storylens since (xiv)), batches of 16",
             embed.Embedder(source, tokenizer)),
        ]
        print(f"neus-train, first {len(texts)} articles, title + 30 words")
        print("| encoder | texts/s | cosine to float (mean; least) | cosines between texts moved "
              "(mean; 99th pct; most) | same nearest neighbour |")
        print("| --- | --- | --- | --- | --- |")
        for label, encoder in variants:
            started = time.perf_counter()
            vectors = encoder.encode(texts)  # type: ignore[attr-defined]
            rate = len(texts) / (time.perf_counter() - started)
            own = (vectors * reference).sum(axis=1)
            between = vectors @ vectors.T
            np.fill_diagonal(between, -9)
            moved = np.abs(between[pairs] - base[pairs])
            print(f"| {label} | {rate:.0f} | {own.mean():.4f}; {own.min():.4f} | {moved.mean():.4f}; "
                  f"{np.quantile(moved, 0.99):.4f}; {moved.max():.4f} | "
                  f"{np.mean(between.argmax(1) == base.argmax(1)):.3f} |", flush=True)


def cross_validate(words: int, rule: tuple[float, float] | None, refit: bool = True, backend: str = "int8") -> None:
    import cv_rules
    import cv_stories
    from cv_stories import LabelledSet

    from storylens.config import Settings
    from storylens.stories.scorer import FEATURES, StoryScorer
    from storylens.stories.training import candidate_rows, fit_rows

    source, tokenizer = embed.model_files()
    folder = Path(tempfile.mkdtemp())
    encoder: object
    if backend == "float":
        encoder = OrtEmbedder(source, tokenizer)
    elif backend == "openvino":
        encoder = embed.Embedder(source, tokenizer)
    else:
        encoder = AloneEncoder(quantized(plain_float(source, folder), folder / "c.onnx", True), tokenizer)
    embed._load.cache_clear()
    embed._load.__wrapped__ = lambda: encoder  # type: ignore[attr-defined]
    embed.load = lambda: encoder  # type: ignore[assignment,return-value]
    signals.headline = functools.partial(SHIPPED_HEADLINE, opening_words=words)  # what read_signals embeds
    shipped = StoryScorer.load()
    using = tuple(n for n, w in zip(FEATURES, shipped.weights, strict=True) if w)
    scorer = shipped
    if refit:
        train = LabelledSet("neus-train")
        scorer = fit_rows([candidate_rows(train.articles, train.signals, train.gold)], {"trained_on": "neus-train"},
                          using)
    StoryScorer.load = classmethod(lambda cls, path=None: scorer)  # type: ignore[method-assign,assignment]
    cv_rules._passes.clear()  # passes kept from another headline would be reused for the same articles
    if rule:
        cv_rules.SHIPPED_THRESHOLD = cv_stories.SHIPPED_THRESHOLD = rule
    how = {"float": "onnxruntime float", "openvino": "OpenVINO as shipped", "int8": "int8 alone"}[backend]
    how += "; scorer refitted on neus-train" if refit else "; scorer as shipped"
    print(f"title + {words} words, {how}: "
          + ", ".join(f"{n} {w:+.2f}" for n, w in zip(FEATURES, scorer.weights, strict=True) if w))
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        rows, whole = cv_rules.joint_setting("split-c-pairs", ["ecbplus-dev", "neus-val"], 5)
    print("".join(line + "\n" for line in printed.getvalue().splitlines() if "fold" in line or "mean" in line))
    at = cv_rules.GRIDS["split-c-pairs"].index(Settings().story_split_cut)
    for name, scores in whole.items():
        print(f"{name} as one stream, cut {Settings().story_split_cut}: {scores[at]:.4f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sample", type=int, default=600)
    parser.add_argument("--cv", action="store_true")
    parser.add_argument("--words", nargs="+", type=int, default=[0, 30])
    parser.add_argument("--backend", choices=["int8", "float", "openvino"], default="int8",
                        help="--cv's encoder: int8 as above, onnxruntime in float, or OpenVINO as storylens runs it")
    parser.add_argument("--keep-scorer", action="store_true", help="the shipped scorer, not refitted")
    parser.add_argument("--rule", nargs=2, type=float, metavar=("A", "B"), default=None)
    args = parser.parse_args()
    if not args.cv:
        fidelity_table(args.sample)
        return
    for words in args.words:
        cross_validate(words, tuple(args.rule) if args.rule else None, refit=not args.keep_scorer,
                       backend=args.backend)


if __name__ == "__main__":
    main()
