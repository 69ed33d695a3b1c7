import pytest

from storylens.clean.boilerplate import line_reason, strip_boilerplate


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("FOLLOW OUR LIVE UPDATES HERE", "call to action"),
        ("Sign up for our morning newsletter", "call to action"),
        ("  • Video report by Senior Correspondent Jane Roe", "video or media blurb"),
        ("Protesters gather outside the embassy. Credit: AP", "photo caption and credit"),
        ("File photo: troops on the move", "photo caption"),
        ("Exclusive", "page label"),
        ("© Valley Post 2025", "copyright notice"),
    ],
)
def test_furniture_lines_get_their_reason(line: str, reason: str) -> None:
    assert line_reason(line) == reason


@pytest.mark.parametrize(
    "line",
    [
        "The minister said the decision was final.",
        '"We will not back down," she said.',
        "He said the photo: a fake, according to officials.",
        "Sources said the talks would resume on Tuesday.",
    ],
)
def test_article_sentences_are_kept(line: str) -> None:
    assert line_reason(line) is None


def test_caption_printed_twice_with_credit_is_removed_as_a_pair() -> None:
    lines = strip_boilerplate(["First paragraph of the story.", "Rescue boats on the river",
                               "Rescue boats on the river. Picture: PA", "Second paragraph."])
    assert lines.kept == ["First paragraph of the story.", "Second paragraph."]
    assert [r.reason for r in lines.removed] == ["photo caption", "photo caption and credit"]


def test_related_headlines_after_heading_are_removed_and_outlet_kept() -> None:
    body = ["Story paragraph one.", "Story paragraph two.", "More Latest News",
            "Market to open on Sundays", "Library wins award", "© Valley Post 2025"]
    lines = strip_boilerplate(body)
    assert lines.kept == body[:2]
    assert {r.reason for r in lines.removed} == {"related-links list", "copyright notice"}
    assert lines.outlet == "Valley Post"


def test_related_heading_followed_by_prose_is_not_a_list() -> None:
    body = ["Intro.", "Related coverage",
            "This paragraph is long prose that continues the article with several clauses, "
            "and it ends with a full stop as article text does in every newspaper.",
            "So does this one, which also runs on for quite a few words before it finally stops here."]
    lines = strip_boilerplate(body)
    assert body[2] in lines.kept and body[3] in lines.kept
