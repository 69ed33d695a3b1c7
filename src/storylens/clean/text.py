"""Scraped plain text (a whole page copied as text) to an article body with metadata lifted out."""

from __future__ import annotations

from storylens.clean.boilerplate import ends_like_sentence, line_reason, strip_boilerplate
from storylens.clean.dates import given_date, header_dates, is_dateline
from storylens.errors import InputError
from storylens.model import Article, RawDocument, Removed

TITLE_MAX_WORDS = 30
HEADER_LINES = 6


def clean_text(doc: RawDocument, *, dayfirst: bool) -> Article:
    paragraphs = [line.strip() for line in doc.content.splitlines() if line.strip()]
    if not paragraphs:
        raise InputError(doc.source, "no text left after removing white space")
    removed: list[Removed] = []
    title = doc.title
    # A text of one paragraph is its own body: a headline needs something under it.
    if title is None and len(paragraphs) > 1 and _looks_like_title(paragraphs[0]):
        title = paragraphs.pop(0)
        removed.append(Removed(title, "title (kept as metadata)"))
    published, updated = given_date(doc.published, dayfirst=dayfirst), None
    body_start = 0
    for index, line in enumerate(paragraphs[:HEADER_LINES]):
        if is_dateline(line):
            found, changed = header_dates(line, dayfirst=dayfirst)
            published = published or found
            updated = updated or changed
            removed.append(Removed(line, "dateline (kept as metadata)"))
            paragraphs[index] = ""
            body_start = index + 1
    lines = strip_boilerplate([p for p in paragraphs if p], header_lines=max(HEADER_LINES - body_start, 2))
    if not lines.kept:
        raise InputError(doc.source, "every line looks like page furniture; no article body found")
    return Article.create(
        "\n\n".join(lines.kept),
        title=title,
        id=doc.id,
        outlet=doc.outlet or lines.outlet,
        byline=lines.byline,
        url=doc.url,
        published=published,
        updated=updated,
        lang=doc.lang,
        input=doc.source,
        removed=removed + lines.removed,
    )


def _looks_like_title(line: str) -> bool:
    """Headlines are short and end without a full stop; a first paragraph of prose is not one."""
    words = len(line.split())
    if not 2 <= words <= TITLE_MAX_WORDS or line_reason(line, near_top=True):
        return False
    if line.rstrip("'’\"”").endswith((".", ",")):  # prose that closes a quotation: said it."
        return False
    return not ends_like_sentence(line) or line.endswith(("?", "!", "'", "’", '"', "”"))
