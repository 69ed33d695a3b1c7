import json
from pathlib import Path

from click.testing import CliRunner

from storylens.cli import cli

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


def test_demo_runs_on_the_bundled_corpus(tmp_path: Path) -> None:
    code, out = run("demo", "--db", str(tmp_path / "demo.db"))
    assert code == 0 and "Stories" in out and "Digest" in out
