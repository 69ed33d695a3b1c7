"""A story's timeline: every dated sentence, in date order."""

from __future__ import annotations

from storylens.model import Analysis, SentenceRef, TimelineEvent


def build_timeline(analyses: list[Analysis]) -> list[TimelineEvent]:
    events: dict[tuple, TimelineEvent] = {}
    for a in analyses:
        for ref in a.dates:
            if ref.date is None:
                continue
            sentence = SentenceRef(a.article.id, ref.sentence)
            key = (ref.date, sentence.key)
            events.setdefault(key, TimelineEvent(ref.date, sentence, a.sentence_text(ref.sentence), ref.text))
    return sorted(events.values(), key=lambda e: (e.date, e.sentence.article, e.sentence.index))
