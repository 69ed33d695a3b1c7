"""What a source lists: RSS 0.9x/1.0/2.0 and Atom feeds (feedparser), JSON Feed, news sitemaps
and sitemap indexes; and the lists of sources people keep (a text file of URLs, an OPML export
from a feed reader). Also the one canonical form of an article's URL, so that a link seen in
three feeds is fetched once.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, NamedTuple
from urllib.parse import urljoin, urlsplit, urlunsplit

import courlan
from lxml import etree

from storylens.clean.dates import parse_date
from storylens.errors import InputError
from storylens.ingest.fetch import PAGE_TYPES, Fetcher, FetchError
from storylens.model import RawDocument, Rejection

SourceKind = Literal["feed", "sitemap", "sitemap-index", "page"]
MAX_ENTRIES = 5_000  # a source listing more is cut here: bounded work per poll
_SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
_NEWS_NS = "{http://www.google.com/schemas/sitemap-news/0.9}"
_CANONICAL = re.compile(
    r"""<link\b[^>]*\brel=["']?canonical["']?[^>]*>|<meta\b[^>]*\bproperty=["']og:url["'][^>]*>""", re.I)
_HREF = re.compile(r"""\b(?:href|content)=["']([^"'<>\s]+)["']""", re.I)


@dataclass(frozen=True)
class Entry:
    """A link a source lists, with the date and title the source gives it (if any)."""

    url: str
    published: datetime | None = None
    title: str | None = None


def canonical_url(url: str) -> str:
    """Scheme and host lower-cased, default port, fragment and tracking parameters (utm_*, fbclid,
    gclid…) removed: the key under which an article is fetched once."""
    cleaned = courlan.normalize_url(courlan.clean_url(url) or url, strict=False)
    return urlunsplit(urlsplit(cleaned)._replace(fragment=""))


def page_canonical(html: str, url: str) -> str | None:
    """The page's own `rel=canonical` or `og:url`, when it names an http(s) URL."""
    for tag in _CANONICAL.findall(html[:200_000]):
        match = _HREF.search(tag)
        if match and match.group(1).startswith(("http://", "https://")):
            return canonical_url(match.group(1))
    return None


def read_sources(path: str | Path) -> list[str]:
    """The source URLs of a SOURCES file: one URL a line (# comments), or an OPML export."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(str(path), f"cannot read the sources file: {err}",
                         "give a text file of URLs, one a line, or an OPML export") from err
    if text.lstrip().startswith("<"):
        return _opml_urls(text.encode("utf-8"), str(path))
    urls = [line.split("#", 1)[0].strip() for line in text.splitlines()]
    bad = [u for u in urls if u and not u.startswith(("http://", "https://"))]
    if bad:
        raise InputError(str(path), f"not an http(s) URL: {bad[0]!r}", "one URL a line; # starts a comment")
    return list(dict.fromkeys(u for u in urls if u))


def _opml_urls(raw: bytes, source: str) -> list[str]:
    try:
        root = etree.fromstring(raw, _safe_parser())
    except etree.XMLSyntaxError as err:
        raise InputError(source, f"not a valid OPML file: {err}") from err
    urls = [o.get("xmlUrl") or o.get("url") or "" for o in root.iter("outline")]
    return list(dict.fromkeys(u.strip() for u in urls if u.strip().startswith(("http://", "https://"))))


def _safe_parser() -> etree.XMLParser:
    """No entities resolved, no network, no huge trees: feeds and sitemaps are hostile input."""
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=False)


class Listing(NamedTuple):
    """What a source lists: its kind, the links to fetch, and how many of its items gave no link
    that could be fetched (counted, so that a follower can say what it could not take)."""

    kind: SourceKind
    entries: list[Entry]
    unlinked: int = 0


def entries_of(content: bytes, content_type: str, url: str) -> Listing:
    """What kind of source answered, and the links it lists (newest first where dated)."""
    head = content[:2048].lstrip().lower()
    if content_type.endswith("json") or head.startswith(b"{"):
        return Listing("feed", *_json_feed(content, url))
    if b"<urlset" in head or b"<sitemapindex" in head:
        return _sitemap(content, url)
    if content_type.startswith("text/html") or head.startswith((b"<!doctype html", b"<html")):
        return Listing("page", [Entry(url)])
    return Listing("feed", *_feed(content, url))


def _fetchable(link: str, base: str) -> str | None:
    """An item's link as an absolute http(s) URL: a relative one ("/news/a1", which some feeds
    give) is resolved against the feed's own URL, as a browser would; anything else is None."""
    absolute = urljoin(base, link.strip()) if link.strip() else ""
    return absolute if absolute.startswith(("http://", "https://")) else None


def _feed(content: bytes, url: str) -> tuple[list[Entry], int]:
    import feedparser

    parsed = feedparser.parse(content)
    found = []
    unlinked = 0
    for item in parsed.entries[:MAX_ENTRIES]:
        link = _fetchable(item.get("link") or "", url)
        if link is None:
            unlinked += 1
            continue
        when = item.get("published_parsed") or item.get("updated_parsed")
        found.append(Entry(link, datetime(*when[:6]) if when else None, item.get("title")))
    if parsed.bozo and not found:  # feedparser reads what it can; nothing usable is an error
        raise InputError(url, f"not a readable feed: {parsed.get('bozo_exception')}")
    return found, unlinked


def _json_feed(content: bytes, url: str) -> tuple[list[Entry], int]:
    """JSON Feed 1.x (jsonfeed.org): feedparser does not read it, and it is a few keys."""
    try:
        data: Any = json.loads(content)
    except (ValueError, RecursionError) as err:
        raise InputError(url, f"not a readable JSON feed: {err}") from err
    if not isinstance(data, dict) or not str(data.get("version", "")).startswith("https://jsonfeed.org/"):
        raise InputError(url, "JSON that is not a JSON Feed (no jsonfeed.org version)")
    found = []
    unlinked = 0
    for item in (data.get("items") or [])[:MAX_ENTRIES]:
        link = _fetchable(str(item.get("url") or ""), url) if isinstance(item, dict) else None
        if link is None:
            unlinked += 1
            continue
        published = item.get("date_published")  # RFC 3339 by the spec: year first, never day-first
        when = parse_date(published, dayfirst=False) if isinstance(published, str) else None
        found.append(Entry(link, when, item.get("title") if isinstance(item.get("title"), str) else None))
    return found, unlinked


def _sitemap(content: bytes, url: str) -> Listing:
    try:
        root = etree.fromstring(content, _safe_parser())
    except etree.XMLSyntaxError as err:
        raise InputError(url, f"not a valid sitemap: {err}") from err
    kind: SourceKind = "sitemap-index" if root.tag.endswith("sitemapindex") else "sitemap"
    found = []
    unlinked = 0
    for node in root:
        loc = node.findtext(f"{_SITEMAP_NS}loc") or node.findtext("loc") or ""
        if not loc.strip().startswith(("http://", "https://")):  # the protocol asks for absolute URLs
            unlinked += 1
            continue
        when = node.findtext(f"{_NEWS_NS}news/{_NEWS_NS}publication_date") or node.findtext(f"{_SITEMAP_NS}lastmod")
        title = node.findtext(f"{_NEWS_NS}news/{_NEWS_NS}title")
        # W3C datetime (ISO 8601) by the sitemap protocol: year first, so the setting decides nothing
        found.append(Entry(loc.strip(), parse_date(when, dayfirst=False) if when else None, title))
        if len(found) >= MAX_ENTRIES:
            break
    return Listing(kind, found, unlinked)


def page_document(fetcher: Fetcher, url: str, listed: Entry | None = None) -> RawDocument | Rejection:
    """Fetch one article page as a document, or say why not. The article keeps the page's own
    canonical URL, and the date the source listed it with when the page states none."""
    try:
        reply = fetcher.get(url, accept=(*PAGE_TYPES, "text/plain"))
        text = reply.text
    except FetchError as err:
        return Rejection(url, "fetch", err.cause)
    except InputError as err:
        return Rejection(url, "fetch", err.cause)
    if reply.content_type.startswith("text/plain"):  # a scraped text served as is: read as a .txt file is
        return RawDocument(source=url, kind="text", content=text, url=canonical_url(reply.url),
                           date_hint=listed.published if listed else None)
    return RawDocument(source=url, kind="html", content=text, url=page_canonical(text, reply.url) or
                       canonical_url(reply.url), date_hint=listed.published if listed else None)
