"""Cost of adding ONE article as the store grows (run by hand).

    python benchmarks/bench_growth.py [--sizes 1000 10000 100000] [--per-day 400]
                                      [--fill-limit 11100] [--keep STORE]

The stream is bench_stream.py's: NeuS training stories dated at `--per-day` articles a day
(synthetic words without ../shared). Up to `--fill-limit` articles the store is filled by the
code path of `storylens ingest`, with its two slow steps done once per distinct text instead of
once per article (the stream replays the same 7,356 NeuS texts under new ids and dates, so each
text is cleaned and its signals read once): each copy is stored and placed with them, 1,000
articles a transaction, through `SQLiteStore.store_articles` and the kept story state
(`StoredStories.place`), exactly as an ingest batch is.

Larger sizes (100,000) are reached by replicating the filled store into the past, in SQL
(`replicate`): copy k of every article, its removed blocks, its story (summary row, kept state
marked evicted, merges) is dated k * (span + 21 days) earlier under new ids, so that none of it
falls in the active window, which stays the real one; document frequencies are multiplied by the
number of copies, as reading every copy would have counted them. Articles, FTS index, story
summary and story state stay consistent (checked after filling). Filling 100,000 articles
through the pipeline took over an hour on this 2-core machine; this takes minutes.

Then, with the next articles of the stream (dated after everything stored):
  - start-up: a process that imports storylens and loads the embedding model, nothing else;
  - one `storylens ingest one.jsonl` in a fresh process (start-up included) and its peak memory;
  - in-process, cold: a fresh story state loaded from the store, then the article placed;
  - in-process, warm: the state kept in memory (a server), per article over the next 20.
Each is given as wall seconds and as CPU seconds (user + system), which a busy machine inflates
far less. `--keep STORE` leaves the filled store there (bench_serve.py --store serves it);
`--on STORE` measures again on a copy of it, without filling (before and after a change).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_stream import NEUS, news_stream, synthetic_stream  # noqa: E402

from storylens import api  # noqa: E402
from storylens.config import Settings, env_name  # noqa: E402
from storylens.model import Article, RawDocument, Rejection, iso  # noqa: E402
from storylens.store import SQLiteStore  # noqa: E402
from storylens.stories.online import StoredStories  # noqa: E402
from storylens.stories.signals import Signals, read_signals  # noqa: E402

WARM = 20
HEADER = ("\nseconds as wall / CPU\n| stored (exactly) | start-up s | one `storylens ingest` s | its peak MiB "
          "| in-process cold s | warm s/article | load average |\n| --- | --- | --- | --- | --- | --- | --- |")
FILL_BATCH = 1000
STARTUP = "import storylens.api; from storylens.analyze import embed; embed.load()"


def document(article: Article) -> RawDocument:
    return RawDocument(f"stream:{article.id}", "clean", article.text, title=article.title,
                       published=article.published, id=article.id)


def text_key(article: Article) -> tuple[str | None, str]:
    return article.title, article.text


class Filler:
    """Stores and places stream articles as `api.ingest_documents` does, cleaning and reading
    signals once per distinct text (the stream repeats its texts under new ids and dates)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.placer: StoredStories = api.online_stories(settings)
        self.cleaned: dict[tuple[str | None, str], tuple[Article, Signals] | None] = {}

    def prepare(self, articles: list[Article]) -> None:
        todo = [a for a in dict.fromkeys(map(text_key, articles)) if a not in self.cleaned]
        first = {text_key(a): a for a in reversed(articles)}
        outcomes = [api.clean_document(document(first[key]), self.settings) for key in todo]
        kept = [(key, o) for key, o in zip(todo, outcomes, strict=True) if not isinstance(o, Rejection)]
        signals = read_signals([o for _, o in kept])
        self.cleaned.update(dict.fromkeys(todo))
        self.cleaned.update({key: (o, sig) for (key, o), sig in zip(kept, signals, strict=True)})

    def fill(self, store: SQLiteStore, articles: list[Article]) -> None:
        self.prepare(articles)
        copies = []
        for a in articles:
            found = self.cleaned[text_key(a)]
            if found is not None:
                clean, sig = found
                copies.append((replace(clean, id=a.id, published=a.published, input=f"stream:{a.id}"),
                               replace(sig, published=a.published)))
        with store.transaction():
            saved = store.store_articles([a for a, _ in copies])
            fresh = [(replace(a, id=o[0]), sig) for (a, sig), o in zip(copies, saved, strict=True)
                     if not isinstance(o, Rejection) and o[1]]
            self.placer.place(store, [a for a, _ in fresh], [sig for _, sig in fresh])


def consistency(store: SQLiteStore) -> str:
    """What an ingest would guarantee, checked on the filled store."""
    db = store.db
    articles = db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    unplaced = db.execute("SELECT COUNT(*) FROM articles WHERE story_id IS NULL").fetchone()[0]
    fts = db.execute("SELECT COUNT(*) FROM articles_fts").fetchone()[0]
    summary_rows = db.execute("SELECT COUNT(*), SUM(size) FROM story_summary").fetchone()
    stories = db.execute("SELECT COUNT(DISTINCT story_id) FROM articles").fetchone()[0]
    remembered = db.execute("SELECT COUNT(*) FROM story_state WHERE evicted = 0").fetchone()[0]
    problems = [name for name, bad in (("unplaced articles", unplaced), ("FTS rows", fts != articles),
                                       ("summary rows", tuple(summary_rows) != (stories, articles))) if bad]
    return (f"{articles:,} articles, {stories:,} stories ({remembered:,} in the kept state); "
            + ("consistent" if not problems else "INCONSISTENT: " + ", ".join(problems)))


def replicate(store: SQLiteStore, copies: int, gap_days: float = 21) -> None:
    """Copies of everything stored, each dated further into the past (see the module's doc)."""
    db = store.db
    first, last = (datetime.fromisoformat(v) for v in db.execute(
        "SELECT MIN(published), MAX(published) FROM articles").fetchone())
    columns = "id, title, outlet, url, byline, published, updated, lang, input, text, story_id, duplicate_of"
    articles = db.execute(f"SELECT {columns} FROM articles ORDER BY seq").fetchall()  # noqa: S608
    removed = db.execute("SELECT article_id, position, text, reason FROM removed").fetchall()
    states = db.execute("SELECT story_id, state, touched, last_seen FROM story_state").fetchall()
    aliases = db.execute("SELECT story_id, merged_into FROM story_aliases").fetchall()
    for k in range(1, copies + 1):
        shift = k * (last - first + timedelta(days=gap_days))

        def earlier(value: str | None, shift: timedelta = shift) -> str | None:
            return iso(datetime.fromisoformat(value) - shift) if value else None

        def renamed(value: str | None, k: int = k) -> str | None:
            return f"{value}/r{k}" if value else None

        with store.transaction():
            db.executemany(f"INSERT INTO articles ({columns}) VALUES ({', '.join('?' * 12)})",  # noqa: S608
                           [(renamed(r[0]), *r[1:5], earlier(r[5]), earlier(r[6]), *r[7:10], renamed(r[10]),
                             renamed(r[11])) for r in articles])
            db.executemany("INSERT INTO removed VALUES (?, ?, ?, ?)", [(renamed(r[0]), *r[1:]) for r in removed])
            db.executemany("INSERT INTO story_state (story_id, state, touched, last_seen, evicted) "
                           "VALUES (?, ?, ?, ?, 1)", [(renamed(r[0]), r[1], r[2], earlier(r[3])) for r in states])
            db.executemany("INSERT INTO story_aliases VALUES (?, ?)", [(renamed(a), renamed(b)) for a, b in aliases])
    with store.transaction():
        db.execute("UPDATE term_counts SET n = n * ?", (copies + 1,))
        docs = int(store.state_meta().get("docs", "0")) * (copies + 1)
        store.set_state_meta({"docs": docs, "version": uuid.uuid4().hex})  # every kept state reloads


def timed_process(args: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak MiB) of a fresh process, measured by GNU time."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as out:
        began = time.perf_counter()
        subprocess.run(["/usr/bin/time", "-f", "%U %S %M", "-o", out.name, *args], env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        seconds = time.perf_counter() - began
        user, system, peak = out.read().split()[-3:]
        return seconds, float(user) + float(system), int(peak) / 1024


def measure(size: int, stream: list[Article], position: int, settings: Settings, folder: Path) -> str:
    """One table row: the costs of adding stream[position:] to a store of `size` articles."""
    env = os.environ | {env_name("db"): settings.db}
    startup, startup_cpu, _ = timed_process([sys.executable, "-c", STARTUP], env)
    one = folder / "one.jsonl"
    article = stream[position]
    one.write_text(json.dumps({"id": article.id, "title": article.title, "text": article.text,
                               "published": iso(article.published)}) + "\n")
    seconds, cpu, peak = timed_process([sys.executable, "-m", "storylens", "ingest", str(one)], env)
    began, began_cpu = time.perf_counter(), time.process_time()
    placer = api.online_stories(settings)
    api.ingest_documents([document(stream[position + 1])], settings, stories=placer)
    cold, cold_cpu = time.perf_counter() - began, time.process_time() - began_cpu
    began, began_cpu = time.perf_counter(), time.process_time()
    for a in stream[position + 2 : position + 2 + WARM]:
        api.ingest_documents([document(a)], settings, stories=placer)
    warm, warm_cpu = (time.perf_counter() - began) / WARM, (time.process_time() - began_cpu) / WARM
    with SQLiteStore(settings.db) as store:
        stored = store.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    row = (f"| {size:,} ({stored:,}) | {startup:.2f} / {startup_cpu:.2f} | {seconds:.2f} / {cpu:.2f} | {peak:.0f} "
           f"| {cold:.3f} / {cold_cpu:.3f} | {warm:.4f} / {warm_cpu:.4f} | {os.getloadavg()[0]:.1f} |")
    print(row, flush=True)
    return row


def measure_on(args: argparse.Namespace) -> None:
    """One table row for a store that a run with --keep left: the stream's articles after the ones
    that run stored (a copy measures once: these are then stored too)."""
    if not Path(args.on).exists():
        sys.exit(f"{args.on}: no store there (a run with --keep leaves one)")
    after = args.fill_limit + WARM + 2  # the run that filled it measured with the articles before
    total = after + WARM + 2
    stream = [a for a, _ in (news_stream(total, args.per_day) if NEUS.with_suffix(".gold.jsonl").exists()
                             else synthetic_stream(total, args.per_day))]
    with tempfile.TemporaryDirectory() as tmp, SQLiteStore(args.on) as store:
        size = store.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        print(f"measuring on {args.on}: {consistency(store)}", flush=True)
        read_signals(stream[:1])  # the models loaded, as filling leaves them: "cold" is the state's
        print(HEADER)
        measure(size, stream, after, Settings(db=args.on), Path(tmp))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--per-day", type=int, default=400)
    parser.add_argument("--fill-limit", type=int, default=11_100,
                        help="sizes above this are reached by replicating the filled store")
    parser.add_argument("--keep", help="leave the filled store at this path (it must not exist yet)")
    parser.add_argument("--on", help="measure only, on this store that a run with --keep left (a copy: "
                                     "the measurement adds articles) and the same --fill-limit")
    args = parser.parse_args()
    if args.on:
        measure_on(args)
        return
    if args.keep and Path(args.keep).exists():
        sys.exit(f"{args.keep} exists already: --keep needs a new path")
    total = min(max(args.sizes), args.fill_limit) + (WARM + 2) * len(args.sizes)
    stream = [a for a, _ in (news_stream(total, args.per_day) if NEUS.with_suffix(".gold.jsonl").exists()
                             else synthetic_stream(total, args.per_day))]
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(db=args.keep or str(Path(tmp) / "growth.db"))
        filler = Filler(settings)
        position, filling = 0, 0.0
        rows: list[str] = []
        for size in sorted(args.sizes):
            began = time.perf_counter()
            with SQLiteStore(settings.db) as store:
                while position < min(size, args.fill_limit):
                    step = min(size, args.fill_limit, position + FILL_BATCH)
                    filler.fill(store, stream[position:step])
                    position = step
                stored = store.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
                if size > args.fill_limit:
                    replicate(store, round(size / stored) - 1)
                filling += time.perf_counter() - began
                print(f"filled to {size:,} in {filling:.0f} s so far: {consistency(store)}", flush=True)
            rows.append(measure(size, stream, position, settings, Path(tmp)))
            position += 2 + WARM
    print(HEADER)
    print("\n".join(rows))


if __name__ == "__main__":
    main()
