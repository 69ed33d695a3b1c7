"""Follow sources as they publish: poll each feed, sitemap or page when it is due, fetch the
articles it lists that were never fetched, and ingest them like any other input.

A thin driver over the readers in `storylens.ingest.fetch` and `storylens.ingest.feeds`, as
`serve` is over the api. Each source's state (validators, last and next poll, failures, last
error, articles found) and every URL fetched live in the store, so a restart resumes where the
last run stopped and never fetches an article twice. A stop request (SIGTERM, Ctrl-C) is honoured
after the article in hand: what was fetched is ingested, the source's state saved, nothing is
half-written.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from storylens import api, config
from storylens.errors import InputError
from storylens.ingest.feeds import Entry, canonical_url, entries_of, page_document
from storylens.ingest.fetch import FEED_TYPES, Fetcher, FetchError
from storylens.model import RawDocument, Rejection, SourceState
from storylens.store import SQLiteStore

MAX_BACKOFF = timedelta(days=1)
MAX_SITEMAPS = 50   # child sitemaps read from one sitemap index per poll
INGEST_BATCH = 20   # articles stored (and grouped) together; a stop loses none of them


@dataclass
class PollReport:
    source: str
    listed: int = 0
    fetched: int = 0
    added: list[str] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    not_modified: bool = False
    error: str | None = None
    unlinked: int = 0  # items the source listed without a link that could be fetched


def follow(sources: Iterable[str], settings: config.Settings, once: bool = False,
           stop: threading.Event | None = None, on_poll: Callable[[PollReport], None] | None = None,
           fetcher: Fetcher | None = None) -> list[PollReport]:
    """Poll the sources (URLs) until `stop` is set; with `once`, poll each one once and return."""
    stop = stop or threading.Event()
    fetcher = fetcher or Fetcher(settings)
    reports: list[PollReport] = []
    with SQLiteStore(settings.db) as store:
        store.add_sources(sources)
        wanted = set(sources)
        polled: set[str] = set()
        while not stop.is_set():
            due = [s for s in store.sources() if s.url in wanted and s.url not in polled
                   and (once or s.next_poll is None or s.next_poll <= datetime.now())]
            for state in due:
                if stop.is_set():
                    break
                report = poll(state, fetcher, store, settings, stop)
                reports.append(report)
                if once:
                    polled.add(state.url)
                if on_poll:
                    on_poll(report)
            if once and polled >= wanted:
                break
            stop.wait(_until_next_poll(store, wanted))
    fetcher.close()
    return reports


def _until_next_poll(store: SQLiteStore, wanted: set[str]) -> float:
    upcoming = [s.next_poll for s in store.sources() if s.url in wanted and s.next_poll]
    if not upcoming:
        return 1.0
    return max(0.5, min(60.0, (min(upcoming) - datetime.now()).total_seconds()))


def poll(state: SourceState, fetcher: Fetcher, store: SQLiteStore, settings: config.Settings,
         stop: threading.Event) -> PollReport:
    """One poll of one source; its state is saved whatever happens."""
    report = PollReport(state.url)
    state.last_poll = datetime.now()
    try:
        entries = _listed(state, fetcher, report)
        report.not_modified = entries is None
        if entries:
            _fetch_new(entries, fetcher, store, settings, stop, report)
        state.failures, state.last_error, state.last_success = 0, None, state.last_poll
    except (FetchError, InputError) as err:
        state.failures += 1
        state.last_error = report.error = str(err)
    state.articles_found += len(report.added)
    backoff = timedelta(minutes=settings.follow_interval_minutes) * 2 ** min(state.failures, 10)
    state.next_poll = state.last_poll + min(backoff, MAX_BACKOFF)
    store.save_source(state)
    return report


def _listed(state: SourceState, fetcher: Fetcher, report: PollReport) -> list[Entry] | None:
    """The entries the source lists now; None when it answered 304 Not Modified."""
    reply = fetcher.get(state.url, accept=FEED_TYPES, etag=state.etag, last_modified=state.last_modified)
    if reply.status == 304:
        return None
    state.etag, state.last_modified = reply.etag, reply.last_modified
    listing = entries_of(reply.content, reply.content_type, reply.url)
    state.kind, entries, report.unlinked = listing.kind, listing.entries, listing.unlinked
    if listing.kind == "sitemap-index":
        entries = []
        for child in listing.entries[:MAX_SITEMAPS]:
            child_reply = fetcher.get(child.url, accept=FEED_TYPES)
            child_listing = entries_of(child_reply.content, child_reply.content_type, child_reply.url)
            entries += child_listing.entries
            report.unlinked += child_listing.unlinked
    return entries


def _fetch_new(entries: list[Entry], fetcher: Fetcher, store: SQLiteStore, settings: config.Settings,
               stop: threading.Event, report: PollReport) -> None:
    by_url = {canonical_url(e.url): e for e in entries}
    new = [u for u in by_url if u not in store.fetched(by_url)]
    report.listed = len(by_url)
    batch: list[tuple[str, RawDocument | Rejection]] = []
    for url in new:
        if stop.is_set():
            break
        document = page_document(fetcher, by_url[url].url, by_url[url])
        report.fetched += 1
        batch.append((url, document))
        if len(batch) >= INGEST_BATCH:
            _ingest(batch, store, settings, report)
            batch = []
    _ingest(batch, store, settings, report)


def _ingest(batch: list[tuple[str, RawDocument | Rejection]], store: SQLiteStore, settings: config.Settings,
            report: PollReport) -> None:
    """Store a batch of fetched pages and note every URL as fetched, whatever came of it."""
    if not batch:
        return
    documents = [d for _, d in batch]
    result = api.ingest_documents(documents, settings)
    report.added += result.added
    report.rejected += result.rejected
    outcome_of = {r.input: r.reason for r in result.rejected}
    marks = []
    for url, document in batch:
        source = document.input if isinstance(document, Rejection) else document.source
        outcome = document.reason if isinstance(document, Rejection) else outcome_of.get(source, "stored")
        marks.append((url, None, outcome))
        if isinstance(document, RawDocument) and document.url and document.url != url:
            marks.append((document.url, None, outcome))  # the page's own canonical URL: not fetched again
    store.mark_fetched(marks)
