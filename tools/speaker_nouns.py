#!/usr/bin/env python3
"""Write `src/storylens/analyze/speaker_nouns.txt`: the common nouns that head the sources of
attributions in a training set (PolNeAR layout), so that a quotation's speaker phrase headed by
any other common noun ("The moves", "the core of ... interests") is not taken for a speaker.

    python tools/speaker_nouns.py ../shared/data/quotes/polnear-train/gold.jsonl [--min 2]

Run on polnear-train only: polnear-dev stays unseen for confirming the figures.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from storylens.analyze import nlp

OUT = Path(__file__).resolve().parents[1] / "src" / "storylens" / "analyze" / "speaker_nouns.txt"
COMMON_NOUNS = ("NN", "NNS")


def sources(gold: Path) -> list[str]:
    found = []
    with gold.open(encoding="utf-8") as handle:
        for line in handle:
            for a in json.loads(line)["attributions"]:
                if a.get("source"):
                    found.append(a["source"][2])
    return found


def head_nouns(phrases: list[str]) -> Counter[str]:
    """The lowercase common noun each phrase hangs on ("officials" in "some Trump officials")."""
    counts: Counter[str] = Counter()
    for doc in nlp.load().pipe(phrases, batch_size=64):
        for token in doc:
            if token.dep_ == "ROOT" and token.tag_ in COMMON_NOUNS and token.text.islower() and token.is_alpha:
                counts[token.lower_] += 1
    return counts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gold", type=Path)
    ap.add_argument("--min", type=int, default=2, help="sources a noun must head to be kept")
    args = ap.parse_args()
    counts = head_nouns(sources(args.gold))
    kept = sorted(noun for noun, n in counts.items() if n >= args.min)
    OUT.write_text(f"# written by tools/speaker_nouns.py from {args.gold.parent.name} (min {args.min})\n"
                   + "\n".join(kept) + "\n", encoding="utf-8")
    print(f"{len(kept)} nouns -> {OUT}")


if __name__ == "__main__":
    main()
