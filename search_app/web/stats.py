"""The stats page: what the archive holds (by language, governorate and month) and which index
generation answers."""
from __future__ import annotations

from flask import Blueprint, render_template
from werkzeug.datastructures import MultiDict

from ..search import SearchRequest
from .context import engine, ui
from .facets import items_among, search_url
from .formatting import format_month, format_timestamp, format_year
from .labels import language_name
from .tilemap import build_map
from .timeline import build_timeline

blueprint = Blueprint("stats", __name__)


def archive_stats() -> dict:
    """Counts over the whole live index, as plain data (the page and ``/api/stats`` share it)."""
    response = engine().search(SearchRequest(per_page=1))
    facets = response.facets
    return {"documents": response.total, **engine().stats(),
            "languages": {v.value: v.count for v in facets.get("lang", [])},
            "kinds": {v.value: v.count for v in facets.get("kind", [])},
            "governorates": {v.value: v.count for v in facets.get("governorate", [])},
            "months": dict(sorted((v.value, v.count) for v in facets.get("month", [])))}


@blueprint.get("/stats")
def stats_page():
    language = ui()
    stats = archive_stats()
    empty = MultiDict()
    months = stats["months"]
    items = items_among(kind for kind, count in stats["kinds"].items() if count)
    years = sorted({month[:4] for month in months}, reverse=True)
    month_table = [{"year": format_year(year, language),
                    "cells": [{"count": months.get(f"{year}-{m:02d}", 0),
                               "url": search_url(empty, **{"from": f"{year}-{m:02d}", "to": f"{year}-{m:02d}"})}
                              for m in range(1, 13)]} for year in years]
    return render_template(
        "stats.html", stats=stats, undated=stats["documents"] - sum(months.values()), built_at=format_timestamp(stats.get("built_at"), language), items=items,
        languages=[{"name": language_name(code), "count": count, "url": search_url(empty, lang=code)}
                   for code, count in sorted(stats["languages"].items(), key=lambda item: -item[1])],
        tile_map=build_map(stats["governorates"], set(), lambda code: search_url(empty, governorate=code), language,
                           items),
        timeline=build_timeline(months, None, None, lambda start, end: search_url(empty, **{"from": start, "to": end}),
                                language, items),
        month_names=[format_month(2000, m, language, "LLL") for m in range(1, 13)], month_table=month_table)
