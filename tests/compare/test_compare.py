import json
import subprocess
import sys

import pytest

from storylens import api
from storylens.compare.discrepancies import spelling_variants, word_differences
from storylens.config import Settings
from tests.conftest import ROOT, shared_path


def test_word_differences_inside_one_quotation() -> None:
    assert word_differences("We respect your sovereign decision to order our departure.",
                            "We respect your sovereignty decision to order our departure.") == [
        ("your sovereign decision", "your sovereignty decision")]


def test_differently_built_quotations_are_not_wording_differences() -> None:
    assert word_differences("the biggest day in the club's history",
                            "This is the biggest day in the history of this club.") == []


@pytest.mark.parametrize(("x", "y", "expected"), [
    ("Qassam Soleimani", "Qassem Soleimani", True),
    ("Tomasz Wieczorek", "Tomas Wieczorek", True),
    ("Mark Esper", "Mark Milley", False),
    ("William Seely", "William H Seely", False),
    ("Iran", "Iraq", False),
])
def test_spelling_variants(x: str, y: str, expected: bool) -> None:
    assert spelling_variants(x, y) is expected


def _story_report(settings: Settings, demo_gold: dict, key: str) -> dict:
    from storylens.store import SQLiteStore

    with SQLiteStore(settings.db) as store:
        ids = {a.id for a in store.articles()
               if demo_gold["articles"][a.input.split("/corpus/", 1)[1]]["story"] == key}
        story = next(s for s in store.stories() if ids & set(s.article_ids))
    return api.compare_story(story.id, settings=settings)[1]


@pytest.mark.parametrize("kind", ["quote_wording", "name_spelling", "number"])
def test_planted_discrepancies_are_found(demo_store: Settings, demo_gold: dict, kind: str) -> None:
    planted = demo_gold["planted"][kind]
    report = _story_report(demo_store, demo_gold, planted["story"])
    found = [" | ".join(v["text"] for v in d["values"]) for d in report["discrepancies"] if d["kind"] == kind]
    assert any(all(value in text for value in planted["values"]) or
               all(any(value in t or t in value for t in text.split(" | ")) for value in planted["values"])
               for text in found), found


def test_story_report_is_cached_in_the_store(demo_store: Settings, demo_gold: dict) -> None:
    first = _story_report(demo_store, demo_gold, "ferry")
    again = _story_report(demo_store, demo_gold, "ferry")
    assert first == again and first["facts"]


@pytest.mark.shared
def test_seed_comparison_meets_the_contract_and_scores() -> None:
    seeds = shared_path("seeds")
    files = sorted(str(p) for p in seeds.glob("0*.txt"))
    report = subprocess.run([sys.executable, "-m", "storylens", "compare", *files, "--json"],
                            capture_output=True, text=True, check=True, cwd=ROOT).stdout
    data = json.loads(report)
    assert {"articles", "sentences", "facts", "discrepancies", "quotes", "timeline"} <= set(data)
    ids = {s["id"] for s in data["sentences"]}
    assert all(i in ids for f in data["facts"] for i in f["sentences"])


def _articles(*texts: str, published: str = "2025-03-14T09:00") -> list:
    # No title: these tests state which facts the bodies give, and a title is compared as a
    # headline (tests/compare/test_headlines.py).
    from datetime import datetime

    from storylens.model import Article

    return [Article.create(t, title=None, outlet=f"Outlet {n}", published=datetime.fromisoformat(published))
            for n, t in enumerate(texts)]


def test_one_quotation_given_to_two_people_is_an_attribution_difference() -> None:
    from storylens.compare import compare

    quote = "We will rebuild the harbour wall before the winter storms arrive"
    found = compare(_articles(f'"{quote}," said Mayor Ann Lee.', f'"{quote}," said council leader Tom Reyes.'))
    kinds = {d.kind: d for d in found.discrepancies}
    assert "attribution" in kinds
    assert {v.text for v in kinds["attribution"].values} == {"Ann Lee", "Tom Reyes"}


def test_the_same_speaker_by_surname_is_no_attribution_difference() -> None:
    from storylens.compare import compare

    quote = "We will rebuild the harbour wall before the winter storms arrive"
    found = compare(_articles(f'"{quote}," said Mayor Ann Lee.', f'"{quote}," Lee said.'))
    assert not [d for d in found.discrepancies if d.kind == "attribution"]


def test_the_same_fact_on_different_days_is_a_date_difference() -> None:
    from storylens.compare import compare

    found = compare(_articles("The harbour wall of Marrowby collapsed on Tuesday after the storm.",
                              "The harbour wall of Marrowby collapsed on Wednesday after the storm."))
    dates = [d for d in found.discrepancies if d.kind == "date"]
    assert len(dates) == 1
    assert "2025-03-11" in dates[0].values[0].text and "2025-03-12" in dates[0].values[1].text
