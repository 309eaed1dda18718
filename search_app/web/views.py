"""Server-rendered pages: search, article, health."""
from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

from flask import Blueprint, abort, current_app, g, jsonify, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from ..enrich.actors import actor
from ..enrich.places import place
from ..search.engine import NoIndexError, SearchRequest
from ..search.marks import TextMarker
from ..store import Store, open_store_read_only
from .facets import FACET_TITLES, build_facets, chips, kind_tabs, search_url, toggle_url
from .formatting import format_count, format_published
from .i18n import UI_LANGUAGES, text_direction
from .labels import entity_name, facet_label, kind_name, kind_plural, language_name, place_level_name, source_labels
from .pagination import page_links
from .params import URL_FILTERS, BadRequest, SearchState, current_search, read_search
from .tilemap import build_map
from .timeline import build_timeline
from .urls import external_url, this_path

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


def search_state() -> SearchState | None:
    """The current search as read once per request (None when its parameters cannot be used)."""
    if "search_state" not in g:
        try:
            g.search_state = read_search(request.args, current_app.config["SETTINGS"])
        except BadRequest:
            g.search_state = None
    return g.search_state


def search_args() -> MultiDict:
    """The current search's normalised arguments: links are built from these, never from the raw
    query string (its size and its unknown parameters are the client's choice)."""
    state = search_state()
    return state.args if state is not None else MultiDict()


# Arguments of pages other than the search that their language switch keeps.
_PAGE_ARGS = ("view",)


def switch_ui_url(lang: str) -> str:
    """This page in another interface language (the choice is then kept in a cookie)."""
    if request.endpoint == "views.search":
        args = MultiDict(search_args())
    else:
        args = MultiDict([(name, request.args[name][:20]) for name in _PAGE_ARGS if name in request.args])
    args.setlist("ui", [lang])
    return _with_args(this_path(), args)


def _with_args(base: str, args: MultiDict) -> str:
    query = urlencode(list(args.items(multi=True)))
    return base + (f"?{query}" if query else "")


def carried_search(args: MultiDict) -> list[tuple[str, str]]:
    """The search an article was opened from, as its links carry it: the query and filters,
    not the page (an article's address does not change with the page it was listed on)."""
    return current_search(args, drop=("per_page",))


def article_url(article_id: str, **extra) -> str:
    """An article's page, carrying the current search (its matches are marked, and it links
    back to the results)."""
    args = MultiDict(carried_search(search_args()))
    for name, value in extra.items():
        args.setlist(name, [value])
    return _with_args(url_for("views.article", article_id=article_id), args)


def back_to_results_url(args: MultiDict) -> str | None:
    """The results the article was opened from: the very page when the reader came from it
    (the Referer, sent for this site's own pages only), else the first page of that search."""
    carried = carried_search(args)
    if not carried:
        return None
    results = url_for("views.search")
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path == results:
        try:  # the Referer is the client's to write: read it as any search is read
            came_from = read_search(MultiDict(parse_qsl(referrer.query, keep_blank_values=True)),
                                    current_app.config["SETTINGS"])
        except BadRequest:
            came_from = None
        if came_from is not None and carried_search(came_from.args) == carried:
            return _with_args(results, MultiDict(came_from.args))
    return _with_args(results, MultiDict(carried))


@blueprint.app_context_processor
def template_helpers():
    language = ui()
    return {"ui": language, "text_dir": text_direction, "language_name": language_name, "kind_name": kind_name,
            "kind_plural": kind_plural,
            "source_labels": lambda source, url="": source_labels(source, url, language),
            "facet_label": facet_label, "ui_languages": UI_LANGUAGES, "switch_ui_url": switch_ui_url,
            "num": lambda number: format_count(number, language),
            "published": lambda value, precision="day": format_published(value, precision, language),
            "search_url": lambda **changes: search_url(search_args(), **changes), "article_url": article_url}


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
    g.search_state = state = read_search(request.args, current_app.config["SETTINGS"])
    args = state.args
    req = state.request
    language = ui()
    response = engine().search(req)
    without = engine().without(req) if response.total == 0 else {}
    no_articles_yet = response.total == 0 and engine().stats().get("documents") == 0
    pages = -(-response.total // req.per_page)
    timeline = build_timeline({v.value: v.count for v in response.facets.get("month", [])}, req.date_from,
                              req.date_to, lambda start, end: search_url(args, **{"from": start, "to": end,
                                                                               "year": None}), language)
    tile_map = build_map({v.value: v.count for v in response.facets.get("governorate", [])},
                         set(req.governorate), lambda code: toggle_url(args, "governorate", code), language)
    chosen = chips(args, req, language)
    page_url = lambda number: search_url(args, page=str(number) if number > 1 else None)  # noqa: E731
    return render_template(
        "search.html", response=response, req=req, facets=build_facets(response, args, language),
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
    found = article_store().get(article_id[:64])
    if found is None:
        abort(404)
    return render_article(found)


def render_article(found, translate_error: str | None = None, status: int = 200):
    """The article page: original and translations side by side, its places and actors, more like it;
    "Translate" when it has no English and a translator is configured."""
    from ..translate import configured_translator  # the write side, loaded only for this page

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
    translate_url = (_with_args(url_for("translation.translate", article_id=found.id), MultiDict(carried_search(args)))
                     if offer_translation else None)
    return render_template("article.html", article=found, view=view, views=views, entities=entities,
                           translate_url=translate_url, translate_error=translate_error,
                           source_url=source_url, req=req, search_fields=current_search(args, drop=("q",)),
                           back_url=back_to_results_url(args),
                           mark=lambda text, lang: Markup(marker.mark(text, lang)),
                           related=related, permalink=external_url("views.article", article_id=found.id)), status


@blueprint.get("/healthz")
def healthz():
    try:
        stats = engine().stats()
    except NoIndexError as error:
        return jsonify(status="no index", error=str(error)), 503
    return jsonify(status="ok", **stats)
