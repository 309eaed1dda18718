"""Server-rendered pages: search, article, health."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, render_template, request
from flask_babel import get_locale

from ..enrich.actors import actor
from ..enrich.places import place
from ..search.engine import NoIndexError
from ..store import open_store
from .facets import facet_entries, search_url, toggle_url
from .labels import facet_label, language_name
from .params import search_request

blueprint = Blueprint("views", __name__)


def engine():
    return current_app.extensions["search_engine"]


def ui() -> str:
    return str(get_locale())


@blueprint.app_context_processor
def template_helpers():
    return {"ui": ui(), "text_dir": text_dir, "language_name": language_name, "facet_label": facet_label,
            "search_url": lambda **changes: search_url(request.args, **changes)}


def text_dir(lang: str) -> str:
    return "rtl" if lang == "ar" else "ltr"


@blueprint.get("/")
def search():
    settings = current_app.config["SETTINGS"]
    search_request_ = search_request(request.args, settings)
    try:
        response = engine().search(search_request_)
    except NoIndexError as error:
        return render_template("error.html", message=str(error)), 503
    pages = -(-response.total // search_request_.per_page)
    chips = [{"facet": facet, "label": facet_label(facet, value, ui()), "url": toggle_url(request.args, facet, value)}
             for facet, values in search_request_.filters().items() for value in values]
    return render_template("search.html", response=response, req=search_request_,
                           facets=facet_entries(response, request.args, ui()), chips=chips, pages=pages)


@blueprint.get("/article/<article_id>")
def article(article_id: str):
    with open_store(current_app.config["SETTINGS"]) as store:
        found = store.get(article_id)
    if found is None:
        abort(404)
    view = request.args.get("view", "both")
    if view not in ("both", "original", "translation") or not found.translations:
        view = "both" if found.translations else "original"
    places = [place(code) for code in found.governorates + found.districts]
    actors = [actor(actor_id) for actor_id in found.actors]
    return render_template("article.html", article=found, view=view, places=places, actors=actors)


@blueprint.get("/healthz")
def healthz():
    try:
        stats = engine().stats()
    except NoIndexError as error:
        return jsonify(status="no index", error=str(error)), 503
    return jsonify(status="ok", **stats)


@blueprint.app_errorhandler(404)
def not_found(error):
    return render_template("error.html", message="Not found"), 404


@blueprint.app_errorhandler(500)
def server_error(error):
    return render_template("error.html", message="Something went wrong on our side."), 500
