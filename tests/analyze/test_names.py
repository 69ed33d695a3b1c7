from storylens.analyze import analyze
from storylens.analyze.names import merge_names, same_person, spelled_differently
from storylens.model import Article


def test_surname_full_name_and_middle_initial_are_one_person() -> None:
    canonical = merge_names(["Trump", "Donald Trump", "Donald J. Trump", "Trump"])
    assert set(canonical.values()) == {"Donald J. Trump"}


def test_nicknames_merge_with_the_given_name() -> None:
    canonical = merge_names(["James Mattis", "Jim Mattis", "Mattis"])
    assert len(set(canonical.values())) == 1
    assert same_person("Bill Clinton", "William Clinton")
    assert not spelled_differently("Jim Mattis", "James Mattis")  # a nickname is no misspelling


def test_people_who_share_a_surname_stay_apart() -> None:
    canonical = merge_names(["Donald Trump", "Melania Trump", "Trump", "Trump", "Donald Trump"])
    assert canonical["Melania Trump"] == "Melania Trump"
    assert canonical["Trump"] == "Donald Trump"  # the Trump the article names most
    assert not same_person("Donald Trump", "Donald Trump Jr.")


def test_name_forms_share_one_canonical_name_in_entities_and_quotes() -> None:
    text = ("President Donald J. Trump spoke on Friday. Melania Trump stood beside him.\n\n"
            "\"We will win,\" Donald Trump said.\n\n"
            "\"It was a great day,\" Trump told reporters.")
    analysis = analyze(Article.create(text))
    people = {m.text: m.canonical for m in analysis.entities if m.label == "PERSON"}
    assert people["Donald Trump"] == people["Donald J. Trump"] == "Donald J. Trump"
    assert people["Melania Trump"] == "Melania Trump"
    assert {q.speaker for q in analysis.quotes} == {"Donald J. Trump"}
