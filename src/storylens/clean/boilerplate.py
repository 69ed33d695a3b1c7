"""Line rules that tell page furniture from article paragraphs, shared by the HTML and text paths.

trafilatura removes most furniture from HTML, but what sits inside the article container leaks
(related-headline lists, "follow our live updates", photo credits); scraped plain text has it
all. No library classifies such lines in plain text, so these rules are written here; each one
names the reason it records, so users can see and contest every removal.

Article text is hostile: every rule here runs in time linear in the line (no pattern that can
backtrack over an unbounded run), and `strip_boilerplate` in time linear in the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from storylens.clean import budget
from storylens.clean.dates import is_dateline
from storylens.model import Removed

RELATED_HEADING = re.compile(
    r"^(?:see more\b.*|(?:more|latest|related|top|trending|recommended|popular)\s+(?:latest\s+)?"
    r"(?:news|stories|articles|headlines|reads|videos|from\b.*|on this (?:story|topic))"
    r"|most (?:read|popular|viewed|shared)(?: stories| articles)?|read more(?: news| stories)?|"
    r"you (?:may|might) also (?:like|be interested in)|also (?:read|see)|what to read next|"
    r"more (?:on|about) this(?: story)?|related(?: content| coverage| links| topics)?|"
    r"in other news|around the web|don't miss)\s*:?$",
    re.IGNORECASE,
)
CALL_TO_ACTION = re.compile(
    r"\b(?:follow (?:our|the) live (?:updates|coverage|blog)|live updates here|"
    r"sign up (?:for|to)|subscribe (?:to|now|for)|download (?:our|the) app|follow us on|"
    r"share this (?:article|story)|click here|read (?:our|the) full (?:coverage|story)|"
    r"listen (?:to|live)\b.*\b(?:podcast|now|live)|watch live|get (?:our|the) newsletter|"
    r"join (?:our|the) (?:whatsapp|telegram)|newsletter)\b",
    re.IGNORECASE,
)
CREDIT = re.compile(
    r"(?:(?:^|[.!?]\s+|\s[-–|]\s)(?:picture|pictures|photo|photograph|image|credit|source|footage)s?\s*:"
    r"\s*[^.:,;]{1,50}\.?|"
    r"\((?:photo|picture|image|credit)s?\s*:?[^)]{1,60}\)|"
    r"(?:^|[.!?]\s+)(?:getty images|ap photo|afp via getty|reuters|shutterstock|pa wire|pa media|epa)"
    r"(?:/[^.]{1,40})?\.?)$",
    re.IGNORECASE,
)
CAPTION_START = re.compile(r"^(?:file photo|pictured|above|below|photo|image|main image)\s*:", re.IGNORECASE)
MEDIA_BULLET = re.compile(r"^\s*[•▶►▸◆■●]\s*")
MEDIA_LEAD = re.compile(r"^(?:video|watch|listen|audio|gallery|in pictures|pictures)\s*:", re.IGNORECASE)
PAGE_LABEL = re.compile(
    r"^(?:exclusive|advertisement|sponsored(?: content)?|share|comments?|print|email|"
    r"skip to (?:main )?content|loading\.*|listen to this article|breaking)$",
    re.IGNORECASE,
)
# The mark and an optional year; the holder is what follows, read by `copyright_holder` with
# string methods (a regex with a lazy group before an optional tail backtracks quadratically).
COPYRIGHT = re.compile(r"(©|\(c\)|copyright)\s*(?:©\s*)?(?:\d{4}\s*)?", re.IGNORECASE)
BYLINE = re.compile(r"^[Bb]y\s+([A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3})(?:\s*[,|–-].*)?$")
TERMINAL_CHARS = ".!?:;\"”’')]"
RELATED_TAIL_HEADLINE_SHARE = 0.5


@dataclass
class Lines:
    """The outcome of the line rules: paragraphs kept, blocks removed, metadata lifted."""

    kept: list[str] = field(default_factory=list)
    removed: list[Removed] = field(default_factory=list)
    outlet: str | None = None
    byline: str | None = None


def strip_boilerplate(paragraphs: list[str], header_lines: int = 6, title: str | None = None) -> Lines:
    """Apply the rules to a list of paragraphs (one per line of text, empty lines dropped)."""
    out = Lines()
    paragraphs = [p.strip() for p in paragraphs if p.strip()]
    tail = _HeadlineTail(paragraphs)
    i = 0
    while i < len(paragraphs):
        budget.check()
        line = paragraphs[i]
        nxt = paragraphs[i + 1] if i + 1 < len(paragraphs) else ""
        if _is_related_heading(line, tail, i + 1):
            _remove_related_tail(paragraphs[i:], out)
            break
        if i < header_lines and title and line.casefold() == title.strip().casefold():
            out.removed.append(Removed(line, "title (kept as metadata)"))
            i += 1
            continue
        if nxt and _is_caption_pair(line, nxt):
            out.removed.append(Removed(line, "photo caption"))
            out.removed.append(Removed(nxt, "photo caption and credit"))
            i += 2
            continue
        reason = line_reason(line, near_top=i < header_lines)
        if reason == "byline" and out.byline is None:
            match = BYLINE.match(line)
            out.byline = match.group(1) if match else line
        elif reason == "copyright notice" and out.outlet is None:
            out.outlet = copyright_holder(line)
        if reason:
            out.removed.append(Removed(line, reason))
        elif out.kept and line == out.kept[-1]:
            out.removed.append(Removed(line, "repeated line"))
        else:
            out.kept.append(line)
        i += 1
    return out


def _remove_related_tail(rest: list[str], out: Lines) -> None:
    """Everything from a related-links heading to the end, the copyright line named as such."""
    for p in rest:
        notice = len(p.split()) <= 12 and is_copyright(p)
        out.removed.append(Removed(p, "copyright notice" if notice else "related-links list"))
        if notice and out.outlet is None:
            out.outlet = copyright_holder(p)


def is_copyright(line: str) -> bool:
    """'© Valley Post 2025', 'Copyright 2024 Example Media.': a mark, then something after it."""
    match = COPYRIGHT.match(line)
    return match is not None and bool(line[match.end(1) :].strip())


def copyright_holder(line: str) -> str | None:
    """The holder named in a copyright line, without the mark, the year or trailing dots."""
    match = COPYRIGHT.match(line)
    if not match:
        return None
    holder = line[match.end() :].rstrip(". \t\n\r\f\v")
    year = holder[-4:]
    if len(holder) > 4 and year.isascii() and year.isdigit():
        holder = holder[:-4].rstrip(". \t\n\r\f\v")
    return holder.strip() or None


def line_reason(line: str, near_top: bool = False) -> str | None:
    """Why a single line is furniture, or None when it reads like article text."""
    words = len(line.split())
    if PAGE_LABEL.match(line):
        return "page label"
    if words <= 15 and CALL_TO_ACTION.search(line):
        return "call to action"
    if MEDIA_BULLET.match(line) and not ends_like_sentence(line):
        return "video or media blurb"
    if MEDIA_LEAD.match(line) and words <= 25:
        return "video or media blurb"
    if CAPTION_START.match(line):
        return "photo caption"
    if words <= 40 and CREDIT.search(line) and not _ends_in_quote(line):
        return "photo caption and credit"
    if words <= 12 and is_copyright(line):
        return "copyright notice"
    if near_top and words <= 8 and BYLINE.match(line):
        return "byline"
    if near_top and is_dateline(line):
        return "dateline (kept as metadata)"
    return None


def _ends_in_quote(line: str) -> bool:
    return line.rstrip().endswith(('"', "”", "’"))


def _is_caption_pair(line: str, nxt: str) -> bool:
    """A caption printed twice, the second time with its credit: 'X' then 'X. Picture: PA'."""
    if len(line) < 15 or not nxt.startswith(line.rstrip(".")):
        return False
    rest = nxt[len(line.rstrip(".")) :].strip(" .")
    return bool(rest) and bool(CREDIT.search(rest)) and len(rest.split()) <= 8


def ends_like_sentence(line: str) -> bool:
    """The line's last visible character closes a sentence, a quotation or a bracket."""
    stripped = line.rstrip()
    return bool(stripped) and stripped[-1] in TERMINAL_CHARS


def _headline_like(paragraph: str) -> bool:
    return not ends_like_sentence(paragraph) or len(paragraph.split()) <= 14


class _HeadlineTail:
    """How many paragraphs from index i on look like headlines, for every i, counted once.

    A related-links heading is judged by the paragraphs after it; counting them afresh at every
    candidate heading (or copying the rest of the page each time) is quadratic in the page."""

    def __init__(self, paragraphs: list[str]) -> None:
        self.paragraphs = paragraphs
        self._counts: list[int] | None = None

    def share_from(self, start: int) -> float | None:
        """The share of headline-like paragraphs from `start` to the end; None when there are none."""
        if start >= len(self.paragraphs):
            return None
        if self._counts is None:
            counts = [0] * (len(self.paragraphs) + 1)
            for index in range(len(self.paragraphs) - 1, -1, -1):
                counts[index] = counts[index + 1] + _headline_like(self.paragraphs[index])
            self._counts = counts
        return self._counts[start] / (len(self.paragraphs) - start)


def _is_related_heading(line: str, tail: _HeadlineTail, start: int) -> bool:
    """A 'More Latest News' heading followed by a list of headlines, not by more article text."""
    if len(line.split()) > 8 or not RELATED_HEADING.match(line.strip()):
        return False
    share = tail.share_from(start)
    return share is None or share >= RELATED_TAIL_HEADLINE_SHARE
