"""The per-document boundary: time budget, isolation, the minimum article, plausible dates.

Bounds here are the budget's own (a generous `clean_budget_s`): an input that used to take
minutes must come back as an article well inside it, not merely be rejected as too slow."""

from __future__ import annotations

import threading
import time
from datetime import datetime

import pytest

import storylens.clean as clean_package
from storylens.clean import budget, clean_or_reject
from storylens.clean.boilerplate import copyright_holder, is_copyright, line_reason, strip_boilerplate
from storylens.config import Settings
from storylens.model import Article, RawDocument, Rejection

BODY = ("The council approved the new budget on Tuesday after a long debate. "
        "Members said the plan would fund schools, roads and the library for another year.")
GENEROUS = Settings(clean_budget_s=30)


def text_doc(content: str) -> RawDocument:
    return RawDocument(source="hostile.txt", kind="text", content=content)


def test_copyright_mark_before_a_long_run_of_dots_is_linear() -> None:
    # 37 s of backtracking in the old copyright pattern (100,000 dots).
    outcome = clean_or_reject(text_doc("Council approves the budget\n\n©" + "." * 100_000 + "x\n\n" + BODY), GENEROUS)
    assert isinstance(outcome, Article) and outcome.text == BODY


def test_copyright_line_with_long_trailing_space_run_is_linear() -> None:
    line = "© 2024 Valley Post" + " " * 200_000 + "x"
    assert line_reason(line) == "copyright notice"


@pytest.mark.parametrize(
    ("line", "holder"),
    [("© Valley Post 2025", "Valley Post"), ("Copyright © 2024 Example Media.", "Example Media"),
     ("(c) 2019 The Daily Item...", "The Daily Item"), ("© 2025", None)],
)
def test_copyright_holder_is_read_without_mark_year_or_dots(line: str, holder: str | None) -> None:
    assert is_copyright(line) and copyright_holder(line) == holder


def test_a_hundred_thousand_lines_are_cleaned_in_linear_time() -> None:
    # The old rule copied the rest of the page at every line: 7.7 s for 100k lines, and every
    # "Related coverage" line made it count the rest of the page again.
    prose = [f"Paragraph {n} of the report goes on with several clauses and many more words, until it ends."
             for n in range(100_000)]
    page = [line for n, p in enumerate(prose) for line in ((p, "Related coverage") if n % 10 == 0 else (p,))]
    budget_s = 30.0
    started = time.monotonic()
    with budget.budget("lines", budget_s):
        out = strip_boilerplate(page)
    assert time.monotonic() - started < budget_s
    assert set(prose) <= set(out.kept)


def test_a_document_over_its_budget_is_rejected_naming_the_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    def slow(doc: RawDocument, dayfirst: bool = True) -> Article:
        while True:  # a stage that never returns: only the timer can stop it
            sum(range(1000))

    monkeypatch.setattr(clean_package, "clean_text", slow)
    outcome = clean_or_reject(text_doc(BODY), Settings(clean_budget_s=0.3))
    assert isinstance(outcome, Rejection) and outcome.stage == "clean"
    assert "budget of 0.3 s" in outcome.reason


def test_the_budget_holds_off_the_main_thread_through_cooperative_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    def slow(doc: RawDocument, dayfirst: bool = True) -> Article:
        while True:
            budget.check()

    monkeypatch.setattr(clean_package, "clean_text", slow)
    found: list[Article | Rejection] = []
    worker = threading.Thread(target=lambda: found.append(clean_or_reject(text_doc(BODY),
                                                                           Settings(clean_budget_s=0.2))))
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive()
    assert isinstance(found[0], Rejection) and "budget" in found[0].reason


def test_an_unexpected_error_rejects_that_document_only(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(doc: RawDocument, dayfirst: bool = True) -> Article:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(clean_package, "clean_text", broken)
    outcome = clean_or_reject(text_doc(BODY), GENEROUS)
    assert isinstance(outcome, Rejection) and "RecursionError" in outcome.reason


def test_the_budget_timer_is_disarmed_after_the_document() -> None:
    assert isinstance(clean_or_reject(text_doc("Council approves the budget\n\n" + BODY), Settings(clean_budget_s=0.5)),
                      Article)
    time.sleep(1.0)  # a timer left armed would interrupt this test


@pytest.mark.parametrize(
    ("doc", "reason"),
    [
        (RawDocument("r:1", "clean", "Council approves the budget", title="Council approves the budget"),
         "a title with no article text"),
        (RawDocument("one-line.txt", "text", "The council met on Tuesday to debate the budget."),
         "too short to be an article without a title"),
        (RawDocument("short.txt", "text", "Council approves the budget\n\nIt met."), "too short to be an article"),
        (RawDocument("r:2", "clean", "It met.", title="Council approves the budget"), "too short to be an article"),
        (RawDocument("r:3", "clean", BODY, title="Council", published=datetime(1, 1, 1)),
         "published date 0001-01-01 is not a plausible date"),
    ],
)
def test_less_than_an_article_is_rejected_with_the_reason(doc: RawDocument, reason: str) -> None:
    outcome = clean_or_reject(doc, GENEROUS)
    assert isinstance(outcome, Rejection) and reason in outcome.reason


@pytest.mark.parametrize("title", ["Council approves budget", None])
def test_a_short_brief_record_is_an_article(title: str | None) -> None:
    doc = RawDocument("r:4", "clean", "The council approved the budget on Tuesday.", title=title)
    assert isinstance(clean_or_reject(doc, GENEROUS), Article)


@pytest.mark.parametrize("tag", ["noscript", "template"])
def test_unrendered_text_is_not_an_article(tag: str) -> None:
    page = (f"<html><head><title>App</title></head><body><{tag}><p>You need to enable JavaScript to run "
            f"this app. Please turn it on in your browser settings and reload the page.</p></{tag}>"
            "<div id='root'></div></body></html>")
    outcome = clean_or_reject(RawDocument("app.html", "html", page), GENEROUS)
    assert isinstance(outcome, Rejection) and "no article text" in outcome.reason


def test_unrendered_text_beside_an_article_stays_out_of_it() -> None:
    page = ("<html><head><title>Council approves the budget</title></head><body><noscript>Please enable "
            f"JavaScript.</noscript><article><h1>Council approves the budget</h1><p>{BODY}</p>"
            "<template><p>Template placeholder text.</p></template></article></body></html>")
    outcome = clean_or_reject(RawDocument("page.html", "html", page), GENEROUS)
    assert isinstance(outcome, Article)
    assert "JavaScript" not in outcome.text and "placeholder" not in outcome.text


def test_several_short_paragraphs_without_a_recognised_title_are_an_article() -> None:
    # The first line ends like a sentence, so it is not taken as the title; two paragraphs are
    # still an article, unlike one line alone.
    doc = RawDocument("scrape.txt", "text", "Breaking news now:\n\nThe ferry strike at Calloway ended on Wednesday.\n")
    assert isinstance(clean_or_reject(doc, GENEROUS), Article)
