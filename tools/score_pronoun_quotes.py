#!/usr/bin/env python3
"""Speaker accuracy on quotations whose cue has a pronoun subject ("…,” he said), which
`score_quotes.py` leaves out because PolNeAR annotates the pronoun, not the person, as source.

    python tools/score_pronoun_quotes.py --gold SET/gold.jsonl --output analyze.jsonl [--eval DIR]

The reference person of a "he"/"she" source is taken from the annotations themselves: the nearest
earlier attribution in the document whose source is a name. That is a proxy (PolNeAR has no
coreference layer); it is right where the article names a speaker and then goes on with "he said",
and it may be wrong where the pronoun points past the last named source. Figures: the quotations
with a pronoun source that the system found, how many have a proxy reference, and the share whose
system speaker shares a word with it (the same word test as `score_quotes.py`).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

PERSONAL = {"he", "she"}
POSSESSIVE = {"his", "her", "hers", "their", "its", "my", "our"}


def _scorer(eval_dir: Path):  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(eval_dir))
    import score_quotes  # type: ignore[import-not-found]

    return score_quotes


def pronoun_cases(sq, doc: dict, text: str) -> list[tuple[str, str, str | None]]:  # type: ignore[no-untyped-def]
    """(quotation, pronoun, proxy reference name) for each direct quote whose source is he/she."""
    out = []
    attributions = sorted(doc["attributions"], key=lambda a: a["content"][0])
    for number, a in enumerate(attributions):
        src = a["source"][2] if a.get("source") else None
        if not src or sq.norm(src) not in PERSONAL:
            continue
        reference = None
        for earlier in reversed(attributions[:number]):
            name = earlier["source"][2] if earlier.get("source") else None
            if name and sq.norm(name) not in sq._PRONOUNS | POSSESSIVE and sq.words(name):
                reference = name
                break
        start, end, _ = a["content"]
        for m in sq._INSIDE.finditer(text[max(0, start - 1) : end + 1]):
            q = m.group(1).strip()
            if len(q.split()) >= 3:
                out.append((q, sq.norm(src), reference))
    return out


def score(sq, gold_path: Path, output: Path) -> dict:  # type: ignore[no-untyped-def]
    text_dir = gold_path.parent / "text"
    by_file = {os.path.basename(r.get("input", "")): r for r in sq.load_jsonl(str(output))}
    cases = found = referenced = right = 0
    for doc in sq.load_jsonl(str(gold_path)):
        text = (text_dir / doc["file"]).read_text(encoding="utf-8")
        system = [(q.get("text") or "", q.get("speaker") or "") for q in by_file.get(doc["file"], {}).get("quotes", [])]
        for quote, _pronoun, reference in pronoun_cases(sq, doc, text):
            cases += 1
            hits = [speaker for t, speaker in system if sq.covers(t, quote)]
            if not hits:
                continue
            found += 1
            if reference is None:
                continue
            referenced += 1
            right += any(sq.words(s) & sq.words(reference) for s in hits)
    return {"pronoun_quotes": cases, "found": found, "with_reference": referenced,
            "speaker_accuracy_pronoun": round(right / referenced, 3) if referenced else 0.0}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", required=True, type=Path)
    ap.add_argument("--output", required=True, type=Path)
    ap.add_argument("--eval", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "eval",
                    help="the folder of score_quotes.py (default: ../shared/eval beside the repo)")
    args = ap.parse_args()
    print(json.dumps(score(_scorer(args.eval), args.gold, args.output)))


if __name__ == "__main__":
    main()
