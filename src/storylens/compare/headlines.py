"""An article's headline as one of the sentences a comparison aligns.

How each outlet headlines a story is the first thing a reader compares, and a headline states the
story's main claim in the outlet's own words, so it takes part in alignment like any sentence of
its article (same similarity, same thresholds). It is the article's title, not a span of its clean
text: it has no offsets, and the analyze stage gives it no quotations, dates or entities. The
rules that read those (dates, quotation voice, negation by word frame) treat it apart, and it is
never a digest line nor a single-source fact of its own (the article list shows every title).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from storylens.model import HEADLINE, Analysis, SentenceRef

MAX_HEADLINE_CHARS = 400  # a title longer than this is a paragraph taken for a title; cut, not compared whole
_WORD = re.compile(r"[^\W\d_]{2,}")
_NAME_WORD = re.compile(r"[\w'’-]+")
# Quoted stretches: curly or straight double quotes, and single curly quotes, which headlines
# use for quotations ("Trump: ‘I will not’"); a straight single quote is too often an apostrophe.
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|‘[^’]*’|«[^»]*»")
NAMED = ("PERSON", "ORG", "GPE")


def headline_of(analysis: Analysis) -> str | None:
    """The article's headline as compared, or None: no title, a title without a word, or one that
    is a body sentence too (a text whose first line is both title and lead would otherwise pair
    that line with itself through two routes)."""
    title = " ".join((analysis.article.title or "").split())[:MAX_HEADLINE_CHARS]
    if not _WORD.search(title):
        return None
    folded = _fold(title)
    if any(_fold(s.of(analysis.article.text)) == folded for s in analysis.sentences):
        return None
    return title


def sentence_text(analysis: Analysis, ref: SentenceRef) -> str:
    """The text of a sentence of this analysis' article, its headline included."""
    if ref.headline:
        return headline_of(analysis) or ""
    return analysis.sentence_text(ref.index)


def headline_ref(analysis: Analysis) -> SentenceRef:
    return SentenceRef(analysis.article.id, HEADLINE)


def _fold(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def headline_names(analysis: Analysis) -> set[str]:
    """The last words (casefolded) of the people, organisations and places of the article that
    its headline names. The analyze stage reads the body only; a headline names the story's
    participants by the forms the body uses ("Mattis" for Jim Mattis), so a name of the body
    whose last word is a word of the headline is taken as named there."""
    words = {w.casefold() for w in _NAME_WORD.findall(headline_of(analysis) or "")}
    return {last for m in analysis.entities if m.canonical and m.label in NAMED
            if (last := m.canonical.split()[-1].casefold()) in words}


def headline_voice(analysis: Analysis) -> Callable[[int], str | None]:
    """Whose a number at an offset of the headline is: the outlet's (""), or, inside quotation
    marks, a speaker the headline does not resolve ("?"), so it is never set against an outlet's
    own figure (what `discrepancies._voice` says of body sentences)."""
    quoted = [m.span() for m in _QUOTED.finditer(headline_of(analysis) or "")]

    def voice(offset: int) -> str | None:
        return "?" if any(start <= offset < end for start, end in quoted) else ""
    return voice
