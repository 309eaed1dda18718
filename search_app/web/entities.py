"""Place and actor pages: names in both languages, stories over time, who and where they come
up with, and the latest stories."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask import Blueprint, abort, render_template, url_for
from werkzeug.datastructures import MultiDict

from ..enrich.actors import actor
from ..enrich.places import districts_of, place
from ..search import SearchRequest
from .context import engine, ui
from .facets import counts_items, place_search_args, search_url
from .labels import entity_name, place_level_name
from .timeline import build_timeline

blueprint = Blueprint("entities", __name__)
LATEST = 10
TOP = 10


@dataclass(frozen=True)
class Companions:
    """What a profile ranks beside its own stories: the actors of a place, the places of an actor."""
    facet: str  # the facet counted over the entity's stories, and the URL parameter that narrows to one
    lookup: Callable
    profile: Callable[[str], str]  # the companion's own page

    def rows(self, response, search_args: MultiDict, language: str) -> list[dict]:
        rows = []
        for value in response.facets.get(self.facet, [])[:TOP]:
            try:
                name = entity_name(self.lookup(value.value), language)
            except KeyError:
                continue
            narrowed = MultiDict(search_args)
            narrowed.add(self.facet, value.value)
            rows.append({"name": name, "count": value.count, "url": search_url(narrowed),
                         "profile": self.profile(value.value)})
        return rows


ACTORS = Companions("actor", actor, lambda value: url_for("entities.actor_page", actor_id=value))
GOVERNORATES = Companions("governorate", place, lambda value: url_for("entities.place_page", code=value))


def _profile(kind: str, entity, request: SearchRequest, search_args: MultiDict, companions: Companions,
             parents: list[dict] = ()):
    language = ui()
    response = engine().search(request)
    children = []
    if kind == "place" and entity.level == "governorate":
        counts = {v.value: v.count for v in response.facets.get("district", [])}
        children = sorted(({"name": entity_name(district, language), "count": counts.get(district.id, 0),
                            "url": url_for(".place_page", code=district.id)} for district in districts_of(entity.id)),
                          key=lambda row: -row["count"])  # stable: equal counts keep p-code order
    timeline = build_timeline({v.value: v.count for v in response.facets.get("month", [])}, None, None,
                              lambda start, end: search_url(search_args, **{"from": start, "to": end}), language,
                              counts_items(response, search_args))
    return render_template(
        "entity.html", kind=kind, entity=entity, name=entity_name(entity, language), response=response,
        level=place_level_name(entity.level) if kind == "place" else None, timeline=timeline,
        all_url=search_url(search_args), latest_url=search_url(search_args, sort="date"),
        co_occurring=companions.rows(response, search_args, language), parents=parents, children=children)


def _found(lookup, key: str):
    try:
        return lookup(key)
    except KeyError:
        abort(404)


@blueprint.get("/place/<code>")
def place_page(code: str):
    entity = _found(place, code)
    parents = [{"name": entity_name(place(parent), ui()), "url": url_for(".place_page", code=parent)}
               for parent in (entity.governorate, entity.district) if parent and parent != entity.id]
    request = SearchRequest(place=(entity.id,), sort="date", per_page=LATEST)
    return _profile("place", entity, request, place_search_args(entity), ACTORS, parents)


@blueprint.get("/actor/<actor_id>")
def actor_page(actor_id: str):
    entity = _found(actor, actor_id)
    request = SearchRequest(actor=(entity.id,), sort="date", per_page=LATEST)
    return _profile("actor", entity, request, MultiDict([("actor", entity.id)]), GOVERNORATES)
