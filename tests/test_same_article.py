"""Every command sees the same clean article for the same input (CONTRACT.md, command 4):
`clean`, `analyze`, `compare`, `ingest` and `cluster` all read an input through one cleaner, and
analysis offsets point into the text that `clean` prints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from storylens import api
from storylens.cli import cli
from storylens.config import Settings
from storylens.model import Article, Rejection
from storylens.store import SQLiteStore
from tests.conftest import shared_path

SCRAPED = """Harbour wall collapses in Marrowby

March 3, 2024 at 9:15 am

By Jane Roe

The harbour wall of Marrowby collapsed on Sunday after a night of storms, the port authority said.

"We have never seen waves like it," harbour master Ines Valdor said.

More Latest News

Mayor says "we will not raise council tax this year" in budget speech

Council approves new cycle lanes

Harbour festival dates announced
"""

PAGE = """<html><head><title>Ferry runs aground off Keel Point | The Harbour Ledger</title></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav><article><h1>Ferry runs aground off Keel Point</h1>
<p>A passenger ferry ran aground off Keel Point on Monday morning, the coastguard said.</p>
<p>"Everyone on board is safe and accounted for," coastguard officer Lena Brandt said.</p>
<p>The operator said the ferry would be towed to Calloway for inspection once the tide turned.</p>
</article><footer>© 2025 The Harbour Ledger</footer></body></html>"""


@pytest.fixture
def inputs(tmp_path: Path) -> list[Path]:
    (tmp_path / "wall.txt").write_text(SCRAPED, encoding="utf-8")
    (tmp_path / "ferry.html").write_text(PAGE, encoding="utf-8")
    return [tmp_path / "wall.txt", tmp_path / "ferry.html"]


def cleaned(paths: list[Path], s: Settings) -> dict[str, Article]:
    found = {source: a for source, a in api.clean_files(paths, s)}
    assert all(isinstance(a, Article) for a in found.values())
    return found  # type: ignore[return-value]


def test_analyze_reads_the_clean_article(inputs: list[Path], settings: Settings) -> None:
    clean = cleaned(inputs, settings)
    for source, analysis in api.analyze_files(inputs, settings):
        assert not isinstance(analysis, Rejection)
        assert analysis.article.text == clean[source].text and analysis.article.id == clean[source].id
    wall = dict(api.analyze_files(inputs[:1], settings))[str(inputs[0])]
    assert not isinstance(wall, Rejection)
    assert [q.text for q in wall.quotes] == ["We have never seen waves like it,"]  # none from the links list


def test_analyze_offsets_point_into_the_text_clean_prints(inputs: list[Path], tmp_path: Path) -> None:
    runner = CliRunner()
    db = str(tmp_path / "cli.db")
    clean_out = runner.invoke(cli, ["--db", db, "clean", *map(str, inputs), "--json"]).output
    texts = {row["input"]: row["text"] for row in map(json.loads, clean_out.strip().splitlines())}
    analyze_out = runner.invoke(cli, ["--db", db, "analyze", *map(str, inputs), "--json"]).output
    for row in map(json.loads, analyze_out.strip().splitlines()):
        text = texts[row["input"]]
        assert row["quotes"]
        for quote in row["quotes"]:
            assert text[quote["start"] : quote["end"]] == quote["text"]
        for d in row["dates"]:
            assert text[d["start"] : d["end"]] == d["text"]


def test_compare_ingest_and_cluster_see_the_same_article(inputs: list[Path], settings: Settings,
                                                         tmp_path: Path) -> None:
    clean = cleaned(inputs, settings)
    compared = api.compare_files(inputs, settings)
    assert [a.text for a in compared.articles] == [clean[str(p)].text for p in inputs]
    api.ingest(inputs, settings=settings)
    with SQLiteStore(settings.db) as store:
        stored = {a.input: a.text for a in store.articles()}
    assert stored == {source: a.text for source, a in clean.items()}
    records = tmp_path / "records.jsonl"
    records.write_text(json.dumps({"id": "f", "html": PAGE}) + "\n", encoding="utf-8")
    (clustered,) = api.jsonl_articles(records, settings)
    assert clustered.text == clean[str(inputs[1])].text and clustered.title == clean[str(inputs[1])].title


@pytest.mark.shared
def test_the_lbc_seed_is_analyzed_as_cleaned(settings: Settings) -> None:
    seeds = sorted(shared_path("seeds").glob("0*.txt"))
    clean = cleaned(seeds, settings)
    for source, analysis in api.analyze_files(seeds, settings):
        assert not isinstance(analysis, Rejection)
        assert analysis.article.text == clean[source].text
        assert all(clean[source].text[q.start : q.end] == q.text for q in analysis.quotes)
