"""A corpus of hostile inputs, generated (never stored): every kind a reliability probe has met.

Each `Case` is a file (or a link, a FIFO, a folder) written under a folder, with what must
become of it: an article, or a rejection whose reason says why. `write_corpus` is used by the
tests in this folder and by `benchmarks/bench_hostile.py`; `scale` shrinks the big inputs so
that CI stays quick while the benchmark can run them at the sizes that were once slow.
"""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

TITLE = "Council approves the harbour budget"
BODY = ("The council approved the harbour budget on Tuesday after a debate that ran late into the night. "
        "Members said the plan would pay for new moorings, a repaired sea wall and two more ferries.")
SCRAPE = f"{TITLE}\n\n{BODY}\n"
PAGE = (f"<html><head><title>{TITLE}</title></head><body><article><h1>{TITLE}</h1>"
        f"<p>{BODY}</p></article></body></html>")


@dataclass(frozen=True)
class Case:
    """One hostile input: `make(folder, scale)` writes it and returns its path."""

    name: str
    make: Callable[[Path, float], Path]
    expect: str  # "article", or a phrase the rejection's reason contains
    needs: Callable[[], bool] = lambda: True


def _write(name: str, data: bytes | str) -> Callable[[Path, float], Path]:
    def make(folder: Path, scale: float) -> Path:
        path = folder / name
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return path
    return make


def _scaled(name: str, build: Callable[[int], bytes | str], full: int) -> Callable[[Path, float], Path]:
    def make(folder: Path, scale: float) -> Path:
        return _write(name, build(max(1, int(full * scale))))(folder, scale)
    return make


def _jsonl(name: str, *records: object, raw: str = "") -> Callable[[Path, float], Path]:
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    return _write(name, "\n".join(lines) + ("\n" + raw if raw else "") + "\n")


def _link(name: str, target: Callable[[Path], Path | str]) -> Callable[[Path, float], Path]:
    def make(folder: Path, scale: float) -> Path:
        path = folder / name
        path.symlink_to(target(folder))
        return path
    return make


def _fifo(folder: Path, scale: float) -> Path:
    path = folder / "pipe.html"
    os.mkfifo(path)
    return path


def _folder_named_page(folder: Path, scale: float) -> Path:
    path = folder / "folder.html"
    path.mkdir()
    (path / "inside.txt").write_text(SCRAPE)
    return path


def _non_utf8_name(folder: Path, scale: float) -> Path:
    raw = os.fsencode(folder) + b"/caf\xff\xfe.txt"
    with open(raw, "wb") as handle:
        handle.write(SCRAPE.encode())
    return Path(os.fsdecode(raw))


def _markup_name(folder: Path, scale: float) -> Path:
    """'a[/]b.html': Rich markup in a path (a folder 'a[' holding ']b.html'), rejected as empty."""
    (folder / "a[").mkdir()
    path = folder / "a[" / "]b [bold].html"
    path.write_bytes(b"")
    return path


def _gzip_bomb(folder: Path, scale: float) -> Path:
    """A small .gz that unpacks to far more than the input bound (64 MiB, whatever the scale):
    read with a bound, not whole."""
    path = folder / "bomb.txt.gz"
    with gzip.open(path, "wb", compresslevel=9) as handle:
        chunk = b"A" * (1 << 20)
        for _ in range(64):
            handle.write(chunk)
    return path


def _big_gz_lines(n: int) -> bytes:
    lines = "".join(f"Line {i} of a scraped page that goes on and on.\n" for i in range(n))
    return gzip.compress((SCRAPE + lines).encode(), compresslevel=1)


def _has_dev_zero() -> bool:
    return Path("/dev/zero").exists()


CASES: list[Case] = [
    # quadratic cleaning (issue 17, item 3)
    Case("copyright-dots.txt", _scaled("copyright-dots.txt", lambda n: f"{TITLE}\n\n©{'.' * n}x\n\n{BODY}\n", 100_000),
         "article"),
    Case("trailing-spaces.html", _scaled("trailing-spaces.html", lambda n: PAGE.replace(
        "</p>", "</p><p>© 2024 Harbour News" + " " * n + "</p>") + " " * n, 70_000), "article"),
    Case("many-lines.txt", _scaled("many-lines.txt", lambda n: SCRAPE + "".join(
        f"Paragraph {i} of the report goes on with several clauses and many more words, until it ends.\n"
        "Related coverage\n" for i in range(n)), 100_000), "article"),
    Case("big-lines.txt.gz", _scaled("big-lines.txt.gz", _big_gz_lines, 400_000), "article"),
    Case("wide-page.html", _scaled("wide-page.html", lambda n: PAGE.replace(
        "</article>", "".join(f"<p>Sentence {i} of prose that goes on a while.</p>" for i in range(n)) + "</article>"),
        20_000), "article"),
    # libxml2 stops nesting at 256 levels: the article below is lost, and the page said to be empty
    Case("nested-divs.html", _scaled("nested-divs.html", lambda n: PAGE.replace(
        "<article>", "<div>" * n + "<article>").replace("</article>", "</article>" + "</div>" * n), 10_000),
         "no article text"),
    Case("nested-lists.html", _scaled("nested-lists.html", lambda n: PAGE.replace(
        "</article>", "<ul><li>" * n + "item" + "</li></ul>" * n + "</article>"), 5_000), "article"),
    Case("one-long-line.txt", _scaled("one-long-line.txt", lambda n: TITLE + "\n\n" + "word " * n + ".\n", 500_000),
         "article"),
    Case("gzip-bomb.txt.gz", _gzip_bomb, "larger than"),
    # one bad record (item 4)
    Case("lone-surrogate.jsonl", _jsonl("lone-surrogate.jsonl", raw=json.dumps(
        {"title": "Bad \ud800 title", "text": BODY, "id": "s\udfff"})), "article"),
    Case("deep-brackets.jsonl", _jsonl("deep-brackets.jsonl", raw="[" * 100_000), "not a JSON object"),
    Case("year-one.jsonl", _jsonl("year-one.jsonl", {"title": TITLE, "text": BODY, "published": "0001-01-01"}),
         "not a plausible date"),
    Case("non-utf8-name", _non_utf8_name, "article"),
    Case("markup-title.jsonl", _jsonl("markup-title.jsonl", {"title": "Breaking [/] news [bold]", "text": BODY}),
         "article"),
    Case("markup-name", _markup_name, "empty input"),
    # silently skipped or mis-read (item 10)
    Case("symlink-loop", _link("loop.html", lambda f: f / "loop.html"), "symlink loop"),
    Case("dangling-link", _link("gone.html", lambda f: f / "deleted.html"), "dangling symlink"),
    Case("link-to-dev-zero", _link("zero.txt", lambda f: "/dev/zero"), "character device", _has_dev_zero),
    Case("fifo", _fifo, "FIFO", lambda: hasattr(os, "mkfifo")),
    Case("folder-named-page", _folder_named_page, "article"),
    Case("utf16le-no-bom.txt", _write("utf16le-no-bom.txt", SCRAPE.encode("utf-16-le")), "article"),
    Case("utf16be-no-bom.txt", _write("utf16be-no-bom.txt", SCRAPE.encode("utf-16-be")), "article"),
    Case("utf32le-no-bom.txt", _write("utf32le-no-bom.txt", SCRAPE.encode("utf-32-le")), "article"),
    Case("noscript-only.html", _write("noscript-only.html", "<html><head><title>App</title></head><body><noscript>"
                                      + BODY + "</noscript><div id=root></div></body></html>"), "no article text"),
    Case("template-only.html", _write("template-only.html", "<html><body><template><p>" + BODY
                                      + "</p></template></body></html>"), "no article text"),
    Case("id-true.jsonl", _jsonl("id-true.jsonl", {"id": True, "title": TITLE, "text": BODY}), "'id' must be"),
    # less than an article (issue 11, item 4), and plain broken files
    Case("title-only.jsonl", _jsonl("title-only.jsonl", {"title": TITLE}), "a title with no article text"),
    Case("one-line.txt", _write("one-line.txt", "The council met on Tuesday to debate the budget.\n"),
         "without a title"),
    Case("empty.txt", _write("empty.txt", b""), "empty input"),
    Case("binary.html", _write("binary.html", bytes(range(256)) * 64), "binary"),
    Case("truncated.html.gz", _write("truncated.html.gz", gzip.compress(PAGE.encode())[:40]), "cannot read"),
    Case("not-gzip.txt.gz", _write("not-gzip.txt.gz", b"\x1f\x8b\x08\x00garbage"), "cannot read"),
    Case("control-chars.txt", _write("control-chars.txt", "\x01\x02\x03\x1b[31m" * 500), "control characters"),
    Case("crlf-and-cr.txt", _write("crlf-and-cr.txt", SCRAPE.replace("\n", "\r\n") + BODY.replace(". ", ".\r")),
         "article"),
    Case("zero-width-and-rtl.txt", _write("zero-width-and-rtl.txt", f"{TITLE}\u200f\n\n\u202e{BODY}\u200b\ufeff\n"),
         "article"),
    Case("latin1.html", _write("latin1.html", PAGE.replace("harbour", "café").encode("latin-1")), "article"),
    Case("huge-title.jsonl", _jsonl("huge-title.jsonl", {"title": "T" * 200_000, "text": BODY}), "article"),
    Case("html-in-text.jsonl", _jsonl("html-in-text.jsonl", {"title": TITLE, "text": "<script>alert(1)</script> "
                                                             + BODY}), "article"),
    Case("wrong-types.jsonl", _jsonl("wrong-types.jsonl", {"title": ["a"], "text": BODY}), "must be a string"),
]


def write_corpus(folder: Path, scale: float = 1.0) -> dict[str, tuple[Path, str]]:
    """Write every case this system supports; name -> (path, expectation)."""
    folder.mkdir(parents=True, exist_ok=True)
    return {case.name: (case.make(folder, scale), case.expect) for case in CASES if case.needs()}
