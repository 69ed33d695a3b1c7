"""The Python facade: every CLI command is a thin wrapper over one function here.

    from storylens import api
    report = api.ingest(["pages/"], db="news.db")
    for story in api.stories(db="news.db"):
        print(story.id, story.title, len(story.article_ids))
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from itertools import chain, islice
from pathlib import Path
from typing import Any

from storylens import config
from storylens.clean import clean, clean_or_reject
from storylens.clean.language import is_english
from storylens.clean.outlets import OutletNames
from storylens.errors import InputError, StoreError, StorylensError
from storylens.ingest import read_inputs
from storylens.ingest.files import SKIPPED, read_jsonl
from storylens.model import Analysis, Article, Comparison, RawDocument, Rejection, Story, content_id, iso
from storylens.store import SQLiteStore
from storylens.stories import StoryStream
from storylens.stories.online import Placed, StoredStories, StreamSettings
from storylens.stories.scorer import StoryScorer
from storylens.stories.signals import Signals, read_signals
from storylens.stories.split import BatchSplits

_WORDS = re.compile(r"\w+")

Progress = Callable[[int], None]


def _settings(settings: config.Settings | None, **overrides: Any) -> config.Settings:
    return (settings or config.load()).with_overrides(**overrides)


def _max_bytes(settings: config.Settings) -> int:
    return int(settings.max_input_mb * 2**20)


# -- clean ------------------------------------------------------------------------------------------
def clean_files(paths: Iterable[str | Path], settings: config.Settings | None = None, outlet: str | None = None
                ) -> Iterator[tuple[str, Article | Rejection]]:
    """(input, article or rejection) for each document in the inputs, in input order; `outlet`
    names the outlet of inputs that do not name one themselves (files, records without `source`)."""
    s = _settings(settings)
    for item in named(read_inputs(paths, _max_bytes(s)), outlet):
        if isinstance(item, Rejection):
            yield item.input, item
            continue
        yield item.source, clean_document(item, s)


def named(items: Iterable[RawDocument | Rejection], outlet: str | None) -> Iterator[RawDocument | Rejection]:
    """The documents with `outlet` (the user's `--outlet`) where they name none themselves."""
    for item in items:
        if outlet and isinstance(item, RawDocument) and not item.outlet:
            item = replace(item, outlet=outlet)
        yield item


def clean_document(doc: RawDocument, settings: config.Settings) -> Article | Rejection:
    """The one per-document boundary (time budget, minimum article, isolation): see `clean_or_reject`."""
    return clean_or_reject(doc, settings)


# -- ingest -----------------------------------------------------------------------------------------
INGEST_BATCH = 64  # documents cleaned, stored and placed per transaction: memory follows this, not the input


@dataclass
class IngestReport:
    """Every input ends in exactly one list: added (the id stored), already stored (the id it
    matched) or rejected (with the reason)."""

    added: list[str] = field(default_factory=list)
    already_stored: list[str] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    stories_touched: set[str] = field(default_factory=set)
    repaired: list[str] = field(default_factory=list)  # stored earlier without a story, placed now
    not_english: dict[str, int] = field(default_factory=dict)  # language -> added articles in it


def ingest(paths: Iterable[str | Path], db: str | None = None, settings: config.Settings | None = None,
           progress: Progress | None = None, outlet: str | None = None) -> IngestReport:
    """Read, clean, store and group articles into stories. Re-running with the same inputs adds nothing.

    `paths` may hold http(s) URLs of article pages too: they are fetched once each, through the
    SSRF guard and the politeness rules of `storylens.ingest.fetch`. `outlet` names the outlet
    of inputs that do not name one themselves."""
    s = _settings(settings, db=db)
    given = [str(p) for p in paths]
    urls = [p for p in given if p.startswith(("http://", "https://"))]
    files = [p for p in given if p not in urls]
    documents = chain(read_inputs(files, _max_bytes(s)), fetch_pages(urls, s))
    return ingest_documents(named(documents, outlet), s, progress)


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
                     progress: Progress | None = None, stories: StoredStories | None = None) -> IngestReport:
    """Clean, store and group documents already read (files, a POST to the HTTP API, a feed).

    Documents go through in bounded batches; each batch (its articles, rejections, story
    assignments and the story state) is one transaction, so an interrupted run leaves whole
    batches, and the next run finishes the work. The story state stays in memory between calls
    of one process (a server's POSTs), checked against the store before each batch; `stories`
    gives a state of the caller's own."""
    s = _settings(settings)
    placer = stories or _kept_stories(str(Path(s.db).resolve()), _stream_settings(s))
    report = IngestReport()
    with SQLiteStore(s.db, s.lock_wait_seconds) as store:
        _place_unplaced(store, placer, report)
        for batch in _batches(documents, INGEST_BATCH):
            outcomes = [item if isinstance(item, Rejection) else clean_document(item, s) for item in batch]
            _store_batch(store, placer, outcomes, report)
            if progress:
                progress(len(batch))
    return report


def _store_batch(store: SQLiteStore, placer: StoredStories, outcomes: list[Article | Rejection],
                 report: IngestReport) -> None:
    """One transaction: new articles, rejections, their stories and the story state."""
    rejections = [o for o in outcomes if isinstance(o, Rejection)]
    articles = []
    for article in (o for o in outcomes if isinstance(o, Article)):
        unreadable = _not_unicode(article)
        if unreadable:
            rejections.append(unreadable)
        else:
            articles.append(article)
    # Embedding is the slow part: read the signals before taking the write lock.
    unseen = [i for i, a in enumerate(articles) if store.stored_id(a) is None]
    signals: list[Signals | None] = [None] * len(articles)
    if unseen:
        for i, read in zip(unseen, read_signals([articles[i] for i in unseen]), strict=True):
            signals[i] = read
    with store.transaction():
        saved = store.store_articles(articles)
        rejections += [o for o in saved if isinstance(o, Rejection)]
        store.add_rejections(rejections)
        stored = [(i, o) for i, o in enumerate(saved) if not isinstance(o, Rejection)]
        fresh = [(replace(articles[i], id=stored_id), signals[i]) for i, (stored_id, new) in stored if new]
        placed = placer.place(store, [a for a, _ in fresh], [sig for _, sig in fresh]) if fresh else Placed()
    # Counted only once committed: nothing is reported that was not stored.
    report.added += [stored_id for _, (stored_id, new) in stored if new]
    report.already_stored += [stored_id for _, (stored_id, new) in stored if not new]
    report.rejected += rejections
    for article, _ in fresh:
        if article.lang and not is_english(article.lang):
            report.not_english[article.lang] = report.not_english.get(article.lang, 0) + 1
    report.stories_touched |= placed.touched


def _not_unicode(article: Article) -> Rejection | None:
    """Text that is not valid Unicode (a lone surrogate from a JSON escape) can be neither hashed,
    embedded nor stored: that article is rejected, not the batch."""
    for name, value in (("title", article.title), ("text", article.text), ("outlet", article.outlet)):
        try:
            (value or "").encode("utf-8")
        except UnicodeEncodeError as err:
            where = (article.input or article.id).encode("utf-8", "backslashreplace").decode("utf-8")
            return Rejection(where, "store", f"{name} is not valid Unicode ({err.reason} at {err.start})")
    return None


def _place_unplaced(store: SQLiteStore, placer: StoredStories, report: IngestReport) -> None:
    """Articles a crashed or older run stored without a story are placed first."""
    while ids := store.unplaced_ids(INGEST_BATCH):
        articles = store.articles(ids)
        signals = read_signals(articles, store.pending_vectors(ids))  # a backfill's workers embedded them
        with store.transaction():
            still = set(store.unplaced_ids(len(ids)))  # another process may have placed them meanwhile
            todo = [(a, sig) for a, sig in zip(articles, signals, strict=True) if a.id in still]
            placed = placer.place(store, [a for a, _ in todo], [sig for _, sig in todo])
            store.drop_pending_vectors(ids)
        report.repaired += [a.id for a, _ in todo]
        report.stories_touched |= placed.touched


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def assign_pending_stories(store: SQLiteStore, settings: config.Settings) -> set[str]:
    """Group every stored article that has no story yet, in publication order (a backfill stores
    slices first and groups them here; a run that stopped between the two is finished here)."""
    report = IngestReport()
    _place_unplaced(store, online_stories(settings), report)
    return report.stories_touched


def online_stories(settings: config.Settings | None = None) -> StoredStories:
    """A story state of its own (loaded from the store on first use), for a caller that
    manages one explicitly; `ingest_documents` otherwise keeps one per store and settings."""
    return StoredStories(_stream_settings(_settings(settings)))


@lru_cache(maxsize=4)
def _kept_stories(db: str, settings: StreamSettings) -> StoredStories:
    return StoredStories(settings)


def _stream_settings(s: config.Settings) -> StreamSettings:
    return StreamSettings(s.story_threshold, s.story_window_days, s.duplicate_threshold,
                          s.story_merge_threshold, s.story_scorer, s.story_memory, s.story_split_cut,
                          s.story_threshold_rise)


def story_stream(settings: config.Settings) -> StoryStream:
    return StoryStream(settings.story_threshold, settings.story_window_days,
                       settings.duplicate_threshold, settings.story_merge_threshold,
                       StoryScorer.load(settings.story_scorer or None), settings.story_memory,
                       settings.story_threshold_rise)


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
                    progress: Progress | None = None,
                    rejected: Callable[[Rejection], None] | None = None) -> list[tuple[str, str]]:
    """(article id, story id) for each line of an articles JSONL file, in order.

    Each article is decided online, from itself and the lines before it; the ids returned are
    the stories as they stand at the end, after any merges that later articles justified, and
    after each story was split over its own members (`story_split_cut`; `stories.split`). Each
    line is labelled with the id it gives, and two articles giving one id are told apart inside
    (`DistinctIds`). A line that is no article raises `InputError`, or, given `rejected`, goes
    there and the rest are read."""
    s = _settings(settings, story_threshold=threshold, story_window_days=window_days)
    stream = story_stream(s)
    splits = BatchSplits(stream.clusterer, s.story_split_cut) if s.story_split_cut > 0 else None
    if splits is not None:
        stream.joined = splits.add
    distinct = DistinctIds()
    given: dict[str, str] = {}  # the id the stream knows an article by -> the id its line gave

    def told_apart(articles: Iterable[Article]) -> Iterator[Article]:
        for article in articles:
            apart = distinct.article(article)
            given[apart.id] = article.id
            yield apart

    decided = []
    for assignment in stream.add_all(told_apart(jsonl_articles(path, s, rejected))):
        decided.append((assignment.article_id, assignment.story_id))
        if progress:
            progress(1)
    final = splits.finish() if splits is not None else {}
    return [(given[article_id], final.get(article_id) or stream.clusterer.resolve(story))
            for article_id, story in decided]


def jsonl_articles(path: str | Path, settings: config.Settings | None = None,
                   rejected: Callable[[Rejection], None] | None = None) -> Iterator[Article]:
    """The articles of a JSONL file as `storylens cluster` reads them (the scorer is fitted on
    the same reading, so that training and use see the same text, titles and dates).

    A line that is no article raises `InputError`, or, given `rejected`, is passed to it and the
    lines after it are read. Ids are as the lines give them, repeated or not."""
    s = _settings(settings)
    if not Path(path).is_file():
        raise InputError(str(path), "no such file", "give a JSONL file of articles")
    # read as `ingest` reads JSONL: gzipped, in another encoding, each record bounded
    for item in read_jsonl(Path(path), _max_bytes(s)):
        outcome = item if isinstance(item, Rejection) else _record_article(item, s)
        if isinstance(outcome, Article):
            yield outcome
        elif rejected is None:
            raise InputError(outcome.input, outcome.reason)
        else:
            rejected(outcome)


def _record_article(doc: RawDocument, s: config.Settings) -> Article | Rejection:
    try:
        return clean(doc, dayfirst=s.dayfirst, names=OutletNames.load(s.outlets))
    except InputError as err:
        return Rejection(doc.source, "clean", err.cause if err.source == doc.source else str(err))


class DistinctIds:
    """Article ids made distinct within one run, by the rule the store applies across runs: an id
    already used by other content becomes `id~<content hash>`. Ids given by users repeat (two
    JSONL files both counting from 1), and a stream or a comparison keyed by id would otherwise
    mix the two articles up: the copy of one joined the story of the other, and two articles'
    sentences shared ids. The same article again keeps its id (`repeat_ok`), or, where every
    input must stay apart (a comparison), becomes `id~2`, `id~3`."""

    def __init__(self, repeat_ok: bool = True) -> None:
        self.repeat_ok = repeat_ok
        self._content: dict[str, str] = {}  # id -> content hash of the article that holds it

    def article(self, article: Article) -> Article:
        fingerprint = content_id(article.title, article.text)
        held = self._content.get(article.id)
        if held is None:
            self._content[article.id] = fingerprint
            return article
        if held == fingerprint and self.repeat_ok:
            return article
        candidates = [f"{article.id}~{fingerprint[:8]}"] if held != fingerprint else []
        candidates += (f"{article.id}~{n}" for n in range(2, len(self._content) + 3))
        free = next(c for c in candidates if c not in self._content)
        self._content[free] = fingerprint
        return replace(article, id=free)


# -- compare and analyze ---------------------------------------------------------------------------
def articles_from_files(paths: Iterable[str | Path], settings: config.Settings | None = None,
                        outlet: str | None = None) -> list[Article]:
    """The articles of files a user named to compare or analyse, or an error naming every one
    that is not an article.

    The user chose these files: the untitled-fragment guard, which keeps scraped one-line
    fragments out of a store, does not second-guess that choice (a one-sentence wire brief is still
    an article to compare); the minimum article still holds."""
    s = _settings(settings)
    s = s.with_overrides(min_untitled_words=min(s.min_untitled_words, s.min_article_words))
    found, rejected = [], []
    distinct = DistinctIds(repeat_ok=False)
    for source, outcome in clean_files(paths, s, outlet):
        if isinstance(outcome, Rejection) and outcome.stage == SKIPPED:
            continue  # a file of another type in a folder
        if isinstance(outcome, Rejection):
            rejected.append(f"{source}: {outcome.reason}")
        else:
            found.append(distinct.article(outcome))
    if rejected:
        raise StorylensError("cannot compare: " + "; ".join(rejected))
    return found


def compare_files(paths: Iterable[str | Path], settings: config.Settings | None = None,
                  outlet: str | None = None) -> Comparison:
    from storylens.compare import compare  # loaded by the commands that compare only (0.2 s)

    s = _settings(settings)
    articles = articles_from_files(paths, s, outlet)
    if not articles:
        raise StorylensError("nothing to compare: no article could be read from the files given")
    return compare(articles, s.align_threshold, dayfirst=s.dayfirst)


def compare_each(folder: str | Path, settings: config.Settings | None = None
                 ) -> Iterator[tuple[str, Comparison | StorylensError]]:
    """(subfolder name, comparison or the error) for every subfolder of `folder`, each compared as
    one story, in name order: one process (models loaded once) for a whole evaluation set, and one
    unreadable story does not stop the others (contract command 5)."""
    s = _settings(settings)
    root = Path(folder)
    if not root.is_dir():
        raise StorylensError(f"{folder}: not a folder; --each takes a folder of story folders")
    for sub in sorted(p for p in root.iterdir() if p.is_dir()):
        try:
            yield sub.name, compare_files([sub], s)
        except StorylensError as err:
            yield sub.name, err


def compare_story(story_id: str, db: str | None = None, settings: config.Settings | None = None
                  ) -> tuple[Story, dict[str, Any]]:
    """A stored story's comparison report, computed once and kept until the story changes."""
    s = _settings(settings, db=db)
    with existing_store(s.db) as store:
        story = store.story(story_id)
        cached = store.comparison(story.id)
        if cached is not None:
            return story, cached
        report, fresh = story_comparison(store, story, s)
        store.save_analyses(fresh)
        store.save_comparison(story.id, report, story.article_ids)
    return story, report


def story_comparison(store: SQLiteStore, story: Story, settings: config.Settings
                     ) -> tuple[dict[str, Any], list[tuple[Analysis, str]]]:
    """A story's comparison report, reading the store only, and the analyses it had to compute
    (with the version to keep each under): the caller decides when to write them, so that a
    reader (the web server) never waits for, nor takes, the store's write lock."""
    from storylens.compare import compare, to_report

    edited = copies_that_say_more(store, story.duplicates)
    left_out = {copy: original for copy, original in story.duplicates.items() if copy not in edited}
    originals = store.articles([a for a in story.article_ids if a not in left_out])
    analyses, fresh = read_analyses(store, originals, dayfirst=settings.dayfirst)
    report = to_report(compare(originals, settings.align_threshold, analyses, dayfirst=settings.dayfirst))
    report["duplicates"] = left_out
    report["copies"] = copies_left_out(store, left_out)
    drop_reprinted(report, edited)
    return report, fresh


def copies_left_out(store: SQLiteStore, left_out: dict[str, str]) -> list[dict[str, Any]]:
    """The reprints a report leaves out, each with its outlet and title: the ids alone hid which
    outlets ran the copy, so an outlet that only reprinted wire copy vanished from the report."""
    stored = {a.id: a for a in store.articles(sorted(left_out))}
    copies: list[dict[str, Any]] = []
    for copy, original in sorted(left_out.items()):
        line: dict[str, Any] = {"id": copy, "copy_of": original}
        if (article := stored.get(copy)) is not None:
            line |= {"outlet": article.outlet, "input": article.input, "title": article.title,
                     "published": iso(article.published)}
        copies.append(line)
    return copies


def copies_that_say_more(store: SQLiteStore, duplicates: dict[str, str]) -> dict[str, set[str]]:
    """The near-copies (article id -> original) that hold a sentence their original does not, each
    with the sentences it reprints as they stand (as `_sentence_keys`). A wire story an outlet
    edited ("on Monday" -> "on Sunday", a corrected toll) is still a copy by its shingles, but left
    out of the comparison its change would never be shown. A copy whose every sentence its
    original has (reprinted whole, or cut short) adds nothing and stays out."""
    if not duplicates:
        return {}
    texts = {a.id: a.text for a in store.articles(sorted({*duplicates, *duplicates.values()}))}
    edited = {}
    for copy, original in duplicates.items():
        if copy in texts and original in texts:
            said, source = _sentence_keys(texts[copy]), _sentence_keys(texts[original])
            if said - source:
                edited[copy] = said & source
    return edited


def drop_reprinted(report: dict[str, Any], edited: dict[str, set[str]]) -> None:
    """Take out of a report the discrepancies, quotes and dates an edited copy holds only in the
    sentences it reprints unchanged: its original already says them, and a wire story reprinted
    by three outlets would otherwise show every discrepancy with it three times. Its facts stay:
    that another outlet carries a claim is what consensus counts."""
    if not edited:
        return
    reprinted = {s["id"] for s in report["sentences"]
                 if s["article"] in edited and _said(s["text"]) in edited[s["article"]]}
    report["discrepancies"] = [d for d in report["discrepancies"]
                               if not reprinted & {e["sentence"] for e in d["evidence"]}]
    report["quotes"] = [q for q in report["quotes"] if q["sentence"] not in reprinted]
    report["timeline"] = [t for t in report["timeline"] if t["sentence"] not in reprinted]


def _sentence_keys(text: str) -> set[str]:
    from storylens.analyze.sentences import split_sentences

    return {_said(s.of(text)) for s in split_sentences(text)}


def _said(sentence: str) -> str:
    """A sentence as its words only: typography (curly quotes, dashes, spacing), which outlets set
    in their own style when they reprint a wire story, is no change of what it says."""
    return " ".join(_WORDS.findall(sentence.casefold()))


def stored_analyses(store: SQLiteStore, articles: list[Article], *, dayfirst: bool) -> list[Analysis]:
    """Analyses of a story's articles, in order: reused from the store, the missing ones computed
    (with their sentence vectors) and stored, so a growing story only analyses its new articles."""
    analyses, fresh = read_analyses(store, articles, dayfirst=dayfirst)
    store.save_analyses(fresh)
    return analyses


def read_analyses(store: SQLiteStore, articles: list[Article], *, dayfirst: bool
                  ) -> tuple[list[Analysis], list[tuple[Analysis, str]]]:
    """(analyses of the articles in order, the ones not stored yet with their versions)."""
    from storylens.analyze import analyze_many, version_for
    from storylens.compare import add_sentence_vectors, story_day

    reference = story_day(articles)
    wanted = {a.id: version_for(a, reference, dayfirst=dayfirst) for a in articles}
    found = store.analyses(wanted, {a.id: a for a in articles})
    fresh = list(analyze_many([a for a in articles if a.id not in found], reference=reference, dayfirst=dayfirst))
    add_sentence_vectors(fresh)
    found.update({a.article.id: a for a in fresh})
    return [found[a.id] for a in articles], [(a, wanted[a.article.id]) for a in fresh]


def analyze_files(paths: Iterable[str | Path], settings: config.Settings | None = None
                  ) -> Iterator[tuple[str, Analysis | Rejection]]:
    """Analyze each file's clean article: the very article `clean_files` gives for the same input
    (a scraped .txt page is cleaned first), so offsets point into the text `clean` prints."""
    from storylens.analyze import analyze_many

    s = _settings(settings)
    pending = list(clean_files(paths, s))
    articles = [a for _, a in pending if isinstance(a, Article)]
    analyses = iter(analyze_many(articles, dayfirst=s.dayfirst))
    for source, outcome in pending:
        yield source, next(analyses) if isinstance(outcome, Article) else outcome


# -- demo -------------------------------------------------------------------------------------------
def demo_corpus() -> Path:
    """The bundled demo corpus: fictional stories told by fictional outlets, as HTML and scraped text."""
    return Path(str(resources.files("storylens") / "demo" / "corpus"))


def demo_gold() -> dict[str, Any]:
    return dict(json.loads((demo_corpus().parent / "gold.json").read_text(encoding="utf-8")))
