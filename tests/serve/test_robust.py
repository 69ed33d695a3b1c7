"""The server under faults: unexpected errors, a store locked by another writer, hostile ids and
Host headers, and what a response may reveal about the server."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from storylens import api
from storylens.config import Settings
from storylens.errors import StoreError
from storylens.model import Article, RawDocument
from storylens.serve import app as app_module
from storylens.serve import create_app, data, views
from storylens.store import SQLiteStore
from tests.serve.conftest import hostile_documents

LOCAL = "http://localhost"


def client(settings: Settings, **kwargs: object) -> TestClient:
    return TestClient(create_app(settings), base_url=LOCAL, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def small_store(tmp_path: Path) -> Settings:
    """A fresh store of one two-article story, nothing compared yet."""
    s = Settings(db=str(tmp_path / "small.db"), serve_token="tok")
    api.ingest_documents(hostile_documents(), s)
    return s


def only_story(settings: Settings) -> str:
    (story,) = api.stories(settings=settings)
    return story.id


def assert_secured(response: httpx.Response) -> None:
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"


def test_an_unexpected_failure_answers_the_error_shape_with_the_headers(small_store, monkeypatch) -> None:
    def broken(*_: object) -> None:
        raise RuntimeError("boom at /srv/secret/place")

    monkeypatch.setattr(views, "quotes_by_speaker", broken)
    web = client(small_store, raise_server_exceptions=False)
    story = only_story(small_store)
    response = web.get(f"/api/stories/{story}/quotes")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"
    assert "secret" not in response.text
    assert_secured(response)
    page = web.get(f"/stories/{story}")
    assert page.status_code == 500 and page.headers["content-type"].startswith("text/html")
    assert "secret" not in page.text
    assert_secured(page)


def test_reading_a_comparison_neither_waits_for_nor_fails_on_a_writer(small_store) -> None:
    app = create_app(small_store)
    web = TestClient(app, base_url=LOCAL)
    story = only_story(small_store)
    writer = sqlite3.connect(small_store.db, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another process in the middle of an ingest
    try:
        started = time.monotonic()
        response = web.get(f"/api/stories/{story}/comparison")
        waited = time.monotonic() - started
        assert response.status_code == 200, response.text
        assert response.json()["facts"]
        assert waited < 4.0  # below SQLite's 5 s busy timeout: nothing waited for the lock
        assert web.get(f"/stories/{story}").status_code == 200  # from memory meanwhile
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    app.state.comparisons.writer.wait()  # kept once the writer let go
    with SQLiteStore(small_store.db) as store:
        assert store.comparison(story) is not None


def test_a_write_that_stays_locked_is_503_with_retry_after(small_store, monkeypatch) -> None:
    monkeypatch.setattr(data, "LOCK_ATTEMPTS", 1)  # one busy timeout (5 s) instead of three
    web = client(small_store)
    writer = sqlite3.connect(small_store.db, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        response = web.post("/api/articles", headers={"Authorization": "Bearer tok"},
                            json={"text": "A ferry ran aground off Keel Point on Monday, the coastguard said.",
                                  "title": "Ferry aground", "source": "Wire"})
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "busy"
    assert int(response.headers["retry-after"]) > 0
    assert_secured(response)


def test_retries_outlast_a_short_lock() -> None:
    calls = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise sqlite3.OperationalError("database is locked")
        return "done"

    assert data.with_retries(flaky, attempts=3) == "done" and len(calls) == 3
    wrapped = StoreError("the store: database is locked")  # how the store reports a lock it waited out
    wrapped.__cause__ = sqlite3.OperationalError("database is locked")
    assert app_module.errors.is_lock_error(wrapped) and not app_module.errors.is_lock_error(StoreError("no"))
    with pytest.raises(sqlite3.OperationalError):
        data.with_retries(lambda: (_ for _ in ()).throw(sqlite3.OperationalError("no such table: x")))


def test_a_post_does_not_stall_other_requests(small_store, monkeypatch) -> None:
    real = api.ingest_documents

    def slow_ingest(*args: object, **kwargs: object) -> object:
        time.sleep(1.5)  # a large or slow document
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(api, "ingest_documents", slow_ingest)
    app = create_app(small_store)

    async def scenario() -> tuple[float, float]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=LOCAL) as web:
            started = time.monotonic()
            post = asyncio.create_task(web.post(
                "/api/articles", headers={"Authorization": "Bearer tok"},
                json={"text": "A ferry ran aground off Keel Point on Monday, the coastguard said.",
                      "title": "Ferry aground"}))
            await asyncio.sleep(0.2)
            assert (await web.get("/api/health")).status_code == 200
            health_at = time.monotonic() - started
            assert (await post).status_code == 201
            return health_at, time.monotonic() - started

    health_at, post_at = asyncio.run(scenario())
    assert health_at < 1.0 < post_at  # health answered while the POST was still working


def test_no_response_shows_a_server_path(demo_store: Settings) -> None:
    web = client(demo_store)
    corpus = str(api.demo_corpus())
    secrets = [demo_store.db, Path(demo_store.db).name, str(Path(demo_store.db).parent), corpus]
    story = web.get("/api/stories", params={"per_page": 1}).json()["stories"][0]
    article_id = story["articles"][0]
    responses = [web.get(p) for p in (
        "/api/stories/nope", "/api/articles/nope", "/stories/nope", "/articles/nope", "/nothing",
        f"/api/articles/{article_id}", f"/api/stories/{story['id']}/comparison",
        f"/stories/{story['id']}", f"/articles/{article_id}")]
    assert [r.status_code for r in responses] == [404] * 5 + [200] * 4
    for response in responses:
        for secret in secrets:
            assert secret not in response.text, (response.url, secret)
    assert "input" not in responses[5].json()


def test_a_store_error_message_is_scrubbed_of_the_path(tmp_path: Path) -> None:
    scrub = app_module.errors.path_scrubber(str(tmp_path / "news.db"))
    assert scrub(f"{tmp_path}/news.db: cannot open") == "the store: cannot open"
    assert "news.db" not in scrub("news.db is locked")


def test_a_foreign_host_is_refused_in_the_error_shape(small_store) -> None:
    refused = TestClient(create_app(small_store), base_url="http://rebound.example").get("/api/health")
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "bad_host"
    assert_secured(refused)
    for base in ("http://localhost:8321", "http://127.0.0.1", "http://[::1]:8321"):
        assert TestClient(create_app(small_store), base_url=base).get("/api/health").status_code == 200
    named = replace(small_store, serve_trusted_hosts="news.example.org")
    assert TestClient(create_app(named), base_url="http://news.example.org").get("/api/health").status_code == 200
    listening = replace(small_store, serve_trusted_hosts="", serve_host="10.1.2.3")
    assert TestClient(create_app(listening), base_url="http://10.1.2.3").get("/api/health").status_code == 200


def test_ids_are_url_encoded_in_links_and_resolve(tmp_path: Path) -> None:
    s = Settings(db=str(tmp_path / "ids.db"))
    odd = ["a/b?c#d", "..", "x y&z"]
    docs = [RawDocument(source=f"r{n}", kind="clean", id=i, title="Quay crane collapse in Marrowby",
                        content="Officials in Marrowby confirmed the harbour crane collapse on Tuesday "
                                f"and closed the quay for the week (report {n}).", outlet=f"Outlet {n}")
            for n, i in enumerate(odd)]
    api.ingest_documents(docs, s)
    web = client(s)
    listing = web.get("/")
    story_ids = [st.id for st in api.stories(settings=s)]
    for story_id in story_ids:
        assert f'href="/stories/{app_module.path_id(story_id)}"' in listing.text
    pages = "".join(web.get(f"/stories/{app_module.path_id(i)}").text for i in story_ids)
    for article_id in odd:
        link = f"/articles/{app_module.path_id(article_id)}"
        assert f'href="{link}"' in pages
        assert web.get(link).status_code == 200
        assert web.get(f"/api/articles/{app_module.path_id(article_id)}").json()["id"] == article_id
    assert app_module.path_id("a/b?c#d") == "a%2Fb%3Fc%23d" and app_module.path_id("..") == "%2E%2E"


def test_article_page_links_back_to_its_story_and_favicon_exists(small_store) -> None:
    web = client(small_store)
    story = only_story(small_store)
    article_id = web.get(f"/api/stories/{story}").json()["articles"][0]["id"]
    assert f'href="/stories/{app_module.path_id(story)}"' in web.get(f"/articles/{article_id}").text
    assert web.get(f"/api/articles/{article_id}").json()["story"] == story
    icon = web.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")


def test_a_story_page_is_rendered_once_per_version_of_its_story(small_store, monkeypatch) -> None:
    renders: list[int] = []
    matrix = views.coverage_matrix
    monkeypatch.setattr(views, "coverage_matrix", lambda report: renders.append(1) or matrix(report))
    web = client(small_store)
    story = only_story(small_store)
    first = web.get(f"/stories/{story}")
    assert first.status_code == 200 and web.get(f"/stories/{story}").text == first.text
    assert len(renders) == 1
    later = Article.create("Officials in Marrowby said the harbour crane collapse quay reopens on Monday.\n\n"
                           "Harbour master Ines Valdor confirmed the inquiry into the crane collapse had begun.",
                           title="Marrowby quay to reopen", outlet="Outlet 3")
    with SQLiteStore(small_store.db) as store:  # the story grows: another version of it
        store.add_articles([later])
        store.assign_stories({later.id: story}, {})
    again = web.get(f"/stories/{story}")
    assert again.status_code == 200 and len(renders) == 2 and "Marrowby quay to reopen" in again.text
