"""Ingest: turn files, folders and JSONL records into `RawDocument`s, or `Rejection`s saying why not."""

from storylens.ingest.files import SUPPORTED_SUFFIXES, discover, read_inputs

__all__ = ["SUPPORTED_SUFFIXES", "discover", "read_inputs"]
