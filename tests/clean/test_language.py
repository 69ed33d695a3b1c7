"""The language of each article is detected and stored; English-only stages leave others alone
(issue 11, item 10)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from storylens import api
from storylens.analyze import analyze
from storylens.clean.language import detect_language, is_english, normalize_language
from storylens.cli import cli
from storylens.config import Settings
from storylens.model import Article, Rejection
from storylens.store import SQLiteStore

GERMAN = ("Die Hafenmauer von Marrowby ist am Dienstag nach einem schweren Sturm eingestürzt, teilte die "
          "Hafenbehörde mit. \u201eWir haben noch nie solche Wellen gesehen\u201c, sagte Hafenmeisterin Ines Valdor. "
          "Die Reparatur werde mehrere Monate dauern, hieß es am Mittwoch aus dem Rathaus.")
ENGLISH = ("The harbour wall of Marrowby collapsed on Tuesday after a severe storm, the port authority said. "
           '"We have never seen waves like it," harbour master Ines Valdor said.')


@pytest.mark.parametrize(("text", "expected"), [(GERMAN, "de"), (ENGLISH, "en"), ("Trump", None), ("", None)])
def test_the_language_is_detected_only_when_it_can_be_told(text: str, expected: str | None) -> None:
    assert detect_language(text) == expected


@pytest.mark.parametrize(("given", "expected"), [("en-US", "en"), ("EN", "en"), ("pt_BR", "pt"), ("", None)])
def test_given_languages_keep_their_primary_subtag(given: str, expected: str | None) -> None:
    assert normalize_language(given) == expected


def test_unknown_counts_as_english_and_others_do_not() -> None:
    assert is_english(None) and is_english("en-GB") and not is_english("de")


def test_the_language_is_stored_and_printed(tmp_path: Path, settings: Settings) -> None:
    (tmp_path / "mauer.txt").write_text(f"Hafenmauer in Marrowby eingestürzt\n\n{GERMAN}\n", encoding="utf-8")
    (tmp_path / "wall.txt").write_text(f"Harbour wall collapses\n\n{ENGLISH}\n", encoding="utf-8")
    records = tmp_path / "given.jsonl"
    records.write_text(json.dumps({"id": "g", "text": ENGLISH + " Given.", "lang": "en-US"}) + "\n")
    report = api.ingest([tmp_path], settings=settings)
    assert report.not_english == {"de": 1}
    with SQLiteStore(settings.db) as store:
        assert sorted((Path(a.input or "").name, a.lang) for a in store.articles()) == [
            ("given.jsonl:1", "en"), ("mauer.txt", "de"), ("wall.txt", "en")]
    result = CliRunner().invoke(cli, ["--db", settings.db, "clean", str(tmp_path / "mauer.txt"), "--json"])
    assert json.loads(result.stdout.strip().splitlines()[-1])["lang"] == "de"
    assert "English-only" in result.stderr


def test_english_only_stages_leave_other_languages_alone() -> None:
    german = analyze(Article.create(GERMAN, lang="de"))
    assert german.sentences and german.entities == [] and german.quotes == []
    english = analyze(Article.create(ENGLISH, lang="en"))
    assert english.quotes and english.entities


def test_analyze_says_which_stages_it_left_out(tmp_path: Path, settings: Settings) -> None:
    (tmp_path / "mauer.txt").write_text(GERMAN, encoding="utf-8")
    ((_, analysis),) = api.analyze_files([tmp_path / "mauer.txt"], settings)
    assert not isinstance(analysis, Rejection) and analysis.article.lang == "de" and not analysis.quotes
    result = CliRunner().invoke(cli, ["--db", settings.db, "analyze", str(tmp_path / "mauer.txt"), "--json"])
    assert json.loads(result.stdout.strip().splitlines()[-1])["lang"] == "de"
    assert "English-only" in result.stderr
