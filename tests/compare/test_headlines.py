"""Each article's headline takes part in the comparison as one of its sentences."""

from datetime import datetime

import numpy as np

from storylens.compare import compare, to_report
from storylens.compare.digest import digest_lines
from storylens.compare.export import to_markdown
from storylens.model import Article

DAY = datetime.fromisoformat("2025-03-14T09:00")


def _article(title: str | None, text: str, n: int) -> Article:
    return Article.create(text, title=title, outlet=f"Outlet {n}", published=DAY)


def _keys(report: dict, headline: bool) -> set[str]:
    return {s["id"] for s in report["sentences"] if s["headline"] is headline}


def test_headlines_that_say_the_same_thing_are_one_shared_fact_marked_as_headlines() -> None:
    articles = [
        _article("Storm shuts Dover harbour for three days",
                 "Ferry crews were sent home on Monday. The port authority said repairs to the outer wall would "
                 "start next week. Local shops reported fewer visitors.", 0),
        _article("Dover harbour closed for three days by storm",
                 "Fishermen moved their boats inland. A council spokesperson praised the emergency services. "
                 "Schools in the town stayed open.", 1),
    ]
    report = to_report(compare(articles))
    headlines = _keys(report, headline=True)
    assert headlines == {f"{a.id}:headline" for a in articles}
    assert any(set(f["sentences"]) == headlines and f["kind"] == "shared" for f in report["facts"])
    for sentence in report["sentences"]:
        if sentence["headline"]:  # the title: no offsets into the clean body
            assert sentence["start"] is None and sentence["end"] is None
            assert sentence["text"] in {a.title for a in articles}
    assert not any(f["kind"] == "single" and set(f["sentences"]) & headlines for f in report["facts"])


def test_a_headline_takes_no_body_sentences_place_and_joins_only_its_own_best_match() -> None:
    from storylens.compare.align import AlignSettings, body_and_headline_groups

    # Sentences: headline of a, lead of a, headline of b, lead of b. b's lead is closest to a's
    # headline, but a's lead still says what it says: the two leads stay one fact. Each headline
    # pairs with its mutual best match only, never with the whole of its lead's fact.
    sims = np.array([[1.0, 0.9, 0.5, 0.9],
                     [0.9, 1.0, 0.85, 0.6],
                     [0.5, 0.85, 1.0, 0.9],
                     [0.9, 0.6, 0.9, 1.0]])
    headline = np.array([True, False, True, False])
    groups = body_and_headline_groups(sims, ["a", "a", "b", "b"], headline, AlignSettings(threshold=0.3, margin=0.2))
    assert sorted(groups, key=sorted) == [frozenset({0, 3}), frozenset({1, 2}), frozenset({1, 3})]


def test_a_headline_is_never_a_digest_line_nor_a_citation() -> None:
    articles = [
        _article("Storm shuts Dover harbour for three days",
                 "Ferry crews were sent home on Monday. Local shops reported fewer visitors.", 0),
        _article("Council praises emergency crews",
                 "The storm shut Dover harbour for three days, the port authority said. "
                 "Schools in the town stayed open.", 1),
    ]
    comparison = compare(articles)
    report = to_report(comparison)
    claim = "The storm shut Dover harbour for three days, the port authority said."
    sentence = next(s["id"] for s in report["sentences"] if s["text"] == claim)
    assert {"kind": "shared", "sentences": [sentence, f"{articles[0].id}:headline"]} in [
        {k: f[k] for k in ("kind", "sentences")} for f in report["facts"]]
    lines = digest_lines(comparison)
    titles = {a.title for a in articles}
    assert not any(line.text in titles for line in lines)
    assert not any(d["text"] in titles for d in report["digest"])
    # The first outlet says it in its headline only, which names a topic more than a claim: the
    # line is the second outlet's, cited to it alone.
    assert (claim, ["Outlet 1"], "single") in [line[:3] for line in lines]


def test_a_headlines_number_is_compared_with_a_sentences_number() -> None:
    articles = [
        _article("Storm shuts Dover harbour for 3 days",
                 "Ferry crews in Dover were sent home on Monday. Local shops reported fewer visitors.", 0),
        _article("Council praises emergency crews",
                 "The storm shut Dover harbour for 4 days, the port authority said. "
                 "Schools in the town stayed open.", 1),
    ]
    a, b = articles
    found = [d for d in compare(articles).discrepancies if d.kind == "number"]
    assert [(v.article, v.text) for d in found for v in d.values] == [(a.id, "3 days"), (b.id, "4 days")]
    assert found[0].evidence[0].key == f"{a.id}:headline"


def test_a_headline_worded_like_a_denial_is_no_negation() -> None:
    # Headlines drop verbs and articles: their word frame is no evidence that one outlet denies a claim.
    articles = [
        _article("Dover harbour not reopening this week",
                 "Ferry crews in Dover were sent home on Monday. Local shops reported fewer visitors.", 0),
        _article("Council praises emergency crews",
                 "Dover harbour is reopening this week, the port authority said. Schools in the town stayed open.", 1),
    ]
    comparison = compare(articles)
    assert any(r.headline for f in comparison.facts for r in f.sentences)  # compared, and aligned
    assert not [d for d in comparison.discrepancies if d.kind == "negation"]


def test_a_title_that_is_also_the_lead_sentence_is_compared_once() -> None:
    text = "Storm shuts Dover harbour for three days. Ferry crews were sent home on Monday."
    articles = [_article("Storm shuts Dover harbour for three days", text, 0),
                _article("Dover harbour closed for three days", "Fishermen moved their boats inland.", 1)]
    report = to_report(compare(articles))
    assert _keys(report, headline=True) == {f"{articles[1].id}:headline"}


def test_the_markdown_report_marks_a_headline_row_and_escapes_it() -> None:
    payload = "<script>alert(1)</script>"
    articles = [_article(f"Storm shuts Dover harbour for three days {payload}", "Ferry crews went home.", 0),
                _article(f"Dover harbour closed for three days by storm {payload}", "Schools stayed open.", 1)]
    markdown = to_markdown(to_report(compare(articles)))
    assert "*Headline:* Storm shuts Dover harbour" in markdown or "*Headline:* Dover harbour closed" in markdown
    assert payload not in markdown and "\\<script\\>" in markdown


def test_articles_sharing_an_id_are_compared_without_mixing_their_sentences() -> None:
    # An input may name two articles by one id (basil-dev has two "empty" ones in one story):
    # sentence vectors are read by position (by id, the longer article's last sentences had none).
    same = [Article(id="same", text="Fishermen moved their boats inland. Schools stayed open. Shops closed early.",
                    title="Storm shuts Dover harbour", outlet="Outlet 0", published=DAY),
            Article(id="same", text="Ferry crews were sent home on Monday.", title="Dover harbour closed by storm",
                    outlet="Outlet 1", published=DAY)]
    report = to_report(compare([*same, _article(None, "The storm shut Dover harbour on Monday.", 2)]))
    assert len([s for s in report["sentences"] if s["article"] == "same"]) == 6
