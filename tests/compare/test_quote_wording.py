"""Quote wording and attribution differences are the speaker's words and the speaker's name, not
the outlet's typesetting, spelling of names, reported-speech grammar or a second line of a speech."""

from datetime import datetime

from storylens.compare import compare
from storylens.compare.discrepancies import outlet_rendering, speaker_words, word_differences
from storylens.model import Article


def _articles(*texts: str) -> list[Article]:
    # No title: these tests state which facts the bodies give, and a title is compared as a
    # headline (tests/compare/test_headlines.py).
    return [Article.create(t, title=None, outlet=f"Outlet {n}",
                           published=datetime.fromisoformat("2025-03-14T09:00")) for n, t in enumerate(texts)]


def _wording(x: str, y: str) -> list[tuple[str, str]]:
    return word_differences(speaker_words(x), speaker_words(y), ignore=outlet_rendering)


def test_an_outlets_insertion_and_its_spelling_of_a_name_are_not_the_speakers_words() -> None:
    assert _wording("it looks like (the strongman Moammar) Gadhafi is going to win the war",
                    "it looks like [the strongman Muammar] al-Qaddafi is going to win the war") == []


def test_a_tense_shifted_by_reported_speech_is_not_a_misquote() -> None:
    assert _wording("asked the mayor if she fully supported the harbour plan",
                    "Do you fully support the harbour plan?") == []
    assert _wording("my name is the Harbour Party and I have a problem",
                    "my name is the Harbour Party and I got a problem") == [("I have a", "I got a")]


def test_a_contraction_is_not_a_different_word() -> None:
    assert _wording("It's not enough to rebuild the harbour wall",
                    "But it is not enough to rebuild the harbour wall") == []


def test_the_same_words_rearranged_are_another_statement() -> None:
    assert _wording("The council has not changed its position on the harbour wall",
                    "Stay tuned, our position has not changed on the harbour wall") == []


def test_quotations_ending_on_different_words_are_a_wording_difference() -> None:
    assert _wording("I have people studying it and they cannot believe what they're finding",
                    "Well, I have people studying it and they cannot believe what they're hearing") == [
        ("are finding", "are hearing")]


def test_a_line_the_other_outlet_also_quotes_word_for_word_is_not_reworded() -> None:
    found = compare(_articles(
        '"Our harbour town is not a clown show," Mayor Ann Lee said on Friday.',
        '"Our harbour town is not a clown show," Mayor Ann Lee said on Friday. '
        '"Our harbour town is not a circus," she added.'))
    assert not [d for d in found.discrepancies if d.kind == "quote_wording"]


def test_a_statement_from_someones_office_is_no_attribution_difference() -> None:
    quote = "We will rebuild the harbour wall before the winter storms arrive"
    office = f'"{quote}," reads a statement from Mayor Ann Lee\'s office.'
    found = compare(_articles(f'"{quote}," said Tom Reyes, a top adviser to the mayor.', office))
    assert not [d for d in found.discrepancies if d.kind == "attribution"]
    found = compare(_articles(f'"{quote}," said Tom Reyes, a top adviser to the mayor.',
                              f'"{quote}," said council leader Max Ortega.'))
    assert [d for d in found.discrepancies if d.kind == "attribution"]


def test_a_short_quotation_pairs_with_its_own_line_not_a_longer_one_it_prefixes() -> None:
    lines = ['"It is not about you."', '"It is not about your harbour."', '"It is not about your jobs."']
    found = compare(_articles(f"{lines[0]} Mayor Ann Lee said. {lines[2]} Lee said.",
                              f"{lines[0]} Mayor Ann Lee said. {lines[1]} Lee said. {lines[2]} Lee said."))
    assert not [d for d in found.discrepancies if d.kind == "quote_wording"]


def test_two_named_people_saying_alike_are_not_one_quotation_reworded() -> None:
    found = compare(_articles(
        '"The budget reflects the values of his favourite philosopher," said Father Tom Reyes.',
        '"Your budget reflects the values of your favourite philosopher," said Sister Ann Lee.'))
    assert not [d for d in found.discrepancies if d.kind == "quote_wording"]


def test_a_name_typeset_two_ways_is_not_spelled_two_ways() -> None:
    found = compare(_articles(
        "Terry O'Neill, the president of the harbour trust, said the wall was unsafe on Friday.",
        "Terry O’Neill, the president of the harbour trust, said the wall was unsafe on Friday. "
        'Reyes pledged to end "[Mayor Ann] Lee\'s war on the harbour" in a new advertisement.',
        "Mayor Ann Lee answered the harbour trust on Friday."))
    assert not [d for d in found.discrepancies if d.kind == "name_spelling"]


def test_a_house_style_is_not_a_different_word_or_spelling() -> None:
    from storylens.compare.discrepancies import spelling_variants

    assert _wording("a decorated F.B.I. special agent and a man of the harbour work force",
                    "a decorated FBI special agent and a man of the harbour workforce") == []
    assert not spelling_variants("Wal-Mart", "Walmart")
    assert not spelling_variants("Salesforce.com", "Salesforce")
    assert spelling_variants("Reince Preibus", "Reince Priebus")


def test_an_ampersand_is_the_word_and() -> None:
    assert _wording("both believe that conservation & healthy herds are critical",
                    "both believe that conservation and healthy herds are critical") == []
