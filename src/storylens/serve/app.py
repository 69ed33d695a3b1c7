"""The FastAPI application: a JSON API under /api and server-rendered pages over the store.

Pages are Jinja2 templates with autoescaping on for every template, and a Content-Security-Policy
that allows scripts from this server only, so text from an article can neither break out of its
element nor run. Writes (POST /api/articles) need the configured bearer token; with no token set
the API is read-only. Blocking work (SQLite, the NLP models, ingest) runs in the thread pool,
never on the event loop: the endpoints that do it are plain `def`, and the one `async def` (which
must read the body) hands the ingest to the pool.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool

from storylens import __version__, api, config
from storylens.analyze import analyze
from storylens.compare.export import citation
from storylens.errors import InputError, NotFoundError
from storylens.ingest.files import parse_records
from storylens.model import Analysis, Article, SourceState, Story, iso
from storylens.serve import errors, views
from storylens.serve.data import Comparisons, Listings, Pages, Stores, Writer, with_retries
from storylens.serve.errors import ApiError
from storylens.store import search
from storylens.store.base import StoryPage, StoryQuery

HERE = Path(str(resources.files("storylens") / "serve"))
ANALYSIS_CACHE = 256  # analysed articles kept per process for article pages
Sort = Literal["coverage", "recent", "size"]
SORT_HELP = "coverage: most outlets first, then most recent; recent: newest first; size: most articles first"
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")


def create_app(settings: config.Settings | None = None) -> FastAPI:
    s = settings or config.load()
    stores = Stores(s.db)
    stores.get()  # fail at start-up, not on the first request, when the store cannot be opened
    comparisons = Comparisons(stores, Writer(s.db), s)
    pages = Pages()
    listings = Listings(s.db)
    analyses: OrderedDict[str, Analysis] = OrderedDict()
    lock = threading.Lock()
    templates = page_templates()

    app = FastAPI(title="storylens", version=__version__,
                  description="How every outlet tells the same news story: stories, comparisons, quotes.",
                  # Swagger UI and ReDoc load their scripts from a CDN, which the CSP (and offline
                  # machines) refuse; the OpenAPI description itself is served at /openapi.json.
                  docs_url=None, redoc_url=None)
    app.state.comparisons = comparisons
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    errors.install(app, templates, errors.path_scrubber(s.db))
    app.add_middleware(errors.TrustedHosts, allowed_hosts=trusted_hosts(s))
    app.add_middleware(errors.SecurityHeaders)  # added last: the outermost, so refusals get it too

    # -- data -----------------------------------------------------------------------------------
    def story_query(q: str | None, entity: str | None, outlet: str | None, since: date | None,
                    until: date | None, sort: Sort, page: int, per_page: int) -> StoryPage:
        query = StoryQuery(text=_words(q), entity=_words(entity), outlet=_words(outlet), since=since,
                           until=until, sort=sort, limit=per_page, offset=(page - 1) * per_page)
        return with_retries(lambda: stores.get().story_page(query))

    def story(story_id: str, listed: str = "GET /api/stories lists them") -> Story:
        try:
            return with_retries(lambda: stores.get().story(story_id))
        except NotFoundError:
            raise ApiError(404, "not_found", f"no story {story_id!r}; {listed}") from None

    def article(article_id: str) -> Article:
        try:
            return with_retries(lambda: stores.get().article(article_id))
        except NotFoundError:
            raise ApiError(404, "not_found", f"no article {article_id!r}; a story lists its articles") from None

    def comparison(story_id: str) -> tuple[Story, dict[str, Any]]:
        found = story(story_id)
        return found, _public_report(with_retries(lambda: comparisons.get(found)))

    def analysis_of(article: Article) -> Analysis:
        with lock:
            if article.id in analyses:
                analyses.move_to_end(article.id)
                return analyses[article.id]
        result = analyze(article, dayfirst=s.dayfirst)
        with lock:
            analyses[article.id] = result
            while len(analyses) > ANALYSIS_CACHE:
                analyses.popitem(last=False)
        return result

    # -- JSON API -------------------------------------------------------------------------------
    @app.get("/api/health", tags=["meta"])
    def health() -> dict[str, Any]:
        return {"status": "ok", "version": __version__, "writable": bool(s.serve_token)}

    @app.get("/api/stories", tags=["stories"])
    def list_stories(
        q: Annotated[str | None, Query(max_length=200, description="Words in a title, outlet or body")] = None,
        entity: Annotated[str | None, Query(max_length=200, description="A name mentioned in the story")] = None,
        outlet: Annotated[str | None, Query(max_length=200, description="An outlet that covered it")] = None,
        since: Annotated[date | None, Query(description="Coverage on or after this day")] = None,
        until: Annotated[date | None, Query(description="Coverage on or before this day")] = None,
        sort: Annotated[Sort, Query(description=SORT_HELP)] = "coverage",
        page: Annotated[int, Query(ge=1, le=100_000)] = 1,
        per_page: Annotated[int, Query(ge=1, le=200)] = s.page_size,
    ) -> dict[str, Any]:
        def listing() -> dict[str, Any]:
            total, found, exact = story_query(q, entity, outlet, since, until, sort, page, per_page)
            return {"total": total, "total_exact": exact, "page": page, "per_page": per_page, "sort": sort,
                    "stories": [st.to_dict() for st in found]}

        return listings.get(("api", q, entity, outlet, since, until, sort, page, per_page), listing)

    # Routes with a suffix come before the bare one: an id may contain "/" (`:path`).
    @app.get("/api/stories/{story_id:path}/comparison", tags=["stories"])
    def get_comparison(story_id: str) -> dict[str, Any]:
        return comparison(story_id)[1]

    @app.get("/api/stories/{story_id:path}/quotes", tags=["stories"])
    def get_quotes(story_id: str) -> dict[str, Any]:
        report = comparison(story_id)[1]
        return {"quotes": report["quotes"],
                "by_speaker": [{"speaker": name, "variants": [views.variant_json(v) for v in variants]}
                               for name, variants in views.quotes_by_speaker(report)]}

    @app.get("/api/stories/{story_id:path}/timeline", tags=["stories"])
    def get_timeline(story_id: str) -> dict[str, Any]:
        return {"timeline": comparison(story_id)[1]["timeline"]}

    @app.get("/api/stories/{story_id:path}/digest", tags=["stories"])
    def get_digest(story_id: str) -> dict[str, Any]:
        return {"digest": comparison(story_id)[1]["digest"]}

    @app.get("/api/stories/{story_id:path}", tags=["stories"])
    def get_story(story_id: str) -> dict[str, Any]:
        found = story(story_id)
        data = found.to_dict()
        members = with_retries(lambda: stores.get().articles(found.article_ids))
        data["articles"] = [_article_summary(a, found) for a in members]
        return data

    @app.get("/api/articles/{article_id:path}", tags=["articles"])
    def get_article(article_id: str) -> dict[str, Any]:
        data = article(article_id).to_dict()
        data.pop("input", None)  # where the file was read on the server is nobody else's business
        data["story"] = with_retries(lambda: stores.get().story_id_of(article_id))
        return data

    @app.post("/api/articles", tags=["articles"], status_code=201)
    async def post_articles(request: Request) -> dict[str, Any]:
        """Ingest articles: one JSON object or a list, with `html` or `text`, and optional title,
        url, source (the outlet), published and id, as in a JSONL input line."""
        _check_token(request, s.serve_token)
        body = await _read_bounded(request, int(s.max_input_mb * 2**20))
        return await run_in_threadpool(ingest_body, body)

    def ingest_body(body: bytes) -> dict[str, Any]:
        """Parse, clean, store and place the posted articles (in the thread pool: all of it blocks)."""
        try:
            documents = parse_records(body)  # as a JSONL file's lines are read
        except InputError as err:
            raise ApiError(400, "bad_json", err.cause) from err
        report = with_retries(lambda: api.ingest_documents(documents, s))
        return {"added": report.added, "already_stored": report.already_stored,
                "rejected": [{"input": r.input, "reason": r.reason} for r in report.rejected],
                "stories": sorted(report.stories_touched)}

    # -- pages ----------------------------------------------------------------------------------
    def html(name: str, **context: Any) -> str:
        return templates.get_template(name).render(**context)

    def render(name: str, **context: Any) -> HTMLResponse:
        return HTMLResponse(html(name, **context))

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> RedirectResponse:
        return RedirectResponse("/static/favicon.svg", status_code=301)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def story_list(q: Annotated[str | None, Query(max_length=200)] = None,
                   sort: Annotated[Sort, Query()] = "coverage",
                   page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> HTMLResponse:
        return HTMLResponse(listings.get(("page", q, sort, page), lambda: story_list_html(q, sort, page)))

    def story_list_html(q: str | None, sort: Sort, page: int) -> str:
        total, found, exact = story_query(q, None, None, None, None, sort, page, s.page_size)
        days = with_retries(lambda: stores.get().story_days([st.id for st in found]))
        rows = [{"story": st, "size": len(st.article_ids), "span": _span(st),
                 "spark": views.sparkline(days.get(st.id, []))} for st in found]
        return html("stories.html", rows=rows, q=q or "", sort=sort, page=page, total=total, exact=exact,
                    searched=search.SEARCH_ARTICLES, pages=max(1, -(-total // s.page_size)))

    @app.get("/stories/{story_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(story_id: str) -> HTMLResponse:
        found = story(story_id, "the list of stories on the first page shows them")
        return HTMLResponse(pages.get(found, lambda: story_html(found)))

    def story_html(found: Story) -> str:
        report = _public_report(with_retries(lambda: comparisons.get(found)))
        columns, rows = views.coverage_matrix(report)
        return html("story.html", story=found, report=report, span=_span(found),
                    names=views.outlet_names(report), columns=columns, rows=rows,
                    cards=views.discrepancy_cards(report), speakers=views.quotes_by_speaker(report),
                    copies=views.copies_left_out(report), fold=views.FOLD)

    @app.get("/api/sources", tags=["sources"])
    def list_sources() -> dict[str, Any]:
        """The sources `storylens follow` polls, with their health."""
        return {"sources": [_source_json(src) for src in with_retries(lambda: stores.get().sources())]}

    @app.get("/sources", response_class=HTMLResponse, include_in_schema=False)
    def sources_page() -> HTMLResponse:
        found = with_retries(lambda: stores.get().sources())
        return render("sources.html", sources=[_source_json(src) for src in found])

    @app.get("/articles/{article_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(article_id: str) -> HTMLResponse:
        found = article(article_id)
        story_id = with_retries(lambda: stores.get().story_id_of(found.id))
        analysis = analysis_of(found)
        return render("article.html", article=found, paragraphs=views.marked_paragraphs(analysis),
                      quotes=analysis.quotes, published=iso(found.published), story_id=story_id)

    # The libraries a first story view needs are imported after start-up, off the request path.
    threading.Thread(target=import_heavy_libraries, name="storylens-warm-up", daemon=True).start()
    return app


def import_heavy_libraries() -> None:
    """What `create_app` leaves out of start-up (scikit-learn for comparisons, trafilatura for
    posted pages: seconds each on a busy machine), imported in the background once the server
    is up, so that neither delays listening nor the first view of a story."""
    import sklearn.feature_extraction.text  # noqa: F401

    import storylens.clean.html  # noqa: F401


def page_templates() -> Environment:
    """The page templates, every one autoescaped."""
    templates = Environment(loader=FileSystemLoader(HERE / "templates"),
                            autoescape=select_autoescape(default=True, default_for_string=True),
                            auto_reload=False)  # they ship with the package: no stat() of each file per page
    templates.globals.update(version=__version__)
    templates.filters["path_id"] = path_id
    templates.globals["citation"] = citation
    return templates


def trusted_hosts(settings: config.Settings) -> list[str]:
    """Host names the server answers to: the setting's, and the address it listens on."""
    names = [h.strip() for h in settings.serve_trusted_hosts.split(",") if h.strip()]
    if settings.serve_host not in ("", "0.0.0.0", "::"):
        names.append(f"[{settings.serve_host}]" if ":" in settings.serve_host else settings.serve_host)
    return names or list(LOOPBACK_NAMES)


def path_id(value: str) -> str:
    """An id as one URL path segment: every reserved character encoded, "/" included, and the
    dots of "." and ".." too, which a browser would otherwise resolve as path steps."""
    encoded = quote(value, safe="")
    return encoded.replace(".", "%2E") if set(value) <= {"."} else encoded


def _source_json(state: SourceState) -> dict[str, Any]:
    return {"url": state.url, "kind": state.kind, "last_poll": iso(state.last_poll),
            "last_success": iso(state.last_success), "next_poll": iso(state.next_poll),
            "failures": state.failures, "last_error": state.last_error, "articles_found": state.articles_found}


def _words(value: str | None) -> str | None:
    return value.strip() or None if value else None


def _public_report(report: dict[str, Any]) -> dict[str, Any]:
    """The report without the server-side input path of each article (and of each copy left out)."""
    public = {**report, "articles": [{k: v for k, v in a.items() if k != "input"} for a in report.get("articles", [])]}
    if "copies" in report:
        public["copies"] = [{k: v for k, v in c.items() if k != "input"} for c in report["copies"]]
    return public


def _span(story: Story) -> str:
    if not story.first_seen:
        return "undated"
    first, last = story.first_seen.date(), (story.last_seen or story.first_seen).date()
    return first.isoformat() if first == last else f"{first.isoformat()} – {last.isoformat()}"


def _article_summary(article: Article, story: Story) -> dict[str, Any]:
    return {"id": article.id, "title": article.title, "outlet": article.outlet, "url": article.url,
            "published": iso(article.published), "duplicate_of": story.duplicates.get(article.id)}


def _check_token(request: Request, token: str) -> None:
    if not token:
        raise ApiError(403, "read_only", "this server takes no writes: start it with STORYLENS_SERVE_TOKEN set")
    given = request.headers.get("authorization", "")
    if not secrets.compare_digest(given.encode(), f"Bearer {token}".encode()):
        raise ApiError(401, "unauthorized", "send the configured token as 'Authorization: Bearer <token>'")


async def _read_bounded(request: Request, limit: int) -> bytes:
    """The body, refused as soon as it passes `limit` bytes (whatever Content-Length claims)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise ApiError(413, "too_large", f"the body is over {limit} bytes (max_input_mb)")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(413, "too_large", f"the body is over {limit} bytes (max_input_mb)")
        chunks.append(chunk)
    return b"".join(chunks)
