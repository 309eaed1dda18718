"""Read a search request from URL arguments, shared by pages, API, export and feeds."""
from __future__ import annotations

import datetime as dt

from werkzeug.datastructures import MultiDict

from ..search import SearchRequest
from ..search.engine import SORTS

MAX_Q_CHARS = 1000
MAX_VALUES = 50  # values per filter
MAX_VALUE_CHARS = 100
# URL parameter -> SearchRequest field. ``town`` takes any place id below a district (towns,
# sub-districts, regions): the index's ``place`` field.
URL_FILTERS = {"governorate": "governorate", "district": "district", "town": "place", "actor": "actor",
               "lang": "lang", "source": "source", "year": "year"}
# Every parameter that is part of "the current search": carried by forms, links and exports.
SEARCH_PARAMS = ("q", *URL_FILTERS, "from", "to", "sort", "expand", "spell", "per_page")
OFF = ("0", "false", "off")


class BadRequest(ValueError):
    """A parameter a client sent that cannot be used; the message says which and why."""


def _date(args: MultiDict, name: str, end: bool) -> dt.date | None:
    value = (args.get(name) or "").strip()
    if not value:
        return None
    try:
        if len(value) == 4 and value.isdigit():
            return dt.date(int(value), 12, 31) if end else dt.date(int(value), 1, 1)
        if len(value) == 7 and value[4] == "-":
            year, month = int(value[:4]), int(value[5:7])
            first = dt.date(year, month, 1)
            if end:
                return (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
            return first
        return dt.date.fromisoformat(value)
    except (ValueError, OverflowError):
        raise BadRequest(f"{name} must be a date like 2019, 2019-03 or 2019-03-25, got {value[:20]!r}") from None


def _int(args: MultiDict, name: str, default: int, maximum: int) -> int:
    value = args.get(name)
    if value in (None, ""):
        return default
    try:
        number = int(value.strip()[:12])
    except ValueError:
        raise BadRequest(f"{name} must be a whole number, got {value[:20]!r}") from None
    if number < 1:
        raise BadRequest(f"{name} must be at least 1")
    return min(number, maximum)


def filter_values(args: MultiDict, param: str) -> tuple[str, ...]:
    values = (value.strip()[:MAX_VALUE_CHARS] for value in args.getlist(param))
    return tuple(dict.fromkeys(value for value in values if value))[:MAX_VALUES]


def search_request(args: MultiDict, settings, strict: bool = False, per_page: int | None = None) -> SearchRequest:
    """``strict`` (API): bad values raise BadRequest; pages fall back to defaults instead.
    ``per_page`` overrides the client's page size (exports and feeds choose their own)."""
    def attempt(read, fallback):
        try:
            return read()
        except BadRequest:
            if strict:
                raise
            return fallback

    sort = args.get("sort") or "relevance"
    if sort not in SORTS:
        if strict:
            raise BadRequest(f"sort must be one of {', '.join(SORTS)}, got {sort[:20]!r}")
        sort = "relevance"
    filters = {field: filter_values(args, param) for param, field in URL_FILTERS.items()}
    date_from = attempt(lambda: _date(args, "from", end=False), None)
    date_to = attempt(lambda: _date(args, "to", end=True), None)
    if strict and date_from and date_to and date_from > date_to:
        raise BadRequest("from must not be later than to")
    return SearchRequest(
        q=(args.get("q") or "")[:MAX_Q_CHARS], sort=sort,
        page=attempt(lambda: _int(args, "page", 1, 10_000), 1),
        per_page=per_page or attempt(lambda: _int(args, "per_page", settings.page_size, settings.max_page_size),
                                     settings.page_size),
        date_from=date_from, date_to=date_to,
        expand=args.get("expand", "1") not in OFF, spell=args.get("spell", "1") not in OFF,
        **filters)


def current_search(args: MultiDict, drop: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(name, value) of the current search's parameters, minus ``drop``: hidden form fields."""
    return [(name, value) for name in SEARCH_PARAMS if name not in drop
            for value in args.getlist(name) if value.strip()]
