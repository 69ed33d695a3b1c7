"""The FastAPI application: a JSON API under /api and server-rendered pages over the store.

Pages are Jinja2 templates with autoescaping on for every template, and a Content-Security-Policy
that allows scripts from this server only, so text from an article can neither break out of its
element nor run. Writes (POST /api/articles) need the configured bearer token; with no token set
the API is read-only.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException

from storylens import __version__, api, config
from storylens.analyze import analyze
from storylens.errors import InputError, NotFoundError, StorylensError
from storylens.ingest.files import parse_records
from storylens.model import Analysis, Article, SourceState, Story, iso
from storylens.serve import views
from storylens.store import SQLiteStore

HERE = Path(str(resources.files("storylens") / "serve"))
ANALYSIS_CACHE = 256  # analysed articles kept per process for article pages
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


class ApiError(Exception):
    """Any failure the API reports, in the one error shape: {"error": {"status", "code", "message"}}."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class Stores:
    """One SQLite connection per worker thread: sqlite3 connections must not be shared across threads."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._local = threading.local()

    def get(self) -> SQLiteStore:
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._local.store = SQLiteStore(self.path)
        return store


def create_app(settings: config.Settings | None = None) -> FastAPI:
    s = settings or config.load()
    stores = Stores(s.db)
    stores.get()  # fail at start-up, not on the first request, when the store cannot be opened
    analyses: OrderedDict[str, Analysis] = OrderedDict()
    lock = threading.Lock()
    templates = Environment(loader=FileSystemLoader(HERE / "templates"),
                            autoescape=select_autoescape(default=True, default_for_string=True))
    templates.globals.update(version=__version__)

    app = FastAPI(title="storylens", version=__version__,
                  description="How every outlet tells the same news story: stories, comparisons, quotes.",
                  # Swagger UI and ReDoc load their scripts from a CDN, which the CSP (and offline
                  # machines) refuse; the OpenAPI description itself is served at /openapi.json.
                  docs_url=None, redoc_url=None)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    # -- errors: one shape for every failure ---------------------------------------------------
    def error_response(request: Request, status: int, code: str, message: str) -> Response:
        if request.url.path.startswith("/api"):
            return JSONResponse({"error": {"status": status, "code": code, "message": message}}, status)
        page = templates.get_template("error.html").render(status=status, code=code, message=message)
        return HTMLResponse(page, status)

    @app.exception_handler(ApiError)
    async def on_api_error(request: Request, err: ApiError) -> Response:
        return error_response(request, err.status, err.code, err.message)

    @app.exception_handler(NotFoundError)
    async def on_not_found(request: Request, err: NotFoundError) -> Response:
        return error_response(request, 404, "not_found", str(err))

    @app.exception_handler(StorylensError)
    async def on_storylens_error(request: Request, err: StorylensError) -> Response:
        return error_response(request, 400, "bad_request", str(err))

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(request: Request, err: StarletteHTTPException) -> Response:
        code = {404: "not_found", 405: "method_not_allowed"}.get(err.status_code, "http_error")
        return error_response(request, err.status_code, code, str(err.detail))

    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, err: RequestValidationError) -> Response:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in err.errors())
        return error_response(request, 422, "invalid_request", problems)

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    # -- data -----------------------------------------------------------------------------------
    def find_stories(q: str | None, entity: str | None, outlet: str | None,
                     since: date | None, until: date | None) -> list[Story]:
        store = stores.get()
        found = sorted(store.stories(), key=_newest_largest)
        for term in filter(None, [q, entity]):
            matching = store.stories_matching(term.strip())
            found = [st for st in found if st.id in matching]
        if outlet:
            found = [st for st in found if any(o.casefold() == outlet.casefold() for o in st.outlets)]
        if since:
            found = [st for st in found if st.last_seen is None or st.last_seen.date() >= since]
        if until:
            found = [st for st in found if st.first_seen is None or st.first_seen.date() <= until]
        return found

    def comparison(story_id: str) -> tuple[Story, dict[str, Any]]:
        return api.compare_story(story_id, settings=s)

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
        q: Annotated[str | None, Query(max_length=200, description="Text in a title, outlet or body")] = None,
        entity: Annotated[str | None, Query(max_length=200, description="A name mentioned in the story")] = None,
        outlet: Annotated[str | None, Query(max_length=200, description="An outlet that covered it")] = None,
        since: Annotated[date | None, Query(description="Coverage on or after this day")] = None,
        until: Annotated[date | None, Query(description="Coverage on or before this day")] = None,
        page: Annotated[int, Query(ge=1)] = 1,
        per_page: Annotated[int, Query(ge=1, le=200)] = s.page_size,
    ) -> dict[str, Any]:
        found = find_stories(q, entity, outlet, since, until)
        chunk = found[(page - 1) * per_page : page * per_page]
        return {"total": len(found), "page": page, "per_page": per_page,
                "stories": [st.to_dict() for st in chunk]}

    @app.get("/api/stories/{story_id}", tags=["stories"])
    def get_story(story_id: str) -> dict[str, Any]:
        store = stores.get()
        story = store.story(story_id)
        data = story.to_dict()
        data["articles"] = [_article_summary(a, story) for a in store.articles(story.article_ids)]
        return data

    @app.get("/api/stories/{story_id}/comparison", tags=["stories"])
    def get_comparison(story_id: str) -> dict[str, Any]:
        return comparison(story_id)[1]

    @app.get("/api/stories/{story_id}/quotes", tags=["stories"])
    def get_quotes(story_id: str) -> dict[str, Any]:
        report = comparison(story_id)[1]
        return {"quotes": report["quotes"],
                "by_speaker": [{"speaker": name, "variants": [v.__dict__ for v in variants]}
                               for name, variants in views.quotes_by_speaker(report)]}

    @app.get("/api/stories/{story_id}/timeline", tags=["stories"])
    def get_timeline(story_id: str) -> dict[str, Any]:
        return {"timeline": comparison(story_id)[1]["timeline"]}

    @app.get("/api/stories/{story_id}/digest", tags=["stories"])
    def get_digest(story_id: str) -> dict[str, Any]:
        return {"digest": comparison(story_id)[1]["digest"]}

    @app.get("/api/articles/{article_id}", tags=["articles"])
    def get_article(article_id: str) -> dict[str, Any]:
        article = stores.get().article(article_id)
        data = article.to_dict()
        data["removed"] = [{"text": r.text, "reason": r.reason} for r in article.removed]
        return data

    @app.post("/api/articles", tags=["articles"], status_code=201)
    async def post_articles(request: Request) -> dict[str, Any]:
        """Ingest articles: one JSON object or a list, with `html` or `text`, and optional title,
        url, source (the outlet), published and id, as in a JSONL input line."""
        _check_token(request, s.serve_token)
        body = await _read_bounded(request, int(s.max_input_mb * 2**20))
        try:
            documents = parse_records(body)  # as a JSONL file's lines are read
        except InputError as err:
            raise ApiError(400, "bad_json", err.cause) from err
        report = api.ingest_documents(documents, s)
        return {"added": report.added, "already_stored": report.already_stored,
                "rejected": [{"input": r.input, "reason": r.reason} for r in report.rejected],
                "stories": sorted(report.stories_touched)}

    # -- pages ----------------------------------------------------------------------------------
    def render(name: str, **context: Any) -> HTMLResponse:
        return HTMLResponse(templates.get_template(name).render(**context))

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def story_list(q: Annotated[str | None, Query(max_length=200)] = None,
                   page: Annotated[int, Query(ge=1)] = 1) -> HTMLResponse:
        found = find_stories(q, None, None, None, None)
        days = stores.get().story_days()
        chunk = found[(page - 1) * s.page_size : page * s.page_size]
        rows = [{"story": st, "size": len(st.article_ids), "span": _span(st),
                 "spark": views.sparkline(days.get(st.id, []))} for st in chunk]
        return render("stories.html", rows=rows, q=q or "", page=page, total=len(found),
                      pages=max(1, -(-len(found) // s.page_size)))

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(story_id: str) -> HTMLResponse:
        story, report = comparison(story_id)
        columns, rows = views.coverage_matrix(report)
        return render("story.html", story=story, report=report, span=_span(story),
                      names=views.outlet_names(report), columns=columns, rows=rows,
                      cards=views.discrepancy_cards(report), speakers=views.quotes_by_speaker(report))

    @app.get("/api/sources", tags=["sources"])
    def list_sources() -> dict[str, Any]:
        """The sources `storylens follow` polls, with their health."""
        return {"sources": [_source_json(src) for src in stores.get().sources()]}

    @app.get("/sources", response_class=HTMLResponse, include_in_schema=False)
    def sources_page() -> HTMLResponse:
        return render("sources.html", sources=[_source_json(src) for src in stores.get().sources()])

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(article_id: str) -> HTMLResponse:
        article = stores.get().article(article_id)
        analysis = analysis_of(article)
        return render("article.html", article=article, paragraphs=views.marked_paragraphs(analysis),
                      quotes=analysis.quotes, published=iso(article.published))

    return app


def _source_json(state: SourceState) -> dict[str, Any]:
    return {"url": state.url, "kind": state.kind, "last_poll": iso(state.last_poll),
            "last_success": iso(state.last_success), "next_poll": iso(state.next_poll),
            "failures": state.failures, "last_error": state.last_error, "articles_found": state.articles_found}


def _newest_largest(story: Story) -> tuple[bool, float, int]:
    """Dated stories newest first, then undated ones; larger first on a tie."""
    stamp = story.last_seen.timestamp() if story.last_seen else 0.0
    return (story.last_seen is None, -stamp, -len(story.article_ids))


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
