"""What the clusterer reads of an article: words, names, numbers, a headline embedding and a date.

Each signal tells events apart in its own way. Content words say what happened; capitalised
names say who and where (two earthquakes share their words but not their towns); numbers pin
counts and years; the headline embedding catches the same event told in other words ("Biden
marks 500,000 COVID deaths" / "President commemorates lives lost"). All are read from the
article alone, so reading them in batches looks ahead at nothing.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import numpy as np

from storylens.model import Article

TITLE_WEIGHT = 2  # the headline names the event: its words count twice
# Words, names and numbers are read over the whole text (None), not its opening: a long article's
# later paragraphs name the towns, people and counts that tell one event from another of its kind,
# and the split (`split.py`) keeps apart the events whose shared background joins them (README,
# rule (x)). A number reads only that many opening words, as storylens did before.
LEAD_WORDS: int | None = None
# The headline vector embeds the title and the text's first words: the title alone says whom a
# story is about, and the opening says what happened to them, which is what keeps a new event
# apart from an older story about the same people (README, rule (xiv)). An untitled article is
# embedded by its opening words alone. The shipped scorer is fitted on vectors of these texts.
OPENING_WORDS = 30
HEADLINE_WORDS = 40
# How headline vectors are made. A store keeps it with the clusterer's state, and a state kept under
# another recipe is rebuilt from the stored articles (`StoredStories`): vectors of two recipes
# compared with each other would read as less alike than they are.
RECIPE = f"title + {OPENING_WORDS} words; untitled {HEADLINE_WORDS} words; all-MiniLM-L6-v2"
# Articles whose signals are read together: read ahead on one thread while the last ones are placed.
EMBED_BATCH = 256

_WORD = re.compile(r"[^\W\d_][\w'’-]*[^\W_]|[^\W\d_]")
# A capitalised word that does not open a sentence is, in news prose, nearly always a name.
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][\w'’-]+)", re.MULTILINE)
_NUMBER = re.compile(r"\b\d[\d,.]*\d\b|\b\d\b")
_YEAR = re.compile(r"(?:1[89]|20)\d\d")


@dataclass(frozen=True)
class Signals:
    words: Counter[str]
    names: Counter[str]
    numbers: frozenset[str]
    vector: np.ndarray  # unit-length embedding of the headline
    published: datetime | None


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """English stop words from jusText's stoplist (it ships with trafilatura): importing
    scikit-learn for its list would cost a second on every `storylens cluster` run."""
    import justext

    return frozenset(w.casefold() for w in justext.get_stoplist("English"))


def lead(article: Article) -> str:
    return article.text if LEAD_WORDS is None else " ".join(article.text.split()[:LEAD_WORDS])


def headline(article: Article, opening_words: int = OPENING_WORDS) -> str:
    """What the headline vector embeds. `opening_words` 0 is the title alone, as before rule (xiv);
    the benchmarks that compare openings pass other counts."""
    if not article.title:
        return " ".join(article.text.split()[:HEADLINE_WORDS])
    title = article.title.strip()
    if not opening_words:
        return title
    joint = " " if title[-1:] in ".!?:;" else ". "
    return title + joint + " ".join(article.text.split()[:opening_words])


def words(article: Article) -> Counter[str]:
    stop = stop_words()
    counts: Counter[str] = Counter()
    for weight, text in ((TITLE_WEIGHT, article.title or ""), (1, lead(article))):
        for word in _WORD.findall(text.casefold()):
            if len(word) > 2 and word not in stop:
                counts[word] += weight
    return counts


def names(article: Article) -> Counter[str]:
    stop = stop_words()
    counts: Counter[str] = Counter()
    for weight, text in ((TITLE_WEIGHT, article.title or ""), (1, lead(article))):
        for name in _NAME.findall(text):
            key = name.casefold()
            if len(key) > 1 and key not in stop:
                counts[key] += weight
    return counts


def numbers(article: Article) -> frozenset[str]:
    return frozenset(_NUMBER.findall(f"{article.title or ''} {lead(article)}"))


def headline_vectors(articles: Sequence[Article]) -> np.ndarray:
    """Unit-length headline embeddings, one row per article. They are embedded together: the
    encoder batches them by length, and more headlines make batches of more even length. A
    backfill computes them on its workers, next to the cleaning."""
    from storylens.analyze import embed

    if not articles:
        return np.zeros((0, embed.DIM), dtype=np.float32)  # without loading the model
    return embed.load().encode([headline(a) for a in articles])


def years(numbers: frozenset[str] | set[str]) -> set[str]:
    """The numbers that read as years: a story told again a year later shares its words, not these."""
    return {n for n in numbers if _YEAR.fullmatch(n)}


def read_signals(articles: Sequence[Article], vectors: Mapping[str, np.ndarray] | None = None) -> list[Signals]:
    """Signals of each article. `vectors` holds headline embeddings computed elsewhere (by article
    id); only the articles missing from it are embedded here, since embedding is most of the cost."""
    given = vectors or {}
    missing = [i for i, a in enumerate(articles) if a.id not in given]  # by position: ids may repeat
    embedded = dict(zip(missing, headline_vectors([articles[i] for i in missing]), strict=True))
    return [
        Signals(words(a), names(a), numbers(a), embedded[i] if i in embedded else given[a.id], a.published)
        for i, a in enumerate(articles)
    ]
