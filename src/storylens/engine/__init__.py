"""Engines: where the embarrassingly parallel stages run.

A stage function (clean a slice of an archive, analyze a story's articles) is mapped over
partitions by an `Engine`; the stage never knows which engine runs it, and everything that must
happen in order (storing, story assignment) stays in the one process that drives the run. The
interface is deliberately narrow — a map over partitions with retries, results as they finish — so
that another engine (PySpark's `mapPartitions`, Ray) can stand behind it later:

    with open_engine(workers=4) as engine:            # in-process when workers == 0
        for outcome in engine.map(clean_slice, slices):
            ...                                        # outcome.result or outcome.error

`DaskEngine` starts a `LocalCluster` sized to the machine, or joins any Dask cluster by its
scheduler address (`tcp://host:8786`); the workers need storylens installed, nothing else.
"""

from storylens.engine.base import Engine, LocalEngine, Outcome, open_engine
from storylens.engine.dask_engine import DaskEngine

__all__ = ["DaskEngine", "Engine", "LocalEngine", "Outcome", "open_engine"]
