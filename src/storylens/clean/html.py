"""HTML page to article: trafilatura for the main text and metadata, htmldate for dates.

The page's other text blocks are kept as `Removed` with a reason read from where they sat
(navigation, footer, a "related" box, a caption), so users can check what the extractor dropped.
"""

from __future__ import annotations

import re
from datetime import datetime

import htmldate
import lxml.html
import trafilatura
from lxml import etree

from storylens.clean import budget
from storylens.clean.boilerplate import line_reason, strip_boilerplate
from storylens.clean.dates import as_written, given_date, parse_date, states_day
from storylens.errors import InputError
from storylens.model import Article, RawDocument, Removed

MAX_REMOVED_BLOCKS = 400
MAX_REMOVED_CHARS = 2000
_BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "figcaption", "blockquote", "td", "th",
           "dt", "dd", "caption", "summary", "pre", "address", "time"}
_SKIP = {"script", "style", "noscript", "template", "svg", "head"}
# Never rendered (template) or only without JavaScript (noscript, mostly "please enable
# JavaScript"): not article text. trafilatura strips the template tag but keeps its text, and its
# whole-body fallback reads noscript, so both are pruned before extraction.
_NOT_RENDERED = ["//noscript", "//template"]
_TAG_REASONS = {"nav": "navigation", "header": "page header", "footer": "page footer",
                "aside": "sidebar", "figcaption": "photo caption", "figure": "photo caption",
                "form": "form", "time": "dateline (kept as metadata)", "address": "byline"}
_CLASS_REASONS = [
    (re.compile(r"related|recommend|more-?stories|read-?more|trending|popular|most-?read|teaser"),
     "related-links list"),
    (re.compile(r"caption|credit"), "photo caption and credit"),
    (re.compile(r"share|social"), "share buttons"),
    (re.compile(r"newsletter|subscribe|signup|sign-up|live-?updates|promo-?live"), "call to action"),
    (re.compile(r"comment"), "comments"),
    (re.compile(r"\bads?\b|advert|promo|sponsor"), "advertisement"),
    (re.compile(r"breadcrumb|menu|\bnav"), "navigation"),
    (re.compile(r"cookie|consent"), "cookie notice"),
    (re.compile(r"byline|author"), "byline"),
    (re.compile(r"video|player"), "video or media blurb"),
    (re.compile(r"dateline|timestamp|published|\bdate\b"), "dateline (kept as metadata)"),
]


def clean_html(doc: RawDocument, *, dayfirst: bool) -> Article:
    try:
        tree = lxml.html.fromstring(doc.content)
    except (etree.ParserError, ValueError) as err:
        raise InputError(doc.source, f"cannot parse HTML: {err}") from err
    budget.check()
    extracted = trafilatura.bare_extraction(doc.content, url=doc.url, include_comments=False, with_metadata=True,
                                            prune_xpath=_NOT_RENDERED)
    budget.check()
    if not isinstance(extracted, trafilatura.settings.Document) or not (extracted.text or "").strip():
        raise InputError(doc.source, "no article text found in the page",
                         "is it an index or a page that needs JavaScript?")
    lines = strip_boilerplate((extracted.text or "").splitlines(), header_lines=3,
                              title=doc.title or extracted.title)
    if not lines.kept:
        raise InputError(doc.source, "the page's main text is all page furniture")
    text = "\n\n".join(lines.kept)
    published = (given_date(doc.published, dayfirst=dayfirst) or _page_date(tree, doc.content, True, dayfirst)
                 or _text_date(extracted.date, doc.content, dayfirst) or doc.date_hint)
    updated = _page_date(tree, doc.content, False, dayfirst)
    budget.check()
    if updated is not None and (published is None or updated <= published):
        updated = None
    return Article.create(
        text,
        title=doc.title or extracted.title,
        id=doc.id,
        outlet=doc.outlet or extracted.sitename or extracted.hostname,
        url=doc.url or extracted.url,
        byline=extracted.author or lines.byline,
        published=published,
        updated=updated,
        lang=doc.lang or extracted.language,
        input=doc.source,
        removed=lines.removed + removed_blocks(tree, text),
    )


def _page_date(tree: lxml.html.HtmlElement, page: str, original: bool, dayfirst: bool) -> datetime | None:
    found = htmldate.find_date(tree, original_date=original, extensive_search=False,
                               outputformat="%Y-%m-%dT%H:%M:%S")
    return as_written(datetime.fromisoformat(found), page, dayfirst=dayfirst) if found else None


def _text_date(found: str | None, page: str, dayfirst: bool) -> datetime | None:
    """The date trafilatura's extensive search found in the page's text, unless it is no day.

    Where nothing better is found, htmldate gives a bare year in the text (a copyright footer,
    "founded in 2015") as 1 January and a year and month as the month's first day. Such a guess
    is no publication date, and it would outrank the date the feed or the crawl gave the page;
    a first of the month is kept only when the page writes that day."""
    value = parse_date(found or "", dayfirst=dayfirst)
    if value is None or value.day != 1 or states_day(value, page):
        return value
    return None


def removed_blocks(tree: lxml.html.HtmlElement, body: str) -> list[Removed]:
    """Text blocks of the page that are not in the extracted body, each with a reason.

    Linear in the page: which blocks hold other blocks, and which sit in unrendered parts, is
    worked out in one pass each; a block is looked up in the body from where the previous one
    was found, as both follow the page's order."""
    body_text = _BodyText(body)
    containers, hidden = _block_containers(tree), _unrendered(tree)
    seen: set[str] = set()
    removed: list[Removed] = []
    for element in tree.iter(*_BLOCKS):
        budget.check()
        if len(removed) >= MAX_REMOVED_BLOCKS:
            break
        if element in hidden or element in containers:
            continue
        text = " ".join(element.text_content().split())
        key = _squash(text)
        if len(key) < 3 or key in seen or body_text.has(key):
            continue
        seen.add(key)
        removed.append(Removed(text[:MAX_REMOVED_CHARS], _reason_for(element, text)))
    return removed


class _BodyText:
    """The extracted body, squashed, searched from a cursor that follows the page order."""

    def __init__(self, body: str) -> None:
        self.text = _squash(body)
        self.cursor = 0

    def has(self, key: str) -> bool:
        found = self.text.find(key, self.cursor)
        if found < 0:
            found = self.text.find(key, 0, self.cursor + len(key))
        if found < 0:
            return False
        self.cursor = max(self.cursor, found)
        return True


def _block_containers(tree: lxml.html.HtmlElement) -> set[lxml.html.HtmlElement]:
    """Elements with a block element somewhere below them (each ancestor chain walked once)."""
    containers: set[lxml.html.HtmlElement] = set()
    for element in tree.iter(*_BLOCKS):
        for ancestor in element.iterancestors():
            if ancestor in containers:
                break
            containers.add(ancestor)
    return containers


def _unrendered(tree: lxml.html.HtmlElement) -> set[lxml.html.HtmlElement]:
    """Elements inside script, style, noscript, template, svg or head."""
    hidden: set[lxml.html.HtmlElement] = set()
    for top in tree.iter(*_SKIP):
        if top not in hidden:
            hidden.update(top.iterdescendants())
            hidden.add(top)
    return hidden


def _reason_for(element: lxml.html.HtmlElement, text: str) -> str:
    for node in [element, *element.iterancestors()]:
        tag = node.tag if isinstance(node.tag, str) else ""
        marks = f"{node.get('class', '')} {node.get('id', '')}".lower()
        for pattern, reason in _CLASS_REASONS:
            if marks.strip() and pattern.search(marks):
                return reason
        if tag in _TAG_REASONS:
            return _TAG_REASONS[tag]
    return line_reason(text) or "outside the main text"


def _squash(text: str) -> str:
    return re.sub(r"\W+", "", text).casefold()
