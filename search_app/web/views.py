"""Server-rendered pages: search, article, health."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, g, jsonify, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from ..enrich.actors import actor
from ..enrich.places import place
from ..search.engine import NoIndexError
from ..store import Store, open_store_read_only
from .facets import FACET_TITLES, build_facets, chips, search_url, toggle_url
from .formatting import format_count, format_published
from .i18n import UI_LANGUAGES, text_direction
from .labels import entity_name, facet_label, language_name, place_level_name
from .params import URL_FILTERS, current_search, search_request
from .tilemap import build_map
from .timeline import build_timeline

blueprint = Blueprint("views", __name__)
PLACE_PARAMS = ("governorate", "district", "town")


def engine():
    return current_app.extensions["search_engine"]


def article_store() -> Store:
    """This request's read-only store connection, opened on first use (closed at teardown)."""
    if "article_store" not in g:
        g.article_store = open_store_read_only(current_app.config["SETTINGS"])
    return g.article_store


def close_article_store(_error=None) -> None:
    store = g.pop("article_store", None)
    if store is not None:
        store.close()


def ui() -> str:
    return str(get_locale())


def switch_ui_url(lang: str) -> str:
    """This page in another interface language (the choice is then kept in a cookie)."""
    args = MultiDict(request.args)
    args.setlist("ui", [lang])
    return _with_args(request.path, args)


def _with_args(base: str, args: MultiDict) -> str:
    query = urlencode(list(args.items(multi=True)))
    return base + (f"?{query}" if query else "")


@blueprint.app_context_processor
def template_helpers():
    language = ui()
    return {"ui": language, "text_dir": text_direction, "language_name": language_name,
            "facet_label": facet_label, "ui_languages": UI_LANGUAGES, "switch_ui_url": switch_ui_url,
            "num": lambda number: format_count(number, language),
            "published": lambda value, precision="day": format_published(value, precision, language),
            "search_url": lambda **changes: search_url(request.args, **changes)}


def place_search_args(entity) -> MultiDict:
    """The search for one place, with its parents chosen too so the facets show the drill-down."""
    args = MultiDict()
    if entity.level == "governorate":
        args.add("governorate", entity.id)
        return args
    if entity.governorate:
        args.add("governorate", entity.governorate)
    if entity.level == "district":
        args.add("district", entity.id)
        return args
    if entity.district:
        args.add("district", entity.district)
    args.add("town", entity.id)
    return args


def _relaxations(req, args: MultiDict, without: dict[str, int], language: str) -> list[dict]:
    """For a search that found nothing: each filter (or the words) it could drop, and what then."""
    options = []
    narrowed = any(group != "q" for group in without)
    for group, count in sorted(without.items(), key=lambda item: -item[1]):
        if not count or (group == "q" and not narrowed):  # dropping the only thing typed: not advice
            continue
        if group == "q":
            label, url = _("the words “%(q)s”", q=req.q), search_url(args, q=None)
        elif group == "date":
            label, url = _("the date range"), search_url(args, **{"from": None, "to": None})
        else:
            params = PLACE_PARAMS if group == "place" else (group,)
            names = [facet_label(param, value, language) for param in params for value in args.getlist(param)]
            title = _("Place") if group == "place" else FACET_TITLES[group]
            label, url = f"{title}: {', '.join(names)}", search_url(args, **{param: None for param in params})
        options.append({"label": label, "count": count, "url": url})
    return options


def _profile_links(req, language: str) -> list[dict]:
    """When one place or one actor is chosen, a link to its page."""
    links = []
    place_choice = next((values for values in (req.place, req.district, req.governorate) if values), ())
    if len(place_choice) == 1:
        try:
            links.append({"label": entity_name(place(place_choice[0]), language),
                          "url": url_for("entities.place_page", code=place_choice[0])})
        except KeyError:
            pass
    if len(req.actor) == 1:
        try:
            links.append({"label": entity_name(actor(req.actor[0]), language),
                          "url": url_for("entities.actor_page", actor_id=req.actor[0])})
        except KeyError:
            pass
    return links


@blueprint.get("/")
def search():
    settings = current_app.config["SETTINGS"]
    args = request.args
    req = search_request(args, settings)
    language = ui()
    response = engine().search(req)
    without = engine().without(req) if response.total == 0 else {}
    pages = -(-response.total // req.per_page)
    timeline = build_timeline({v.value: v.count for v in response.facets.get("month", [])}, req.date_from,
                              req.date_to, lambda start, end: search_url(args, **{"from": start, "to": end,
                                                                               "year": None}), language)
    tile_map = build_map({v.value: v.count for v in response.facets.get("governorate", [])},
                         set(req.governorate), lambda code: toggle_url(args, "governorate", code), language)
    chosen = chips(args, req, language)
    return render_template(
        "search.html", response=response, req=req, facets=build_facets(response, args, language),
        chips=chosen, clear_url=search_url(args, **{name: None for name in (*URL_FILTERS, "from", "to")})
        if len(chosen) > 1 else None,
        pages=pages, timeline=timeline, tile_map=tile_map, suggestion=response.suggestion,
        relaxations=_relaxations(req, args, without, language), profile_links=_profile_links(req, language),
        search_fields=current_search(args, drop=("q", "spell")), date_fields=current_search(args, drop=("from", "to", "year")),
        prev_url=search_url(args, page=str(req.page - 1)) if req.page > 1 else None,
        next_url=search_url(args, page=str(req.page + 1)) if req.page < pages else None,
        feed_url=search_url(args, endpoint="feeds.atom"),
        export_csv_url=search_url(args, endpoint="export.csv"),
        export_jsonl_url=search_url(args, endpoint="export.jsonl"))


@blueprint.get("/article/<article_id>")
def article(article_id: str):
    found = article_store().get(article_id[:64])
    if found is None:
        abort(404)
    view = request.args.get("view", "both")
    if view not in ("both", "original", "translation") or not found.translations:
        view = "both" if found.translations else "original"
    language = ui()
    entities = []
    for code in found.places:
        try:
            entity = place(code)
        except KeyError:
            continue
        if entity.level in ("governorate", "district", "town"):
            entities.append({"kind": "place", "level": entity.level, "level_name": place_level_name(entity.level),
                             "name": entity_name(entity, language),
                             "url": _with_args(url_for("views.search"), place_search_args(entity)),
                             "profile": url_for("entities.place_page", code=entity.id)})
    order = {"governorate": 0, "district": 1, "town": 2}
    entities.sort(key=lambda item: order[item["level"]])
    for actor_id in found.actors:
        try:
            entity = actor(actor_id)
        except KeyError:
            continue
        entities.append({"kind": "actor", "level": "actor", "level_name": None, "name": entity_name(entity, language),
                         "url": url_for("views.search", actor=actor_id),
                         "profile": url_for("entities.actor_page", actor_id=actor_id)})
    try:
        related = engine().more_like_this(found.id)
    except NoIndexError:
        related = []
    views = [(name, label, url_for("views.article", article_id=found.id, view=name))
             for name, label in (("both", _("Side by side")), ("original", _("Original")),
                                 ("translation", _("Translation")))]
    source_url = found.url if found.url.lower().startswith(("http://", "https://")) else None
    return render_template("article.html", article=found, view=view, views=views, entities=entities,
                           source_url=source_url,
                           related=related, permalink=url_for("views.article", article_id=found.id,
                                                              _external=True))


@blueprint.get("/healthz")
def healthz():
    try:
        stats = engine().stats()
    except NoIndexError as error:
        return jsonify(status="no index", error=str(error)), 503
    return jsonify(status="ok", **stats)
