"""Facts at the grain of one claim, discrepancies a reader can act on, a digest a reader can quote."""

import json
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from storylens.cli import cli
from storylens.compare import compare, to_report
from storylens.compare.align import AlignSettings, align, claim_groups, lead_with_unshown
from storylens.compare.dateslots import sentence_slots
from storylens.compare.digest import digest_lines, has_pronoun_subject, is_bare_quotation, opens_with_pronoun
from storylens.compare.discrepancies import negation_flip, spelling_variants, word_differences
from storylens.compare.export import to_html, to_markdown
from storylens.model import Analysis, Article, Comparison, Discrepancy, Fact, Quote, Sentence, SentenceRef, Value


def _articles(*texts: str, published: str = "2025-03-14T09:00") -> list[Article]:
    # No title: these tests state which facts the bodies give, and a title is compared as a
    # headline (tests/compare/test_headlines.py).
    return [Article.create(t, title=None, outlet=f"Outlet {n}", published=datetime.fromisoformat(published))
            for n, t in enumerate(texts)]


def _analysis(article: Article) -> Analysis:
    """Sentences at every full stop, so a test can state exactly which facts a comparison holds."""
    sentences, start = [], 0
    for n, part in enumerate(article.text.split(". ")):
        end = start + len(part) + (0 if part.endswith(".") else 1)
        sentences.append(Sentence(start, min(end, len(article.text)), index=n))
        start = end + 1
    return Analysis(article, sentences=sentences)


# -- alignment ------------------------------------------------------------------------------------
def test_a_fact_does_not_drift_along_a_chain_of_similar_sentences() -> None:
    # a0 ~ b0 strongly, b0 ~ c0 weakly, a0 and c0 unrelated: a0 and c0 never share a fact.
    sims = np.array([[1.0, 0.9, 0.1], [0.9, 1.0, 0.45], [0.1, 0.45, 1.0]])
    groups = claim_groups(sims, ["a", "b", "c"], AlignSettings(threshold=0.3, margin=0.1))
    assert not any({0, 2} <= g for g in groups)
    assert frozenset({0, 1}) in groups


def test_a_sentence_aligns_with_its_best_match_not_with_every_similar_one() -> None:
    # a0 is similar to b0 and b1, but b1 is clearly the better match: one claim, one sentence each.
    sims = np.array([[1.0, 0.35, 0.8], [0.35, 1.0, 0.2], [0.8, 0.2, 1.0]])
    groups = claim_groups(sims, ["a", "b", "b"], AlignSettings(threshold=0.3, margin=0.1))
    assert groups == [frozenset({0, 2})]


@pytest.mark.parametrize(("b0_b1", "facts"), [
    (0.6, [frozenset({0, 1, 2})]),                  # b1 restates b0: one claim, one row
    (0.1, [frozenset({0, 1}), frozenset({0, 2})]),  # b1 is another claim a0 also carries
    # b1 is only on the same subject as b0 (every sentence about one person is, in a long story):
    # not a restatement, so it does not make the fact coarser
    (0.35, [frozenset({0, 1}), frozenset({0, 2})]),
])
def test_a_claim_an_article_restates_is_one_fact(b0_b1: float, facts: list) -> None:
    sims = np.array([[1.0, 0.8, 0.7], [0.8, 1.0, b0_b1], [0.7, b0_b1, 1.0]])
    assert claim_groups(sims, ["a", "b", "b"], AlignSettings(threshold=0.3, margin=0.2)) == facts


def _quoting(analysis: Analysis, speaker: str) -> Analysis:
    """The analysis with each sentence's text between straight quotation marks as its quotation."""
    text = analysis.article.text
    for s in analysis.sentences:
        first = text.find('"', s.start, s.end)
        last = text.find('"', first + 1, s.end) if first >= 0 else -1
        if last > first >= 0:
            analysis.quotes.append(Quote(first + 1, last, text=text[first + 1:last], speaker=speaker,
                                         cue="said", sentence=s.index))
    return analysis


def test_another_quotation_of_the_same_speaker_is_another_fact() -> None:
    # Same speaker, same occasion, same frame: only the quotations tell b's statement from a's and c's.
    analyses = [_quoting(_analysis(a), "Ann Lee") for a in _articles(
        '"Nobody can tell us where the harbour money went," Mayor Ann Lee said at the council meeting on Monday.',
        '"We will rebuild the harbour wall before the summer," Mayor Ann Lee said at the council meeting on Monday.',
        '"Nobody can tell us where the harbour money went," Lee said at the council on Monday.')]
    facts, _, _ = align(analyses, AlignSettings())
    members = [{r.article for r in f.sentences} for f in facts if f.kind == "shared"]
    a, b, c = (x.article.id for x in analyses)
    assert {a, c} in members
    assert not any(b in m for m in members)


def test_a_sentence_in_two_facts_leads_only_one_of_them() -> None:
    a0, b0, c0 = SentenceRef("a", 0), SentenceRef("b", 0), SentenceRef("c", 0)
    led = lead_with_unshown([Fact("shared", [a0, b0], 0.9), Fact("shared", [a0, c0], 0.8),
                             Fact("shared", [a0], 0.7)])
    assert [f.sentences for f in led] == [[a0, b0], [c0, a0], [a0]]


def test_a_sentence_without_a_word_is_no_fact() -> None:
    a, b = _articles("The harbour wall of Marrowby fell. ... Ten homes were flooded.",
                     "A storm hit the coast of Calloway on Monday.")
    analyses = [Analysis(a, sentences=[Sentence(0, 34, index=0), Sentence(35, 38, index=1), Sentence(39, 61, index=2)]),
                _analysis(b)]
    facts, _, refs = align(analyses, AlignSettings())
    texts = {ref.key: text for ref, text in refs}
    assert "..." in texts.values()
    assert all(any(c.isalpha() for c in texts[r.key]) for f in facts for r in f.sentences)
    assert sum(f.kind == "single" for f in facts) == 3


# -- discrepancies --------------------------------------------------------------------------------
def test_a_contraction_is_not_a_negation() -> None:
    assert negation_flip("We are asking the president to open up government, she said.",
                         "We're asking the president to open the government, she said.") is None
    assert negation_flip("The council did approve the harbour budget on Monday.",
                         "The council didn't approve the harbour budget on Monday.") is not None


def test_a_negation_outside_what_differs_is_no_flip() -> None:
    assert negation_flip("The mayor, who did not attend, said the wall will be rebuilt by May.",
                         "The mayor, who did not attend, says the wall will be rebuilt by May.") is None


def test_a_contraction_and_a_negated_afterthought_give_no_negation() -> None:
    # The shutdown story: one outlet's sentence carries "why would he not do it", the other's
    # contracts "We are": neither says the opposite of the other.
    found = compare(_articles(
        "We are asking the president to open up government, and why would he not do it, Speaker Ann Lee said.",
        "We're asking the president to open the government, Speaker Ann Lee said."))
    assert not [d for d in found.discrepancies if d.kind == "negation"]


def test_a_speaker_named_only_in_an_earlier_sentence_gives_no_attribution_difference() -> None:
    quote = "We will rebuild the harbour wall before the winter storms arrive"
    found = compare(_articles(f'Mayor Ann Lee met residents on Friday. "{quote}," she told reporters.',
                              f'"{quote}," said council leader Tom Reyes.'))
    assert not [d for d in found.discrepancies if d.kind == "attribution"]


def test_an_event_given_different_dates_is_found_but_not_the_days_it_was_announced() -> None:
    found = compare(_articles(
        "Governor Ann Lee announced on Sunday that harbour master Tom Reyes will leave the port authority "
        "on January 1, weeks earlier than planned.",
        "Governor Ann Lee said on Thursday that harbour master Tom Reyes would be leaving the port authority "
        "at the end of February.", published="2018-12-23T10:00"))
    dates = [d for d in found.discrepancies if d.kind == "date"]
    assert len(dates) == 1, [d.values for d in found.discrepancies]
    left, right = (v.text for v in dates[0].values)
    assert "January 1" in left and "Sunday" not in left
    assert "February" in right and "2019-02" in right and "Thursday" not in right
    assert dates[0].evidence and 0 < dates[0].confidence <= 1


def test_a_day_inside_the_month_another_outlet_names_is_no_date_difference() -> None:
    found = compare(_articles(
        "Harbour master Tom Reyes will leave the port authority of Marrowby on February 28.",
        "Harbour master Tom Reyes will leave the port authority of Marrowby in February.",
        published="2018-12-23T10:00"))
    assert not [d for d in found.discrepancies if d.kind == "date"]


def test_a_month_without_a_year_is_placed_nearest_the_article_date() -> None:
    [article] = _articles("He leaves at the end of February.", published="2018-12-20T10:00")
    [slot] = sentence_slots(_analysis(article), 0)
    assert (slot.first.isoformat(), slot.last.isoformat()) == ("2019-02-21", "2019-02-28")


def test_discrepancies_come_strongest_first_with_their_evidence() -> None:
    found = compare(_articles(
        "The ferry company Calloway Lines will cut 300 jobs at the Marrowby yard, the union said. "
        '"We owe the families a full account of what happened here," said Mayor Ann Lee.',
        "The ferry company Calloway Lines will cut 350 jobs at the Marrowby yard, the union said. "
        '"We owe these families a complete account of what happened here," said Mayor Ann Lee.'))
    report = to_report(found)
    confidences = [d["confidence"] for d in report["discrepancies"]]
    assert len(confidences) >= 2 and confidences == sorted(confidences, reverse=True)
    assert all(d["evidence"] and all(e["text"] for e in d["evidence"]) for d in report["discrepancies"])


def test_plurals_and_acronyms_are_not_spelling_variants() -> None:
    assert not spelling_variants("Social Security Trust Fund", "Social Security Trust Funds")
    assert not spelling_variants("NATO", "Nation")
    assert spelling_variants("Reince Preibus", "Reince Priebus")


def test_a_quotation_taken_up_later_or_typeset_otherwise_is_no_wording_difference() -> None:
    assert word_differences("that Wal-Mart’s pay disparity across the company was less than average",
                            "Is it true that Wal-Mart's pay disparity across the company was less than average") == []
    assert word_differences("a war of Obama’s choosing in the east", "a war of Obama's choosing in the east") == []
    assert word_differences("my name is the Republican Party and I have a problem",
                            "my name is the Republican Party and I got a problem. I'm addicted") == [
        ("I have a", "I got a")]


# -- digest ---------------------------------------------------------------------------------------
def _comparison(texts: list[str], facts: list[Fact]) -> Comparison:
    analyses = [_analysis(a) for a in _articles(*texts)]
    for n, analysis in enumerate(analyses):  # ids the facts below can name
        analysis.article.id = "abc"[n]
    return Comparison(analyses=analyses, facts=facts)


def test_a_sentence_in_several_facts_is_one_digest_line() -> None:
    lead = "The harbour wall of Marrowby collapsed in the storm."
    comparison = _comparison([f"{lead} Ten homes were flooded.", f"{lead} Nobody was hurt.",
                              f"{lead} The mayor visited."],
                             [Fact("shared", [SentenceRef("a", 0), SentenceRef("b", 0)], 0.9),
                              Fact("shared", [SentenceRef("a", 0), SentenceRef("c", 0)], 0.8),
                              Fact("shared", [SentenceRef("b", 0), SentenceRef("c", 0)], 0.8),
                              Fact("single", [SentenceRef("a", 1)], 0.5)])
    texts = [line.text for line in digest_lines(comparison)]
    assert len(texts) == len(set(texts)) == 2


def test_no_digest_line_opens_with_a_pronoun() -> None:
    comparison = _comparison(
        ["Mayor Ann Lee spoke at the harbour. He also said the wall would be rebuilt by May.",
         "The wall will be rebuilt by May, Mayor Ann Lee said. She visited the harbour."],
        [Fact("shared", [SentenceRef("a", 1), SentenceRef("b", 0)], 0.9),
         Fact("single", [SentenceRef("b", 1)], 0.8), Fact("single", [SentenceRef("a", 0)], 0.7)])
    texts = [line.text for line in digest_lines(comparison)]
    assert texts[0].startswith("The wall will be rebuilt")
    assert not any(opens_with_pronoun(t) for t in texts) and len(texts) == 2
    assert opens_with_pronoun("“He also said…” the report went on") and not opens_with_pronoun("Helen said")


def test_no_digest_line_hides_a_pronoun_subject_behind_its_opening_words() -> None:
    # The first word is "But": only the parse shows that the one who decided is a bare "she".
    comparison = _comparison(
        ["But on Tuesday, after a night of talks with engineers, she decided the wall would be rebuilt by May. "
         "After the vote, they said the pier would close.",
         "Ten homes were flooded at Marrowby. Mayor Ann Lee decided on Tuesday that the wall would be rebuilt by May."],
        [Fact("shared", [SentenceRef("a", 0), SentenceRef("b", 1)], 0.9),
         Fact("single", [SentenceRef("a", 1)], 0.8), Fact("single", [SentenceRef("b", 0)], 0.7)])
    texts = [line.text for line in digest_lines(comparison)]
    assert texts == ["Mayor Ann Lee decided on Tuesday that the wall would be rebuilt by May.",
                     "Ten homes were flooded at Marrowby."]


@pytest.mark.parametrize(("text", "unresolved"), [
    ("But on Thursday, in a sharp rebuke of the council, he resigned.", True),
    ("Today, his fellow councillors urged him to step aside.", True),
    ("“I wish I had stayed,” he said.", True),
    ("Ann Lee said she would stay on until May.", False),
    ("Its chief executive, Ann Lee, resigned on Monday.", False),
    ("Officials in Marrowby said the wall had held for a century.", False),
])
def test_a_pronoun_subject_is_found_by_the_parse(text: str, unresolved: bool) -> None:
    assert has_pronoun_subject(text) is unresolved


def test_a_quotation_without_its_speaker_is_no_digest_line() -> None:
    comparison = _comparison(
        ["“Nobody will lose a home, and the wall will stand again by May.”",
         "The wall will be rebuilt by May, Mayor Ann Lee said."],
        [Fact("shared", [SentenceRef("a", 0), SentenceRef("b", 0)], 0.9)])
    assert [line.text for line in digest_lines(comparison)] == [
        "The wall will be rebuilt by May, Mayor Ann Lee said."]
    assert is_bare_quotation("“It’s not about the mayor")  # a quotation running on
    assert is_bare_quotation('"We are asking the council to act." ')
    assert not is_bare_quotation("“We will rebuild,” Ann Lee said.")
    assert not is_bare_quotation("The mayor called it “a disgrace.”")


def test_a_consensus_line_is_no_sentence_another_outlet_contradicts() -> None:
    comparison = _comparison(
        ["The mayor will leave office on January 1, her office said. Mayor Ann Lee is resigning.",
         "Mayor Ann Lee is resigning and will leave office at the end of February."],
        [Fact("shared", [SentenceRef("a", 0), SentenceRef("a", 1), SentenceRef("b", 0)], 0.9)])
    comparison.discrepancies = [Discrepancy(
        "date", [Value("a", "January 1"), Value("b", "at the end of February")], confidence=0.5,
        evidence=[SentenceRef("a", 0), SentenceRef("b", 0)])]
    assert [line.text for line in digest_lines(comparison)] == ["Mayor Ann Lee is resigning."]


def test_no_digest_line_restates_an_earlier_line_in_other_words() -> None:
    # b0 is in both facts: the second fact's other sentence, c0, says again what a0 said.
    comparison = _comparison(
        ["The harbour wall of Marrowby collapsed in the storm. Ten homes were flooded.",
         "A storm brought down the harbour wall at Marrowby on Monday.",
         "Marrowby lost its harbour wall to Monday's storm. Ten houses were under water."],
        [Fact("shared", [SentenceRef("a", 0), SentenceRef("b", 0)], 0.9),
         Fact("shared", [SentenceRef("b", 0), SentenceRef("c", 0)], 0.8),
         Fact("shared", [SentenceRef("a", 1), SentenceRef("c", 1)], 0.7)])
    assert [line.text for line in digest_lines(comparison)] == [
        "The harbour wall of Marrowby collapsed in the storm.", "Ten homes were flooded."]


def test_a_consensus_line_names_the_outlet_whose_words_it_gives() -> None:
    # Outlet 1's sentence is quoted for a claim three outlets report: the citation says so first.
    comparison = _comparison(
        ["Ten homes were flooded on Monday.", "The storm flooded ten homes in Marrowby.", "Ten houses flooded."],
        [Fact("shared", [SentenceRef("b", 0), SentenceRef("a", 0), SentenceRef("c", 0)], 0.9)])
    report = to_report(comparison)
    line = report["digest"][0]
    assert (line["text"], line["sentence"], line["words"]) == ("Ten homes were flooded on Monday.", "a:s0", "Outlet 0")
    assert "words: Outlet 0; also Outlet 1; Outlet 2" in to_markdown(report)
    assert "[words: Outlet 0; also Outlet 1; Outlet 2]" in to_html(report)


def test_a_sentence_cut_at_its_start_is_no_digest_line() -> None:
    comparison = _comparison(
        [", the council leader, said on Monday that the wall would be rebuilt. Ten homes were flooded."],
        [Fact("single", [SentenceRef("a", 0)], 0.9), Fact("single", [SentenceRef("a", 1)], 0.8)])
    assert [line.text for line in digest_lines(comparison)] == ["Ten homes were flooded."]


def test_every_parse_of_the_compare_stage_holds_the_shared_pipeline_lock(monkeypatch: pytest.MonkeyPatch) -> None:
    # The web server compares in its request threads; spaCy's pipeline is shared per process.
    from storylens.analyze import analyze_many, nlp

    articles = _articles(
        'Mayor Ann Lee will leave office on January 1, the council said. '
        '"We owe the families of Marrowby a full account of the harbour money," Ann Lee said.',
        'Mayor Ann Lee will leave office at the end of February, the council said. '
        '"We owe the families of Marrowby a full account of the harbour money," Tom Hale said.')
    analyses = list(analyze_many(articles, dayfirst=True))
    pipeline, held = nlp.load(), []

    def parse(text: str):  # type: ignore[no-untyped-def]
        held.append(nlp.PARSE.locked())
        return pipeline(text)

    monkeypatch.setattr(nlp, "load", lambda: parse)
    comparison = compare(articles, analyses=analyses)
    digest_lines(comparison)
    assert {d.kind for d in comparison.discrepancies} >= {"date", "attribution"}
    assert held and all(held)


# -- compare --each (contract command 5) ------------------------------------------------------------
def test_compare_each_reports_every_story_folder_in_one_run(tmp_path: Path) -> None:
    for story, place in (("one", "Marrowby"), ("two", "Calloway")):
        folder = tmp_path / story
        folder.mkdir()
        for n in range(2):
            (folder / f"{n}.txt").write_text(f"The harbour wall of {place} collapsed on Tuesday after the "
                                             f"storm, officials said in statement number {n}. Residents of the "
                                             f"old town were moved to the school hall while engineers "
                                             f"inspected the quay.\n")
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "x.txt").write_bytes(b"\x00\x01" * 40)
    (tmp_path / "notes.txt").write_text("a file beside the story folders is not a story\n")
    result = CliRunner().invoke(cli, ["compare", "--each", str(tmp_path), "--json"])
    lines = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert [line["group"] for line in lines] == ["broken", "one", "two"]
    assert "error" in lines[0] and "x.txt" in lines[0]["error"]
    assert all(len(line["articles"]) == 2 and line["sentences"] for line in lines[1:])
    assert result.exit_code == 0


def test_a_bounded_number_is_no_discrepancy_with_one_inside_its_bound() -> None:
    from storylens.compare.figures import consistent

    assert consistent(("more than", "700"), ("", "716"))
    assert consistent(("about", "300"), ("", "310"))
    assert not consistent(("", "5"), ("", "5.7"))
    assert not consistent(("nearly", "700"), ("", "716"))


def test_a_speakers_figure_is_not_set_against_an_outlets() -> None:
    found = compare(_articles(
        'The harbour board cut $716 million from the wall budget, Mayor Ann Lee said on Friday.',
        '"The harbour board cut $700 million from the wall budget," Mayor Ann Lee said on Friday.',
        'The harbour board cut $650 million from the wall budget, Mayor Ann Lee said on Friday.'))
    numbers = [sorted(v.text for v in d.values) for d in found.discrepancies if d.kind == "number"]
    assert numbers == [["650 million", "716 million"]]


def test_the_day_of_a_date_is_not_a_count() -> None:
    found = compare(_articles(
        "Fifteen of the 19 hijackers on 9/11 were Saudi citizens, the harbour commission said.",
        "Fifteen of the 19 Sept. 11 hijackers were Saudi nationals, the harbour commission said."))
    assert not [d for d in found.discrepancies if d.kind == "number"]


def test_a_one_sentence_brief_named_for_comparison_is_compared(tmp_path: Path) -> None:
    (tmp_path / "brief.txt").write_text("The parliament election in Marrowby is over.\n")
    (tmp_path / "long.txt").write_text("Voting for the parliament of Marrowby ended on Sunday. " * 3 + "\n\n"
                                       "Officials said turnout was high across the country.\n")
    result = CliRunner().invoke(cli, ["compare", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert len(report["articles"]) == 2


@pytest.mark.parametrize(("second", "found"), [
    ("Harbour master Tom Reyes will be leaving the port authority on January 1.", True),
    ("Harbour master Tom Reyes will be honoured at a dinner on January 1.", False),
])
def test_a_claim_inside_a_longer_sentence_has_its_date_compared_by_its_verb(second: str, found: bool) -> None:
    from storylens.analyze import analyze_many
    from storylens.compare.discrepancies import fact_dates

    articles = _articles("The governor said that harbour master Tom Reyes, 68, will leave at the end of February, "
                         "and that the deputy will run the port authority until a successor is confirmed.",
                         second, published="2018-12-23T10:00")
    analyses = list(analyze_many(articles, dayfirst=False))
    x, y = (SentenceRef(a.id, 0) for a in articles)
    # Less close overall than sentences of one claim (the first carries a second claim).
    dates = fact_dates([(x, y, 0.3)], {a.article.id: a for a in analyses})
    assert bool(dates) is found, [d.values for d in dates]


@pytest.mark.parametrize(("elsewhere", "found"), [
    (" Governor Ann Lee had asked the council for $5.7 million.", False),  # both outlets give both figures
    ("", True),
])
def test_figures_each_outlet_also_gives_are_no_number_difference(elsewhere: str, found: bool) -> None:
    from storylens.analyze import analyze_many
    from storylens.compare.discrepancies import fact_numbers

    articles = _articles("Governor Ann Lee will have about $8 million for the harbour wall. The council approved "
                         "the $5.7 million she asked for.",
                         "Governor Ann Lee will have $5.7 million for the harbour wall. In all, about $8 million "
                         "will go to the harbour." + elsewhere)
    if not elsewhere:  # the first outlet never gives the second's figure
        articles[0] = _articles("Governor Ann Lee will have about $8 million for the harbour wall.")[0]
    analyses = list(analyze_many(articles, dayfirst=False))
    x, y = (SentenceRef(a.id, 0) for a in articles)
    texts = {r.key: a.sentence_text(0) for r, a in zip((x, y), analyses, strict=True)}
    numbers = fact_numbers([(x, y, 0.9)], texts, {a.article.id: a for a in analyses})
    assert bool(numbers) is found, [d.values for d in numbers]


def test_a_compare_parse_does_not_read_a_lead_sentences_dateline() -> None:
    from storylens.compare.parse import parse_sentence

    doc = parse_sentence("WASHINGTON (AP) — The defense secretary will leave at the end of February.")
    subjects = [t.text for t in doc if t.dep_ in ("nsubj", "nsubjpass")]
    assert "WASHINGTON" not in [t.text for t in doc] and subjects == ["secretary"]


def test_a_digest_line_does_not_carry_one_wires_dateline() -> None:
    lead = "the harbour wall of Marrowby collapsed in the storm on Friday night"
    comparison = _comparison([f"MARROWBY, England (AP) — {lead.capitalize()}. Ten homes were flooded.",
                              f"{lead.capitalize()}. Nobody was hurt."],
                             [Fact("shared", [SentenceRef("a", 0), SentenceRef("b", 0)], 0.9)])
    texts = [line.text for line in digest_lines(comparison)]
    assert texts and texts[0].startswith("The harbour wall"), texts
    assert "MARROWBY" not in texts[0]
