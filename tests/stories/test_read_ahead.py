"""`StoryStream.add_all` reads the next batch on a second thread: it must place what `add` places."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

import storylens.stories as stories
from storylens.errors import StorylensError
from storylens.model import Article
from storylens.stories import StoryStream

EVENTS = ("Flooding closes schools in {town} as the river rises",
          "Battery maker opens a factory in {town} with hundreds of jobs",
          "Mayor of {town} resigns after an inquiry into council contracts")
TOWNS = ("Dunmore", "Kilbeg", "Arden", "Tarvale", "Brisk", "Holloway", "Mereton")


def articles() -> list[Article]:
    made = []
    for n in range(21):
        event, town = EVENTS[n % 3], TOWNS[n % 7]
        text = f"{event.format(town=town)}. Residents of {town} spoke on day {n}. " * 3
        made.append(Article.create(text, title=event.format(town=town)))
    return made


def test_add_all_places_every_article_as_add_does_one_by_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stories, "EMBED_BATCH", 4)  # several batches read ahead
    given = articles()
    one_by_one = StoryStream()
    want = [one_by_one.add(a) for a in given]
    got = list(StoryStream().add_all(given))
    assert got == want
    assert len({a.story_id for a in got}) > 1


def test_an_input_error_surfaces_after_the_batches_before_it_were_placed(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stories, "EMBED_BATCH", 4)
    given = articles()[:9]
    readers: set[str] = set()

    def broken_input() -> Iterator[Article]:
        for article in given:
            readers.add(threading.current_thread().name)
            yield article
        raise StorylensError("line 10 of broken.jsonl: not JSON")

    placed = []
    with pytest.raises(StorylensError, match="line 10"):
        for assignment in StoryStream().add_all(broken_input()):
            placed.append(assignment.article_id)
    assert placed == [a.id for a in given[:8]]  # the two full batches; the third failed while read
    assert len(readers) == 1  # one thread read the input, never two at once
