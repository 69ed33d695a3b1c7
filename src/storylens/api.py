"""The Python facade: every CLI command is a thin wrapper over one function here.

    from storylens import api
    report = api.ingest(["pages/"], db="news.db")
    for story in api.stories(db="news.db"):
        print(story.id, story.title, len(story.article_ids))
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from importlib import resources
from itertools import chain
from pathlib import Path
from typing import Any

from storylens import config
from storylens.clean import clean
from storylens.compare import add_sentence_vectors, compare, story_day, to_report
from storylens.errors import InputError, StoreError, StorylensError
from storylens.ingest import read_inputs
from storylens.ingest.files import parse_jsonl
from storylens.model import Analysis, Article, Comparison, RawDocument, Rejection, Story
from storylens.store import SQLiteStore
from storylens.stories import StoryStream
from storylens.stories.scorer import StoryScorer

Progress = Callable[[int], None]


def _settings(settings: config.Settings | None, **overrides: Any) -> config.Settings:
    return (settings or config.load()).with_overrides(**overrides)


def _max_bytes(settings: config.Settings) -> int:
    return int(settings.max_input_mb * 2**20)


# -- clean ------------------------------------------------------------------------------------------
def clean_files(paths: Iterable[str | Path], settings: config.Settings | None = None
                ) -> Iterator[tuple[str, Article | Rejection]]:
    """(input, article or rejection) for each document in the inputs, in input order."""
    s = _settings(settings)
    for item in read_inputs(paths, _max_bytes(s)):
        if isinstance(item, Rejection):
            yield item.input, item
            continue
        yield item.source, clean_document(item, s)


def clean_document(doc: RawDocument, settings: config.Settings) -> Article | Rejection:
    try:
        return clean(doc, settings.dayfirst)
    except InputError as err:
        return Rejection(doc.source, "clean", err.cause)


# -- ingest -----------------------------------------------------------------------------------------
@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    already_stored: list[str] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    stories_touched: set[str] = field(default_factory=set)


def ingest(paths: Iterable[str | Path], db: str | None = None, settings: config.Settings | None = None,
           progress: Progress | None = None) -> IngestReport:
    """Read, clean, store and group articles into stories. Re-running with the same inputs adds nothing.

    `paths` may hold http(s) URLs of article pages too: they are fetched once each, through the
    SSRF guard and the politeness rules of `storylens.ingest.fetch`."""
    s = _settings(settings, db=db)
    given = [str(p) for p in paths]
    urls = [p for p in given if p.startswith(("http://", "https://"))]
    files = [p for p in given if p not in urls]
    return ingest_documents(chain(read_inputs(files, _max_bytes(s)), fetch_pages(urls, s)), s, progress)


def fetch_pages(urls: list[str], settings: config.Settings) -> Iterator[RawDocument | Rejection]:
    """Each URL's page as a document, or a rejection saying why it could not be fetched."""
    if not urls:
        return
    from storylens.ingest.feeds import page_document
    from storylens.ingest.fetch import Fetcher

    fetcher = Fetcher(settings)
    try:
        for url in dict.fromkeys(urls):
            yield page_document(fetcher, url)
    finally:
        fetcher.close()


def ingest_documents(documents: Iterable[RawDocument | Rejection], settings: config.Settings | None = None,
                     progress: Progress | None = None) -> IngestReport:
    """Clean, store and group documents already read (files, a POST to the HTTP API, a feed)."""
    s = _settings(settings)
    report = IngestReport()
    articles: list[Article] = []
    for item in documents:
        outcome = item if isinstance(item, Rejection) else clean_document(item, s)
        if isinstance(outcome, Rejection):
            report.rejected.append(outcome)
        else:
            articles.append(outcome)
        if progress:
            progress(1)
    with SQLiteStore(s.db) as store:
        new_ids = set(store.add_articles(articles))
        store.add_rejections(report.rejected)
        report.added = [a.id for a in articles if a.id in new_ids]
        report.already_stored = [a.id for a in articles if a.id not in new_ids]
        if new_ids:
            report.stories_touched = assign_stories(store, new_ids, s)
    return report


def assign_stories(store: SQLiteStore, new_ids: set[str], settings: config.Settings) -> set[str]:
    """Replay stored articles into the online clusterer, then add the new ones in date order.

    Stories the new articles merge are relabelled in the store too: the returned ids are every
    story that gained or changed articles."""
    stream = story_stream(settings)
    known = {a: s.id for s in store.stories() for a in s.article_ids}
    everything = store.articles()
    fresh = sorted((a for a in everything if a.id in new_ids), key=lambda a: a.published or datetime.max)
    horizon = _replay_horizon(fresh, settings)
    replay = [a for a in everything if a.id in known
              and (horizon is None or a.published is None or a.published >= horizon)]
    for _ in stream.add_all(replay, known):
        pass
    duplicates = {d.article_id: d.duplicate_of for d in stream.add_all(fresh) if d.duplicate_of}
    assignments = {}
    for article in everything:
        if article.id in stream:
            story = stream.story_of(article.id)
        elif article.id in known:  # not replayed, but its story may have been merged
            story = stream.clusterer.resolve(known[article.id])
        else:
            continue
        if article.id in new_ids or story != known.get(article.id):
            assignments[article.id] = story
    store.assign_stories(assignments, duplicates)
    return set(assignments.values())


def assign_pending_stories(store: SQLiteStore, settings: config.Settings) -> set[str]:
    """Group every stored article that has no story yet, in publication order (a backfill stores
    slices first and groups them here; a run that stopped between the two is finished here)."""
    pending = set(store.unassigned_article_ids())
    return assign_stories(store, pending, settings) if pending else set()


def _replay_horizon(fresh: list[Article], settings: config.Settings) -> datetime | None:
    """Stored articles dated before this cannot share a story with any new article (their stories
    ended a window earlier), so they need no replay, nor their headlines embedding. None when
    a new article is undated: it may join any story."""
    if not fresh or any(a.published is None for a in fresh):
        return None
    return min(a.published for a in fresh if a.published is not None) - timedelta(days=settings.story_window_days)


def story_stream(settings: config.Settings) -> StoryStream:
    return StoryStream(settings.story_threshold, settings.story_window_days,
                       settings.duplicate_threshold, settings.story_merge_threshold,
                       StoryScorer.load(settings.story_scorer or None))


# -- stories ----------------------------------------------------------------------------------------
def existing_store(path: str) -> SQLiteStore:
    """Open a store that must already exist: reading never creates one, so a mistyped `--db`
    says so instead of leaving an empty database file behind."""
    if path != ":memory:" and not Path(path).is_file():
        raise StoreError(f"{path}: no store there; make one with `storylens --db {path} ingest PATH...` "
                         f"(or `storylens demo --db {path}`), or point --db / STORYLENS_DB at an existing store")
    return SQLiteStore(path)


def stories(db: str | None = None, settings: config.Settings | None = None) -> list[Story]:
    """Stories, largest and newest first."""
    with existing_store(_settings(settings, db=db).db) as store:
        found = store.stories()
    return sorted(found, key=lambda s: (-len(s.article_ids), -(s.last_seen.timestamp() if s.last_seen else 0.0)))


def cluster_records(path: str | Path, settings: config.Settings | None = None,
                    threshold: float | None = None, window_days: float | None = None,
                    progress: Progress | None = None) -> list[tuple[str, str]]:
    """(article id, story id) for each line of an articles JSONL file, in order.

    Each article is decided online, from itself and the lines before it; the ids returned are
    the stories as they stand at the end, after any merges that later articles justified."""
    s = _settings(settings, story_threshold=threshold, story_window_days=window_days)
    stream = story_stream(s)
    decided = []
    for assignment in stream.add_all(jsonl_articles(path, s)):
        decided.append((assignment.article_id, assignment.story_id))
        if progress:
            progress(1)
    return [(article_id, stream.clusterer.resolve(story)) for article_id, story in decided]


def jsonl_articles(path: str | Path, settings: config.Settings | None = None) -> Iterator[Article]:
    """The articles of a JSONL file as `storylens cluster` reads them (the scorer is fitted on
    the same reading, so that training and use see the same text, titles and dates)."""
    s = _settings(settings)
    if not Path(path).is_file():
        raise InputError(str(path), "no such file", "give a JSONL file of articles")
    for item in parse_jsonl(Path(path).read_text(encoding="utf-8"), str(path)):
        if isinstance(item, Rejection):
            raise InputError(item.input, item.reason)
        yield clean(item, s.dayfirst) if item.kind != "clean" else Article.create(
            item.content, title=item.title, id=item.id, published=item.published, outlet=item.outlet)


# -- compare and analyze ---------------------------------------------------------------------------
def articles_from_files(paths: Iterable[str | Path], settings: config.Settings | None = None) -> list[Article]:
    found, rejected = [], []
    for source, outcome in clean_files(paths, settings):
        if isinstance(outcome, Rejection):
            rejected.append(f"{source}: {outcome.reason}")
        else:
            found.append(outcome)
    if rejected:
        raise StorylensError("cannot compare: " + "; ".join(rejected))
    return found


def compare_files(paths: Iterable[str | Path], settings: config.Settings | None = None) -> Comparison:
    s = _settings(settings)
    articles = articles_from_files(paths, s)
    if not articles:
        raise StorylensError("nothing to compare: give two or more article files")
    return compare(articles, s.align_threshold)


def compare_story(story_id: str, db: str | None = None, settings: config.Settings | None = None
                  ) -> tuple[Story, dict[str, Any]]:
    """A stored story's comparison report, computed once and kept until the story changes."""
    s = _settings(settings, db=db)
    with existing_store(s.db) as store:
        story = store.story(story_id)
        cached = store.comparison(story.id)
        if cached is not None:
            return story, cached
        originals = store.articles([a for a in story.article_ids if a not in story.duplicates])
        analyses = stored_analyses(store, originals)
        report = to_report(compare(originals, s.align_threshold, analyses))
        report["duplicates"] = story.duplicates
        store.save_comparison(story.id, report)
    return story, report


def stored_analyses(store: SQLiteStore, articles: list[Article]) -> list[Analysis]:
    """Analyses of a story's articles, in order: reused from the store, the missing ones computed
    (with their sentence vectors) and stored, so a growing story only analyses its new articles."""
    from storylens.analyze import analyze_many, version_for

    reference = story_day(articles)
    wanted = {a.id: version_for(a, reference) for a in articles}
    found = store.analyses(wanted, {a.id: a for a in articles})
    fresh = list(analyze_many([a for a in articles if a.id not in found], reference=reference))
    add_sentence_vectors(fresh)
    store.save_analyses((a, wanted[a.article.id]) for a in fresh)
    found.update({a.article.id: a for a in fresh})
    return [found[a.id] for a in articles]


def analyze_files(paths: Iterable[str | Path], settings: config.Settings | None = None
                  ) -> Iterator[tuple[str, Analysis | Rejection]]:
    """Analyze each file: HTML is cleaned first; a .txt is taken as already clean text."""
    from storylens.analyze import analyze_many

    s = _settings(settings)
    pending: list[tuple[str, Article | Rejection]] = []
    for item in read_inputs(paths, _max_bytes(s)):
        if isinstance(item, Rejection):
            pending.append((item.input, item))
        elif item.kind == "html":
            pending.append((item.source, clean_document(item, s)))
        else:
            pending.append((item.source, Article.create(item.content, title=item.title, id=item.id,
                                                        published=item.published, input=item.source)))
    articles = [a for _, a in pending if isinstance(a, Article)]
    analyses = iter(analyze_many(articles))
    for source, outcome in pending:
        yield source, next(analyses) if isinstance(outcome, Article) else outcome


# -- demo -------------------------------------------------------------------------------------------
def demo_corpus() -> Path:
    """The bundled demo corpus: fictional stories told by fictional outlets, as HTML and scraped text."""
    return Path(str(resources.files("storylens") / "demo" / "corpus"))


def demo_gold() -> dict[str, Any]:
    return dict(json.loads((demo_corpus().parent / "gold.json").read_text(encoding="utf-8")))
