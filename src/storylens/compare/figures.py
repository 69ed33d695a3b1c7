"""The figures a sentence gives, by what they count: numbers written in digits ("300 jobs") or in
words ("Sixty people", "two dozen soldiers", "a million doses"), each with the word that bounds it
("more than", "about") and whose figure it is (the outlet's or a quoted speaker's).

A number in words is a count only on good evidence, since a false difference costs a reader's trust
more than a missed one: "one" and "a" are rarely counts ("one of the victims", "no one", "a
man"), ordinals rank ("the first time"), plurals are vague ("hundreds of people"), and a
capitalised number word inside a sentence is part of a name ("Fox Five", "the Big Ten").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

# A figure's tail: the scale word (part of the number: "200 million"), and the word after it, which
# names what is counted ("200 million doses") unless it is a function word ("$5 billion for").
TAIL = re.compile(r"\s*(?:(thousand|million|billion|trillion)\b\s*)?(%|per cent|percent|[a-z]+)?", re.I)
DIGITS = re.compile(r"\b(\d[\d,.]*\d|\d)")
ORDINAL_SUFFIX = re.compile(r"st|nd|rd|th")
SENTENCE_END = re.compile(r"[.!?][\"'’”)]*\s+[A-Z\"“]")
# "157 of 338 seats": the number before "of" counts what the whole counts; the whole is not the claim.
PART_OF = re.compile(r"\s+(?:out\s+)?of\s+(?:the\s+)?[$€£]?\s*", re.I)
# "10 to 12 people", "ten or twelve": a range, which no single figure of another outlet contradicts
# or confirms as one claim; it is left out (English gives the noun once, after the second number).
RANGE = re.compile(r"\s*(?:-|–|\s(?:to|or)\s)\s*", re.I)
LOWER_BOUNDS = {"more than", "over", "at least", "upwards of", "in excess of", "above"}
UPPER_BOUNDS = {"less than", "fewer than", "under", "up to", "at most", "nearly", "almost", "below"}
APPROXIMATOR = re.compile(r"\b(more than|over|at least|upwards of|in excess of|above|less than|fewer than|under|"
                          r"up to|at most|nearly|almost|below|about|around|roughly|approximately|some|an estimated)"
                          r"\s+[$€£]?\s*$", re.I)
CACHED_TEXT = 2000     # characters: a text up to this long (a sentence) has its number words cached
ROUNDED = 0.1          # "about 300" covers 270-330: a figure rounded to its leading digits
MONTH_NAME = re.compile(r"\b(?:January|February|March|April|May|June|July|August|September|October|November|"
                        r"December)\b")
# A number right after a month is its day ("the Sept. 11 hijackers"), not a count of what follows.
DAY_OF_MONTH = re.compile(r"\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?\s*$|"
                          + MONTH_NAME.pattern + r"\s*$")

# What text2num is handed: words, numbers in digits and single punctuation marks, by offset.
_TOKEN = re.compile(r"[^\W\d_]+|\d[\d,.]*\d|\d|\S")
# The scales a figure in digits keeps in its unit ("1.2 million people"): a number in words written
# with one is split the same way ("a million people" is 1 of "million people"), so the two compare.
_UNIT_SCALES = {"million": 1e6, "billion": 1e9, "trillion": 1e12}
# A number in words that starts at its scale ("million", "hundred and fifty") is a count only after
# "a" or "an"; otherwise it is the scale of a number before it ("1.2 million") or stands alone.
_SCALE_FIRST = re.compile(r"(?:hundred|thousand|million|billion|trillion)\b", re.I)
_A_BEFORE = re.compile(r"(?<![\w-])(?<!half )(an?)\s+$", re.I)
# text2num does not read "dozen", which news writes as a number ("two dozen", "a dozen soldiers").
_DOZEN_AFTER = re.compile(r"\s+dozen\b(?!s)", re.I)
_A_DOZEN = re.compile(r"(?<![\w-])(?<!half )\b(an?)\s+dozen\b(?!s)", re.I)
_HALF = re.compile(r"\bhalf\s+(?:an?\s+)?$|^\s+and\s+a\s+half\b", re.I)
# The calendar's units of a span of time: a closed list English does not add to.
_TIME_UNITS = {f"{unit}{plural}" for unit in ("second", "minute", "hour", "day", "week", "month", "year", "decade")
               for plural in ("", "s")}
_TIME_ANCHOR_BEFORE = re.compile(r"\b(?:after|within|in|into|first|last|past|next|every)\s+$", re.I)
_TIME_ANCHOR_AFTER = re.compile(r"\s*(?:after|before|ago|later|earlier|into|since|prior|from now)\b", re.I)
_JOINED = re.compile(r"\s*(?:,|,?\s+and)?\s+")
_ACCORDING_TO = re.compile(r"\baccording\s+to\s+(?:at\s+least\s+|more\s+than\s+)?$", re.I)
# "three people familiar with", "four U.S. officials said": a few words of a noun phrase (no verb
# of being, no comma), then what a source does in a report.
_SOURCES_AFTER = re.compile(r"(?:\s*(?!(?:were|was|are|is|be|been|have|has|had|will|would|and|or)\b)[A-Za-z][\w.’'-]*)"
                            r"{0,4}?\s+(?:familiar\s+with|with\s+(?:direct\s+)?knowledge|briefed\s+on|close\s+to|"
                            r"who\s+(?:spoke|asked|requested|declined|insisted)|said|say|says|told)\b", re.I)
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\n]|—|--)[\s\"“‘'(\[]*$")
_NEXT_WORD = re.compile(r"[\s\"”’']*([^\W\d_])")


@dataclass(frozen=True)
class Figure:
    """A number as one sentence gives it: the word that bounds it ("more than"; "" for none), the
    number as written ("716", "Sixty", "two dozen", "a" of "a million"), its value where it is
    written in words (digits are read from `number`), the whole it is a part of ("three of the
    seven bullets": 7), and where it starts in its text (not part of its identity)."""

    qualifier: str
    number: str
    value: float | None = None
    whole: float | None = None
    start: int = field(default=-1, compare=False)

    @property
    def in_words(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class Written:
    """A number in a text: its words or digits (without the scale word that `TAIL` reads), its
    value, and whether it counts something (`count` is False for a number in words that is a name,
    a pronoun or a vague plural: not a figure itself, nor a part of a whole that can be compared)."""

    start: int
    end: int
    text: str
    value: float | None
    count: bool = True


class _Token:
    """A token as text2num's `find_numbers` reads it (its Token protocol), with its offsets."""

    def __init__(self, match: re.Match[str]) -> None:
        self.match = match

    def text(self) -> str:
        return self.match.group()

    def nt_separated(self, previous: _Token) -> bool:
        return False

    def not_a_number_part(self) -> bool:
        return False


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """scikit-learn's English stop words, imported on first use: importing scikit-learn takes
    seconds, and every process that imports the API (each server worker) would pay it at start."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return ENGLISH_STOP_WORDS


def figures_by_unit(text: str, voice: Callable[[int], str | None]) -> dict[str, dict[Figure, str | None]]:
    """A text's figures by unit, each with whose figure it is (`voice` of its offset: "" for the
    outlet's, a speaker's inside a quotation); a function word after a number ("in 2018 the") is
    no unit, and a day after a month no count.

    The unit is what is counted, with the scale: "200 million doses" and "300 million people"
    count different things and are not compared (the scale alone is the unit only where no noun
    follows it: "$5.7 billion for the wall"). In "157 of 338 seats" the claim is 157 seats; 338
    is the whole it is a part of, and is left out. A scaled figure without a noun after a counted
    one in its sentence counts the same thing ("2.5 million doses to Mexico and 1.5 million to
    Canada"): English leaves the noun out the second time."""
    found: dict[str, dict[Figure, str | None]] = {}
    last: tuple[str, int] | None = None  # the last scaled unit with a noun, and where it ended
    numbers = written_numbers(text)
    tails = [_tail(text, number.end) for number in numbers]
    for n, (number, tail) in enumerate(zip(numbers, tails, strict=True)):
        scale, noun = tail.groups()
        counted = noun if noun and noun.casefold() not in stop_words() and not _initial(text, tail) else None
        unit = " ".join(w for w in (scale, counted) if w).casefold()
        if scale and counted:
            last = (unit, tail.end())
        elif scale and last and last[0].startswith(scale.casefold() + " ") \
                and not SENTENCE_END.search(text, last[1], number.start):
            unit = last[0]
        before = text[max(number.start - 30, 0) : number.start]
        if not unit or not number.count or DAY_OF_MONTH.search(before) or ORDINAL_SUFFIX.fullmatch(unit):
            continue  # "the 6th round" ranks a thing; it counts nothing
        previous = numbers[n - 1] if n else None
        if previous and RANGE.fullmatch(text, previous.end, number.start):
            continue
        claim, whole = number, None
        if previous and not scale and PART_OF.fullmatch(text, previous.end, number.start):
            if not previous.count:
                continue  # "one of the three victims": the claim is a part this reads as no count
            claim, whole = previous, _value(number)
        if _counts_sources(text, claim, tail) or _places_in_time(text, numbers, tails, n, claim):
            continue
        bound = APPROXIMATOR.search(text[max(claim.start - 30, 0) : claim.start])
        qualifier = bound.group(1).casefold() if bound else ""
        figure = Figure(qualifier, claim.text, claim.value, whole, start=claim.start)
        found.setdefault(unit, {})[figure] = voice(claim.start)
    return found


def _tail(text: str, end: int) -> re.Match[str]:
    """The scale and noun after a number ending at `end` (TAIL matches everywhere: all of it is optional)."""
    tail = TAIL.match(text, end)
    assert tail is not None
    return tail


def _initial(text: str, tail: re.Match[str]) -> bool:
    """Whether the word after a number is one letter of an abbreviation ("U.S. officials", "5
    p.m."): a letter names nothing that is counted."""
    return len(tail.group(2) or "") == 1 and tail.group(2).isalpha() and text[tail.end() : tail.end() + 1] == "."


def _counts_sources(text: str, claim: Written, tail: re.Match[str]) -> bool:
    """Whether a figure counts the report's own sources ("according to three people familiar with
    the matter", "four U.S. officials said"): each outlet counts whom it spoke to, which is no
    claim about the event."""
    return bool(_ACCORDING_TO.search(text, max(claim.start - 30, 0), claim.start)
                or _SOURCES_AFTER.match(text, tail.start(2) if tail.group(2) else tail.end()))


def _places_in_time(text: str, numbers: list[Written], tails: list[re.Match[str]], n: int, claim: Written
                    ) -> bool:
    """Whether a span of time places a claim rather than being what it counts: measured from an
    event ("eight months after", "six months later", "58 days into", "after five months", "the
    first 100 days", "every two weeks"), which outlets take from different events; or one part of
    a compound span ("three years and four months"), which is one span the other outlet may give
    whole ("40 months"). A span an action lasts ("waited six hours") is a count."""
    if not _is_time(tails[n]):
        return False
    if _TIME_ANCHOR_BEFORE.search(text, max(claim.start - 20, 0), claim.start) \
            or _TIME_ANCHOR_AFTER.match(text, tails[n].end()):
        return True
    joined_before = n > 0 and _is_time(tails[n - 1]) and _JOINED.fullmatch(text, tails[n - 1].end(), numbers[n].start)
    joined_after = n + 1 < len(numbers) and _is_time(tails[n + 1]) \
        and _JOINED.fullmatch(text, tails[n].end(), numbers[n + 1].start)
    return bool(joined_before or joined_after)


def _is_time(tail: re.Match[str]) -> bool:
    return (tail.group(2) or "").casefold() in _TIME_UNITS


def written_numbers(text: str) -> list[Written]:
    """Every number of a text in digits or in words, in order of offset."""
    digits = [Written(m.start(), m.end(), m.group(1), None) for m in DIGITS.finditer(text)]
    return sorted(digits + list(_word_numbers(text)), key=lambda w: w.start)


def _word_numbers(text: str) -> tuple[Written, ...]:
    """The numbers written in words. A sentence's are cached, since one sentence is compared with
    several; an article's are not (the cache would hold whole articles)."""
    return _sentence_word_numbers(text) if len(text) <= CACHED_TEXT else _find_word_numbers(text)


@lru_cache(maxsize=4096)
def _sentence_word_numbers(text: str) -> tuple[Written, ...]:
    return _find_word_numbers(text)


def _find_word_numbers(text: str) -> tuple[Written, ...]:
    """The numbers written in words, found by text2num (cardinals only: its ordinals rank), with
    "dozen" read as twelve and a scale after "a" read as one of it."""
    from text_to_num import find_numbers

    tokens = [_Token(m) for m in _TOKEN.finditer(text)]
    found = []
    for occurrence in find_numbers(tokens, "en", 0):  # threshold 0: "two" and "three" too
        if occurrence.is_ordinal:
            continue
        start, end = tokens[occurrence.start].match.start(), tokens[occurrence.end - 1].match.end()
        number = _read(text, start, end, float(occurrence.value))
        if number is not None:
            found.append(number)
    for match in _A_DOZEN.finditer(text):
        found.append(_checked(text, match.start(), match.end(), 12.0, scaled=True))
    return tuple(found)


def _read(text: str, start: int, end: int, value: float) -> Written | None:
    """A number text2num found, with "a" before a leading scale ("a hundred and fifty"), "dozen"
    after it, and a trailing million, billion or trillion left to the unit; None where it is no
    number at all (a lone scale, "o" in "nine o'clock", a fraction's half)."""
    scaled = False
    if _SCALE_FIRST.match(text, start):
        article = _A_BEFORE.search(text, max(start - 10, 0), start)
        if article is None:
            return None
        start, scaled = article.start(1), True
    if end - start < 3 or _HALF.search(text[max(start - 10, 0) : start]) or _HALF.search(text[end : end + 12]):
        return None
    dozen = _DOZEN_AFTER.match(text, end)
    if dozen:
        end, value, scaled = dozen.end(), value * 12, True
    words = text[start:end].split()
    last = words[-1].casefold()
    if last in _UNIT_SCALES:
        rest = text[start:end].rsplit(None, 1)[0] if len(words) > 1 else ""
        if not rest:
            return None
        end, value, scaled = start + len(rest), value / _UNIT_SCALES[last], True
    return _checked(text, start, end, value, scaled)


def _checked(text: str, start: int, end: int, value: float, scaled: bool) -> Written:
    """The number with `count` set: False for "one" or "a" alone (rarely a count: a pronoun,
    "no one", "one of them"), a plural ("hundreds", "thousands"), a word joined to the one before
    it ("nine-eleven"), and a number word that belongs to a name."""
    written = " ".join(text[start:end].split())
    count = not ((value == 1 and not scaled) or written[-1] in "sS"
                 or text[max(start - 1, 0) : start] == "-" or _in_name(text, start, end))
    return Written(start, end, written, value, count)


def _in_name(text: str, start: int, end: int) -> bool:
    """Whether a capitalised number word is part of a name: capitalised inside a sentence ("Fox
    Five", "the Big Ten"), a later word capitalised too ("Two Million People": a title, where
    capitals say nothing), or, opening a sentence, followed by a capitalised word ("Seven Dwarfs";
    "Three Britons" is lost with them, the price of not reading names as counts)."""
    capitals = [w[0].isupper() for w in re.findall(r"[^\W\d_]+", text[start:end])]
    if not any(capitals):
        return False
    if any(capitals[1:]) or not _SENTENCE_START.search(text, max(start - 12, 0), start):
        return True
    following = _NEXT_WORD.match(text, end)
    return bool(following and following.group(1).isupper())


def consistent(x: Figure | tuple[str, str], y: Figure | tuple[str, str]) -> bool:
    """Whether two figures (or (qualifier, number) pairs) can both be true: "more than $700
    billion" and "$716 billion" can, "$5 billion" and "$5.7 billion" cannot, nor "Sixty" and
    "40". A bounding word makes a number a range. A part and the whole it is a part of can too:
    "hit by three of the seven bullets" and "hit by seven bullets" count different things."""
    fx, fy = (f if isinstance(f, Figure) else Figure(*f) for f in (x, y))
    rx, ry = _range(fx), _range(fy)
    if rx is None or ry is None:
        return fx.number == fy.number
    return _overlap(rx, ry) or any(a.whole is not None and b.whole is None and _overlap((a.whole, a.whole), rb)
                                   for a, b, rb in ((fx, fy, ry), (fy, fx, rx)))


def _overlap(x: tuple[float, float], y: tuple[float, float]) -> bool:
    return x[0] <= y[1] and y[0] <= x[1]


def _value(number: Written) -> float | None:
    if number.value is not None:
        return number.value
    try:
        return float(number.text.replace(",", ""))
    except ValueError:
        return None


def _range(figure: Figure) -> tuple[float, float] | None:
    value = figure.value
    if value is None:
        value = _value(Written(0, 0, figure.number, None))
        if value is None:
            return None
    if figure.qualifier in LOWER_BOUNDS:
        return value, float("inf")
    if figure.qualifier in UPPER_BOUNDS:
        return float("-inf"), value
    if figure.qualifier:  # "about", "roughly": a rounded figure, within the rounding of its last digit
        return value * (1 - ROUNDED), value * (1 + ROUNDED)
    return value, value
