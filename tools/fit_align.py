"""Calibrate fact alignment (`compare/align.py`) on an aligned set of article pairs, by halves.

    python tools/fit_align.py ../shared/data/compare/ecbplus-align-dev [--cache FILE]

Every pair folder is cleaned and analysed once (kept in `--cache`, a pickle, so a second run
only re-aligns). The story clusters (folder name up to the first '_' pair suffix: `11_ecb`,
`11_ecbplus`) are split into two halves by sorted position; for every setting of the grid, each
half is scored with `score_align.py`'s own `judge`. The setting chosen is the one with the best
recall at precision >= the target on half A; it is then reported on half B (which did not choose
it), and the other way round, so a constant fitted to one set shows what it gives on unseen data.

    python tools/fit_align.py DATA --cache FILE --ceiling

prints what bounds any setting instead: (1) the share of the gold's required pairs that facts of
one sentence per article can hold at all (a maximum matching of each pair's required pairs), and
with a long sentence (LONG_SENTENCE words or more) allowed in two facts, as the issue allows;
(2) every cross-article pair at or above a threshold of the combined similarity taken as aligned,
with no best-match rule: precision and recall per half and on the whole set, tuned on the set
itself, so a ceiling for a threshold on this similarity, not a result.
"""

from __future__ import annotations

import argparse
import itertools
import pickle
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np

from storylens import api, config
from storylens.analyze import analyze_many
from storylens.compare import add_sentence_vectors, story_day
from storylens.compare.align import (
    EMBEDDING_OFFSET,
    AlignSettings,
    claim_groups,
    different_statements,
    lexical_similarity,
    sentence_refs,
    sentence_vectors,
)
from storylens.compare.quotematch import QuoteMatches
from storylens.errors import StorylensError

GRID = {
    "threshold": [0.1, 0.15, 0.2, 0.25, 0.3, 0.4],
    "margin": [0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 1.0],
    "embedding_offset": [0.25, 0.3, 0.35],
}


def load(data: Path, cache: Path | None) -> list[tuple[str, dict, list]]:
    """(pair name, gold, analyses) for every pair folder, analysed once."""
    if cache and cache.exists():
        return list(pickle.loads(cache.read_bytes()))
    sys.path.insert(0, str(data.parent.parent.parent / "eval"))
    from score_align import load_pairs  # the scorer's own reading of the set

    settings = config.load()
    out = []
    for name, folder, gold in load_pairs(str(data)):
        files = [Path(folder) / gold["articles"][k]["file"] for k in ("a", "b")]
        try:
            articles = api.articles_from_files(files)
        except StorylensError as err:  # scored as the scorer does a failed pair: nothing found
            print(f"{name}: {err}", file=sys.stderr)
            out.append((name, gold, []))
            continue
        analyses = list(analyze_many(articles, reference=story_day(articles), dayfirst=settings.dayfirst))
        add_sentence_vectors(analyses)
        out.append((name, gold, analyses))
        print(f"analysed {len(out)} pairs", file=sys.stderr, end="\r")
    if cache:
        cache.write_bytes(pickle.dumps(out))
    return out


def prepared(pairs: list[tuple[str, dict, list]]) -> list[tuple[dict, Any]]:
    """Per pair, what alignment computes before any constant is used: the sentences, the lexical
    similarity and the raw embedding cosine; the judge's view of the sentences."""
    out: list[tuple[dict, Any]] = []
    for _, gold, analyses in pairs:
        if not analyses:
            out.append((gold, None))
            continue
        refs = sentence_refs(analyses)
        matches = QuoteMatches(analyses)
        lexical = lexical_similarity(matches, refs)
        vectors = sentence_vectors(analyses)  # headlines included, as align() compares them
        key = {a.article.id: k for a, k in zip(analyses, ("a", "b"), strict=True)}
        sents = {ref.key: (key[ref.article], text) for ref, text in refs}
        out.append((gold, (refs, lexical, vectors @ vectors.T, sents, different_statements(matches, refs))))
    return out


def score(pairs: list[tuple[dict, Any]], settings: AlignSettings) -> Counter:
    """score_align.py's counts for the facts alignment makes with these constants."""
    return judged(pairs, settings.embedding_offset, lambda sims, articles: claim_groups(sims, articles, settings))


def judged(pairs: list[tuple[dict, Any]], offset: float,
           grouping: Callable[[np.ndarray, list[str]], Iterable[Iterable[int]]]) -> Counter:
    """score_align.py's counts for the groups of sentences `grouping` makes of each pair's
    combined similarity (as align() computes it: two quotations are two statements)."""
    from score_align import judge

    total: Counter = Counter()
    for gold, ready in pairs:
        if ready is None:
            total += judge(gold, {}, [])
            continue
        refs, lexical, cosine, sents, different = ready
        sims = np.maximum(lexical, np.clip(cosine - offset, 0.0, 1.0))
        sims[different] = 0.0
        groups = grouping(sims, [r.article for r, _ in refs])
        total += judge(gold, sents, [[refs[n][0].key for n in g] for g in groups])
    return total


def figures(c: Counter) -> dict[str, Any]:
    p = c["correct"] / c["judged"] if c["judged"] else 0.0
    r = c["required_found"] / c["required"] if c["required"] else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3),
            "p_req": round(c["correct_required"] / c["judged"], 3) if c["judged"] else 0.0}


def _f1(figure: dict[str, Any]) -> float:
    p, r = figure["precision"], figure["recall"]
    return 2 * p * r / (p + r) if p + r else 0.0


def halves(pairs: list) -> tuple[list, list]:
    clusters = sorted({name.rsplit("_", 1)[0] for name, _, _ in pairs})
    first = set(clusters[::2])
    return ([p for p in pairs if p[0].rsplit("_", 1)[0] in first],
            [p for p in pairs if p[0].rsplit("_", 1)[0] not in first])


LONG_SENTENCE = 25  # words; "a long sentence truly carries two" claims
CEILING_THRESHOLDS = (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5)


def matchable_share(golds: list[dict], long_words: int | None) -> float:
    """The share of required pairs that facts can hold when each sentence is in one fact per other
    article (two for a sentence of `long_words` words or more): a maximum flow from article a's
    sentences to b's over the required pairs, each pair used once."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import maximum_flow

    required = found = 0
    for gold in golds:
        pairs = {tuple(p) for p in gold["required"]}
        required += len(pairs)
        if not pairs:
            continue
        left = sorted({a for a, _ in pairs})
        right = sorted({b for _, b in pairs})
        source, sink = 0, 1 + len(left) + len(right)
        node = {**{("a", t): 1 + i for i, t in enumerate(left)},
                **{("b", t): 1 + len(left) + i for i, t in enumerate(right)}}

        def capacity(text: str) -> int:
            return 2 if long_words is not None and len(text.split()) >= long_words else 1

        edges = [(source, node["a", t], capacity(t)) for t in left]
        edges += [(node["b", t], sink, capacity(t)) for t in right]
        edges += [(node["a", a], node["b", b], 1) for a, b in pairs]
        rows, cols, caps = zip(*edges, strict=True)
        graph = csr_matrix((caps, (rows, cols)), shape=(sink + 1, sink + 1), dtype=np.int32)
        found += maximum_flow(graph, source, sink).flow_value
    return found / required if required else 0.0


def thresholded(pairs: list[tuple[dict, Any]], threshold: float, offset: float = EMBEDDING_OFFSET) -> Counter:
    """score_align.py's counts when every cross-article pair reaching `threshold` is aligned."""
    def every_pair(sims: np.ndarray, articles: list[str]) -> list[tuple[int, int]]:
        return [(i, j) for i, j in combinations(range(len(articles)), 2)
                if articles[i] != articles[j] and sims[i, j] >= threshold]

    return judged(pairs, offset, every_pair)


def print_ceiling(pairs: list[tuple[str, dict, list]], parts: dict[str, list[tuple[dict, Any]]]) -> None:
    golds = [gold for _, gold, _ in pairs]
    print(f"required pairs facts can hold: one sentence per article {matchable_share(golds, None):.3f}; "
          f"a sentence of {LONG_SENTENCE}+ words in two facts {matchable_share(golds, LONG_SENTENCE):.3f}")
    print("every pair at or above the threshold aligned (tuned on the set itself: a ceiling):")
    for threshold in CEILING_THRESHOLDS:
        whole = figures(thresholded(parts["A"] + parts["B"], threshold))
        halves_ = ", ".join(f"{h} {figures(thresholded(p, threshold))}" for h, p in parts.items())
        print(f"  >= {threshold}: all {whole}; {halves_}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", type=Path)
    parser.add_argument("--cache", type=Path)
    parser.add_argument("--precision", type=float, default=0.85, help="precision the setting must keep")
    parser.add_argument("--criterion", choices=["recall", "f1"], default="recall",
                        help="recall: best recall at --precision on the fitting half; f1: best F1 there")
    parser.add_argument("--ceiling", action="store_true", help="print the bounds on any setting instead (above)")
    args = parser.parse_args()
    sys.path.insert(0, str(args.data.parent.parent.parent / "eval"))
    pairs = load(args.data, args.cache)
    parts = {h: prepared(p) for h, p in zip("AB", halves(pairs), strict=True)}
    if args.ceiling:
        print_ceiling(pairs, parts)
        return
    results = []
    for values in itertools.product(*GRID.values()):
        settings = AlignSettings(**dict(zip(GRID, values, strict=True)))
        results.append((settings, {h: figures(score(p, settings)) for h, p in parts.items()}))
    for chooser, other in (("A", "B"), ("B", "A")):
        ok = [r for r in results if r[1][chooser]["precision"] >= args.precision]
        if args.criterion == "f1":
            best = max(results, key=lambda r: _f1(r[1][chooser]))
        else:
            best = max(ok or results, key=lambda r: (r[1][chooser]["recall"], r[1][chooser]["precision"]))
        print(f"chosen on {chooser}: {best[0]}\n  {chooser} (fitted): {best[1][chooser]}"
              f"\n  {other} (unseen): {best[1][other]}")
    current = AlignSettings()
    print(f"shipped {current}: " + ", ".join(f"{h} {figures(score(p, current))}" for h, p in parts.items()))


if __name__ == "__main__":
    main()
