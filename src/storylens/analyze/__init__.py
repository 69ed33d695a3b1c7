"""Analyze: sentences, entities, quotes with speakers, and dates of one article."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from storylens.analyze import nlp
from storylens.analyze.dates import find_dates
from storylens.analyze.entities import find_entities
from storylens.analyze.quotes import find_quotes
from storylens.analyze.sentences import sentence_at, split_sentences
from storylens.model import Analysis, Article, DateRef

BATCH = 16


def analyze(article: Article, reference: date | None = None) -> Analysis:
    return next(analyze_many([article], reference))


def analyze_many(articles: Iterable[Article], reference: date | None = None) -> Iterator[Analysis]:
    """Analyze articles in batches through one spaCy pipeline; `reference` dates undated ones."""
    pipeline = nlp.load()
    articles = list(articles)
    docs = pipeline.pipe((a.text for a in articles), batch_size=BATCH)
    for article, doc in zip(articles, docs, strict=True):
        sentences = split_sentences(article.text)
        entities = find_entities(doc)
        quotes = find_quotes(doc, sentences, entities)
        ref = article.day or reference
        dates = [DateRef(d.start, d.end, text=d.text, date=d.date, sentence=sentence_at(sentences, d.start))
                 for d in find_dates(article.text, ref)]
        yield Analysis(article, sentences, entities, quotes, dates)


__all__ = ["analyze", "analyze_many", "split_sentences"]
