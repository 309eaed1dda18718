"""Server-rendered pages: search, article, health."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, g, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from ..enrich.actors import actor
from ..enrich.places import place
from ..search.engine import NoIndexError, SearchRequest
from ..search.marks import TextMarker
from .context import (article_url, back_to_results_url, carried_search, engine, search_args, search_state,
                      stored_article, ui)
from .facets import (FACET_TITLES, PLACE_PARAMS, build_facets, chips, counts_items, kind_tabs, place_search_args,
                     search_url, toggle_url)
from .labels import entity_name, facet_label, place_level_name
from .pagination import page_links
from .params import URL_FILTERS, current_search, read_search
from .tilemap import build_map
from .timeline import build_timeline
from .urls import external_url, with_args

blueprint = Blueprint("views", __name__)


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
    g.search_state = state = read_search(request.args, current_app.config["SETTINGS"])
    args = state.args
    req = state.request
    language = ui()
    response = engine().search(req)
    without = engine().without(req) if response.total == 0 else {}
    no_articles_yet = response.total == 0 and engine().stats().get("documents") == 0
    pages = -(-response.total // req.per_page)
    items = counts_items(response, args)
    timeline = build_timeline({v.value: v.count for v in response.facets.get("month", [])}, req.date_from,
                              req.date_to, lambda start, end: search_url(args, **{"from": start, "to": end,
                                                                               "year": None}), language, items)
    tile_map = build_map({v.value: v.count for v in response.facets.get("governorate", [])},
                         set(req.governorate), lambda code: toggle_url(args, "governorate", code), language, items)
    chosen = chips(args, req, language)
    page_url = lambda number: search_url(args, page=str(number) if number > 1 else None)  # noqa: E731
    return render_template(
        "search.html", response=response, req=req, items=items, facets=build_facets(response, args, language),
        chips=chosen, kind_tabs=kind_tabs(response, args, language),
        clear_url=search_url(args, **{name: None for name in (*URL_FILTERS, "from", "to")})
        if len(chosen) > 1 else None, problems=state.problems,
        pages=pages, page_links=page_links(req.page, pages, page_url), no_articles_yet=no_articles_yet,
        past_last_page_url=page_url(pages) if response.total and req.page > pages else None,
        timeline=timeline, tile_map=tile_map, suggestion=response.suggestion,
        relaxations=_relaxations(req, args, without, language), profile_links=_profile_links(req, language),
        search_fields=current_search(args, drop=("q", "spell")), date_fields=current_search(args, drop=("from", "to", "year")),
        prev_url=page_url(req.page - 1) if 1 < req.page <= pages else None,
        next_url=page_url(req.page + 1) if req.page < pages else None,
        feed_url=search_url(args, endpoint="feeds.atom"),
        export_csv_url=search_url(args, endpoint="export.csv"),
        export_jsonl_url=search_url(args, endpoint="export.jsonl"))


@blueprint.get("/article/<article_id>")
def article(article_id: str):
    found = stored_article(article_id)
    if found is None:
        abort(404)
    return render_article(found)


def _narrow_shows(found, marker) -> str:
    """Which text a phone shows of the side-by-side view (it has room for one): the original,
    unless only a translation holds what the search matched."""
    def matched(text: str, lang: str) -> bool:
        return "<mark" in marker.mark(text, lang)

    if not matched(f"{found.title}\n{found.body}", found.lang) and any(
            matched(f"{translation.title}\n{translation.body}", translation.lang) for translation in found.translations):
        return "translation"
    return "original"


def render_article(found, translate_error: str | None = None, status: int = 200):
    """The article page: original and translations side by side, its places and actors, more like it;
    "Translate" when it has no English and a translator is configured."""
    from ..translate import configured_translator  # the write side, loaded only for this page

    view = request.args.get("view", "both")
    if view not in ("both", "original", "translation") or not found.translations:
        view = "both" if found.translations else "original"
    args = search_args()  # normalised: what the page carries on is never the raw query string
    state = search_state()
    req = state.request if state is not None else SearchRequest()
    try:
        related = engine().more_like_this(found.id)
        marker = engine().text_marker(req.q, req.expand)
    except NoIndexError:  # the store alone still shows the article
        related, marker = [], TextMarker()
    views = [(name, label, article_url(found.id, view=name))
             for name, label in (("both", _("Side by side")), ("original", _("Original")),
                                 ("translation", _("Translation")))]
    source_url = found.url if found.url.lower().startswith(("http://", "https://")) else None
    offer_translation = (found.lang != "en" and found.text_in("en") is None
                         and configured_translator(current_app.config["SETTINGS"], source=found.lang) is not None)
    translate_url = (with_args(url_for("translation.translate", article_id=found.id), MultiDict(carried_search(args)))
                     if offer_translation else None)
    return render_template("article.html", article=found, view=view, views=views,
                           narrow_shows=_narrow_shows(found, marker) if view == "both" else view,
                           entities=_article_entities(found, ui()),
                           translate_url=translate_url, translate_error=translate_error,
                           source_url=source_url, req=req, search_fields=current_search(args, drop=("q",)),
                           back_url=back_to_results_url(args),
                           mark=lambda text, lang: Markup(marker.mark(text, lang)),
                           related=related, permalink=external_url("views.article", article_id=found.id)), status


def _article_entities(found, language: str) -> list[dict]:
    """The article's places (broadest first) and actors, each with its search and its own page."""
    places = []
    for code in found.places:
        try:
            entity = place(code)
        except KeyError:
            continue
        if entity.level in PLACE_PARAMS:
            places.append({"kind": "place", "level": entity.level, "level_name": place_level_name(entity.level),
                           "name": entity_name(entity, language),
                           "url": with_args(url_for("views.search"), place_search_args(entity)),
                           "profile": url_for("entities.place_page", code=entity.id)})
    places.sort(key=lambda item: PLACE_PARAMS.index(item["level"]))
    actors = []
    for actor_id in found.actors:
        try:
            entity = actor(actor_id)
        except KeyError:
            continue
        actors.append({"kind": "actor", "level": "actor", "level_name": None, "name": entity_name(entity, language),
                       "url": url_for("views.search", actor=actor_id),
                       "profile": url_for("entities.actor_page", actor_id=actor_id)})
    return places + actors


@blueprint.get("/healthz")
def healthz():
    try:
        stats = engine().stats()
    except NoIndexError as error:
        return jsonify(status="no index", error=str(error)), 503
    return jsonify(status="ok", **stats)
