"""Analyze: sentences, entities, quotes with speakers, and dates of one article."""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Iterable, Iterator
from datetime import date
from typing import TYPE_CHECKING

from storylens.analyze import nlp
from storylens.analyze.dates import Written, find_dates
from storylens.analyze.entities import find_entities
from storylens.analyze.quotes import find_quotes
from storylens.analyze.sentences import sentence_at, split_sentences
from storylens.clean.language import is_english
from storylens.model import Analysis, Article, DateRef

if TYPE_CHECKING:
    from spacy.tokens import Doc

BATCH = 8
# Stored analyses carry this version; change it whenever the analyze stage or its models change
# what they find, and stored analyses are recomputed on next use.
VERSION = "7 en_core_web_sm-3.8.0 all-MiniLM-L6-v2-int8"
PARALLEL_MIN = 8  # articles per worker below which a second process costs more than it saves


def version_for(article: Article, reference: Written | date | None, *, dayfirst: bool) -> str:
    """The version an analysis is stored under: undated articles also depend on the reference
    days, and numeric dates in any article on the `dayfirst` setting."""
    version = VERSION if dayfirst else f"{VERSION} monthfirst"
    return version if article.day else f"{version} @{reference}"


def analyze(article: Article, reference: Written | date | None = None, *, dayfirst: bool = True) -> Analysis:
    """One article; a convenience for tests and the article page. Pipelines call `analyze_many`,
    which has no default for `dayfirst`, so that the setting reaches every reader of dates."""
    return next(analyze_many([article], reference, dayfirst=dayfirst))


def analyze_many(articles: Iterable[Article], reference: Written | date | None = None,
                 workers: int = 0, *, dayfirst: bool) -> Iterator[Analysis]:
    """Analyze articles in input order; `reference` dates undated ones (see `Written`), and
    `dayfirst` (the setting) reads ambiguous numeric dates in the text.

    Large batches are spread over `workers` processes (0: one per CPU): the spaCy parse and the
    sentence splitter are CPU-bound Python/Cython that one process cannot run on two cores.
    """
    articles = list(articles)
    workers = min(workers or os.cpu_count() or 1, len(articles) // PARALLEL_MIN)
    # A fork copies only the calling thread: a lock another thread holds at that moment (the
    # parse lock of a second request in the web server) stays held in the children forever. So
    # only a process running one thread (the CLI, a batch job) forks workers.
    if threading.active_count() > 1:
        workers = 1
    if workers <= 1:
        yield from _analyze_batch(articles, reference, dayfirst)
        return
    nlp.load()  # loaded before the fork, so every worker shares the parent's copy
    chunks = [articles[i : i + BATCH] for i in range(0, len(articles), BATCH)]
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        for batch in pool.imap(_analyze_chunk, [(chunk, reference, dayfirst) for chunk in chunks]):
            yield from batch


def _analyze_chunk(job: tuple[list[Article], Written | date | None, bool]) -> list[Analysis]:
    return list(_analyze_batch(*job))


def _analyze_batch(articles: list[Article], reference: Written | date | None, dayfirst: bool
                   ) -> Iterator[Analysis]:
    """Entities and quotes come from the English spaCy pipeline, so articles in another language
    get sentences and dates only (see `storylens.clean.language`), never English guesses."""
    pipeline = nlp.load()
    for start in range(0, len(articles), BATCH):
        chunk = articles[start : start + BATCH]
        english = [nlp.without_datelines(a.text) for a in chunk if is_english(a.lang)]
        with nlp.PARSE:  # one shared pipeline per process: parsed by one thread at a time
            docs = iter(list(pipeline.pipe(english, batch_size=BATCH)))
        yield from _analyze_parsed(chunk, docs, reference, dayfirst)


def _analyze_parsed(articles: list[Article], docs: Iterator[Doc], reference: Written | date | None,
                    dayfirst: bool) -> Iterator[Analysis]:
    for article in articles:
        sentences = split_sentences(article.text)
        doc = next(docs) if is_english(article.lang) else None
        entities = find_entities(doc) if doc is not None else []
        quotes = find_quotes(doc, sentences, entities) if doc is not None else []
        written = Written.on(article.day) if article.day else reference
        dates = [DateRef(d.start, d.end, text=d.text, date=d.date, sentence=sentence_at(sentences, d.start))
                 for d in find_dates(article.text, written, dayfirst=dayfirst, doc=doc)]
        yield Analysis(article, sentences, entities, quotes, dates)


__all__ = ["VERSION", "Written", "analyze", "analyze_many", "split_sentences", "version_for"]
