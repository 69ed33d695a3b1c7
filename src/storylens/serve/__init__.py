"""Serve: the JSON HTTP API and the web UI over the store (`storylens serve`)."""

from storylens.serve.app import create_app

__all__ = ["create_app"]
