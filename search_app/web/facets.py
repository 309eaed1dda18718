"""Facet entries for pages and the API: label, count, selected, and the URL that toggles it."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import url_for
from werkzeug.datastructures import MultiDict

from ..enrich.places import place
from .labels import facet_label

# Page facets in display order; the API calls the year facet "date" (DESIGN.md).
PAGE_FACETS = ("governorate", "district", "actor", "year", "lang", "source")
API_FACET_NAMES = {"governorate": "governorate", "district": "district", "actor": "actor",
                   "year": "date", "lang": "lang", "source": "source"}


def search_url(args: MultiDict, endpoint: str = "views.search", **changes) -> str:
    """The current search with some parameters replaced (None removes); always back to page 1."""
    params = MultiDict(args)
    params.pop("page", None)
    for name, value in changes.items():
        params.poplist(name)
        if value is not None:
            params.setlist(name, value if isinstance(value, list) else [value])
    query = urlencode(list(params.items(multi=True)))
    return url_for(endpoint) + (f"?{query}" if query else "")


def toggle_url(args: MultiDict, facet: str, value: str) -> str:
    values = args.getlist(facet)
    chosen = [v for v in values if v != value] if value in values else values + [value]
    changes = {facet: chosen or None}
    if facet == "governorate" and value in values:
        # Dropping a governorate also drops the districts chosen inside it.
        changes["district"] = [d for d in args.getlist("district") if _governorate_of(d) != value] or None
    return search_url(args, **changes)


def _governorate_of(code: str) -> str | None:
    try:
        return place(code).governorate
    except KeyError:
        return None


def facet_entries(response, args: MultiDict, ui: str) -> dict[str, list[dict]]:
    entries = {}
    for facet in PAGE_FACETS:
        values = response.facets.get(facet, [])
        if facet == "district":
            # Drill-down: districts appear once a governorate is chosen, only those inside it.
            chosen = set(response.request.governorate)
            values = [v for v in values if _governorate_of(v.value) in chosen]
        if facet == "year":
            values = sorted(values, key=lambda v: v.value, reverse=True)
        entries[facet] = [{"value": v.value, "label": facet_label(facet, v.value, ui), "count": v.count,
                           "selected": v.selected, "url": toggle_url(args, facet, v.value)} for v in values]
    return entries
