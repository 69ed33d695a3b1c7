"""Bytes to text, refusing what is not text instead of producing mojibake."""

from __future__ import annotations

import re

from charset_normalizer import from_bytes

from storylens.errors import InputError

_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
MAX_CONTROL_SHARE = 0.01


def decode(raw: bytes, source: str, is_html: bool = False) -> str:
    """Decode `raw` as UTF-8, the declared charset, or the detected one, in that order."""
    if not raw.strip():
        raise InputError(source, "empty input", "nothing to read")
    if b"\x00" in raw[:65536] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(source, "binary content (NUL bytes), not text or HTML", "is it the right file?")
    text = _try_utf8(raw)
    if text is None and is_html:
        text = _try_declared(raw)
    if text is None:
        best = from_bytes(raw[:1_000_000]).best()
        if best is None:
            raise InputError(source, "cannot determine the text encoding", "convert it to UTF-8")
        text = raw.decode(best.encoding, errors="replace")
    if _control_share(text) > MAX_CONTROL_SHARE:
        raise InputError(source, "decodes to control characters: binary or wrongly encoded",
                         "convert it to UTF-8 text")
    return text


def _try_utf8(raw: bytes) -> str | None:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _try_declared(raw: bytes) -> str | None:
    match = _META_CHARSET.search(raw[:4096])
    if not match:
        return None
    try:
        return raw.decode(match.group(1).decode("ascii"))
    except (LookupError, UnicodeDecodeError):
        return None


def _control_share(text: str) -> float:
    sample = text[:100_000]
    return len(_CONTROL.findall(sample)) / max(1, len(sample))
