"""Named entities from spaCy, with titles stripped and mentions of one entity grouped.

"General Mark Milley", "Gen Milley" and "Milley" become one entity, canonically "Mark Milley":
a shorter mention joins the longest earlier-or-later mention that ends with the same surname.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rapidfuzz import fuzz

from storylens.model import Mention

if TYPE_CHECKING:
    from spacy.tokens import Doc

LABELS = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT"}
TITLES = re.compile(
    r"^(?:(?:the|former|acting|deputy|vice|senior|chief|top|us|u\.s\.|uk|british|american|iranian|"
    r"marine|corps|army|navy|air|force|defen[cs]e|foreign|home|press|prime|general|gen\.?|brig\.?|"
    r"brigadier|colonel|col\.?|lt\.?|lieutenant|major|maj\.?|captain|capt\.?|commander|admiral|"
    r"sergeant|sgt\.?|president|secretary|minister|chancellor|senator|sen\.?|rep\.?|representative|"
    r"governor|gov\.?|mayor|judge|justice|speaker|chairman|chairwoman|chair|ambassador|spokesman|"
    r"spokeswoman|spokesperson|director|officer|inspector|detective|dr\.?|mr\.?|mrs\.?|ms\.?|miss|"
    r"sir|dame|lord|lady|prof\.?|professor|rev\.?|king|queen|prince|princess|pope|sheikh|ayatollah)"
    r"\s+)+",
    re.IGNORECASE,
)
NEAR_SPELLING = 80  # rapidfuzz ratio of two surnames that are one name spelled two ways
_POSSESSIVE = re.compile(r"(?:'s|’s|')$")


def strip_title(name: str) -> str:
    stripped = TITLES.sub("", name.strip())
    stripped = _POSSESSIVE.sub("", stripped).strip(" ,.-")
    return stripped or name.strip()


def find_entities(doc: Doc) -> list[Mention]:
    mentions = []
    for ent in doc.ents:
        if ent.label_ not in LABELS:
            continue
        name = strip_title(ent.text) if ent.label_ == "PERSON" else _POSSESSIVE.sub("", ent.text)
        if not name or not name[0].isalpha():
            continue
        offset = ent.text.find(name)
        start = ent.start_char + max(offset, 0)
        mentions.append(Mention(start, start + len(name), text=name, label=ent.label_, canonical=name))
    return canonicalize(mentions)


def canonicalize(mentions: list[Mention]) -> list[Mention]:
    """Give each person mention the longest full name in the article that shares its surname,
    where surnames spelled a letter or two apart count as one ("Soleimani" / "Suleimani"); a
    mention whose spelling differs from its canonical name is flagged as a variant."""
    surnames = _surname_groups([m.text.split()[-1] for m in mentions if m.label == "PERSON"])
    full: dict[str, str] = {}
    for m in mentions:
        if m.label == "PERSON":
            key = surnames[m.text.split()[-1].casefold()]
            if len(m.text.split()) > len(full.get(key, "").split()):
                full[key] = m.text
    out = []
    for m in mentions:
        canonical = full.get(surnames.get(m.text.split()[-1].casefold(), ""), m.text) if m.label == "PERSON" \
            else m.text
        out.append(Mention(m.start, m.end, text=m.text, label=m.label, canonical=canonical,
                           variant=_spelled_differently(m.text, canonical)))
    return out


def _surname_groups(surnames: list[str]) -> dict[str, str]:
    """Each surname (casefolded) -> the first near-identical surname seen."""
    groups: dict[str, str] = {}
    for name in (s.casefold() for s in surnames):
        if name in groups:
            continue
        groups[name] = next((rep for rep in dict.fromkeys(groups.values()) if _near(name, rep)), name)
    return groups


def _near(x: str, y: str) -> bool:
    return min(len(x), len(y)) >= 5 and x[0] == y[0] and fuzz.ratio(x, y) >= NEAR_SPELLING


def _spelled_differently(text: str, canonical: str) -> bool:
    """Not a shorter form of the canonical name ("Milley") but another spelling of a word in it."""
    words, full = text.casefold().split(), canonical.casefold().split()
    return any(w not in full for w in words)
