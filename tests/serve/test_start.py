"""`storylens serve` starts at once and says what it does without a terminal."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import uvicorn
from uvicorn.server import ServerState

from storylens import api, cli
from storylens.config import Settings
from storylens.serve import transport
from storylens.store import SQLiteStore
from tests.serve.conftest import hostile_documents, start_server


def test_serve_listens_before_comparing_anything_and_compares_on_first_view(tmp_path: Path) -> None:
    s = Settings(db=str(tmp_path / "s.db"))
    api.ingest_documents(hostile_documents(), s)
    (story,) = api.stories(settings=s)
    server = start_server(s)
    base = next(server)
    try:
        with SQLiteStore(s.db) as store:
            assert store.comparison(story.id) is None  # nothing compared before it listened
        assert httpx.get(f"{base}/stories/{story.id}", timeout=120).status_code == 200
        for _ in range(50):  # the writer thread keeps it right after the response
            with SQLiteStore(s.db) as store:
                if store.comparison(story.id) is not None:
                    break
            time.sleep(0.2)
        else:
            raise AssertionError("the comparison computed on first view was not kept")
    finally:
        server.close()


def test_progress_without_a_terminal_prints_plain_lines_with_a_total(capsys, monkeypatch) -> None:
    monkeypatch.setattr(cli, "PLAIN_PROGRESS_EVERY_S", 0.0)
    with cli._progress("comparing stories", 3) as advance:
        for _ in range(3):
            advance()
    with cli._progress("ingesting", None) as advance:
        advance(2)
    lines = capsys.readouterr().err.splitlines()
    assert "storylens: comparing stories: 1/3" in lines[0]
    assert any("comparing stories: 3/3" in line for line in lines)
    assert "ingesting: 2 done" in lines[-1] and not any("?" in line for line in lines)


def test_the_server_imports_no_heavy_library_before_it_listens() -> None:
    """Each worker imports the CLI and the app before it accepts a connection: scikit-learn,
    trafilatura, spaCy and the encoder's runtime (seconds each on a busy machine) wait for first use."""
    heavy = ("sklearn", "scipy", "trafilatura", "htmldate", "spacy", "onnxruntime", "openvino")
    probe = ("import sys, storylens.cli, storylens.serve.app; "
             f"print(' '.join(m for m in {heavy!r} if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120)
    assert done.stdout.split() == []


class _Transport(asyncio.Transport):
    def __init__(self, sock: socket.socket) -> None:
        super().__init__()
        self.sock = sock

    def get_extra_info(self, name: str, default: object = None) -> object:
        return self.sock if name == "socket" else default


async def _asgi_app(scope: dict, receive: object, send: object) -> None:
    raise AssertionError("no request is made")


def test_served_connections_have_nagle_off_even_from_a_listener_bound_without_proto() -> None:
    """uvicorn binds the `--workers N` listener with proto 0, and asyncio then leaves Nagle on
    (uvicorn #3149): each kept-alive response waited for the client's delayed acknowledgement."""
    with socket.socket() as listener:  # proto 0, as uvicorn's own bind makes it
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        with socket.create_connection(listener.getsockname()), listener.accept()[0] as accepted:
            assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0

            async def connect() -> None:
                config = uvicorn.Config(app=_asgi_app, http=transport.PROTOCOL)
                config.load()
                protocol = config.http_protocol_class(config=config, server_state=ServerState(), app_state={})
                protocol.connection_made(_Transport(accepted))

            asyncio.run(connect())
            assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
