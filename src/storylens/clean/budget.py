"""The time budget of cleaning one document, set in one place: `clean_or_reject`.

Every rule in `clean/` runs in time linear in its input, and inputs are bounded in size, so a
budget is a second line of defence: against a library stage (trafilatura, htmldate) that turns
out slow on some page, and so that one hostile page cannot hold a CLI run or a server worker for
minutes. Two mechanisms share the deadline:

- cooperative checks (`check()`) between stages and inside the loops over a page's lines and
  elements; they work in any thread, which is where the server cleans;
- on the main thread, a `SIGALRM` timer that interrupts a stage still running past the deadline
  (Python code, and `re` matching, notice signals). The interrupt is a `BaseException`, so a
  library's `except Exception` cannot swallow it.

Past the deadline the document is rejected with an `InputError` naming it and the budget.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from types import FrameType

from storylens.errors import InputError

# The timer fires this long after the deadline, so that cooperative checks (which say where the
# time went) get the first chance.
_GRACE_S = 0.5


@dataclass(frozen=True)
class Budget:
    source: str
    seconds: float
    deadline: float

    def exceeded(self) -> InputError:
        return InputError(self.source, f"cleaning took longer than the budget of {self.seconds:g} s",
                          "raise STORYLENS_CLEAN_BUDGET_S if it really is one article")


class _Interrupted(BaseException):
    """Raised by the timer's signal handler; turned into the budget's `InputError`."""


_current: ContextVar[Budget | None] = ContextVar("storylens_clean_budget", default=None)


def check() -> None:
    """Raise the current document's `InputError` when its budget is spent (no-op outside one)."""
    current = _current.get()
    if current is not None and time.monotonic() > current.deadline:
        raise current.exceeded()


@contextmanager
def budget(source: str, seconds: float) -> Iterator[Budget]:
    """Run the block under a budget of `seconds` (0 or less: no budget)."""
    if seconds <= 0:
        token = _current.set(None)
        try:
            yield Budget(source, seconds, float("inf"))
        finally:
            _current.reset(token)
        return
    current = Budget(source, seconds, time.monotonic() + seconds)
    token = _current.set(current)
    try:
        with _timer(seconds + _GRACE_S):
            yield current
    except _Interrupted:
        raise current.exceeded() from None
    finally:
        _current.reset(token)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise _Interrupted()


@contextmanager
def _timer(seconds: float) -> Iterator[None]:
    """A SIGALRM after `seconds`, on the main thread only (signals are delivered there alone).

    A timer someone else had armed is put back, less the time spent here."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return
    started = time.monotonic()
    previous = signal.signal(signal.SIGALRM, _interrupt)
    earlier, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if earlier > 0:
            signal.setitimer(signal.ITIMER_REAL, max(earlier - (time.monotonic() - started), 0.001))
