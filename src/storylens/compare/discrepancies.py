"""Details the articles give differently: quote wording, attribution, name spelling, numbers,
negation and dates.

Precision matters more than volume (a reader acts on each one), so each rule only fires on strong
evidence: quotations that are clearly the same quotation, names that differ by a letter or two in
one word, and numbers, negations and dates inside sentences that make the same claim. Each
discrepancy carries the sentences it was found in and a confidence, and they are returned
strongest first.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator, Sequence
from itertools import combinations
from typing import TYPE_CHECKING

import numpy as np
from rapidfuzz import fuzz

from storylens.compare.align import Similarities
from storylens.compare.dateslots import DateSlot, event_slots, verb_lemma
from storylens.compare.figures import MONTH_NAME, Figure, consistent, figures_by_unit, stop_words
from storylens.compare.headlines import headline_names, headline_voice
from storylens.compare.parse import parse_sentence
from storylens.compare.quotematch import QuotedIn, QuoteMatches
from storylens.model import Analysis, Discrepancy, Fact, Quote, SentenceRef, Value

if TYPE_CHECKING:
    from spacy.tokens import Doc

SAME_QUOTE = 80        # partial ratio: the two quotations are versions of one
MAX_EDIT_WORDS = 3     # a wording difference is a few words; more is a different quotation
MAX_EDITS = 2
SAME_WORDS = 0.5       # lexical similarity at which sentences outside one fact still state one claim
SAME_DETAIL = 0.4      # similarity of two sentences whose numbers and dates are compared
SAME_ATTRIBUTED_QUOTE = 90  # partial ratio: one quotation, checked for who it is given to
NAME_LETTERS = 80      # ratio between two spellings of one word of a name
SAME_SENTENCE_FRAME = 0.6  # share of words two sentences must have in common for a negation flip
NEGATION = re.compile(r"^(?:not|no|never|none|nor|neither|nobody|nothing|denied|denies|deny|denying|"
                      r"refused|refuses|rejected|rejects)$", re.I)
# Contractions are spelled out before negations are compared: "We're asking" is "We are asking",
# and "don't" carries a "not" just as "do not" does.
CONTRACTIONS = [(re.compile(p, re.I), r) for p, r in (
    (r"\bwon['’]t\b", "will not"), (r"\bcan['’]t\b", "can not"), (r"\bshan['’]t\b", "shall not"),
    (r"n['’]t\b", " not"), (r"['’]re\b", " are"), (r"['’]ll\b", " will"), (r"['’]ve\b", " have"),
    (r"\b(I)['’]m\b", r"\1 am"), (r"\b(it|that|there|here|what|who|where|he|she)['’]s\b", r"\1 is"),
    (r"['’]d\b", " would"))]
_WORD = re.compile(r"[\w'’-]+")
EDITORIAL_INSERTION = re.compile(r"\[[^\]]{0,200}\]|\([^)]{0,200}\)")


def find_discrepancies(analyses: list[Analysis], facts: list[Fact], similarities: Similarities,
                       refs: list[tuple[SentenceRef, str]], matches: QuoteMatches | None = None
                       ) -> list[Discrepancy]:
    """Every discrepancy found, one per kind and values, strongest first."""
    matches = matches or QuoteMatches(analyses)
    by_id = {a.article.id: a for a in analyses}
    claims = list(same_claim_pairs(facts, similarities, refs))
    texts = {ref.key: text for ref, text in refs}
    # A headline's number against a sentence's is a fair comparison; its wording is not (clipped
    # verbs and no articles make any sentence's word frame differ) and its dates are not analysed.
    body_claims = [(x, y, s) for x, y, s in claims if not (x.headline or y.headline)]
    found = (quote_wording(matches) + quote_attribution(matches, by_id) + name_spelling(analyses)
             + fact_numbers(claims, texts, by_id) + negations(body_claims, texts) + fact_dates(body_claims, by_id))
    unique: dict[tuple, Discrepancy] = {}
    for d in sorted(found, key=lambda d: -d.confidence):
        key = (d.kind, frozenset((v.article, _fold(v.text)) for v in d.values))
        unique.setdefault(key, d)
    return sorted(unique.values(), key=lambda d: -d.confidence)


def same_claim_pairs(facts: list[Fact], similarities: Similarities, refs: list[tuple[SentenceRef, str]]
                     ) -> Iterator[tuple[SentenceRef, SentenceRef, float]]:
    """(sentence, sentence, similarity) of different articles that state one claim: members of one
    shared fact, or sentences sharing most of their words; earlier article first, each pair once.
    The similarity is the pair's own: a fact's weaker third member does not hide a close pair."""
    lexical, combined = similarities
    position = {ref.key: n for n, (ref, _) in enumerate(refs)}
    seen: set[tuple[str, str]] = set()
    for fact in facts:
        if fact.kind == "shared":
            for x, y in combinations(sorted(fact.sentences, key=lambda r: position[r.key]), 2):
                if x.article != y.article and (x.key, y.key) not in seen:
                    seen.add((x.key, y.key))
                    yield x, y, float(combined[position[x.key], position[y.key]])
    for i, j in zip(*np.nonzero(np.triu(lexical, 1) >= SAME_WORDS), strict=True):
        (x, _), (y, _) = refs[i], refs[j]
        if x.article != y.article and (x.key, y.key) not in seen:
            seen.add((x.key, y.key))
            yield x, y, float(lexical[i, j])


def quote_wording(matches: QuoteMatches) -> list[Discrepancy]:
    """Words of one quotation given differently. Only the speaker's words count: an outlet's
    bracketed insertion ("(Libyan strongman Moammar) Gadhafi"), its spelling of a name, its
    contractions, and the tense reported speech shifts ("if he fully supported") are the outlet's
    writing, not a different quotation."""
    out = []
    for x, y, score in mutual_best(matches.scored(SAME_QUOTE)):
        if x.folded == y.folded or _told_by_two(x.quote, y.quote):
            continue
        for left, right in word_differences(speaker_words(x.quote.text), speaker_words(y.quote.text),
                                            ignore=outlet_rendering):
            out.append(Discrepancy("quote_wording", [Value(x.article, left), Value(y.article, right)],
                                   note=f"quoted differently: {x.quote.speaker or 'unknown speaker'}",
                                   confidence=score / 100, evidence=_quote_sentences(x, y)))
    return out


def _told_by_two(x: Quote, y: Quote) -> bool:
    """Whether each article names, in the attribution itself, a different person ("said Father
    Reese" / "said Sister Simone"): two statements alike, or a misattribution (reported apart),
    not one quotation worded two ways. A speaker resolved from a pronoun or context may be wrong,
    and descriptions ("the scholars", "the letter") may be one source told two ways, so only
    proper names named in the attribution count."""
    named = x.resolved == "named" and y.resolved == "named" and _named(x.speaker) and _named(y.speaker)
    return named and not _same_person(x.speaker or "", y.speaker or "")


def mutual_best(scored: Iterator[tuple[QuotedIn, QuotedIn, int]]) -> list[tuple[QuotedIn, QuotedIn, int]]:
    """Pairs where each quotation is the other's closest in the other's article: a speaker who
    says "a clown show" and "a circus" in one speech is quoted with both by one outlet, and the
    other outlet's "a clown show" is that line, not a rewording of the circus one. (An outlet
    that quotes one line twice in two wordings agrees with the other outlet once, and is not
    reported: it disagrees with itself.)"""
    # Ties of the partial score (a short quotation inside several longer ones: "It's not about
    # you" in "It's not about your jobs") go to the pair closest as a whole.
    pairs = [(x, y, score, (score, fuzz.ratio(x.folded, y.folded))) for x, y, score in scored]
    best: dict[tuple[int, str], tuple[int, float]] = {}
    for x, y, _, rank in pairs:
        for q, other in ((x, y), (y, x)):
            key = (id(q), other.article)
            best[key] = max(best.get(key, (0, 0.0)), rank)
    return [(x, y, score) for x, y, score, rank in pairs
            if rank >= best[(id(x), y.article)] and rank >= best[(id(y), x.article)]]


def quote_attribution(matches: QuoteMatches, by_id: dict[str, Analysis]) -> list[Discrepancy]:
    """One quotation (six words or more, nearly the same words) given to two different people, each
    named in the quotation's own sentence: a speaker inferred from an earlier paragraph ("she told
    reporters") is too often someone else to accuse an outlet of misattributing."""
    out = []
    for x, y, score in matches.scored(SAME_ATTRIBUTED_QUOTE):
        sx, sy = x.quote.speaker or "", y.quote.speaker or ""
        if min(len(x.quote.text.split()), len(y.quote.text.split())) < 6 or not _named(sx) or not _named(sy) \
                or _same_person(sx, sy):
            continue
        if not (_named_beside(by_id[x.article], x) and _named_beside(by_id[y.article], y)):
            continue
        out.append(Discrepancy("attribution", [Value(x.article, sx), Value(y.article, sy)],
                               note=f"“{_shorten(x.quote.text)}” said by different people",
                               confidence=0.9 * score / 100, evidence=_quote_sentences(x, y)))
    return out


def _named_beside(analysis: Analysis, quoted: QuotedIn) -> bool:
    """Whether the speaker is named, in the quotation's own sentence, as the subject of its speech
    verb ("…," Manley said; said Jim Manley): not a pronoun resolved from an earlier paragraph,
    nor a name that only stands near the cue ("He accused Obama of…, saying")."""
    q = quoted.quote
    if not q.cue or not q.speaker:
        return False
    sentence = analysis.sentences[q.sentence]
    doc = parse_sentence(analysis.article.text[sentence.start : sentence.end])
    inside = (q.start - sentence.start, q.end - sentence.start)
    surname = q.speaker.split()[-1].casefold()
    for token in doc:
        if token.text != q.cue or inside[0] <= token.idx < inside[1]:
            continue
        for subject in (c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")):
            # The subject's own name (its head and the words compounded with it: "Senate Majority
            # Leader Harry Reid"), not a name inside it: "a statement from Reid's office" is said by
            # the office, "a spokesman for Reid" by the spokesman.
            words = [subject, *(c for c in subject.children if c.dep_ in ("compound", "flat"))]
            if any(t.lower_ == surname and t.tag_.startswith("NNP") and not inside[0] <= t.idx < inside[1]
                   for t in words):
                return True
    return False


def _quote_sentences(x: QuotedIn, y: QuotedIn) -> list[SentenceRef]:
    return [SentenceRef(x.article, x.quote.sentence), SentenceRef(y.article, y.quote.sentence)]


def _named(speaker: str | None) -> bool:
    """A proper name ('Mark Esper', 'Pentagon'), not a description ('the draft', 'a spokesman')."""
    words = (speaker or "").split()
    return bool(words) and words[0].casefold() not in ("the", "a", "an") and all(w[0].isupper() for w in words)


def _same_person(x: str, y: str) -> bool:
    """'Mark Esper' and 'Esper' are one person; so are spellings one letter apart."""
    fx, fy = x.casefold().split(), y.casefold().split()
    return fx[-1] == fy[-1] or set(fx) <= set(fy) or set(fy) <= set(fx) or spelling_variants(x, y)


def _shorten(text: str, words: int = 8) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def speaker_words(quotation: str) -> str:
    """The quotation without the outlet's insertions in brackets or parentheses, contractions and
    ampersands spelled out."""
    return expand_contractions(EDITORIAL_INSERTION.sub(" ", quotation)).replace("&", " and ")


def outlet_rendering(left: list[str], right: list[str]) -> bool:
    """Whether two differing stretches are one wording written two ways: a name spelled or
    transliterated differently (proper names on both sides), or one word inflected differently
    (a lemma in common: the tense reported speech shifts)."""
    if _squashed(" ".join(left)) == _squashed(" ".join(right)):
        return True  # "F.B.I." / "FBI", "work force" / "workforce": house style
    if left and right and all(_proper(w) for w in left + right):
        return True
    if len(left) == 1 and len(right) == 1:
        return bool(_lemmas(left[0]) & _lemmas(right[0]))
    return False


def _proper(word: str) -> bool:
    """Capitalised and not a function word ("We", "I" are words of the speaker's)."""
    return any(c.isupper() for c in word) and word.casefold() not in stop_words() and len(word) > 1


def _lemmas(word: str) -> set[str]:
    import lemminflect

    return {lemma for lemmas in lemminflect.getAllLemmas(word.casefold()).values() for lemma in lemmas}


def restructured(fx: list[str], fy: list[str], opcodes: Sequence[tuple[str, int, int, int, int]]) -> bool:
    """Whether a content word left out at one place on one side stands at another place on the
    other: the same words rearranged ("has not changed its position" / "our position has not
    changed") are two statements or a paraphrase, not one quotation with a word changed."""
    gone_x = {w for op, i1, i2, _, _ in opcodes if op != "equal" for w in fx[i1:i2]}
    gone_y = {w for op, _, _, j1, j2 in opcodes if op != "equal" for w in fy[j1:j2]}
    return bool((gone_x & gone_y) - stop_words())


def _both_end_differently(op: str, i1: int, i2: int, j1: int, j2: int, fx: list[str], fy: list[str]) -> bool:
    """Both quotations start, or both end, with different words ("what they're finding" / "what
    they're talking"): one passage heard or written two ways, where a stretch only one side has
    is one outlet quoting more of it."""
    if op != "replace" or max(i2 - i1, j2 - j1) > MAX_EDIT_WORDS:
        return False
    return (i1 == 0 and j1 == 0) or (i2 == len(fx) and j2 == len(fy))


def word_differences(x: str, y: str, ignore: Callable[[list[str], list[str]], bool] | None = None
                     ) -> list[tuple[str, str]]:
    """Word-level differences inside the stretch the two texts share, each with one word of
    context; `ignore` drops differences (given the two stretches' words) that are no difference."""
    wx, wy = _WORD.findall(x), _WORD.findall(y)
    fx, fy = [_fold(w) for w in wx], [_fold(w) for w in wy]
    matcher = difflib.SequenceMatcher(a=fx, b=fy, autojunk=False)
    blocks = [blk for blk in matcher.get_matching_blocks() if blk.size]
    if len(blocks) < 2 and not (blocks and blocks[0].size >= 3):
        return []
    opcodes = matcher.get_opcodes()
    if restructured(fx, fy, opcodes):
        return []
    # Words before or after the stretch both share are not reported: one outlet quoting from a
    # later word ("Is it true that…" / "that…") or on after the other stops gives a shorter
    # quotation, not a different one.
    first, last = blocks[0], blocks[-1]
    lo_x, hi_x = first.a, last.a + last.size
    # Edits at the stretch's ends count towards how differently the two are built; of those,
    # only both quotations' first or last words given differently are reported.
    edits = [(op, i1, i2, j1, j2) for op, i1, i2, j1, j2 in opcodes if op != "equal"
             and ((lo_x <= i1 and i2 <= hi_x) or _both_end_differently(op, i1, i2, j1, j2, fx, fy))]
    if len(edits) > MAX_EDITS or any(max(i2 - i1, j2 - j1) > MAX_EDIT_WORDS for _, i1, i2, j1, j2 in edits):
        return []

    def outside(i1: int, i2: int, j1: int, j2: int) -> bool:
        return (i2 <= first.a and j2 <= first.b) or (i1 >= hi_x and j1 >= last.b + last.size)

    edits = [e for e in edits if not outside(*e[1:]) or _both_end_differently(*e, fx, fy)]
    diffs = []
    for _, i1, i2, j1, j2 in edits:
        if ignore is not None and ignore(wx[i1:i2], wy[j1:j2]):
            continue
        left = " ".join(wx[max(i1 - 1, 0) : i2 + 1])
        right = " ".join(wy[max(j1 - 1, 0) : j2 + 1])
        if _fold(left) != _fold(right):
            diffs.append((left, right))
    return diffs


def name_spelling(analyses: list[Analysis]) -> list[Discrepancy]:
    names = {a.article.id: {m.canonical for m in a.entities if m.label in ("PERSON", "ORG", "GPE")}
             for a in analyses}
    used_by: dict[str, list[str]] = {}
    for article_id, found in names.items():
        for name in sorted(found):
            used_by.setdefault(name, []).append(article_id)
    order = {a.article.id: n for n, a in enumerate(analyses)}
    by_id = {a.article.id: a for a in analyses}
    out = []
    # Distinct names are compared once each (not once per pair of articles), then spread back.
    for x, y in combinations(sorted(used_by), 2):
        if not spelling_variants(x, y):
            continue
        for art_x in used_by[x]:
            for art_y in used_by[y]:
                if art_x == art_y or y in names[art_x] or x in names[art_y]:
                    continue
                (a, na), (b, nb) = sorted([(art_x, x), (art_y, y)], key=lambda t: order[t[0]])
                out.append(Discrepancy("name_spelling", [Value(a, na), Value(b, nb)],
                                       note="one name spelled two ways", confidence=0.85,
                                       evidence=[_first_mention(by_id[a], na), _first_mention(by_id[b], nb)]))
    return out


def _first_mention(analysis: Analysis, canonical: str) -> SentenceRef:
    start = min(m.start for m in analysis.entities if m.canonical == canonical)
    index = next((s.index for s in analysis.sentences if s.start <= start < s.end), 0)
    return SentenceRef(analysis.article.id, index)


def spelling_variants(x: str, y: str) -> bool:
    """Same name but for one word spelled a little differently ('Qassam' / 'Qassem'); not one
    name in two house styles ('Wal-Mart' / 'Walmart', 'F.B.I.' / 'FBI') nor a longer form of it
    ('Salesforce.com' / 'Salesforce')."""
    tx, ty = x.split(), y.split()
    if len(tx) != len(ty) or x == y or _squashed(x) == _squashed(y):
        return False
    differing = [(p, q) for p, q in zip(tx, ty, strict=True) if p != q]
    if len(differing) != 1:
        return False
    p, q = differing[0]
    if p.isupper() != q.isupper() or _plural_of(p, q) or _plural_of(q, p):
        return False  # "NATO" / "Nation", "Fund" / "Funds": other words, not other spellings
    short, long_ = sorted((p.casefold(), q.casefold()), key=len)
    if long_.startswith(short) and not long_[len(short)].isalnum():
        return False  # "Salesforce.com" / "Salesforce": a longer form, where "Tomasz" / "Tomas" is a spelling
    return (min(len(p), len(q)) >= 4 and p[0].casefold() == q[0].casefold() and p.casefold() != q.casefold()
            and fuzz.ratio(p.casefold(), q.casefold()) >= NAME_LETTERS)


def _plural_of(x: str, y: str) -> bool:
    return y.casefold() in (x.casefold() + "s", x.casefold() + "es")


def fact_numbers(claims: list[tuple[SentenceRef, SentenceRef, float]], texts: dict[str, str],
                 by_id: dict[str, Analysis]) -> list[Discrepancy]:
    """One number of one unit, given differently in two sentences stating one claim about the same
    participant ('300 jobs' / '350 jobs'). A sentence listing several numbers of a unit (a poll's
    shares) states several claims, and which of them the other sentence matches is unknown. An
    outlet that gives the other's figure elsewhere in its article does not disagree with it: the
    two sentences count different things ("asked for $5.7 billion" / "about $8 billion in all")."""
    out = []
    figures: dict[str, dict[str, set[Figure]]] = {}

    def stated(article: str, unit: str, figure: Figure) -> bool:
        if article not in figures:
            text = by_id[article].article.text
            figures[article] = {u: set(xs) for u, xs in figures_by_unit(text, _nobody).items()}
        return any(consistent(figure, other) for other in figures[article].get(unit, ()))

    for x, y, similarity in claims:
        if similarity < SAME_DETAIL or not _shared_participant(by_id, x, y):
            continue
        numbers = _numbers_by_unit(texts[x.key], texts[y.key], _voice(by_id, x), _voice(by_id, y))
        for unit, (xs, ys) in numbers.items():
            if len(xs) == 1 and len(ys) == 1 and xs.keys() != ys.keys():
                ((left, voice_x),), ((right, voice_y),) = xs.items(), ys.items()
                if consistent(left, right) or not _same_voice(voice_x, voice_y):
                    continue
                if (left.in_words or right.in_words) and not _same_action(texts[x.key], left, texts[y.key], right):
                    continue
                if stated(y.article, unit, left) and stated(x.article, unit, right):
                    continue
                out.append(Discrepancy("number", [Value(x.article, _as_written(left, unit)),
                                                  Value(y.article, _as_written(right, unit))],
                                       note=f"a different number of {unit}", confidence=0.5 + similarity / 2,
                                       evidence=[x, y]))
    return out


def _same_action(x: str, left: Figure, y: str, right: Figure) -> bool:
    """Whether two figures may count for one action: the verb one is counted for (its first verb
    head, by lemma) is a verb of the other sentence, or one has none ("Five dead"). A number in
    words is most often a small count, and a small count most often a detail of one action among
    several ("scored 23 points" / "had five points during a run", "played in 10 games" / "missed
    four games"), so one in words is compared only with a figure of the same action ("missed nine
    games" / "missed 10 games"; "waited six hours" / "waited in line to cast his ballot for seven
    hours", where the parse gives the hours to "cast")."""
    doc_x, doc_y = parse_sentence(x), parse_sentence(y)
    verb_x, verb_y = _counted_for(doc_x, left.start), _counted_for(doc_y, right.start)
    return verb_x is None or verb_y is None or verb_x in _verbs(doc_y) or verb_y in _verbs(doc_x)


def _counted_for(doc: Doc, offset: int) -> str | None:
    token = next((t for t in doc if t.idx <= offset < t.idx + len(t.text)), None)
    while token is not None and not token.tag_.startswith("VB") and token.head.i != token.i:
        token = token.head
    return verb_lemma(token.lower_) if token is not None and token.tag_.startswith("VB") else None


def _verbs(doc: Doc) -> set[str]:
    return {verb_lemma(t.lower_) for t in doc if t.tag_.startswith("VB")}


def _as_written(figure: Figure, unit: str) -> str:
    """The figure as its sentence writes it, bound and number ("Sixty", not 60) and unit."""
    return f"{figure.qualifier} {figure.number} {unit}".strip()


def _nobody(offset: int) -> str | None:
    return None


def _shared_participant(by_id: dict[str, Analysis], x: SentenceRef, y: SentenceRef) -> bool:
    """Whether the two sentences name one person, organisation or place (by its last word, so
    "Jim Mattis" and "Mattis" are one): one event needs one participant, as ECB+ defines it."""
    def names(ref: SentenceRef) -> set[str]:
        analysis = by_id[ref.article]
        if ref.headline:
            return headline_names(analysis)
        sentence = analysis.sentences[ref.index]
        return {m.canonical.split()[-1].casefold() for m in analysis.entities
                if sentence.start <= m.start < sentence.end and m.canonical}
    return bool(names(x) & names(y))


def negations(claims: list[tuple[SentenceRef, SentenceRef, float]], texts: dict[str, str]) -> list[Discrepancy]:
    """One sentence says it, the other denies it: the two are worded alike (contractions spelled
    out) and a negation stands in what differs, on one side only. A negation elsewhere in either
    sentence, or two sentences built differently, says nothing about the claim."""
    out = []
    for x, y, _ in claims:
        flip = negation_flip(texts[x.key], texts[y.key])
        if flip is not None:
            left, right, frame = flip
            out.append(Discrepancy("negation", [Value(x.article, left), Value(y.article, right)],
                                   note="one says it, the other denies it", confidence=frame,
                                   evidence=[x, y]))
    return out


def negation_flip(x: str, y: str) -> tuple[str, str, float] | None:
    """(differing stretch of x, of y, share of words in common) when a negation is in one only."""
    wx, wy = _WORD.findall(expand_contractions(x)), _WORD.findall(expand_contractions(y))
    fx, fy = [w.casefold() for w in wx], [w.casefold() for w in wy]
    matcher = difflib.SequenceMatcher(a=fx, b=fy, autojunk=False)
    frame = matcher.ratio()
    if frame < SAME_SENTENCE_FRAME:
        return None
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        nx = sum(1 for w in fx[i1:i2] if NEGATION.match(w))
        ny = sum(1 for w in fy[j1:j2] if NEGATION.match(w))
        local = max(i2 - i1, j2 - j1) <= MAX_EDIT_WORDS  # a clause more or less is not a flip
        repeated = _repeats_beside(fx, i1, i2) or _repeats_beside(fy, j1, j2)
        if local and not repeated and nx != ny and (nx == 0 or ny == 0):
            left = " ".join(wx[max(i1 - 2, 0) : i2 + 2])
            right = " ".join(wy[max(j1 - 2, 0) : j2 + 2])
            return left, right, frame
    return None


def _repeats_beside(words: list[str], start: int, end: int) -> bool:
    """Whether words[start:end], which only this side has, is a stretch said twice in a row ("we
    will not, we will not stand by"): a speaker's restart one outlet keeps and another drops,
    where the other side has the same words once and so the same polarity. The doubled stretch
    may start before the edit ("will not we will not we"), so every offset is tried."""
    k = end - start
    if k == 0:
        return False
    return any(words[a : a + k] == words[a + k : a + 2 * k]
               for a in range(max(start - k, 0), start + 1) if a + 2 * k <= len(words))


def expand_contractions(text: str) -> str:
    for pattern, replacement in CONTRACTIONS:
        text = pattern.sub(replacement, text)
    return text


def fact_dates(claims: list[tuple[SentenceRef, SentenceRef, float]], by_id: dict[str, Analysis]
               ) -> list[Discrepancy]:
    """Two sentences stating one claim whose event dates do not overlap ("will leave on January 1" /
    "will retire at the end of February"); dates of the saying ("announced Sunday") are left out.

    Sentences as close as `SAME_DETAIL` compare all their event dates. Sentences of one claim that
    are less close overall (a long sentence carrying a second claim) compare only the dates of the
    same verb with a shared participant ("Mattis will leave at the end of February, and ..." /
    "Mattis will be leaving on January 1"): the same action dated twice is the same event."""
    cache: dict[str, list[tuple[DateSlot, str]]] = {}

    def slots(ref: SentenceRef) -> list[tuple[DateSlot, str]]:
        if ref.key not in cache:
            analysis = by_id[ref.article]
            has_dates = any(d.sentence == ref.index for d in analysis.dates) or MONTH_NAME.search(
                analysis.sentence_text(ref.index))
            cache[ref.key] = event_slots(analysis, ref.index, parse_sentence(analysis.sentence_text(ref.index))) \
                if has_dates else []
        return cache[ref.key]

    out = []
    for x, y, similarity in claims:
        if not _shared_participant(by_id, x, y):
            continue
        # "On Friday" is resolved against each article's own date; outlets' dates are often a day
        # or more apart (or wrong), so weekdays are compared only between articles of one day.
        same_day = by_id[x.article].article.day == by_id[y.article].article.day
        sx = [(a, v) for a, v in slots(x) if same_day or a.absolute]
        sy = [(b, w) for b, w in slots(y) if same_day or b.absolute]
        if similarity < SAME_DETAIL:
            verbs = {v for _, v in sx if v} & {w for _, w in sy if w}
            sx, sy = [(a, v) for a, v in sx if v in verbs], [(b, w) for b, w in sy if w in verbs]
        found = _different_dates([a for a, _ in sx], [b for b, _ in sy], by_id[x.article], by_id[y.article])
        if found:
            single = len(sx) == 1 and len(sy) == 1
            out.append(Discrepancy("date", [Value(x.article, " / ".join(s.describe() for s, _ in sx)),
                                            Value(y.article, " / ".join(s.describe() for s, _ in sy))],
                                   note="the same event on different dates",
                                   confidence=similarity * (1.0 if single else 0.8), evidence=[x, y]))
    return out


def _different_dates(sx: list[DateSlot], sy: list[DateSlot], ax: Analysis, ay: Analysis) -> bool:
    """Whether two sentences' event dates disagree: none overlaps, and (a date each outlet puts on
    the same side of its own publication day) both tell the event as past, or both as to come:
    an event told as past by one and as still to come by the other is two moments (a
    resignation and the departure it announces), not one event dated twice."""
    if not sx or not sy or any(a.overlaps(b) for a in sx for b in sy):
        return False
    sides = {(_side(a, ax), _side(b, ay)) for a in sx for b in sy}
    return any(p == q or "unknown" in (p, q) for p, q in sides)


def _side(slot: DateSlot, analysis: Analysis) -> str:
    day = analysis.article.day
    if day is None:
        return "unknown"
    return "past" if slot.last < day else "future" if slot.first > day else "now"


def _numbers_by_unit(x: str, y: str, voice_x: Callable[[int], str | None], voice_y: Callable[[int], str | None]
                     ) -> dict[str, tuple[dict[Figure, str | None], dict[Figure, str | None]]]:
    """Numbers of the same unit in both sentences ('300 jobs' / '350 jobs'); other units are not
    comparable."""
    ux, uy = figures_by_unit(x, voice_x), figures_by_unit(y, voice_y)
    return {unit: (ux[unit], uy[unit]) for unit in ux.keys() & uy.keys()}


def _voice(by_id: dict[str, Analysis], ref: SentenceRef) -> Callable[[int], str | None]:
    """Who gives a number at an offset of the sentence: "" for the outlet, a quotation's speaker
    ("?" when unknown) inside quotation marks."""
    analysis = by_id[ref.article]
    if ref.headline:
        return headline_voice(analysis)
    start = analysis.sentences[ref.index].start

    def voice(offset: int) -> str | None:
        at = start + offset
        quote = next((q for q in analysis.quotes if q.start <= at < q.end), None)
        return "" if quote is None else (quote.speaker or "?")
    return voice


def _same_voice(x: str | None, y: str | None) -> bool:
    """Two outlets' own figures are compared, and one speaker's figure as two outlets quote it;
    a speaker's figure against an outlet's or another speaker's is two claims, not a discrepancy
    ("He stole $700 billion," said the party chair / the ad's $716 billion)."""
    if not x and not y:
        return True
    return bool(x) and bool(y) and x != "?" and y != "?" and _same_person(x or "", y or "")


def _squashed(text: str) -> str:
    """Letters and digits only, case folded: what is left when typesetting is taken away."""
    return re.sub(r"[\W_]+", "", text.casefold())


def _fold(text: str) -> str:
    """Case, and typographic against straight apostrophes, are typesetting, not wording."""
    return " ".join(_WORD.findall(text.casefold().replace("’", "'")))
