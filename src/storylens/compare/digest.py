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


def digest_markdown(comparison: Comparison, title: str | None = None) -> str:
    out = [f"# {title or 'Story digest'}", ""]
    outlets = sorted({outlet_name(comparison, a.id) for a in comparison.articles})
    out += [f"{len(comparison.articles)} articles from {', '.join(outlets)}.", ""]
    lines = digest_lines(comparison)
    if any(kind == "shared" for _, _, kind in lines):
        out += ["## What the outlets agree on", ""]
        out += [f"- {text} [{'; '.join(cites)}]" for text, cites, kind in lines if kind == "shared"]
        out.append("")
    if any(kind == "single" for _, _, kind in lines):
        out += ["## Reported by one outlet only", ""]
        out += [f"- {text} [only {cites[0]}]" for text, cites, kind in lines if kind == "single"]
        out.append("")
    if comparison.discrepancies:
        out += ["## Where they differ", ""]
        for d in comparison.discrepancies:
            values = " / ".join(f"{outlet_name(comparison, v.article)}: “{v.text}”" for v in d.values)
            out.append(f"- {d.kind.replace('_', ' ')}: {values}")
        out.append("")
    if comparison.timeline:
        out += ["## Timeline", ""]
        out += [f"- {e.date.isoformat()}: {e.text} [{outlet_name(comparison, e.sentence.article)}]"
                for e in comparison.timeline]
        out.append("")
    return "\n".join(out)
