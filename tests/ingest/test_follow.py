"""Following sources against a real fixture news site on 127.0.0.1: what is stored, what is
refused and why; politeness, conditional GET, retries, the SSRF guard."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from storylens import api
from storylens.config import Settings
from storylens.follow import follow
from storylens.ingest.feeds import canonical_url, read_sources
from storylens.ingest.fetch import Fetcher, FetchError, Guard, non_public
from storylens.store import SQLiteStore
from tests.ingest.newssite import NewsSite, article, rss


@pytest.fixture
def site() -> Iterator[NewsSite]:
    served = NewsSite().start()
    yield served
    served.stop()


def settings_for(tmp_path: Path, site: NewsSite, **extra: object) -> Settings:
    values: dict[str, object] = {"db": str(tmp_path / "f.db"), "allow_private_hosts": site.hostport,
                                 "fetch_host_delay": 0.0, "fetch_backoff": 0.01, "fetch_retries": 1,
                                 "fetch_read_timeout": 2.0, **extra}
    return Settings(**values)  # type: ignore[arg-type]


def publish(site: NewsSite, *paths: str) -> None:
    for n, path in enumerate(paths):
        site.page(path, article(f"Harbour story {path.strip('/')}", n=n + 2))


def stored_urls(settings: Settings) -> set[str]:
    with SQLiteStore(settings.db) as store:
        return {a.url or "" for a in store.articles()}


def test_a_feed_that_grows_fetches_only_its_new_articles(tmp_path: Path, site: NewsSite) -> None:
    publish(site, "/a1", "/a2", "/a3")
    site.page("/feed.xml", rss(site.base, [("/a1", "One", None), ("/a2", "Two", None)]), "application/rss+xml")
    s = settings_for(tmp_path, site)
    first = follow([site.base + "/feed.xml"], s, once=True)
    site.page("/feed.xml", rss(site.base, [("/a1", "One", None), ("/a2", "Two", None), ("/a3", "Three", None)]),
              "application/rss+xml")
    second = follow([site.base + "/feed.xml"], s, once=True)
    assert len(first[0].added) == 2 and len(second[0].added) == 1
    assert [site.hits(p) for p in ("/a1", "/a2", "/a3")] == [1, 1, 1]
    assert stored_urls(s) == {f"{site.base}/a{i}" for i in (1, 2, 3)}


def test_an_unchanged_feed_answers_304_and_nothing_is_fetched(tmp_path: Path, site: NewsSite) -> None:
    publish(site, "/a1")
    body = rss(site.base, [("/a1", "One", None)])
    site.routes["/feed.xml"] = lambda h: ((304, {"ETag": '"v1"'}, b"") if h.get("if-none-match") == '"v1"'
                                          else (200, {"ETag": '"v1"', "Content-Type": "application/rss+xml"}, body))
    s = settings_for(tmp_path, site)
    follow([site.base + "/feed.xml"], s, once=True)
    (again,) = follow([site.base + "/feed.xml"], s, once=True)
    assert again.not_modified and site.hits("/a1") == 1 and site.hits("/feed.xml") == 2


def test_a_server_error_is_retried_then_succeeds(tmp_path: Path, site: NewsSite) -> None:
    publish(site, "/a1")
    answers = iter([(500, {}, b"oops"), (200, {"Content-Type": "application/rss+xml"},
                                         rss(site.base, [("/a1", "One", None)]))])
    site.routes["/feed.xml"] = lambda _h: next(answers)
    (report,) = follow([site.base + "/feed.xml"], settings_for(tmp_path, site), once=True)
    assert report.error is None and len(report.added) == 1 and site.hits("/feed.xml") == 2


def test_a_slow_host_times_out_and_the_reason_is_kept(tmp_path: Path, site: NewsSite) -> None:
    import time

    def slow(_h: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        time.sleep(1.0)
        return 200, {}, article("Slow")

    site.routes["/slow"] = slow
    s = settings_for(tmp_path, site, fetch_read_timeout=0.2, fetch_retries=0)
    report = api.ingest([site.base + "/slow"], settings=s)
    (rejected,) = report.rejected
    assert not report.added and rejected.stage == "fetch" and "timed out" in rejected.reason


def test_a_page_over_the_size_cap_is_refused_while_streaming(tmp_path: Path, site: NewsSite) -> None:
    site.page("/huge", article("Huge") + b"<p>" + b"x" * 300_000 + b"</p>")
    s = settings_for(tmp_path, site, max_input_mb=0.1)
    (rejected,) = api.ingest([site.base + "/huge"], settings=s).rejected
    assert "larger than" in rejected.reason


def test_a_malformed_feed_is_a_failed_poll_with_backoff(tmp_path: Path, site: NewsSite) -> None:
    site.page("/feed.xml", b"<rss><channel><item><title>broken", "application/rss+xml")
    s = settings_for(tmp_path, site)
    (report,) = follow([site.base + "/feed.xml"], s, once=True)
    with SQLiteStore(s.db) as store:
        (state,) = store.sources()
    assert report.error and "feed" in report.error
    assert state.failures == 1 and state.last_error and state.last_success is None
    assert state.next_poll and state.last_poll and (state.next_poll - state.last_poll).total_seconds() > 15 * 60


def test_robots_txt_disallow_is_obeyed(tmp_path: Path, site: NewsSite) -> None:
    publish(site, "/private/a1", "/a2")
    site.page("/robots.txt", b"User-agent: *\nDisallow: /private/\n", "text/plain")
    report = api.ingest([site.base + "/private/a1", site.base + "/a2"], settings=settings_for(tmp_path, site))
    (rejected,) = report.rejected
    assert "robots.txt" in rejected.reason and len(report.added) == 1 and site.hits("/private/a1") == 0


@pytest.mark.parametrize("target", ["http://169.254.169.254/latest/meta-data/", "http://127.0.0.1:9/admin",
                                    "http://[::ffff:127.0.0.1]:9/", "http://10.1.2.3/"])
def test_redirects_to_private_addresses_are_refused(tmp_path: Path, site: NewsSite, target: str) -> None:
    site.routes["/go"] = lambda _h: (302, {"Location": target}, b"")
    (rejected,) = api.ingest([site.base + "/go"], settings=settings_for(tmp_path, site)).rejected
    assert "refused" in rejected.reason and "allow_private_hosts" in rejected.reason


def test_a_host_name_that_resolves_to_loopback_is_refused(tmp_path: Path, site: NewsSite) -> None:
    publish(site, "/a1")
    port = site.hostport.split(":")[1]
    (rejected,) = api.ingest([f"http://localhost:{port}/a1"], settings=settings_for(tmp_path, site)).rejected
    assert "loopback" in rejected.reason and site.hits("/a1") == 0


def test_the_guard_checks_the_address_it_connects_to() -> None:
    answers = iter([["93.184.216.34"], ["127.0.0.1"]])  # a DNS answer that changes (rebinding)
    guard = Guard(resolver=lambda _host, _port: next(answers))
    assert guard.address_for("http://news.example/a") == "93.184.216.34"
    with pytest.raises(FetchError, match="loopback"):
        guard.address_for("http://news.example/a")


@pytest.mark.parametrize(("address", "kind"), [
    ("127.0.0.1", "loopback"), ("::1", "loopback"), ("::ffff:127.0.0.1", "loopback"),
    ("169.254.169.254", "link-local"), ("10.0.0.1", "private"), ("192.168.1.1", "private"),
    ("224.0.0.1", "multicast"), ("0.0.0.0", "unspecified"), ("93.184.216.34", None)])
def test_non_public_addresses(address: str, kind: str | None) -> None:
    found = non_public(address)
    assert (found is None) if kind is None else found in {kind, "private", "reserved"}


def test_the_same_article_in_two_feeds_is_fetched_once(tmp_path: Path, site: NewsSite) -> None:
    publish(site, "/a1")
    site.page("/one.xml", rss(site.base, [("/a1", "One", None)]), "application/rss+xml")
    site.page("/two.xml", rss(site.base, [("/a1?utm_source=two&utm_medium=rss", "One", None)]), "application/rss+xml")
    reports = follow([site.base + "/one.xml", site.base + "/two.xml"], settings_for(tmp_path, site), once=True)
    assert site.hits("/a1") == 1 and sum(len(r.added) for r in reports) == 1


def test_the_feed_date_is_kept_when_the_page_has_none(tmp_path: Path, site: NewsSite) -> None:
    publish(site, "/a1")
    site.page("/feed.xml", rss(site.base, [("/a1", "One", "Tue, 04 Mar 2025 09:30:00 GMT")]), "application/rss+xml")
    s = settings_for(tmp_path, site)
    follow([site.base + "/feed.xml"], s, once=True)
    with SQLiteStore(s.db) as store:
        (stored,) = store.articles()
    assert stored.published is not None and stored.published.date().isoformat() == "2025-03-04"


def test_one_request_at_a_time_per_host_with_the_gap_kept(tmp_path: Path, site: NewsSite) -> None:
    publish(site, "/a1", "/a2", "/a3")
    site.page("/feed.xml", rss(site.base, [(p, p, None) for p in ("/a1", "/a2", "/a3")]), "application/rss+xml")
    s = settings_for(tmp_path, site, fetch_host_delay=0.2)
    fetcher = Fetcher(s)
    follow([site.base + "/feed.xml"], s, once=True, fetcher=fetcher)
    times = [t for _, _, t in site.log]
    assert site.most_in_flight == 1 and fetcher.polite.most_in_flight == 1
    assert min(b - a for a, b in zip(times, times[1:], strict=False)) >= 0.19


def test_sources_files_are_text_or_opml(tmp_path: Path) -> None:
    text = tmp_path / "sources.txt"
    text.write_text("# my outlets\nhttps://a.example/feed.xml\n\nhttps://b.example/sitemap.xml  # news\n")
    opml = tmp_path / "reader.opml"
    opml.write_text('<?xml version="1.0"?><opml version="2.0"><body><outline text="News">'
                    '<outline type="rss" xmlUrl="https://c.example/rss"/></outline></body></opml>')
    assert read_sources(text) == ["https://a.example/feed.xml", "https://b.example/sitemap.xml"]
    assert read_sources(opml) == ["https://c.example/rss"]


def test_tracking_parameters_do_not_make_a_new_url() -> None:
    assert canonical_url("https://News.Example/a?utm_source=x&id=3#top") == canonical_url("https://news.example/a?id=3")


def test_a_sitemap_index_and_its_news_sitemap_are_followed(tmp_path: Path, site: NewsSite) -> None:
    publish(site, "/a1", "/a2")
    site.page("/sitemap.xml", (
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{site.base}/news.xml</loc></sitemap></sitemapindex>").encode(), "application/xml")
    site.page("/news.xml", (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
        + "".join(f"<url><loc>{site.base}{p}</loc><news:news><news:publication_date>2025-03-0{i + 1}"
                  f"</news:publication_date></news:news></url>" for i, p in enumerate(("/a1", "/a2")))
        + "</urlset>").encode(), "application/xml")
    (report,) = follow([site.base + "/sitemap.xml"], settings_for(tmp_path, site), once=True)
    assert report.listed == 2 and len(report.added) == 2


def test_a_json_feed_is_followed(tmp_path: Path, site: NewsSite) -> None:
    import json

    publish(site, "/a1")
    site.page("/feed.json", json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "Fixture",
                                        "items": [{"id": "1", "url": f"{site.base}/a1"}]}).encode(),
              "application/feed+json")
    (report,) = follow([site.base + "/feed.json"], settings_for(tmp_path, site), once=True)
    assert len(report.added) == 1


def test_the_sources_page_shows_each_sources_health_escaped(tmp_path: Path, site: NewsSite) -> None:
    from fastapi.testclient import TestClient

    from storylens.serve.app import create_app

    site.page("/feed.xml", b"<rss><channel><item><title>broken", "application/rss+xml")
    s = settings_for(tmp_path, site)
    follow([site.base + "/feed.xml", site.base + "/x.xml?<script>"], s, once=True)
    client = TestClient(create_app(s), base_url="http://localhost")  # a trusted Host name
    page = client.get("/sources").text
    sources = client.get("/api/sources").json()["sources"]
    assert {src["url"] for src in sources} == {site.base + "/feed.xml", site.base + "/x.xml?<script>"}
    assert all(src["failures"] == 1 and src["last_error"] for src in sources)
    assert "not a readable feed" in page and "<script>" not in page and "&lt;script&gt;" in page


def test_a_stop_request_ends_the_poll_after_the_article_in_hand(tmp_path: Path, site: NewsSite) -> None:
    import threading

    stop = threading.Event()
    publish(site, "/a1", "/a3")
    second = site.routes["/a1"]

    def stop_while_serving(headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        stop.set()  # SIGTERM arrives while the first article is being fetched
        return second(headers)

    site.routes["/a1"] = stop_while_serving
    site.page("/feed.xml", rss(site.base, [("/a1", "One", None), ("/a3", "Three", None)]), "application/rss+xml")
    s = settings_for(tmp_path, site)
    (report,) = follow([site.base + "/feed.xml"], s, once=True, stop=stop)
    with SQLiteStore(s.db) as store:
        (state,) = store.sources()
        fetched = store.fetched([f"{site.base}/a1", f"{site.base}/a3"])
    assert len(report.added) == 1 and site.hits("/a3") == 0
    assert fetched == {f"{site.base}/a1"} and state.last_poll is not None
    (resumed,) = follow([site.base + "/feed.xml"], s, once=True)
    assert len(resumed.added) == 1 and site.hits("/a1") == 1 and site.hits("/a3") == 1


def test_a_relative_link_is_fetched_and_an_item_without_one_is_counted(tmp_path: Path, site: NewsSite) -> None:
    publish(site, "/a1", "/news/a2")
    site.page("/feed.xml", (
        "<?xml version='1.0'?><rss version='2.0'><channel><title>T</title>"
        f"<item><title>One</title><link>{site.base}/a1</link></item>"
        "<item><title>Two</title><link>/news/a2</link></item>"
        "<item><title>Three</title><description>No link at all</description></item>"
        "</channel></rss>").encode(), "application/rss+xml")
    report = follow([site.base + "/feed.xml"], settings_for(tmp_path, site), once=True)[0]
    assert len(report.added) == 2 and report.unlinked == 1
    assert site.hits("/news/a2") == 1


def test_the_command_names_each_rejected_article_and_fails_when_no_source_could_be_polled(
        tmp_path: Path, site: NewsSite) -> None:
    """A rejected page is fetched once, so its reason was seen only in the store's tables; and a
    `--once` run where every source failed exited 0, which a cron job read as success."""
    from click.testing import CliRunner

    from storylens.cli import cli

    publish(site, "/a1")
    site.page("/notes.txt", b"plain text, not a page", "text/plain")
    site.page("/feed.xml", rss(site.base, [("/a1", "One", None), ("/notes.txt", "Notes", None)]), "application/rss+xml")
    sources = tmp_path / "sources.txt"
    sources.write_text(site.base + "/feed.xml\n")
    env = {"STORYLENS_ALLOW_PRIVATE_HOSTS": site.hostport, "STORYLENS_FETCH_HOST_DELAY": "0"}
    db = str(tmp_path / "f.db")
    polled = CliRunner().invoke(cli, ["--db", db, "follow", str(sources), "--once"], env=env)
    assert polled.exit_code == 0, polled.output
    assert f"rejected {site.base}/notes.txt: " in polled.output and "5 words" in polled.output  # too short
    sources.write_text(site.base + "/missing-feed.xml\n")
    failed = CliRunner().invoke(cli, ["--db", db, "follow", str(sources), "--once"], env=env)
    assert failed.exit_code == 1 and "1 failed" in failed.output


def test_a_plain_text_page_is_read_as_a_text_file_is(tmp_path: Path, site: NewsSite) -> None:
    site.page("/notes.txt", b"Ferry strike ends\n\nMarch 19, 2025\n\nThe ferry strike at Calloway ended on Wednesday, "
              b"the union said, after three weeks of talks with the port authority.\n", "text/plain; charset=utf-8")
    report = api.ingest([site.base + "/notes.txt"], settings=settings_for(tmp_path, site))
    assert len(report.added) == 1 and not report.rejected
    with SQLiteStore(settings_for(tmp_path, site).db) as store:
        (stored,) = store.articles()
    assert stored.title == "Ferry strike ends" and stored.url == f"{site.base}/notes.txt"
