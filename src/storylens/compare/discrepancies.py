"""Details the articles give differently: quote wording, name spelling, numbers, negation.

Precision matters more than volume, so each rule only fires on strong evidence: quotations that
are clearly the same quotation, names that differ by a letter or two in one word, numbers and
negations inside sentences that clearly report the same fact.
"""

from __future__ import annotations

import difflib
import re
from itertools import combinations

import numpy as np
from rapidfuzz import fuzz

from storylens.compare.quotematch import QuoteMatches
from storylens.model import Analysis, Discrepancy, SentenceRef, Value

SAME_QUOTE = 80        # partial ratio: the two quotations are versions of one
MAX_EDIT_WORDS = 3     # a wording difference is a few words; more is a different quotation
MAX_EDITS = 2
SAME_NUMBER_FACT = 0.3  # sentence similarity for the number check (the unit must match too)
SAME_FACT = 0.5        # sentence similarity for the negation and date checks
SAME_ATTRIBUTED_QUOTE = 90  # partial ratio: one quotation, checked for who it is given to
NAME_LETTERS = 80      # ratio between two spellings of one word of a name
NEGATION = re.compile(r"\b(?:not|no|never|none|nor|denied|denies|deny|refused|rejected)\b|n't\b", re.I)
NUMBER = re.compile(r"\b(\d[\d,.]*\d|\d)\s*(%|per cent|percent|million|billion|thousand|[a-z]+)", re.I)
_WORD = re.compile(r"[\w'’-]+")


def find_discrepancies(analyses: list[Analysis], sims: np.ndarray, refs: list[tuple[SentenceRef, str]],
                       matches: QuoteMatches | None = None) -> list[Discrepancy]:
    matches = matches or QuoteMatches(analyses)
    found = (quote_wording(matches) + quote_attribution(matches) + name_spelling(analyses)
             + fact_details(sims, refs) + fact_dates(analyses, sims, refs))
    unique: dict[tuple, Discrepancy] = {}
    for d in found:
        key = (d.kind, frozenset((v.article, _fold(v.text)) for v in d.values))
        unique.setdefault(key, d)
    return list(unique.values())


def quote_wording(matches: QuoteMatches) -> list[Discrepancy]:
    out = []
    for x, y in matches.pairs(SAME_QUOTE):
        if x.folded == y.folded:
            continue
        for left, right in word_differences(x.quote.text, y.quote.text):
            out.append(Discrepancy("quote_wording", [Value(x.article, left), Value(y.article, right)],
                                   note=f"quoted differently: {x.quote.speaker or 'unknown speaker'}"))
    return out


def quote_attribution(matches: QuoteMatches) -> list[Discrepancy]:
    """One quotation (six words or more, nearly the same words) given to two different speakers."""
    out = []
    for x, y in matches.pairs(SAME_ATTRIBUTED_QUOTE):
        sx, sy = x.quote.speaker or "", y.quote.speaker or ""
        if min(len(x.quote.text.split()), len(y.quote.text.split())) < 6 or not _named(sx) or not _named(sy) \
                or _same_person(sx, sy):
            continue
        out.append(Discrepancy("attribution", [Value(x.article, sx), Value(y.article, sy)],
                               note=f"“{_shorten(x.quote.text)}” said by different people"))
    return out


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


def word_differences(x: str, y: str) -> list[tuple[str, str]]:
    """Word-level differences inside the stretch the two texts share, each with one word of context."""
    wx, wy = _WORD.findall(x), _WORD.findall(y)
    fx, fy = [w.casefold() for w in wx], [w.casefold() for w in wy]
    matcher = difflib.SequenceMatcher(a=fx, b=fy, autojunk=False)
    blocks = [blk for blk in matcher.get_matching_blocks() if blk.size]
    if len(blocks) < 2 and not (blocks and blocks[0].size >= 3):
        return []
    lo_x, hi_x = blocks[0].a, blocks[-1].a + blocks[-1].size
    edits = [(i1, i2, j1, j2) for op, i1, i2, j1, j2 in matcher.get_opcodes()
             if op != "equal" and lo_x <= i1 and i2 <= hi_x]
    if len(edits) > MAX_EDITS or any(max(i2 - i1, j2 - j1) > MAX_EDIT_WORDS for i1, i2, j1, j2 in edits):
        return []
    diffs = []
    for i1, i2, j1, j2 in edits:
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
                                       note="one name spelled two ways"))
    return out


def spelling_variants(x: str, y: str) -> bool:
    """Same name but for one word spelled a little differently ('Qassam' / 'Qassem')."""
    tx, ty = x.split(), y.split()
    if len(tx) != len(ty) or x == y:
        return False
    differing = [(p, q) for p, q in zip(tx, ty, strict=True) if p != q]
    if len(differing) != 1:
        return False
    p, q = differing[0]
    return (min(len(p), len(q)) >= 4 and p[0].casefold() == q[0].casefold() and p.casefold() != q.casefold()
            and fuzz.ratio(p.casefold(), q.casefold()) >= NAME_LETTERS)


def fact_details(sims: np.ndarray, refs: list[tuple[SentenceRef, str]]) -> list[Discrepancy]:
    out = []
    for i, j in zip(*np.nonzero(np.triu(sims, 1) >= SAME_NUMBER_FACT), strict=True):
        (ri, ti), (rj, tj) = refs[i], refs[j]
        if ri.article == rj.article:
            continue
        for unit, (xs, ys) in _numbers_by_unit(ti, tj).items():
            if xs - ys and ys - xs:
                left = " / ".join(f"{x} {unit}" for x in sorted(xs - ys))
                right = " / ".join(f"{y} {unit}" for y in sorted(ys - xs))
                out.append(Discrepancy("number", [Value(ri.article, left), Value(rj.article, right)],
                                       note=f"a different number of {unit}"))
        if sims[i, j] >= SAME_FACT and bool(NEGATION.search(ti)) != bool(NEGATION.search(tj)):
            out.append(Discrepancy("negation", [Value(ri.article, ti), Value(rj.article, tj)],
                                   note="one says it, the other denies it"))
    return out


def fact_dates(analyses: list[Analysis], sims: np.ndarray,
               refs: list[tuple[SentenceRef, str]]) -> list[Discrepancy]:
    """Sentences that clearly report one fact but put it on different days (after resolving
    'on Friday' against each article's date)."""
    days: dict[str, set] = {}
    words: dict[str, dict] = {}
    for a in analyses:
        for d in a.dates:
            if d.date is not None:
                key = SentenceRef(a.article.id, d.sentence).key
                days.setdefault(key, set()).add(d.date)
                words.setdefault(key, {})[d.date] = d.text
    out = []
    for i, j in zip(*np.nonzero(np.triu(sims, 1) >= SAME_FACT), strict=True):
        (ri, _), (rj, _) = refs[i], refs[j]
        di, dj = days.get(ri.key), days.get(rj.key)
        if ri.article == rj.article or not di or not dj or di & dj:
            continue
        left = " / ".join(f"{words[ri.key][d]} ({d.isoformat()})" for d in sorted(di))
        right = " / ".join(f"{words[rj.key][d]} ({d.isoformat()})" for d in sorted(dj))
        out.append(Discrepancy("date", [Value(ri.article, left), Value(rj.article, right)],
                               note="the same fact on different days"))
    return out


def _numbers_by_unit(x: str, y: str) -> dict[str, tuple[set[str], set[str]]]:
    """Numbers of the same unit in both sentences ('300 jobs' / '350 jobs'); others are not comparable."""
    def by_unit(text: str) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for number, unit in NUMBER.findall(text):
            found.setdefault(unit.casefold(), set()).add(number)
        return found
    ux, uy = by_unit(x), by_unit(y)
    return {unit: (ux[unit], uy[unit]) for unit in ux.keys() & uy.keys()}


def _fold(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))
