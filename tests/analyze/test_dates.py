"""Relative dates point the way the sentence does: the tense of their verb, or an explicit word."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from storylens.analyze import analyze
from storylens.analyze.dates import Written, find_dates
from storylens.model import Article

MONDAY = datetime(2020, 1, 6, 9, 0)
DECEMBER = datetime(2018, 12, 10)
JANUARY = datetime(2019, 1, 8)


def dates_in(text: str, published: datetime | None, reference: Written | None = None) -> dict[str, date | None]:
    analysis = analyze(Article.create(text, published=published), reference)
    return {d.text: d.date for d in analysis.dates}


@pytest.mark.parametrize(("text", "published", "expected"), [
    ("The new law takes effect on January 1.", DECEMBER, date(2019, 1, 1)),
    ("The ban will start on 1 January, the minister said.", DECEMBER, date(2019, 1, 1)),
    ("Deadline for entries: January 1.", DECEMBER, date(2019, 1, 1)),
    ("The singer was born on January 1 in a small village.", DECEMBER, date(2018, 1, 1)),
    ("The storm hit the coast on December 28, flooding hundreds of homes.", JANUARY, date(2018, 12, 28)),
    ("The hearing is scheduled for Jan. 15.", JANUARY, date(2019, 1, 15)),
])
def test_a_date_without_a_year_takes_the_year_its_tense_points_to(text: str, published: datetime,
                                                                   expected: date) -> None:
    (found,) = dates_in(text, published).values()
    assert found == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Divers searched the river on Wednesday.", date(2020, 1, 1)),
    ("The bridge will reopen on Wednesday, engineers said.", date(2020, 1, 8)),
    ("The council is expected to vote on Wednesday.", date(2020, 1, 8)),
    ("The strike ends on Wednesday.", date(2020, 1, 8)),
    ("A man injured on Wednesday has died.", date(2020, 1, 1)),
    ("Police said the driver may have fallen asleep on Wednesday.", date(2020, 1, 1)),
    ("Ferries will not sail until Wednesday.", date(2020, 1, 8)),
    ("Talks resume next Monday.", date(2020, 1, 13)),
    ("Talks collapsed last Monday.", date(2019, 12, 30)),
    ("Talks collapsed on Monday.", date(2020, 1, 6)),
])
def test_a_weekday_points_the_way_its_verb_does(text: str, expected: date) -> None:
    (found,) = dates_in(text, MONDAY).values()
    assert found == expected


def test_an_undated_article_is_read_as_written_within_its_story() -> None:
    """The demo's undated Eastfield report of a Tuesday collapse says divers searched "on
    Wednesday": that is the Wednesday the story ran to, not the one six days before it began."""
    story = Written(date(2025, 3, 11), date(2025, 3, 12))
    found = dates_in("Divers searched the Senn river on Wednesday for a third car.", None, story)
    assert found == {"on Wednesday": date(2025, 3, 12)}
    found = dates_in("The bridge will stay shut until Tuesday.", None, story)
    assert found == {"until Tuesday": date(2025, 3, 11)}


def test_without_a_parse_weekdays_are_past_and_yearless_dates_nearest() -> None:
    text = "He spoke on Friday about the vote on January 1."
    found = {d.text: d.date for d in find_dates(text, Written.on(DECEMBER.date()), dayfirst=True)}
    assert found == {"on Friday": date(2018, 12, 7), "January 1": date(2019, 1, 1)}


def test_a_date_with_a_year_is_never_moved() -> None:
    found = dates_in("The singer will perform on January 1, 2018 and on 3 March 2021.", DECEMBER)
    assert found == {"January 1, 2018": date(2018, 1, 1), "3 March 2021": date(2021, 3, 3)}


def test_the_demo_timeline_dates_the_divers_search_after_the_collapse(demo_store, demo_gold: dict) -> None:
    from storylens import api

    bridge = next(s for s in api.stories(settings=demo_store) if "Harlow Bridge" in (s.title or ""))
    _, report = api.compare_story(bridge.id, settings=demo_store)
    divers = [e for e in report["timeline"] if e["text"].startswith("Divers searched")]
    assert [e["date"] for e in divers] == ["2025-03-12"]
