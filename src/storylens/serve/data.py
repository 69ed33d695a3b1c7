"""How the server reads and writes the store from many threads, beside other writers.

Requests read through one SQLite connection per thread (WAL: readers never wait for a writer).
What a read computes and would like to keep (a story's analyses and comparison) is handed to
one writer thread, so a GET neither takes nor waits for the write lock; the report is kept in
memory meanwhile. Writes that meet another process's lock are retried with backoff; past the
last attempt the lock error reaches the client as 503 with Retry-After (see errors.py).
"""

from __future__ import annotations

import logging
import queue
import random
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from storylens import api, config
from storylens.model import Analysis, Story
from storylens.serve.errors import is_lock_error
from storylens.store import SQLiteStore

log = logging.getLogger("storylens.serve")
T = TypeVar("T")

LOCK_ATTEMPTS = 3  # each attempt already waits SQLite's busy timeout (5 s) before failing
FIRST_BACKOFF_S = 0.2
REPORTS_IN_MEMORY = 256  # comparison reports kept per process (the store keeps them all)
PAGES_IN_MEMORY_BYTES = 64 * 2**20  # rendered story pages kept per process (the largest seen: 300 KB)
PENDING_WRITES = 256  # cache writes queued before new ones are dropped (they are recomputable)
LISTINGS_IN_MEMORY = 512  # story lists and searches kept per process, until the store changes


def with_retries(work: Callable[[], T], attempts: int | None = None) -> T:
    """`work()`, again after a growing, jittered pause while the store is locked by another writer."""
    attempts = attempts or LOCK_ATTEMPTS
    for attempt in range(attempts):
        try:
            return work()
        except Exception as err:
            if not is_lock_error(err) or attempt == attempts - 1:
                raise
            time.sleep(FIRST_BACKOFF_S * 2**attempt * (1 + random.random()))
    raise AssertionError("unreachable")


class Stores:
    """One SQLite connection per worker thread: sqlite3 connections must not be shared across threads."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._local = threading.local()

    def get(self) -> SQLiteStore:
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._local.store = SQLiteStore(self.path)
        return store


class Writer:
    """The server's one thread that keeps computed results in the store, off the request path.
    Results are a cache: a job that still fails after the retries is logged and dropped, and
    the next view computes it again."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._jobs: queue.Queue[Callable[[SQLiteStore], None]] = queue.Queue(PENDING_WRITES)
        self._thread: threading.Thread | None = None
        self._start = threading.Lock()

    def submit(self, job: Callable[[SQLiteStore], None]) -> None:
        with self._start:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="storylens-writer", daemon=True)
                self._thread.start()
        try:
            self._jobs.put_nowait(job)
        except queue.Full:
            log.warning("writer queue full: a computed comparison is not kept (it will be recomputed)")

    def wait(self) -> None:
        """Until every submitted job has run (for tests and an orderly shutdown)."""
        self._jobs.join()

    def _run(self) -> None:
        store = SQLiteStore(self.path)
        while True:
            job = self._jobs.get()
            try:
                with_retries(lambda: job(store), attempts=LOCK_ATTEMPTS + 2)  # noqa: B023 (called at once)
            except Exception:
                log.exception("could not keep a computed result in the store")
            finally:
                self._jobs.task_done()


class Comparisons:
    """Story comparisons for pages and the API: from memory, else from the store, else computed
    on first view (one computation per story however many ask at once) and kept by the writer."""

    def __init__(self, stores: Stores, writer: Writer, settings: config.Settings) -> None:
        self.stores, self.writer, self.settings = stores, writer, settings
        self._reports: OrderedDict[tuple[str, ...], dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self._computing: dict[str, threading.Lock] = {}

    def get(self, story: Story) -> dict[str, Any]:
        """The comparison of `story` as just read from the store."""
        store = self.stores.get()
        key = story_key(story)
        report = self._remembered(key)
        if report is not None:
            return report
        with self._computing_lock(story.id):
            report = self._remembered(key) or store.comparison(story.id)
            if report is None:
                report, fresh = api.story_comparison(store, story, self.settings)
                self.writer.submit(_keeper(story, report, fresh))
            self._remember(key, report)
        return report

    def _remembered(self, key: tuple[str, ...]) -> dict[str, Any] | None:
        with self._lock:
            if key in self._reports:
                self._reports.move_to_end(key)
                return self._reports[key]
        return None

    def _remember(self, key: tuple[str, ...], report: dict[str, Any]) -> None:
        with self._lock:
            self._reports[key] = report
            while len(self._reports) > REPORTS_IN_MEMORY:
                self._reports.popitem(last=False)

    def _computing_lock(self, story_id: str) -> threading.Lock:
        with self._lock:
            if len(self._computing) > REPORTS_IN_MEMORY:  # bounded: forget idle ones
                self._computing = {k: v for k, v in self._computing.items() if v.locked()}
            return self._computing.setdefault(story_id, threading.Lock())


def story_key(story: Story) -> tuple[str, ...]:
    """What a story's comparison and page are made from: a story that grows is another key."""
    return (story.id, *sorted(story.article_ids))


class Pages:
    """Story pages as rendered, under the key of the comparison they show. A page is a pure
    function of its story and comparison, yet was rendered at every view: for the largest story
    of a 100,000-article store (82 articles, a 300 KB page) 26 ms of templates and 5 ms of word
    diffs per view, which made the cached story page the slowest under load. Now it is rendered
    once per story version. Bounded by size, least recently viewed out first."""

    def __init__(self, budget_bytes: int = PAGES_IN_MEMORY_BYTES) -> None:
        self.budget = budget_bytes
        self._pages: OrderedDict[tuple[str, ...], str] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, story: Story, render: Callable[[], str]) -> str:
        """The page of `story`, rendered by `render()` when this version of it was not yet."""
        key = story_key(story)
        with self._lock:
            if key in self._pages:
                self._pages.move_to_end(key)
                return self._pages[key]
        page = render()  # outside the lock: two first views render twice rather than wait
        with self._lock:
            if key not in self._pages and len(page) <= self.budget:
                self._pages[key] = page
                self._size += len(page)
                while self._size > self.budget:
                    self._size -= len(self._pages.popitem(last=False)[1])
        return page


class Listings:
    """Story lists and search results as computed, until the store changes. A list page reads one
    page of stories and their members' days (4-15 ms of SQLite and templates on a 100,000-article
    store), the same for every visitor until the next ingest; under load that made the list the
    slowest page. Any commit to the store drops them all.

    Commits are seen through SQLite's `data_version` of one connection kept for that alone: it
    changes whenever another connection (an ingest, the writer thread, another worker process)
    commits, for the price of one pragma, with no table or trigger keeping a version. One
    connection, so that every request thread compares with the same baseline. A result computed
    while a commit was seen is not kept (it may predate the commit)."""

    def __init__(self, path: str, capacity: int = LISTINGS_IN_MEMORY) -> None:
        self.capacity = capacity
        self._results: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._watch = sqlite3.connect(path, check_same_thread=False)
        self._version = self._data_version()
        self._generation = 0
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
        with self._lock:
            version = self._data_version()
            if version != self._version:
                self._version, self._generation = version, self._generation + 1
                self._results.clear()
            generation = self._generation
            if key in self._results:
                self._results.move_to_end(key)
                return self._results[key]
        result = compute()
        with self._lock:
            if generation == self._generation and self._data_version() == self._version:
                self._results[key] = result
                while len(self._results) > self.capacity:
                    self._results.popitem(last=False)
        return result

    def _data_version(self) -> int:
        return int(self._watch.execute("PRAGMA data_version").fetchone()[0])


def _keeper(story: Story, report: dict[str, Any], fresh: list[tuple[Analysis, str]]
            ) -> Callable[[SQLiteStore], None]:
    def keep(store: SQLiteStore) -> None:
        if fresh:
            store.save_analyses(fresh)
        store.save_comparison(story.id, report, story.article_ids)

    return keep
