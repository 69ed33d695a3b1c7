"""A short digest of a story where every sentence cites the outlets that report it."""

from __future__ import annotations

import re
from typing import NamedTuple

from storylens.analyze.nlp import without_dateline
from storylens.compare.align import importance
from storylens.compare.parse import parse_sentence
from storylens.model import Comparison, Fact, SentenceRef

CONSENSUS_LINES = 6
SINGLE_LINES = 4
# Pronouns that stand for a person or thing named in an earlier sentence ("It" as a dummy subject,
# "It is raining", is rare in news leads and cheaper to skip than to tell apart).
PRONOUNS = {"he", "she", "they", "it", "his", "her", "their", "its", "him", "them", "this", "these",
            "those", "that", "we", "i"}
_FIRST_WORD = re.compile(r"[\W_]*(\w+)")
OPENING_QUOTES = ("“", '"', "«", "„")
# Quoted stretches: curly or straight double quotes (a single quote is too often an apostrophe).
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|«[^»]*»|„[^“”]*[“”]")
_WORD = re.compile(r"[^\W\d_]{2,}")
_CUT_START = re.compile(r"\s*[,;:.)\]}]")
# Discrepancy kinds where the outlets state different facts (not different words for one).
CONFLICTING = {"date", "number", "negation", "attribution"}


def outlet_name(comparison: Comparison, article_id: str) -> str:
    article = next(a for a in comparison.articles if a.id == article_id)
    return article.outlet or (article.input or article.id).rsplit("/", 1)[-1]


class DigestLine(NamedTuple):
    """One line of the digest: a sentence of one article, the outlets that report its fact, and
    which sentence it is, so a reader quoting the line knows whose words they quote (three
    outlets report the claim; the words are one outlet's)."""

    text: str
    outlets: list[str]
    kind: str
    sentence: SentenceRef


def digest_lines(comparison: Comparison) -> list[DigestLine]:
    """Consensus lines first, then single-source facts by importance.

    A line must read on its own, quoted out of the article: no sentence twice (one lead reported by
    three outlets is one line), and none whose subject or speaker the reader cannot see: a pronoun
    first ("He also said…") or behind the opening words ("But on Thursday, …, he decided"), or a
    bare quotation whose speaker is named in another sentence. A consensus line is no sentence
    whose detail another outlet contradicts. Another sentence of the fact is taken, or the fact
    is left out. No claim twice in other words either: the sentences of one fact make one claim,
    so a fact sharing a sentence with a fact the digest already gave a line restates (part of)
    that line ("Trump said Thursday he has doubts…" / "Mr. Trump told Meredith Vieira that he had
    'real doubts'…") and gets none. Facts are read by their body sentences (`by_body`).
    """
    texts = {(a.article.id, s.index): s.of(a.article.text) for a in comparison.analyses for s in a.sentences}
    lines: list[DigestLine] = []
    seen: set[str] = set()
    said: set[str] = set()  # sentences of the facts given a line
    disputed = disputed_sentences(comparison)
    limits = {"shared": CONSENSUS_LINES, "single": SINGLE_LINES}
    facts = by_body(comparison)
    for kind in ("shared", "single"):
        for fact in (f for f in facts if f.kind == kind):
            if sum(1 for line in lines if line[2] == kind) >= limits[kind]:
                break
            if any(r.key in said for r in fact.sentences):
                continue
            quoted = _quotable(fact, texts, seen | disputed if kind == "shared" else seen)
            if quoted is None:
                continue
            ref, text = quoted
            seen.add(_fold(text))
            said.update(r.key for r in fact.sentences)
            outlets = sorted({outlet_name(comparison, r.article) for r in fact.sentences})
            lines.append(DigestLine(without_dateline(text), outlets, kind, ref))
    return lines


def by_body(comparison: Comparison) -> list[Fact]:
    """The facts as the digest reads them: by their body sentences alone, shared ones first, then
    single-source ones by importance.

    A headline is never a line, nor a citation: a headline is short and names the story's topic,
    so its best match in another article is often a sentence it shares only the topic with ("Divers
    search the Senn after Harlow Bridge collapse" / "Part of the Harlow Bridge collapsed on Tuesday
    evening, ... injuring 12 people"), and a line cited to the headline's outlet would put that
    sentence's details in its mouth. A fact whose body sentences are all one outlet's is that
    outlet's single-source line, as it was before headlines were compared.
    """
    shared, single = [], []
    for fact in comparison.facts:
        body = [r for r in fact.sentences if not r.headline]
        if not body:
            continue
        if len({r.article for r in body}) > 1:
            shared.append(Fact("shared", body, fact.score))
        elif fact.kind == "single":
            single.append(fact)
        else:
            single.append(Fact("single", body, importance(body[0], comparison.analyses)))
    return shared + sorted(single, key=lambda f: -f.score)


def disputed_sentences(comparison: Comparison) -> set[str]:
    """The folded text of every sentence whose date, number, negation or speaker another outlet
    gives otherwise. A consensus line says what every outlet it cites reports, so it is never one
    of these: "Mattis will be leaving on January 1 [Fox News; HuffPost; The New York Times]" would
    put one outlet's date in the mouths of the two that give another."""
    texts = {(a.article.id, s.index): s.of(a.article.text) for a in comparison.analyses for s in a.sentences}
    return {_fold(texts[(ref.article, ref.index)]) for d in comparison.discrepancies if d.kind in CONFLICTING
            for ref in d.evidence if (ref.article, ref.index) in texts}


def _quotable(fact: Fact, texts: dict[tuple[str, int], str], seen: set[str]) -> tuple[SentenceRef, str] | None:
    """The earliest sentence of the fact that stands on its own and is not in the digest yet.

    Never a headline (`by_body` leaves them out): it is written to be read beside its article
    (clipped verbs, no articles, its subject often only implied), not quoted as a claim alone.
    """
    for ref in sorted(fact.sentences, key=lambda r: (r.index, r.article)):
        text = texts[(ref.article, ref.index)]
        if _fold(text) not in seen and reads_alone(text):
            return ref, text
    return None


def reads_alone(text: str) -> bool:
    """Whether a reader can tell, from the sentence alone, who it is about and who speaks in it."""
    return not (opens_with_pronoun(text) or is_fragment(text) or is_bare_quotation(text)
                or has_pronoun_subject(text))


def is_fragment(text: str) -> bool:
    """Whether the sentence opens with punctuation no sentence opens with (", the top Democrat on
    the committee, said…"): its start, often the name a link carried, was lost in extraction,
    and with it who the sentence is about."""
    return _CUT_START.match(text) is not None


def opens_with_pronoun(text: str) -> bool:
    """Whether the sentence's first word is a pronoun pointing back to someone named before it."""
    match = _FIRST_WORD.match(text)
    return match is not None and match.group(1).casefold() in PRONOUNS


def has_pronoun_subject(text: str) -> bool:
    """Whether the main clause's subject is a pronoun ("he decided"), or a noun owned by one with
    no name beside it ("his fellow Missourians urged"), wherever it stands in the sentence.

    The first word alone misses the subject behind an opening connective or adverbial ("But on
    Thursday, in an extraordinary rebuke of the president, he decided..."): the subject is found
    by the dependency parse, not by position. A pronoun inside a clause the sentence names
    someone for ("Trump said he'd like...") is resolved by that name and passes.
    """
    doc = parse_sentence(text)
    for root in (t for t in doc if t.dep_ == "ROOT"):
        for subject in (c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")):
            if subject.tag_ == "PRP" or (subject.tag_ == "DT" and subject.lower_ in PRONOUNS):
                return True
            owned = any(c.dep_ == "poss" and c.tag_ == "PRP$" for c in subject.children)
            if owned and not any(c.dep_ == "appos" for c in subject.children):  # "Its chief, Ann Lee,"
                return True
    return False


def is_bare_quotation(text: str) -> bool:
    """Whether the sentence is a quotation and nothing else: who said it is in another sentence,
    so the line would put words in no one's mouth (or, read in the digest, in the outlet's)."""
    if not text.lstrip().startswith(OPENING_QUOTES):
        return False
    outside = _QUOTED.sub(" ", text)
    unclosed = min((outside.find(q) for q in OPENING_QUOTES if q in outside), default=-1)
    if unclosed >= 0:  # a quotation running on into the next sentence
        outside = outside[:unclosed]
    return _WORD.search(outside) is None


def _fold(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))

