"""Dates written in page headers and metadata ("6 January 2020, 21:19 | Updated: ...")."""

from __future__ import annotations

import re
from datetime import datetime

from dateutil import parser as dateutil_parser

_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
          r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_TIME = r"(?:,?\s*(?:at\s+)?\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*(?:GMT|BST|UTC|[A-Z]{2,4}T))?)?"
_WEEKDAY = r"(?:(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?,?\s+)?"
DATE_PATTERN = re.compile(
    r"\b(?:"
    + _WEEKDAY + r"\d{1,2}(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+\d{4}" + _TIME
    + r"|" + _WEEKDAY + _MONTH + r"\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}" + _TIME
    + r"|\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?"
    + r"|\d{1,2}/\d{1,2}/\d{4}" + _TIME
    + r")",
    re.IGNORECASE,
)
_UPDATED = re.compile(r"\b(?:updated|last modified|modified|edited)\b", re.IGNORECASE)


def parse_date(text: str, dayfirst: bool = True) -> datetime | None:
    """One date-time from a short string, or None; never guesses from a bare number."""
    text = text.strip()
    if not text or not re.search(r"\d", text):
        return None
    try:
        value = dateutil_parser.parse(text.replace(" at ", " "), dayfirst=dayfirst, fuzzy=True)
    except (ValueError, OverflowError):
        return None
    return value.replace(tzinfo=None)


def header_dates(line: str, dayfirst: bool = True) -> tuple[datetime | None, datetime | None]:
    """(published, updated) from a dateline; a date after 'Updated' is the update."""
    published = updated = None
    for match in DATE_PATTERN.finditer(line):
        value = parse_date(match.group(0), dayfirst)
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
