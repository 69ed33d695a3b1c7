"""Precision and recall of the discrepancies storylens reports, on a labelled set of stories.

    python benchmarks/discrepancy_set.py             # score against benchmarks/data/basil-discrepancies.json
    python benchmarks/discrepancy_set.py --dump      # print what storylens reports now, for labelling
    python benchmarks/discrepancy_set.py --labels benchmarks/data/basil-discrepancies-heldout.json
                                                     # the held-out set, labelled after the rules were set
    python benchmarks/discrepancy_set.py --labels benchmarks/data/neus-val-discrepancies-a.json
                                                     # a neus-val set (the file names its cluster set)
    python benchmarks/discrepancy_set.py --draw neus-val --seed 20261127 --count 24
                                                     # the seeded draw of stories a new set is made from

A set file names the stories of one cluster set of ../shared/data/cluster (`"set"`, basil-dev when
absent; `--set` overrides it) and holds, per story, every discrepancy storylens reported when the
set was made, marked right or wrong with the reason, and the ones a reader found that it missed
(`"source": "reading"`); a set whose stories were not read for misses says `"read_for_misses":
false` and measures precision only. Labels name outlets by the set's own outlet code (basil-dev:
fox, hpo, nyt), or by article id where the set gives no outlet (neus-val). Values are short spans of
the articles, never whole texts. A reported discrepancy matches a label of the same story and kind
when every label value lies in one of its values (case folded). Reported discrepancies that match no
label are listed: they are new since the set was labelled and must be labelled before a figure is
quoted.

Sets drawn at random (`--draw`) record the seed and the draw: the set's stories sorted by id, those
with exactly three articles kept, and `random.Random(seed).sample` of `count` of them, in order;
set A is the first twelve, set B the next twelve, so the two are disjoint and neither was chosen
by reading it.
"""

from __future__ import annotations

import argparse
import json
import random
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from storylens import api
from storylens.compare import compare, to_report

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "benchmarks" / "data" / "basil-discrepancies.json"
CLUSTER = ROOT.parent / "shared" / "data" / "cluster"


def _gold(cluster_set: str) -> dict[str, str]:
    """Article id -> story id of a cluster set."""
    lines = (CLUSTER / f"{cluster_set}.gold.jsonl").read_text(encoding="utf-8").splitlines()
    return {r["id"]: r["story"] for r in map(json.loads, lines)}


def story_reports(stories: list[str], cluster_set: str = "basil-dev") -> dict[str, dict[str, Any]]:
    gold = _gold(cluster_set)
    grouped = defaultdict(list)
    for article in api.jsonl_articles(CLUSTER / f"{cluster_set}.articles.jsonl"):
        if gold[article.id] in stories:
            grouped[gold[article.id]].append(article)
    return {story: to_report(compare(grouped[story])) for story in stories}


def _sources(cluster_set: str = "basil-dev") -> dict[str, str]:
    """Article id -> the set's own outlet code (fox, hpo, nyt): what the labels name, whatever
    display names storylens gives outlets; the article id itself where the set names no outlet."""
    lines = (CLUSTER / f"{cluster_set}.articles.jsonl").read_text(encoding="utf-8").splitlines()
    return {r["id"]: str(r.get("source") or r["id"]).casefold() for r in map(json.loads, lines)}


def draw(cluster_set: str, seed: int, count: int) -> list[str]:
    """`count` stories of three articles drawn from a cluster set with a fixed seed: the same
    seed gives the same stories on any machine (ids sorted before the draw)."""
    sizes = Counter(_gold(cluster_set).values())
    triplets = sorted(story for story, n in sizes.items() if n == 3)
    return random.Random(seed).sample(triplets, count)


def matches(reported: dict[str, Any], label: dict[str, Any], outlets: dict[str, str]) -> bool:
    """Same kind, between the same outlets, and every label value inside one of the reported values."""
    texts = [v["text"].casefold() for v in reported["values"]]
    between = sorted(outlets[v["article"]] for v in reported["values"])
    return (reported["kind"] == label["kind"] and between == sorted(label["outlets"])
            and all(any(v.casefold() in t for t in texts) for v in label["values"]))


def score(labels: dict[str, Any], reports: dict[str, dict[str, Any]], cluster_set: str = "basil-dev"
          ) -> dict[str, Any]:
    right = wrong = 0
    unlabelled = []
    found: set[int] = set()
    outlets = _sources(cluster_set)
    for story, report in reports.items():
        story_labels = [(n, lab) for n, lab in enumerate(labels["labels"]) if lab["story"] == story]
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
            "unlabelled": unlabelled, "precision": _share(right, right + wrong),
            "true_discrepancies": len(true), "found": len(found & set(true)),
            "recall": _share(len(found & set(true)), len(true))}


def _share(part: int, whole: int) -> float | str:
    """A share to three places, or "n/a" when there is nothing to share: nothing reported has no
    precision (it is not 0.0, which would say every report was wrong)."""
    return round(part / whole, 3) if whole else "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dump", action="store_true", help="print the reported discrepancies, to label them")
    parser.add_argument("--labels", type=Path, default=LABELS, help="the labelled set (default: %(default)s)")
    parser.add_argument("--set", help="the stories' cluster set (default: the labels' \"set\", else basil-dev)")
    parser.add_argument("--draw", metavar="SET", help="print a seeded draw of three-article stories of SET and stop")
    parser.add_argument("--seed", type=int, default=0, help="the draw's seed (default: %(default)s)")
    parser.add_argument("--count", type=int, default=24, help="how many stories to draw (default: %(default)s)")
    args = parser.parse_args()
    if args.draw:
        print(json.dumps(draw(args.draw, args.seed, args.count), indent=1))
        return
    labels = json.loads(args.labels.read_text(encoding="utf-8"))
    cluster_set = args.set or labels.get("set", "basil-dev")
    reports = story_reports(labels["stories"], cluster_set)
    if args.dump:
        codes = _sources(cluster_set)
        for story, report in reports.items():
            outlets = {a["id"]: f"{codes[a['id']]} ({a['outlet']})" for a in report["articles"]}
            for d in report["discrepancies"]:
                print(json.dumps({"story": story, "kind": d["kind"], "confidence": d["confidence"],
                                  "values": [f"{outlets[v['article']]}: {v['text']}" for v in d["values"]],
                                  "evidence": [e["text"][:200] for e in d["evidence"]]}, ensure_ascii=False))
        return
    result = score(labels, reports, cluster_set)
    if not labels.get("read_for_misses", True):  # only storylens's reports were labelled
        result["recall"] = "not measured (the stories were not read for misses)"
    print(f"{'stories':<22}{result['stories']}")
    for key in ("reported", "right", "wrong", "precision", "true_discrepancies", "found", "recall"):
        print(f"{key:<22}{result[key]}")
    if labels.get("sample_of_reports"):  # a drawn sample of the reports was labelled, not all
        print(f"{'not in the sample':<22}{len(result['unlabelled'])}")
        return
    for story, kind, values in result["unlabelled"]:
        print(f"  unlabelled: {story} {kind} {values}")


if __name__ == "__main__":
    main()
