"""A short digest of a story where every sentence cites the outlets that report it."""

from __future__ import annotations

import re

from storylens.model import Comparison, Fact

CONSENSUS_LINES = 6
SINGLE_LINES = 4
# Pronouns that stand for a person or thing named in an earlier sentence ("It" as a dummy subject,
# "It is raining", is rare in news leads and cheaper to skip than to tell apart).
PRONOUNS = {"he", "she", "they", "it", "his", "her", "their", "its", "him", "them", "this", "these",
            "those", "that", "we", "i"}
_FIRST_WORD = re.compile(r"[\W_]*(\w+)")


def outlet_name(comparison: Comparison, article_id: str) -> str:
    article = next(a for a in comparison.articles if a.id == article_id)
    return article.outlet or (article.input or article.id).rsplit("/", 1)[-1]


def digest_lines(comparison: Comparison) -> list[tuple[str, list[str], str]]:
    """(sentence, outlets citing it, kind): consensus first, then single-source facts by importance.

    A line must read on its own, quoted out of the article: no sentence twice (one lead reported by
    three outlets is one line), and none opening with a pronoun whose person the reader cannot
    see ("He also said…"): another sentence of the fact is taken, or the fact is left out.
    """
    texts = {(a.article.id, s.index): s.of(a.article.text) for a in comparison.analyses for s in a.sentences}
    lines: list[tuple[str, list[str], str]] = []
    seen: set[str] = set()
    limits = {"shared": CONSENSUS_LINES, "single": SINGLE_LINES}
    for kind in ("shared", "single"):
        for fact in (f for f in comparison.facts if f.kind == kind):
            if sum(1 for line in lines if line[2] == kind) >= limits[kind]:
                break
            text = _quotable(fact, texts, seen)
            if text is None:
                continue
            seen.add(_fold(text))
            outlets = sorted({outlet_name(comparison, r.article) for r in fact.sentences})
            lines.append((text, outlets, kind))
    return lines


def _quotable(fact: Fact, texts: dict[tuple[str, int], str], seen: set[str]) -> str | None:
    """The earliest sentence of the fact that stands on its own and is not in the digest yet."""
    for ref in sorted(fact.sentences, key=lambda r: (r.index, r.article)):
        text = texts[(ref.article, ref.index)]
        if not opens_with_pronoun(text) and _fold(text) not in seen:
            return text
    return None


def opens_with_pronoun(text: str) -> bool:
    """Whether the sentence's first word is a pronoun pointing back to someone named before it."""
    match = _FIRST_WORD.match(text)
    return match is not None and match.group(1).casefold() in PRONOUNS


def _fold(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))

