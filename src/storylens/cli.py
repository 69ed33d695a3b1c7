"""The `storylens` command line: data on stdout (tables for people, `--json` for machines),
progress and errors on stderr, a non-zero exit status when nothing could be done."""

from __future__ import annotations

import functools
import json
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from storylens import __version__, api, config
from storylens.clean.language import is_english
from storylens.errors import StorylensError
from storylens.ingest.files import SKIPPED
from storylens.model import Analysis, Rejection, Story, iso

if TYPE_CHECKING:  # the renderers load with storylens.compare (0.2 s): only commands that report need them
    from storylens.compare.export import ReportView

# Article text, titles and file names are data, never Rich markup or emoji codes: with markup and
# emoji off, `Breaking [/] news` or `:fire:` print as they are. Styles are given as Text styles.
out = Console(soft_wrap=True, highlight=False, markup=False, emoji=False)
err = Console(stderr=True, soft_wrap=True, highlight=False, markup=False, emoji=False)
SOURCES = "storylens.sources"  # ctx.meta key: where each setting in force came from
SHOW_LIMIT = 12  # items per section of `show` and `compare` in the terminal, unless --limit/--all
ENGLISH_ONLY = ("language not English: entities, quotes and speakers are English-only and are not "
                "looked for; sentences, dates, stories and sentence alignment still apply")


def _emit(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


outlet_option = click.option(
    "--outlet", default=None,
    help="Outlet of the inputs that do not name one (files, JSONL records without `source` or `outlet`).")

PLAIN_PROGRESS_EVERY_S = 10.0  # without a terminal: one progress line at most this often


@contextmanager
def _progress(label: str, total: int | None) -> Iterator[Any]:
    """A bar on a terminal. Elsewhere (a log file, a pipe, a service manager) plain lines every
    few seconds and one at the end, so that a long run is never silent. A total that is not
    known in advance is counted up ("120 done"), never shown as "120/?"."""
    if not err.is_terminal:
        with _plain_progress(label, total) as advance:
            yield advance
        return
    count = MofNCompleteColumn() if total is not None else TextColumn("{task.completed} done")
    columns = [TextColumn(label, markup=False), BarColumn(), count, TimeElapsedColumn()]
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n=1: bar.advance(task, n)


GIVEN = "storylens.given"  # ctx.meta key: the global options given, before or after the command


@contextmanager
def _plain_progress(label: str, total: int | None) -> Iterator[Any]:
    started = last = time.monotonic()
    done = 0

    def line() -> None:
        of = f"/{total}" if total is not None else " done"
        sys.stderr.write(f"storylens: {label}: {done}{of} ({time.monotonic() - started:.0f} s)\n")
        sys.stderr.flush()

    def advance(n: int = 1) -> None:
        nonlocal done, last
        done += n
        if time.monotonic() - last >= PLAIN_PROGRESS_EVERY_S:
            last = time.monotonic()
            line()

    yield advance
    if done:
        line()


class _Group(click.Group):
    """Takes the global options after the command name too: `storylens ingest --db x.db PATH`
    means the same as `storylens --db x.db ingest PATH`, for every command, present and future."""

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        taken = {p.name for p in cmd.params}
        cmd.params += [option for option in _global_options() if option.name not in taken]
        super().add_command(cmd, name)


def _global_options() -> list[click.Option]:
    return [
        click.Option(["--db"], expose_value=False, callback=_global_option,
                     help="SQLite file of the store [default: storylens.db; env STORYLENS_DB]."),
        click.Option(["--config", "config_file"], expose_value=False, callback=_global_option,
                     type=click.Path(dir_okay=False),
                     help=f"TOML file of settings (name = value) [env {config.CONFIG_ENV}]."),
    ]


def _global_option(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    """Record a global option wherever it stood and recompute the settings in force from all of them."""
    given = ctx.meta.setdefault(GIVEN, {})
    if value is not None:
        given[param.name] = value
    if value is not None or ctx.obj is None:
        ctx.obj, sources = config.load_with_sources(file=given.get("config_file"), db=given.get("db"))
        if "db" in given:
            sources["db"] = "option --db"
        ctx.meta[SOURCES] = sources


@click.group(cls=_Group, params=_global_options(), context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="storylens")
def cli() -> None:
    """See how every outlet tells the same news story.

    \b
    Typical use:
      storylens ingest pages/          # read, clean, store and group into stories
      storylens stories                # list stories, largest first
      storylens show STORY             # one story: digest, differences, quotes, timeline
    """


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a summary.")
@outlet_option
@click.option("--verbose", "-v", is_flag=True, help="List every skipped and rejected input with its reason.")
@click.pass_obj
def ingest(settings: config.Settings, paths: tuple[str, ...], as_json: bool, outlet: str | None,
           verbose: bool) -> None:
    """Read, clean and store articles from files and folders, and group them into stories.

    PATHS are .html/.htm(.gz) pages, .txt scraped text and .jsonl records; folders are read
    recursively, and other files in them are skipped. Inputs that cannot be read, or are less
    than an article, are rejected with the reason; the rest go on. Exit status: 0 when nothing
    was rejected, 3 when some inputs were, 1 when nothing could be stored.
    """
    try:
        with _progress("ingesting", None) as advance:
            report = api.ingest(paths, settings=settings, progress=advance, outlet=outlet)
    except KeyboardInterrupt:
        err.print(f"interrupted: what was stored in {settings.db} before now is whole and kept; run the same "
                  "command again to store the rest (nothing is stored twice)")
        raise
    skipped = [r for r in report.rejected if r.stage == SKIPPED]
    rejected = [r for r in report.rejected if r.stage != SKIPPED]
    if verbose:
        for r in report.rejected:
            err.print(f"{'skipped' if r.stage == SKIPPED else 'rejected'} {r.input}: {r.reason}")
    for label, items in (("skipped", skipped), ("rejected", rejected)):
        if items:
            err.print(f"{label} {len(items)}: {_count_reasons(items)}" + ("" if verbose else " (--verbose lists them)"))
    if report.not_english:
        languages = ", ".join(f"{lang} {n}" for lang, n in sorted(report.not_english.items()))
        err.print(f"{sum(report.not_english.values())} added articles are not in English ({languages}): "
                  f"stored and grouped into stories; {ENGLISH_ONLY}")
    if as_json:
        _emit({"added": report.added, "already_stored": report.already_stored,
               "rejected": [r.__dict__ for r in report.rejected], "stories": sorted(report.stories_touched),
               "not_english": report.not_english})
    else:
        out.print(f"{len(report.added)} articles added, {len(report.already_stored)} already stored, "
                  f"{len(rejected)} rejected, {len(skipped)} skipped; {len(report.stories_touched)} stories "
                  f"updated in {settings.db}")
    if rejected:
        sys.exit(1 if not report.added and not report.already_stored else 3)


def _count_reasons(rejections: list[Rejection]) -> str:
    """'2 not an article file type, 1 dangling symlink': counts per kind of reason, largest first.
    The kind is the reason up to its details (a colon or parenthesis)."""
    counts = Counter(re.split(r"[:(]", r.reason, maxsplit=1)[0].strip() for r in rejections)
    return ", ".join(f"{n} {kind}" for kind, n in counts.most_common())


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="JSON Lines, one story per line.")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True,
              help="Show at most this many stories.")
@click.option("--all", "show_all", is_flag=True, help="Show every story.")
@click.pass_obj
def stories(settings: config.Settings, as_json: bool, limit: int, show_all: bool) -> None:
    """List stories in the store, largest and newest first."""
    every = api.stories(settings=settings)
    found = every if show_all else every[:limit]
    if as_json:
        for story in found:
            _emit(story.to_dict())
    elif not found:
        out.print(f"no stories in {settings.db} yet: `storylens ingest PATH` or `storylens demo`")
    else:
        out.print(_stories_table(found))
    if len(found) < len(every):
        # Said on stderr under --json, so that the JSON Lines stay clean; under the table otherwise.
        (err if as_json else out).print(
            f"{len(found)} of {len(every)} stories shown; --limit {len(every)} or --all shows every one",
            style="dim")


def _stories_table(found: list[Story]) -> Table:
    table = Table(title="Stories", title_justify="left")
    for name in ("story", "articles", "outlets", "first seen", "title"):
        table.add_column(name, overflow="fold")
    for story in found:
        dups = f" ({len(story.duplicates)} dup)" if story.duplicates else ""
        table.add_row(story.id, f"{len(story.article_ids)}{dups}", ", ".join(story.outlets),
                      iso(story.first_seen.date()) if story.first_seen else "", story.title or "")
    return table


FORMATS = {"json": "The comparison report as one JSON object.",
           "markdown": "The whole report as Markdown.",
           "html": "The whole report as one self-contained HTML page (no scripts, nothing fetched).",
           "csv": "Facts x outlets as CSV, one row per fact."}


def _report_options(command: Any) -> Any:
    """The output formats and limits that `show` and `compare` share. The command gets `fmt`, the
    one format asked for; two at once are refused (as flags of one destination, click kept the
    last without a word, and a script asking for `--json --csv` read CSV as JSON)."""
    @functools.wraps(command)
    def one_format(*args: Any, **kwargs: Any) -> Any:
        given = [name for name in FORMATS if kwargs.pop(f"as_{name}")]
        if len(given) > 1:
            raise click.UsageError(f"give one output format, not {' and '.join('--' + f for f in given)}")
        return command(*args, fmt=given[0] if given else None, **kwargs)

    wrapped: Any = one_format
    for decorator in reversed([
        *(click.option(f"--{name}", f"as_{name}", is_flag=True, help=text) for name, text in FORMATS.items()),
        click.option("--limit", type=click.IntRange(min=1), default=SHOW_LIMIT, show_default=True,
                     help="Items per section in the terminal; the file formats are always complete."),
        click.option("--all", "show_all", is_flag=True, help="Every fact and every item of every section."),
    ]):
        wrapped = decorator(wrapped)
    return wrapped


def _render(report: dict[str, Any], title: str | None, fmt: str | None, limit: int | None) -> None:
    from storylens.compare import export

    if fmt == "json":
        _emit(report)
    elif fmt == "markdown":
        sys.stdout.write(export.to_markdown(report, title))
    elif fmt == "html":
        sys.stdout.write(export.to_html(report, title))
    elif fmt == "csv":
        sys.stdout.write(export.facts_csv(report))
    else:
        _print_report(export.view(report, title), limit)


@cli.command()
@click.argument("story")
@_report_options
@click.pass_obj
def show(settings: config.Settings, story: str, fmt: str | None, limit: int, show_all: bool) -> None:
    """Show one STORY (its id, or a unique prefix of it): digest, differences, quotes, timeline."""
    found, report = api.compare_story(story, settings=settings)
    _render(report, found.title or found.id, fmt, None if show_all else limit)


def _print_report(v: ReportView, limit: int | None) -> None:
    from storylens.compare import export

    for line in export.terminal_lines(v, limit):
        out.print(line)


@cli.command()
@click.pass_context
def demo(ctx: click.Context) -> None:
    """Ingest the bundled demo corpus (fictional outlets and events) and show what storylens finds.

    The store is a fresh temporary file unless --db names one on the command line (STORYLENS_DB is
    not used: the demo's fictional articles must not land in a real store)."""
    settings: config.Settings = ctx.obj
    given = ctx.meta[SOURCES]["db"] == "option --db"
    db = settings.db if given else str(Path(tempfile.mkdtemp(prefix="storylens-demo-")) / "demo.db")
    settings = settings.with_overrides(db=db)
    corpus = api.demo_corpus()
    total = sum(1 for p in corpus.rglob("*") if p.is_file())
    with _progress("ingesting the demo corpus", total) as advance:
        report = api.ingest([corpus], settings=settings, progress=advance)
    out.print(f"ingested {len(report.added)} articles from {corpus.name}/ into {db}")
    found = api.stories(settings=settings)
    out.print(_stories_table(found))
    if found:
        from storylens.compare import export

        story, report_json = api.compare_story(found[0].id, settings=settings)
        _print_report(export.view(report_json, story.title or story.id), SHOW_LIMIT)
    out.print(f"\nnext: `storylens --db {db} show STORY` for any story above, "
              f"or `storylens --db {db} serve` to browse them")


@cli.command()
@click.option("--host", default=None, help="Address to listen on [default: 127.0.0.1].")
@click.option("--port", type=int, default=None, help="Port [default: 8321].")
@click.option("--workers", type=click.IntRange(1, 64), default=None, help="Worker processes [default: 1].")
@click.option("--precompute/--no-precompute", default=False, show_default=True,
              help="Compare every stored story before listening (otherwise a story is compared on "
                   "its first view and kept).")
@click.pass_obj
def serve(settings: config.Settings, host: str | None, port: int | None, workers: int | None,
          precompute: bool) -> None:
    """Serve the web UI and the JSON API over the store (OpenAPI description at /openapi.json)."""
    import os

    import uvicorn

    from storylens.serve import transport

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
                workers=s.serve_workers, log_level="warning", http=transport.PROTOCOL)


def _report_rejection(source: str, rejection: Rejection, as_json: bool) -> None:
    """A file that failed: one line on stderr, and in JSON mode the contract's error line on stdout.
    A file a folder held that is not an article type is no input: a line on stderr only."""
    if rejection.stage == SKIPPED:
        err.print(f"skipped {source}: {rejection.reason}")
        return
    err.print(f"{source}: {rejection.reason}")
    if as_json:
        _emit({"input": source, "error": rejection.reason})


@cli.command("clean")
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="JSON Lines, one object per input (the contract).")
@outlet_option
@click.pass_obj
def clean_cmd(settings: config.Settings, files: tuple[str, ...], as_json: bool, outlet: str | None) -> None:
    """Extract the article from each FILE: body, title, dates, and what was removed and why."""
    done = 0
    for source, outcome in api.clean_files(files, settings, outlet):
        if isinstance(outcome, Rejection):
            _report_rejection(source, outcome, as_json)
            continue
        done += 1
        if not is_english(outcome.lang):
            err.print(f"{source}: {ENGLISH_ONLY}")
        if as_json:
            _emit({"input": source, "id": outcome.id, "title": outcome.title, "text": outcome.text,
                   "published": iso(outcome.published), "updated": iso(outcome.updated),
                   "outlet": outcome.outlet, "byline": outcome.byline, "url": outcome.url,
                   "lang": outcome.lang, "removed": [r.__dict__ for r in outcome.removed]})
        else:
            out.rule()
            out.print(outcome.title or "(untitled)", style="bold")
            out.print(f"{source} · {outcome.outlet or 'outlet unknown'} · {iso(outcome.published) or 'undated'}"
                      f" · {outcome.lang or 'language unknown'}")
            out.print(outcome.text)
            out.print(f"removed {len(outcome.removed)} blocks: "
                      + ", ".join(sorted({r.reason for r in outcome.removed})), style="dim")
    if done == 0:
        sys.exit(1)


@cli.command()
@click.argument("articles", type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="JSON Lines {id, story} (the contract).")
@click.option("--threshold", type=float, default=None,
              help="Probability (0-1) an article must belong to a story to join it while no story is "
              "remembered; it rises with the stories remembered (story_threshold_rise) "
              "[default: story_threshold, see `storylens config`].")
@click.option("--window-days", type=float, default=None, help="Days a story stays open to new articles.")
@click.pass_obj
def cluster(settings: config.Settings, articles: str, as_json: bool, threshold: float | None,
            window_days: float | None) -> None:
    """Group the articles of a JSONL file into stories, online, in file order.

    Each line is labelled with the id it gives (two articles giving one id are still two
    articles). A line that is no article is named on stderr with the reason and the rest go on.
    Exit status: 0 when every line was an article, 3 when some were not, 1 when none was."""
    counts: dict[str, int] = {}
    rejected: list[Rejection] = []
    lines = Path(articles).read_bytes().count(b"\n") if Path(articles).is_file() else None
    with _progress("clustering", lines) as advance:

        def reject(line: Rejection) -> None:
            rejected.append(line)
            advance(1)

        labels = api.cluster_records(articles, settings, threshold, window_days, advance, reject)
    for article_id, story in labels:
        counts[story] = counts.get(story, 0) + 1
        if as_json:
            _emit({"id": article_id, "story": story})
        else:
            out.print(f"{article_id}\t{story}")
    for r in rejected:
        err.print(f"rejected {r.input}: {r.reason}")
    err.print(f"{sum(counts.values())} articles in {len(counts)} stories"
              + (f"; {len(rejected)} lines rejected" if rejected else ""))
    if rejected:
        sys.exit(3 if labels else 1)


@cli.command("compare")
@click.argument("files", nargs=-1, type=click.Path())
@click.option("--each", type=click.Path(), default=None,
              help="Compare every subfolder of this folder as one story (with --json, one line each).")
@_report_options
@outlet_option
@click.pass_obj
def compare_cmd(settings: config.Settings, files: tuple[str, ...], each: str | None, fmt: str | None,
                limit: int, show_all: bool, outlet: str | None) -> None:
    """Compare the articles in FILES as one story (or, with --each DIR, each subfolder of DIR)."""
    if each is not None:
        if files:
            raise click.UsageError("give FILES or --each DIR, not both")
        _compare_each(settings, each, fmt, None if show_all else limit)
        return
    if not files:
        raise click.UsageError("give two or more article FILES, or --each DIR")
    from storylens.compare import to_report

    comparison = api.compare_files(files, settings, outlet)
    title = next((a.title for a in comparison.articles if a.title), None)
    _render(to_report(comparison), title, fmt, None if show_all else limit)


def _compare_each(settings: config.Settings, folder: str, fmt: str | None, limit: int | None) -> None:
    """One report per story folder, in one process; a folder that fails is reported and skipped."""
    from storylens.compare import to_report

    failed = done = 0
    for group, outcome in api.compare_each(folder, settings):
        if isinstance(outcome, StorylensError):
            failed += 1
            if fmt == "json":
                _emit({"group": group, "error": str(outcome)})
            err.print(f"{group}: {outcome}", markup=False)
            continue
        done += 1
        if fmt == "json":
            _emit({**to_report(outcome), "group": group})
        else:
            _render(to_report(outcome), group, fmt, limit)
    err.print(f"{done} stories compared, {failed} failed", markup=False)
    if done == 0:
        sys.exit(1)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="JSON Lines, one object per input (the contract).")
@click.pass_obj
def analyze(settings: config.Settings, files: tuple[str, ...], as_json: bool) -> None:
    """Sentences, entities, quotes with speakers, and dates of each FILE. Exit status: 0 when at
    least one file was analysed (each rejected one is reported), 1 when none could be."""
    done = 0
    for source, outcome in api.analyze_files(files, settings):
        if isinstance(outcome, Rejection):
            _report_rejection(source, outcome, as_json)
            continue
        done += 1
        if not is_english(outcome.article.lang):
            err.print(f"{source}: {ENGLISH_ONLY}")
        if as_json:
            _emit(_analysis_json(source, outcome))
        else:
            out.rule()
            out.print(source, style="bold")
            out.print(f"{len(outcome.sentences)} sentences, {len(outcome.entities)} entities, "
                      f"{len(outcome.dates)} dates, {len(outcome.quotes)} quotes (--json lists them all)", style="dim")
            for q in outcome.quotes:
                out.print(f"  {q.speaker or '?'}: “{q.text}”")
    if done == 0:
        sys.exit(1)  # the contract: non-zero when nothing could be processed, as `clean` does


def _analysis_json(source: str, a: Analysis) -> dict[str, Any]:
    return {
        "input": source,
        "lang": a.article.lang,
        "sentences": [{"start": s.start, "end": s.end} for s in a.sentences],
        "entities": [{"text": m.text, "label": m.label, "start": m.start, "end": m.end, "canonical": m.canonical,
                      "variant": m.variant}
                     for m in a.entities],
        "quotes": [{"text": q.text, "speaker": q.speaker, "cue": q.cue, "resolved": q.resolved, "start": q.start,
                    "end": q.end}
                   for q in a.quotes],
        "dates": [{"text": d.text, "date": iso(d.date), "start": d.start, "end": d.end} for d in a.dates],
    }


@cli.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path())
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Address of a running Dask scheduler (tcp://host:8786); without it a local cluster starts.")
@click.option("--workers", type=int, default=0,
              help="Worker processes of the local cluster [default: one per core].")
@click.option("--no-analysis", "no_analysis", is_flag=True,
              help="Leave the analysis of multi-outlet stories to their first view (the costliest stage).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a summary.")
@click.pass_obj
def backfill(settings: config.Settings, inputs: tuple[str, ...], scheduler: str | None, workers: int,
             no_analysis: bool, as_json: bool) -> None:
    """Backfill an archive: WARC/ARC files (Common Crawl news) and folders of pages, cleaned in
    parallel on Dask, stored slice by slice, then grouped into stories in publication order.

    Re-running skips every slice already stored; a slice that fails is reported, not dropped.
    """
    from storylens.engine import DaskEngine
    from storylens.engine.backfill import backfill as run_backfill

    engine = DaskEngine(workers=workers or None, scheduler=scheduler)
    err.print(f"{engine.workers} Dask workers" + (f" at {scheduler}" if scheduler else " on this machine"),
              markup=False)
    columns = [TextColumn("backfilling"), BarColumn(), MofNCompleteColumn(), TextColumn("records"),
               _RateColumn(), TimeElapsedColumn(), TimeRemainingColumn()]
    try:
        with Progress(*columns, console=err, disable=not err.is_terminal) as bar:
            task = bar.add_task("backfill", total=None)
            report = run_backfill(inputs, engine, settings, progress=lambda n: bar.advance(task, n),
                                  on_plan=lambda total: bar.update(task, total=total), analyse=not no_analysis)
    finally:
        engine.close()
    for piece, why in report.failed_slices:
        err.print(f"failed slice {piece.key}: {why} (re-run to retry it)", markup=False)
    skipped = ", ".join(f"{n} {kind}" for kind, n in sorted(report.counts.skipped.items()))
    other_files = [r for r in report.rejected if r.stage == SKIPPED]  # files of other types, as `ingest` says
    rejected = [r for r in report.rejected if r.stage != SKIPPED]
    if as_json:
        _emit({"added": len(report.added), "already_stored": len(report.already_stored),
               "rejected": len(rejected), "skipped_files": len(other_files), "slices": report.slices,
               "skipped_slices": report.skipped_slices,
               "failed_slices": [p.key for p, _ in report.failed_slices], "other_records": dict(report.counts.skipped),
               "stories": len(report.stories_touched), "analysed": report.analysed,
               "other_languages": dict(report.other_languages)})
    else:
        out.print(f"{len(report.added)} articles added, {len(report.already_stored)} already stored, "
                  f"{len(rejected)} rejected, {len(other_files)} skipped; {report.slices - report.skipped_slices} of "
                  f"{report.slices} slices read ({len(report.failed_slices)} failed); "
                  f"other records: {skipped or 'none'}; {len(report.stories_touched)} stories updated, "
                  f"{report.analysed} articles of multi-outlet stories analysed", markup=False)
    for label, items in (("skipped", other_files), ("rejected", rejected)):  # as `ingest` says them
        if items:
            err.print(f"{label} {len(items)}: {_count_reasons(items)}", markup=False)
    if report.other_languages:
        left = ", ".join(f"{lang} {n}" for lang, n in report.other_languages.most_common())
        out.print(f"{sum(report.other_languages.values())} articles in other languages left out "
                  f"(backfill_languages): {left}", markup=False)
    for story_id in report.failed_analyses:
        err.print(f"could not analyse story {story_id}: its comparison is computed when it is first shown",
                  markup=False)
    if report.failed_slices:
        sys.exit(1)


@cli.command()
@click.argument("sources", type=click.Path())
@click.option("--once", is_flag=True, help="Poll every source once and exit (for cron and tests).")
@click.pass_obj
def follow(settings: config.Settings, sources: str, once: bool) -> None:
    """Follow news sources as they publish: SOURCES is a text file of feed, sitemap or page URLs
    (one a line, # comments) or an OPML export from a feed reader.

    Each source is polled every `follow_interval_minutes` (conditional GET; backoff after
    failures); articles it lists are fetched once each, politely (robots.txt, one request at a
    time per host), and ingested into stories. Ctrl-C or SIGTERM stops after the article in hand.
    Each article rejected is named with the reason. With --once, the exit status is 1 when no
    source could be polled.
    """
    import signal
    import threading

    from storylens.follow import PollReport
    from storylens.follow import follow as run_follow
    from storylens.ingest.feeds import read_sources

    urls = read_sources(sources)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())

    def said(report: PollReport) -> None:
        if report.error:
            err.print(f"{report.source}: {report.error}")
        elif report.not_modified:
            err.print(f"{report.source}: not modified")
        else:
            unlinked = f", {report.unlinked} listed without a link (not fetched)" if report.unlinked else ""
            err.print(f"{report.source}: {report.listed} listed, {report.fetched} fetched, "
                      f"{len(report.added)} added, {len(report.rejected)} rejected{unlinked}")
            # each page is fetched once: a reason not printed now was never seen (only the store kept it)
            for r in report.rejected:
                err.print(f"  rejected {r.input}: {r.reason}")

    err.print(f"following {len(urls)} sources into {settings.db}" + (" (once)" if once else "; Ctrl-C stops"))
    reports = run_follow(urls, settings, once=once, stop=stop, on_poll=said)
    added = sum(len(r.added) for r in reports)
    failed = sum(r.error is not None for r in reports)
    out.print(f"{len(reports)} polls, {added} articles added, {failed} failed")
    if once and reports and failed == len(reports):
        sys.exit(1)  # nothing could be polled: cron and scripts see it, as every command's exit says


@cli.command("sources")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines, one source per line.")
@click.pass_obj
def sources_cmd(settings: config.Settings, as_json: bool) -> None:
    """The followed sources and their health: last success, last error, articles found, next poll."""
    from storylens.store import SQLiteStore

    with SQLiteStore(settings.db) as store:
        found = store.sources()
    if as_json:
        for s in found:
            _emit({"url": s.url, "kind": s.kind, "last_poll": iso(s.last_poll), "last_success": iso(s.last_success),
                   "next_poll": iso(s.next_poll), "failures": s.failures, "last_error": s.last_error,
                   "articles_found": s.articles_found})
        return
    table = Table(title="Sources", title_justify="left")
    for name in ("source", "kind", "last success", "failures", "last error", "articles", "next poll"):
        table.add_column(name, overflow="fold")
    for s in found:
        table.add_row(s.url, s.kind or "", iso(s.last_success) or "never", str(s.failures), s.last_error or "",
                      str(s.articles_found), iso(s.next_poll) or "")
    out.print(table if found else f"no sources followed in {settings.db} yet: `storylens follow SOURCES`")


class _RateColumn(ProgressColumn):
    """Records per second over the run so far (rich's own speed column counts bytes)."""

    def render(self, task: Task) -> Text:
        elapsed = task.finished_time or task.elapsed or 0.0
        return Text(f"{task.completed / elapsed:.1f}/s" if elapsed > 1 else "")


@cli.command("config")
@click.option("--json", "as_json", is_flag=True, help="One JSON object: setting -> value, source, environment.")
@click.pass_context
def config_cmd(ctx: click.Context, as_json: bool) -> None:
    """Every setting: the value in force, where it came from (default, environment, option), its meaning."""
    settings: config.Settings = ctx.obj
    sources: dict[str, str] = ctx.meta[SOURCES]
    rows = [(name, _shown(name, getattr(settings, name)), sources[name], env, default, meaning)
            for name, env, default, meaning in config.describe()]
    if as_json:
        _emit({name: {"value": value, "source": source, "environment": env, "default": default}
               for name, value, source, env, default, _ in rows})
        return
    out.print("Settings in force (options override environment variables, which override the settings file, "
              "which overrides the defaults)")
    for name, value, source, env, default, meaning in rows:
        out.print(Text.assemble("\n", (name, "bold"), f" = {'(empty)' if value == '' else value}",
                                (f"   from {source}; set with {env}; default {default or '(empty)'}", "dim")))
        out.print(f"    {meaning}")


def _shown(name: str, value: Any) -> Any:
    """A secret (the API token) shows only whether it is set, never its value."""
    return ("(set)" if value else "") if config.is_secret(name) else value


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
        err.print(f"error: {exc}")
        sys.exit(1)


if __name__ == "__main__":
    main()
