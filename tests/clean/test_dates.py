"""Dates as written by sources: ISO 8601 is never day-first, and the `dayfirst` setting reaches
every reader of dates (files, JSONL, the HTTP API, datelines, dates in the text)."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from storylens import api
from storylens.clean import clean
from storylens.clean.dates import parse_date
from storylens.config import Settings
from storylens.model import Article, RawDocument, Rejection
from storylens.serve.app import create_app
from storylens.store import SQLiteStore
from tests.conftest import shared_path

BODY = "The harbour wall of Marrowby collapsed after the storm, officials said on the quay."


@pytest.mark.parametrize("dayfirst", [True, False])
@pytest.mark.parametrize(("text", "expected"), [
    ("2020-01-06", datetime(2020, 1, 6)),
    ("2020-01-06T21:19:00", datetime(2020, 1, 6, 21, 19)),
    ("2020-01-06T21:19:00Z", datetime(2020, 1, 6, 21, 19)),
    ("2020-01-06T21:19:00.250+01:00", datetime(2020, 1, 6, 21, 19, 0, 250000)),
    ("2020-01-06 21:19", datetime(2020, 1, 6, 21, 19)),
    ("2020/01/06", datetime(2020, 1, 6)),
    ("6 January 2020, 21:19", datetime(2020, 1, 6, 21, 19)),
    ("January 6, 2020", datetime(2020, 1, 6)),
])
def test_unambiguous_dates_ignore_dayfirst(text: str, expected: datetime, dayfirst: bool) -> None:
    assert parse_date(text, dayfirst=dayfirst) == expected


@pytest.mark.parametrize(("dayfirst", "expected"), [(True, date(2020, 1, 6)), (False, date(2020, 6, 1))])
def test_dayfirst_decides_ambiguous_numeric_dates(dayfirst: bool, expected: date) -> None:
    value = parse_date("06/01/2020", dayfirst=dayfirst)
    assert value is not None and value.date() == expected


def _record(published: str, n: int = 0) -> dict:
    return {"id": f"r{n}", "title": f"Wall collapse {n}", "text": f"{BODY} Report {n}.", "published": published}


@pytest.mark.parametrize("dayfirst", [True, False])
def test_jsonl_iso_dates_are_stored_as_given(tmp_path: Path, dayfirst: bool) -> None:
    path = tmp_path / "records.jsonl"
    given = ["2020-01-06", "2020-02-11T08:30:00", "2019-12-03"]
    path.write_text("\n".join(json.dumps(_record(p, n)) for n, p in enumerate(given)) + "\n")
    s = Settings(db=str(tmp_path / "x.db"), dayfirst=dayfirst)
    api.ingest([path], settings=s)
    with SQLiteStore(s.db) as store:
        stored = {a.id: a.published for a in store.articles()}
    assert stored == {f"r{n}": datetime.fromisoformat(p) for n, p in enumerate(given)}


def test_cluster_reads_jsonl_dates_as_given(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    path.write_text(json.dumps(_record("2020-01-06")) + "\n")
    (article,) = api.jsonl_articles(path, Settings(db=str(tmp_path / "x.db")))
    assert article.published == datetime(2020, 1, 6)


def test_posted_iso_dates_are_stored_as_given(tmp_path: Path) -> None:
    s = Settings(db=str(tmp_path / "x.db"), serve_token="t0ken")
    client = TestClient(create_app(s), base_url="http://localhost")  # a trusted Host name
    response = client.post("/api/articles", json=[_record("2020-01-06")],
                           headers={"Authorization": "Bearer t0ken"})
    assert response.status_code == 201, response.text
    assert client.get("/api/articles/r0").json()["published"] == "2020-01-06"


def test_an_unreadable_given_date_is_kept_with_its_reason() -> None:
    doc = RawDocument("r.jsonl:1", "clean", BODY, published="the day after the storm")
    article = clean(doc, dayfirst=True)
    assert article.published is None
    assert [(r.text, r.reason) for r in article.removed] == [
        ("the day after the storm", "unreadable publication date (ignored)")]


@pytest.mark.parametrize(("dayfirst", "expected"), [(True, "2020-01-06"), (False, "2020-06-01")])
def test_dayfirst_reaches_text_datelines(tmp_path: Path, dayfirst: bool, expected: str) -> None:
    page = tmp_path / "page.txt"
    page.write_text(f"Harbour wall collapses in Marrowby\n\nPublished 06/01/2020 21:19\n\n{BODY}\n\n{BODY}\n")
    ((_, article),) = api.clean_files([page], Settings(db=str(tmp_path / "x.db"), dayfirst=dayfirst))
    assert isinstance(article, Article) and article.published is not None
    assert article.published.date().isoformat() == expected


@pytest.mark.parametrize(("dayfirst", "expected"), [(True, date(2020, 1, 6)), (False, date(2020, 6, 1))])
def test_dayfirst_reaches_dates_in_the_text(tmp_path: Path, dayfirst: bool, expected: date) -> None:
    page = tmp_path / "page.txt"
    page.write_text(f"The harbour wall of Marrowby collapsed on 06/01/2020 after the storm.\n\n{BODY}\n")
    ((_, analysis),) = api.analyze_files([page], Settings(db=str(tmp_path / "x.db"), dayfirst=dayfirst))
    assert not isinstance(analysis, Rejection)
    assert [d.date for d in analysis.dates] == [expected]


@pytest.mark.shared
def test_every_basil_date_is_read_as_given() -> None:
    """basil-dev's dates are ISO 8601; 38 of 149 were read day-first before (issue 11)."""
    path = shared_path("data", "cluster", "basil-dev.articles.jsonl")
    given = {r["id"]: r["published"] for r in map(json.loads, path.read_text(encoding="utf-8").splitlines())}
    for dayfirst in (True, False):
        read = {a.id: a.published for a in api.jsonl_articles(path, Settings(dayfirst=dayfirst))}
        wrong = {i: (p, read[i]) for i, p in given.items() if read[i] != datetime.fromisoformat(p)}
        assert not wrong


def _page(head: str, body: str) -> str:
    return (f"<html><head>{head}</head><body><article><h1>Harbour wall collapses</h1>{body}"
            f"<p>{BODY}</p><p>{BODY} The port authority said repairs would take months.</p></article></body></html>")


@pytest.mark.parametrize(("page", "dayfirst", "expected"), [
    (_page("", '<span class="date">06/01/2020</span>'), True, date(2020, 1, 6)),
    (_page("", '<span class="date">06/01/2020</span>'), False, date(2020, 6, 1)),
    (_page('<meta name="date" content="06/01/2020">', ""), False, date(2020, 6, 1)),
    (_page('<meta property="article:published_time" content="2020-01-06T10:00:00">',
           '<span class="date">06/01/2020</span>'), False, date(2020, 1, 6)),
    (_page("", '<span class="date">January 6, 2020</span><p>Filed 06/01/2020</p>'), False, date(2020, 1, 6)),
    (_page("", '<span class="date">25/12/2020</span>'), False, date(2020, 12, 25)),
])
def test_dayfirst_reaches_html_page_dates(tmp_path: Path, page: str, dayfirst: bool, expected: date) -> None:
    """htmldate reads numeric dates day-first whatever the setting; a page that writes its date only
    that way is read month-first when the setting says so."""
    path = tmp_path / "page.html"
    path.write_text(page)
    ((_, article),) = api.clean_files([path], Settings(db=str(tmp_path / "x.db"), dayfirst=dayfirst))
    assert isinstance(article, Article) and article.published is not None
    assert article.published.date() == expected


@pytest.mark.parametrize("mention", ["<p>The family has run the yard since 2015.</p>",
                                     "<footer>© 2015 Marrowby Gazette</footer>",
                                     "<p>Repairs planned for March 2015 never began.</p>"])
def test_a_year_or_month_in_the_text_is_no_publication_date(mention: str) -> None:
    """htmldate's extensive search gives a bare year as 1 January and a month as its first day;
    the page had no date, and the date its feed or crawl gave it must stand."""
    page = _page("", mention)
    doc = RawDocument(source="page.html", kind="html", content=page)
    assert clean(doc, dayfirst=True).published is None
    hinted = RawDocument(source="page.html", kind="html", content=page, date_hint=datetime(2025, 5, 2, 9, 30))
    assert clean(hinted, dayfirst=True).published == datetime(2025, 5, 2, 9, 30)


@pytest.mark.parametrize("written", ["1 March 2025", "March 1, 2025", "2025-03-01", "01/03/2025"])
def test_a_first_of_the_month_the_page_writes_is_kept(written: str) -> None:
    page = _page("", f'<p class="byline">By Ann Reed, published {written}</p>')
    doc = RawDocument(source="page.html", kind="html", content=page, date_hint=datetime(2025, 5, 2))
    published = clean(doc, dayfirst=True).published
    assert published is not None and published.date() == date(2025, 3, 1)
