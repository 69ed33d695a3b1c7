"""The analyzer shared by threads (the web server's pool) gives what one thread gives.

Each test runs the same work single-threaded first, then from several threads at once, and
compares: a splitter, parser or tokenizer whose state one thread changes under another shows up
as different boundaries, a wrong entity or quote, or an exception.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from storylens import api
from storylens.analyze import analyze, embed, split_sentences
from storylens.model import Article

THREADS = 8
ROUNDS = 2


def demo_articles() -> list[Article]:
    return [a for _, a in api.clean_files([api.demo_corpus()]) if isinstance(a, Article)]


def in_threads(work: Callable[[Any], Any], items: list[Any]) -> list[Any]:
    """`work` over every item, each item ROUNDS times, from THREADS threads at once."""
    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(work, items * ROUNDS))


def test_sentence_splitter_gives_the_same_boundaries_from_many_threads() -> None:
    texts = [a.text for a in demo_articles()]
    alone = [split_sentences(t) for t in texts]
    together = in_threads(split_sentences, texts)
    assert together == alone * ROUNDS


def test_analyses_from_many_threads_equal_the_single_threaded_ones() -> None:
    articles = demo_articles()[:6]
    alone = [analyze(a).to_dict() for a in articles]
    together = in_threads(lambda a: analyze(a).to_dict(), articles)
    assert together == alone * ROUNDS


def test_embedder_from_many_threads_equals_one_thread() -> None:
    # Short batches of different lengths: many tokenizer calls, each padded to its own longest text.
    texts = [" ".join(a.text.split()[: 5 + 3 * n]) for n, a in enumerate(demo_articles()[:12])]
    batches = [texts[i : i + 1 + i % 3] for i in range(len(texts))]
    alone = [embed.embed(b) for b in batches]
    together = in_threads(embed.embed, batches)
    for got, want in zip(together, alone * ROUNDS, strict=True):
        np.testing.assert_allclose(got, want, atol=1e-5)


def test_a_batch_analysed_off_the_main_thread_does_not_fork_while_another_thread_parses() -> None:
    # A fork copies only the calling thread: children of a fork made while another thread holds
    # the parse lock would wait for it forever. Here one thread holds it for a moment while a
    # second analyses a batch large enough for worker processes.
    import threading
    import time

    from storylens.analyze import analyze_many, nlp

    nlp.load()
    articles = [Article.create(f"Harbour master Tom Reyes said the wall number {n} would be rebuilt. "
                               "\"It will stand,\" he said.") for n in range(40)]
    done: list[int] = []
    held, release = threading.Event(), threading.Event()

    def hold_parse() -> None:
        with nlp.PARSE:
            held.set()
            release.wait(5)

    def analyse() -> None:
        done.append(len(list(analyze_many(articles, workers=2, dayfirst=False))))

    holder = threading.Thread(target=hold_parse, daemon=True)
    holder.start()
    held.wait(5)
    worker = threading.Thread(target=analyse, daemon=True)
    worker.start()
    time.sleep(0.5)
    release.set()
    worker.join(30)
    assert done == [40]
