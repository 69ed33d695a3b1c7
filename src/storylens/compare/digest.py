"""A short digest of a story where every sentence cites the outlets that report it."""

from __future__ import annotations

from storylens.model import Comparison, Fact, SentenceRef

CONSENSUS_LINES = 6
SINGLE_LINES = 4


def outlet_name(comparison: Comparison, article_id: str) -> str:
    article = next(a for a in comparison.articles if a.id == article_id)
    return article.outlet or (article.input or article.id).rsplit("/", 1)[-1]


def digest_lines(comparison: Comparison) -> list[tuple[str, list[str], str]]:
    """(sentence, outlets citing it, kind) — consensus first, then single-source facts."""
    texts = {(a.article.id, s.index): s.of(a.article.text) for a in comparison.analyses for s in a.sentences}
    lines: list[tuple[str, list[str], str]] = []
    shared = [f for f in comparison.facts if f.kind == "shared"][:CONSENSUS_LINES]
    singles = [f for f in comparison.facts if f.kind == "single"][:SINGLE_LINES]
    for fact in shared + singles:
        first = _representative(fact)
        outlets = sorted({outlet_name(comparison, r.article) for r in fact.sentences})
        lines.append((texts[(first.article, first.index)], outlets, fact.kind))
    return lines


def _representative(fact: Fact) -> SentenceRef:
    return min(fact.sentences, key=lambda r: r.index)

