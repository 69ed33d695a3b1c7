"""Fact alignment: sentences of different articles that report the same fact.

Three kinds of evidence, each mapped onto one 0-1 similarity, and the strongest wins: TF-IDF cosine
over word uni- and bigrams fitted on the story's own sentences (same words), the cosine of MiniLM
sentence embeddings (same meaning in other words: "will not pull its troops out" against "forced to
deny it is withdrawing troops"), and shared quotations. One sentence may align with several (one
long sentence can report what two short ones do). Each article's headline takes part as one of
its sentences (`headlines.py`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from itertools import combinations
from typing import NamedTuple

import numpy as np

from storylens.analyze.embed import DIM, embed
from storylens.compare.headlines import headline_of, headline_ref
from storylens.compare.quotematch import LOWEST_CUTOFF, QuoteMatches
from storylens.model import Analysis, Fact, SentenceRef

QUOTE_MATCH = 85  # rapidfuzz partial ratio at which two quotations are the same words
# Sentences of one story share a topic, so even unrelated ones reach an embedding cosine of 0.3-0.5;
# the cosine is shifted by this much so that a paraphrase (about 0.6 and up) meets the threshold
# that a TF-IDF match needs.
EMBEDDING_OFFSET = 0.3
# A restatement is a paraphrase of its own article's sentence: cosine 0.8 (0.5 after the shift) or
# half the TF-IDF weight shared. Reaching only the threshold at which two outlets' sentences make
# one claim is not enough: in a long story every sentence about its protagonist reaches that with
# the others, and one fact gathered 11 ("Mr. Mattis refused." with "Mattis has denied having said
# that."). ecbplus-align-dev cannot choose the value (recall 0.498 at any value from the threshold
# up); over basil-dev's stories, facts holding two sentences of one article went from 463 to 39.
RESTATEMENT = 0.5
_WORD = re.compile(r"[^\W\d_]{2,}")


def sentence_refs(analyses: list[Analysis]) -> list[tuple[SentenceRef, str]]:
    """Every sentence alignment compares, article by article: its headline (where it has one),
    then its body sentences."""
    out = []
    for a in analyses:
        headline = headline_of(a)
        if headline is not None:
            out.append((headline_ref(a), headline))
        out.extend((SentenceRef(a.article.id, s.index), s.of(a.article.text)) for s in a.sentences)
    return out


def similarity_matrix(texts: list[str]) -> np.ndarray:
    if not texts:
        return np.zeros((0, 0))
    # Imported here, not at the top: scikit-learn takes seconds to import, and every process that
    # imports the API (`storylens serve` and its workers, each CLI command) would pay it at start-up.
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(ngram_range=(1, 2), stop_words="english", sublinear_tf=True,
                                 token_pattern=r"(?u)\b\w[\w'’-]*\w\b|\b\d+\b")
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:  # only stop words in the whole story
        return np.zeros((len(texts), len(texts)))
    return np.asarray((matrix @ matrix.T).todense())


def add_sentence_vectors(analyses: list[Analysis]) -> None:
    """Embed the sentences of the analyses that have no vectors yet, in one batch."""
    missing = [a for a in analyses if a.vectors is None]
    texts = [s.of(a.article.text) for a in missing for s in a.sentences]
    vectors = embed(texts)
    at = 0
    for a in missing:
        a.vectors = vectors[at : at + len(a.sentences)]
        at += len(a.sentences)


def sentence_vectors(analyses: list[Analysis]) -> np.ndarray:
    """Unit embeddings of the sentences in `sentence_refs` order. Body sentences reuse the
    analyses' vectors (stored with them); headlines, a handful per story, are embedded here, in
    one batch. Read by position, never by article id: a story may hold one article twice."""
    add_sentence_vectors(analyses)
    headlines = [headline_of(a) for a in analyses]
    embedded = iter(embed([h for h in headlines if h is not None]))
    rows: list[np.ndarray] = []
    for analysis, headline in zip(analyses, headlines, strict=True):
        if headline is not None:
            rows.append(next(embedded)[None, :])
        rows.append(np.asarray(analysis.vectors, dtype=np.float32).reshape(-1, DIM))
    return np.vstack(rows) if rows else np.zeros((0, DIM), dtype=np.float32)


def embedding_similarity(vectors: np.ndarray, offset: float = EMBEDDING_OFFSET) -> np.ndarray:
    return np.clip(vectors @ vectors.T - offset, 0.0, 1.0)


def lexical_similarity(matches: QuoteMatches, refs: list[tuple[SentenceRef, str]]) -> np.ndarray:
    """Same words or the same quotation: the evidence strict enough for detail checks."""
    return np.maximum(similarity_matrix([t for _, t in refs]), quote_similarity(matches, refs))


def quote_similarity(matches: QuoteMatches, refs: list[tuple[SentenceRef, str]]) -> np.ndarray:
    """1.0 for sentence pairs that carry the same quotation (four words or more), else 0."""
    position = {ref.key: n for n, (ref, _) in enumerate(refs)}
    out = np.zeros((len(refs), len(refs)))
    for x, y in matches.pairs(QUOTE_MATCH):
        si = position[SentenceRef(x.article, x.quote.sentence).key]
        sj = position[SentenceRef(y.article, y.quote.sentence).key]
        out[si, sj] = out[sj, si] = 1.0
    return out


def different_statements(matches: QuoteMatches, refs: list[tuple[SentenceRef, str]]) -> np.ndarray:
    """True for sentence pairs that each carry a quotation (four words or more) and share none.

    A quotation is the claim its sentence reports, and two different quotations are two
    statements even when the same person makes both on the same subject ("His grandmother in
    Kenya said..." / "I want to see the birth certificate," said Trump): their words and
    embeddings are alike through the speaker and the topic, which is how a fact used to take in
    another quotation of the same speaker from a third outlet. Versions of one quotation (any
    pair `QuoteMatches` keeps, worded apart or cut short) are not different statements.
    """
    position = {ref.key: n for n, (ref, _) in enumerate(refs)}
    quoting = np.zeros(len(refs), dtype=bool)
    for quoted in matches.quotes:
        quoting[position[SentenceRef(quoted.article, quoted.quote.sentence).key]] = True
    same = np.zeros((len(refs), len(refs)), dtype=bool)
    for x, y in matches.pairs(LOWEST_CUTOFF):
        si = position[SentenceRef(x.article, x.quote.sentence).key]
        sj = position[SentenceRef(y.article, y.quote.sentence).key]
        same[si, sj] = same[sj, si] = True
    different = np.outer(quoting, quoting) & ~same
    np.fill_diagonal(different, False)
    return different


class Similarities(NamedTuple):
    """Sentence-by-sentence similarities of a story. `lexical` is the strict evidence (same words
    or the same quotation); `combined` is what alignment decides on (lexical or same meaning)."""

    lexical: np.ndarray
    combined: np.ndarray


@dataclass(frozen=True)
class AlignSettings:
    """The constants of alignment, calibrated by tools/fit_align.py on ecbplus-align-dev (chosen on
    one half of its story clusters, checked on the other) and confirmed on the seeds."""

    threshold: float = 0.25
    # A sentence links to its best match in another article and to others within this much of it:
    # one claim is reported once per article, unless a long sentence truly carries two.
    margin: float = 0.2
    embedding_offset: float = EMBEDDING_OFFSET


def align(analyses: list[Analysis], settings: AlignSettings | float,
          matches: QuoteMatches | None = None) -> tuple[list[Fact], Similarities, list]:
    """Shared facts (sentences of different articles making one claim) and single-source facts.

    Also returns the similarities: discrepancy rules compare details of two sentences by how close
    those two are (not by their fact's mean), and outside facts only where they share words.
    """
    if not isinstance(settings, AlignSettings):
        settings = AlignSettings(threshold=settings)
    refs = sentence_refs(analyses)
    matches = matches or QuoteMatches(analyses)
    lexical = lexical_similarity(matches, refs)
    sims = np.maximum(lexical, embedding_similarity(sentence_vectors(analyses), settings.embedding_offset))
    sims[different_statements(matches, refs)] = 0.0
    articles = [r.article for r, _ in refs]
    groups = body_and_headline_groups(sims, articles, np.array([r.headline for r, _ in refs], dtype=bool), settings)
    facts = [Fact("shared", _body_first(refs[n][0] for n in sorted(g)), score=_mean_pair(sims, g, articles))
             for g in groups]
    aligned = set().union(*groups) if groups else set()
    singles = [Fact("single", [refs[n][0]], score=importance(refs[n][0], analyses))
               for n in range(len(refs))
               if n not in aligned and not refs[n][0].headline and states_anything(refs[n][1])]
    facts.sort(key=lambda f: (-len({r.article for r in f.sentences}), -f.score))
    singles.sort(key=lambda f: -f.score)
    return lead_with_unshown(facts) + singles, Similarities(lexical, sims), refs


def _body_first(refs: Iterable[SentenceRef]) -> list[SentenceRef]:
    """A fact's sentences with its body sentences before its headlines: every view shows a fact
    by its first sentence, and a claim in its article's words reads better than a headline's."""
    return sorted(refs, key=lambda r: r.headline)


def states_anything(text: str) -> bool:
    """Whether a sentence has a word in it. What extraction leaves of a removed embed or list
    ('...', a lone quotation mark) is split off as a sentence of its own but says nothing, and
    would be listed as a fact only one outlet reports."""
    return _WORD.search(text) is not None


def lead_with_unshown(facts: list[Fact]) -> list[Fact]:
    """Each fact with a sentence no earlier fact leads with moved to the front, where one exists.

    Every view shows a fact by its first sentence (the report's rows, the coverage matrix, CSV).
    A long sentence may sit in two facts (it carries two claims), and two rows shown by that one
    sentence read as one claim listed twice with different outlets; led by their other members,
    they show the two claims.
    """
    shown: set[str] = set()
    out = []
    for fact in facts:
        lead = next((r for r in fact.sentences if r.key not in shown), fact.sentences[0])
        shown.add(lead.key)
        out.append(Fact(fact.kind, [lead, *(r for r in fact.sentences if r != lead)], fact.score))
    return out


def claim_links(sims: np.ndarray, articles: list[str], settings: AlignSettings) -> list[tuple[float, int, int]]:
    """(similarity, i, j) for sentence pairs of two articles that are each other's best match, or
    within `margin` of it, and reach the threshold; strongest first.

    Mutual best matching is what keeps a fact at the grain of one claim: in a story every sentence
    is somewhat similar to many, and a threshold alone lets one sentence gather the whole topic.
    """
    ids = np.array(articles)
    links = []
    for a, b in combinations(sorted(set(articles)), 2):
        rows, cols = np.flatnonzero(ids == a), np.flatnonzero(ids == b)
        block = sims[np.ix_(rows, cols)]
        if block.size == 0:
            continue
        near_row = block >= block.max(axis=1, keepdims=True) - settings.margin
        near_col = block >= block.max(axis=0, keepdims=True) - settings.margin
        for r, c in zip(*np.nonzero(near_row & near_col & (block >= settings.threshold)), strict=True):
            links.append((float(block[r, c]), int(rows[r]), int(cols[c])))
    links.sort(key=lambda t: (-t[0], t[1], t[2]))
    return links


def body_and_headline_groups(sims: np.ndarray, articles: list[str], headline: np.ndarray,
                             settings: AlignSettings) -> list[frozenset[int]]:
    """Facts of the body sentences, then facts of the headlines, each headline joined only through
    its own best match.

    Body sentences are grouped among themselves, exactly as if there were no headlines: a headline
    restates its article's main claims, so in the contest for each body sentence's best match in
    its article it would take the place of the body sentence that makes the claim in context
    (the lead). A headline's fact is its mutual best match in each other article (another
    headline, or the one sentence that says what it says), grown by the same complete linkage,
    and is a fact of its own: let into the body fact of its article's lead as a restatement, one
    headline would pair with every member there, several claims for one.
    """
    body = np.flatnonzero(~headline)
    groups = [frozenset(int(body[n]) for n in g)
              for g in claim_groups(sims[np.ix_(body, body)], [articles[n] for n in body], settings)]
    own_best = replace(settings, margin=0.0)
    links = [link for link in claim_links(sims, articles, own_best) if headline[link[1]] or headline[link[2]]]
    return groups + sorted(grown(links, sims, articles, settings.threshold), key=min)


def claim_groups(sims: np.ndarray, articles: list[str], settings: AlignSettings) -> list[frozenset[int]]:
    """Links grown into facts, strongest first, by complete linkage with one sentence per article:
    a sentence joins a fact only when it reaches the threshold with every member and its article
    has no sentence there yet, so no fact drifts along a chain or gathers a whole topic. A long
    sentence linked to two claims of another article sits in two facts; a sentence that restates
    its article's member of a fact (close to every member) joins that fact, not a copy of it."""
    return sorted(grown(claim_links(sims, articles, settings), sims, articles, settings.threshold), key=min)


def grown(links: list[tuple[float, int, int]], sims: np.ndarray, articles: list[str], threshold: float
          ) -> list[frozenset[int]]:
    """The links (strongest first) grown into facts as `claim_groups` says."""
    facts: list[set[int]] = []
    member_of: dict[int, list[int]] = {}
    for _, i, j in links:
        held = member_of.get(i, []) + member_of.get(j, [])
        if any(i in facts[f] and j in facts[f] for f in held):
            continue
        target = _fact_taking(facts, held, i, j, sims, articles, threshold)
        if target is None:
            facts.append({i, j})
            target = len(facts) - 1
        for n in facts[target] | {i, j}:
            if n not in facts[target]:
                facts[target].add(n)
            if target not in member_of.setdefault(n, []):
                member_of[n].append(target)
    return [frozenset(f) for f in facts]


def _fact_taking(facts: list[set[int]], held: list[int], i: int, j: int, sims: np.ndarray,
                 articles: list[str], threshold: float) -> int | None:
    """The fact, among those holding one end of link (i, j), that takes the other end: as a new
    article's sentence first, else as a restatement in an article already there."""
    for accepts in (_may_join, _repeats):
        for f in held:
            if accepts(facts[f], j if i in facts[f] else i, sims, articles, threshold):
                return f
    return None


def _may_join(fact: set[int], n: int, sims: np.ndarray, articles: list[str], threshold: float) -> bool:
    return (articles[n] not in {articles[m] for m in fact}
            and all(sims[n, m] >= threshold for m in fact))


def _repeats(fact: set[int], n: int, sims: np.ndarray, articles: list[str], threshold: float) -> bool:
    """Whether `n` states the fact again in an article that already has a sentence there (a lead
    and its later restatement): it reaches the threshold with every member and paraphrases its
    own article's (`RESTATEMENT`). Kept in that fact rather than opening a second fact with the
    same other members, which would show one claim as two rows; a sentence unlike its article's
    member there is another claim, and opens its own fact."""
    own = [m for m in fact if articles[m] == articles[n]]
    return (bool(own) and all(sims[n, m] >= threshold for m in fact)
            and all(sims[n, m] >= max(threshold, RESTATEMENT) for m in own))


def _mean_pair(sims: np.ndarray, group: frozenset[int], articles: list[str]) -> float:
    pairs = [sims[i, j] for i in group for j in group if i < j and articles[i] != articles[j]]
    return float(np.mean(pairs)) if pairs else 0.0


def importance(ref: SentenceRef, analyses: list[Analysis]) -> float:
    """Lead sentences matter most in news; names and numbers make a sentence a fact, not colour."""
    analysis = next(a for a in analyses if a.article.id == ref.article)
    sentence = analysis.sentences[ref.index]
    text = sentence.of(analysis.article.text)
    names = sum(1 for m in analysis.entities if sentence.start <= m.start < sentence.end)
    numbers = len(re.findall(r"\d", text)) > 0
    return 1.0 / (1 + ref.index) + 0.1 * min(names, 3) + 0.1 * numbers
