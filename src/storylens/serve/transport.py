"""uvicorn's HTTP protocol with Nagle's algorithm off on every connection, however it was accepted.

With `--workers N` uvicorn binds the listening socket itself with `proto` 0; accepted sockets
inherit it, and asyncio turns TCP_NODELAY on only for sockets that say `IPPROTO_TCP`
(uvicorn issue #3149, open in the pinned 0.54). Nagle then holds a response's body until the
client acknowledges its headers, and the client delays that acknowledgement: every request on a
kept-alive connection after the first took 44 ms on loopback, whatever its page cost (measured
with wrk against `storylens serve --workers 2`: 22.8 requests/s on one connection for a 2 ms
page). Setting the option where the connection is made fixes every way of serving.
"""

from __future__ import annotations

import asyncio
import socket

from uvicorn.protocols.http.h11_impl import H11Protocol

PROTOCOL = "storylens.serve.transport:NoDelayH11Protocol"  # as uvicorn's `http` setting names it


class NoDelayH11Protocol(H11Protocol):
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        disable_nagle(transport.get_extra_info("socket"))
        super().connection_made(transport)


def disable_nagle(sock: socket.socket | None) -> None:
    """TCP_NODELAY on a TCP socket (a Unix socket has no Nagle to turn off)."""
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
