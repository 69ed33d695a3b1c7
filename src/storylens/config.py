"""The one home of configuration.

Every knob is a field of `Settings` with a default that works and a `help` text; the README's
settings table and `storylens config` are made from the same fields (a test keeps them in step).
Values come from, in increasing priority: the defaults here, a TOML settings file (named by
`--config` or `STORYLENS_CONFIG`), `STORYLENS_<NAME>` environment variables, and explicit
arguments (the CLI's options).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from storylens.errors import StorylensError


def _knob(default: Any, help: str, secret: bool = False) -> Any:
    return field(default=default, metadata={"help": help, "secret": secret})


@dataclass(frozen=True)
class Settings:
    db: str = _knob("storylens.db", "SQLite file of the store (`ingest` and `demo` create it; reading commands "
                    "never do).")
    max_input_mb: float = _knob(
        20.0, ("Largest input file or record read, in MiB (a JSONL file is bounded record by record); "
                "bigger inputs are rejected, not truncated.")
    )
    clean_budget_s: float = _knob(
        20.0, "Seconds cleaning one document may take before it is rejected as too slow; 0 means no limit."
    )
    encoder_precision: str = _knob(
        "auto", ("Precision of the headline encoder's products: `auto` is bfloat16 where the CPU multiplies "
                 "it natively (AMX, AVX-512 BF16; 2.5 times faster, vectors at cosine 0.99999 to float32's) "
                 "and float32 elsewhere; `f32` gives the same vectors on every machine.")
    )
    min_article_words: int = _knob(
        3, "Fewest words of text for an input to be an article (a title alone is rejected)."
    )
    min_untitled_words: int = _knob(
        25, "Fewest words for a one-paragraph page or scraped text with no title found to be an article."
    )
    story_threshold: float = _knob(
        0.125, "Probability (0-1), from the fitted story scorer, that an article belongs to a story "
        "before it joins it, while no story is remembered; lower groups more. It rises with the stories "
        "remembered (`story_threshold_rise`)."
    )
    story_threshold_rise: float = _knob(
        0.05, "How much the join threshold rises per tenfold of stories remembered: threshold + rise * "
        "log10(1 + stories), 0.22 at 80 stories and 0.30 at 3,000 by default (the more stories, the more "
        "lie near any article by chance); 0 keeps it fixed. Chosen on neus-train windows (README)."
    )
    story_merge_threshold: float = _knob(
        0.8, "Probability (0-1) an article needs with a second story too for the two stories to be "
        "merged; 1 never merges."
    )
    story_scorer: str = _knob(
        "", "JSON file of story scorer weights fitted by tools/train_story_scorer.py; empty uses the "
        "one shipped with storylens."
    )
    story_window_days: float = _knob(
        7.0, "Stories with no article for this many days stop taking new ones (dated articles only)."
    )
    story_memory: int = _knob(
        5000, "Stories the clusterer remembers at most, the most recently joined first; older ones take "
        "no new articles (bounds memory and start-up on undated streams, which have no window)."
    )
    story_split_cut: float = _knob(
        0.375, "After the online pass (`storylens cluster`: once a story can change no more; a store: each story "
        "a batch touched), each story is re-clustered "
        "over its own members and split where the mean similarity (words, names, headline) between two "
        "groups of 2+ articles falls below this (0-1; higher splits more); 0 or 'off' disables it. "
        "Chosen on ecbplus-dev and neus-val together (README)."
    )
    duplicate_threshold: float = _knob(
        0.7, "Estimated Jaccard similarity of word 5-gram sets above which two articles are duplicates."
    )
    align_threshold: float = _knob(
        0.25, "Similarity (0-1) two sentences need to be reported as the same fact in a comparison "
        "(each is also the other's best match in its article, or nearly)."
    )
    lock_wait_seconds: float = _knob(
        60.0, "Seconds a write waits while another process writes the store before it gives up (an "
        "ingest beside a running server takes turns with it batch by batch)."
    )
    dayfirst: bool = _knob(
        True, "Read ambiguous numeric dates such as 06/01/2020 as day/month, in given dates, datelines "
        "and article text; ISO 8601 dates (2020-01-06) are always year-month-day."
    )
    outlets: str = _knob(
        "", 'JSON file mapping outlet spellings (ids, names, domains) to display names, e.g. {"hpo": '
        '"HuffPost"}; it extends and overrides the built-in table of well-known news outlets.'
    )
    serve_host: str = _knob(
        "127.0.0.1", "Address `storylens serve` listens on; keep loopback unless a proxy sits in front."
    )
    serve_port: int = _knob(8321, "Port of `storylens serve`.")
    serve_workers: int = _knob(1, "Worker processes of `storylens serve`.")
    serve_token: str = _knob(
        "", "Bearer token that POST /api/articles requires; empty means the API is read-only.", secret=True
    )
    backfill_slice_records: int = _knob(
        500, "WARC records per unit of work in `storylens backfill`: smaller spreads a few archives over "
        "more workers, larger costs less scheduling."
    )
    backfill_languages: str = _knob(
        "", "Languages `storylens backfill` keeps, comma-separated ISO 639-1 codes (`en,de`): an article "
        "detected in another language is counted and left out on the worker (not stored, not grouped); "
        "one whose language cannot be told is kept. Empty keeps every language."
    )
    allow_private_hosts: str = _knob(
        "", "Hosts URL fetches may reach although they resolve to loopback, private or link-local "
        "addresses: comma-separated `host`, `host:port` or CIDR networks, `*` for any. Empty refuses them "
        "all (an SSRF guard for servers)."
    )
    user_agent: str = _knob("", "User-Agent of every fetch; empty sends `storylens/VERSION` with the project URL.")
    fetch_connect_timeout: float = _knob(5.0, "Seconds to connect to a host before the fetch fails.")
    fetch_read_timeout: float = _knob(20.0, "Seconds without data from a host before the fetch fails.")
    fetch_max_redirects: int = _knob(5, "Redirects a fetch follows (each hop checked by the SSRF guard).")
    fetch_retries: int = _knob(2, "Retries of a fetch after a timeout, HTTP 429 or 5xx.")
    fetch_backoff: float = _knob(
        1.0, "Seconds before the first retry; doubled each retry, with random jitter; a Retry-After wins."
    )
    fetch_host_delay: float = _knob(
        1.0, "Least seconds between two requests to one host (a robots.txt Crawl-delay raises it)."
    )
    follow_interval_minutes: float = _knob(
        15.0, "Minutes between two polls of a source by `storylens follow`; doubled after each failure, "
        "up to a day."
    )
    serve_trusted_hosts: str = _knob(
        "localhost,127.0.0.1,[::1]", "Host names `storylens serve` answers to, comma-separated ('*' any, "
        "'*.example.org' a domain), besides the address it listens on; refuses DNS-rebinding pages."
    )
    page_size: int = _knob(20, "Stories per page in the web UI and the default page of the JSON API.")

    def with_overrides(self, **values: Any) -> Settings:
        """Apply explicit values, ignoring `None` (an option the user did not give)."""
        given = {k: v for k, v in values.items() if v is not None}
        unknown = set(given) - {f.name for f in fields(self)}
        if unknown:
            raise StorylensError(f"unknown setting(s) {sorted(unknown)}; see `storylens config`")
        return replace(self, **given)


def describe() -> list[tuple[str, str, str, str]]:
    """(name, environment variable, default, help) for every setting, for docs and `config`."""
    return [
        (f.name, env_name(f.name), str(f.default), f.metadata["help"]) for f in fields(Settings)
    ]


def is_secret(name: str) -> bool:
    """Settings whose value is never displayed (`storylens config` says only whether it is set)."""
    return bool(next(f for f in fields(Settings) if f.name == name).metadata["secret"])


def env_name(name: str) -> str:
    return f"STORYLENS_{name.upper()}"


CONFIG_ENV = "STORYLENS_CONFIG"  # a TOML settings file; not a setting itself, so not a Settings field


def load(environ: dict[str, str] | None = None, file: str | None = None, **overrides: Any) -> Settings:
    return load_with_sources(environ, file, **overrides)[0]


def load_with_sources(environ: dict[str, str] | None = None, file: str | None = None, **overrides: Any
                      ) -> tuple[Settings, dict[str, str]]:
    """The settings in force and, for each, where its value came from: `default`, the settings
    file, the environment variable that set it, or `command line` (an explicit value, such as a
    CLI option). `file` (else `STORYLENS_CONFIG`) names the settings file."""
    environ = dict(os.environ if environ is None else environ)
    values: dict[str, Any] = {}
    sources = {f.name: "default" for f in fields(Settings)}
    file = file or environ.get(CONFIG_ENV) or None
    if file:
        values.update(read_settings_file(file))
        sources.update({name: f"file {file}" for name in values})
    for f in fields(Settings):
        raw = environ.get(env_name(f.name))
        if raw is not None:
            values[f.name] = _parse(f.name, raw, type(f.default))
            sources[f.name] = f"environment {env_name(f.name)}"
    settings = Settings(**values).with_overrides(**overrides)
    sources.update({name: COMMAND_LINE for name, value in overrides.items() if value is not None})
    return settings, sources


def read_settings_file(path: str) -> dict[str, Any]:
    """Settings from a TOML file of `name = value` lines (names as in `storylens config`), checked
    against the type of each setting's default, so that a typo fails here, naming the file."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise StorylensError(f"{path}: cannot read the settings file ({exc}); fix --config or {CONFIG_ENV}") from None
    except tomllib.TOMLDecodeError as exc:
        raise StorylensError(f"{path}: not a valid TOML settings file ({exc})") from None
    kinds = {f.name: type(f.default) for f in fields(Settings)}
    for name, value in data.items():
        if name not in kinds:
            raise StorylensError(f"{path}: unknown setting {name!r}; `storylens config` lists them")
        kind = kinds[name]
        numeric = kind is float and isinstance(value, int) and not isinstance(value, bool)
        if not (numeric or (isinstance(value, kind) and (kind is bool or not isinstance(value, bool)))):
            raise StorylensError(f"{path}: {name} = {value!r} is not of type {kind.__name__}")
    return {name: float(value) if kinds[name] is float else value for name, value in data.items()}


COMMAND_LINE = "command line"


OFF_IS_ZERO = {"story_split_cut"}  # knobs that "off" disables, as 0 does


def _parse(name: str, raw: str, kind: type) -> Any:
    if name in OFF_IS_ZERO and raw.strip().lower() == "off":
        return kind(0)
    try:
        if kind is bool:
            if raw.strip().lower() in {"1", "true", "yes", "on"}:
                return True
            if raw.strip().lower() in {"0", "false", "no", "off"}:
                return False
            raise ValueError(raw)
        return kind(raw)
    except ValueError:
        raise StorylensError(
            f"{env_name(name)}={raw!r} is not a valid {kind.__name__}; unset it or fix its value"
        ) from None
