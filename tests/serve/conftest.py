"""Fixtures of the serve tests: a store with hostile articles, and a real server on loopback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from storylens import api
from storylens.config import Settings, env_name
from storylens.model import RawDocument

PAYLOAD = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'
HOSTILE_BODY = (
    "Officials in Marrowby confirmed the harbour crane collapse on Tuesday and closed the quay.\n\n"
    'Harbour master Ines Valdor said: "We will reopen the quay {p} within the week."\n\n'
    "Four workers were treated for minor injuries, the port authority said."
)


def hostile_documents() -> list[RawDocument]:
    """Two reports of one event whose title, outlet, text and quotes carry script-injection payloads."""
    return [
        RawDocument(source=f"hostile-{n}", kind="clean", content=HOSTILE_BODY.format(p=PAYLOAD if n else ""),
                    title=f"Crane collapse closes Marrowby quay {PAYLOAD}", outlet=f"Outlet {n} {PAYLOAD}")
        for n in range(2)
    ]


@pytest.fixture(scope="session")
def hostile_store(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    s = Settings(db=str(tmp_path_factory.mktemp("hostile") / "hostile.db"), serve_token="s3cret-token")
    report = api.ingest_documents(hostile_documents(), s)
    assert len(report.added) == 2 and len(report.stories_touched) == 1
    return s


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(settings: Settings, workers: int = 1) -> Iterator[str]:
    """`storylens serve` in a child process on a free loopback port; yields its base address."""
    port = _free_port()
    env = {env_name("db"): settings.db, env_name("serve_token"): settings.serve_token}
    cmd = [sys.executable, "-m", "storylens", "serve", "--host", "127.0.0.1", "--port", str(port),
           "--workers", str(workers)]
    proc = subprocess.Popen(cmd, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {proc.stdout.read().decode() if proc.stdout else ''}")
        try:
            if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.3)
    else:
        proc.kill()
        raise RuntimeError("server did not answer within 120 s")
    try:
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture(scope="session")
def demo_server(demo_store: Settings) -> Iterator[str]:
    yield from start_server(demo_store)


@pytest.fixture(scope="session")
def hostile_server(hostile_store: Settings) -> Iterator[str]:
    yield from start_server(hostile_store)
