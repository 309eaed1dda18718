"""Place and actor pages: names in both languages, stories over time, who and where they come
up with, and the latest stories."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, url_for
from werkzeug.datastructures import MultiDict

from ..enrich.actors import actor
from ..enrich.places import districts_of, place
from ..search import SearchRequest
from .facets import search_url
from .labels import entity_name, place_level_name
from .timeline import build_timeline
from .views import engine, place_search_args, ui

blueprint = Blueprint("entities", __name__)
LATEST = 10
TOP = 10


def _linked(values, name_of, search_args: MultiDict, param: str, profile) -> list[dict]:
    """Facet values as rows: name, count, the search narrowed to both, and the profile page."""
    rows = []
    for value in values:
        try:
            name = name_of(value.value)
        except KeyError:
            continue
        narrowed = MultiDict(search_args)
        narrowed.add(param, value.value)
        rows.append({"name": name, "count": value.count, "url": search_url(narrowed),
                     "profile": profile(value.value)})
    return rows


def _profile(kind: str, entity, request: SearchRequest, search_args: MultiDict, co_occurring: list[dict],
             parents=(), children=()):
    language = ui()
    response = engine().search(request)
    timeline = build_timeline({v.value: v.count for v in response.facets.get("month", [])}, None, None,
                              lambda start, end: search_url(search_args, **{"from": start, "to": end}), language)
    return render_template(
        "entity.html", kind=kind, entity=entity, name=entity_name(entity, language), response=response,
        level=place_level_name(entity.level) if kind == "place" else None, timeline=timeline,
        all_url=search_url(search_args), latest_url=search_url(search_args, sort="date"),
        co_occurring=co_occurring(response) if callable(co_occurring) else co_occurring,
        parents=parents, children=children(response) if callable(children) else children)


@blueprint.get("/place/<code>")
def place_page(code: str):
    try:
        entity = place(code)
    except KeyError:
        abort(404)
    language = ui()
    search_args = place_search_args(entity)
    parents = [{"name": entity_name(place(parent), language), "url": url_for(".place_page", code=parent)}
               for parent in (entity.governorate, entity.district) if parent and parent != entity.id]

    def co_occurring(response):
        actors = [v for v in response.facets.get("actor", [])][:TOP]
        return _linked(actors, lambda value: entity_name(actor(value), language), search_args, "actor",
                       lambda value: url_for(".actor_page", actor_id=value))

    def children(response):
        if entity.level != "governorate":
            return []
        counts = {v.value: v.count for v in response.facets.get("district", [])}
        return [{"name": entity_name(district, language), "count": counts.get(district.id, 0),
                 "url": url_for(".place_page", code=district.id)} for district in districts_of(entity.id)]

    request = SearchRequest(place=(entity.id,), sort="date", per_page=LATEST)
    return _profile("place", entity, request, search_args, co_occurring, parents, children)


@blueprint.get("/actor/<actor_id>")
def actor_page(actor_id: str):
    try:
        entity = actor(actor_id)
    except KeyError:
        abort(404)
    language = ui()
    search_args = MultiDict([("actor", entity.id)])

    def co_occurring(response):
        places = [v for v in response.facets.get("governorate", [])][:TOP]
        return _linked(places, lambda value: entity_name(place(value), language), search_args, "governorate",
                       lambda value: url_for(".place_page", code=value))

    request = SearchRequest(actor=(entity.id,), sort="date", per_page=LATEST)
    return _profile("actor", entity, request, search_args, co_occurring)
