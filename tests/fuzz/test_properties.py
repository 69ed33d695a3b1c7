"""Properties of the readers and cleaners over generated input (hypothesis).

Whatever the bytes, text or record: the outcome is a document, an article, or a rejection
naming the input; never another exception, never a string that cannot be encoded."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storylens.clean import clean_or_reject
from storylens.clean.boilerplate import copyright_holder, is_copyright, line_reason, strip_boilerplate
from storylens.config import Settings
from storylens.errors import InputError
from storylens.ingest.decode import decode
from storylens.ingest.files import parse_jsonl, record_to_document
from storylens.model import Article, RawDocument, Rejection

BOUNDARY = Settings(clean_budget_s=20.0)
# CI machines are shared: no per-example deadline (the cleaning budget bounds each example).
RELAXED = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Characters that break naive code: surrogates, separators splitlines knows, controls, RTL marks.
NASTY = st.sampled_from(["\ud800", "\udfff", "\u2028", "\u2029", "\x85", "\x0b", "\x1c", "\x00", "\u202e", "\ufeff",
                         "©", "[/]", "\r", "\n", " ", ".", "<", "&", '"'])
TEXT = st.lists(st.one_of(st.text(max_size=30), NASTY), max_size=30).map("".join)
LINES = st.lists(st.one_of(TEXT, st.sampled_from(["More Latest News", "© Valley Post 2025", "By Jane Roe",
                                                   "Picture: PA", "Related coverage", "Share", "6 January 2020"])),
                 max_size=40)
JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                    max_leaves=6)
FIELDS = st.sampled_from(["id", "title", "text", "html", "url", "source", "published", "lang"])
RECORD = st.dictionaries(FIELDS, JSON | TEXT, max_size=8)


def encodable(*texts: str | None) -> bool:
    for text in texts:
        if text is not None:
            text.encode("utf-8")
    return True


@RELAXED
@given(st.binary(max_size=4096))
def test_decode_returns_encodable_text_or_says_why_not(raw: bytes) -> None:
    try:
        text = decode(raw, "input.txt")
    except InputError as err:
        assert err.source == "input.txt" and err.cause
        return
    assert encodable(text)


@RELAXED
@given(RECORD)
def test_a_record_is_a_document_or_an_input_error(record: dict[str, Any]) -> None:
    try:
        doc = record_to_document(record, "r:1")
    except InputError as err:
        assert err.source == "r:1" and err.cause
        return
    assert doc.content.strip()
    assert encodable(doc.content, doc.title, doc.url, doc.outlet, doc.id, doc.lang)


@RELAXED
@given(st.lists(st.one_of(RECORD.map(json.dumps), TEXT), max_size=8))
def test_every_jsonl_line_ends_as_one_document_or_rejection(lines: list[str]) -> None:
    text = "\n".join(lines)
    results = list(parse_jsonl(text, "feed.jsonl"))
    assert len(results) == sum(1 for line in text.split("\n") if line.strip())
    for item in results:
        assert isinstance(item, RawDocument | Rejection)
        assert (item.source if isinstance(item, RawDocument) else item.input).startswith("feed.jsonl:")


@RELAXED
@given(LINES)
def test_each_line_is_kept_or_removed_exactly_once(lines: list[str]) -> None:
    out = strip_boilerplate(lines)
    given_lines = [line.strip() for line in lines if line.strip()]
    assert len(out.kept) + len(out.removed) == len(given_lines)
    assert sorted(out.kept + [r.text for r in out.removed]) == sorted(given_lines)


@RELAXED
@given(TEXT)
def test_line_rules_and_copyright_reading_never_fail(line: str) -> None:
    line_reason(line, near_top=True)
    holder = copyright_holder(line)
    if holder is not None:
        assert is_copyright(line) and holder in line


@settings(RELAXED, max_examples=60)
@given(TEXT, st.sampled_from(["text", "clean"]), st.one_of(st.none(), TEXT))
def test_cleaning_any_text_gives_an_article_or_a_rejection(content: str, kind: str, title: str | None) -> None:
    doc = RawDocument("doc.txt", kind, content, title=title)  # type: ignore[arg-type]
    outcome = clean_or_reject(doc, BOUNDARY)
    if isinstance(outcome, Rejection):
        assert outcome.input == "doc.txt" and outcome.reason
    else:
        assert isinstance(outcome, Article) and outcome.text.strip()


TAGS = st.sampled_from(["p", "div", "noscript", "template", "script", "article", "h1", "li", "ul", "figure",
                        "figcaption", "nav", "footer", "time", "table", "td", "a", "title", "head", "body"])


@st.composite
def html_pages(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 25))):
        tag = draw(TAGS)
        parts.append(draw(st.sampled_from([f"<{tag}>", f"</{tag}>", f"<{tag} class='related'>"])))
        parts.append(draw(TEXT))
    return "<html>" + "".join(parts)


@settings(RELAXED, max_examples=40)
@given(html_pages())
def test_cleaning_any_page_gives_an_article_or_a_rejection(page: str) -> None:
    outcome = clean_or_reject(RawDocument("page.html", "html", page), BOUNDARY)
    if isinstance(outcome, Rejection):
        assert outcome.input == "page.html" and outcome.reason
    else:
        assert outcome.text.strip()
        assert encodable(outcome.text, outcome.title, *(r.text for r in outcome.removed))
