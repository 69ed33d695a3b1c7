"""Read web archives: WARC 1.0/1.1 and the older ARC format, plain or gzipped (Common Crawl's
CC-NEWS, a newsroom's own crawler, wget --warc-file).

Each HTTP response (or resource record) whose payload is an HTML page becomes a `RawDocument`
carrying its URL and crawl date. What is not a page is accounted for, never silently dropped:
records that are not responses (requests, metadata, warcinfo, revisits) are counted in
`WarcCounts`; responses that cannot become a page (not HTML, an HTTP error, truncated by the
crawler or by the end of the archive, too large, undecodable) become `Rejection`s naming the
archive, the record's offset and its URL; a broken stream rejects the rest of that archive and
the run goes on with the next.

warcio reads both WARC and ARC and writes WARC (the tests and the benchmark build their archives
with it). FastWARC parses about twice as fast (1,003 against 501 records/s on 186 KB pages here),
but reads no ARC, and reading is under 5% of the cost of a page next to cleaning it (about 20
pages/s a core), so the second library would not pay for itself: see benchmarks/bench_backfill.py.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from storylens.errors import InputError
from storylens.model import RawDocument, Rejection

WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
PAGE_TYPES = ("text/html", "application/xhtml+xml")
_PAGE_RECORDS = {"response", "resource"}


@dataclass
class WarcCounts:
    """What an archive held besides pages: record type -> count. Pages and rejections are reported
    as documents and `Rejection`s; these are the records that are neither (no input was lost)."""

    skipped: Counter[str] = field(default_factory=Counter)
    pages: int = 0
    rejected: int = 0

    def add(self, other: WarcCounts) -> None:
        self.skipped.update(other.skipped)
        self.pages += other.pages
        self.rejected += other.rejected


def read_archive(path: Path, max_bytes: int, start: int = 0, stop: int | None = None,
                 counts: WarcCounts | None = None) -> Iterator[RawDocument | Rejection]:
    """The pages of one archive, or of its records whose offsets lie in [start, stop).

    Offsets come from `record_offsets`, so a large archive can be read in slices by several
    workers; each record of a gzipped WARC is its own gzip member, so a slice starts cleanly."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    counts = counts if counts is not None else WarcCounts()
    try:
        handle = path.open("rb")
    except OSError as err:
        raise InputError(str(path), f"cannot read: {err}") from err
    with handle:
        handle.seek(start)
        records = ArchiveIterator(handle, arc2warc=True)
        offset = start
        try:
            for record in records:
                # `offset` is where the current record starts, absolute in the file, known before
                # its payload is read (get_record_offset() would consume the payload first).
                offset = records.offset
                if stop is not None and offset >= stop:
                    break
                outcome = _page_of(record, f"{path}@{offset}", max_bytes, counts)
                if outcome is not None:
                    yield outcome
            else:
                offset = records.offset
                if offset < path.stat().st_size:  # warcio stops quietly at a record cut short
                    raise EOFError(f"the archive ends inside a record ({path.stat().st_size - offset} bytes left)")
        except (ArchiveLoadFailed, OSError, EOFError, ValueError) as err:
            counts.rejected += 1
            yield Rejection(f"{path}@{offset}", "ingest",
                            f"broken archive from this record on ({err}); the records before it were read")


def record_offsets(path: Path) -> list[int]:
    """Byte offsets of every record, for cutting one archive into slices."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    offsets: list[int] = []
    with path.open("rb") as handle:
        records = ArchiveIterator(handle, arc2warc=True)
        try:
            for _ in records:
                offsets.append(records.offset)
        except (ArchiveLoadFailed, OSError, EOFError, ValueError):
            pass  # the slice that reaches the break reports it, with its offset
    return offsets


def _page_of(record: Any, where: str, max_bytes: int, counts: WarcCounts) -> RawDocument | Rejection | None:
    """One record as a page, a rejection with the reason, or None (not a page: counted)."""
    if record.rec_type not in _PAGE_RECORDS:
        counts.skipped[record.rec_type] += 1
        return None
    url = record.rec_headers.get_header("WARC-Target-URI")
    where = f"{where} {url}" if url else where
    reason = _refusal(record)
    payload = b""
    if reason is None:
        payload = record.content_stream().read(max_bytes + 1)
        reason = _payload_refusal(payload, max_bytes) or _cut_short(record)
    if reason is not None:
        counts.rejected += 1
        return Rejection(where, "ingest", reason)
    from storylens.ingest.decode import decode

    try:
        text = decode(payload, where, is_html=True)
    except InputError as err:
        counts.rejected += 1
        return Rejection(where, "ingest", err.cause)
    counts.pages += 1
    return RawDocument(source=where, kind="html", content=text, url=url,
                       date_hint=_crawl_date(record.rec_headers.get_header("WARC-Date")))


def _refusal(record: Any) -> str | None:
    """Why a response record cannot be a page, read from its headers alone."""
    http = record.http_headers
    if record.rec_type == "response" and http is not None:
        status = http.get_statuscode()
        if not str(status).startswith("2"):
            return f"HTTP status {status}, not a page"
    kind = (http.get_header("Content-Type") if http is not None else None) \
        or record.rec_headers.get_header("Content-Type") or ""
    if kind and not kind.lower().startswith(PAGE_TYPES):
        return f"not an HTML page ({kind.split(';')[0].strip()})"
    truncated = record.rec_headers.get_header("WARC-Truncated")
    if truncated:
        return f"truncated by the crawler ({truncated}): the page is incomplete"
    return None


def _cut_short(record: Any) -> str | None:
    """Why a record whose block ends before its Content-Length is no page: an archive cut inside
    a record (an interrupted download or crawl) ends it mid-page, and warcio returns what there
    is without a word, so half an article would be stored as a whole one. The block is read to
    its end here; a reader that still expects bytes ran out of archive."""
    block = record.raw_stream
    while block.read(1 << 16):
        pass
    missing = getattr(block, "limit", 0)
    if missing > 0:
        return f"the archive ends inside this record ({missing} bytes missing): the page is incomplete"
    return None


def _payload_refusal(payload: bytes, max_bytes: int) -> str | None:
    if len(payload) > max_bytes:
        return f"page larger than {max_bytes / 2**20:.0f} MiB"
    if not payload.strip():
        return "empty page"
    return None


def _crawl_date(value: str | None) -> datetime | None:
    """WARC-Date (ISO 8601, UTC) as a naive UTC datetime, like every other date in the store."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).replace(tzinfo=None)
    except ValueError:
        return None


def write_pages(target: io.BufferedIOBase, pages: list[tuple[str, str | bytes, datetime | None]],
                content_type: str = "text/html; charset=utf-8") -> None:
    """Write (url, html, crawl date) as gzipped WARC response records: for tests, benchmarks and
    users who want to archive pages they already have."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    writer = WARCWriter(target, gzip=True)
    for url, html, crawled in pages:
        body = html.encode("utf-8") if isinstance(html, str) else html
        http = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
        headers = {"WARC-Date": crawled.strftime("%Y-%m-%dT%H:%M:%SZ")} if crawled else None
        record = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http,
                                           warc_headers_dict=headers)
        writer.write_record(record)
