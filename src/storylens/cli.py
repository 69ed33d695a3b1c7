"""The `storylens` command line: data on stdout (tables for people, `--json` for machines),
progress and errors on stderr, a non-zero exit status when nothing could be done."""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from storylens import __version__, api, config
from storylens.compare import digest_markdown, to_report
from storylens.errors import StorylensError
from storylens.model import Analysis, Rejection, Story, iso

out = Console(soft_wrap=True, highlight=False)
err = Console(stderr=True, highlight=False)


def _emit(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


@contextmanager
def _progress(label: str, total: int | None) -> Iterator[Any]:
    columns = [TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n=1: bar.advance(task, n)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="storylens")
@click.option("--db", envvar=config.env_name("db"), default=None,
              help="SQLite file of the store [default: storylens.db; env STORYLENS_DB].")
@click.pass_context
def cli(ctx: click.Context, db: str | None) -> None:
    """See how every outlet tells the same news story.

    \b
    Typical use:
      storylens ingest pages/          # read, clean, store and group into stories
      storylens stories                # list stories, largest first
      storylens show STORY             # one story: digest, differences, quotes, timeline
    """
    ctx.obj = config.load(db=db)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a summary.")
@click.pass_obj
def ingest(settings: config.Settings, paths: tuple[str, ...], as_json: bool) -> None:
    """Read, clean and store articles from files and folders, and group them into stories.

    PATHS are .html/.htm(.gz) pages, .txt scraped text and .jsonl records; folders are read
    recursively. Inputs that cannot be read are recorded with the reason; the rest go on.
    """
    with _progress("ingesting", None) as advance:
        report = api.ingest(paths, settings=settings, progress=advance)
    for rejection in report.rejected:
        err.print(f"[yellow]skipped[/] {rejection.input}: {rejection.reason}", markup=True)
    if as_json:
        _emit({"added": report.added, "already_stored": report.already_stored,
               "rejected": [r.__dict__ for r in report.rejected], "stories": sorted(report.stories_touched)})
    else:
        out.print(f"{len(report.added)} articles added, {len(report.already_stored)} already stored, "
                  f"{len(report.rejected)} rejected; {len(report.stories_touched)} stories updated "
                  f"in {settings.db}")
    if not report.added and not report.already_stored and report.rejected:
        sys.exit(1)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="JSON Lines, one story per line.")
@click.option("--limit", default=50, show_default=True, help="Show at most this many stories.")
@click.pass_obj
def stories(settings: config.Settings, as_json: bool, limit: int) -> None:
    """List stories in the store, largest and newest first."""
    found = api.stories(settings=settings)[:limit]
    if as_json:
        for story in found:
            _emit(story.to_dict())
        return
    if not found:
        out.print(f"no stories in {settings.db} yet: `storylens ingest PATH` or `storylens demo`")
        return
    out.print(_stories_table(found))


def _stories_table(found: list[Story]) -> Table:
    table = Table(title="Stories", title_justify="left")
    for name in ("story", "articles", "outlets", "first seen", "title"):
        table.add_column(name, overflow="fold")
    for story in found:
        dups = f" ({len(story.duplicates)} dup)" if story.duplicates else ""
        table.add_row(story.id, f"{len(story.article_ids)}{dups}", ", ".join(story.outlets),
                      iso(story.first_seen) or "", story.title or "")
    return table


@cli.command()
@click.argument("story")
@click.option("--json", "as_json", is_flag=True, help="The comparison report as one JSON object.")
@click.option("--markdown", is_flag=True, help="The digest as Markdown with citations.")
@click.pass_obj
def show(settings: config.Settings, story: str, as_json: bool, markdown: bool) -> None:
    """Show one STORY (its id, or a unique prefix of it): digest, differences, quotes, timeline."""
    found, report = api.compare_story(story, settings=settings)
    if as_json:
        _emit(report)
    elif markdown:
        out.print(_report_markdown(found, report), markup=False)
    else:
        _print_report(found.title or found.id, report)


def _report_markdown(story: Story, report: dict[str, Any]) -> str:
    lines = [f"# {story.title or story.id}", ""]
    outlet = {a["id"]: a["outlet"] or Path(a["input"] or a["id"]).name for a in report["articles"]}
    for item in report["digest"]:
        cites = "; ".join(item["outlets"])
        lines.append(f"- {item['text']} [{'only ' if item['kind'] == 'single' else ''}{cites}]")
    if report["discrepancies"]:
        lines += ["", "## Where they differ", ""]
        for d in report["discrepancies"]:
            values = " / ".join(f"{outlet[v['article']]}: “{v['text']}”" for v in d["values"])
            lines.append(f"- {d['kind'].replace('_', ' ')}: {values}")
    return "\n".join(lines)


def _print_report(title: str, report: dict[str, Any]) -> None:
    outlet = {a["id"]: a["outlet"] or Path(a["input"] or a["id"]).name for a in report["articles"]}
    out.rule(title)
    out.print(f"{len(report['articles'])} articles: " + ", ".join(sorted(set(outlet.values()))))
    out.print("\n[bold]Digest[/]")
    for item in report["digest"]:
        mark = "only " if item["kind"] == "single" else ""
        out.print(f"  • {item['text']} [dim]\\[{mark}{'; '.join(item['outlets'])}][/]")
    if report["discrepancies"]:
        out.print("\n[bold]Where they differ[/]")
        for d in report["discrepancies"]:
            values = "  vs  ".join(f"{outlet[v['article']]}: “{v['text']}”" for v in d["values"])
            out.print(f"  • {d['kind'].replace('_', ' ')}: {values}", markup=False)
    quotes = [q for q in report["quotes"] if q["speaker"]]
    if quotes:
        out.print("\n[bold]Who said what[/]")
        for q in quotes[:12]:
            out.print(f"  • {q['speaker']} ({outlet[q['article']]}): “{q['text']}”", markup=False)
    if report["timeline"]:
        out.print("\n[bold]Timeline[/]")
        for e in report["timeline"]:
            out.print(f"  • {e['date']}  {e['text']}", markup=False)


@cli.command()
@click.option("--db", "demo_db", default=None, type=click.Path(),
              help="Store to fill [default: a fresh temporary file].")
@click.pass_obj
def demo(settings: config.Settings, demo_db: str | None) -> None:
    """Ingest the bundled demo corpus (fictional outlets and events) and show what storylens finds."""
    db = demo_db or str(Path(tempfile.mkdtemp(prefix="storylens-demo-")) / "demo.db")
    settings = settings.with_overrides(db=db)
    corpus = api.demo_corpus()
    total = sum(1 for p in corpus.rglob("*") if p.is_file())
    with _progress("ingesting the demo corpus", total) as advance:
        report = api.ingest([corpus], settings=settings, progress=advance)
    out.print(f"ingested {len(report.added)} articles from {corpus.name}/ into {db}")
    found = api.stories(settings=settings)
    out.print(_stories_table(found))
    if found:
        story, report_json = api.compare_story(found[0].id, settings=settings)
        _print_report(story.title or story.id, report_json)
    out.print(f"\nnext: `storylens --db {db} show STORY` for any story above, "
              f"or `storylens --db {db} serve` to browse them")


@cli.command()
@click.option("--host", default=None, help="Address to listen on [default: 127.0.0.1].")
@click.option("--port", type=int, default=None, help="Port [default: 8321].")
@click.option("--workers", type=click.IntRange(1, 64), default=None, help="Worker processes [default: 1].")
@click.option("--precompute/--no-precompute", default=True, show_default=True,
              help="Compare every stored story before serving, so story pages open at once.")
@click.pass_obj
def serve(settings: config.Settings, host: str | None, port: int | None, workers: int | None,
          precompute: bool) -> None:
    """Serve the web UI and the JSON API over the store (OpenAPI description at /openapi.json)."""
    import os

    import uvicorn

    s = settings.with_overrides(serve_host=host, serve_port=port, serve_workers=workers)
    if not Path(s.db).exists():
        raise StorylensError(f"{s.db}: no store there yet; run `storylens ingest` or `storylens demo --db {s.db}`")
    if precompute:
        found = api.stories(settings=s)
        with _progress("comparing stories", len(found)) as advance:
            for story in found:
                api.compare_story(story.id, settings=s)
                advance()
    # Workers are separate processes that build the app from the environment: pass every setting on.
    for name, env, _, _ in config.describe():
        os.environ[env] = str(getattr(s, name))
    err.print(f"storylens: serving {s.db} on http://{s.serve_host}:{s.serve_port} (Ctrl+C stops)")
    uvicorn.run("storylens.serve.app:create_app", factory=True, host=s.serve_host, port=s.serve_port,
                workers=s.serve_workers, log_level="warning")


def _report_rejection(source: str, rejection: Rejection, as_json: bool) -> None:
    """A file that failed: one line on stderr, and in JSON mode the contract's error line on stdout."""
    err.print(f"{source}: {rejection.reason}", markup=False)
    if as_json:
        _emit({"input": source, "error": rejection.reason})


@cli.command("clean")
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="JSON Lines, one object per input (the contract).")
@click.pass_obj
def clean_cmd(settings: config.Settings, files: tuple[str, ...], as_json: bool) -> None:
    """Extract the article from each FILE: body, title, dates, and what was removed and why."""
    done = 0
    for source, outcome in api.clean_files(files, settings):
        if isinstance(outcome, Rejection):
            _report_rejection(source, outcome, as_json)
            continue
        done += 1
        if as_json:
            _emit({"input": source, "id": outcome.id, "title": outcome.title, "text": outcome.text,
                   "published": iso(outcome.published), "updated": iso(outcome.updated),
                   "outlet": outcome.outlet, "byline": outcome.byline, "url": outcome.url,
                   "removed": [r.__dict__ for r in outcome.removed]})
        else:
            out.rule(outcome.title or source)
            out.print(f"{source} · {outcome.outlet or 'outlet unknown'} · {iso(outcome.published) or 'undated'}")
            out.print(outcome.text, markup=False)
            out.print(f"[dim]removed {len(outcome.removed)} blocks: "
                      + ", ".join(sorted({r.reason for r in outcome.removed})) + "[/]")
    if done == 0:
        sys.exit(1)


@cli.command()
@click.argument("articles", type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="JSON Lines {id, story} (the contract).")
@click.option("--threshold", type=float, default=None,
              help="Probability (0-1) an article must belong to a story to join it "
              "[default: story_threshold, see `storylens config`].")
@click.option("--window-days", type=float, default=None, help="Days a story stays open to new articles.")
@click.pass_obj
def cluster(settings: config.Settings, articles: str, as_json: bool, threshold: float | None,
            window_days: float | None) -> None:
    """Group the articles of a JSONL file into stories, online, in file order."""
    counts: dict[str, int] = {}
    lines = Path(articles).read_bytes().count(b"\n") if Path(articles).is_file() else None
    with _progress("clustering", lines) as advance:
        labels = api.cluster_records(articles, settings, threshold, window_days, advance)
    for article_id, story in labels:
        counts[story] = counts.get(story, 0) + 1
        if as_json:
            _emit({"id": article_id, "story": story})
        else:
            out.print(f"{article_id}\t{story}")
    err.print(f"{sum(counts.values())} articles in {len(counts)} stories")


@cli.command("compare")
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="One JSON object (the contract).")
@click.option("--markdown", is_flag=True, help="The digest as Markdown with citations.")
@click.pass_obj
def compare_cmd(settings: config.Settings, files: tuple[str, ...], as_json: bool, markdown: bool) -> None:
    """Compare the articles in FILES as one story."""
    comparison = api.compare_files(files, settings)
    if as_json:
        _emit(to_report(comparison))
    elif markdown:
        out.print(digest_markdown(comparison), markup=False)
    else:
        _print_report("Comparison", to_report(comparison))


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="JSON Lines, one object per input (the contract).")
@click.pass_obj
def analyze(settings: config.Settings, files: tuple[str, ...], as_json: bool) -> None:
    """Sentences, entities, quotes with speakers, and dates of each FILE."""
    for source, outcome in api.analyze_files(files, settings):
        if isinstance(outcome, Rejection):
            _report_rejection(source, outcome, as_json)
            continue
        if as_json:
            _emit(_analysis_json(source, outcome))
        else:
            out.rule(source)
            for q in outcome.quotes:
                out.print(f"  {q.speaker or '?'}: “{q.text}”", markup=False)


def _analysis_json(source: str, a: Analysis) -> dict[str, Any]:
    return {
        "input": source,
        "sentences": [{"start": s.start, "end": s.end} for s in a.sentences],
        "entities": [{"text": m.text, "label": m.label, "start": m.start, "end": m.end, "canonical": m.canonical,
                      "variant": m.variant}
                     for m in a.entities],
        "quotes": [{"text": q.text, "speaker": q.speaker, "cue": q.cue, "start": q.start, "end": q.end}
                   for q in a.quotes],
        "dates": [{"text": d.text, "date": iso(d.date), "start": d.start, "end": d.end} for d in a.dates],
    }


@cli.command("config")
def config_cmd() -> None:
    """List every setting, its environment variable, default and meaning."""
    table = Table(title="Settings (environment variables override defaults; options override both)")
    for name in ("setting", "environment", "default", "meaning"):
        table.add_column(name, overflow="fold")
    for row in config.describe():
        table.add_row(*row)
    out.print(table)


def main() -> None:
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        err.print("aborted")
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except StorylensError as exc:
        err.print(f"error: {exc}", markup=False)
        sys.exit(1)


if __name__ == "__main__":
    main()
