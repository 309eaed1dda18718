"""Read a search request from URL arguments, shared by pages, API, export and feeds.

Reading gives the request and the *normalised* arguments: only the search's own parameters, each
value trimmed and capped, filters typed in the box (``governorate:SY07``) lifted out of ``q`` into
the filters. Every link a page shows is built from those, never from the raw query string, so a
page's size follows what is searched, not what was sent.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from ..enrich.outlets import outlet_key

from ..enrich.actors import actor
from ..enrich.places import place
from ..search import SearchRequest
from ..search.engine import SORTS
from ..search.query import lift_filters

MAX_Q_CHARS = 1000
MAX_VALUES = 50  # values per filter; more copies of any one parameter is refused (400)
MAX_VALUE_CHARS = 100
# Every link of a page carries the filters and chips list every value, so a page grows with their
# number times their length: past these the search is refused (400), not drawn.
MAX_FILTER_VALUES = 100
MAX_FILTER_CHARS = 2000
MAX_SHOWN_CHARS = 20  # of a bad value quoted back in a message
# URL parameter -> SearchRequest field. ``town`` takes any place id below a district (towns,
# sub-districts, regions): the index's ``place`` field.
URL_FILTERS = {"governorate": "governorate", "district": "district", "town": "place", "actor": "actor",
               "lang": "lang", "source": "source", "year": "year", "kind": "kind"}
# Every parameter that is part of "the current search": carried by forms, links and exports.
SEARCH_PARAMS = ("q", *URL_FILTERS, "from", "to", "sort", "expand", "spell", "per_page")
OFF = ("0", "false", "off")


class BadRequest(ValueError):
    """A parameter a client sent that cannot be used; the message says which and why."""


class TooManyValues(BadRequest):
    """A parameter repeated past MAX_VALUES, or filters past MAX_FILTER_VALUES or MAX_FILTER_CHARS
    in all: refused on every page and in every format (400), not trimmed."""


@dataclass(frozen=True)
class SearchState:
    request: SearchRequest
    args: MultiDict  # the normalised arguments every link of the page is built from
    problems: tuple[str, ...] = ()  # what a page says it could not use (translated)


def _shown(value: str) -> str:
    return value[:MAX_SHOWN_CHARS] + ("…" if len(value) > MAX_SHOWN_CHARS else "")


def _date(value: str, name: str, end: bool) -> dt.date | None:
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
        raise BadRequest(f"{name} must be a date like 2019, 2019-03 or 2019-03-25, got {_shown(value)!r}") from None


def _int(value: str | None, name: str, default: int, maximum: int) -> int:
    if value in (None, ""):
        return default
    try:
        number = int(value.strip()[:12])
    except ValueError:
        raise BadRequest(f"{name} must be a whole number, got {_shown(value)!r}") from None
    if number < 1:
        raise BadRequest(f"{name} must be at least 1")
    return min(number, maximum)


def _refuse_excessive_repeats(args: MultiDict) -> None:
    for name, values in args.lists():
        if len(values) > MAX_VALUES:
            raise TooManyValues(f"{name[:MAX_SHOWN_CHARS]} is repeated more than {MAX_VALUES} times")


def _refuse_oversized(filters: dict[str, tuple[str, ...]]) -> None:
    values = [value for chosen in filters.values() for value in chosen]
    if len(values) > MAX_FILTER_VALUES or sum(map(len, values)) > MAX_FILTER_CHARS:
        raise TooManyValues(f"at most {MAX_FILTER_VALUES} filter values and {MAX_FILTER_CHARS} characters "
                            "of filter values in all")


def _canonical(field: str, value: str) -> str:
    """A typed filter value as the facet stores it (``sy07`` -> ``SY07``, ``SDF`` -> ``sdf``)."""
    lookup = place if field in ("governorate", "district", "place") else actor if field == "actor" else None
    if field == "source":
        return outlet_key(value)
    if lookup is None:
        return value.lower() if field in ("lang", "kind") else value
    for candidate in (value, value.upper(), value.lower()):
        try:
            return lookup(candidate).id
        except KeyError:
            continue
    return value


def _filters(args: MultiDict, lifted: list[tuple[str, str]]) -> dict[str, tuple[str, ...]]:
    """URL parameter -> its values: trimmed, capped, de-duplicated, typed ones after clicked ones."""
    found = {}
    for param, field in URL_FILTERS.items():
        values = [value.strip()[:MAX_VALUE_CHARS] for value in args.getlist(param)]
        values += [_canonical(field, value)[:MAX_VALUE_CHARS] for typed_field, value in lifted
                   if typed_field == field]
        found[param] = tuple(dict.fromkeys(value for value in values if value))[:MAX_VALUES]
    return found


class _Reader:
    """Reads one argument at a time: strict (API) raises; pages keep a message and the default."""

    def __init__(self, strict: bool):
        self.strict = strict
        self.problems: list[str] = []

    def read(self, parse, fallback, message: str):
        try:
            return parse()
        except BadRequest as error:
            self.reject(str(error), message)
            return fallback

    def reject(self, reason: str, message: str) -> None:
        """``reason`` for the API (400), ``message`` in the interface language for a page."""
        if self.strict:
            raise BadRequest(reason)
        self.problems.append(message)


def _dates(args: MultiDict, reader: _Reader) -> tuple[str, str, dt.date | None, dt.date | None]:
    """(from text, to text, from date, to date); a bad date is dropped, a reversed range swapped."""
    texts, dates = {}, {}
    for name, title in (("from", _("From")), ("to", _("To"))):
        text = (args.get(name) or "").strip()[:MAX_SHOWN_CHARS]
        dates[name] = reader.read(lambda: _date(text, name, end=name == "to"), None, _(
            "%(field)s: “%(value)s” is not a date; write 2019, 2019-03 or 2019-03-25. "
            "It was left out of this search.", field=title, value=text))
        texts[name] = text if dates[name] else ""
    if dates["from"] and dates["to"] and dates["from"] > dates["to"]:
        reader.reject("from must not be later than to",
                      _("The start date was after the end date; the two have been swapped."))
        texts = {"from": texts["to"], "to": texts["from"]}
        dates = {"from": _date(texts["from"], "from", end=False), "to": _date(texts["to"], "to", end=True)}
    return texts["from"], texts["to"], dates["from"], dates["to"]


def read_search(args: MultiDict, settings, strict: bool = False, per_page: int | None = None) -> SearchState:
    """The request and the normalised arguments. ``strict`` (API): a bad value raises BadRequest;
    pages use the default instead and say so. Too many or too long filter values always raise.
    ``per_page`` overrides the client's page size (exports and feeds choose their own)."""
    _refuse_excessive_repeats(args)
    reader = _Reader(strict)
    sort = args.get("sort") or "relevance"
    if sort not in SORTS:
        reader.reject(f"sort must be one of {', '.join(SORTS)}, got {_shown(sort)!r}",
                      _("Sorting by “%(value)s” is not possible; sorted by relevance.", value=_shown(sort)))
        sort = "relevance"
    q, lifted = lift_filters((args.get("q") or "")[:MAX_Q_CHARS])
    filters = _filters(args, lifted)
    _refuse_oversized(filters)
    date_from_text, date_to_text, date_from, date_to = _dates(args, reader)
    page = reader.read(lambda: _int(args.get("page"), "page", 1, 10_000), 1,
                       _("“%(value)s” is not a page number; showing the first page.",
                         value=_shown(args.get("page") or "")))
    chosen_per_page = reader.read(
        lambda: _int(args.get("per_page"), "per_page", settings.page_size, settings.max_page_size),
        settings.page_size, _("“%(value)s” is not a number of results per page; showing %(count)s.",
                              value=_shown(args.get("per_page") or ""), count=settings.page_size))
    expand = args.get("expand", "1") not in OFF
    spell = args.get("spell", "1") not in OFF
    request = SearchRequest(q=q, sort=sort, page=page, per_page=per_page or chosen_per_page,
                            date_from=date_from, date_to=date_to, expand=expand, spell=spell,
                            **{URL_FILTERS[param]: values for param, values in filters.items()})
    normalised = [("q", q.strip()), *((param, value) for param, values in filters.items() for value in values),
                  ("from", date_from_text), ("to", date_to_text), ("sort", "" if sort == "relevance" else sort),
                  ("expand", "" if expand else "0"), ("spell", "" if spell else "0"),
                  ("per_page", "" if chosen_per_page == settings.page_size else str(chosen_per_page)),
                  ("page", str(page) if page > 1 else "")]
    return SearchState(request, MultiDict([(name, value) for name, value in normalised if value]),
                       tuple(reader.problems))


def current_search(args: MultiDict, drop: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(name, value) of the current search's parameters, minus ``drop``: hidden form fields."""
    return [(name, value) for name in SEARCH_PARAMS if name not in drop
            for value in args.getlist(name) if value.strip()]
