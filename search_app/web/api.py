"""JSON API: the same searches as the pages, in the shape the README documents ("Web and API").

Every error is JSON with a sentence saying what to change (400), never a stack trace.
"""
from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, current_app, jsonify, request
from flask_babel import force_locale
from flask_babel import gettext as _

from ..enrich.actors import actor
from ..enrich.outlets import outlet_keys, outlet_label
from ..enrich.places import place
from .context import ARTICLE_ID_CHARS, engine, stored_article
from .facets import API_FACET_NAMES, api_facets
from .i18n import UI_LANGUAGES
from .labels import entity_name
from .params import BadRequest, read_search
from .stats import archive_stats
from .urls import external_url

blueprint = Blueprint("api", __name__, url_prefix="/api")

RESULT_FIELDS = ("id", "kind", "title", "snippet", "published", "lang", "source", "sources", "url", "places",
                 "governorates", "actors", "translation_langs")
# /api/facets: the page's drill-down too (town) and the month histogram.
ALL_FACET_NAMES = {**API_FACET_NAMES, "town": "town"}


def _label_language() -> str:
    chosen = request.args.get("ui")
    return chosen if chosen in UI_LANGUAGES else current_app.config["SETTINGS"].ui_language


@blueprint.errorhandler(BadRequest)
def bad_request(error):
    return jsonify(error=str(error)), 400


@blueprint.get("/search")
def search():
    state = read_search(request.args, current_app.config["SETTINGS"], strict=True)
    req = state.request
    response = engine().search(req)
    return jsonify(
        query=req.q, total=response.total, took_ms=response.took_ms, page=req.page, per_page=req.per_page,
        results=[{name: asdict(hit)[name] for name in RESULT_FIELDS} for hit in response.hits],
        facets=api_facets(response, state.args, _label_language()),
        expansions=response.expansions, suggestion=response.suggestion,
        corrected_query=response.corrected_query,
        original_query=req.q if response.corrected_query else None)


@blueprint.get("/facets")
def facets():
    """Every facet of a search with every value (the page shows the first few), and months."""
    state = read_search(request.args, current_app.config["SETTINGS"], strict=True, per_page=1)
    response = engine().search(state.request)
    found = api_facets(response, state.args, _label_language(), ALL_FACET_NAMES)
    found["month"] = [{"value": v.value, "label": v.value, "count": v.count, "selected": False}
                      for v in sorted(response.facets.get("month", []), key=lambda v: v.value)]
    return jsonify(query=state.request.q, total=response.total, facets=found)


@blueprint.get("/article/<article_id>")
def article(article_id: str):
    """One article from the store (the source of truth): original, translations, labelled places."""
    found = stored_article(article_id)
    if found is None:
        return jsonify(error=f"no article with id {article_id[:ARTICLE_ID_CHARS]!r}"), 404
    language = _label_language()

    def named(lookup, codes):
        out = []
        for code in codes:
            try:
                out.append({"id": code, "label": entity_name(lookup(code), language)})
            except KeyError:
                out.append({"id": code, "label": code})
        return out

    with force_locale(language):  # labels in the API's language (``ui``), as the names above
        machine_label = _("Machine translation")
    return jsonify(
        id=found.id, kind=found.kind, url=found.url, source=found.source, lang=found.lang, title=found.title,
        body=found.body, sources=[{"id": key, "label": outlet_label(key, language)}
                                  for key in outlet_keys(found.source, found.url)],
        published=(found.published or "")[:10] or None, precision=found.published_precision,
        translations=[{"lang": t.lang, "title": t.title, "body": t.body, "translator": t.translator,
                       "machine": t.machine, "label": machine_label if t.machine else None}
                      for t in found.translations],
        governorates=list(found.governorates), districts=list(found.districts),
        places=named(place, found.places), actors=named(actor, found.actors),
        permalink=external_url("views.article", article_id=found.id))


@blueprint.get("/stats")
def stats():
    return jsonify(archive_stats())
