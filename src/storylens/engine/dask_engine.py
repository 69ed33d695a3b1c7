"""The Dask engine: a LocalCluster on this machine, or any Dask cluster by its scheduler address."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from storylens.engine.base import Outcome
from storylens.errors import StorylensError

P = TypeVar("P")
R = TypeVar("R")


class DaskEngine:
    """Partitions become Dask tasks (retried by the scheduler); results come back as they finish.

    Workers are processes with one thread each: cleaning and analysis hold the GIL, and each
    process loads its models once (module-level caches), so threads would only contend."""

    name = "dask"

    def __init__(self, workers: int | None = None, scheduler: str | None = None) -> None:
        from dask.distributed import Client, LocalCluster

        self._cluster: Any = None
        try:
            if scheduler:
                self.client = Client(scheduler, timeout="10s")
            else:
                self._cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1,
                                             processes=True, dashboard_address=None, silence_logs=40)
                self.client = Client(self._cluster)
        except (OSError, TimeoutError) as err:
            raise StorylensError(f"cannot reach the Dask scheduler {scheduler!r}: {err} "
                                 "(is `dask scheduler` running there, and the port open?)") from err
        self.workers = max(1, len(self.client.scheduler_info().get("workers", {})))

    def map(self, fn: Callable[[P], R], partitions: Sequence[P], retries: int = 2) -> Iterator[Outcome[P, R]]:
        from dask.distributed import as_completed

        if not partitions:
            return
        futures = self.client.map(fn, list(partitions), retries=retries, pure=False)
        index = {future.key: i for i, future in enumerate(futures)}
        for future in as_completed(futures):
            partition = partitions[index[future.key]]
            if future.status == "error":
                yield Outcome(partition, error=f"{type(future.exception()).__name__}: {future.exception()}")
            else:
                yield Outcome(partition, future.result())
            future.release()  # the worker may forget the result: memory follows the work in flight

    def close(self) -> None:
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()
