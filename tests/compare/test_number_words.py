"""Numbers written in words take part in the number comparison as their value ("Sixty people" /
"40 people"), reported as written, under the digit path's rules; and number words that are no
count ("one of the victims", "Fox Five", "the first time") are never compared."""

from datetime import datetime

import pytest

from storylens.compare import compare
from storylens.compare.figures import figures_by_unit
from storylens.model import Article


def _numbers(*texts: str) -> list[list[str]]:
    articles = [Article.create(t, title=None, outlet=f"Outlet {n}", published=datetime(2025, 3, 14, 9))
                for n, t in enumerate(texts)]
    found = compare(articles)
    return [sorted(v.text for v in d.values) for d in found.discrepancies if d.kind == "number"]


def _counts(text: str) -> dict[str, list[str]]:
    """What a text counts, by unit: the numbers as written, with their bound."""
    return {unit: sorted(" ".join(f.qualifier.split() + [f.number]) for f in figures)
            for unit, figures in figures_by_unit(text, lambda offset: "").items()}


def test_a_count_in_words_is_compared_with_one_in_digits_as_written() -> None:
    assert _numbers("Sixty people were killed when the Harlow Bridge in Marrowby collapsed on Tuesday.",
                    "40 people were killed when the Harlow Bridge in Marrowby collapsed on Tuesday.") \
        == [["40 people", "Sixty people"]]


def test_one_of_the_victims_is_no_count_of_victims() -> None:
    told = "victims of the Harlow Bridge collapse in Marrowby were children, police said."
    assert _numbers(f"Three {told}", f"Two {told}") == [["Three victims", "Two victims"]]
    assert _numbers("One of the victims of the Harlow Bridge collapse in Marrowby was a child, police said.",
                    f"Two {told}") == []


def test_a_speakers_number_word_is_not_set_against_an_outlets_digits() -> None:
    said = "people were killed when the Harlow Bridge collapsed, Mayor Ann Lee of Marrowby said."
    assert _numbers(f"Sixty {said}", f"40 {said}") == [["40 people", "Sixty people"]]
    quoted = '"Sixty people were killed when the Harlow Bridge collapsed," Mayor Ann Lee of Marrowby said.'
    assert _numbers(quoted, f"40 {said}") == []


def test_a_bound_in_words_holds_a_figure_inside_it() -> None:
    assert _numbers("Sixty people were hurt when the Harlow Bridge in Marrowby collapsed on Tuesday.",
                    "72 people were hurt when the Harlow Bridge in Marrowby collapsed on Tuesday.") \
        == [["72 people", "Sixty people"]]
    assert _numbers("More than sixty people were hurt when the Harlow Bridge in Marrowby collapsed on Tuesday.",
                    "72 people were hurt when the Harlow Bridge in Marrowby collapsed on Tuesday.") == []


@pytest.mark.parametrize(("text", "counts"), [
    ("Three soldiers and four civilians were hurt.", {"soldiers": ["Three"], "civilians": ["four"]}),
    ("Two dozen people were hurt.", {"people": ["Two dozen"]}),
    ("About two dozen people were hurt.", {"people": ["about two dozen"]}),
    ("A million people fled, against 1.2 million people last year.", {"million people": ["1.2", "A"]}),
    ("Twenty-five people were hurt.", {"people": ["Twenty-five"]}),
    ("Two of the three soldiers were killed.", {"soldiers": ["Two"]}),
    ("a hundred and fifty people", {"people": ["a hundred and fifty"]}),
])
def test_a_number_in_words_counts_what_follows_it(text: str, counts: dict[str, list[str]]) -> None:
    assert _counts(text) == counts


@pytest.mark.parametrize("text", [
    "One of the three soldiers was killed.",         # the part is "one", which is no count
    "No one was hurt, and the one who called left.",
    "It was the first time in a decade.",            # an ordinal ranks
    "The second attack came at noon.",
    "Hundreds of people and thousands of homes.",    # a plural is vague
    "Half a million people fled.",
    "Fox Five reported it from the Big Ten final.",  # a number word inside a name
    "Seven Dwarfs were on the float.",
    "Ten or twelve people were hurt.",               # a range is no single figure
    "The nine-eleven attacks changed it.",
    "The sixty-two-year-old man was hurt.",
    "Four U.S. officials familiar with the matter said it.",  # each outlet counts its own sources
    "It was approved, according to two people briefed on it.",
    "He was sentenced to three years and four months in prison.",  # one span, given in two parts
    "Eight months after the first approval, it was final.",  # a span placing a claim in time
    "The rate fell after five months, a study found.",
    "The doors open at 5 p.m. on Friday.",           # a letter of an abbreviation counts nothing
])
def test_a_number_word_that_counts_nothing_gives_no_figure(text: str) -> None:
    assert _counts(text) == {}


def test_a_dozen_times_is_not_a_count_of_people() -> None:
    assert _numbers("Police in Marrowby said the Harlow Bridge had been hit a dozen times by barges.",
                    "Police in Marrowby said the Harlow Bridge had been hit 14 times by barges.") \
        == [["14 times", "a dozen times"]]
    assert _numbers("Police in Marrowby said the Harlow Bridge had been hit a dozen times by barges.",
                    "Police in Marrowby said the Harlow Bridge had been hit by 14 barges.") == []


@pytest.mark.parametrize(("text", "counts"), [
    ("Three people were shot, police said.", {"people": ["Three"]}),
    ("He waited six hours to vote.", {"hours": ["six"]}),
    ("He was sentenced to 40 months in prison.", {"months": ["40"]}),
])
def test_a_count_beside_a_source_or_a_span_still_counts(text: str, counts: dict[str, list[str]]) -> None:
    assert _counts(text) == counts


def test_a_part_is_no_difference_with_the_whole_it_is_a_part_of() -> None:
    shot = "An autopsy in Marrowby showed Tom Reyes was hit by seven bullets."
    assert _numbers(shot.replace("seven", "five"), shot) == [["five bullets", "seven bullets"]]
    assert _numbers("An autopsy in Marrowby showed Tom Reyes was hit in the back by three of the seven bullets.",
                    shot) == []


def test_a_small_count_of_another_action_is_not_compared() -> None:
    # "scored 23 points" in the game against "had five points" during one run of it.
    game = "as Creighton beat Drake in Marrowby on Friday."
    assert _numbers(f"Doug McDermott scored 23 points {game}", f"Doug McDermott scored five points {game}") \
        == [["23 points", "five points"]]
    assert _numbers(f"Doug McDermott scored 23 points {game}",
                    f"Doug McDermott had five points during a late run {game}") == []
