"""The store interface. SQLite implements it by default; a PostgreSQL backend can implement the same."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, Protocol

from storylens.model import Article, Rejection, Story


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

    def story_days(self) -> dict[str, list[date]]: ...

    def stories_matching(self, text: str) -> set[str]: ...

    def rejections(self) -> list[Rejection]: ...

    def save_comparison(self, story_id: str, report: dict[str, Any]) -> None: ...

    def comparison(self, story_id: str) -> dict[str, Any] | None: ...

    def close(self) -> None: ...
