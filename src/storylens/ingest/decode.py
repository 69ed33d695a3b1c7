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
    text = None
    if b"\x00" in raw[:65536] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = _try_utf16_32(raw)
        if text is None:
            raise InputError(source, "binary content (NUL bytes), not text or HTML", "is it the right file?")
    text = text if text is not None else _try_utf8(raw)
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


def _try_utf16_32(raw: bytes) -> str | None:
    """UTF-32 or UTF-16 without a byte order mark, told apart from binary by where the NUL
    bytes fall: text in these encodings has them at fixed positions of each code unit (the high
    bytes of Latin letters, digits and spaces), binary data anywhere. charset_normalizer does
    not try BOM-less UTF-16/32, and NUL bytes otherwise mean binary."""
    sample = raw[: 65536 - 65536 % 4]
    zeros = [sample[i::4].count(0) / max(1, len(sample[i::4])) for i in range(4)]
    candidates = []
    if min(zeros[1:]) > 0.9 and zeros[0] < 0.01:
        candidates.append("utf-32-le")
    if min(zeros[:3]) > 0.9 and zeros[3] < 0.01:
        candidates.append("utf-32-be")
    even, odd = (zeros[0] + zeros[2]) / 2, (zeros[1] + zeros[3]) / 2
    if odd > 0.1 and even < 0.01:
        candidates.append("utf-16-le")
    if even > 0.1 and odd < 0.01:
        candidates.append("utf-16-be")
    for encoding in candidates:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
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
