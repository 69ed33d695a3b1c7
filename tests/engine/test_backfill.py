"""Backfill on an engine gives what a single-process ingest gives, skips what it stored, and
reports a failing slice instead of dropping it."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from storylens import api
from storylens.config import Settings
from storylens.engine import DaskEngine, LocalEngine
from storylens.engine.backfill import backfill
from storylens.ingest.warc import write_pages
from storylens.store import SQLiteStore


@pytest.fixture(scope="module")
def archives(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The demo corpus's HTML pages as two gzipped WARC files, with a crawl date each."""
    pages = sorted(p for p in api.demo_corpus().rglob("*.htm*"))
    start = datetime(2025, 3, 1)
    folder = tmp_path_factory.mktemp("warc")
    paths = []
    for n, half in enumerate((pages[::2], pages[1::2])):
        path = folder / f"crawl-{n}.warc.gz"
        with path.open("wb") as handle:
            write_pages(handle, [(f"https://{p.parent.name}.example/{p.stem}", _html(p), start + timedelta(hours=i))
                                 for i, p in enumerate(half)])
        paths.append(path)
    return paths


def _html(path: Path) -> bytes:
    import gzip

    return gzip.decompress(path.read_bytes()) if path.name.endswith(".gz") else path.read_bytes()


def stored(settings: Settings) -> tuple[set[str], set[frozenset[str]]]:
    with SQLiteStore(settings.db) as store:
        articles = {a.id for a in store.articles()}
        stories = {frozenset(s.article_ids) for s in store.stories()}
    return articles, stories


@pytest.mark.slow
def test_backfill_equals_a_single_process_ingest(archives: list[Path], tmp_path: Path) -> None:
    single = Settings(db=str(tmp_path / "ingest.db"))
    api.ingest(archives, settings=single)
    for name, engine in (("local", LocalEngine()), ("dask", DaskEngine(workers=2))):
        settings = Settings(db=str(tmp_path / f"{name}.db"), backfill_slice_records=3)
        try:
            report = backfill(archives, engine, settings)
        finally:
            engine.close()
        assert report.slices > len(archives) and not report.failed_slices
        assert stored(settings) == stored(single), name
    articles, stories = stored(single)
    assert len(articles) >= 15 and len(stories) < len(articles)


def test_a_rerun_skips_every_stored_slice(archives: list[Path], tmp_path: Path) -> None:
    settings = Settings(db=str(tmp_path / "b.db"), backfill_slice_records=4)
    first = backfill(archives, LocalEngine(), settings)
    again = backfill(archives, LocalEngine(), settings)
    assert first.added and first.skipped_slices == 0
    assert again.skipped_slices == again.slices and not again.added
    assert stored(settings)[0] == set(first.added)


def test_stories_told_by_two_outlets_are_analysed_for_their_comparison(archives: list[Path], tmp_path: Path) -> None:
    from storylens.analyze import version_for
    from storylens.compare import story_day

    settings = Settings(db=str(tmp_path / "a.db"))
    report = backfill(archives, LocalEngine(), settings)
    with SQLiteStore(settings.db) as store:
        compared = [s for s in store.stories() if len(set(s.outlets)) > 1]
        originals = [store.articles([a for a in s.article_ids if a not in s.duplicates]) for s in compared]
        wanted = {a.id: version_for(a, story_day(arts), dayfirst=settings.dayfirst) for arts in originals for a in arts}
        found = store.analyses(wanted, {a.id: a for arts in originals for a in arts})
    assert compared and report.analysed == len(wanted) and set(found) == set(wanted)
    assert all(a.vectors is not None for a in found.values())


def test_a_failing_partition_is_reported_not_dropped() -> None:
    def fragile(n: int) -> int:
        if n == 2:
            raise RuntimeError("worker lost its disk")
        return n * 10

    outcomes = {o.partition: o for o in LocalEngine().map(fragile, [1, 2, 3])}
    assert outcomes[1].result == 10 and outcomes[3].result == 30
    assert outcomes[2].result is None and "worker lost its disk" in (outcomes[2].error or "")


def test_every_page_ends_added_already_stored_or_rejected(archives: list[Path], tmp_path: Path) -> None:
    settings = Settings(db=str(tmp_path / "c.db"), backfill_slice_records=4)
    first = backfill(archives[:1], LocalEngine(), settings)
    second = backfill(archives, LocalEngine(), settings)  # the first archive's slices are skipped
    pages = first.counts.pages + second.counts.pages
    assert pages == len(first.added) + len(second.added) + len(first.already_stored) + len(second.already_stored) \
        + len([r for r in first.rejected + second.rejected if r.stage != "ingest"])
    assert set(first.added).isdisjoint(second.added) and stored(settings)[0] == set(first.added) | set(second.added)


def test_a_touched_story_merged_away_later_is_analysed_as_the_story_it_joined(archives: list[Path],
                                                                                tmp_path: Path) -> None:
    """A 2,000-page backfill crashed (NotFoundError) on a story an early batch touched and a later
    batch merged into another: its id is only an alias by the time the analysis runs."""
    from storylens.engine.backfill import BackfillReport, analyse_compared_stories

    settings = Settings(db=str(tmp_path / "m.db"))
    backfill(archives, LocalEngine(), settings)
    with SQLiteStore(settings.db) as store:
        compared = next(s for s in store.stories() if len(set(s.outlets)) > 1)
        other = next(s for s in store.stories() if s.id != compared.id)
        store.merge_story(other.id, compared.id)  # `other` survives only as an alias of `compared`
        store.db.execute("DELETE FROM analyses")
        report = BackfillReport(stories_touched={other.id})
        analyse_compared_stories(store, LocalEngine(), report, settings.dayfirst)
        merged = store.story(compared.id)
    assert report.analysed == len([a for a in merged.article_ids if a not in merged.duplicates])


def test_the_story_consumer_uses_the_headline_vectors_the_workers_computed(
        archives: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Embedding headlines was 84% of the one serial consumer's time; the workers now embed beside
    the cleaning and the consumer only reads the vectors (then forgets them once placed)."""
    from storylens.engine.backfill import clean_slice, plan_slices
    from storylens.stories import signals

    settings = Settings(db=str(tmp_path / "v.db"), backfill_slice_records=4)
    slices, _ = plan_slices(archives, LocalEngine(), settings.backfill_slice_records)
    with SQLiteStore(settings.db) as store:
        for piece in slices:
            result = clean_slice(piece, settings)
            store.add_slice(piece.key, result.articles, result.rejections, result.vectors)
        ids = [a.id for a in store.articles()]
        assert set(store.pending_vectors(ids)) == set(ids)

        def no_embedding(articles: list[object]) -> object:
            assert not articles, "the consumer embedded headlines the workers had embedded"
            return real(articles)

        real = signals.headline_vectors
        monkeypatch.setattr(signals, "headline_vectors", no_embedding)
        touched = api.assign_pending_stories(store, settings)
        assert touched and not store.unplaced_ids(10) and not store.pending_vectors(ids)


GERMAN = ("Die Bundesregierung hat am Mittwoch in Berlin ein neues Gesetz zur Förderung erneuerbarer Energien "
          "beschlossen. Nach Angaben des Ministeriums sollen die Mittel für Windkraft und Solaranlagen in den "
          "kommenden Jahren deutlich steigen, während die Opposition die Finanzierung kritisierte.")
FRENCH = ("Le gouvernement a annoncé mercredi à Paris une nouvelle réforme des retraites. Selon le ministère, "
          "les syndicats seront reçus la semaine prochaine, tandis que l'opposition dénonce un projet qui "
          "pénalise les salariés les plus modestes et appelle à manifester dans toute la France.")


def _foreign_archive(folder: Path, english: list[Path]) -> Path:
    when = datetime(2025, 3, 2)
    pages = [(f"https://de.example/{n}", f"<html><body><article><h1>Nachrichten {n}</h1><p>{GERMAN}</p>"
              f"</article></body></html>".encode(), when) for n in range(2)]
    pages.append(("https://fr.example/1", f"<html><body><article><h1>Actualités</h1><p>{FRENCH}</p></article>"
                  "</body></html>".encode(), when))
    pages += [(f"https://{p.parent.name}.example/{p.stem}", _html(p), when) for p in english]
    path = folder / "mixed.warc.gz"
    with path.open("wb") as handle:
        write_pages(handle, pages)
    return path


def test_articles_in_other_languages_are_counted_and_left_out(tmp_path: Path) -> None:
    english = sorted(p for p in api.demo_corpus().rglob("*.htm*"))[:3]
    archive = _foreign_archive(tmp_path, english)
    kept = Settings(db=str(tmp_path / "en.db"), backfill_languages="EN")
    report = backfill([archive], LocalEngine(), kept, analyse=False)
    assert report.other_languages == {"de": 2, "fr": 1}
    with SQLiteStore(kept.db) as store:
        assert {a.lang for a in store.articles()} == {"en"} and len(store.articles()) == len(report.added)
    every = Settings(db=str(tmp_path / "all.db"))
    assert not backfill([archive], LocalEngine(), every, analyse=False).other_languages
    with SQLiteStore(every.db) as store:
        assert {"de", "fr"} <= {a.lang for a in store.articles()}


def test_a_wrong_language_code_stops_the_backfill_before_any_work(tmp_path: Path) -> None:
    from storylens.errors import StorylensError

    with pytest.raises(StorylensError, match="backfill_languages 'en,english'"):
        backfill([tmp_path], LocalEngine(), Settings(db=str(tmp_path / "x.db"), backfill_languages="en,english"))
    assert not (tmp_path / "x.db").exists()


def test_without_analysis_the_backfill_leaves_analyses_to_the_first_view(archives: list[Path],
                                                                         tmp_path: Path) -> None:
    settings = Settings(db=str(tmp_path / "n.db"))
    report = backfill(archives, LocalEngine(), settings, analyse=False)
    with SQLiteStore(settings.db) as store:
        compared = [s for s in store.stories() if len(set(s.outlets)) > 1]
        assert compared and report.analysed == 0
        assert store.db.execute("SELECT COUNT(*) FROM analyses").fetchone()[0] == 0
