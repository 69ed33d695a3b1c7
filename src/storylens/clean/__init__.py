"""Clean: a `RawDocument` becomes an `Article` with main text, metadata, and what was removed.

`clean_or_reject` is the per-document boundary every command goes through: the time budget,
the minimum article, plausible dates, and isolation (whatever goes wrong with one document
rejects that document, with the reason, and the run goes on) live there and nowhere else.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from storylens.clean import budget
from storylens.clean.dates import given_date
from storylens.clean.language import detect_language, normalize_language
from storylens.clean.outlets import OutletNames, strip_site_name
from storylens.clean.text import clean_text
from storylens.config import Settings
from storylens.errors import InputError
from storylens.model import Article, RawDocument, Rejection, Removed, content_id

# Dates outside these years are not publication dates (a year-1 default, a typo'd 2202): kept,
# they would also overflow the date arithmetic of story windows.
EARLIEST_YEAR, LATEST_YEAR = 1600, 2400


def clean(doc: RawDocument, *, dayfirst: bool, names: OutletNames | None = None) -> Article:
    """Dispatch on the input's kind; raises `InputError` naming the input when nothing is usable.

    `dayfirst` is the setting of that name: it must reach every reader of dates, so it has no
    default here. A given publication date that cannot be read is kept as a removed block with
    the reason, so the user sees why the article is undated. The outlet gets its display name
    from `names` (the built-in table when None), the title loses the site's name, and the
    language is detected where the input does not state it."""
    if doc.kind == "html":
        # Imported on first page: trafilatura and htmldate take a second or more to import, and
        # every process that imports the API (each server worker) would pay it before listening.
        from storylens.clean.html import clean_html

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
    article = replace(article, outlet=outlet, lang=lang, byline=article.byline or doc.byline)
    if title == article.title:
        return article
    return replace(article, title=title, id=doc.id or content_id(title, article.text))


def clean_or_reject(doc: RawDocument, settings: Settings) -> Article | Rejection:
    """The article of one document, or a `Rejection` (stage "clean") saying why there is none."""
    try:
        with budget.budget(doc.source, settings.clean_budget_s):
            article = clean(doc, dayfirst=settings.dayfirst, names=OutletNames.load(settings.outlets))
        check_article(article, doc, settings)
    except InputError as err:
        return Rejection(doc.source, "clean", err.cause if err.source == doc.source else str(err))
    except Exception as err:  # isolation: one document's failure, whatever it is, must not end the run
        return Rejection(doc.source, "clean", f"could not be cleaned ({type(err).__name__}: {err}); "
                         "please report this input as a bug")
    return article


def check_article(article: Article, doc: RawDocument, settings: Settings) -> None:
    """Refuse what is less than an article, or carries a date no article can have.

    The minimum article is a body of at least `min_article_words` words (a short sentence): a
    headline alone is a link, not an article. A page or a scraped text in which no title was found,
    and which is one paragraph, needs `min_untitled_words`: real pages have a headline and several
    paragraphs, so a short line alone (a one-line .txt) is a fragment, while several paragraphs
    are an article whose headline was not recognised. Records (JSONL, POST) state their fields,
    so no title there is a choice."""
    source = doc.source
    words = len(article.text.split())
    if words == 0 or article.text == article.title:  # a headline-only record's text is its title
        raise InputError(source, "a title with no article text" if article.title else "no article text")
    if words < settings.min_article_words:
        raise InputError(source, f"too short to be an article: {words} words of text "
                         f"(the minimum is {settings.min_article_words}, STORYLENS_MIN_ARTICLE_WORDS)")
    one_paragraph = "\n\n" not in article.text
    if not article.title and doc.kind != "clean" and one_paragraph and words < settings.min_untitled_words:
        raise InputError(source, f"too short to be an article without a title: {words} words "
                         f"(the minimum is {settings.min_untitled_words}, STORYLENS_MIN_UNTITLED_WORDS)",
                         "a page needs a headline, a scraped text a first line that is its title")
    for name, value in (("published", article.published), ("updated", article.updated)):
        if value is not None and not _plausible(value):
            raise InputError(source, f"{name} date {value.date().isoformat()} is not a plausible date of "
                             f"an article (years {EARLIEST_YEAR}-{LATEST_YEAR})", "fix or drop the date")


def _plausible(value: datetime) -> bool:
    return EARLIEST_YEAR <= value.year <= LATEST_YEAR


__all__ = ["check_article", "clean", "clean_or_reject", "clean_text"]
