"""Backfill an archive: read and clean slices of WARC files (and plain files) on an engine, store
each slice as it finishes, then assign stories in publication order in this one process.

Why this shape: cleaning is ~95% of the cost of a page and needs nothing but the page, so it
scales out; story assignment needs every earlier article of the window, so it is one ordered
consumer (measured in benchmarks/bench_backfill.py to keep up with many workers). A slice is
stored in one transaction together with the note that it is done, so a crash or a failed slice
costs only that slice, and a re-run skips every slice already stored.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from storylens import config
from storylens.clean.language import normalize_language
from storylens.engine.base import Engine
from storylens.errors import StorylensError
from storylens.ingest import discover
from storylens.ingest.files import read_inputs
from storylens.ingest.warc import WARC_SUFFIXES, WarcCounts, read_archive, record_offsets
from storylens.model import Analysis, Article, Rejection
from storylens.store import SQLiteStore

if TYPE_CHECKING:
    from storylens.analyze.dates import Written

Progress = Callable[[int], None]
FILES_PER_SLICE = 50


@dataclass(frozen=True)
class Slice:
    """A unit of work: records [start, stop) of one archive, or a batch of plain files.

    `size` and `mtime` identify the version of the file(s) that was read: a changed file is
    read again, an unchanged one is skipped on a re-run."""

    paths: tuple[str, ...]
    start: int = 0
    stop: int | None = None
    size: int = 0
    mtime: float = 0.0
    records: int = 0  # how many records or files it holds, for progress

    @property
    def key(self) -> str:
        return f"{'|'.join(self.paths)}@{self.start}-{self.stop}:{self.size}:{self.mtime:.0f}"


@dataclass
class SliceResult:
    articles: list[Article] = field(default_factory=list)
    vectors: list[bytes] = field(default_factory=list)  # each article's headline embedding (float32)
    rejections: list[Rejection] = field(default_factory=list)
    counts: WarcCounts = field(default_factory=WarcCounts)
    other_languages: Counter[str] = field(default_factory=Counter)  # articles left out, by language


@dataclass
class BackfillReport:
    added: list[str] = field(default_factory=list)
    already_stored: list[str] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    counts: WarcCounts = field(default_factory=WarcCounts)
    slices: int = 0
    skipped_slices: int = 0
    failed_slices: list[tuple[Slice, str]] = field(default_factory=list)
    stories_touched: set[str] = field(default_factory=set)
    analysed: int = 0  # articles of multi-outlet stories analysed on the engine
    failed_analyses: list[str] = field(default_factory=list)  # story ids whose analysis failed
    other_languages: Counter[str] = field(default_factory=Counter)  # left out by `backfill_languages`
    # wall seconds per phase ("clean", "stories", "analyse"): the first scales with workers, the
    # second is the one ordered consumer, so a run shows which of them bounds it
    seconds: dict[str, float] = field(default_factory=dict)


# -- planning -------------------------------------------------------------------------------------
def plan_slices(inputs: Iterable[str | Path], engine: Engine, records_per_slice: int
                ) -> tuple[list[Slice], list[Rejection]]:
    """Cut the inputs into slices: archives by record offsets (indexed on the engine, one task
    per archive), other files in batches."""
    archives: list[Path] = []
    files: list[Path] = []
    missing: list[Rejection] = []
    for found in discover(inputs):
        if isinstance(found, Rejection):
            missing.append(found)
        elif found.name.lower().endswith(WARC_SUFFIXES):
            archives.append(found)
        else:
            files.append(found)
    slices: list[Slice] = []
    for outcome in engine.map(record_offsets, archives):
        path = outcome.partition
        if outcome.error is not None or outcome.result is None:
            missing.append(Rejection(str(path), "ingest", f"cannot index the archive: {outcome.error}"))
            continue
        slices.extend(_archive_slices(path, outcome.result, records_per_slice))
    for i in range(0, len(files), FILES_PER_SLICE):
        batch = files[i:i + FILES_PER_SLICE]
        slices.append(Slice(tuple(map(str, batch)), size=sum(_size(p) for p in batch),
                            mtime=max(_mtime(p) for p in batch), records=len(batch)))
    return sorted(slices, key=lambda s: (s.paths, s.start)), missing


def _archive_slices(path: Path, offsets: list[int], per_slice: int) -> Iterator[Slice]:
    starts = offsets[::per_slice] or [0]
    for i, start in enumerate(starts):
        stop = starts[i + 1] if i + 1 < len(starts) else None
        held = len(offsets[i * per_slice:(i + 1) * per_slice])
        yield Slice((str(path),), start, stop, _size(path), _mtime(path), held)


def _size(path: Path) -> int:
    return path.stat().st_size


def _mtime(path: Path) -> float:
    return path.stat().st_mtime


# -- the work on each slice (runs on the engine's workers) ----------------------------------------
def clean_slice(piece: Slice, settings: config.Settings) -> SliceResult:
    """Read and clean one slice with the same per-document code as `storylens ingest`."""
    from storylens.api import clean_document
    from storylens.stories.signals import headline_vectors

    result = SliceResult()
    keep = kept_languages(settings.backfill_languages)
    max_bytes = int(settings.max_input_mb * 2**20)
    if piece.paths[0].lower().endswith(WARC_SUFFIXES):
        documents = read_archive(Path(piece.paths[0]), max_bytes, piece.start, piece.stop, result.counts)
    else:
        documents = read_inputs(piece.paths, max_bytes)
    for item in documents:
        outcome = item if isinstance(item, Rejection) else clean_document(item, settings)
        if isinstance(outcome, Rejection):
            result.rejections.append(outcome)
        elif keep and outcome.lang and outcome.lang not in keep:  # detected during cleaning
            result.other_languages[outcome.lang] += 1
        else:
            result.articles.append(outcome)
    # Embedded here, where it runs in parallel, not by the one story consumer (it was 84% of the
    # consumer's time on a 2,000-page archive): the consumer reads them from the store.
    result.vectors = [row.tobytes() for row in headline_vectors(result.articles)]
    return result


def kept_languages(setting: str) -> frozenset[str]:
    """The `backfill_languages` setting as ISO 639-1 codes (empty: keep every language)."""
    codes = frozenset(c for c in (normalize_language(part) for part in setting.split(",")) if c)
    wrong = sorted(c for c in codes if not (c.isascii() and c.isalpha() and 2 <= len(c) <= 3))
    if wrong:
        raise StorylensError(f"backfill_languages {setting!r}: {', '.join(wrong)} is not a language code; "
                             "give ISO 639-1 codes separated by commas, such as 'en,de'")
    return codes


# -- the driver ------------------------------------------------------------------------------------
def backfill(inputs: Iterable[str | Path], engine: Engine, settings: config.Settings,
             progress: Progress | None = None, on_plan: Callable[[int], None] | None = None,
             analyse: bool = True) -> BackfillReport:
    """Clean every slice on the engine, store each as it finishes, then assign stories, then
    (unless `analyse` is false) analyse the stories two or more outlets tell, on the engine too;
    without it a story's analysis waits for its first view.

    `on_plan` hears how many records are to be read; `progress` hears each slice's records as it
    is stored."""
    from storylens.api import assign_pending_stories

    report = BackfillReport()
    kept_languages(settings.backfill_languages)  # a wrong code stops the run here, not on every worker
    slices, report.rejected = plan_slices(inputs, engine, settings.backfill_slice_records)
    with SQLiteStore(settings.db) as store:
        done = store.done_slices()
        todo = [s for s in slices if s.key not in done]
        report.slices, report.skipped_slices = len(slices), len(slices) - len(todo)
        store.add_rejections(report.rejected)
        if on_plan:
            on_plan(sum(s.records for s in todo))
        started = time.perf_counter()
        for outcome in engine.map(partial(clean_slice, settings=settings), todo):
            _store_outcome(store, outcome.partition, outcome.result, outcome.error, report)
            if progress:
                progress(outcome.partition.records)
        report.seconds["clean"] = time.perf_counter() - started
        report.stories_touched = assign_pending_stories(store, settings)
        report.seconds["stories"] = time.perf_counter() - started - report.seconds["clean"]
        if analyse:
            analyse_compared_stories(store, engine, report, settings.dayfirst)
        report.seconds["analyse"] = time.perf_counter() - started - sum(report.seconds.values())
    return report


def analyse_compared_stories(store: SQLiteStore, engine: Engine, report: BackfillReport, dayfirst: bool) -> None:
    """Analyse, on the engine, the articles of touched stories told by two or more outlets: what
    their comparisons need (spaCy parse, quotes, sentence vectors) is the next most expensive stage,
    and a story told by one outlet is never compared. Stored analyses are reused, not redone.
    `dayfirst` is the setting, for numeric dates in the text."""
    from storylens.analyze import version_for
    from storylens.compare import story_day

    jobs: list[tuple[str, list[Article], Written | None, bool]] = []
    for story in store.stories_by_id(sorted(store.current_story_ids(report.stories_touched))):
        if len(set(story.outlets)) < 2:
            continue
        originals = store.articles([a for a in story.article_ids if a not in story.duplicates])
        reference = story_day(originals)
        wanted = {a.id: version_for(a, reference, dayfirst=dayfirst) for a in originals}
        found = store.analyses(wanted, {a.id: a for a in originals})
        missing = [a for a in originals if a.id not in found]
        if missing:
            jobs.append((story.id, missing, reference, dayfirst))
    for outcome in engine.map(analyse_articles, jobs):
        story_id, _, reference, _ = outcome.partition
        if outcome.result is None:
            report.failed_analyses.append(story_id)
            continue
        store.save_analyses((a, version_for(a.article, reference, dayfirst=dayfirst)) for a in outcome.result)
        report.analysed += len(outcome.result)


def analyse_articles(job: tuple[str, list[Article], Written | None, bool]) -> list[Analysis]:
    """One story's missing analyses, with sentence vectors (runs on a worker, in one process)."""
    from storylens.analyze import analyze_many
    from storylens.compare import add_sentence_vectors

    _, articles, reference, dayfirst = job
    analyses = list(analyze_many(articles, reference=reference, workers=1, dayfirst=dayfirst))
    add_sentence_vectors(analyses)
    return analyses


def _store_outcome(store: SQLiteStore, piece: Slice, result: SliceResult | None, error: str | None,
                   report: BackfillReport) -> None:
    if result is None:
        report.failed_slices.append((piece, error or "failed"))
        return
    for outcome in store.add_slice(piece.key, result.articles, result.rejections, result.vectors):
        if isinstance(outcome, Rejection):
            report.rejected.append(outcome)
        elif outcome[1]:
            report.added.append(outcome[0])  # the stored id: a reused id gets a suffix
        else:
            report.already_stored.append(outcome[0])
    report.rejected += result.rejections
    report.counts.add(result.counts)
    report.other_languages.update(result.other_languages)
