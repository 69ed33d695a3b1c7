import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from storylens import api
from storylens.cli import cli
from storylens.store import SQLiteStore

SCRAPE = "Ferry strike ends\n\nMarch 19, 2025 at 8:00 am\n\nThe ferry strike at Calloway ended on Wednesday.\n"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_clean_json_follows_the_contract_and_reports_bad_files(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(SCRAPE)
    bad = tmp_path / "bad.html"
    bad.write_bytes(b"\x00\x01\x02" * 50)
    code, out = run("clean", str(bad), str(good), "--json")
    assert code == 0
    first, second = (json.loads(line) for line in out.strip().splitlines()[-2:])
    assert first["input"] == str(bad) and "binary" in first["error"]
    assert second["input"] == str(good) and second["title"] == "Ferry strike ends"
    assert second["published"] == "2025-03-19T08:00:00"
    assert {"text", "updated", "removed"} <= set(second)


def test_clean_fails_when_nothing_could_be_read(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    code, _ = run("clean", str(empty))
    assert code == 1


def test_analyze_fails_when_nothing_could_be_read_and_not_when_one_file_was(tmp_path: Path) -> None:
    bad = tmp_path / "bad.html"
    bad.write_bytes(b"\x00\x01\x02" * 50)
    good = tmp_path / "good.txt"
    good.write_text(SCRAPE)
    code, out = run("analyze", str(bad), "--json")
    assert code == 1 and "binary" in json.loads(out.strip().splitlines()[-1])["error"]
    assert run("analyze", str(bad), str(good), "--json")[0] == 0


def test_ingest_twice_adds_no_duplicates(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(SCRAPE)
    db = str(tmp_path / "s.db")
    code, out = run("--db", db, "ingest", str(tmp_path), "--json")
    assert code == 0 and len(json.loads(out.strip().splitlines()[-1])["added"]) == 1
    code, out = run("--db", db, "ingest", str(tmp_path), "--json")
    again = json.loads(out.strip().splitlines()[-1])
    assert again["added"] == [] and len(again["already_stored"]) == 1
    code, out = run("--db", db, "stories", "--json")
    assert len(out.strip().splitlines()) == 1


def test_show_unknown_story_is_a_clear_error(tmp_path: Path) -> None:
    SQLiteStore(tmp_path / "s.db").close()
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "s.db"), "show", "nope"])
    assert result.exit_code != 0 and "no story 'nope'" in str(result.exception)


def test_cluster_prints_one_line_per_article(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    rows = [{"id": "1", "title": "Floods in Dunmore", "text": "The river burst its banks in Dunmore."},
            {"id": "2", "title": "Dunmore flooding", "text": "Floods hit Dunmore after the river burst its banks."},
            {"id": "3", "title": "Factory opens", "text": "A battery factory opened with 300 jobs."}]
    path.write_text("\n".join(json.dumps(r) for r in rows))
    code, out = run("cluster", str(path), "--json")
    lines = [json.loads(x) for x in out.strip().splitlines() if x.startswith("{")]
    assert [x["id"] for x in lines] == ["1", "2", "3"]
    assert lines[0]["story"] == lines[1]["story"] != lines[2]["story"]


LIBRARY = ("The council of Dunmore voted on Monday to close the old library on Main Street after a review "
           "found its roof unsafe. Council leader Mara Holt said it would stay shut until repairs are paid for.")
FIRE = ("Firefighters in Eskby spent the night tackling a blaze at a timber yard on the edge of town, "
        "the fire service said on Tuesday. No one was hurt, but the smoke closed two roads.")


def test_cluster_keeps_two_articles_that_share_an_id_apart(tmp_path: Path) -> None:
    # The third line copies the first; the second reuses the first's id for other news. The copy
    # belongs with the library story, not with the fire that took over the id.
    path = tmp_path / "a.jsonl"
    rows = [{"id": "a1", "title": "Dunmore library to close", "text": LIBRARY},
            {"id": "a1", "title": "Eskby timber yard fire", "text": FIRE},
            {"id": "a3", "title": "Dunmore library shut", "text": LIBRARY.replace("Monday", "Tuesday")}]
    path.write_text("\n".join(json.dumps(r) for r in rows))
    code, out = run("cluster", str(path), "--json")
    lines = [json.loads(x) for x in out.strip().splitlines() if x.startswith("{")]
    assert code == 0 and len(lines) == 3
    first, second, copy = lines
    assert [x["id"] for x in lines] == ["a1", "a1", "a3"]  # labelled as the lines give them
    assert copy["story"] == first["story"] != second["story"]


def test_cluster_names_a_bad_line_and_labels_the_others(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    rows = [json.dumps({"id": "1", "title": "Dunmore library to close", "text": LIBRARY}),
            json.dumps({"id": "2", "title": 5, "text": FIRE}), "not json",
            json.dumps({"id": "4", "title": "Eskby timber yard fire", "text": FIRE})]
    path.write_text("\n".join(rows))
    code, out = run("cluster", str(path), "--json")
    lines = [json.loads(x) for x in out.strip().splitlines() if x.startswith("{")]
    assert [x["id"] for x in lines] == ["1", "4"]
    assert code == 3
    assert f"rejected {path}:2: 'title' must be a string" in out and f"rejected {path}:3: not a JSON object" in out


def test_cluster_with_no_article_fails(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text("not json\n")
    code, out = run("cluster", str(path), "--json")
    assert code == 1 and f"rejected {path}:1" in out


@pytest.mark.parametrize("name", ["a.jsonl.gz", "a.jsonl"])
def test_cluster_reads_jsonl_as_ingest_does(tmp_path: Path, name: str) -> None:
    import gzip

    rows = [{"id": "1", "title": "Café Renée to close", "text": LIBRARY.replace("library", "café")},
            {"id": "2", "title": "Eskby timber yard fire", "text": FIRE}]
    data = "\n".join(json.dumps(r, ensure_ascii=False) for r in rows).encode("latin-1")  # not UTF-8
    (tmp_path / name).write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    code, out = run("cluster", str(tmp_path / name), "--json")
    lines = [json.loads(x) for x in out.strip().splitlines() if x.startswith("{")]
    assert code == 0 and [x["id"] for x in lines] == ["1", "2"]


def test_compare_gives_every_article_its_own_id(tmp_path: Path) -> None:
    # Two JSONL files both counting from 1, and the same page given twice: sentence ids such as
    # "1:s0" must still name one sentence each.
    for name, text in (("a.jsonl", LIBRARY), ("b.jsonl", LIBRARY.replace("the old library", "its library"))):
        (tmp_path / name).write_text(json.dumps({"id": "1", "title": "Dunmore library", "text": text}))
    page = tmp_path / "p.txt"
    page.write_text("Dunmore library to close\n\n" + LIBRARY + "\n")
    copy = tmp_path / "q.txt"
    copy.write_text(page.read_text())
    code, out = run("compare", *(str(tmp_path / n) for n in ("a.jsonl", "b.jsonl", "p.txt", "q.txt")), "--json")
    report = json.loads(out[out.index("{"):])
    ids = [a["id"] for a in report["articles"]]
    assert code == 0 and len(ids) == 4 == len(set(ids)) and ids[0] == "1"
    sentences = [s["id"] for s in report["sentences"]]
    assert len(sentences) == len(set(sentences))


def test_an_interrupted_ingest_says_what_is_kept_and_how_to_finish(tmp_path: Path, monkeypatch) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(api, "ingest", interrupted)
    (tmp_path / "a.txt").write_text(SCRAPE)
    code, out = run("--db", str(tmp_path / "s.db"), "ingest", str(tmp_path / "a.txt"))
    assert code != 0 and "is whole and kept; run the same command again to store the rest" in out


def test_backfill_says_why_it_rejected_or_skipped_inputs(tmp_path: Path, monkeypatch) -> None:
    import storylens.engine
    from storylens.engine import LocalEngine

    monkeypatch.setattr(storylens.engine, "DaskEngine", lambda **_: LocalEngine())  # no cluster to start
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "empty.html").write_text("")
    (folder / "notes.csv").write_text("a,b\n")
    (folder / "a.txt").write_text(SCRAPE)
    code, out = run("--db", str(tmp_path / "s.db"), "backfill", str(folder), "--no-analysis")
    assert "1 articles added, 0 already stored, 1 rejected, 1 skipped" in out
    assert "skipped 1: 1 not an article file type" in out and "rejected 1: 1 empty input" in out


def test_demo_runs_on_the_bundled_corpus(tmp_path: Path) -> None:
    code, out = run("demo", "--db", str(tmp_path / "demo.db"))
    assert code == 0 and "Stories" in out and "Digest" in out


# -- data is never markup --------------------------------------------------------------------------
MARKUP = "Breaking [/] news [bold]now :fire:"


def _markup_inputs(tmp_path: Path) -> tuple[str, Path, Path]:
    """A store holding an article titled with Rich markup, and a rejected file named with it."""
    folder = tmp_path / "in[" / "]put"  # its path reads in[/]put
    (folder / "a[").mkdir(parents=True)
    page = folder / "x[bold]y.txt"
    page.write_text(f"{MARKUP}\n\nMarch 19, 2025\n\nThe ferry strike at Calloway ended on Wednesday, "
                    "the union said [/] today.\n")
    other = folder / "other.txt"
    other.write_text("Calloway ferries sail again\n\nMarch 19, 2025\n\nFerries sailed from Calloway on "
                     "Wednesday after the strike ended.\n")
    (folder / "a[" / "]b.html").write_bytes(b"\x00\x01\x02" * 50)  # a[/]b.html, not readable
    record = {"id": "m1", "title": MARKUP, "source": f"[red]{MARKUP}", "published": "2025-05-02",
              "text": "A battery factory opened in Dunmore [/] with 300 jobs, the company said."}
    (folder / "records.jsonl").write_text(json.dumps(record) + "\n")
    db = str(tmp_path / "s.db")
    return db, page, other


@pytest.mark.parametrize("command", ["ingest", "stories", "show", "clean", "analyze", "compare", "config"])
def test_markup_in_data_prints_as_it_is(tmp_path: Path, command: str) -> None:
    db, page, other = _markup_inputs(tmp_path)
    api.ingest([page.parent], db=db)
    story = next(s.id for s in api.stories(db=db) if s.title == MARKUP)
    args = {"ingest": ["ingest", "--verbose", str(page.parent)], "stories": ["stories"], "show": ["show", story],
            "clean": ["clean", str(page)], "analyze": ["analyze", str(page)],
            "compare": ["compare", str(page), str(other)], "config": ["config"]}[command]
    env = {"STORYLENS_STORY_SCORER": MARKUP, "COLUMNS": "400"}  # wide enough that no cell wraps the title
    result = CliRunner(env=env).invoke(cli, ["--db", db, *args])
    assert result.exit_code == (3 if command == "ingest" else 0), result.output  # ingest: a file was rejected
    expected = {"ingest": "a[/]b.html", "analyze": "x[bold]y.txt", "config": MARKUP}.get(command, MARKUP)
    assert expected in result.output


# -- nothing cut without saying so -----------------------------------------------------------------
def test_stories_says_how_many_it_left_out(tmp_path: Path) -> None:
    db, page, other = _markup_inputs(tmp_path)
    run("--db", db, "ingest", str(page.parent))
    total = len(api.stories(db=db))
    assert total >= 2
    code, out = run("--db", db, "stories", "--limit", "1")
    assert code == 0 and f"1 of {total} stories shown" in out and "--all" in out
    code, out = run("--db", db, "stories", "--all")
    assert code == 0 and "stories shown" not in out


def _demo_story(demo_store) -> str:
    return api.stories(settings=demo_store)[0].id


def test_show_says_what_each_section_left_out(demo_store) -> None:
    code, out = run("--db", demo_store.db, "show", _demo_story(demo_store), "--limit", "1")
    assert code == 0
    assert re.search(r"… \d+ more quotes: --limit \d+ or --all shows them", out), out
    assert re.search(r"a digest of \d+ of \d+ facts; --all lists every fact", out), out


def test_show_all_lists_every_fact_and_every_quote(demo_store) -> None:
    story = _demo_story(demo_store)
    report = api.compare_story(story, settings=demo_store)[1]
    code, out = run("--db", demo_store.db, "show", story, "--all")
    assert code == 0 and "more quotes" not in out and "Every fact" in out
    assert all(q["text"] in out for q in report["quotes"])
    assert out.count("\n  • ") >= len(report["facts"]) + len(report["quotes"])


# -- one complete report, in every format ----------------------------------------------------------
def test_show_markdown_is_the_complete_report(demo_store) -> None:
    from storylens.compare import export

    story = _demo_story(demo_store)
    found, report = api.compare_story(story, settings=demo_store)
    code, out = run("--db", demo_store.db, "show", story, "--markdown")
    assert code == 0 and out == export.to_markdown(report, found.title)
    assert "## Who said what" in out and "## Timeline" in out


@pytest.mark.parametrize(("flag", "marker"), [("--markdown", "## Articles"), ("--html", "<!doctype html>"),
                                              ("--csv", "kind,fact,outlets,")])
def test_compare_exports_through_the_same_renderers(tmp_path: Path, flag: str, marker: str) -> None:
    _, page, other = _markup_inputs(tmp_path)
    code, out = run("compare", str(page), str(other), flag)
    assert code == 0 and out.startswith(marker) or marker in out


# -- global options, stores and settings -----------------------------------------------------------
def test_db_is_accepted_after_the_command(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(SCRAPE)
    db = str(tmp_path / "after.db")
    code, out = run("ingest", "--db", db, str(tmp_path / "a.txt"))
    assert code == 0 and Path(db).is_file()
    code, out = run("stories", "--json", "--db", db)
    assert code == 0 and json.loads(out.splitlines()[0])["title"] == "Ferry strike ends"


@pytest.mark.parametrize("args", [["stories"], ["show", "s1"]])
def test_reading_commands_never_create_a_store(tmp_path: Path, args: list[str]) -> None:
    typo = tmp_path / "typo.db"
    result = CliRunner().invoke(cli, ["--db", str(typo), *args])
    assert result.exit_code != 0 and not typo.exists()
    assert "no store there" in str(result.exception) and "ingest" in str(result.exception)


def test_config_shows_values_in_force_and_where_they_came_from() -> None:
    env = {"STORYLENS_ALIGN_THRESHOLD": "0.45", "STORYLENS_SERVE_TOKEN": "s3cret-token"}
    result = CliRunner(env=env).invoke(cli, ["config", "--json", "--db", "mine.db"])
    shown = json.loads(result.stdout)
    assert shown["align_threshold"] == {"value": 0.45, "source": "environment STORYLENS_ALIGN_THRESHOLD",
                                        "environment": "STORYLENS_ALIGN_THRESHOLD", "default": "0.25"}
    assert shown["db"]["value"] == "mine.db" and shown["db"]["source"] == "option --db"
    assert shown["page_size"]["source"] == "default"
    assert shown["serve_token"]["value"] == "(set)" and "s3cret" not in result.output


def test_config_table_shows_environment_values() -> None:
    result = CliRunner(env={"STORYLENS_ALIGN_THRESHOLD": "0.45"}).invoke(cli, ["config"])
    assert "align_threshold = 0.45" in result.output and "from environment STORYLENS_ALIGN_THRESHOLD" in result.output


def test_config_file_given_after_the_command_is_shown_as_the_source(tmp_path: Path) -> None:
    settings = tmp_path / "s.toml"
    settings.write_text('align_threshold = 0.6\n')
    result = CliRunner(env={"STORYLENS_CONFIG": ""}).invoke(cli, ["config", "--json", "--config", str(settings)])
    shown = json.loads(result.stdout)["align_threshold"]
    assert shown["value"] == 0.6 and shown["source"] == f"file {settings}"


def ingest_with_stderr(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_ingest_folder_says_what_it_skipped_and_rejected(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(SCRAPE)
    for name in ("photo.png", "paper.pdf", "feed.rss"):
        (folder / name).write_bytes(b"not an article")
    (folder / "broken.html.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    (folder / "gone.html").symlink_to(tmp_path / "deleted.html")
    db = str(tmp_path / "s.db")
    code, out, err = ingest_with_stderr("--db", db, "ingest", str(folder))
    assert code == 3, "some inputs were rejected: the exit status says so"
    assert "1 articles added" in out and "2 rejected, 3 skipped" in out
    assert "skipped 3: 3 not an article file type (--verbose lists them)" in err
    assert "rejected 2: " in err and "1 cannot read" in err and "1 dangling symlink" in err
    assert "photo.png" not in err
    code, _, err = ingest_with_stderr("--db", db, "ingest", "--verbose", str(folder))
    assert code == 3
    for name in ("photo.png", "paper.pdf", "feed.rss", "broken.html.gz", "gone.html"):
        assert name in err


def test_ingest_exit_status_is_zero_when_only_other_file_types_were_skipped(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(SCRAPE)
    (folder / "notes.md").write_text("notes")
    code, out, err = ingest_with_stderr("--db", str(tmp_path / "s.db"), "ingest", str(folder))
    assert code == 0 and "1 articles added" in out and "skipped 1: 1 not an article file type" in err


def test_ingest_rejects_less_than_an_article_with_the_reason(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(SCRAPE)
    (tmp_path / "one-line.txt").write_text("The council met on Tuesday to debate the budget.\n")
    (tmp_path / "title.jsonl").write_text(json.dumps({"title": "Council approves the budget"}) + "\n")
    code, out, _ = ingest_with_stderr("--db", str(tmp_path / "s.db"), "ingest", str(tmp_path), "--json")
    report = json.loads(out.strip().splitlines()[-1])
    reasons = {Path(r["input"]).name: r["reason"] for r in report["rejected"]}
    assert code == 3 and len(report["added"]) == 1
    assert "too short to be an article without a title" in reasons["one-line.txt"]
    assert reasons["title.jsonl:1"] == "a title with no article text"


def test_clean_json_read_back_keeps_its_outlet_and_byline(tmp_path: Path) -> None:
    """`clean --json` writes `outlet` and `byline`; a record was read with `source` only, so
    ingesting the command's own output (or POSTing a record with `outlet`) lost both silently."""
    page = tmp_path / "page.html"
    page.write_text("<html><head><title>Ferry strike ends | Coast Herald</title>"
                    '<meta property="og:site_name" content="Coast Herald"><meta name="author" content="Jane Ord">'
                    "</head><body><article><h1>Ferry strike ends</h1><p>The ferry strike at Calloway ended on "
                    "Wednesday after talks.</p><p>Crews return to work on Thursday, the union said.</p>"
                    "</article></body></html>")
    code, cleaned = run("clean", str(page), "--json")
    assert code == 0 and '"outlet": "Coast Herald"' in cleaned and '"byline": "Jane Ord"' in cleaned
    (tmp_path / "cleaned.jsonl").write_text(cleaned)
    db = str(tmp_path / "s.db")
    assert run("--db", db, "ingest", str(tmp_path / "cleaned.jsonl"))[0] == 0
    with SQLiteStore(db) as store:
        (article,) = store.articles()
    assert (article.outlet, article.byline) == ("Coast Herald", "Jane Ord")


def test_two_output_formats_at_once_are_refused(tmp_path: Path) -> None:
    """`--json --markdown` printed Markdown (click kept the last flag of one destination), which a
    script that asked for JSON then failed to parse."""
    page = tmp_path / "a.txt"
    page.write_text(SCRAPE)
    code, out = run("compare", str(page), "--json", "--markdown")
    assert code == 2 and "give one output format, not --json and --markdown" in out
    code, out = run("compare", str(page), "--csv")
    assert code == 0 and out.startswith("kind,fact,outlets")
