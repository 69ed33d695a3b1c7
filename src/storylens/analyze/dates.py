"""Date expressions in article text, resolved to calendar days.

Relative expressions ("on Friday", "last week", "January 1" without a year) are resolved against
when the article was written (`Written`): its publication day, or for an undated article the span
of its story's days. Which way such an expression points is read from the sentence, not guessed
per case: an explicit word decides first ("last", "next", "until"); else the tense of the verb
the expression belongs to ("divers searched on Wednesday" is past, "the bridge will reopen on
Wednesday" and "the law takes effect January 1" are not); with neither, a weekday is taken as past
(news reports the week behind it) and a date without a year as the nearest such day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Literal

from storylens.clean.dates import DATE_PATTERN, MONTH, parse_date
from storylens.model import DateRef

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

Direction = Literal["past", "future"] | None

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_WEEKDAY = r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
RELATIVE = re.compile(
    r"\b(?:(?:on|last|this|next|this coming|since|until|by|from)\s+)?" + _WEEKDAY
    + r"(?:\s+(?:morning|afternoon|evening|night))?\b"
    r"|\b(?:yesterday|today|tonight|tomorrow|last night)\b"
    r"|\b(?:over|at|during|on) the weekend\b|\blast weekend\b"
    r"|\b(?:last|next) week\b",
    re.IGNORECASE,
)
# Month names are matched case-sensitively, so that "may 5" or "march on" in prose do not count.
_DAY_MONTH = re.compile(
    r"\b(?:\d{1,2}(?:st|nd|rd|th)?\s+" + MONTH + r"|" + MONTH + r"\s+\d{1,2}(?:st|nd|rd|th)?)"
    r"(?!\w)(?!,?\s+\d{4})"
)
_PAST_WORDS = ("last", "since")
_FUTURE_WORDS = ("next", "this coming", "until", "by")
_WILL = {"will", "shall", "'ll", "wo"}
_MAX_HEAD_STEPS = 6


@dataclass(frozen=True)
class Written:
    """When an article was written, as far as is known: its publication day, or for an undated
    article the first and last days of its story (it was written within them)."""

    first: date
    last: date

    @classmethod
    def on(cls, day: date) -> Written:
        return cls(day, day)

    def __str__(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first}..{self.last}"


def find_dates(text: str, written: Written | date | None, *, dayfirst: bool, doc: Doc | None = None
               ) -> list[DateRef]:
    """Every date expression in `text`; relative ones only when `written` is known.

    `doc` is the spaCy parse of `text`: with it, the tense of the verb an expression belongs to
    tells which way it points. `dayfirst` is the setting for ambiguous numeric dates."""
    if isinstance(written, date):
        written = Written.on(written)
    found: list[DateRef] = []
    taken: list[tuple[int, int]] = []
    for match in DATE_PATTERN.finditer(text):
        value = parse_date(match.group(0), dayfirst=dayfirst)
        if value:
            found.append(DateRef(match.start(), match.end(), text=match.group(0), date=value.date()))
            taken.append(match.span())
    if written is not None:
        for pattern, resolve in ((RELATIVE, _relative), (_DAY_MONTH, _day_month)):
            for match in pattern.finditer(text):
                if any(s < match.end() and match.start() < e for s, e in taken):
                    continue
                direction = tense_at(doc, match.start(), match.end()) if doc is not None else None
                day = resolve(match.group(0), written, direction, dayfirst)
                if day:
                    found.append(DateRef(match.start(), match.end(), text=match.group(0), date=day))
                    taken.append(match.span())
    return sorted(found, key=lambda d: d.start)


def tense_at(doc: Doc, start: int, end: int) -> Direction:
    """Which way the clause holding characters start..end points in time, from its verb.

    The expression's head is followed up the parse to the first verb; its own form and its
    auxiliaries give the tense (spaCy's fine-grained tags: VBD past, VBN with have/was past,
    will/shall future). Present tense with a date points ahead ("the strike ends on Friday",
    "is due on Monday"); an infinitive takes the tense of the verb it depends on."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    verb = _governing_verb(span.root)
    steps = 0
    while verb is not None and steps < _MAX_HEAD_STEPS:
        steps += 1
        direction, defer = _verb_tense(verb)
        if not defer:
            return direction
        verb = _governing_verb(verb.head) if verb.head is not verb else None
    return None


def _governing_verb(token: Token) -> Token | None:
    for _ in range(_MAX_HEAD_STEPS):
        if token.tag_.startswith("VB") or token.tag_ == "MD":
            return token
        if token.head is token:
            return None
        token = token.head
    return None


def _verb_tense(verb: Token) -> tuple[Direction, bool]:
    """(direction, whether to ask the verb this one depends on instead)."""
    aux = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    words = {c.lower_ for c in aux}
    if words & _WILL:
        return "future", False
    modal = [c for c in aux if c.tag_ == "MD"]
    if modal:  # "may have died on Friday" is past; "would reopen on Monday" is not
        return ("past" if "have" in words else "future"), False
    if any(c.tag_ == "VBD" for c in aux):  # was, were, had, did
        return "past", False
    if verb.tag_ == "VBN" and words & {"has", "have", "'ve", "'s"}:
        return "past", False
    if verb.tag_ == "VBD":
        return "past", False
    if verb.tag_ == "VBN" and not aux:  # "a man injured on Tuesday"
        return "past", False
    if any(c.tag_ in ("VBZ", "VBP") for c in aux) or verb.tag_ in ("VBZ", "VBP"):
        return "future", False
    # An infinitive ("expected to meet on Monday") or a bare participle: its governor decides.
    return None, True


def _relative(expression: str, written: Written, direction: Direction, dayfirst: bool) -> date | None:
    e = expression.casefold()
    if "yesterday" in e or "last night" in e:
        return written.last - timedelta(days=1)
    if "today" in e or "tonight" in e:
        return written.first
    if "tomorrow" in e:
        return written.first + timedelta(days=1)
    if "weekend" in e:  # the Saturday before
        return written.last - timedelta(days=(written.last.weekday() - 5) % 7 or 7)
    if "week" in e:  # "last week" is not one day: its Monday stands for it
        if e.startswith("next"):
            return written.first - timedelta(days=written.first.weekday()) + timedelta(days=7)
        return written.last - timedelta(days=written.last.weekday()) - timedelta(days=7)
    for number, name in enumerate(WEEKDAYS):
        if name in e:
            return _weekday(number, e, written, direction)
    return None


def _weekday(number: int, expression: str, written: Written, direction: Direction) -> date:
    if expression.startswith(("next", "this coming")):  # strictly after: never the same day
        return written.first + timedelta(days=(number - written.first.weekday()) % 7 or 7)
    if expression.startswith("last"):
        return written.last - timedelta(days=(written.last.weekday() - number) % 7 or 7)
    if expression.startswith(_FUTURE_WORDS) or (direction == "future" and not expression.startswith(_PAST_WORDS)):
        return written.first + timedelta(days=(number - written.first.weekday()) % 7)
    return written.last - timedelta(days=(written.last.weekday() - number) % 7)


def _day_month(expression: str, written: Written, direction: Direction, dayfirst: bool) -> date | None:
    """A day and month without a year: in the year that agrees with the tense, else the nearest."""
    candidates = []
    for year in (written.last.year - 1, written.last.year, written.last.year + 1):
        value = parse_date(f"{expression} {year}", dayfirst=dayfirst)
        if value is not None:
            candidates.append(value.date())
    if not candidates:
        return None
    if direction == "past":
        before = [d for d in candidates if d <= written.last]
        return max(before) if before else min(candidates)
    if direction == "future":
        after = [d for d in candidates if d >= written.first]
        return min(after) if after else max(candidates)
    return min(candidates, key=lambda d: (_distance(d, written), d > written.last))


def _distance(day: date, written: Written) -> int:
    if day < written.first:
        return (written.first - day).days
    return max(0, (day - written.last).days)
