"""Precision and recall of the discrepancies storylens reports, on a labelled set of basil-dev stories.

    python benchmarks/discrepancy_set.py             # score against benchmarks/data/basil-discrepancies.json
    python benchmarks/discrepancy_set.py --dump      # print what storylens reports now, for labelling
    python benchmarks/discrepancy_set.py --labels benchmarks/data/basil-discrepancies-heldout.json
                                                     # the held-out set, labelled after the rules were set

The set (`benchmarks/data/basil-discrepancies.json`) names basil-dev stories (same-event triplets
from Fox, NYT and HuffPost) and holds, per story, every discrepancy storylens reported when the
set was made, marked right or wrong with the reason, and the ones a reader found that it missed
(`"source": "reading"`). Values are short spans of the articles, never whole texts. A reported
discrepancy matches a label of the same story and kind when every label value lies in one of its
values (case folded). Reported discrepancies that match no label are listed: they are new since the
set was labelled and must be labelled before a figure is quoted.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from storylens import api
from storylens.compare import compare, to_report

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "benchmarks" / "data" / "basil-discrepancies.json"
BASIL = ROOT.parent / "shared" / "data" / "cluster" / "basil-dev"


def story_reports(stories: list[str]) -> dict[str, dict[str, Any]]:
    gold = {r["id"]: r["story"] for r in map(json.loads, Path(f"{BASIL}.gold.jsonl").read_text().splitlines())}
    grouped = defaultdict(list)
    for article in api.jsonl_articles(f"{BASIL}.articles.jsonl"):
        if gold[article.id] in stories:
            grouped[gold[article.id]].append(article)
    return {story: to_report(compare(grouped[story])) for story in stories}


def _sources() -> dict[str, str]:
    """Article id -> the set's own outlet code (fox, hpo, nyt): what the labels name, whatever
    display names storylens gives outlets."""
    records = map(json.loads, Path(f"{BASIL}.articles.jsonl").read_text().splitlines())
    return {r["id"]: str(r.get("source", "")).casefold() for r in records}


def matches(reported: dict[str, Any], label: dict[str, Any], outlets: dict[str, str]) -> bool:
    """Same kind, between the same outlets, and every label value inside one of the reported values."""
    texts = [v["text"].casefold() for v in reported["values"]]
    between = sorted(outlets[v["article"]] for v in reported["values"])
    return (reported["kind"] == label["kind"] and between == sorted(label["outlets"])
            and all(any(v.casefold() in t for t in texts) for v in label["values"]))


def score(labels: dict[str, Any], reports: dict[str, dict[str, Any]]) -> dict[str, Any]:
    right = wrong = 0
    unlabelled = []
    found: set[int] = set()
    for story, report in reports.items():
        story_labels = [(n, lab) for n, lab in enumerate(labels["labels"]) if lab["story"] == story]
        outlets = _sources()
        for d in report["discrepancies"]:
            hit = [(n, lab) for n, lab in story_labels if matches(d, lab, outlets)]
            if not hit:
                unlabelled.append((story, d["kind"], [v["text"] for v in d["values"]]))
                continue
            if any(lab["right"] for _, lab in hit):
                right += 1
            else:
                wrong += 1
            found.update(n for n, lab in hit if lab["right"])
    true = [n for n, lab in enumerate(labels["labels"]) if lab["right"]]
    return {"stories": len(reports), "reported": right + wrong + len(unlabelled), "right": right, "wrong": wrong,
            "unlabelled": unlabelled, "precision": round(right / max(right + wrong, 1), 3),
            "true_discrepancies": len(true), "found": len(found & set(true)),
            "recall": round(len(found & set(true)) / max(len(true), 1), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dump", action="store_true", help="print the reported discrepancies, to label them")
    parser.add_argument("--labels", type=Path, default=LABELS, help="the labelled set (default: %(default)s)")
    args = parser.parse_args()
    labels = json.loads(args.labels.read_text(encoding="utf-8"))
    reports = story_reports(labels["stories"])
    if args.dump:
        for story, report in reports.items():
            outlets = {a["id"]: a["outlet"] for a in report["articles"]}
            for d in report["discrepancies"]:
                print(json.dumps({"story": story, "kind": d["kind"], "confidence": d["confidence"],
                                  "values": [f"{outlets[v['article']]}: {v['text']}" for v in d["values"]],
                                  "evidence": [e["text"][:200] for e in d["evidence"]]}, ensure_ascii=False))
        return
    result = score(labels, reports)
    print(f"{'stories':<22}{result['stories']}")
    for key in ("reported", "right", "wrong", "precision", "true_discrepancies", "found", "recall"):
        print(f"{key:<22}{result[key]}")
    for story, kind, values in result["unlabelled"]:
        print(f"  unlabelled: {story} {kind} {values}")


if __name__ == "__main__":
    main()
