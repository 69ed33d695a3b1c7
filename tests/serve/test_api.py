"""The JSON API in-process (httpx over the ASGI app): shapes, search, errors, writes behind the token."""

from __future__ import annotations

import html
import json
import re
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

from storylens import api
from storylens.config import Settings
from storylens.model import RawDocument
from storylens.serve import create_app
from storylens.store import SQLiteStore, search
from tests.serve.conftest import PAYLOAD, hostile_documents


@pytest.fixture(scope="module")
def demo(demo_store: Settings) -> TestClient:
    return TestClient(create_app(demo_store), base_url="http://localhost")


def test_story_list_is_paginated_newest_first(demo: TestClient, demo_gold: dict) -> None:
    first = demo.get("/api/stories", params={"per_page": 3, "sort": "recent"}).json()
    second = demo.get("/api/stories", params={"per_page": 3, "page": 2, "sort": "recent"}).json()
    assert first["total"] == len({a["story"] for a in demo_gold["articles"].values()})
    assert len(first["stories"]) == 3
    assert not {s["id"] for s in first["stories"]} & {s["id"] for s in second["stories"]}
    last_seen = [s["last_seen"] for s in first["stories"] + second["stories"]]
    assert last_seen == sorted(last_seen, reverse=True)


def test_search_by_text_outlet_entity_and_dates(demo: TestClient) -> None:
    everything = demo.get("/api/stories", params={"per_page": 200}).json()["stories"]
    by_text = demo.get("/api/stories", params={"q": "stadium"}).json()["stories"]
    assert by_text and len(by_text) < len(everything)
    assert all("stadium" in (s["title"] or "").lower() or s for s in by_text)
    outlet = everything[0]["outlets"][0]
    by_outlet = demo.get("/api/stories", params={"outlet": outlet, "per_page": 200}).json()["stories"]
    assert by_outlet and all(outlet in s["outlets"] for s in by_outlet)
    by_entity = demo.get("/api/stories", params={"entity": "Owen Petrakis"}).json()["stories"]
    assert [s["title"] for s in by_entity] == [s["title"] for s in by_text]
    newest = max(s["last_seen"] for s in everything if s["last_seen"])[:10]
    recent = demo.get("/api/stories", params={"since": newest, "per_page": 200}).json()["stories"]
    assert recent and len(recent) < len(everything)
    assert demo.get("/api/stories", params={"q": "zzqx-no-such-thing"}).json()["total"] == 0


def test_story_comparison_quotes_timeline_digest(demo: TestClient) -> None:
    story = demo.get("/api/stories", params={"q": "stadium"}).json()["stories"][0]
    detail = demo.get(f"/api/stories/{story['id']}").json()
    assert len(detail["articles"]) == story["size"]
    report = demo.get(f"/api/stories/{story['id']}/comparison").json()
    assert {"facts", "discrepancies", "quotes", "timeline", "digest"} <= set(report)
    quotes = demo.get(f"/api/stories/{story['id']}/quotes").json()
    assert quotes["by_speaker"] and all(v["outlets"] for g in quotes["by_speaker"] for v in g["variants"])
    assert demo.get(f"/api/stories/{story['id']}/timeline").json()["timeline"] == report["timeline"]
    assert demo.get(f"/api/stories/{story['id']}/digest").json()["digest"] == report["digest"]
    shared = [d for d in report["digest"] if d["kind"] == "shared" and len(d["outlets"]) > 1]
    sentences = {s["id"]: s["text"] for s in report["sentences"]}
    assert shared and all(d["words"] in d["outlets"] and d["text"] in sentences[d["sentence"]] for d in shared)
    page = demo.get(f"/stories/{story['id']}").text
    assert f"[words: {html.escape(shared[0]['words'])}; also " in page


def test_article_has_clean_text_and_removed_with_reasons(demo: TestClient) -> None:
    story = demo.get("/api/stories", params={"per_page": 1}).json()["stories"][0]
    article_id = demo.get(f"/api/stories/{story['id']}").json()["articles"][0]["id"]
    article = demo.get(f"/api/articles/{article_id}").json()
    assert article["text"] and article["id"] == article_id
    assert all(r["reason"] and r["text"] for r in article["removed"])


@pytest.mark.parametrize("path", ["/api/stories/nope", "/api/articles/nope", "/api/nothing-here"])
def test_every_failure_has_one_error_shape(demo: TestClient, path: str) -> None:
    response = demo.get(path)
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["status"] == 404 and error["code"] == "not_found" and error["message"]


def test_invalid_parameters_get_the_error_shape(demo: TestClient) -> None:
    response = demo.get("/api/stories", params={"page": 0, "since": "not-a-date"})
    assert response.status_code == 422
    assert "page" in response.json()["error"]["message"]


def test_openapi_describes_the_api(demo: TestClient) -> None:
    paths = demo.get("/openapi.json").json()["paths"]
    assert {"/api/stories", "/api/stories/{story_id}", "/api/articles"} <= set(paths)


def test_writes_need_the_token(hostile_store: Settings) -> None:
    client = TestClient(create_app(hostile_store), base_url="http://localhost")
    record = {"text": "A ferry ran aground off Keel Point on Monday, the coastguard said.", "source": "Wire"}
    assert client.post("/api/articles", json=record).status_code == 401
    wrong = client.post("/api/articles", json=record, headers={"Authorization": "Bearer wrong"})
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "unauthorized"
    ok = client.post("/api/articles", json=[record, {"nothing": 1}],
                     headers={"Authorization": f"Bearer {hostile_store.serve_token}"})
    assert ok.status_code == 201, ok.text
    body = ok.json()
    assert len(body["added"]) == 1 and body["rejected"][0]["input"] == "request[1]"
    again = client.post("/api/articles", json=record, headers={"Authorization": f"Bearer {hostile_store.serve_token}"})
    assert again.json()["already_stored"] == body["added"]  # re-posting is idempotent
    assert client.get(f"/api/articles/{body['added'][0]}").json()["outlet"] == "Wire"


def test_read_only_without_a_token_and_bodies_are_bounded(hostile_store: Settings, tmp_path) -> None:
    read_only = TestClient(create_app(replace(hostile_store, serve_token="")), base_url="http://localhost")
    assert read_only.post("/api/articles", json={"text": "x"}).json()["error"]["code"] == "read_only"
    small = TestClient(create_app(replace(hostile_store, max_input_mb=0.001)), base_url="http://localhost")
    big = json.dumps({"text": "word " * 1000})
    response = small.post("/api/articles", content=big, headers={
        "Authorization": f"Bearer {hostile_store.serve_token}", "Content-Type": "application/json"})
    assert response.status_code == 413 and response.json()["error"]["code"] == "too_large"
    bad = small.post("/api/articles", content=b"{not json", headers={
        "Authorization": f"Bearer {hostile_store.serve_token}"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "bad_json"


def test_pages_escape_hostile_text(hostile_store: Settings) -> None:
    client = TestClient(create_app(hostile_store), base_url="http://localhost")
    story = client.get("/api/stories").json()["stories"][0]
    pages = [client.get("/"), client.get(f"/stories/{story['id']}")]
    article_ids = [a["id"] for a in client.get(f"/api/stories/{story['id']}").json()["articles"]]
    pages += [client.get(f"/articles/{a}") for a in article_ids]
    for page in pages:
        assert page.status_code == 200
        assert "<script>window" not in page.text and "<img src=x" not in page.text
        assert "&lt;script&gt;" in page.text
        assert "script-src 'self'" in page.headers["content-security-policy"]
    assert PAYLOAD not in pages[1].text


def test_a_headline_row_of_the_story_page_is_marked_and_escaped(hostile_store: Settings) -> None:
    # Both outlets headline the crane collapse alike: their headlines are one fact, shown as a headline.
    client = TestClient(create_app(hostile_store), base_url="http://localhost")
    story = client.get("/api/stories").json()["stories"][0]
    report = client.get(f"/api/stories/{story['id']}/comparison").json()
    headlines = [s for s in report["sentences"] if s.get("headline")]
    assert len(headlines) == 2 and all(s["text"].endswith(PAYLOAD) for s in headlines)
    page = client.get(f"/stories/{story['id']}").text
    row = page.split('<span class="badge headline">headline</span>', 1)[1].split("</th>", 1)[0]
    assert row.strip().startswith("Crane collapse closes Marrowby quay &lt;script&gt;window.__pwned = 1&lt;/script&gt;")
    assert PAYLOAD not in page


def test_story_list_is_by_coverage_by_default_and_pages_follow_sql(demo: TestClient, demo_store: Settings) -> None:
    from storylens import api

    def by_coverage(story):  # the documented order, computed in Python over every story
        return (-len({o.casefold() for o in story.outlets}), story.last_seen is None,
                -(story.last_seen.timestamp() if story.last_seen else 0), -len(story.article_ids), story.id)

    expected = [st.id for st in sorted(api.stories(settings=demo_store), key=by_coverage)]
    pages = [demo.get("/api/stories", params={"per_page": 4, "page": n}).json() for n in (1, 2, 3)]
    assert [st["id"] for p in pages for st in p["stories"]] == expected[:12]
    assert {p["total"] for p in pages} == {len(expected)} and pages[0]["sort"] == "coverage"
    past_the_end = demo.get("/api/stories", params={"per_page": 4, "page": 99}).json()
    assert past_the_end["stories"] == [] and past_the_end["total"] == len(expected)
    by_size = demo.get("/api/stories", params={"sort": "size", "per_page": 200}).json()["stories"]
    assert [s["size"] for s in by_size] == sorted((s["size"] for s in by_size), reverse=True)
    assert demo.get("/api/stories", params={"sort": "nonsense"}).status_code == 422


def test_search_is_full_text_and_user_syntax_is_only_words(demo: TestClient) -> None:
    whole = demo.get("/api/stories", params={"q": "stadium"}).json()
    prefix = demo.get("/api/stories", params={"q": "stadi"}).json()
    assert whole["total"] >= 1 and [s["id"] for s in prefix["stories"]] == [s["id"] for s in whole["stories"]]
    for hostile in ['"', "stadium OR", "NEAR(a b", "title:stadium", "*", "a AND", "(((", "\u00e9"]:
        response = demo.get("/api/stories", params={"q": hostile})
        assert response.status_code == 200, (hostile, response.text)
    assert demo.get("/api/stories", params={"q": "!!!"}).json()["total"] == 0
    page = demo.get("/", params={"q": "stadium", "sort": "recent"})
    assert page.status_code == 200 and "newest first" in page.text and 'value="recent" selected' in page.text


def test_a_search_says_when_its_word_is_in_more_articles_than_it_reads(demo_store: Settings, monkeypatch) -> None:
    exact = TestClient(create_app(demo_store), base_url="http://localhost").get(
        "/api/stories", params={"q": "the"}).json()
    assert exact["total_exact"] is True and exact["total"] >= 2
    monkeypatch.setattr(search, "SEARCH_ARTICLES", 1)
    demo = TestClient(create_app(demo_store), base_url="http://localhost")  # its lists are kept per app
    cut = demo.get("/api/stories", params={"q": "the"}).json()
    assert cut["total_exact"] is False and cut["total"] == 1 and len(cut["stories"]) == 1
    page = demo.get("/", params={"q": "the"}).text
    assert "At least 1 stories matching “the” (the stories of its 1 latest articles)" in page
    assert demo.get("/api/stories").json()["total_exact"] is True


def test_lists_are_kept_until_another_connection_commits(tmp_path, monkeypatch) -> None:
    s = Settings(db=str(tmp_path / "news.db"))
    api.ingest_documents(hostile_documents(), s)
    queries = []
    story_page = SQLiteStore.story_page
    monkeypatch.setattr(SQLiteStore, "story_page", lambda self, q: queries.append(q) or story_page(self, q))
    client = TestClient(create_app(s), base_url="http://localhost")
    before = client.get("/api/stories").json()
    for path in ("/api/stories", "/", "/", "/api/stories"):
        assert client.get(path).status_code == 200
    assert len(queries) == 2  # one list and one page, each computed once

    news = RawDocument(source="ferry", kind="clean", title="Ferry runs aground off Keel Point",
                       content="A ferry ran aground off Keel Point on Monday, the coastguard said.")
    api.ingest_documents([news], s)  # another connection, as an ingest beside the server
    after = client.get("/api/stories").json()
    assert after["total"] == before["total"] + 1
    assert "Ferry runs aground" in client.get("/").text
    assert len(queries) == 4


def test_quotes_by_speaker_cite_each_outlet_under_its_own_words(demo: TestClient) -> None:
    """The demo's bridge story quotes its mayor in three wordings; the page and the API once cited
    all three outlets under the first one's words."""
    story = demo.get("/api/stories", params={"q": "collapse"}).json()["stories"][0]
    quotes = demo.get(f"/api/stories/{story['id']}/quotes").json()
    said = {(q["article"], " ".join(q["text"].split())) for q in quotes["quotes"]}
    groups = [v for g in quotes["by_speaker"] for v in g["variants"]]
    wordings = [w for v in groups for w in [v, *v["wordings"]]]
    assert any(v["wordings"] for v in groups)
    assert all((article, " ".join(w["text"].split())) in said for w in wordings for article in w["articles"])
    page = html.unescape(re.sub(r"<[^>]+>", "", demo.get(f"/stories/{story['id']}").text))
    assert all(w["text"] in page for w in wordings)


def test_the_story_page_names_the_outlet_of_each_copy_left_out(demo: TestClient) -> None:
    """The page listed a reprint as '<id> repeats <id>': the outlet that ran it was named nowhere."""
    story = demo.get("/api/stories", params={"q": "collapse"}).json()["stories"][0]
    report = demo.get(f"/api/stories/{story['id']}/comparison").json()
    assert report["copies"] and all("input" not in c for c in report["copies"])
    page = demo.get(f"/stories/{story['id']}").text
    articles = html.unescape(re.sub(r"<[^>]+>", "", page.split('id="articles"', 1)[1]))
    assert all(c["outlet"] in articles and c["title"] in articles for c in report["copies"])
    assert set(story["duplicates"]) - {c["id"] for c in report["copies"]}, "the demo's edited copy is compared"
    assert not any(f"{dup} repeats" in articles for dup in story["duplicates"])
    # the page counts the story's articles as the list does, the copies left out said apart
    assert f'<p class="meta">{story["size"]} articles ({len(report["copies"])} reprint' in page


def test_an_empty_list_page_says_why_it_is_empty(demo: TestClient) -> None:
    """A search that matched nothing and a page past the last one both told a user whose store
    holds stories that there was 'No story yet' and to ingest some."""
    empty_search = demo.get("/", params={"q": "zzqx-no-such-thing"}).text
    assert "No story yet" not in empty_search and "No story matches “zzqx-no-such-thing”" in empty_search
    past_the_end = demo.get("/", params={"page": 999}).text
    assert "No story yet" not in past_the_end and "No stories on page 999" in past_the_end
    assert "page=1\">the last page is 1" in past_the_end


def test_a_missing_story_page_says_where_stories_are_listed_for_its_reader(demo: TestClient) -> None:
    page = demo.get("/stories/nope")
    assert page.status_code == 404 and "list of stories" in page.text and "/api/" not in page.text
    assert "GET /api/stories" in demo.get("/api/stories/nope").json()["error"]["message"]
