"""Named entities from spaCy, with titles stripped and mentions of one entity grouped.

"General Mark Milley", "Gen Milley" and "Milley" become one entity, canonically "Mark Milley";
how name forms are matched is in `names.py`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from storylens.analyze.names import merge_names, spelled_differently
from storylens.model import Mention

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

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
_POSSESSIVE = re.compile(r"(?:'s|’s|')$")
_BRACKETS = re.compile(r"[\[\](){}]")


def strip_title(name: str) -> str:
    stripped = TITLES.sub("", name.strip())
    stripped = _POSSESSIVE.sub("", stripped).strip(" ,.-")
    return stripped or name.strip()


def written_name(text: str) -> str:
    """The name without an outlet's insertion marks ("[President Barack] Obama" gives the entity
    "Barack] Obama") and with one apostrophe: the same name however it is typeset."""
    return " ".join(_BRACKETS.sub(" ", text).replace("’", "'").split())


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
    return canonicalize(sorted(mentions + surname_echoes(doc, mentions), key=lambda m: m.start))


def surname_echoes(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """Mentions the recogniser missed of a person it found elsewhere in the article, by surname.

    A small model tags a name in one sentence and not in the next ("Brigadier General William
    Seely" is a person, "The full letter from Brigadier Seely" holds none), and a missed mention
    is a person the article's readers see and its quotes, entities and timeline do not. A proper
    noun (tagged so by the parser) outside every recognised entity, spelled as the surname of a
    person named in full in the same article, is taken for that person; a surname that is also
    the name of a place or organisation there ("Washington") is left alone, and so is one that
    modifies a thing ("the Van Dyke shooting"): it names the thing, not the person acting.
    """
    surnames = {m.text.split()[-1] for m in mentions if m.label == "PERSON" and len(m.text.split()) > 1}
    surnames -= {m.text for m in mentions if m.label != "PERSON"}
    if not surnames:
        return []
    covered = {i for e in doc.ents for i in range(e.start, e.end)}
    return [Mention(t.idx, t.idx + len(t.text), text=t.text, label="PERSON", canonical=t.text)
            for t in doc if t.tag_ == "NNP" and t.text in surnames and t.i not in covered and not _modifies_a_thing(t)]


def _modifies_a_thing(token: Token) -> bool:
    return token.dep_ == "compound" and token.head.tag_ in ("NN", "NNS")


def canonicalize(mentions: list[Mention]) -> list[Mention]:
    """Give each person mention the canonical form of the person it names in this article
    (`names.merge_names`: "Trump" and "Donald Trump" are "Donald J. Trump", "Melania Trump" is
    herself); a mention whose spelling differs from its canonical name is flagged as a variant."""
    canonical = merge_names(written_name(m.text) for m in mentions if m.label == "PERSON")
    out = []
    for m in mentions:
        written = written_name(m.text)
        name = canonical.get(written, written) if m.label == "PERSON" else written
        variant = m.label == "PERSON" and spelled_differently(written, name)
        out.append(Mention(m.start, m.end, text=m.text, label=m.label, canonical=name, variant=variant))
    return out
