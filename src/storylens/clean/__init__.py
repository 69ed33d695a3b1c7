"""Clean: a `RawDocument` becomes an `Article` with main text, metadata, and what was removed."""

from __future__ import annotations

from storylens.clean.html import clean_html
from storylens.clean.text import clean_text
from storylens.model import Article, RawDocument


def clean(doc: RawDocument, dayfirst: bool = True) -> Article:
    """Dispatch on the input's kind; raises `InputError` naming the input when nothing is usable."""
    if doc.kind == "html":
        return clean_html(doc, dayfirst)
    if doc.kind == "text":
        return clean_text(doc, dayfirst)
    return Article.create(doc.content, title=doc.title, id=doc.id, outlet=doc.outlet, url=doc.url,
                          published=doc.published, lang=doc.lang, input=doc.source)


__all__ = ["clean", "clean_html", "clean_text"]
