"""POST /api/articles reads records as a JSONL file's lines are read, by the same code: the same
typed fields, the same isolation, the same minimum article."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from storylens.config import Settings
from storylens.serve.app import create_app


def post(settings: Settings, body: bytes) -> tuple[int, dict]:
    client = TestClient(create_app(settings), base_url="http://localhost")  # a trusted Host name
    response = client.post("/api/articles", content=body, headers={
        "Authorization": f"Bearer {settings.serve_token}", "Content-Type": "application/json"})
    return response.status_code, response.json()


def test_json_nested_too_deep_is_a_400_not_a_500(hostile_store: Settings) -> None:
    status, body = post(hostile_store, b"[" * 100_000)
    assert status == 400 and body["error"]["code"] == "bad_json"


def test_less_than_an_article_is_rejected_like_in_a_file(hostile_store: Settings) -> None:
    records = (b'[{"title": "Harbour crane inquiry opens"},'
               b' {"id": true, "title": "T", "text": "Some body text here."},'
               b' {"title": "Lone \\ud800 surrogate", "text": "The crane inquiry opened on Friday."}]')
    status, body = post(hostile_store, records)
    assert status == 201
    reasons = {r["input"]: r["reason"] for r in body["rejected"]}
    assert reasons == {"request[0]": "a title with no article text",
                       "request[1]": "'id' must be a string or a whole number, not true/false"}
    assert len(body["added"]) == 1


def test_a_record_that_is_no_object_is_named_as_a_record_with_an_outlet_kept(tmp_path: Path) -> None:
    """A POSTed list's element was refused as 'a JSONL line', which the client never sent; and its
    'outlet' field, the name the API itself writes, was dropped without a word."""
    records = (b'[5, {"title": "Marrowby quay reopens", "outlet": "Harbour Gazette",'
               b' "text": "The Marrowby quay reopened on Monday after the crane inquiry, the port said."}]')
    settings = Settings(db=str(tmp_path / "post.db"), serve_token="t0ken")
    status, body = post(settings, records)
    assert status == 201
    (rejected,) = body["rejected"]
    assert rejected["input"] == "request[0]" and "JSONL" not in rejected["reason"]
    assert "a record must be a JSON object" in rejected["reason"] and "not a number" in rejected["reason"]
    (added,) = body["added"]
    client = TestClient(create_app(settings), base_url="http://localhost")
    assert client.get(f"/api/articles/{added}").json()["outlet"] == "Harbour Gazette"
