"""Read inputs from files and folders: HTML pages, scraped text, and JSONL records.

Every input yields either `RawDocument`s or a `Rejection` naming the input and the cause, so one
bad file never stops a run. Folders hold anything: links that dangle or loop, FIFOs and devices
(opening one would block or never end), folders that cannot be listed, names that are not UTF-8.
Each is named with the reason; only regular files are ever opened. Files in a folder that are not
an article type are skipped with a `Rejection` of stage "discover", so they are counted too.
"""

from __future__ import annotations

import errno
import gzip
import io
import json
import os
import stat
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO, cast

from storylens.errors import InputError
from storylens.ingest.warc import WARC_SUFFIXES
from storylens.model import InputKind, RawDocument, Rejection

HTML_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")
TEXT_SUFFIXES = (".txt", ".txt.gz")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz")
ARCHIVE_SUFFIXES = WARC_SUFFIXES
SUPPORTED_SUFFIXES = HTML_SUFFIXES + TEXT_SUFFIXES + JSONL_SUFFIXES + ARCHIVE_SUFFIXES
SKIPPED = "discover"  # the stage of files a folder holds that are not inputs (counted, not errors)
_SPECIAL = [(stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
            (stat.S_ISSOCK, "a socket")]


def display_name(path: str | Path) -> str:
    """The path as text that can be printed and stored: bytes that are not UTF-8 (a name with
    0xFF) are shown as escapes instead of surrogates that no encoder accepts."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def discover(paths: Iterable[str | Path]) -> Iterator[Path | Rejection]:
    """Expand folders recursively (sorted, so runs are repeatable); reject what cannot be read."""
    visited: set[tuple[int, int]] = set()
    for given in paths:
        path = Path(given)
        info = _stat(path)
        if isinstance(info, str):
            yield Rejection(display_name(path), "ingest", info)
        elif stat.S_ISDIR(info.st_mode):
            yield from _walk(path, visited)
        elif stat.S_ISREG(info.st_mode):
            yield path
        else:
            yield Rejection(display_name(path), "ingest", _not_regular(info.st_mode))


def _walk(folder: Path, visited: set[tuple[int, int]]) -> Iterator[Path | Rejection]:
    """Depth first in name order; each real folder once, so links back up a tree end."""
    try:
        info = folder.stat()
        if (info.st_dev, info.st_ino) in visited:
            yield Rejection(display_name(folder), SKIPPED, "a link to a folder already read (a symlink loop?)")
            return
        visited.add((info.st_dev, info.st_ino))
        with os.scandir(folder) as entries:
            names = sorted(entry.name for entry in entries)
    except OSError as err:
        yield Rejection(display_name(folder), "ingest", f"cannot read the folder: {_os_reason(err)}")
        return
    for name in names:
        child = folder / name
        info_or_reason = _stat(child)
        if isinstance(info_or_reason, str):
            yield Rejection(display_name(child), "ingest", info_or_reason)
        elif stat.S_ISDIR(info_or_reason.st_mode):
            yield from _walk(child, visited)
        elif not _suffix_kind(child):
            suffix = "".join(child.suffixes[-2:]) or "no suffix"
            yield Rejection(display_name(child), SKIPPED, f"not an article file type ({display_name(suffix)})")
        elif stat.S_ISREG(info_or_reason.st_mode):
            yield child
        else:
            yield Rejection(display_name(child), "ingest", _not_regular(info_or_reason.st_mode))


def _stat(path: Path) -> os.stat_result | str:
    """The file's status (following links), or why there is none."""
    try:
        return path.stat()
    except OSError as err:
        if isinstance(err, FileNotFoundError) and path.is_symlink():
            return f"dangling symlink (to {display_name(os.readlink(path))})"
        if isinstance(err, FileNotFoundError):
            return "no such file or folder"
        return _os_reason(err)


def _os_reason(err: OSError) -> str:
    if err.errno == errno.ELOOP:
        return "symlink loop (the link leads back to itself)"
    if isinstance(err, PermissionError):
        return "permission denied"
    return err.strerror or type(err).__name__


def _not_regular(mode: int) -> str:
    kind = next((name for test, name in _SPECIAL if test(mode)), "not a file")
    return f"not a regular file ({kind}); only files are read"


def read_inputs(paths: Iterable[str | Path], max_bytes: int) -> Iterator[RawDocument | Rejection]:
    for path in discover(paths):
        if isinstance(path, Rejection):
            yield path
            continue
        try:
            yield from read_file(path, max_bytes)
        except InputError as err:
            name = display_name(path)
            yield Rejection(name, "ingest", str(err.cause if err.source == name else err))


def read_file(path: Path, max_bytes: int) -> Iterator[RawDocument | Rejection]:
    """The documents in one file; raises `InputError` when the file as a whole is unreadable."""
    from storylens.ingest.decode import decode

    name = display_name(path)
    kind = _suffix_kind(path)
    if kind is None:
        raise InputError(name, f"unsupported file type {display_name(path.suffix)!r}",
                         f"use one of {', '.join(SUPPORTED_SUFFIXES)}")
    if kind == "archive":  # streamed record by record: an archive is many pages, not one input
        from storylens.ingest.warc import read_archive

        yield from read_archive(path, max_bytes)
        return
    if kind == "jsonl":
        yield from read_jsonl(path, max_bytes)
        return
    raw = read_bytes(path, max_bytes)
    text = decode(raw, name, is_html=kind == "html")
    yield RawDocument(source=name, kind="html" if kind == "html" else "text", content=text)


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, gunzipped when it ends in .gz; never more than `max_bytes`."""
    source = display_name(path)
    with _opened(path) as stream:
        raw = _read(stream, max_bytes + 1, source)
    if len(raw) > max_bytes:
        raise _too_big(source, max_bytes)
    return raw


@contextmanager
def _opened(path: Path) -> Iterator[BinaryIO]:
    """The file as a binary stream, gunzipped when it ends in .gz.

    Opened without blocking and checked to be a regular file once open (not before, which a
    swap of the file could defeat); read it with a bound rather than trusting the size."""
    source = display_name(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as err:
        raise InputError(source, f"cannot read: {_reason(err)}") from err
    with open(fd, "rb") as handle:
        mode = os.fstat(handle.fileno()).st_mode
        if not stat.S_ISREG(mode):
            raise InputError(source, _not_regular(mode))
        if not path.name.endswith(".gz"):
            yield handle
            return
        with gzip.GzipFile(fileobj=handle, mode="rb") as unpacked:
            yield cast(BinaryIO, unpacked)


def _read(stream: BinaryIO, size: int, source: str, line: bool = False) -> bytes:
    try:
        return stream.readline(size) if line else stream.read(size)
    except (OSError, EOFError, zlib.error) as err:
        raise InputError(source, f"cannot read: {_reason(err)}") from err


def _reason(err: Exception) -> str:
    return _os_reason(err) if isinstance(err, OSError) and err.errno else str(err) or type(err).__name__


def read_jsonl(path: Path, max_bytes: int) -> Iterator[RawDocument | Rejection]:
    """The records of a JSONL file, read a line at a time.

    A JSONL file is many inputs, as an archive is: `max_bytes` bounds each record, not the file
    (an export of 2,200 articles in 21 MiB was rejected whole), and a file that breaks off (a
    truncated .gz, a corrupt block) keeps every whole line before the break. JSON Lines are
    UTF-8; a file in UTF-16 or UTF-32 (NUL bytes or a byte order mark at its start) is read
    whole within `max_bytes`, and a line that is not UTF-8 is decoded alone."""
    from storylens.ingest.decode import decode

    name = display_name(path)
    with _opened(path) as stream:
        head = _peek(stream, name)
        if b"\x00" in head or head.startswith((b"\xff\xfe", b"\xfe\xff")):
            yield from parse_jsonl(decode(_bounded(stream, max_bytes, name), name), name)
            return
        number, records = 0, 0
        while True:
            try:
                line = _read(stream, max_bytes + 1, name, line=True)
                if len(line) > max_bytes and not line.endswith(b"\n"):
                    _skip_line(stream, name)
            except InputError as err:
                if not number:
                    raise
                yield Rejection(name, "ingest", f"{err.cause} after line {number}; the lines before it were read")
                return
            if not line:
                if not records:
                    raise InputError(name, "empty input", "nothing to read")
                return
            number += 1
            where = f"{name}:{number}"
            records += bool(line.strip())
            if len(line) > max_bytes and not line.endswith(b"\n"):
                yield Rejection(where, "ingest", f"{_too_big(name, max_bytes).cause}, one record "
                                "(raise STORYLENS_MAX_INPUT_MB if it really is one article)")
            elif line.strip():
                yield _json_line(line, where, decode)


def _peek(stream: BinaryIO, source: str) -> bytes:
    try:
        return cast(io.BufferedReader, stream).peek(4096)[:4096]
    except (OSError, EOFError, zlib.error) as err:
        raise InputError(source, f"cannot read: {_reason(err)}") from err


def _bounded(stream: BinaryIO, max_bytes: int, source: str) -> bytes:
    raw = _read(stream, max_bytes + 1, source)
    if len(raw) > max_bytes:
        raise _too_big(source, max_bytes)
    return raw


def _skip_line(stream: BinaryIO, source: str) -> None:
    """Read past the rest of a line too long to keep, a bounded piece at a time."""
    while (rest := _read(stream, 1 << 20, source, line=True)) and not rest.endswith(b"\n"):
        pass


def _json_line(line: bytes, where: str, decode: Callable[[bytes, str], str]) -> RawDocument | Rejection:
    try:
        text = line.decode("utf-8-sig")  # a byte order mark can only begin the first line
    except UnicodeDecodeError:
        try:
            text = decode(line, where)
        except InputError as err:
            return Rejection(where, "ingest", err.cause)
    return parse_line(text, where)


def _too_big(source: str, max_bytes: int) -> InputError:
    return InputError(source, f"larger than {max_bytes / 2**20:.3g} MiB",
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
    """Records `{"id","url","title","text","html","published","source" or "outlet","byline","lang"}`;
    `html` wins over `text`.

    Lines end at "\\n" only: JSON strings may hold U+2028, U+0085 and other characters that
    `str.splitlines` would also split on. A line that fails in any way rejects that line alone."""
    for number, line in enumerate(text.split("\n"), 1):
        if line.strip():
            yield parse_line(line, f"{source}:{number}")


def parse_line(line: str, where: str) -> RawDocument | Rejection:
    """One JSONL line as a document, or why it is none (`where` names file and line)."""
    try:
        return record_to_document(json.loads(line), where)
    except (ValueError, RecursionError) as err:  # RecursionError: '[' * 100000
        return Rejection(where, "ingest", f"not a JSON object: {_first_line(err)}")
    except InputError as err:
        return Rejection(where, "ingest", err.cause)


def parse_records(body: bytes | str, source: str = "request") -> list[RawDocument | Rejection]:
    """A JSON body of one record or a list of them (POST /api/articles), read as JSONL lines are:
    the same fields, types and rejections. Raises `InputError` when the body is not JSON at all
    (nesting too deep for the parser included)."""
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError) as err:  # UnicodeDecodeError is a ValueError
        raise InputError(source, f"the body is not JSON: {_first_line(err)}") from err
    found: list[RawDocument | Rejection] = []
    for number, record in enumerate(payload if isinstance(payload, list) else [payload]):
        where = f"{source}[{number}]"
        try:
            found.append(record_to_document(record, where))
        except InputError as err:
            found.append(Rejection(where, "ingest", err.cause))
    return found


def record_to_document(record: Any, where: str) -> RawDocument:
    """One record (a JSONL line, an element of a POST) as a document; `InputError` when it is not one.

    Fields are typed: a string (an `id` may also be a number); `true` or a list is refused, never
    turned into the text "True". Text that JSON escapes cannot make valid (a lone surrogate such
    as "\\ud800") is repaired to U+FFFD here, so that no later encoder fails on it."""
    if not isinstance(record, dict):
        raise InputError(where, f"a record must be a JSON object (one a line, or a list of them), "
                         f"not {_json_type(record)}")
    fields = {name: _field(record, name, where) for name in ("html", "text", "title", "url", "source", "outlet",
                                                             "byline", "lang", "published")}
    kind: InputKind
    if fields["html"] and fields["html"].strip():
        kind, content = "html", fields["html"]
    elif fields["text"] and fields["text"].strip():
        kind, content = "clean", fields["text"]
    elif fields["title"] and fields["title"].strip():
        kind, content = "clean", fields["title"]  # a headline-only record (feeds, roundups)
    else:
        raise InputError(where, "record has no 'html', 'text' or 'title'")
    published = fields["published"]
    return RawDocument(
        source=where,
        kind=kind,
        content=content,
        title=fields["title"],
        url=fields["url"],
        # `outlet` and `byline` are the names `clean --json` and the API write: read back, its own
        # output kept neither, without a word (`source` is the evaluation sets' name)
        outlet=fields["source"] or fields["outlet"],
        byline=fields["byline"],
        published=(published.strip() or None) if isinstance(published, str) else None,  # read by clean
        id=_record_id(record.get("id"), where),
        lang=fields["lang"],
    )


def _field(record: dict[str, Any], name: str, where: str) -> str | None:
    value = record.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InputError(where, f"'{name}' must be a string, not {_json_type(value)}")
    return _valid_text(value)


def _record_id(value: Any, where: str) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise InputError(where, f"'id' must be a string or a whole number, not {_json_type(value)}")
    return _valid_text(value)


def _json_type(value: Any) -> str:
    names = {bool: "true/false", int: "a number", float: "a decimal number", list: "a list", dict: "an object",
             str: "a string", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def _valid_text(value: str) -> str:
    """Lone surrogates (from JSON escapes) replaced by U+FFFD; well-formed text unchanged."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return value


def _first_line(err: Exception) -> str:
    return str(err).split("\n", 1)[0][:200] or type(err).__name__
