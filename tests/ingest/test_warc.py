"""WARC archives: pages become documents with their URL and crawl date; everything else is
counted or rejected with a reason, and a broken archive keeps what was read before the break."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storylens.ingest import read_inputs
from storylens.ingest.warc import WarcCounts, read_archive, record_offsets, write_pages
from storylens.model import RawDocument, Rejection

MAX = 1 << 20
PAGE = ("<html><head><title>{t}</title></head><body><article><p>{t} happened today in the town.</p>"
        "</article></body></html>")
CRAWLED = datetime(2024, 5, 3, 10, 30)


def archive(tmp_path: Path, pages: int = 3, name: str = "crawl.warc.gz") -> Path:
    path = tmp_path / name
    with path.open("wb") as handle:
        write_pages(handle, [(f"https://news.example/{i}", PAGE.format(t=f"Story {i}"), CRAWLED)
                             for i in range(pages)])
    return path


def write_record(path: Path, url: str, body: bytes, status: str = "200 OK", kind: str = "text/html",
                 record_type: str = "response", extra: dict[str, str] | None = None) -> None:
    with path.open("ab") as handle:
        writer = WARCWriter(handle, gzip=True)
        http = StatusAndHeaders(status, [("Content-Type", kind)], protocol="HTTP/1.1")
        record = writer.create_warc_record(url, record_type, payload=io.BytesIO(body),
                                           http_headers=http if record_type == "response" else None,
                                           warc_headers_dict=extra)
        writer.write_record(record)


def test_pages_carry_their_url_and_crawl_date(tmp_path: Path) -> None:
    docs = list(read_inputs([archive(tmp_path)], MAX))
    assert [d.url for d in docs if isinstance(d, RawDocument)] == [f"https://news.example/{i}" for i in range(3)]
    assert all(isinstance(d, RawDocument) and d.kind == "html" and d.date_hint == CRAWLED for d in docs)
    assert "Story 1 happened" in docs[1].content  # type: ignore[union-attr]


def test_records_that_are_not_pages_are_counted_or_rejected_with_the_reason(tmp_path: Path) -> None:
    path = archive(tmp_path, pages=1)
    write_record(path, "https://news.example/logo.png", b"\x89PNG....", kind="image/png")
    write_record(path, "https://news.example/gone", b"<html>gone</html>", status="404 Not Found")
    write_record(path, "https://news.example/big", b"<html><p>half a page", extra={"WARC-Truncated": "length"})
    write_record(path, "https://news.example/q", b"GET / HTTP/1.1\r\n\r\n", record_type="request",
                 kind="application/http")
    counts = WarcCounts()
    found = list(read_archive(path, MAX, counts=counts))
    reasons = {r.input.split(" ")[-1]: r.reason for r in found if isinstance(r, Rejection)}
    assert sum(isinstance(d, RawDocument) for d in found) == 1
    assert "not an HTML page (image/png)" in reasons["https://news.example/logo.png"]
    assert "HTTP status 404" in reasons["https://news.example/gone"]
    assert "truncated" in reasons["https://news.example/big"]
    assert counts.skipped["request"] == 1 and counts.pages == 1 and counts.rejected == 3


def test_a_broken_archive_keeps_the_pages_before_the_break(tmp_path: Path) -> None:
    path = archive(tmp_path, pages=3)
    cut = record_offsets(path)[2] + 40  # a download that stopped inside the third record
    path.write_bytes(path.read_bytes()[:cut])
    found = list(read_inputs([path], MAX))
    assert sum(isinstance(d, RawDocument) for d in found) == 2
    (broken,) = [r for r in found if isinstance(r, Rejection)]
    assert "broken archive" in broken.reason and str(path) in broken.input


@pytest.mark.parametrize("gzipped", [True, False])
def test_an_archive_cut_inside_a_page_stores_no_half_page(tmp_path: Path, gzipped: bool) -> None:
    """A download that stopped in the middle of a record's page: warcio hands over the bytes it
    has, and the first half of the article was stored as the whole of it."""
    path = tmp_path / ("cut.warc.gz" if gzipped else "cut.warc")
    # words that do not repeat, so that half the gzipped record holds half the page, not all of it
    long_page = PAGE.format(t="Story 2 " + " ".join(f"w{n * 7919 % 100_003}" for n in range(2_000))).encode()
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=gzipped)
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        for n, body in enumerate([PAGE.format(t="Story 0").encode(), PAGE.format(t="Story 1").encode(), long_page]):
            record = writer.create_warc_record(f"https://news.example/{n}", "response", payload=io.BytesIO(body),
                                               http_headers=http)
            writer.write_record(record)
    third = record_offsets(path)[2]
    path.write_bytes(path.read_bytes()[: third + (path.stat().st_size - third) // 2])
    found = list(read_inputs([path], MAX))
    assert [d.url for d in found if isinstance(d, RawDocument)] == ["https://news.example/0", "https://news.example/1"]
    (cut,) = [r for r in found if isinstance(r, Rejection)]
    assert "https://news.example/2" in cut.input and "ends inside this record" in cut.reason


def test_slices_by_record_offset_read_each_page_once(tmp_path: Path) -> None:
    path = archive(tmp_path, pages=5)
    offsets = record_offsets(path)
    assert len(offsets) == 5 and offsets[0] == 0
    cut = offsets[2]
    first = list(read_archive(path, MAX, start=0, stop=cut))
    second = list(read_archive(path, MAX, start=cut))
    urls = [d.url for d in first + second if isinstance(d, RawDocument)]
    assert urls == [f"https://news.example/{i}" for i in range(5)]


def test_an_uncompressed_warc_is_read_too(tmp_path: Path) -> None:
    path = tmp_path / "plain.warc"
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=False)
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            "https://news.example/plain", "response", payload=io.BytesIO(PAGE.format(t="Plain").encode()),
            http_headers=http))
    (doc,) = list(read_inputs([path], MAX))
    assert isinstance(doc, RawDocument) and doc.url == "https://news.example/plain"
