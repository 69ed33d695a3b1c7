"""Near-copies in a stored story: an edited wire copy is compared, a plain reprint is not."""

from __future__ import annotations

import json
from pathlib import Path

from storylens import api

WIRE = ("The Harlow bridge in Port Averly partly collapsed on Monday, injuring 12 people, officials said. "
        "Four cars fell into the river when the middle span gave way during the evening rush hour. "
        "Divers pulled all the drivers from the water within an hour, the fire service said. "
        "The bridge was last inspected on February 3, 2025, according to city records. "
        "Police closed both approaches and asked drivers to avoid the riverside district.")


def _store(tmp_path: Path) -> str:
    records = [
        {"id": "wire", "source": "Meridian Wire", "title": "Harlow bridge collapse injures 12",
         "published": "2025-03-11", "text": WIRE},
        {"id": "edited", "source": "The Harbour Ledger", "title": "Harlow bridge collapse injures 12",
         "published": "2025-03-11", "text": WIRE.replace("on Monday", "on Sunday")},
        {"id": "reprint", "source": "Valley Post", "title": "Bridge collapse: 12 hurt",
         "published": "2025-03-11", "text": WIRE.replace("'", "’")},
    ]
    (tmp_path / "wire.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    db = str(tmp_path / "s.db")
    api.ingest([tmp_path / "wire.jsonl"], db=db)
    return db


def test_an_edited_copy_is_compared_and_a_reprint_is_not(tmp_path: Path) -> None:
    db = _store(tmp_path)
    (story,) = api.stories(db=db)
    assert len(story.duplicates) == 2, "both copies are near-duplicates of the wire story"
    _, report = api.compare_story(story.id, db=db)
    outlets = {a["outlet"] for a in report["articles"]}
    assert outlets == {"Meridian Wire", "The Harbour Ledger"}
    assert list(report["duplicates"].values()) and set(report["duplicates"]) <= set(story.duplicates)
    assert len(report["duplicates"]) == 1  # the reprint, which says nothing the wire story does not
    (changed,) = [d for d in report["discrepancies"] if d["kind"] == "date"]
    assert {v["article"] for v in changed["values"]} == {"wire", "edited"}
    # what the copy reprints unchanged is said once, by the original
    copied = [t["sentence"] for t in report["timeline"] if t["sentence"].startswith("edited:")]
    assert copied == ["edited:s0"] and any(t["sentence"] == "wire:s3" for t in report["timeline"])


def test_the_story_page_lists_the_edited_copy_once_and_the_reprint_as_a_copy(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from storylens.config import Settings
    from storylens.serve import create_app

    db = _store(tmp_path)
    (story,) = api.stories(db=db)
    page = TestClient(create_app(Settings(db=db)), base_url="http://localhost").get(f"/stories/{story.id}").text
    articles = page[page.index('id="articles-h"'):]
    assert articles.count('href="/articles/edited"') == 1 and "an edited copy of" in articles
    assert articles.count('href="/articles/reprint"') == 1 and "repeats" in articles
    assert "an edited copy of <a href=\"/articles/wire\">Meridian Wire</a>" in articles


def test_the_report_names_the_outlet_of_each_reprint_it_leaves_out(tmp_path: Path) -> None:
    """The report listed the reprint by id alone: Valley Post, which ran the wire story, was named
    nowhere in the report, its exports or the story page."""
    from storylens.compare import export

    db = _store(tmp_path)
    (story,) = api.stories(db=db)
    _, report = api.compare_story(story.id, db=db)
    (copy,) = report["copies"]
    assert (copy["id"], copy["copy_of"], copy["outlet"], copy["title"]) == (
        "reprint", "wire", "Valley Post", "Bridge collapse: 12 hurt")
    assert "- Valley Post: Bridge collapse: 12 hurt (id reprint): a copy of Meridian Wire (id wire)" \
        in export.to_markdown(report)
    assert "Valley Post: Bridge collapse: 12 hurt (reprint): a copy of Meridian Wire (wire)" in export.to_html(report)
    lines = export.terminal_lines(export.view(report), None)
    assert any("1 copy of them not compared again (by Valley Post)" in str(line) for line in lines)
