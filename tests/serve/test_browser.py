"""The web UI in a real headless Chromium (Debian's package), driven by Playwright.

Screenshots go to `test-artifacts/` (ignored by git) for people to look at after a run.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from playwright.sync_api import expect

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]

pytestmark = pytest.mark.slow


def compared(base: str) -> str:
    """`base`, once every story it lists has been compared. A story's first view computes its
    comparison (models load, every article is parsed): on a loaded machine that took longer than
    a click waits for its navigation (30 s) and failed the test at load 15. These tests are of
    the pages, so they wait for the comparisons here, on the condition, with no time limit of
    their own beyond the request's."""
    stories = httpx.get(f"{base}/api/stories", params={"per_page": 200}, timeout=60).json()["stories"]
    for story in stories:
        httpx.get(f"{base}/api/stories/{quote(story['id'], safe='')}/comparison", timeout=600).raise_for_status()
    return base


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (`apt-get install chromium`; .ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def test_story_list_story_page_and_article(browser, demo_server: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    compared(demo_server)
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(f"{demo_server}/")
    cards = page.locator("li.story-card")
    assert cards.count() >= 5
    assert page.locator("svg.spark").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "story-list.png"), full_page=True)

    page.fill("#q", "jobs")
    expect(page.locator("li.story-card")).to_have_count(1, timeout=30_000)  # htmx live search, no submit
    page.locator("li.story-card a").first.click()
    page.wait_for_selector("table.matrix")
    rows = page.locator("table.matrix tbody tr")
    assert rows.count() >= 2 and page.locator("table.matrix tr.single").count() >= 1
    marked = page.locator(".discrepancy mark.diff")
    assert marked.count() >= 2 and marked.first.is_visible()
    assert any(n in " ".join(marked.all_inner_texts()) for n in ("300", "350"))  # the planted number
    assert page.locator("#quotes li.quote").first.is_visible()
    page.screenshot(path=str(ARTIFACTS / "story-page.png"), full_page=True)

    page.locator("#articles a").first.click()
    page.wait_for_selector("section.removed")
    assert page.locator(".text .quote, .text [class^='ent-']").count() >= 1
    page.close()


def test_phone_width_has_no_horizontal_page_scroll(browser, demo_server: str) -> None:
    page = browser.new_page(viewport={"width": 375, "height": 800})
    page.goto(f"{demo_server}/")
    page.locator("li.story-card a").first.click()
    page.wait_for_selector("table.matrix")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375 + 1
    page.screenshot(path=str(ARTIFACTS / "story-page-phone.png"), full_page=False)
    page.close()


def test_pages_read_without_javascript(browser, demo_server: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{demo_server}/?q=flood")
    assert page.locator("li.story-card").count() >= 1
    page.locator("li.story-card a").first.click()
    assert page.locator("#digest li").count() >= 1
    context.close()


def test_no_injected_script_runs(browser, hostile_server: str) -> None:
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{hostile_server}/")
    crane = page.locator("li.story-card a", has_text="Crane collapse")
    assert "<script>" in crane.inner_text()  # shown as text, not run
    crane.click()
    page.wait_for_selector("#quotes")
    hrefs = page.locator("#articles a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    for href in hrefs:
        page.goto(f"{hostile_server}{href}")
        assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("typeof window.__pwned") == "undefined" and not dialogs
    page.close()


@pytest.fixture(scope="module")
def basil_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """BASIL's first ten events (three outlets each, long articles) in a store of their own."""
    from storylens import api
    from storylens.config import Settings
    from tests.conftest import shared_path
    from tests.serve.conftest import start_server

    lines = shared_path("data", "cluster", "basil-dev.articles.jsonl").read_text(encoding="utf-8").splitlines()
    folder = tmp_path_factory.mktemp("basil")
    (folder / "basil.articles.jsonl").write_text("\n".join(lines[:30]) + "\n", encoding="utf-8")
    settings = Settings(db=str(folder / "basil.db"))
    api.ingest([folder / "basil.articles.jsonl"], settings=settings)
    for base in start_server(settings):
        yield compared(base)


@pytest.mark.shared
@pytest.mark.parametrize("width", [1200, 375])
def test_basil_story_list_and_story_page(browser, basil_server: str, width: int) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(f"{basil_server}/")
    outlets = [c.locator(".outlet").count() for c in page.locator("li.story-card").all()]
    assert outlets and outlets == sorted(outlets, reverse=True)  # most outlets first
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    page.screenshot(path=str(ARTIFACTS / f"basil-story-list-{width}.png"), full_page=True)
    page.locator("li.story-card a").first.click()
    page.wait_for_selector("#digest")
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    height = page.evaluate("document.documentElement.scrollHeight")
    page.screenshot(path=str(ARTIFACTS / f"basil-story-page-{width}.png"), full_page=True)
    folded = page.locator("details.more")
    if folded.count():  # long sections start folded, and open on a click
        folded.first.locator("summary").click()
        assert page.evaluate("document.documentElement.scrollHeight") > height
    assert height < (5000 if width > 600 else 12000), height
    page.locator("#articles a").first.click()
    page.wait_for_selector("p.back a")
    page.locator("p.back a").click()
    page.wait_for_selector("#digest")
    page.close()
