"""Hostile inputs through the readers and the cleaning boundary, run by hand; prints tables.

1. Every kind of the generated hostile corpus (tests/fuzz/corpus.py) at full size, each in a
   fresh process: seconds, peak memory (RSS), and what became of it.
2. A mutation fuzz run: the corpus's small files and the demo corpus, mutated (bytes flipped,
   nasty characters inserted, chunks repeated, cut short, gzipped) and read and cleaned as
   `storylens ingest` does; counts inputs tried, crashes (an exception escaping the boundary),
   hangs (past the cleaning budget plus a second), and peak memory.

    python benchmarks/bench_hostile.py [--cases] [--fuzz N] [--seed S]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fuzz.corpus import CASES, write_corpus  # noqa: E402
from tests.fuzz.test_hostile_corpus import outcomes  # noqa: E402

from storylens import api  # noqa: E402
from storylens.config import Settings  # noqa: E402

SETTINGS = Settings(clean_budget_s=20.0)
NASTY = ["\ud800".encode("utf-8", "surrogatepass"), "\u2028".encode(), b"\x00", b"\xff\xfe", "©".encode(),
         b"[/]", b"<noscript>", b"</p><p>", b"\r", b"\"", b"{", b"[" * 1000, b"." * 5000, b" " * 5000]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def describe(found: list) -> str:
    kinds = [f"rejected: {o.reason[:60]}" if hasattr(o, "reason") else "article" for o in found]
    return "; ".join(kinds) or "nothing"


def one_case(name: str) -> None:
    """Child mode: run one case at full size and print a JSON line."""
    case = next(c for c in CASES if c.name == name)
    before = peak_rss_mb()
    with tempfile.TemporaryDirectory() as folder:
        path = case.make(Path(folder), 1.0)
        size = sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file() and not p.is_symlink())
        started = time.perf_counter()
        found = outcomes(path, SETTINGS)
        seconds = time.perf_counter() - started
    print(json.dumps({"case": name, "bytes": size, "seconds": seconds, "rss_mb": peak_rss_mb(),
                      "rss_start_mb": before, "outcome": describe(found)}))


def run_cases() -> None:
    print(f"{'case':28} {'MiB in':>7} {'seconds':>8} {'peak MB':>8}  outcome")
    for case in CASES:
        if not case.needs():
            continue
        done = subprocess.run([sys.executable, __file__, "--child", case.name], capture_output=True, text=True,
                              timeout=600)
        if done.returncode != 0:
            print(f"{case.name:28} CRASHED: {done.stderr.strip().splitlines()[-1:]}")
            continue
        row = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"{row['case']:28} {row['bytes'] / 2**20:7.2f} {row['seconds']:8.2f} {row['rss_mb']:8.0f}  "
              f"{row['outcome'][:70]}")


def seeds(folder: Path) -> list[tuple[str, bytes]]:
    """(suffix, bytes) of the small corpus files and the demo corpus: the material mutated."""
    write_corpus(folder / "corpus", scale=0.01)
    found = []
    for path in sorted([*(folder / "corpus").rglob("*"), *api.demo_corpus().rglob("*")]):
        if path.is_file() and not path.is_symlink() and path.stat().st_size < 300_000:
            suffix = next((s for s in (".html.gz", ".txt.gz", ".jsonl", ".html", ".txt") if path.name.endswith(s)),
                          None)
            if suffix:
                found.append((suffix, path.read_bytes()))
    return found


def mutate(data: bytes, rng: random.Random) -> bytes:
    for _ in range(rng.randint(1, 4)):
        at = rng.randrange(len(data) + 1)
        choice = rng.randrange(5)
        if choice == 0 and data:
            data = data[:at] + bytes([rng.randrange(256)]) + data[at + 1:]
        elif choice == 1:
            data = data[:at] + rng.choice(NASTY) + data[at:]
        elif choice == 2:
            end = min(len(data), at + rng.randint(1, 200))
            data = data[:at] + data[at:end] * rng.randint(2, 2000) + data[end:]
        elif choice == 3:
            data = data[:at]
        else:
            data = data[:at] + data[at:][::-1]
    return data


def run_fuzz(count: int, seed: int) -> None:
    rng = random.Random(seed)
    crashes: list[str] = []
    hangs: list[str] = []
    slowest = 0.0
    outcomes_seen = {"article": 0, "rejected": 0}
    with tempfile.TemporaryDirectory() as tmp:
        material = seeds(Path(tmp))
        started = time.perf_counter()
        for n in range(count):
            suffix, data = rng.choice(material)
            data = mutate(data, rng)
            if suffix.endswith(".gz"):
                data = gzip.compress(data) if rng.random() < 0.8 else data
            path = Path(tmp) / f"input{n}{suffix}"
            path.write_bytes(data)
            began = time.perf_counter()
            try:
                for outcome in outcomes(path, SETTINGS):
                    outcomes_seen["rejected" if hasattr(outcome, "reason") else "article"] += 1
            except Exception as err:  # a crash: what this run is looking for
                crashes.append(f"input{n}{suffix}: {type(err).__name__}: {err}"[:200])
            elapsed = time.perf_counter() - began
            slowest = max(slowest, elapsed)
            if elapsed > SETTINGS.clean_budget_s + 1:
                hangs.append(f"input{n}{suffix}: {elapsed:.1f} s")
            path.unlink()
        total = time.perf_counter() - started
    print(f"mutation fuzz: seed {seed}, {len(material)} seed files")
    print(f"{'inputs tried':>14} {'articles':>9} {'rejected':>9} {'crashes':>8} {'hangs':>6} {'slowest s':>10} "
          f"{'total s':>8} {'peak MB':>8}")
    print(f"{count:14} {outcomes_seen['article']:9} {outcomes_seen['rejected']:9} {len(crashes):8} {len(hangs):6} "
          f"{slowest:10.2f} {total:8.1f} {peak_rss_mb():8.0f}")
    for line in crashes + hangs:
        print("  ", line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--cases", action="store_true", help="only the full-size corpus")
    parser.add_argument("--fuzz", type=int, default=2000, help="mutated inputs to try (0: none)")
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()
    if args.child:
        one_case(args.child)
        return
    run_cases()
    if not args.cases and args.fuzz:
        print()
        run_fuzz(args.fuzz, args.seed)


if __name__ == "__main__":
    main()
