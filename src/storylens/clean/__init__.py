"""Clean: a `RawDocument` becomes an `Article` with main text, metadata, and what was removed."""

from __future__ import annotations

from storylens.clean.dates import given_date
from storylens.clean.html import clean_html
from storylens.clean.text import clean_text
from storylens.model import Article, RawDocument, Removed


def clean(doc: RawDocument, *, dayfirst: bool) -> Article:
    """Dispatch on the input's kind; raises `InputError` naming the input when nothing is usable.

    `dayfirst` is the setting of that name: it must reach every reader of dates, so it has no
    default here. A given publication date that cannot be read is kept as a removed block with
    the reason, so the user sees why the article is undated."""
    if doc.kind == "html":
        article = clean_html(doc, dayfirst=dayfirst)
    elif doc.kind == "text":
        article = clean_text(doc, dayfirst=dayfirst)
    else:
        article = Article.create(doc.content, title=doc.title, id=doc.id, outlet=doc.outlet, url=doc.url,
                                 published=given_date(doc.published, dayfirst=dayfirst), lang=doc.lang,
                                 input=doc.source)
    if isinstance(doc.published, str) and given_date(doc.published, dayfirst=dayfirst) is None:
        article.removed.insert(0, Removed(doc.published[:200], "unreadable publication date (ignored)"))
    return article


__all__ = ["clean", "clean_html", "clean_text"]
