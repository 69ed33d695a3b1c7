"""The one data model that flows through every stage of storylens.

An `Article` is the unit everything else points into: annotations (`Sentence`, `Mention`, `Quote`,
`DateRef`) are stand-off, i.e. character offsets into `Article.text`, never copies, so that any
stage can show exactly where a finding comes from. What the cleaner removed is kept on the article
as `Removed` blocks with a reason; what could not be read at all becomes a `Rejection`.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any, Literal

ID_LENGTH = 16


def normalize_text(text: str) -> str:
    """NFC, unified line endings, no trailing spaces: the form every offset refers to."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


def content_id(*parts: str | None) -> str:
    """A stable id derived from content, so re-ingesting the same article is a no-op.

    Whitespace and case are folded first: the same article scraped twice with different line
    wrapping must get the same id.
    """
    digest = hashlib.sha256()
    for part in parts:
        folded = " ".join((part or "").split()).casefold()
        digest.update(folded.encode("utf-8"))
        digest.update(b"\x1f")
    return digest.hexdigest()[:ID_LENGTH]


@dataclass(frozen=True)
class Removed:
    """A block the cleaner took out of the page, kept so that nothing is silently lost."""

    text: str
    reason: str


@dataclass(frozen=True)
class Rejection:
    """An input that could not become an article, with the stage that refused it and why."""

    input: str
    stage: str
    reason: str


@dataclass
class Article:
    """A cleaned news article. `id` is derived from the clean text and title (see `content_id`)."""

    id: str
    text: str
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    byline: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    lang: str | None = None
    input: str | None = None
    removed: list[Removed] = field(default_factory=list)

    @classmethod
    def create(cls, text: str, title: str | None = None, **meta: Any) -> Article:
        text = normalize_text(text)
        title = normalize_text(title) if title else None
        return cls(id=meta.pop("id", None) or content_id(title, text), text=text, title=title, **meta)

    @property
    def day(self) -> date | None:
        return self.published.date() if self.published else None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["published"] = iso(self.published)
        data["updated"] = iso(self.updated)
        return data


def iso(value: datetime | date | None) -> str | None:
    """ISO 8601 without microseconds or a zero time part, as the evaluation contract asks."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.hour == value.minute == value.second == 0:
            return value.date().isoformat()
        return value.replace(microsecond=0, tzinfo=None).isoformat()
    return value.isoformat()


@dataclass(frozen=True)
class Span:
    """Character offsets into an article's text; `start` inclusive, `end` exclusive."""

    start: int
    end: int

    def of(self, text: str) -> str:
        return text[self.start : self.end]


@dataclass(frozen=True)
class Sentence(Span):
    index: int = 0


@dataclass(frozen=True)
class Mention(Span):
    """A named entity mention; `canonical` groups variant mentions of one entity. `variant` flags
    a mention spelled differently from its canonical name ("Qassam" for "Qassem Soleimani")."""

    text: str = ""
    label: str = ""
    canonical: str = ""
    variant: bool = False


@dataclass(frozen=True)
class Quote(Span):
    """A direct quotation: `start`/`end` cover the text between the quotation marks.

    `resolved` says how the speaker was found, strongest first: "named" in the attribution,
    "role" ("the president", resolved to the person the article gives that role), "pronoun"
    (resolved by salience), "signed" after a dash, "inherited" from the quotation it continues,
    "nearby" (the person named next to a cue that has no subject), "context" (no cue at all: the
    person the article was last talking about; weakest); "" when there is no speaker.
    """

    text: str = ""
    speaker: str | None = None
    cue: str | None = None
    sentence: int = 0
    resolved: str = ""


@dataclass(frozen=True)
class DateRef(Span):
    """A date expression resolved to a calendar day."""

    text: str = ""
    date: date | None = None
    sentence: int = 0


@dataclass
class Analysis:
    """Everything the analyze stage finds in one article."""

    article: Article
    sentences: list[Sentence] = field(default_factory=list)
    entities: list[Mention] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    dates: list[DateRef] = field(default_factory=list)

    # Unit sentence embeddings (one row per sentence, float32), filled in by the compare stage.
    vectors: Any = field(default=None, compare=False, repr=False)

    def sentence_text(self, index: int) -> str:
        return self.sentences[index].of(self.article.text)

    def to_dict(self) -> dict[str, Any]:
        """Everything but the article and the vectors, as JSON-ready data (the store keeps both apart)."""
        return {
            "sentences": [[s.start, s.end] for s in self.sentences],
            "entities": [[m.start, m.end, m.text, m.label, m.canonical, m.variant] for m in self.entities],
            "quotes": [[q.start, q.end, q.text, q.speaker, q.cue, q.sentence, q.resolved] for q in self.quotes],
            "dates": [[d.start, d.end, d.text, iso(d.date), d.sentence] for d in self.dates],
        }

    @classmethod
    def from_dict(cls, article: Article, data: dict[str, Any]) -> Analysis:
        return cls(
            article,
            sentences=[Sentence(a, b, index=n) for n, (a, b) in enumerate(data["sentences"])],
            entities=[Mention(a, b, text=t, label=label, canonical=c, variant=v)
                      for a, b, t, label, c, v in data["entities"]],
            quotes=[Quote(a, b, text=t, speaker=sp, cue=cue, sentence=n, resolved=(rest or [""])[0])
                    for a, b, t, sp, cue, n, *rest in data["quotes"]],
            dates=[DateRef(a, b, text=t, date=date.fromisoformat(d) if d else None, sentence=n)
                   for a, b, t, d, n in data["dates"]],
        )


@dataclass
class Story:
    """A group of articles about one event."""

    id: str
    article_ids: list[str] = field(default_factory=list)
    title: str | None = None
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    outlets: list[str] = field(default_factory=list)
    duplicates: dict[str, str] = field(default_factory=dict)  # article id -> id of its original

    def to_dict(self) -> dict[str, Any]:
        """The story as JSON-ready data, for the CLI's `--json` and the HTTP API alike."""
        return {"id": self.id, "title": self.title, "size": len(self.article_ids), "articles": self.article_ids,
                "outlets": self.outlets, "duplicates": self.duplicates,
                "first_seen": iso(self.first_seen), "last_seen": iso(self.last_seen)}


FactKind = Literal["shared", "single"]


# The index of an article's headline among the sentences compare aligns. The headline is the
# article's title, not a span of its clean text, so it has no offsets and no analysis of its own.
HEADLINE = -1


@dataclass(frozen=True)
class SentenceRef:
    """A sentence of one article, addressed as `article_id:s<index>`; index `HEADLINE` is the
    article's headline, addressed as `article_id:headline`."""

    article: str
    index: int

    @property
    def headline(self) -> bool:
        return self.index == HEADLINE

    @property
    def key(self) -> str:
        return f"{self.article}:headline" if self.headline else f"{self.article}:s{self.index}"


@dataclass
class Fact:
    kind: FactKind
    sentences: list[SentenceRef]
    score: float = 0.0


@dataclass(frozen=True)
class Value:
    article: str
    text: str


@dataclass
class Discrepancy:
    """A detail the articles give differently. `confidence` (0-1) orders them, strongest first;
    `evidence` are the sentences a reader checks it against, one or more per article."""

    kind: str
    values: list[Value]
    note: str | None = None
    confidence: float = 0.0
    evidence: list[SentenceRef] = field(default_factory=list)


@dataclass
class TimelineEvent:
    date: date
    sentence: SentenceRef
    text: str
    expression: str


@dataclass
class Comparison:
    """What a story's articles share, what only one reports, and where they differ."""

    analyses: list[Analysis]
    facts: list[Fact] = field(default_factory=list)
    discrepancies: list[Discrepancy] = field(default_factory=list)
    timeline: list[TimelineEvent] = field(default_factory=list)

    @property
    def articles(self) -> list[Article]:
        return [a.article for a in self.analyses]


InputKind = Literal["html", "text", "clean"]


@dataclass
class SourceState:
    """A followed source (feed, sitemap or page) and its health, kept so a restart resumes."""

    url: str
    kind: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    last_poll: datetime | None = None
    next_poll: datetime | None = None
    last_success: datetime | None = None
    failures: int = 0
    last_error: str | None = None
    articles_found: int = 0


@dataclass
class RawDocument:
    """One input as read, before cleaning: a page, a scraped text, or an already-clean record.

    `kind` decides the cleaner: `html` goes through main-text extraction, `text` through the
    plain-text boilerplate remover, `clean` (a JSONL record's `text`) is taken as it is.
    `published` is a `datetime` where the source's format is unambiguous, else the text as
    written: the clean stage reads it with the `dayfirst` setting, so readers need no settings.
    """

    source: str
    kind: InputKind
    content: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: datetime | str | None = None
    id: str | None = None
    lang: str | None = None
    # A date from outside the page (a WARC record's crawl date, a feed entry's date): the
    # article's date when the page states none.
    date_hint: datetime | None = None
    byline: str | None = None  # a record's given byline: the article's when the page states none
