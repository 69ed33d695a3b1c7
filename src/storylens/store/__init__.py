"""Store: where articles, stories, rejections and comparisons live. SQLite by default."""

from storylens.store.base import Store
from storylens.store.sqlite import SQLiteStore


def open_store(path: str) -> SQLiteStore:
    return SQLiteStore(path)


__all__ = ["SQLiteStore", "Store", "open_store"]
