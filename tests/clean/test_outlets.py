"""Outlet display names and titles without the site's name (issue 11, item 9)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storylens import api
from storylens.clean.outlets import OutletNames, strip_site_name
from storylens.config import Settings
from storylens.errors import StorylensError
from storylens.model import Article
from storylens.store import SQLiteStore

NAMES = OutletNames.load()


@pytest.mark.parametrize(("given", "url", "expected"), [
    ("nyt", None, "The New York Times"),
    ("NYT", None, "The New York Times"),
    ("www.nytimes.com", None, "The New York Times"),
    (None, "https://www.theguardian.com/world/2020/jan/06/x", "The Guardian"),
    # The short ids news datasets give outlets (BASIL's fox / nyt / hpo) read as one full name each,
    # so a story never shows "FOX" and "HPO" beside "The New York Times".
    ("fox", None, "Fox News"),
    ("hpo", None, "HuffPost"),
    ("HPO", None, "HuffPost"),
    ("The Huffington Post", None, "HuffPost"),
    ("kxan", None, "KXAN"),  # an id the table does not know keeps one spelling
    ("KXAN", None, "KXAN"),
    ("valley post", None, "Valley Post"),
    ("Space.com", "https://www.space.com/x", "Space.com"),
    ("localpaper.co.uk", None, "localpaper.co.uk"),
    (None, "https://www.localpaper.co.uk/news/1", "localpaper.co.uk"),
    ("LinkNaija | Nigeria's popular news platform", "https://www.linknaija.com/2018/08/x", "LinkNaija"),
    ("Autoracing | F1 | Indy | MotoGP", "http://www.autoracing.com.br/x/", "Autoracing"),
    ("The Harbour Ledger", None, "The Harbour Ledger"),
    (None, None, None),
])
def test_outlets_get_one_display_name(given: str | None, url: str | None, expected: str | None) -> None:
    assert NAMES.display(given, url) == expected


def test_a_user_mapping_file_extends_and_overrides_the_table(tmp_path: Path) -> None:
    path = tmp_path / "outlets.json"
    path.write_text(json.dumps({"hpo": "HuffPost", "NYT": "New York Times"}))
    names = OutletNames.load(str(path))
    assert [names.display(n) for n in ("HPO", "hpo", "nyt", "bbc.co.uk")] == [
        "HuffPost", "HuffPost", "New York Times", "BBC News"]


@pytest.mark.parametrize("content", ["[1, 2]", "{not json", '{"hpo": 3}'])
def test_a_bad_mapping_file_is_named_in_the_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "bad-outlets.json"
    path.write_text(content)
    with pytest.raises(StorylensError, match="bad-outlets.json"):
        OutletNames.load(str(path))


@pytest.mark.parametrize(("title", "names", "url", "expected"), [
    ("Flood barrier fails in Dunmore - News Nation", ["News Nation"], None, "Flood barrier fails in Dunmore"),
    ("LinkNaija | Chelsea sign a new goalkeeper", ["LinkNaija"], None, "Chelsea sign a new goalkeeper"),
    ("LinkNaija | Nigeria's popular news platform: BREAKING NEWS: Chelsea sign a goalkeeper",
     ["LinkNaija | Nigeria's popular news platform", "LinkNaija"], None, "BREAKING NEWS: Chelsea sign a goalkeeper"),
    ("Ferry strike ends – Harbour Ledger", [None], "https://harbourledger.com/x", "Ferry strike ends"),
    ("Light festival opens | Inexhibit", ["Inexhibit magazine"], "https://inexhibit.com/m/1", "Light festival opens"),
    ("Brexit - what happens next", ["The Guardian"], "https://www.theguardian.com/x", "Brexit - what happens next"),
    ("Milan Design Week | a light installation", ["Design Weekly"], None, "Milan Design Week | a light installation"),
    ("The Guardian view on Hong Kong: a city on the brink | Editorial", ["The Guardian"], None,
     "The Guardian view on Hong Kong: a city on the brink | Editorial"),
    ("News Nation", ["News Nation"], None, "News Nation"),
])
def test_titles_lose_only_the_segment_that_names_the_site(title: str, names: list, url: str | None,
                                                          expected: str) -> None:
    assert strip_site_name(title, names, url) == expected


PAGE = """<html><head><title>Quay closed after crane collapse - Marrowby Mercury</title>
<meta property="og:site_name" content="marrowby mercury"></head><body><article>
<h1>Quay closed after crane collapse - Marrowby Mercury</h1>
<p>The harbour quay at Marrowby was closed on Tuesday after a crane collapsed onto a cargo ship.</p>
<p>"Nobody was on board when it fell," harbour master Ines Valdor said after the collapse.</p>
<p>Engineers will inspect the other cranes on the quay before it reopens, the port authority said.</p>
</article></body></html>"""


def test_clean_gives_the_display_name_and_the_bare_title(tmp_path: Path, settings: Settings) -> None:
    (tmp_path / "crane.html").write_text(PAGE)
    ((_, article),) = api.clean_files([tmp_path / "crane.html"], settings)
    assert isinstance(article, Article)
    assert (article.outlet, article.title) == ("Marrowby Mercury", "Quay closed after crane collapse")


def test_outlet_option_names_files_and_spellings_merge_in_stories(tmp_path: Path, settings: Settings) -> None:
    text = ("Quay closed after crane collapse\n\nThe harbour quay at Marrowby was closed on Tuesday after a "
            "crane collapsed onto a cargo ship, the port authority said.\n")
    (tmp_path / "000_d53497e4.txt").write_text(text)
    ((_, article),) = api.clean_files([tmp_path / "000_d53497e4.txt"], settings, outlet="Eastfield Radio")
    assert isinstance(article, Article) and article.outlet == "Eastfield Radio"
    records = tmp_path / "r.jsonl"
    body = "The harbour quay at Marrowby was closed on Tuesday after a crane collapsed onto a cargo ship."
    records.write_text("\n".join(json.dumps({"id": f"r{n}", "title": "Quay closed after crane collapse",
                                             "text": f"{body} Report {n}.", "source": src})
                                 for n, src in enumerate(["nyt", "NYT", None])) + "\n")
    api.ingest([records], settings=settings, outlet="Valley Post")
    with SQLiteStore(settings.db) as store:
        assert {a.id: a.outlet for a in store.articles()} == {
            "r0": "The New York Times", "r1": "The New York Times", "r2": "Valley Post"}
