from datetime import datetime
from pathlib import Path

import pytest

from storylens import api
from storylens.clean import clean
from storylens.errors import InputError
from storylens.model import Article, RawDocument
from tests.conftest import shared_path

SCRAPE = """Minister resigns over leaked memo

March 3, 2024 at 9:15 am

By Jane Roe

The minister resigned on Sunday after a leaked memo showed she had misled parliament.

FOLLOW OUR LIVE UPDATES HERE

"I take full responsibility," she said in a statement.

More Latest News

Harbour festival dates announced

Council approves new cycle lanes
"""


def test_scraped_text_lifts_title_date_byline_and_keeps_removed() -> None:
    article = clean(RawDocument("memo.txt", "text", SCRAPE), dayfirst=True)
    assert article.title == "Minister resigns over leaked memo"
    assert article.published == datetime(2024, 3, 3, 9, 15)
    assert article.byline == "Jane Roe"
    assert article.text.startswith("The minister resigned")
    assert "LIVE UPDATES" not in article.text and "Harbour festival" not in article.text
    reasons = {r.reason for r in article.removed}
    assert {"call to action", "related-links list", "byline"} <= reasons


@pytest.mark.parametrize("text", [
    "The broadcaster says a little-known actor will take over the title role in \u201cThe Long Night.\u201d\n",
    "The broadcaster says a little-known actor will take over the title role in \u201cThe Long Night.\u201d\n\n"
    "Filming starts in the spring, the studio said on Monday.\n",
])
def test_a_first_line_of_prose_closing_a_quotation_is_body_not_title(text: str) -> None:
    article = clean(RawDocument("brief.txt", "text", text), dayfirst=True)
    assert article.title is None
    assert article.text.startswith("The broadcaster says")


def test_html_page_extracts_body_title_date_and_records_furniture() -> None:
    html = """<html><head><title>Bridge reopens | Courier</title>
    <meta property="og:site_name" content="Northgate Courier">
    <meta property="article:published_time" content="2024-05-02T08:30:00"></head>
    <body><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav>
    <article><h1>Bridge reopens</h1>
    <p>The Harlow Bridge reopened to traffic on Thursday after eight months of repairs costing millions.</p>
    <p>"It is stronger than ever," the city engineer told reporters at the opening ceremony on the east bank.</p>
    <p>Drivers queued from dawn to be among the first across the rebuilt span over the river Senn.</p>
    </article><aside class="most-read"><h2>Most read</h2><ul><li>Market opens on Sundays</li></ul></aside>
    <footer><p>© 2024 Northgate Courier</p></footer></body></html>"""
    article = clean(RawDocument("bridge.html", "html", html), dayfirst=True)
    assert article.outlet == "Northgate Courier"
    assert article.published == datetime(2024, 5, 2, 8, 30)
    assert "reopened to traffic" in article.text and "Market opens" not in article.text
    reasons = {r.text: r.reason for r in article.removed}
    assert reasons.get("Market opens on Sundays") == "related-links list"
    assert reasons.get("Home") == "navigation"


def test_page_without_article_text_raises_naming_the_input() -> None:
    with pytest.raises(InputError, match="empty.html"):
        clean(RawDocument("empty.html", "html", "<html><body><div></div></body></html>"), dayfirst=True)


def test_demo_corpus_cleans_to_gold_titles_dates_and_outlets(demo_gold: dict) -> None:
    corpus = api.demo_corpus()
    for rel, gold in demo_gold["articles"].items():
        (_, outcome), = list(api.clean_files([corpus / rel]))
        assert isinstance(outcome, Article), f"{rel}: {outcome}"
        assert outcome.title == gold["title"], rel
        assert outcome.outlet == gold["outlet"], rel
        if gold["published"]:
            assert outcome.published == datetime.fromisoformat(gold["published"]), rel
        for furniture in ("More Latest News", "Most read", "LIVE UPDATES", "Picture:", "Credit:", "©",
                          "Video report", "Sign up"):
            assert furniture not in outcome.text, f"{rel} kept {furniture!r}"


@pytest.mark.shared
def test_seed_articles_clean_to_their_gold_body() -> None:
    import json

    seeds = shared_path("seeds")
    gold = json.loads((seeds / "seed-pair.gold.json").read_text())
    for key, meta in gold["articles"].items():
        (_, article), = list(api.clean_files([seeds / meta["file"]]))
        assert isinstance(article, Article)
        assert article.title == meta["title"]
        for line in gold["body"][key]:
            assert line in article.text, line
        for line in gold["boilerplate"][key]:
            assert line not in article.text, line


def test_clean_path_is_usable_alone(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(SCRAPE)
    (source, article), = list(api.clean_files([path]))
    assert source == str(path) and isinstance(article, Article)
