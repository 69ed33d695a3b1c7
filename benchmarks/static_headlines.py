"""A static word-piece embedding as the headline signal, beside MiniLM (issue 13, exploratory).

    python benchmarks/static_headlines.py [--table PATH] [--sample 400]

Distils the static table from the shipped MiniLM (`storylens.analyze.static`) into `--table`
(a temporary file unless given; built once, then loaded), weights its pieces by word-piece
document frequencies counted on neus-train (title + whole text), and prints, for the headline on
title, title + 30 words, title + 100 words and title + whole text: nearest-neighbour accuracy
(the closest other article is in the same story) and ROC AUC of same-story pairs, alone and
averaged with the TF-IDF similarity as `cv_headline_words.py` does, on its neus-train sample
(400 stories, seed 13), on all of neus-val and on all of ecbplus-dev; and texts/s of the encoding
alone on the sample (table or model loaded; static: best of three runs, MiniLM: one run).

Two weightings are tried (SIF a/(a+p), log idf); the one with the better mean nearest-neighbour
accuracy over the four static rows on the neus-train sample is marked chosen. Nothing is chosen
on neus-val or ecbplus-dev. The document frequencies are counted without labels on all of
neus-train, which holds the sample: a choice made on neus-train, confirmed (or not) on the others.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from cv_headline_words import TITLE_ONLY, neighbour_accuracy, opening
from cv_stories import DATA, SEED
from sklearn.feature_extraction.text import TfidfVectorizer

from storylens import api
from storylens.analyze import embed, static
from storylens.model import Article

CONFIRM = ("neus-val", "ecbplus-dev")  # measured whole, nothing chosen on them
Texts = Callable[[Article], str]
SPANS: dict[str, Texts] = {
    "title": TITLE_ONLY,
    "title + 30": lambda a: f"{a.title or ''}. {opening(a, 30)}",
    "title + 100": lambda a: f"{a.title or ''}. {opening(a, 100)}",
    "title + text": lambda a: f"{a.title or ''}. {a.text}",
}


class Labelled:
    """Articles and gold stories of a set, read as `storylens cluster` reads them (no signals)."""

    def __init__(self, name: str, articles: list[Article], gold: dict[str, str]) -> None:
        self.name, self.articles = name, articles
        self.labels = np.array([gold[a.id] for a in articles])
        tfidf = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(
            [f"{a.title or ''} {opening(a, 100)}" for a in articles])
        self.lexical = (tfidf @ tfidf.T).toarray()  # as `cv_headline_words.signal_table` computes it

    def scores(self, vectors: np.ndarray) -> tuple[float, float, float, float]:
        """Nearest-neighbour accuracy and AUC of the vectors' cosine, alone and averaged with TF-IDF."""
        semantic = vectors @ vectors.T
        return (*neighbour_accuracy(semantic, self.labels),
                *neighbour_accuracy((semantic + self.lexical) / 2, self.labels))


def read_set(name: str) -> tuple[list[Article], dict[str, str]]:
    articles = list(api.jsonl_articles(DATA / f"{name}.articles.jsonl"))
    lines = (DATA / f"{name}.gold.jsonl").read_text(encoding="utf-8").splitlines()
    return articles, {g["id"]: g["story"] for g in map(json.loads, lines)}


def neus_sample(articles: list[Article], gold: dict[str, str], stories: int) -> list[Article]:
    """The stories `cv_headline_words.signal_table` draws (same seed and shuffle), all their articles."""
    names = sorted(set(gold.values()))
    random.Random(SEED).shuffle(names)
    keep = set(names[:stories])
    return [a for a in articles if gold[a.id] in keep]


def rate(encode: Callable[[Sequence[str]], np.ndarray], texts: list[str], runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        encode(texts)
        best = min(best, time.perf_counter() - started)
    return len(texts) / best


def row(label: str, speed: float, sets: list[Labelled], vectors: list[np.ndarray]) -> list[float]:
    cells = [f"{label:<28}", f"{speed:7.0f}"]
    measured: list[float] = []
    for data, v in zip(sets, vectors, strict=True):
        alone_nn, alone_auc, both_nn, both_auc = data.scores(v)
        cells += [f"{alone_nn:.3f} ({alone_auc:.3f})", f"{both_nn:.3f} ({both_auc:.3f})"]
        measured += [alone_nn, both_nn]
    print(" | ".join(cells), flush=True)
    return measured


def build_table(path: Path) -> static.StaticTable:
    started = time.perf_counter()
    fresh = not path.exists()
    table = static.cached_table(path)
    print(f"static table: {len(table.ids)} pieces x {table.vectors.shape[1]} dims, "
          f"{'distilled' if fresh else 'loaded'} in {time.perf_counter() - started:.1f} s, "
          f"{path.stat().st_size / 1e6:.1f} MB as float16", flush=True)
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--table", type=Path, help="where the static table is cached (default: a temp file)")
    parser.add_argument("--sample", type=int, default=400, help="neus-train stories in the sample")
    args = parser.parse_args()
    path = args.table or Path(tempfile.mkdtemp(prefix="static-table-")) / "minilm-static.npz"
    table = build_table(path)
    tokenizer = static.load_tokenizer(static.encoder_files()[1])
    train_articles, train_gold = read_set("neus-train")
    counts, documents = static.document_frequencies(tokenizer, (f"{a.title or ''}. {a.text}" for a in train_articles))
    sample = neus_sample(train_articles, train_gold, args.sample)
    sets = [Labelled("neus-train sample", sample, train_gold),
            *(Labelled(name, *read_set(name)) for name in CONFIRM)]
    print(f"neus-train sample: {len(sample)} articles, {args.sample} stories; " + "; ".join(
        f"{d.name}: {len(d.articles)} articles" for d in sets[1:]) + f"; load {os.getloadavg()[0]:.1f}")
    print(f"{'signal':<28} | texts/s | " + " | ".join(
        f"{d.name} {kind}" for d in sets for kind in ("alone NN (AUC)", "+ TF-IDF NN (AUC)")))
    print("TF-IDF alone (title + 100 words): " + ", ".join(
        "{} {:.3f} (AUC {:.3f})".format(d.name, *neighbour_accuracy(d.lexical, d.labels)) for d in sets))
    means = {}
    for weighting in static.WEIGHTINGS:
        encoder = static.StaticEncoder(table.with_weights(
            static.piece_weights(table, counts, documents, weighting)), tokenizer)
        accuracies = []
        for span, text_of in SPANS.items():
            texts = [[text_of(a) for a in d.articles] for d in sets]
            speed = rate(encoder.encode, texts[0], 3)
            accuracies.append(row(f"static {weighting}, {span}", speed, sets,
                                  [encoder.encode(t) for t in texts])[0])
        means[weighting] = float(np.mean(accuracies))
    chosen = max(means, key=means.__getitem__)
    print("mean neus-train NN accuracy of the static rows: " + ", ".join(f"{w} {m:.3f}" for w, m in means.items())
          + f" -> chosen on neus-train: {chosen}")
    minilm = embed.load()
    for span in ("title", "title + 30"):
        texts = [[SPANS[span](a) for a in d.articles] for d in sets]
        started = time.perf_counter()
        first = minilm.encode(texts[0])
        speed = len(texts[0]) / (time.perf_counter() - started)
        row(f"MiniLM, {span}", speed, sets, [first, *(minilm.encode(t) for t in texts[1:])])


if __name__ == "__main__":
    main()
