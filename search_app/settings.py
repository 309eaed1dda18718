"""One typed settings object, read from ``SEARCH_APP_*`` environment variables."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from urllib.parse import urlsplit

BACKENDS = ("whoosh", "opensearch")

def _path(value: str) -> Path:
    return Path(value).expanduser().resolve()


def _positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError("must be a positive integer")
    return number


def _yes_no(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off", ""):
        return False
    raise ValueError("must be 1 or 0 (yes or no)")


def _base_url(value: str) -> str | None:
    value = value.strip().rstrip("/")
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError("must be an http(s) address such as https://news.example.org (a path may follow)")
    return value


def _positive_number(value: str) -> float:
    number = float(value)
    if not number > 0 or number == float("inf"):
        raise ValueError("must be a positive number")
    return number


def _optional(value: str) -> str | None:
    return value.strip() or None


def _dictionary_dir(value: str) -> Path | str:
    value = value.strip()
    if value in ("auto", "off"):
        return value
    from .text.dictionary import DICTIONARY_NAMES, find_dictionary_files

    folder = _path(value)
    if not find_dictionary_files(folder):
        raise ValueError(f"{folder} holds no {' or '.join(DICTIONARY_NAMES.values())} dictionary "
                         "(.index and .dict.dz); 'auto' finds an installed one, 'off' searches without")
    return folder


def _backend(value: str) -> str:
    value = value.strip().lower()
    if value not in BACKENDS:
        raise ValueError(f"must be one of {', '.join(BACKENDS)}")
    return value


def _count(value: str) -> int:
    number = int(value)
    if number < 0:
        raise ValueError("must be 0 or more")
    return number


def _index_name(value: str) -> str:
    # OpenSearch's rules for index and alias names: lower case, no separators it reserves.
    if not re.fullmatch(r"[a-z0-9][a-z0-9_.-]{0,200}", value):
        raise ValueError("must be lower-case letters, digits, '-', '_' or '.', starting with a letter or digit")
    return value


def _ui_language(value: str) -> str:
    if value not in ("en", "ar"):
        raise ValueError("must be 'en' or 'ar'")
    return value


@dataclass(frozen=True)
class Settings:
    """Every setting with its default and help line; the README table is generated from these."""

    # Relative to the working directory, as most CLIs do: never inside the installed package.
    data_dir: Path = field(default=Path("data"),
                           metadata={"parse": _path, "help": "SQLite store, quarantine files and logs"})
    index_dir: Path = field(default=Path("index"),
                            metadata={"parse": _path, "help": "index generations and the `current` link"})
    host: str = field(default="127.0.0.1", metadata={"parse": str, "help": "address `serve` listens on"})
    port: int = field(default=8080, metadata={"parse": _positive_int, "help": "port `serve` listens on"})
    page_size: int = field(default=20, metadata={"parse": _positive_int, "help": "results per page"})
    max_page_size: int = field(default=100, metadata={"parse": _positive_int,
                                                      "help": "cap on a client's per_page"})
    ui_language: str = field(default="en", metadata={"parse": _ui_language,
                                                     "help": "default interface language (en or ar)"})
    base_url: str | None = field(default=None, metadata={
        "parse": _base_url, "shown": "the request's Host header",
        "help": "public address of the site (https://host[/path]) used for every absolute URL: "
                "permalinks, feeds, OpenSearch, exports; set it behind a proxy"})
    keep_generations: int = field(default=3, metadata={"parse": _positive_int,
                                                       "help": "index generations kept after a rebuild"})
    drop_dir: Path | None = field(default=None, metadata={
        "parse": _path, "shown": "drop/ in the data folder",
        "help": "folder `search-app nightly` ingests files from (done ones move to done/<date>/)"})
    feeds_file: Path | None = field(default=None, metadata={
        "parse": _path, "shown": "feeds.txt in the data folder",
        "help": "feed URLs `search-app nightly` ingests, one a line (# comments)"})
    cache_dir: Path | None = field(default=None, metadata={
        "parse": _path, "shown": "cache/ in the data folder",
        "help": "files compiled once to save every process seconds of start-up, made again when what they "
                "come from changes: the reference data's name tables and the bilingual dictionary's tables"})

    fetch_seconds: int = field(default=60, metadata={
        "parse": _positive_int,
        "help": "time limit in seconds for fetching one feed address, redirects and download included"})
    fetch_private_addresses: bool = field(default=False, metadata={
        "parse": _yes_no, "shown": "0",
        "help": "1: let feed addresses (and their redirects) reach loopback, private and link-local "
                "addresses, e.g. an intranet feed"})
    dictionary_dir: Path | str = field(default="auto", metadata={
        "parse": _dictionary_dir,
        "help": "folder of FreeDict's freedict-eng-ara / freedict-ara-eng dictd files, used to translate "
                "query words the glossary lacks; auto: where the dictd packages install them; off: none"})

    translator_url: str | None = field(default=None, metadata={
        "parse": _base_url, "shown": "none",
        "help": "a LibreTranslate-compatible server (http://host:5000) that `search-app translate`, the nightly "
                "job and the article page's Translate button use; without it, Argos Translate when installed"})
    translator_api_key: str | None = field(default=None, metadata={
        "parse": _optional, "shown": "none", "secret": True,
        "help": "API key sent to the translator, when it asks for one"})
    translator_requests_per_second: float = field(default=2.0, metadata={
        "parse": _positive_number, "help": "most requests per second sent to the translator"})
    translator_seconds: int = field(default=120, metadata={
        "parse": _positive_int, "help": "time limit in seconds for one translation request"})

    backend: str = field(default="whoosh", metadata={
        "parse": _backend,
        "help": "search backend: whoosh (index generations in the index folder) or opensearch (a cluster "
                "at SEARCH_APP_OPENSEARCH_URL; docs/scaling.md)"})
    opensearch_url: str | None = field(default=None, metadata={
        "parse": _base_url, "shown": "none",
        "help": "address of the OpenSearch cluster (https://host:9200) the opensearch backend uses"})
    opensearch_user: str | None = field(default=None, metadata={
        "parse": _optional, "shown": "none", "help": "user name for the OpenSearch cluster (basic auth)"})
    opensearch_password: str | None = field(default=None, metadata={
        "parse": _optional, "shown": "none", "secret": True, "help": "password for the OpenSearch cluster"})
    opensearch_ca_file: Path | None = field(default=None, metadata={
        "parse": _path, "shown": "the system's certificates",
        "help": "CA certificate (PEM) the OpenSearch cluster's TLS certificate is checked against"})
    opensearch_index: str = field(default="syria-news", metadata={
        "parse": _index_name,
        "help": "name of the OpenSearch alias searches read; each build writes an index <name>-<time>"})
    opensearch_shards: int = field(default=1, metadata={
        "parse": _positive_int, "help": "primary shards of a new OpenSearch index (docs/scaling.md sizes them)"})
    opensearch_replicas: int = field(default=1, metadata={
        "parse": _count, "help": "replica copies of each shard of a new OpenSearch index"})

    @property
    def store_path(self) -> Path:
        return self.data_dir / "articles.sqlite3"

    @property
    def quarantine_dir(self) -> Path:
        return self.data_dir / "quarantine"

    @property
    def nightly_drop_dir(self) -> Path:
        return self.drop_dir or self.data_dir / "drop"

    @property
    def nightly_feeds_file(self) -> Path:
        return self.feeds_file or self.data_dir / "feeds.txt"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides) -> "Settings":
        """Read ``SEARCH_APP_<NAME>`` for every field; a bad value names the variable."""
        environ = os.environ if environ is None else environ
        values = {}
        for spec in fields(cls):
            variable = env_variable(spec.name)
            if variable in environ:
                try:
                    values[spec.name] = spec.metadata["parse"](environ[variable])
                except ValueError as error:
                    raise ValueError(f"{variable}={environ[variable]!r}: {error}") from None
        settings = replace(cls(**values), **overrides)
        # Resolved once, when read: a later chdir does not move the store.
        settings = replace(settings, data_dir=_path(str(settings.data_dir)), index_dir=_path(str(settings.index_dir)))
        return replace(settings, drop_dir=settings.nightly_drop_dir, feeds_file=settings.nightly_feeds_file,
                       cache_dir=settings.cache_dir or settings.data_dir / "cache")


def env_variable(name: str) -> str:
    return f"SEARCH_APP_{name.upper()}"


def settings_help() -> list[tuple[str, str, str]]:
    """(variable, default, help) for each setting, for the README and `search-app settings`."""
    rows = []
    for spec in fields(Settings):
        default = spec.metadata.get("shown", spec.default)
        if isinstance(default, Path):
            default = f"{default.as_posix()}/ in the working directory"
        rows.append((env_variable(spec.name), str(default), spec.metadata["help"]))
    return rows
