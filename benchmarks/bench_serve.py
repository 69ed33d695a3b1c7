"""Load test of the web UI and API (run by hand): `storylens serve` with N workers on loopback, driven
by wrk while a CLI ingest and a stream of POSTs write to the same store.

    python benchmarks/bench_serve.py [--workers 2] [--seconds 30] [--connections 8] [--posts 40]

1. Ingests the demo corpus into a fresh store and starts the server (which listens at once).
2. Warms the story page of the largest story, then, all at the same time for --seconds:
   - `storylens ingest` of a second corpus into the same store, in its own process
     (../shared's basil-dev when present, else the demo corpus re-issued under new ids);
   - --posts POST /api/articles (new articles), plus deliberate failures: a wrong token (401)
     and a body that is not JSON (400), which must come back as exactly those;
   - Debian's `wrk` on the story page and on /api/health (one wrk process each).
3. Prints requests/s and latency percentiles per page, the status counts of the POSTs, and
   whether the CLI ingest succeeded. The run passes when nothing but the deliberate 4xx fails.

    python benchmarks/bench_serve.py --store STORE [--query trump iran] [--workers 2] [--seconds 30]

serves a store that exists (bench_growth.py --keep builds one of 100,000 articles) read-only: the
time from starting `storylens serve` to its first answer, then wrk with 2 threads, one page at a
time, on the story list (`/`), each search (`/?q=QUERY`) and the page of a story compared once
before (the cached story page). Nothing writes meanwhile.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import quote

from storylens import api
from storylens.config import Settings, env_name
from storylens.model import Article

SHARED_SECOND_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "data" / "cluster" / "basil-dev.articles.jsonl"
TOKEN = "bench-token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, proc: subprocess.Popen, seconds: float = 60) -> float:
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if proc.poll() is not None:
            sys.exit("the server exited before answering")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return time.monotonic() - started
        except OSError:
            time.sleep(0.1)
    sys.exit(f"no answer from {url} in {seconds} s")


def run_wrk(url: str, seconds: int, connections: int, threads: int = 1) -> dict[str, str]:
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s",
                          "--latency", url], capture_output=True, text=True, check=True).stdout
    found = {"requests": re.search(r"(\d+) requests in", out), "rps": re.search(r"Requests/sec:\s+([\d.]+)", out),
             "p50": re.search(r"^\s+50%\s+(\S+)", out, re.M), "p90": re.search(r"^\s+90%\s+(\S+)", out, re.M),
             "p99": re.search(r"^\s+99%\s+(\S+)", out, re.M),
             "errors": re.search(r"Non-2xx or 3xx responses: (\d+)", out),
             "socket": re.search(r"Socket errors: (.*)", out)}
    return {k: (m.group(1) if m else "0") for k, m in found.items()}


def second_corpus(folder: Path) -> Path:
    """What the concurrent CLI ingest reads: basil-dev when ../shared is there, else the demo
    articles as new records (new ids, a sentence added), so that they are stored, not skipped."""
    if SHARED_SECOND_CORPUS.exists():
        return SHARED_SECOND_CORPUS
    path = folder / "second.articles.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for n, article in enumerate(demo_articles()):
            out.write(json.dumps({"id": f"second-{n}", "title": article.title, "source": article.outlet,
                                  "text": article.text + "\n\nThis report was updated."}) + "\n")
    return path


def demo_articles() -> list[Article]:
    return [a for _, a in api.clean_files([api.demo_corpus()]) if isinstance(a, Article)]


def post(base: str, body: bytes, token: str) -> int:
    request = urllib.request.Request(f"{base}/api/articles", data=body, method="POST", headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return int(response.status)
    except urllib.error.HTTPError as err:
        return int(err.code)


def post_stream(base: str, posts: int, seconds: int, statuses: Counter[str]) -> None:
    """`posts` new articles spread over `seconds`, with a wrong token and a broken body among them."""
    articles = demo_articles()
    for n in range(posts):
        article = articles[n % len(articles)]
        record = {"id": f"posted-{n}", "title": article.title, "source": article.outlet,
                  "text": f"{article.text}\n\nUpdate {n}: officials gave no further details."}
        statuses[f"new article: {post(base, json.dumps(record).encode(), TOKEN)}"] += 1
        if n % 10 == 0:
            statuses[f"wrong token (401 expected): {post(base, b'{}', 'wrong')}"] += 1
            statuses[f"not JSON (400 expected): {post(base, b'{not json', TOKEN)}"] += 1
        time.sleep(seconds / max(posts, 1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--posts", type=int, default=40)
    parser.add_argument("--store", help="serve this existing store read-only instead (see the docstring)")
    parser.add_argument("--query", nargs="+", default=["trump", "iran"],
                        help="the searches of --store runs (on NeuS: 'trump' matches 44%% of the articles, 'iran' 2%%)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: `apt-get install wrk`")
    if args.store:
        serve_store(args)
        return
    folder = Path(tempfile.mkdtemp(prefix="storylens-load-"))
    db = str(folder / "bench.db")
    settings = Settings(db=db)
    api.ingest([api.demo_corpus()], settings=settings)
    story = max(api.stories(settings=settings), key=lambda s: len(s.article_ids))
    proc, base, ready = start_server(db, args.workers)
    try:
        urllib.request.urlopen(f"{base}/stories/{story.id}", timeout=120).read()  # compared once, kept
        print(f"workers={args.workers} connections={args.connections}/page seconds={args.seconds} "
              f"posts={args.posts} cpus={os.cpu_count()} server ready in {ready:.1f} s")
        measure(base, story.id, db, second_corpus(folder), args)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def start_server(db: str, workers: int) -> tuple[subprocess.Popen, str, float]:
    """(server process, base URL, seconds from its start to its first answer)."""
    port = free_port()
    env = {**os.environ, env_name("db"): db, env_name("serve_token"): TOKEN}
    proc = subprocess.Popen([sys.executable, "-m", "storylens", "serve", "--port", str(port),
                             "--workers", str(workers)], env=env)
    base = f"http://127.0.0.1:{port}"
    return proc, base, wait_for(f"{base}/api/health", proc)


def serve_store(args: argparse.Namespace) -> None:
    """Read-only load on an existing store: time to the first answer, then one page at a time."""
    if not Path(args.store).exists():
        sys.exit(f"{args.store}: no store there (bench_growth.py --keep builds one)")
    with api.existing_store(args.store) as store:
        articles = store.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        stories = store.db.execute("SELECT COUNT(*) FROM story_summary").fetchone()[0]
        story_id = store.db.execute("SELECT story_id FROM story_summary ORDER BY size DESC, story_id LIMIT 1"
                                    ).fetchone()[0]
    proc, base, ready = start_server(args.store, args.workers)
    try:
        began = time.monotonic()
        urllib.request.urlopen(f"{base}/stories/{quote(story_id)}", timeout=300).read()
        first_view = time.monotonic() - began
        print(f"store: {articles:,} articles, {stories:,} stories; workers={args.workers}; "
              f"server answered {ready:.2f} s after start; story page first view (compared) {first_view:.2f} s; "
              f"cpus={os.cpu_count()} load average {os.getloadavg()[0]:.1f}")
        targets = [("story list", "/"), *((f"search {q!r}", f"/?q={quote(q)}") for q in args.query),
                   ("cached story page", f"/stories/{quote(story_id)}")]
        print(f"\nwrk -t2 -c{args.connections} -d{args.seconds}s, one page at a time")
        print(f"{'page':<20} {'requests':>9} {'req/s':>8} {'p50':>9} {'p90':>9} {'p99':>9} {'non-2xx':>8}")
        for label, path in targets:
            r = run_wrk(base + path, args.seconds, args.connections, threads=2)
            print(f"{label:<20} {r['requests']:>9} {r['rps']:>8} {r['p50']:>9} {r['p90']:>9} {r['p99']:>9} "
                  f"{r['errors']:>8}", flush=True)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def measure(base: str, story_id: str, db: str, corpus: Path, args: argparse.Namespace) -> None:
    statuses: Counter[str] = Counter()
    started = time.monotonic()
    ingest = subprocess.Popen([sys.executable, "-m", "storylens", "--db", db, "ingest", str(corpus)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    poster = threading.Thread(target=post_stream, args=(base, args.posts, args.seconds, statuses))
    poster.start()
    results: dict[str, dict[str, str]] = {}
    targets = [("story page", f"/stories/{story_id}"), ("/api/health", "/api/health")]
    runners = [threading.Thread(target=lambda label=label, path=path: results.__setitem__(
        label, run_wrk(base + path, args.seconds, args.connections))) for label, path in targets]
    for runner in runners:
        runner.start()
    for runner in runners:
        runner.join()
    poster.join()
    output, _ = ingest.communicate(timeout=1800)
    print(f"\n{'page':<12} {'requests':>9} {'req/s':>8} {'p50':>9} {'p90':>9} {'p99':>9} {'non-2xx':>8}  socket errors")
    for label, _ in targets:
        r = results[label]
        print(f"{label:<12} {r['requests']:>9} {r['rps']:>8} {r['p50']:>9} {r['p90']:>9} {r['p99']:>9} "
              f"{r['errors']:>8}  {r['socket'] if r['socket'] != '0' else 'none'}")
    print("\nPOST /api/articles during the run:")
    for outcome, count in sorted(statuses.items()):
        print(f"  {outcome:<34} x{count}")
    last = output.strip().splitlines()[-1] if output.strip() else ""
    print(f"\nCLI ingest of {corpus.name} beside it: exit {ingest.returncode} after "
          f"{time.monotonic() - started:.0f} s: {last}")
    unexpected = sum(int(r["errors"]) for r in results.values()) + sum(
        n for k, n in statuses.items() if k.startswith("new article") and not k.endswith("201")) + sum(
        n for k, n in statuses.items() if ("401 expected" in k and not k.endswith("401"))
        or ("400 expected" in k and not k.endswith("400")))
    print(f"unexpected answers: {unexpected}" + ("" if ingest.returncode == 0 else "; the CLI ingest FAILED"))


if __name__ == "__main__":
    main()
