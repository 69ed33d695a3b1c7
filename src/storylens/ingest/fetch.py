"""Fetch pages and feeds over HTTP: safely (an SSRF guard), politely (robots.txt, one request at
a time per host with a minimum gap, an identifying User-Agent, backoff), and cheaply (conditional
GET with the validators kept in the store, a size cap checked while the body streams).

The guard is written here because no HTTP client does it: the host is resolved once, every
address it resolves to must be public (not loopback, private, link-local — 169.254.169.254, the
cloud metadata service —, multicast, reserved or unspecified, nor the IPv4-mapped IPv6 form of one
of those), and the connection goes to the address that was checked (the URL is rewritten to the
IP; Host and TLS SNI/verification keep the name), so a DNS answer cannot change between the check
and the connection. Redirects are followed by hand, each hop checked again.
"""

from __future__ import annotations

import email.utils
import ipaddress
import random
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from storylens import __version__, config
from storylens.errors import StorylensError

REDIRECTS = {301, 302, 303, 307, 308}
RETRYABLE = {429, 500, 502, 503, 504}
PAGE_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml",
              "text/xml", "application/feed+json", "application/json", "text/plain", "text/html")
MAX_RETRY_AFTER = 300.0


class FetchError(StorylensError):
    """A URL that could not be fetched; `retry` says whether trying later may help."""

    def __init__(self, url: str, cause: str, retry: bool = False, retry_after: float | None = None) -> None:
        super().__init__(f"{url}: {cause}")
        self.url, self.cause, self.retry, self.retry_after = url, cause, retry, retry_after


@dataclass
class Response:
    url: str               # the final URL, after redirects
    status: int            # 200, or 304 when the validators matched
    content: bytes
    content_type: str
    etag: str | None = None
    last_modified: str | None = None

    @property
    def text(self) -> str:
        from storylens.ingest.decode import decode

        return decode(self.content, self.url, is_html=self.content_type.startswith(PAGE_TYPES))


Resolver = Callable[[str, int], list[str]]


def system_resolver(host: str, port: int) -> list[str]:
    try:
        return sorted({str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)})
    except socket.gaierror as err:
        raise FetchError(host, f"cannot resolve the host name: {err.strerror}", retry=True) from err


@dataclass
class Guard:
    """Which addresses may be fetched. `allowed` comes from the `allow_private_hosts` setting:
    `*` allows everything, else entries `host`, `host:port` (matched against the URL as written)
    or CIDR networks (matched against the resolved address)."""

    allowed: tuple[str, ...] = ()
    resolver: Resolver = system_resolver

    @classmethod
    def from_setting(cls, value: str, resolver: Resolver = system_resolver) -> Guard:
        return cls(tuple(v.strip().lower() for v in value.split(",") if v.strip()), resolver)

    def address_for(self, url: str) -> str:
        """The checked address to connect to for `url`, or FetchError saying why not."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(url, "only http and https URLs can be fetched")
        host, port = parts.hostname.lower(), parts.port or (443 if parts.scheme == "https" else 80)
        addresses = self.resolver(host, port)
        if not addresses:
            raise FetchError(url, "the host name resolves to no address", retry=True)
        if "*" in self.allowed or host in self.allowed or f"{host}:{port}" in self.allowed:
            return addresses[0]
        for address in addresses:
            reason = non_public(address)
            if reason and not self._network_allowed(address):
                raise FetchError(url, f"refused: {host} resolves to {address}, a {reason} address "
                                 "(set allow_private_hosts to follow an intranet source)")
        return addresses[0]

    def _network_allowed(self, address: str) -> bool:
        ip = ipaddress.ip_address(address)
        for entry in self.allowed:
            try:
                if ip in ipaddress.ip_network(entry, strict=False):
                    return True
            except ValueError:
                continue
        return False


def non_public(address: str) -> str | None:
    """Why an address must not be fetched from a server, or None when it is public."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for kind, test in (("loopback", ip.is_loopback), ("link-local", ip.is_link_local),
                       ("private", ip.is_private), ("multicast", ip.is_multicast),
                       ("reserved", ip.is_reserved), ("unspecified", ip.is_unspecified)):
        if test:
            return kind
    return None if ip.is_global else "non-global"


@dataclass
class Politeness:
    """One request at a time per host, at least `gap` seconds apart (robots.txt's Crawl-delay
    raises it). Thread-safe, so several sources can be polled at once without crowding a host."""

    gap: float
    _last: dict[str, float] = field(default_factory=dict)
    _locks: dict[str, threading.Lock] = field(default_factory=dict)
    _guard: threading.Lock = field(default_factory=threading.Lock)
    in_flight: dict[str, int] = field(default_factory=dict)
    most_in_flight: int = 0
    smallest_gap: float = float("inf")

    def lock(self, host: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(host, threading.Lock())

    def wait(self, host: str, gap: float | None = None) -> None:
        wanted = max(self.gap, gap or 0.0)
        last = self._last.get(host)
        if last is not None:
            delay = last + wanted - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            self.smallest_gap = min(self.smallest_gap, time.monotonic() - last)

    def started(self, host: str) -> None:
        with self._guard:
            self.in_flight[host] = self.in_flight.get(host, 0) + 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight[host])

    def finished(self, host: str) -> None:
        with self._guard:
            self.in_flight[host] -= 1
            self._last[host] = time.monotonic()


class Fetcher:
    """HTTP GETs with every rule above; one instance per run (it keeps robots.txt and host gaps)."""

    def __init__(self, settings: config.Settings, guard: Guard | None = None,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.settings = settings
        self.guard = guard or Guard.from_setting(settings.allow_private_hosts)
        self.polite = Politeness(settings.fetch_host_delay)
        self.max_bytes = int(settings.max_input_mb * 2**20)
        self.user_agent = settings.user_agent or f"storylens/{__version__} (+https://github.com/storylens)"
        timeout = httpx.Timeout(settings.fetch_read_timeout, connect=settings.fetch_connect_timeout)
        self.client = httpx.Client(timeout=timeout, follow_redirects=False, transport=transport,
                                   headers={"User-Agent": self.user_agent})
        self._robots: dict[str, Any] = {}

    def close(self) -> None:
        self.client.close()

    def get(self, url: str, accept: tuple[str, ...] = PAGE_TYPES, etag: str | None = None,
            last_modified: str | None = None) -> Response:
        """GET with retries on 429/5xx and timeouts (exponential backoff with jitter, Retry-After
        honoured), robots.txt obeyed, and the content type checked against `accept`."""
        attempts = self.settings.fetch_retries + 1
        for attempt in range(attempts):
            try:
                return self._follow(url, accept, etag, last_modified)
            except FetchError as err:
                if not err.retry or attempt + 1 == attempts:
                    raise
                wait = err.retry_after if err.retry_after is not None else self._backoff(attempt)
                time.sleep(min(wait, MAX_RETRY_AFTER))
        raise AssertionError("unreachable")

    def _backoff(self, attempt: int) -> float:
        base = self.settings.fetch_backoff * 2**attempt
        return base + random.uniform(0, base)  # full jitter: pollers that failed together spread out

    def _follow(self, url: str, accept: tuple[str, ...], etag: str | None, last_modified: str | None) -> Response:
        for _ in range(self.settings.fetch_max_redirects + 1):
            self._obey_robots(url)
            response = self._request(url, etag, last_modified)
            if response.status in REDIRECTS:
                location = response.content.decode("latin-1")
                if not location:
                    raise FetchError(url, f"HTTP {response.status} without a Location")
                url = urljoin(url, location)
                continue
            if response.status == 304:
                return response
            kind = response.content_type
            if kind and not kind.startswith(accept):
                raise FetchError(url, f"unexpected content type {kind!r}")
            return response
        raise FetchError(url, f"more than {self.settings.fetch_max_redirects} redirects")

    def _request(self, url: str, etag: str | None, last_modified: str | None) -> Response:
        address = self.guard.address_for(url)
        parts = urlsplit(url)
        host = parts.hostname or ""
        origin = parts.netloc.rsplit("@", 1)[-1].lower()  # politeness is per origin (host and port)
        netloc = f"[{address}]" if ":" in address else address
        if parts.port:
            netloc += f":{parts.port}"
        pinned = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
        headers = {"Host": parts.netloc.rsplit("@", 1)[-1]}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        with self.polite.lock(origin):
            self.polite.wait(origin, self._crawl_delay(f"{parts.scheme}://{parts.netloc}"))
            self.polite.started(origin)
            try:
                return self._stream(url, pinned, headers, host)
            finally:
                self.polite.finished(origin)

    def _stream(self, url: str, pinned: str, headers: dict[str, str], host: str) -> Response:
        extensions = {"sni_hostname": host} if url.startswith("https:") else {}
        try:
            with self.client.stream("GET", pinned, headers=headers, extensions=extensions) as reply:
                status = reply.status_code
                if status in REDIRECTS:
                    return Response(url, status, reply.headers.get("location", "").encode("latin-1"), "")
                if status in RETRYABLE:
                    raise FetchError(url, f"HTTP {status}", retry=True,
                                     retry_after=_retry_after(reply.headers.get("retry-after")))
                if status == 304:
                    return Response(url, 304, b"", "", reply.headers.get("etag"), reply.headers.get("last-modified"))
                if status != 200:
                    raise FetchError(url, f"HTTP {status}")
                declared = int(reply.headers.get("content-length") or 0)
                if declared > self.max_bytes:
                    raise FetchError(url, f"larger than {self.max_bytes / 2**20:.0f} MiB ({declared} bytes declared)")
                body = bytearray()
                for chunk in reply.iter_bytes():
                    body += chunk
                    if len(body) > self.max_bytes:
                        raise FetchError(url, f"larger than {self.max_bytes / 2**20:.0f} MiB: stopped reading")
                kind = reply.headers.get("content-type", "").split(";")[0].strip().lower()
                return Response(url, 200, bytes(body), kind, reply.headers.get("etag"),
                                reply.headers.get("last-modified"))
        except httpx.TimeoutException as err:
            raise FetchError(url, f"timed out ({type(err).__name__})", retry=True) from err
        except httpx.TransportError as err:
            raise FetchError(url, f"cannot connect: {err}", retry=True) from err

    # -- robots.txt --------------------------------------------------------------------------------
    def _obey_robots(self, url: str) -> None:
        robots = self._robots_for(url)
        if robots is not None and not robots.can_fetch(url, self.user_agent):
            raise FetchError(url, "disallowed by the site's robots.txt")

    def _crawl_delay(self, root: str) -> float | None:
        robots = self._robots.get(root)
        delay = robots.crawl_delay(self.user_agent) if robots is not None else None
        return float(delay) if delay else None

    def _robots_for(self, url: str) -> Any:
        from protego import Protego

        parts = urlsplit(url)
        root = f"{parts.scheme}://{parts.netloc}"
        if root not in self._robots:
            self._robots[root] = None  # while fetching robots.txt itself
            try:
                reply = self._request(root + "/robots.txt", None, None)
                found = reply.content.decode("utf-8", "replace") if reply.status == 200 else ""
            except FetchError as err:
                if "refused" in err.cause:
                    raise
                found = ""  # no robots.txt, or none reachable: everything is allowed
            self._robots[root] = Protego.parse(found)
        return self._robots[root]


def _retry_after(value: str | None) -> float | None:
    """Retry-After in seconds or as an HTTP date (RFC 9110)."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
