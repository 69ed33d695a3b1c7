"""The engine interface and the in-process engine."""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

P = TypeVar("P")
R = TypeVar("R")


@dataclass
class Outcome(Generic[P, R]):
    """One partition's result, or why it failed after its retries (never silently dropped)."""

    partition: P
    result: R | None = None
    error: str | None = None


class Engine(Protocol):
    name: str
    workers: int

    def map(self, fn: Callable[[P], R], partitions: Sequence[P], retries: int = 2) -> Iterator[Outcome[P, R]]:
        """Run `fn` on every partition; yield each outcome as it finishes, in any order."""
        ...

    def close(self) -> None: ...


class LocalEngine:
    """Runs partitions one after the other in this process: `storylens ingest`, tests, small runs."""

    name = "local"
    workers = 1

    def map(self, fn: Callable[[P], R], partitions: Sequence[P], retries: int = 2) -> Iterator[Outcome[P, R]]:
        for partition in partitions:
            yield _attempt(fn, partition, retries)

    def close(self) -> None:
        pass


def _attempt(fn: Callable[[P], R], partition: P, retries: int) -> Outcome[P, R]:
    error = ""
    for _ in range(retries + 1):
        try:
            return Outcome(partition, fn(partition))
        except Exception:  # a partition's failure is reported, never raised through the run
            error = traceback.format_exc(limit=3).strip().splitlines()[-1]
    return Outcome(partition, error=error)


@contextmanager
def open_engine(workers: int = 0, scheduler: str | None = None) -> Iterator[Engine]:
    """A Dask engine when a scheduler is given or `workers` > 0, else the in-process one."""
    engine: Engine
    if scheduler or workers > 0:
        from storylens.engine.dask_engine import DaskEngine

        engine = DaskEngine(workers=workers or None, scheduler=scheduler)
    else:
        engine = LocalEngine()
    try:
        yield engine
    finally:
        engine.close()
