"""A fixture news site: a real HTTP server on 127.0.0.1 whose routes the tests change between
polls, and which logs every request (path, headers, time) and the most requests in flight."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Reply = tuple[int, dict[str, str], bytes]
Route = Callable[[dict[str, str]], Reply]

ARTICLE = """<!doctype html><html><head><title>{title}</title>{canonical}</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>{title}</h1>
<p>{title}: officials in the harbour town of Port Averly confirmed the news on a grey morning, and
residents gathered outside the town hall to hear what would happen next.</p>
<p>The council said that {n} families had been contacted and that a full account would follow
within the week, according to a statement read out by the deputy mayor.</p>
<p>"We will publish everything we know," the deputy mayor said, adding that the inquiry would
report to the council before the end of the month.</p>
</article><footer>Copyright The Fixture Gazette</footer></body></html>"""


def article(title: str, n: int = 3, canonical: str | None = None) -> bytes:
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return ARTICLE.format(title=title, n=n, canonical=link).encode()


def rss(base: str, items: list[tuple[str, str, str | None]]) -> bytes:
    """(path, title, RFC 822 date or None) items as an RSS 2.0 feed."""
    body = "".join(
        f"<item><title>{t}</title><link>{base}{p}</link>{f'<pubDate>{d}</pubDate>' if d else ''}</item>"
        for p, t, d in items)
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Fixture</title>'
            f"<link>{base}/</link>{body}</channel></rss>").encode()


@dataclass
class NewsSite:
    routes: dict[str, Route] = field(default_factory=dict)
    log: list[tuple[str, dict[str, str], float]] = field(default_factory=list)
    in_flight: int = 0
    most_in_flight: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> NewsSite:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                headers = {k.lower(): v for k, v in self.headers.items()}
                with site._lock:
                    site.log.append((self.path, headers, time.monotonic()))
                    site.in_flight += 1
                    site.most_in_flight = max(site.most_in_flight, site.in_flight)
                try:
                    route = site.routes.get(self.path.split("?")[0])
                    status, extra, body = route(headers) if route else (404, {}, b"not found")
                    self.send_response(status)
                    for key, value in {"Content-Type": "text/html; charset=utf-8", **extra}.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                finally:
                    with site._lock:
                        site.in_flight -= 1

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def hostport(self) -> str:
        return f"127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def hits(self, path: str) -> int:
        return sum(1 for p, _, _ in self.log if p.split("?")[0] == path)

    def page(self, path: str, body: bytes, kind: str = "text/html; charset=utf-8") -> None:
        self.routes[path] = lambda _h: (200, {"Content-Type": kind}, body)
