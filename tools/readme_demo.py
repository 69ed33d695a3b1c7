"""Keep the README's demo output real: run `storylens demo` and write its output into README.md.

    python tools/readme_demo.py          # rewrite the block between the markers from a fresh run
    python tools/readme_demo.py --check  # exit 1 with a diff when the README no longer matches

The run is the real command in a fresh process, at a fixed width of 100 columns, so that the block
is what a reader gets; only the temporary store's random folder name is replaced by a fixed one.
`tests/test_readme.py` runs the check, so a change to what the demo prints fails the suite until
this tool has been run and the new block reviewed.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
START = "<!-- demo-output: written by tools/readme_demo.py from a real `storylens demo` run; do not edit -->"
END = "<!-- /demo-output -->"
WIDTH = 100
TEMP_STORE = re.compile(r"\S*storylens-demo-[^/\s]+/demo\.db")
PLACEHOLDER = "/tmp/storylens-demo-XXXXXXXX/demo.db"


def demo_output() -> str:
    """What `storylens demo` prints on stdout, the temporary store's path made stable."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("STORYLENS_")}
    env.update(COLUMNS=str(WIDTH), LINES="50", NO_COLOR="1", PYTHONIOENCODING="utf-8")
    run = subprocess.run([sys.executable, "-m", "storylens.cli", "demo"], env=env, capture_output=True,
                         text=True, encoding="utf-8", check=False, timeout=600)
    if run.returncode != 0:
        raise SystemExit(f"storylens demo failed with status {run.returncode}:\n{run.stderr}")
    return TEMP_STORE.sub(PLACEHOLDER, run.stdout).rstrip() + "\n"


def block(output: str) -> str:
    return f"{START}\n```text\n{output}```\n{END}"


def current_block(readme: str) -> str:
    start, end = readme.find(START), readme.find(END)
    if start < 0 or end < start:
        raise SystemExit(f"README.md has no demo block: add the lines\n{START}\n{END}\nwhere it belongs")
    return readme[start:end + len(END)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="Only compare; exit 1 with a diff on drift.")
    args = parser.parse_args()
    readme = README.read_text(encoding="utf-8")
    old, new = current_block(readme), block(demo_output())
    if old == new:
        return 0
    if args.check:
        sys.stdout.writelines(difflib.unified_diff(old.splitlines(True), new.splitlines(True),
                                                   "README.md (demo block)", "storylens demo (now)"))
        print("\nREADME.md's demo output is stale: run `python tools/readme_demo.py` and review the diff")
        return 1
    README.write_text(readme.replace(old, new), encoding="utf-8")
    print("README.md: demo block rewritten from a fresh `storylens demo` run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
