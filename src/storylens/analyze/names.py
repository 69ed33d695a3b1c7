"""Which forms of a person's name name the same person, within an article or across a story.

"Trump", "Donald Trump" and "Donald J. Trump" are one person; so are "Jim Mattis" and "James
Mattis"; "Melania Trump" is not "Donald Trump". Names are split into given name, middle names and
surname by `nameparser`, and given names are matched through the `nicknames` list (Jim/James,
Bill/William). What no library does is the grouping itself: a full name joins a person whose
given name is compatible with its own, and a bare surname joins the person of that surname
mentioned most often (the one an article calls by surname alone).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from nameparser import HumanName
from nicknames import NickNamer
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

NEAR_SPELLING = 80  # rapidfuzz ratio of two surnames that are one name spelled two ways
NEAR_GIVEN = 1  # letters by which two given names of five letters or more may differ ("Qassem" / "Qassam")


@dataclass(frozen=True)
class PersonName:
    """One written form of a name, split into its parts (casefolded, without titles)."""

    given: str
    middle: tuple[str, ...]
    surname: str
    suffix: str


@dataclass
class _Person:
    surname: str
    given: str = ""
    suffix: str = ""
    forms: Counter[str] = field(default_factory=Counter)
    first_seen: dict[str, int] = field(default_factory=dict)

    def canonical(self) -> str:
        """The fullest form, then the most frequent, then the first written: "Donald J. Trump"
        over "Donald Trump"."""
        return max(self.forms, key=lambda form: (len(form.split()), self.forms[form], -self.first_seen[form]))


@lru_cache(maxsize=1)
def _nicknamer() -> NickNamer:
    return NickNamer()


@lru_cache(maxsize=4096)
def parse(name: str) -> PersonName:
    """The parts of a name; a single word is taken as a surname ("Trump"), as news uses it."""
    parsed = HumanName(name)
    words = name.split()
    if len(words) == 1:
        return PersonName("", (), _fold(words[0]), "")
    surname = parsed.last or words[-1]
    return PersonName(_fold(parsed.first), tuple(_fold(m) for m in parsed.middle.split()),
                      _fold(surname), _fold(parsed.suffix))


def _fold(word: str) -> str:
    return word.strip(" .,").casefold()


def given_names_match(a: str, b: str) -> bool:
    """Same given name, another form of it (`other_form_of_given`), or the same name spelled a
    letter apart ("Qassem" / "Qassam")."""
    a, b = _fold(a), _fold(b)
    if other_form_of_given(a, b):
        return True
    return min(len(a), len(b)) >= 5 and Levenshtein.distance(a, b) <= NEAR_GIVEN


def other_form_of_given(a: str, b: str) -> bool:
    """No given name on one side, the same one, an initial of it ("J." / "James"), or a nickname
    of it (Jim / James; Billy / Bill through William)."""
    a, b = _fold(a), _fold(b)
    if not a or not b or a == b:
        return True
    if len(a) == 1 or len(b) == 1:
        return a[0] == b[0]
    names = _nicknamer()
    if b in names.nicknames_of(a) or a in names.nicknames_of(b):
        return True
    return bool(names.canonicals_of(a) & names.canonicals_of(b))


def spelled_differently(form: str, canonical: str) -> bool:
    """A form that writes the canonical name another way ("Qassam Soleimani"), not a shorter
    form or a nickname of it ("Soleimani", "Jim Mattis" for "James Mattis")."""
    x, y = parse(form), parse(canonical)
    return x.surname != y.surname or not other_form_of_given(x.given, y.given)


def surnames_match(a: str, b: str) -> bool:
    """One surname, or one spelled a letter or two apart ("Soleimani" / "Suleimani")."""
    if a == b:
        return True
    return min(len(a), len(b)) >= 5 and a[0] == b[0] and fuzz.ratio(a, b) >= NEAR_SPELLING


def same_person(a: str, b: str) -> bool:
    """Whether two written names can name one person (a bare surname matches any given name)."""
    x, y = parse(a), parse(b)
    return surnames_match(x.surname, y.surname) and given_names_match(x.given, y.given) \
        and x.suffix == y.suffix


def merge_names(names: Iterable[str]) -> dict[str, str]:
    """Each name form (as given) -> the canonical form of the person it names.

    Feed every person mention of an article, or every speaker and person of a story, repeats
    included: counts decide which person a bare surname belongs to.
    """
    counts = Counter(n.strip() for n in names if n and n.strip())
    order = {name: i for i, name in enumerate(counts)}
    people: list[_Person] = []
    owner: dict[str, _Person] = {}
    # Full names first, fullest and most frequent first, so that bare surnames find their people.
    full = sorted((n for n in counts if parse(n).given), key=lambda n: (-len(n.split()), -counts[n], order[n]))
    for name in full + [n for n in counts if not parse(n).given]:
        person = _person_for(people, parse(name))
        person.forms[name] += counts[name]
        person.first_seen.setdefault(name, order[name])
        owner[name] = person
    return {name: person.canonical() for name, person in owner.items()}


def _person_for(people: list[_Person], parts: PersonName) -> _Person:
    """The person a form names (the most mentioned one it fits), or a new person. A single word
    that is no one's surname may be someone's given name ("Hillary" for Hillary Clinton)."""
    fits = [p for p in people if surnames_match(p.surname, parts.surname)
            and given_names_match(p.given, parts.given) and p.suffix == parts.suffix]
    if not fits and not parts.given:
        fits = [p for p in people if p.given == parts.surname]
    if fits:
        return max(fits, key=lambda p: (sum(p.forms.values()), -min(p.first_seen.values())))
    person = _Person(parts.surname, parts.given, parts.suffix)
    people.append(person)
    return person
