from storylens.analyze import nlp, split_sentences
from storylens.analyze.entities import find_entities
from storylens.analyze.quotes import find_quotes

TEXT = ("Brigadier General Thomas Hartley signed the order on Monday. Defence spokesman Paul Ames said "
        "there had been “no change” in policy. The full letter from Brigadier Hartley, addressed to "
        "“Your Excellency,” said: “Sir, we will be moving forces over the coming days.”")


def _missing_second_hartley():
    """The text parsed, with the recogniser's mention of the second "Hartley" taken away, as the
    small model does in some sentences (deterministic here whatever the model's version)."""
    doc = nlp.load()(TEXT)
    second = TEXT.rindex("Hartley")
    doc.ents = [e for e in doc.ents if not e.start_char <= second < e.end_char]
    return doc, second


def test_a_surname_the_recogniser_missed_is_the_person_named_in_full_before() -> None:
    doc, second = _missing_second_hartley()
    echo = [m for m in find_entities(doc) if m.start == second]
    assert [(m.label, m.canonical) for m in echo] == [("PERSON", "Thomas Hartley")]


def test_a_letter_from_a_person_the_recogniser_missed_carries_their_words() -> None:
    doc, _ = _missing_second_hartley()
    quotes = find_quotes(doc, split_sentences(TEXT), find_entities(doc))
    assert quotes[-1].text.startswith("Sir, we will") and quotes[-1].speaker == "Thomas Hartley"


def test_a_surname_that_is_a_place_there_is_not_taken_for_the_person() -> None:
    text = "George Washington crossed the river. Officials in Washington said nothing. Washington waits."
    doc = nlp.load()(text)
    place, untagged = text.index("Washington said"), text.rindex("Washington")
    doc.ents = [doc.char_span(0, len("George Washington"), label="PERSON"),
                doc.char_span(place, place + len("Washington"), label="GPE")]
    people = [m for m in find_entities(doc) if m.label == "PERSON"]
    assert [m.start for m in people] == [0] and untagged not in [m.start for m in people]
