"""The page computations, without a server."""

from __future__ import annotations

from datetime import date

from storylens.analyze import analyze
from storylens.model import Article
from storylens.serve import views


def test_word_diff_marks_only_the_differing_words() -> None:
    left, right = views.word_diff("We respect your sovereign decision.", "We respect your sovereignty decision.")
    assert [s.text for s in left if s.marks] == ["sovereign"]
    assert [s.text for s in right if s.marks] == ["sovereignty"]
    assert "".join(s.text for s in left) == "We respect your sovereign decision."


def test_coverage_matrix_rows_follow_outlets() -> None:
    report = {
        "articles": [{"id": "a", "outlet": "One"}, {"id": "b", "outlet": "Two"}],
        "sentences": [{"id": "a:s0", "article": "a", "text": "Shared."},
                      {"id": "b:s0", "article": "b", "text": "Same."},
                      {"id": "b:s1", "article": "b", "text": "Only b."}],
        "facts": [{"kind": "shared", "sentences": ["a:s0", "b:s0"]}, {"kind": "single", "sentences": ["b:s1"]}],
    }
    columns, rows = views.coverage_matrix(report)
    assert columns == ["One", "Two"]
    assert [(r.kind, r.cells) for r in rows] == [("shared", [True, True]), ("single", [False, True])]


def test_quote_variants_group_across_outlets() -> None:
    report = {
        "articles": [{"id": "a", "outlet": "One"}, {"id": "b", "outlet": "Two"}],
        "quotes": [{"article": "a", "speaker": "Ann Lee", "text": "We respect your sovereign decision to go"},
                   {"article": "b", "speaker": "Ann Lee", "text": "We respect your sovereignty decision to go"},
                   {"article": "b", "speaker": None, "text": "Something else entirely"}],
    }
    grouped = dict(views.quotes_by_speaker(report))
    assert len(grouped["Ann Lee"]) == 1
    assert list(grouped)[-1] == "Unattributed"


def test_each_outlet_is_cited_under_its_own_words() -> None:
    """Three outlets quoting one statement in three wordings: the group once cited all three under
    the first outlet's words, putting them in the others' mouths."""
    report = {
        "articles": [{"id": "a", "outlet": "One"}, {"id": "b", "outlet": "Two"},
                     {"id": "c", "outlet": "Three"}, {"id": "d", "outlet": "Four"}],
        "quotes": [{"article": "a", "speaker": "Ann Lee", "text": "We owe the families an honest account,"},
                   {"article": "b", "speaker": "Ann Lee", "text": "We owe the families a full and honest account,"},
                   {"article": "c", "speaker": "Ann Lee", "text": "We owe the families an honest account,"},
                   {"article": "d", "speaker": "Ann Lee", "text": "We owe the families a full and honest account."}],
    }
    [group] = dict(views.quotes_by_speaker(report))["Ann Lee"]
    assert (group.text, group.outlets) == ("We owe the families an honest account,", ["One", "Three"])
    [other] = group.wordings
    assert (other.text, other.outlets, other.articles) == (
        "We owe the families a full and honest account,", ["Two", "Four"], ["b", "d"])
    assert [s.text for s in other.segments if s.marks] == ["a full and"]
    assert views.variant_json(group)["wordings"] == [
        {"text": other.text, "outlets": ["Two", "Four"], "articles": ["b", "d"]}]


def test_sparkline_spans_the_days() -> None:
    points = views.sparkline([date(2025, 1, 1), date(2025, 1, 1), date(2025, 1, 3)]).split()
    assert len(points) == 3 and points[0].startswith("0.0,") and points[-1].startswith("100.0,")
    assert float(points[0].split(",")[1]) < float(points[1].split(",")[1])  # the busy day is higher
    assert views.sparkline([]) == ""


def test_marked_paragraphs_keep_the_text_and_mark_quotes() -> None:
    text = 'Mayor Ann Lee spoke on Monday.\n\n"We will rebuild the bridge," Lee said.'
    analysis = analyze(Article.create(text))
    paragraphs = views.marked_paragraphs(analysis)
    assert len(paragraphs) == 2
    assert "".join(s.text for p in paragraphs for s in p) == text.replace("\n\n", "")
    assert any("quote" in s.marks and "rebuild" in s.text for s in paragraphs[1])
    assert any(m.startswith("ent-person") for p in paragraphs for s in p for m in s.marks)


def test_a_fact_row_says_what_its_outlets_tell_differently() -> None:
    report = {
        "articles": [{"id": "a", "outlet": "One"}, {"id": "b", "outlet": "Two"}],
        "sentences": [{"id": "a:s0", "article": "a", "text": "Twelve people were hurt."},
                      {"id": "b:s0", "article": "b", "text": "Fourteen people were hurt."},
                      {"id": "a:s1", "article": "a", "text": "The bridge fell."},
                      {"id": "b:s1", "article": "b", "text": "The bridge gave way."}],
        "facts": [{"kind": "shared", "sentences": ["a:s0", "b:s0"]}, {"kind": "shared", "sentences": ["a:s1", "b:s1"]}],
        "discrepancies": [{"kind": "number",
                           "values": [{"article": "a", "text": "Twelve"}, {"article": "b", "text": "Fourteen"}],
                           "evidence": [{"sentence": "a:s0"}, {"sentence": "b:s0"}]}],
    }
    _, rows = views.coverage_matrix(report)
    assert [r.differs for r in rows] == [["Twelve / Fourteen"], []]


def test_a_fact_another_fact_holds_whole_is_one_row() -> None:
    report = {
        "articles": [{"id": "a", "outlet": "One"}, {"id": "b", "outlet": "Two"}, {"id": "c", "outlet": "Three"}],
        "sentences": [{"id": "a:s0", "article": "a", "text": "The bridge fell."},
                      {"id": "b:s0", "article": "b", "text": "The bridge gave way."},
                      {"id": "c:headline", "article": "c", "text": "Bridge falls", "headline": True}],
        "facts": [{"kind": "shared", "sentences": ["a:s0", "b:s0", "c:headline"]},
                  {"kind": "shared", "sentences": ["a:s0", "b:s0"]}],
    }
    _, rows = views.coverage_matrix(report)
    assert [(r.text, r.cells) for r in rows] == [("The bridge fell.", [True, True, True])]
    assert rows[0].headlines == [None, None, "Bridge falls"]  # Three is ticked through its headline only


def test_three_wordings_each_mark_what_is_not_in_all_three() -> None:
    sides = views.words_diff(["owe the families an honest", "owe the families a full and honest",
                              "owe these families a complete and honest"])
    assert [[s.text for s in side if s.marks] for side in sides] == [["the", "an"], ["the", "a full and"],
                                                                    ["these", "a complete and"]]
    assert ["".join(s.text for s in side) for side in sides][2] == "owe these families a complete and honest"
