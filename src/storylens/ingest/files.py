"""Read inputs from files and folders: HTML pages, scraped text, and JSONL records.

Every input yields either `RawDocument`s or a `Rejection` naming the input and the cause, so one
bad file never stops a run.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from storylens.errors import InputError
from storylens.ingest.warc import WARC_SUFFIXES
from storylens.model import InputKind, RawDocument, Rejection

HTML_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")
TEXT_SUFFIXES = (".txt", ".txt.gz")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz")
ARCHIVE_SUFFIXES = WARC_SUFFIXES
SUPPORTED_SUFFIXES = HTML_SUFFIXES + TEXT_SUFFIXES + JSONL_SUFFIXES + ARCHIVE_SUFFIXES


def discover(paths: Iterable[str | Path]) -> Iterator[Path | Rejection]:
    """Expand folders recursively (sorted, so runs are repeatable); reject what does not exist."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if _suffix_kind(child):
                    yield child
        elif path.is_file():
            yield path
        else:
            yield Rejection(str(given), "ingest", "no such file or folder")


def read_inputs(paths: Iterable[str | Path], max_bytes: int) -> Iterator[RawDocument | Rejection]:
    for path in discover(paths):
        if isinstance(path, Rejection):
            yield path
            continue
        try:
            yield from read_file(path, max_bytes)
        except InputError as err:
            yield Rejection(str(path), "ingest", str(err.cause if err.source == str(path) else err))


def read_file(path: Path, max_bytes: int) -> Iterator[RawDocument | Rejection]:
    """The documents in one file; raises `InputError` when the file as a whole is unreadable."""
    from storylens.ingest.decode import decode

    kind = _suffix_kind(path)
    if kind is None:
        raise InputError(str(path), f"unsupported file type {path.suffix!r}",
                         f"use one of {', '.join(SUPPORTED_SUFFIXES)}")
    if kind == "archive":  # streamed record by record: an archive is many pages, not one input
        from storylens.ingest.warc import read_archive

        yield from read_archive(path, max_bytes)
        return
    raw = read_bytes(path, max_bytes)
    text = decode(raw, str(path), is_html=kind == "html")
    if kind == "jsonl":
        yield from parse_jsonl(text, str(path))
    else:
        yield RawDocument(source=str(path), kind="html" if kind == "html" else "text", content=text)


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, gunzipped when it ends in .gz; never more than `max_bytes`."""
    source = str(path)
    try:
        if path.name.endswith(".gz"):
            with gzip.open(path, "rb") as handle:
                raw = handle.read(max_bytes + 1)
        else:
            if path.stat().st_size > max_bytes:
                raise _too_big(source, max_bytes)
            raw = path.read_bytes()
    except (OSError, EOFError, zlib.error) as err:
        raise InputError(source, f"cannot read: {err}") from err
    if len(raw) > max_bytes:
        raise _too_big(source, max_bytes)
    return raw


def _too_big(source: str, max_bytes: int) -> InputError:
    return InputError(source, f"larger than {max_bytes / 2**20:.0f} MiB",
                      "raise STORYLENS_MAX_INPUT_MB if it really is one article")


def _suffix_kind(path: Path) -> str | None:
    name = path.name.lower()
    if name.endswith(HTML_SUFFIXES):
        return "html"
    if name.endswith(TEXT_SUFFIXES):
        return "text"
    if name.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if name.endswith(ARCHIVE_SUFFIXES):
        return "archive"
    return None


def parse_jsonl(text: str, source: str) -> Iterator[RawDocument | Rejection]:
    """Records `{"id","url","title","text","html","published","source"}`; `html` wins over `text`."""
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            yield record_to_document(json.loads(line), where)
        except ValueError as err:
            yield Rejection(where, "ingest", f"not a JSON object: {err}")
        except InputError as err:
            yield Rejection(where, "ingest", err.cause)


def record_to_document(record: Any, where: str) -> RawDocument:
    if not isinstance(record, dict):
        raise InputError(where, "a JSONL line must be an object")
    html, text = record.get("html"), record.get("text")
    kind: InputKind
    if isinstance(html, str) and html.strip():
        kind, content = "html", html
    elif isinstance(text, str) and text.strip():
        kind, content = "clean", text
    elif isinstance(record.get("title"), str) and record["title"].strip():
        kind, content = "clean", record["title"]  # a headline-only record (feeds, roundups)
    else:
        raise InputError(where, "record has no 'html', 'text' or 'title'")
    published = record.get("published")
    return RawDocument(
        source=where,
        kind=kind,
        content=content,
        title=_string(record.get("title")),
        url=_string(record.get("url")),
        outlet=_string(record.get("source")),
        published=(published.strip() or None) if isinstance(published, str) else None,  # read by clean
        id=_string(record.get("id")),
        lang=_string(record.get("lang")),
    )


def _string(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None
