from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from storylens.analyze import analyze, split_sentences
from storylens.analyze.dates import find_dates
from storylens.analyze.entities import strip_title
from storylens.model import Article


@given(st.text(alphabet=st.sampled_from(list("ab .\n\"“”Mr.U.S.?!")), max_size=200))
@settings(max_examples=200, deadline=None)
def test_sentence_offsets_stay_inside_the_text_and_in_order(text: str) -> None:
    sentences = split_sentences(text)
    previous_end = 0
    for s in sentences:
        assert 0 <= previous_end <= s.start < s.end <= len(text)
        assert s.of(text).strip() == s.of(text)
        previous_end = s.end


def test_abbreviations_do_not_end_sentences() -> None:
    text = "Gen. Milley met Mr. Esper in the U.S. capital. They spoke for an hour."
    assert [s.of(text) for s in split_sentences(text)] == [
        "Gen. Milley met Mr. Esper in the U.S. capital.", "They spoke for an hour."]


def test_titles_are_stripped_from_names() -> None:
    assert strip_title("Defence secretary Mark Esper") == "Mark Esper"
    assert strip_title("Gen Milley") == "Milley"
    assert strip_title("Brigadier General William Seely") == "William Seely"


def quotes_of(text: str) -> list[tuple[str, str | None]]:
    return [(q.text, q.speaker) for q in analyze(Article.create(text)).quotes]


def test_pronoun_speaker_resolves_to_the_named_person() -> None:
    text = ("Fire chief Mirela Dragan visited the hills on Wednesday.\n\n"
            "\"We are fighting this fire on three fronts,\" she said.")
    assert quotes_of(text) == [("We are fighting this fire on three fronts,", "Mirela Dragan")]


def test_surname_mention_resolves_to_the_full_name() -> None:
    text = ("Defence Secretary Mark Esper spoke to reporters.\n\n"
            "\"There has been no decision to leave,\" Mr Esper said.")
    assert quotes_of(text)[0][1] == "Mark Esper"


def test_near_identical_spellings_are_one_entity_and_flagged() -> None:
    text = ("General Qassem Soleimani was killed on Friday. Crowds mourned Qassam Soleimani on Monday. "
            "Soleimani led the Quds Force.")
    people = [m for m in analyze(Article.create(text)).entities if m.label == "PERSON"]
    assert {m.canonical for m in people} == {"Qassem Soleimani"}
    assert [m.text for m in people if m.variant] == ["Qassam Soleimani"]  # the short form is no variant


def test_quote_in_the_next_paragraph_inherits_its_speaker() -> None:
    text = ("\"The talks went well,\" union leader Tomasz Wieczorek said.\n\n"
            "\"We expect an agreement before the weekend.\"")
    assert [s for _, s in quotes_of(text)] == ["Tomasz Wieczorek", "Tomasz Wieczorek"]


def test_quote_after_the_attribution_clause_keeps_its_speaker() -> None:
    text = ("\"It is heartbreaking,\" said Ines Valdor, a harbour master who has worked on the quay "
            "for twenty years. \"And this town has to find new ways to heal.\"\n\n"
            "The quay reopened on Monday. \"Nobody expected it,\" a neighbour told us.")
    speakers = [s for _, s in quotes_of(text)]
    assert speakers[:2] == ["Ines Valdor", "Ines Valdor"]
    assert speakers[2] != "Ines Valdor"  # a new paragraph with its own cue is not inherited


def test_relative_clause_speaker_is_the_noun_it_hangs_on() -> None:
    text = "Union leader Tomasz Wieczorek, who said \"we will not accept these cuts at all,\" left early."
    assert quotes_of(text)[0][1] == "Tomasz Wieczorek"


def test_quotation_after_a_colon_paragraph_takes_its_speaker() -> None:
    text = ("The meeting ran late.\n\nHarbour master Ines Valdor continued:\n\n"
            "\"We will reopen the quay within the week.\"")
    [(quote, speaker)] = quotes_of(text)
    assert quote == "We will reopen the quay within the week." and speaker.endswith("Ines Valdor")


def test_quotation_after_reported_speech_takes_its_speaker() -> None:
    text = ("The council may delay the vote, harbour master Ines Valdor said. "
            "\"Nobody wants the quay closed for another winter.\"")
    assert quotes_of(text)[0][1].endswith("Ines Valdor")


def test_quotation_signed_after_a_dash() -> None:
    text = "Readers wrote in.\n\n“The quay has been closed for far too long.” ― Ines Valdor\n\nMore letters follow."
    assert quotes_of(text) == [("The quay has been closed for far too long.", "Ines Valdor")]


def test_attribution_after_a_question_mark() -> None:
    text = "“Does anybody know when the quay will reopen?” Ines Valdor asked. “Nobody does.”"
    assert quotes_of(text)[0] == ("Does anybody know when the quay will reopen?", "Ines Valdor")


def test_borrowed_words_and_show_titles_are_not_quotations() -> None:
    text = ("Mayor Ann Lee called the plan \"reckless\" on Monday. She told \"Morning Harbour Hour\" "
            "that the quay \"will not reopen this year,\" she said.")
    assert [q for q, _ in quotes_of(text)] == ["will not reopen this year,"]


def test_scare_quotes_are_not_quotes_of_a_person() -> None:
    assert quotes_of("The so-called \"peace plan\" was published on Monday.") == []


def test_relative_dates_resolve_against_the_reference_day() -> None:
    monday = date(2020, 1, 6)
    found = {d.text: d.date for d in find_dates("He died on Friday and was buried on Monday, "
                                                "after a vote over the weekend.", monday, dayfirst=True)}
    assert found == {"on Friday": date(2020, 1, 3), "on Monday": date(2020, 1, 6),
                     "over the weekend": date(2020, 1, 4)}


def test_absolute_dates_need_no_reference() -> None:
    (found,) = find_dates("The bridge opened on 3 March 2021.", None, dayfirst=True)
    assert found.date == date(2021, 3, 3)


def test_an_abbreviation_before_a_comma_does_not_end_the_sentence() -> None:
    text = ("The bill is not expected to pass the Senate, where Majority Leader Mitch McConnell, R-Ky., has "
            "vowed to block it. House Speaker Nancy Pelosi, D-Calif., praised the vote.\n\n"
            ", the top Democrat on the committee, said nothing.")
    pieces = [text[s.start:s.end] for s in split_sentences(text)]
    assert pieces[:2] == [
        "The bill is not expected to pass the Senate, where Majority Leader Mitch McConnell, R-Ky., has vowed "
        "to block it.", "House Speaker Nancy Pelosi, D-Calif., praised the vote."]
    assert pieces[2].startswith(", the top Democrat")  # a paragraph is never joined to the one before
    assert [s.index for s in split_sentences(text)] == [0, 1, 2]
