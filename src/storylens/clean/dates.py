"""Dates written in page headers and metadata ("6 January 2020, 21:19 | Updated: ...")."""

from __future__ import annotations

import re
from datetime import datetime

from dateutil import parser as dateutil_parser

MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
          r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_TIME = r"(?:,?\s*(?:at\s+)?\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*(?:GMT|BST|UTC|[A-Z]{2,4}T))?)?"
_WEEKDAY = r"(?:(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?,?\s+)?"
DATE_PATTERN = re.compile(
    r"\b(?:"
    + _WEEKDAY + r"\d{1,2}(?:st|nd|rd|th)?\s+" + MONTH + r",?\s+\d{4}" + _TIME
    + r"|" + _WEEKDAY + MONTH + r"\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}" + _TIME
    + r"|\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?"
    + r"|\d{1,2}/\d{1,2}/\d{4}" + _TIME
    + r")",
    re.IGNORECASE,
)
_UPDATED = re.compile(r"\b(?:updated|last modified|modified|edited)\b", re.IGNORECASE)


# ISO 8601 (and RFC 3339) dates put the year first and the month second by definition: they are
# never day-first, whatever `dayfirst` says. Other year-first numeric forms (2020/01/06) follow the
# same order; nobody writes year/day/month.
_ISO_DATE = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$",
    re.IGNORECASE,
)
_YEAR_FIRST = re.compile(r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\b")


def parse_date(text: str, *, dayfirst: bool) -> datetime | None:
    """One date-time from a short string, or None; never guesses from a bare number.

    `dayfirst` (the `dayfirst` setting) decides only ambiguous numeric forms such as 06/01/2020;
    callers must pass it, so that the setting reaches every reader of dates. The time is kept as
    written (wall-clock time of the source); a time-zone offset is dropped, not converted.
    """
    text = text.strip()
    if not text or not re.search(r"\d", text):
        return None
    try:
        if _ISO_DATE.match(text):
            value = dateutil_parser.isoparse(text.replace(" ", "T", 1))
        elif _YEAR_FIRST.match(text):
            value = dateutil_parser.parse(text, yearfirst=True, dayfirst=False, fuzzy=True)
        else:
            value = dateutil_parser.parse(text.replace(" at ", " "), dayfirst=dayfirst, fuzzy=True)
    except (ValueError, OverflowError):
        return None
    return value.replace(tzinfo=None)


def given_date(value: datetime | str | None, *, dayfirst: bool) -> datetime | None:
    """A date a reader passed on (`RawDocument.published`): as it is, or read from its text."""
    return parse_date(value, dayfirst=dayfirst) if isinstance(value, str) else value


def as_written(found: datetime, page: str, *, dayfirst: bool) -> datetime:
    """A date htmldate found, read in the order the `dayfirst` setting gives.

    htmldate has no date-order option: it reads every ambiguous numeric date day-first. When the
    setting is month-first, the page writes the date only as such a numeric form (no ISO 8601 or
    month-name spelling of it anywhere) and htmldate's reading is ambiguous, the date is read
    again month-first."""
    if dayfirst or found.day > 12 or found.day == found.month:
        return found
    day, month, year = found.day, found.month, found.year
    if f"{year:04d}-{month:02d}-{day:02d}" in page or _in_words(found, page):
        return found
    numeric = re.compile(rf"(?<![\d/.-])0?{day}[/.-]0?{month}[/.-](?:{year}|{year % 100:02d})(?!\d)")
    return found.replace(month=day, day=month) if numeric.search(page) else found


def states_day(found: datetime, page: str) -> bool:
    """Whether the page writes the day of `found`: ISO 8601, with a month name, or as numbers
    (day or month first)."""
    day, month, year = found.day, found.month, found.year
    if f"{year:04d}-{month:02d}-{day:02d}" in page or _in_words(found, page):
        return True
    numbers = rf"(?<![\d/.-])(?:0?{day}[/.-]0?{month}|0?{month}[/.-]0?{day})[/.-](?:{year}|{year % 100:02d})(?!\d)"
    return re.search(numbers, page) is not None


def _in_words(found: datetime, page: str) -> bool:
    """Whether the page spells `found` with a month name ("6 January 2020", "Jan. 6, 2020")."""
    for match in DATE_PATTERN.finditer(page):
        text = match.group(0)
        if re.search(r"[A-Za-z]{3}", text):
            value = parse_date(text, dayfirst=True)  # a month name leaves no order to decide
            if value is not None and value.date() == found.date():
                return True
    return False


def header_dates(line: str, *, dayfirst: bool) -> tuple[datetime | None, datetime | None]:
    """(published, updated) from a dateline; a date after 'Updated' is the update."""
    published = updated = None
    for match in DATE_PATTERN.finditer(line):
        value = parse_date(match.group(0), dayfirst=dayfirst)
        if value is None:
            continue
        if _UPDATED.search(line[: match.start()][-30:]) and published is not None:
            updated = updated or value
        elif published is None:
            published = value
    return published, updated


def is_dateline(line: str) -> bool:
    """A line that is mostly a date: what is left after removing dates is a few words at most."""
    if not DATE_PATTERN.search(line):
        return False
    rest = DATE_PATTERN.sub(" ", line)
    rest = re.sub(r"\b(published|updated|last|modified|posted|on|at|by|gmt|bst|utc)\b|[|:,.\-–—]", " ",
                  rest, flags=re.IGNORECASE)
    return len(rest.split()) <= 3
