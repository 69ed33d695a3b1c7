"""The store interface. SQLite implements it by default; a PostgreSQL backend can implement the same."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple, Protocol

from storylens.model import Article, Rejection, Story

# The orders a story list can take (SQL over per-story aggregates); each ends on the story id,
# so that pages of one query never overlap. "coverage": most outlets first, then most recent.
STORY_ORDERS = {
    "coverage": "outlets DESC, last_seen IS NULL, last_seen DESC, size DESC, story_id",
    "recent": "last_seen IS NULL, last_seen DESC, size DESC, story_id",
    "size": "size DESC, last_seen IS NULL, last_seen DESC, story_id",
}


@dataclass(frozen=True)
class StoryQuery:
    """One page of a story list: optional filters, an order from STORY_ORDERS, and the window."""

    text: str | None = None  # words in a title, outlet or text (each word also as a prefix)
    entity: str | None = None  # a name, matched as a phrase
    outlet: str | None = None
    since: date | None = None  # coverage on or after this day (undated stories always match)
    until: date | None = None
    sort: str = "coverage"
    limit: int = 20
    offset: int = 0


class StoryPage(NamedTuple):
    """One page of a story list and how many stories the query matches. `exact` is False when
    a word or name is in more articles than a search reads (store/search.py): `total` is then
    the number of stories of its latest matches, a lower bound."""

    total: int
    stories: list[Story]
    exact: bool = True


class Store(Protocol):
    def add_articles(self, articles: Iterable[Article]) -> list[str]:
        """Insert articles not yet stored, in one transaction; return the ids that were new."""

    def store_articles(self, articles: Iterable[Article]) -> list[tuple[str, bool]]:
        """(stored id, newly added) per article; an id held with other content gets a suffix."""

    def stored_id(self, article: Article) -> str | None:
        """The id under which this article's content is stored, if it is."""

    def add_rejections(self, rejections: Iterable[Rejection]) -> None: ...

    def article(self, article_id: str) -> Article: ...

    def articles(self, ids: Iterable[str] | None = None) -> list[Article]:
        """Articles in arrival order (all, or the given ids)."""

    def assign_stories(self, assignments: dict[str, str], duplicates: dict[str, str]) -> None:
        """Set each article's story and record duplicates (article id -> original id)."""

    def stories(self) -> list[Story]: ...

    def story(self, story_id: str) -> Story: ...

    def story_id_of(self, article_id: str) -> str | None: ...

    def story_days(self, story_ids: list[str] | None = None) -> dict[str, list[date]]: ...

    def story_page(self, query: StoryQuery) -> StoryPage:
        """How many stories match the query, and the stories of its page."""

    def stories_by_id(self, story_ids: list[str]) -> list[Story]: ...

    def stories_matching(self, text: str) -> set[str]: ...

    def rejections(self) -> list[Rejection]: ...

    def save_comparison(self, story_id: str, report: dict[str, Any],
                        article_ids: list[str] | None = None) -> None: ...

    def comparison(self, story_id: str) -> dict[str, Any] | None: ...

    def close(self) -> None: ...
