"""POST /api/articles reads records as a JSONL file's lines are read, by the same code: the same
typed fields, the same isolation, the same minimum article."""

from __future__ import annotations

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
