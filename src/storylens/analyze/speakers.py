"""Who a quotation's speaker phrase names, resolved by salience over the whole article.

A pronoun ("…,” he told reporters) is not the last name written before it: it is the person the
article was last talking about — the most recent grammatical subject (speakers of earlier
quotations and of reported speech included) whose gender the article does not contradict. Names
inside quotation marks and names in object position ("a paragraph naming Michael Cohen") are not
candidates. A role ("the president said") is the person the article gives that role to. A noun
phrase that names no person, organisation or role ("The moves") is no speaker.

No maintained library does this for English news on top of spaCy 3.8 (coreferee supports spaCy
3.5 at most and its models are not packaged), so the salience model is written here: it follows
the centering idea that a pronoun subject continues the previous subject.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from storylens.model import Mention, Sentence

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

MALE = {"he", "him", "his", "himself"}
FEMALE = {"she", "her", "hers", "herself"}
MALE_TITLES = {"mr", "mr.", "sir", "lord", "king", "prince", "congressman", "spokesman", "chairman",
               "businessman", "father", "husband", "son", "brother"}
FEMALE_TITLES = {"mrs", "mrs.", "ms", "ms.", "miss", "dame", "lady", "queen", "princess", "congresswoman",
                 "spokeswoman", "chairwoman", "businesswoman", "mother", "wife", "daughter", "sister"}
GENDER_MARGIN = 2  # votes by which one gender must lead the other before a person is given it
SUBJECTS = ("nsubj", "nsubjpass")

# Words that name a role a person holds in the article ("the president said").
ROLES = {"president", "senator", "governor", "secretary", "speaker", "mayor", "congressman", "congresswoman",
         "candidate", "nominee", "chairman", "chairwoman", "spokesman", "spokeswoman", "director",
         "minister", "leader", "justice", "judge", "ambassador", "chancellor", "premier", "king", "queen",
         "pope", "billionaire", "businessman", "businesswoman", "mogul", "frontrunner", "front-runner",
         "representative", "lawmaker", "commissioner", "attorney", "general"}

ROLE_ABBREVIATIONS = {"senator": ("sen.",), "governor": ("gov.",), "representative": ("rep.",),
                      "president": ("pres.",), "general": ("gen.",), "secretary": ("sec.",)}

# Named in the sentence; a pronoun resolved; a role resolved to its holder; carried on from the
# previous quotation; signed after a dash; the person named nearest a cue that has no subject;
# the article's last subject, for a quotation with no cue at all.
HOW = ("named", "pronoun", "role", "inherited", "signed", "nearby", "context")


@dataclass(frozen=True)
class Resolved:
    """A speaker and how it was found (`HOW`)."""

    name: str | None
    how: str


class Salience:
    """What an article says about its people: who was the subject of each sentence, who spoke,
    which gender its pronouns give each person, and which roles it gives them."""

    def __init__(self, doc: Doc, sentences: list[Sentence], mentions: list[Mention],
                 inside: list[tuple[int, int]]) -> None:
        self.doc = doc
        self.inside = inside
        self.people = [m for m in mentions if m.label == "PERSON" and not _within(m.start, inside)]
        self.organisations = [m for m in mentions if m.label in ("ORG", "GPE") and not _within(m.start, inside)]
        self.counts = Counter(m.canonical for m in self.people)
        self._starts = [m.start for m in self.people]
        self.subjects = self._subjects()
        self.gender = self._genders(sentences)

    # -- what the article tells ------------------------------------------------------------------
    def person_at(self, start: int, end: int) -> Mention | None:
        """The first person mention that starts inside [start, end), if any."""
        i = bisect_left(self._starts, start)
        return self.people[i] if i < len(self.people) and self.people[i].start < end else None

    def person_of(self, head: Token) -> Mention | None:
        """The person a phrase names: the one its head word belongs to ("Pat Toomey" in "Sen.
        Pat Toomey"), else one named in it that is not a possessor ("Hope Hicks" in "Trump's
        spokeswoman Hope Hicks", not Trump)."""
        i = bisect_left(self._starts, head.idx + 1) - 1
        if i >= 0 and self.people[i].end > head.idx:
            return self.people[i]
        end = head.right_edge.idx + len(head.right_edge.text)
        for m in self.people:
            if head.left_edge.idx <= m.start < end and not re.match(r"['’]s?\b", self.doc.text[m.end : m.end + 2]):
                return m
        return None

    def _subjects(self) -> list[tuple[int, str]]:
        """(offset, person) for every subject outside quotation marks that names a person."""
        found = []
        for token in self.doc:
            if token.dep_ not in SUBJECTS or _within(token.idx, self.inside):
                continue
            person = self.person_of(token)
            if person is not None:
                found.append((token.idx, person.canonical))
        return found

    def _genders(self, sentences: list[Sentence]) -> dict[str, str]:
        """A person's gender as the article gives it: titles next to the name (Mr., Ms.,
        spokeswoman) and the pronouns that continue a sentence the person is the subject of."""
        votes: dict[str, Counter[str]] = {}
        text = self.doc.text
        for m in self.people:
            before = text[max(0, m.start - 40) : m.start].casefold().split()[-3:]
            for word in before:
                if word in MALE_TITLES:
                    votes.setdefault(m.canonical, Counter())["m"] += GENDER_MARGIN
                elif word in FEMALE_TITLES:
                    votes.setdefault(m.canonical, Counter())["f"] += GENDER_MARGIN
        for offset, person in self.subjects:
            pronoun = self._next_pronoun(offset, sentences)
            if pronoun:
                votes.setdefault(person, Counter())[pronoun] += 1
        return {person: max(v, key=lambda g: v[g]) for person, v in votes.items()
                if abs(v["m"] - v["f"]) >= GENDER_MARGIN or (v["m"] + v["f"] == 1)}

    def _next_pronoun(self, offset: int, sentences: list[Sentence]) -> str | None:
        """'m' or 'f' for the first personal pronoun after `offset`, outside quotation marks, in
        the same sentence, when no other person is named before it ("Cruz campaigned, and he ...").
        The next sentence is left out: its pronoun is what is being resolved."""
        index = _sentence_index(sentences, offset)
        end = sentences[index].end if sentences else len(self.doc.text)
        span = self.doc.char_span(offset, end, alignment_mode="expand")
        if span is None:
            return None
        for token in span[1:]:
            if _within(token.idx, self.inside):
                continue
            if self.person_at(token.idx, token.idx + len(token.text)) is not None:
                return None
            word = token.lower_
            if word in MALE:
                return "m"
            if word in FEMALE:
                return "f"
        return None

    # -- resolution ------------------------------------------------------------------------------
    def pronoun(self, word: str, at: int, spoken: list[tuple[int, str]]) -> str | None:
        """The person a personal pronoun at `at` continues: the latest subject or speaker before
        it whose gender fits, else the person the article names most."""
        gender = "m" if word in MALE else "f" if word in FEMALE else None
        for _, person in sorted(self.subjects_before(at) + [s for s in spoken if s[0] < at], reverse=True):
            if gender is None or self.gender.get(person, gender) == gender:
                return person
        return self.most_named(gender)

    def subjects_before(self, at: int) -> list[tuple[int, str]]:
        return [s for s in self.subjects if s[0] < at]

    def latest_subject(self, at: int, spoken: list[tuple[int, str]]) -> str | None:
        events = self.subjects_before(at) + [s for s in spoken if s[0] < at]
        return max(events)[1] if events else None

    def person_named(self, words: str) -> str | None:
        """The person of the article whose name `words` is a form of ("Trump" for Donald Trump),
        when the recogniser did not see a person in them (a headline's "Trump:" is often an ORG)."""
        wanted = set(words.casefold().split())
        forms = [p for p in self.counts if wanted <= set(p.casefold().split())]
        return max(forms, key=lambda p: self.counts[p]) if forms else None

    def most_named(self, gender: str | None = None) -> str | None:
        for person, _ in self.counts.most_common():
            if gender is None or self.gender.get(person, gender) == gender:
                return person
        return None

    def role_holder(self, role: str, at: int) -> str | None:
        """The person the article gives a role ("president") and names last before `at`: named
        right after it ("President Obama", "Gov. Mike Pence") or
        with it in apposition ("Obama, the president")."""
        text = self.doc.text
        forms = "|".join(re.escape(f) for f in (role, *ROLE_ABBREVIATIONS.get(role, ())))
        pattern = re.compile(rf"\b(?:{forms})(?!\w)", re.IGNORECASE)
        holders = {}
        for m in self.people:
            before = text[max(0, m.start - 30) : m.start]
            close = re.match(r"\s*,\s*(?:the|a|an)?\s*([^,.;\n]*)", text[m.end : m.end + 40])
            if pattern.fullmatch(before.split()[-1] if before.split() else "") \
                    or (close and pattern.search(close.group(1))):
                holders[m.canonical] = True
        if not holders:
            return None
        earlier = [m for m in self.people if m.canonical in holders and m.start < at]
        return earlier[-1].canonical if earlier else next(iter(holders))


DEMONSTRATIVES = frozenset({"that", "this", "these", "those"})  # "another said" may well be a person


@lru_cache(maxsize=1)
def speaker_nouns() -> frozenset[str]:
    """Common nouns that head the sources of attributions in polnear-train ("officials",
    "campaign", "statement"), written by tools/speaker_nouns.py."""
    lines = (resources.files("storylens.analyze") / "speaker_nouns.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def can_speak(head: Token) -> bool:
    """Whether a phrase with this head word may be a speaker: a name (a proper noun the entity
    recogniser missed), a role, a common noun that heads sources in the training set, or a single
    thing that can carry words ("The draft said"). Plural things ("The moves") and parts of
    something ("the core of American national interests") do not speak, nor does a time ("1:50
    p.m.", a timestamp the parser took for the subject of the next line's cue). Figures do ("75
    percent of Democrats said", "one of the advisers said"), and so do ages ("the 46-year-old")."""
    if head.ent_type_ == "TIME" or head.lower_ in DEMONSTRATIVES or head.tag_ in ("WDT", "EX"):
        return False  # nor does a demonstrative: "That makes her “a trustworthy person”"
    if head.tag_ not in ("NN", "NNS") or head.lower_ in ROLES or head.lower_ in speaker_nouns():
        return True
    return head.tag_ == "NN" and not any(c.dep_ == "prep" and c.lower_ == "of" for c in head.children)


def _within(offset: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= offset < e for s, e in spans)


def _sentence_index(sentences: list[Sentence], offset: int) -> int:
    found = 0
    for sentence in sentences:
        if sentence.start > offset:
            break
        found = sentence.index
    return found
