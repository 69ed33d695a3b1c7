"""The Markdown, HTML and CSV renderers of a comparison report, on reports built by hand."""

import csv
import io
import re
from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storylens.compare import export

HOSTILE = "<script>alert(1)</script> [click](javascript:alert(2)) **bold** &amp;\n# not a heading"


def _report(title_a: str = "Bridge falls", quote: str = "We owe the families a full account,") -> dict:
    return {
        "articles": [{"id": "a1", "input": "x/a1.html", "title": title_a, "outlet": "Meridian Wire",
                      "published": "2025-03-11"},
                     {"id": "b2", "input": "y/b2.txt", "title": "Bridge gives way", "outlet": None,
                      "published": None}],
        "sentences": [{"id": "a1:s0", "article": "a1", "text": "The bridge fell on Tuesday."},
                      {"id": "b2:s0", "article": "b2", "text": "A bridge gave way on Tuesday."},
                      {"id": "a1:s1", "article": "a1", "text": "Twelve people were hurt."},
                      {"id": "b2:s1", "article": "b2", "text": "=HYPERLINK(\"http://evil\") fourteen hurt"}],
        "facts": [{"kind": "single", "sentences": ["a1:s1"], "score": 0.0},
                  {"kind": "shared", "sentences": ["a1:s0", "b2:s0"], "score": 0.9},
                  {"kind": "single", "sentences": ["b2:s1"], "score": 0.0}],
        "discrepancies": [{"kind": "number", "note": None,
                           "values": [{"article": "a1", "text": "Twelve"}, {"article": "b2", "text": "fourteen"}]}],
        "quotes": [{"article": "a1", "sentence": "a1:s1", "speaker": "Elena Marchetti", "text": quote},
                   {"article": "b2", "sentence": "b2:s0", "speaker": None, "text": "It just went"}],
        "timeline": [{"date": "2025-03-11", "sentence": "b2:s0", "text": "A bridge gave way on Tuesday.",
                      "expression": "Tuesday"}],
        "digest": [{"text": "The bridge fell on Tuesday.", "outlets": ["Meridian Wire", "b2.txt"], "kind": "shared"}],
    }


def test_view_names_outlets_and_puts_shared_facts_first() -> None:
    v = export.view(_report(), "Bridge")
    assert [f.kind for f in v.facts] == ["shared", "single", "single"]
    assert v.facts[0].by_outlet == {"Meridian Wire": "The bridge fell on Tuesday.",
                                    "b2.txt": "A bridge gave way on Tuesday."}
    assert v.timeline[0].outlet == "b2.txt" and v.outlets == ["Meridian Wire", "b2.txt"]


def test_markdown_has_every_section_including_quotes() -> None:
    text = export.to_markdown(_report(), "Bridge")
    for heading in ("# Bridge", "## Digest", "## Reported by two or more outlets", "## Reported by one outlet only",
                    "## Where they differ", "## Who said what", "## Timeline", "## Articles"):
        assert f"\n{heading}\n" in f"\n{text}", heading
    assert "**Elena Marchetti** (Meridian Wire): “We owe the families a full account,”" in text
    assert "**unattributed** (b2.txt): “It just went”" in text


def test_markdown_escapes_data() -> None:
    text = export.to_markdown(_report(title_a=HOSTILE, quote=HOSTILE), HOSTILE)
    assert "<script>" not in text and "[click](" not in text and "**bold**" not in text
    assert "\\<script\\>" in text and "\\[click\\](javascript" in text and "\\&amp;" in text
    assert not re.search(r"^# not a heading", text, re.MULTILINE), "a newline in data opened a heading"


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_is_self_contained_and_escaped() -> None:
    page = export.to_html(_report(title_a=HOSTILE, quote=HOSTILE), HOSTILE)
    parsed = _Collect()
    parsed.feed(page)
    names = [t for t, _ in parsed.tags]
    assert "script" not in names and "link" not in names and "img" not in names and "a" not in names
    assert not any("src" in attrs or "href" in attrs for _, attrs in parsed.tags)
    policy = next(a["content"] for t, a in parsed.tags if t == "meta" and a.get("http-equiv") ==
                  "Content-Security-Policy")
    assert policy.startswith("default-src 'none'")
    assert "<script>alert(1)</script>" in "".join(parsed.text), "the title shows as text"
    assert "Elena Marchetti" in page and "Twelve" in page and "2025-03-11" in page


def test_csv_is_facts_by_outlets_with_formulas_neutralised() -> None:
    rows = list(csv.reader(io.StringIO(export.facts_csv(_report()))))
    assert rows[0] == ["kind", "fact", "outlets", "Meridian Wire", "b2.txt"]
    assert [r[0] for r in rows[1:]] == ["shared", "single", "single"]
    assert rows[1][3:] == ["The bridge fell on Tuesday.", "A bridge gave way on Tuesday."]
    injected = rows[3]
    assert injected[1].startswith("'=HYPERLINK") and injected[4].startswith("'=") and injected[3] == ""


@pytest.mark.parametrize("renderer", [export.to_markdown, export.to_html, export.facts_csv])
def test_an_empty_report_renders(renderer) -> None:
    assert renderer({"articles": [], "sentences": [], "facts": [], "discrepancies": [], "quotes": [],
                     "timeline": [], "digest": []})


def test_copies_left_out_of_the_comparison_are_listed() -> None:
    report = {**_report(), "duplicates": {"c3`x": "a1"}}  # a report stored before copies were named
    original = export.outlet_of(next(a for a in report["articles"] if a["id"] == "a1"))
    assert f"- id c3\\`x: a copy of {export.md(original)} (id a1), not compared again" in export.to_markdown(report)
    assert "c3`x: a copy of " in export.to_html(report) and "(a1), not compared again" in export.to_html(report)


@given(st.text())
def test_md_keeps_any_text_on_one_line_with_every_markup_character_escaped(text: str) -> None:
    escaped = export.md(text)
    assert "\n" not in escaped and "\r" not in escaped
    bare = re.sub(r"\\.", "", escaped)  # every backslash escapes the character after it
    assert not set(bare) & set("\\`*_[]<>|~&!"), "a markup character without its backslash"


@given(st.text(min_size=1))
def test_csv_cells_read_back_as_written_and_never_start_a_formula(text: str) -> None:
    report = _report()
    report["sentences"][2]["text"] = text
    rows = list(csv.reader(io.StringIO(export.facts_csv(report), newline="")))
    cell = rows[2][1]
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert cell in (text, f"'{text}")


def test_terminal_lines_say_what_each_cut_section_leaves_out() -> None:
    lines = [line.plain for line in export.terminal_lines(export.view(_report(), "Bridge"), 1)
             if hasattr(line, "plain")]
    assert "  … 1 more quotes: --limit 2 or --all shows them" in lines
    assert "  a digest of 1 of 3 facts; --all lists every fact" in lines
    every = [line.plain for line in export.terminal_lines(export.view(_report(), "Bridge"), None)
             if hasattr(line, "plain")]
    assert "Every fact" in every and not any("more" in line for line in every)


def test_a_one_article_report_counts_one_article() -> None:
    report = _report()
    report["articles"] = report["articles"][:1]
    assert "\n1 article: " in export.to_markdown(report)
    assert any(str(line).startswith("1 article: ") for line in export.terminal_lines(export.view(report), None))
    assert "\n2 articles: " in export.to_markdown(_report())


def _pair(kind: str, left: tuple[str, str, str], right: tuple[str, str, str], note: str | None = None) -> dict:
    """A pairwise discrepancy as the report gives it: (article, sentence text, value) each side."""
    return {"kind": kind, "note": note, "confidence": 0.8,
            "values": [{"article": left[0], "text": left[2]}, {"article": right[0], "text": right[2]}],
            "evidence": [{"sentence": _sentence_id(left[0], left[1]), "text": left[1]},
                         {"sentence": _sentence_id(right[0], right[1]), "text": right[1]}]}


_SENTENCES: dict[str, int] = {}


def _sentence_id(article: str, text: str) -> str:
    return f"{article}:s{_SENTENCES.setdefault(text, len(_SENTENCES))}"


KEPT = "“We will keep the depot open through the winter,” the mayor said."
HELD = "“We shall keep the depot open for the whole winter,” the mayor told reporters."
STAYS = "“We will keep this depot open for the whole winter,” the mayor said on Monday."


def test_one_quotation_worded_three_ways_is_one_difference_with_each_outlets_words() -> None:
    pairs = [_pair("quote_wording", ("k", KEPT, "will keep the"), ("h", HELD, "shall keep the"), "quoted: the mayor"),
             _pair("quote_wording", ("k", KEPT, "through the winter"), ("h", HELD, "for the whole winter")),
             _pair("quote_wording", ("h", HELD, "shall keep the"), ("s", STAYS, "will keep this")),
             _pair("quote_wording", ("k", KEPT, "the depot open through the"),
                   ("s", STAYS, "this depot open for the whole"))]
    groups = export.grouped_differences(pairs)
    assert len(groups) == 1 and groups[0].note == "quoted: the mayor"
    assert dict(groups[0].values) == {
        "k": "will keep the depot open through the winter",  # three stretches touching: one run
        "h": "shall keep the … for the whole winter",  # two apart: both, in the sentence's order
        "s": "will keep this depot open for the whole"}
    lines = export.view({"articles": [{"id": a, "outlet": a.upper()} for a in "khs"], "discrepancies": pairs})
    assert [[outlet for outlet, _ in d.values] for d in lines.differences] == [["K", "H", "S"]]


def test_differences_of_other_sentences_or_kinds_stay_apart_and_unplaced_ones_as_given() -> None:
    other = _pair("quote_wording", ("k", "“Buses run at six,” she said.", "at six"),
                  ("h", "“Buses run at seven,” she said.", "at seven"))
    number = _pair("number", ("k", KEPT, "the winter"), ("h", HELD, "the whole winter"))
    unplaced = _pair("quote_wording", ("k", KEPT, "not in the sentence"), ("s", STAYS, "will keep this"))
    groups = export.grouped_differences([_pair("quote_wording", ("k", KEPT, "will"), ("h", HELD, "shall")),
                                         other, number, unplaced])
    assert [(g.kind, dict(g.values)) for g in groups] == [
        ("quote_wording", {"k": "will", "h": "shall"}), ("quote_wording", {"k": "at six", "h": "at seven"}),
        ("number", {"k": "the winter", "h": "the whole winter"}),
        ("quote_wording", {"k": "not in the sentence", "s": "will keep this"})]


def test_a_dated_line_says_which_words_gave_its_date() -> None:
    report = _report()
    report["timeline"] = [{"date": "2025-03-11", "sentence": "b2:s0", "text": "A bridge gave way on Tuesday.",
                           "expression": "on Tuesday"},
                          {"date": "2025-03-12", "sentence": "a1:s1", "text": "Twelve people were hurt."}]
    v = export.view(report, "Bridge")
    assert [e.expression for e in v.timeline] == ["on Tuesday", ""]
    terminal = [line.plain for line in export.terminal_lines(v, None) if hasattr(line, "plain")]
    assert "  • 2025-03-11 (on Tuesday)  A bridge gave way on Tuesday." in terminal
    assert "  • 2025-03-12  Twelve people were hurt." in terminal  # a date without its words: no brackets
    markdown = export.to_markdown(report, "Bridge")
    assert "- 2025-03-11 (on Tuesday): A bridge gave way on Tuesday. \\[b2.txt\\]" in markdown
    assert "(on Tuesday)" in export.to_html(report, "Bridge")


def test_an_outlets_side_in_two_of_its_sentences_keeps_each_stretch_in_its_own() -> None:
    first = "“We will open up government and do it fast,” he said."
    later, earlier = "He would “do that” soon, he added.", "“We will open the government,” he said."
    pairs = [_pair("quote_wording", ("t", first, "do it"), ("p", later, "do that")),
             _pair("quote_wording", ("t", first, "open up government"), ("p", earlier, "open the government"))]
    pairs[0]["evidence"][1]["sentence"] = "p:s6"
    pairs[1]["evidence"][1]["sentence"] = "p:s5"
    (group,) = export.grouped_differences(pairs)
    assert dict(group.values) == {"t": "open up government … do it", "p": "open the government … do that"}
