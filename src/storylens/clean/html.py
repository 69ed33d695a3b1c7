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

from storylens.clean.boilerplate import line_reason, strip_boilerplate
from storylens.clean.dates import as_written, given_date, parse_date
from storylens.errors import InputError
from storylens.model import Article, RawDocument, Removed

MAX_REMOVED_BLOCKS = 400
MAX_REMOVED_CHARS = 2000
_BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "figcaption", "blockquote", "td", "th",
           "dt", "dd", "caption", "summary", "pre", "address", "time"}
_SKIP = {"script", "style", "noscript", "template", "svg", "head"}
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
    extracted = trafilatura.bare_extraction(doc.content, url=doc.url, include_comments=False, with_metadata=True)
    if not isinstance(extracted, trafilatura.settings.Document) or not (extracted.text or "").strip():
        raise InputError(doc.source, "no article text found in the page",
                         "is it an index or a page that needs JavaScript?")
    lines = strip_boilerplate((extracted.text or "").splitlines(), header_lines=3,
                              title=doc.title or extracted.title)
    if not lines.kept:
        raise InputError(doc.source, "the page's main text is all page furniture")
    text = "\n\n".join(lines.kept)
    published = (given_date(doc.published, dayfirst=dayfirst) or _page_date(tree, doc.content, True, dayfirst)
                 or parse_date(extracted.date or "", dayfirst=dayfirst) or doc.date_hint)
    updated = _page_date(tree, doc.content, False, dayfirst)
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


def removed_blocks(tree: lxml.html.HtmlElement, body: str) -> list[Removed]:
    """Text blocks of the page that are not in the extracted body, each with a reason."""
    in_body = _squash(body)
    seen: set[str] = set()
    removed: list[Removed] = []
    for element in tree.iter(*_BLOCKS):
        if len(removed) >= MAX_REMOVED_BLOCKS:
            break
        if any(a.tag in _SKIP for a in element.iterancestors()) or _has_block_child(element):
            continue
        text = " ".join(element.text_content().split())
        key = _squash(text)
        if len(key) < 3 or key in seen or key in in_body:
            continue
        seen.add(key)
        removed.append(Removed(text[:MAX_REMOVED_CHARS], _reason_for(element, text)))
    return removed


def _has_block_child(element: lxml.html.HtmlElement) -> bool:
    return any(child.tag in _BLOCKS for child in element.iterdescendants())


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
