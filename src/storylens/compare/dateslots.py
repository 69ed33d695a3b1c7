"""When a sentence says its event happens: the date slots of a sentence, as calendar intervals.

A sentence often carries two kinds of dates: when something was said ("Trump announced Sunday
that…", "tweeted on Thursday") and when the reported event happens ("…will leave on January 1",
"…at the end of February"). Two outlets making one claim may well report it on different days,
so only the second kind is compared. Which kind a date is comes from the parse: the verb the date
expression hangs from; a speech verb makes it the date of the saying.

Dates are intervals because outlets give them at different grains: "in February" and "on
February 28" agree; "on January 1" and "at the end of February" do not. A month named without a
day or year is placed in the year that puts it nearest to the article's own date (a December
article's "February" is next year's).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from storylens.analyze.quotes import SPEECH_VERBS
from storylens.model import Analysis

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

_MONTHS = [m.casefold() for m in calendar.month_name[1:]]
MONTH_ONLY = re.compile(
    r"\b(?:(?:in\s+)?(?:early|mid|late)[- ]|(?:at\s+|by\s+)?the\s+(?:start|beginning|middle|end)\s+of\s+"
    r"|in\s+|by\s+|until\s+|since\s+)?"
    r"(January|February|March|April|May|June|July|August|September|October|November|December)"
    r"(?:,?\s+(\d{4}))?\b(?!\s+\d{1,2}\b)",
)
_MONTH_NAME = re.compile(r"\b(?:" + "|".join(calendar.month_name[1:]) + r")\b")
_DAY_GRAIN = re.compile(r"\d{1,2}\b|day\b|night\b|morning|evening|afternoon|tonight|tomorrow|week", re.I)
_PART = {"early": (1, 10), "start": (1, 10), "beginning": (1, 10), "mid": (11, 20), "middle": (11, 20),
         "late": (21, 31), "end": (21, 31)}


@dataclass(frozen=True)
class DateSlot:
    """A date expression of a sentence, the interval it names, and whether it dates the event
    (rather than the saying of it)."""

    text: str
    first: date
    last: date
    start: int  # character offset into the article
    end: int

    @property
    def absolute(self) -> bool:
        """Named by month or year ("January 1", "in February"), not by weekday or "yesterday"."""
        return bool(_MONTH_NAME.search(self.text) or re.search(r"\b\d{4}\b", self.text))

    def overlaps(self, other: DateSlot) -> bool:
        return self.first <= other.last and other.first <= self.last

    def describe(self) -> str:
        if self.first == self.last:
            return f"{self.text} ({self.first.isoformat()})"
        return f"{self.text} ({self.first.isoformat()} to {self.last.isoformat()})"


def sentence_slots(analysis: Analysis, index: int) -> list[DateSlot]:
    """Every resolved date expression of one sentence, as an interval."""
    sentence = analysis.sentences[index]
    text = analysis.article.text
    reference = analysis.article.day
    slots = [_slot_of_dateref(d.text, _placed(d.text, d.date, reference), d.start, d.end) for d in analysis.dates
             if d.sentence == index and d.date is not None]
    taken = [(s.start, s.end) for s in slots]
    for match in MONTH_ONLY.finditer(text, sentence.start, sentence.end):
        if any(s < match.end() and match.start() < e for s, e in taken):
            continue  # already resolved to a day by the analysis
        if reference is None and not match.group(2):
            continue  # no year given and none to infer it from

        slots.append(_month_slot(match, reference))
    return sorted(slots, key=lambda s: s.start)


def event_slots(analysis: Analysis, index: int, doc: Doc) -> list[tuple[DateSlot, str]]:
    """The date slots of a sentence that date its event, not its saying, each with the lemma of
    the verb it dates ("leave" in "will leave at the end of February"; `doc` parses the sentence)."""
    offset = analysis.sentences[index].start
    out = []
    for slot in sentence_slots(analysis, index):
        verb = _dated_verb(doc, slot.start - offset, slot.end - offset)
        if verb is None or verb.lower_ not in SPEECH_VERBS:
            out.append((slot, verb_lemma(verb.lower_) if verb is not None else ""))
    return out


def verb_lemma(word: str) -> str:
    """"leaving", "leaves", "left" -> "leave": the analysis pipeline runs without spaCy's
    lemmatizer (speed), so the verb's lemma comes from lemminflect's dictionary."""
    import lemminflect

    lemmas = lemminflect.getLemma(word, upos="VERB")
    return lemmas[0] if lemmas else word


def _dated_verb(doc: Doc, start: int, end: int) -> Token | None:
    """The verb a date expression hangs from ("announced" in "announced Sunday")."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return None
    head = span.root.head
    # Up the tree to the nearest verb (Penn tags VB*: the pipeline runs without the attribute
    # ruler, so coarse POS tags are not set); the root heads itself.
    while not head.tag_.startswith("VB") and head.head.i != head.i:
        head = head.head
    return head if head.tag_.startswith("VB") else None


def _placed(text: str, day: date, reference: date | None) -> date:
    """A month and day given without a year ("on January 1") placed by the same rule as a month
    alone: the year nearest the article's date, so that two outlets' dates compare as they mean."""
    if reference is None or not _MONTH_NAME.search(text) or re.search(r"\b\d{4}\b", text):
        return day
    try:
        return day.replace(year=_nearest_year(day.month, reference))
    except ValueError:  # February 29 outside a leap year: keep the analysis's reading
        return day


def _slot_of_dateref(text: str, day: date, start: int, end: int) -> DateSlot:
    """A resolved expression names a day, unless it names no day ("February 2019"): then its month."""
    if _DAY_GRAIN.search(text.replace(str(day.year), "")):
        return DateSlot(text, day, day, start, end)
    return DateSlot(text, day.replace(day=1), _month_end(day.year, day.month), start, end)


def _month_slot(match: re.Match[str], reference: date | None) -> DateSlot:
    month = _MONTHS.index(match.group(1).casefold()) + 1
    year = int(match.group(2)) if match.group(2) else _nearest_year(month, reference)
    first, last = 1, calendar.monthrange(year, month)[1]
    for word, (lo, hi) in _PART.items():
        if re.search(rf"\b{word}\b", match.group(0), re.I):
            first, last = lo, min(hi, last)
    return DateSlot(match.group(0).strip(), date(year, month, first), date(year, month, last),
                    match.start(), match.end())


def _nearest_year(month: int, reference: date | None) -> int:
    """The year that puts the month within six months of the article's date."""
    assert reference is not None
    candidates = [reference.year - 1, reference.year, reference.year + 1]
    return min(candidates, key=lambda y: abs((date(y, month, 15) - reference).days))


def _month_end(year: int, month: int) -> date:
    return date(year, month, 1) + timedelta(days=calendar.monthrange(year, month)[1] - 1)
