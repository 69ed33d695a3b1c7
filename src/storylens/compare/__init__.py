"""Compare: what every outlet reports, what only one reports, and where they differ."""

from __future__ import annotations

from typing import Any

from storylens.analyze import Written, analyze_many
from storylens.compare.align import AlignSettings, add_sentence_vectors, align, sentence_refs
from storylens.compare.digest import digest_lines, outlet_name
from storylens.compare.discrepancies import find_discrepancies
from storylens.compare.headlines import headline_of, headline_ref
from storylens.compare.quotematch import QuoteMatches
from storylens.compare.timeline import build_timeline
from storylens.model import Analysis, Article, Comparison, iso


def story_day(articles: list[Article]) -> Written | None:
    """When an undated article of the story was written, as far as is known: between the first
    and the last publication days of the story's dated articles."""
    days = [a.day for a in articles if a.day]
    return Written(min(days), max(days)) if days else None


def compare(articles: list[Article], align_threshold: float | None = None,
            analyses: list[Analysis] | None = None, *, dayfirst: bool = True) -> Comparison:
    """Compare the articles of one story; pass `analyses` (in article order) to reuse stored ones.
    `dayfirst` is the setting for ambiguous numeric dates in the text."""
    if analyses is None:
        analyses = list(analyze_many(articles, reference=story_day(articles), dayfirst=dayfirst))
    add_sentence_vectors(analyses)
    matches = QuoteMatches(analyses)
    settings = AlignSettings() if align_threshold is None else AlignSettings(threshold=align_threshold)
    facts, similarities, refs = align(analyses, settings, matches)
    return Comparison(
        analyses=analyses,
        facts=facts,
        discrepancies=find_discrepancies(analyses, facts, similarities, refs, matches),
        timeline=build_timeline(analyses),
    )


def to_report(comparison: Comparison) -> dict[str, Any]:
    """The comparison as the JSON object of the evaluation contract (CONTRACT.md, command 3).

    Each article's headline is one of its sentences, marked `"headline": true`; it is the title,
    not a span of the clean body, so its `start` and `end` are null.
    """
    texts = {ref.key: text for ref, text in sentence_refs(comparison.analyses)}
    return {
        "articles": [{"id": a.id, "input": a.input, "title": a.title, "outlet": a.outlet,
                      "published": iso(a.published), "lang": a.lang} for a in comparison.articles],
        "sentences": [sentence for a in comparison.analyses for sentence in _sentences(a)],
        "facts": [{"kind": f.kind, "sentences": [r.key for r in f.sentences], "score": round(f.score, 3)}
                  for f in comparison.facts],
        "discrepancies": [{"kind": d.kind, "note": d.note, "confidence": round(d.confidence, 3),
                           "values": [{"article": v.article, "text": v.text} for v in d.values],
                           "evidence": [{"sentence": r.key, "text": texts[r.key]} for r in d.evidence]}
                          for d in comparison.discrepancies],
        "quotes": [{"article": a.article.id, "sentence": f"{a.article.id}:s{q.sentence}", "speaker": q.speaker,
                    "text": q.text, "cue": q.cue, "start": q.start, "end": q.end}
                   for a in comparison.analyses for q in a.quotes],
        "timeline": [{"date": e.date.isoformat(), "sentence": e.sentence.key, "text": e.text,
                      "expression": e.expression} for e in comparison.timeline],
        "digest": [{"text": line.text, "outlets": line.outlets, "kind": line.kind, "sentence": line.sentence.key,
                    "words": outlet_name(comparison, line.sentence.article)}
                   for line in digest_lines(comparison)],
    }


def _sentences(analysis: Analysis) -> list[dict[str, Any]]:
    """The article's sentences in the report: its headline (where compared), then its body."""
    article = analysis.article
    headline = headline_of(analysis)
    head = [] if headline is None else [{"id": headline_ref(analysis).key, "article": article.id, "text": headline,
                                         "headline": True, "start": None, "end": None}]
    return head + [{"id": f"{article.id}:s{s.index}", "article": article.id, "text": s.of(article.text),
                    "headline": False, "start": s.start, "end": s.end} for s in analysis.sentences]


__all__ = ["add_sentence_vectors", "compare", "story_day", "to_report"]
