"""Clean: a `RawDocument` becomes an `Article` with main text, metadata, and what was removed."""

from __future__ import annotations

from dataclasses import replace

from storylens.clean.dates import given_date
from storylens.clean.html import clean_html
from storylens.clean.language import detect_language, normalize_language
from storylens.clean.outlets import OutletNames, strip_site_name
from storylens.clean.text import clean_text
from storylens.model import Article, RawDocument, Removed, content_id


def clean(doc: RawDocument, *, dayfirst: bool, names: OutletNames | None = None) -> Article:
    """Dispatch on the input's kind; raises `InputError` naming the input when nothing is usable.

    `dayfirst` is the setting of that name: it must reach every reader of dates, so it has no
    default here. A given publication date that cannot be read is kept as a removed block with
    the reason, so the user sees why the article is undated. The outlet gets its display name
    from `names` (the built-in table when None), the title loses the site's name, and the
    language is detected where the input does not state it."""
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
    return with_metadata(article, doc, names or OutletNames.load())


def with_metadata(article: Article, doc: RawDocument, names: OutletNames) -> Article:
    """The article with its outlet's display name, its title without the site's name, and its
    language (as given, else detected). The id follows the title (ids derive from title and
    text) unless the input gave one."""
    outlet = names.display(article.outlet, article.url)
    title = strip_site_name(article.title, [article.outlet, outlet], article.url)
    lang = normalize_language(article.lang) or detect_language(f"{title or ''}\n\n{article.text}")
    article = replace(article, outlet=outlet, lang=lang)
    if title == article.title:
        return article
    return replace(article, title=title, id=doc.id or content_id(title, article.text))


__all__ = ["clean", "clean_html", "clean_text"]
