"""Read a search request from URL arguments, shared by pages, API, export and feeds."""
from __future__ import annotations

import datetime as dt

from werkzeug.datastructures import MultiDict

from ..search import SearchRequest
from ..search.engine import FILTER_FACETS, SORTS

MAX_Q_CHARS = 1000


class BadRequest(ValueError):
    """A parameter a client sent that cannot be used; the message says which and why."""


def _date(args: MultiDict, name: str, end: bool) -> dt.date | None:
    value = (args.get(name) or "").strip()
    if not value:
        return None
    try:
        if len(value) == 4:
            return dt.date(int(value), 12, 31) if end else dt.date(int(value), 1, 1)
        if len(value) == 7:
            year, month = int(value[:4]), int(value[5:7])
            first = dt.date(year, month, 1)
            if end:
                return (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
            return first
        return dt.date.fromisoformat(value)
    except ValueError:
        raise BadRequest(f"{name} must be a date like 2019, 2019-03 or 2019-03-25, got {value[:20]!r}")


def _int(args: MultiDict, name: str, default: int, maximum: int) -> int:
    value = args.get(name)
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except ValueError:
        raise BadRequest(f"{name} must be a whole number, got {value[:20]!r}") from None
    if number < 1:
        raise BadRequest(f"{name} must be at least 1")
    return min(number, maximum)


def search_request(args: MultiDict, settings, strict: bool = False) -> SearchRequest:
    """``strict`` (API): bad values raise BadRequest; pages fall back to defaults instead."""
    def attempt(read, fallback):
        try:
            return read()
        except BadRequest:
            if strict:
                raise
            return fallback

    sort = args.get("sort", "relevance")
    if sort not in SORTS:
        if strict:
            raise BadRequest(f"sort must be one of {', '.join(SORTS)}")
        sort = "relevance"
    filters = {name: tuple(dict.fromkeys(v.strip() for v in args.getlist(name) if v.strip()))[:50]
               for name in FILTER_FACETS}
    return SearchRequest(
        q=(args.get("q") or "")[:MAX_Q_CHARS], sort=sort,
        page=attempt(lambda: _int(args, "page", 1, 10_000), 1),
        per_page=attempt(lambda: _int(args, "per_page", settings.page_size, settings.max_page_size),
                         settings.page_size),
        date_from=attempt(lambda: _date(args, "from", end=False), None),
        date_to=attempt(lambda: _date(args, "to", end=True), None),
        expand=args.get("expand", "1") not in ("0", "false", "off"),
        **filters)
