"""JSON API: the same searches as the pages, in the shape DESIGN.md documents."""
from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, current_app, jsonify, request

from ..search.engine import NoIndexError
from .facets import API_FACET_NAMES, facet_entries
from .params import BadRequest, search_request

blueprint = Blueprint("api", __name__, url_prefix="/api")

RESULT_FIELDS = ("id", "title", "snippet", "published", "lang", "source", "url", "places", "governorates",
                 "actors", "translation_langs")


def engine():
    return current_app.extensions["search_engine"]


@blueprint.errorhandler(BadRequest)
def bad_request(error):
    return jsonify(error=str(error)), 400


@blueprint.errorhandler(NoIndexError)
def no_index(error):
    return jsonify(error=str(error)), 503


@blueprint.get("/search")
def search():
    settings = current_app.config["SETTINGS"]
    search_request_ = search_request(request.args, settings, strict=True)
    response = engine().search(search_request_)
    ui = request.args.get("ui") if request.args.get("ui") in ("en", "ar") else settings.ui_language
    facets = facet_entries(response, request.args, ui)
    return jsonify(
        query=search_request_.q, total=response.total, took_ms=response.took_ms, page=search_request_.page,
        per_page=search_request_.per_page,
        results=[{name: asdict(hit)[name] for name in RESULT_FIELDS} for hit in response.hits],
        facets={API_FACET_NAMES[name]: [{key: entry[key] for key in ("value", "label", "count", "selected")}
                                         for entry in entries] for name, entries in facets.items()},
        expansions=response.expansions, suggestion=response.suggestion)
