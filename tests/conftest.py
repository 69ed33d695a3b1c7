"""Shared fixtures. Tests that need ../shared (seeds, scorers, dev data) skip where it is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

from storylens import api
from storylens.config import Settings

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def shared_path(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared evaluation folder sits beside the repository in CI only")
    return path


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(db=str(tmp_path / "test.db"))


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The demo corpus ingested once into a store shared by the tests that only read it."""
    s = Settings(db=str(tmp_path_factory.mktemp("demo") / "demo.db"))
    api.ingest([api.demo_corpus()], settings=s)
    return s


@pytest.fixture(scope="session")
def demo_gold() -> dict:
    return api.demo_gold()
