"""Outlet names and the site names in titles.

Pages and records name their outlet in many ways for one outlet: "nyt" and "NYT", a hostname
("www.nytimes.com"), a site name with a tagline ("LinkNaija | Nigeria's popular news platform").
`OutletNames` turns each into one display name: the user's mapping file first (the `outlets`
setting), then a small built-in table of well-known news domains and abbreviations, then rules
that only touch form (case of an id, a tagline, "www."). Titles often carry the site name
("… - News Nation", "LinkNaija | …"); `strip_site_name` removes a title segment only when it
names the article's own outlet or domain, so a headline's own "X | Y" survives.

No library maps outlets to names (trafilatura gives the page's own `og:site_name` or its
hostname, which is where the variety comes from), so this is written here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from storylens.errors import StorylensError

# Separators sites put between a headline and their name; a hyphen only with spaces around it.
_SEPARATOR = re.compile(r"\s+[|–—·»:]{1,2}\s+|\s+-\s+|\s*\|\s*")
_PREFIX_SEPARATOR = re.compile(r"^\s*(?:[|–—·»:-]{1,2})\s+")
_HOST = re.compile(r"^(?:https?://)?(?:www\d?\.)?([a-z0-9-]+(?:\.[a-z0-9-]+)+)/?$", re.IGNORECASE)
_ID = re.compile(r"^[a-z0-9]{2,5}$|^[A-Z0-9]{2,5}$")
MAX_SITE_WORDS = 8  # a title segment longer than this is part of the headline, not a site name


def key(name: str) -> str:
    """The form two spellings of one name share: case and everything but letters and digits dropped."""
    return re.sub(r"\W+", "", name.casefold())


@dataclass
class OutletNames:
    """Display names of outlets: `mapping` from any spelling (a name, an id, a domain) to the name."""

    mapping: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str = "") -> OutletNames:
        """The built-in table, overridden by the user's JSON file `{"spelling": "Display name"}`
        (read once per process)."""
        return _loaded(path)

    def display(self, outlet: str | None, url: str | None = None) -> str | None:
        """The outlet's display name; from the URL's domain when the input names no outlet."""
        name = " ".join((outlet or "").split())
        if not name:
            host = hostname(url)
            return self.mapping.get(key(host), host) if host else None
        if key(name) in self.mapping:
            return self.mapping[key(name)]
        # A hostname as the name ("www.nytimes.com", "nytimes.com"), not a brand that looks like
        # one and says so with its own capitals ("Space.com").
        host = hostname(name) if name == name.lower() or "/" in name or name.lower().startswith("www.") else None
        if host:
            return self.mapping.get(key(host), self.mapping.get(key(_label(host)), host))
        name = self._without_tagline(name, url)
        if _ID.match(name):
            return name.upper()  # an id such as "nyt": one spelling for "nyt" and "NYT"
        return name.title() if name.islower() else name

    def _without_tagline(self, name: str, url: str | None) -> str:
        """'LinkNaija | Nigeria's popular news platform' -> 'LinkNaija': the part that names the
        domain, else the first part; a name without separators is left as it is."""
        parts = [p for p in _SEPARATOR.split(name) if p.strip()]
        if len(parts) < 2:
            return name
        host = hostname(url)
        for part in parts:
            if key(part) in self.mapping:
                return self.mapping[key(part)]
            if host and key(part) in (key(host), key(_label(host))):
                return part.strip()
        return parts[0].strip()


def strip_site_name(title: str | None, names: list[str | None], url: str | None = None) -> str | None:
    """The title without a leading or trailing segment that names the site.

    A segment is the site's name when it equals (case and punctuation aside) one of `names` (the
    outlet as given and as displayed) or the domain of `url`; the whole site name given with a
    tagline is also removed. What is left must still be a headline, else the title is kept."""
    if not title:
        return title
    wanted = {key(n) for n in names if n} | {key(n) for n in names if n for n in _SEPARATOR.split(n)}
    host = hostname(url)
    if host:
        wanted |= {key(host), key(_label(host))}
    wanted.discard("")
    stripped = _strip_whole_name(title, [n for n in names if n])
    parts = _SEPARATOR.split(stripped)
    seps = _SEPARATOR.findall(stripped)
    if len(parts) >= 2 and key(parts[-1]) in wanted and len(parts[-1].split()) <= MAX_SITE_WORDS:
        stripped = stripped[: len(stripped) - len(parts[-1]) - len(seps[-1])]
    elif len(parts) >= 2 and key(parts[0]) in wanted and len(parts[0].split()) <= MAX_SITE_WORDS:
        stripped = stripped[len(parts[0]) + len(seps[0]) :]
    stripped = stripped.strip()
    return stripped if len(stripped.split()) >= 2 else title


def _strip_whole_name(title: str, names: list[str]) -> str:
    """'LinkNaija | Nigeria's popular news platform: BREAKING NEWS …' loses the whole site name."""
    for name in sorted(names, key=len, reverse=True):
        if len(name) < len(title) and title.casefold().startswith(name.casefold()):
            rest = title[len(name) :]
            separator = _PREFIX_SEPARATOR.match(rest)
            if separator:
                return rest[separator.end() :]
        if len(name) < len(title) and title.casefold().endswith(name.casefold()):
            rest = title[: -len(name)].rstrip()
            if rest and rest[-1] in "|–—·»:-":
                return rest[:-1]
    return title


def hostname(value: str | None) -> str | None:
    """'https://www.nytimes.com/2020/…' or 'www.nytimes.com' -> 'nytimes.com'; None for a name."""
    if not value:
        return None
    value = value.strip()
    if "://" in value:
        value = urlsplit(value).hostname or ""
    match = _HOST.match(value)
    return match.group(1).lower() if match and " " not in value else None


def _label(host: str) -> str:
    """The part of a domain that names the site: 'nytimes.com' -> 'nytimes', 'bbc.co.uk' -> 'bbc'."""
    parts = host.split(".")
    if len(parts) >= 3 and len(parts[-1]) == 2 and parts[-2] in {"co", "com", "org", "net", "ac", "gov"}:
        return parts[-3]
    return parts[-2] if len(parts) >= 2 else host


@lru_cache(maxsize=8)
def _loaded(path: str) -> OutletNames:
    names = dict(_builtin())
    if path:
        names.update({key(k): v for k, v in _read_mapping(path).items()})
    return OutletNames(names)


@lru_cache(maxsize=1)
def _builtin() -> dict[str, str]:
    text = (resources.files("storylens.clean") / "outlets.json").read_text(encoding="utf-8")
    return {key(k): v for k, v in json.loads(text)["names"].items()}


def _read_mapping(path: str) -> dict[str, str]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise StorylensError(f"{path}: cannot read the outlet names file ({err}); fix it or unset "
                             "STORYLENS_OUTLETS") from err
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise StorylensError(f"{path}: the outlet names file must be one JSON object of "
                             '"spelling": "Display name" strings, e.g. {"hpo": "HuffPost"}')
    return data
