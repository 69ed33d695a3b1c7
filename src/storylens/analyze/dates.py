"""Date expressions in article text, resolved to calendar days.

Relative expressions ("on Friday", "last week", "over the weekend") are resolved against a
reference day: the article's publication date, else the story's. News prose uses past weekdays
("on Friday" in a Monday story means three days before) unless it says "next" or "this coming".
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from storylens.clean.dates import DATE_PATTERN, parse_date
from storylens.model import DateRef

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
_DAY_MONTH = re.compile(
    r"\b(?:\d{1,2}(?:st|nd|rd|th)?\s+(?:January|February|March|April|May|June|July|August|September|"
    r"October|November|December)|(?:January|February|March|April|May|June|July|August|September|"
    r"October|November|December)\s+\d{1,2}(?:st|nd|rd|th)?)\b(?!,?\s+\d{4})"
)


def find_dates(text: str, reference: date | None) -> list[DateRef]:
    found: list[DateRef] = []
    taken: list[tuple[int, int]] = []
    for match in DATE_PATTERN.finditer(text):
        value = parse_date(match.group(0))
        if value:
            found.append(DateRef(match.start(), match.end(), text=match.group(0), date=value.date()))
            taken.append(match.span())
    if reference is not None:
        for pattern, resolve in ((RELATIVE, _relative), (_DAY_MONTH, _day_month)):
            for match in pattern.finditer(text):
                if any(s < match.end() and match.start() < e for s, e in taken):
                    continue
                day = resolve(match.group(0), reference)
                if day:
                    found.append(DateRef(match.start(), match.end(), text=match.group(0), date=day))
                    taken.append(match.span())
    return sorted(found, key=lambda d: d.start)


def _relative(expression: str, ref: date) -> date | None:
    e = expression.casefold()
    if "yesterday" in e or "last night" in e:
        return ref - timedelta(days=1)
    if "today" in e or "tonight" in e:
        return ref
    if "tomorrow" in e:
        return ref + timedelta(days=1)
    if "weekend" in e:
        return ref - timedelta(days=(ref.weekday() - 5) % 7 or 7)  # the Saturday before
    if "week" in e:  # "last week" is not one day: its Monday stands for it
        monday = ref - timedelta(days=ref.weekday())
        return monday + timedelta(days=7 if e.startswith("next") else -7)
    for number, name in enumerate(WEEKDAYS):
        if name in e:
            if e.startswith(("next", "this coming", "until", "by")):
                return ref + timedelta(days=(number - ref.weekday()) % 7 or 7)
            return ref - timedelta(days=(ref.weekday() - number) % 7)
    return None


def _day_month(expression: str, ref: date) -> date | None:
    value = parse_date(f"{expression} {ref.year}")
    if value is None:
        return None
    day = value.date()
    if day > ref + timedelta(days=31):  # "December 28" in a January story is last year's
        day = day.replace(year=ref.year - 1)
    return day
