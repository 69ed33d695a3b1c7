"""Discrepancies found on first-sight neus-val stories (benchmarks/data/neus-val-discrepancies-c.json)
to be false: a number's unit read as its scale word or as the whole a part is counted of, and a
speaker's restart read as a negation."""

from datetime import datetime

import pytest

from storylens.compare import compare
from storylens.compare.discrepancies import negation_flip
from storylens.model import Article


def _numbers(*texts: str) -> list[list[str]]:
    articles = [Article.create(t, title=None, outlet=f"Outlet {n}", published=datetime(2025, 3, 14, 9))
                for n, t in enumerate(texts)]
    found = compare(articles)
    return [sorted(v.text for v in d.values) for d in found.discrepancies if d.kind == "number"]


@pytest.mark.parametrize(("first", "expected"), [
    ("The Harbour Party had won 157 of 338 seats, the Marrowby election board said on Tuesday.", []),
    ("The Harbour Party had won 150 of 338 seats, the Marrowby election board said on Tuesday.",
     [["150 seats", "157 seats"]]),
])
def test_a_part_of_a_whole_is_compared_as_the_part(first: str, expected: list[list[str]]) -> None:
    assert _numbers(first, "The Harbour Party had won 157 seats, the Marrowby election board said on Tuesday.") \
        == expected


@pytest.mark.parametrize(("second", "expected"), [
    ("The Marrowby health board has bought enough doses for 300 million people, Governor Ann Lee said.", []),
    ("The Marrowby health board has bought 300 million doses of the vaccine, Governor Ann Lee said.",
     [["200 million doses", "300 million doses"]]),
])
def test_figures_of_one_scale_are_compared_only_when_they_count_one_thing(second: str,
                                                                          expected: list[list[str]]) -> None:
    first = "The Marrowby health board has bought 200 million doses of the vaccine, Governor Ann Lee said."
    assert _numbers(first, second) == expected


def test_a_speakers_restart_is_no_negation() -> None:
    kept = "We will make it clear that we will not, we will not stand by and let them close the harbour."
    dropped = "We will make it clear that we will not stand by and let them close the harbour."
    assert negation_flip(kept, dropped) is None
    assert negation_flip(dropped.replace("will not", "will"), dropped) is not None


def test_a_figure_whose_noun_is_left_out_counts_what_the_one_before_it_counts() -> None:
    # "2.5 million doses ... and 1.5 million": two figures of doses, so which one the other
    # outlet's total matches is unknown and nothing is reported.
    assert _numbers(
        "The Marrowby health board will share 2.5 million doses of the vaccine with Eastfield and 1.5 million "
        "with Westfield, Governor Ann Lee said.",
        "The Marrowby health board will share 4 million doses of the vaccine with Eastfield and Westfield, "
        "Governor Ann Lee said.") == []


def test_an_ordinal_is_not_a_count() -> None:
    # ecbplus-dev sample D: "stops Thompson in 6th round" against "won his 16th straight fight".
    assert _numbers("Boxer Ann Lee won her 16th straight fight in Marrowby on Saturday, the board said.",
                    "Boxer Ann Lee won in the 6th round of the fight in Marrowby on Saturday, the board said.") == []
