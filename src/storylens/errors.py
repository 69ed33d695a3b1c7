"""One small error hierarchy. Messages name the input, the cause, and what to do next."""

from __future__ import annotations


class StorylensError(Exception):
    """Base of every error storylens raises on purpose; the CLI prints it as one line."""


class InputError(StorylensError):
    """An input (file, feed, URL, record) could not be read or turned into an article."""

    def __init__(self, source: str, cause: str, hint: str | None = None) -> None:
        self.source = source
        self.cause = cause
        self.hint = hint
        message = f"{source}: {cause}"
        if hint:
            message += f" ({hint})"
        super().__init__(message)


class StoreError(StorylensError):
    """The store could not be opened, migrated or written."""


class NotFoundError(StorylensError):
    """A story or article id that the store does not hold."""
