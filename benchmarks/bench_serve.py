"""Load test of the web UI (run by hand): `storylens serve` with N workers on loopback, driven by wrk.

    python benchmarks/bench_serve.py [--workers 2] [--seconds 20] [--connections 16]

Ingests the demo corpus into a fresh store, starts the server (which compares every story before
it listens), then runs Debian's `wrk` against the story list, a story page, an article page and
the JSON story list, and prints requests per second and latency percentiles per page.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from storylens import api
from storylens.config import Settings, env_name


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, proc: subprocess.Popen, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit("the server exited before answering")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"no answer from {url} in {seconds} s")


def run_wrk(url: str, seconds: int, connections: int) -> dict[str, str]:
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
                         capture_output=True, text=True, check=True).stdout
    found = {"rps": re.search(r"Requests/sec:\s+([\d.]+)", out), "p50": re.search(r"^\s+50%\s+(\S+)", out, re.M),
             "p90": re.search(r"^\s+90%\s+(\S+)", out, re.M), "p99": re.search(r"^\s+99%\s+(\S+)", out, re.M),
             "errors": re.search(r"Non-2xx or 3xx responses: (\d+)", out)}
    return {k: (m.group(1) if m else "0") for k, m in found.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: `apt-get install wrk`")
    db = str(Path(tempfile.mkdtemp(prefix="storylens-load-")) / "demo.db")
    settings = Settings(db=db)
    api.ingest([api.demo_corpus()], settings=settings)
    stories = api.stories(settings=settings)
    port = free_port()
    env = {**os.environ, env_name("db"): db}
    proc = subprocess.Popen([sys.executable, "-m", "storylens", "serve", "--port", str(port),
                             "--workers", str(args.workers)], env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/api/health", proc)
        article = stories[0].article_ids[0]
        targets = [("story list", "/"), ("story page", f"/stories/{stories[0].id}"),
                   ("article page", f"/articles/{article}"), ("JSON stories", "/api/stories")]
        for _, path in targets:  # warm caches (analysis of the article page) before measuring
            urllib.request.urlopen(base + path, timeout=60).read()
        print(f"workers={args.workers} connections={args.connections} seconds={args.seconds} "
              f"stories={len(stories)} cpus={os.cpu_count()}")
        print(f"{'page':<14} {'req/s':>9} {'p50':>9} {'p90':>9} {'p99':>9} {'non-2xx':>8}")
        for label, path in targets:
            r = run_wrk(base + path, args.seconds, args.connections)
            print(f"{label:<14} {r['rps']:>9} {r['p50']:>9} {r['p90']:>9} {r['p99']:>9} {r['errors']:>8}")
    finally:
        proc.terminate()
        proc.wait(timeout=30)


if __name__ == "__main__":
    main()
