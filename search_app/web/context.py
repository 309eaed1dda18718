"""What every web module shares within a request: the search engine, the read-only store, the
interface language, the search being looked at and the links that carry it on, and the helpers
every template can call.

Pages, the API, exports, feeds and stats import these from here; ``install`` wires them into the app.
"""
from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from flask import Flask, current_app, g, request, url_for
from flask_babel import get_locale
from werkzeug.datastructures import MultiDict

from ..search import SearchBackend, open_backend
from ..settings import Settings
from ..models import Article
from ..store import Store, open_store_read_only
from .facets import search_url
from .formatting import format_count, format_published
from .i18n import UI_LANGUAGES, text_direction
from .labels import facet_label, kind_name, kind_plural, language_name, source_labels
from .params import BadRequest, SearchState, current_search, read_search
from .urls import this_path, with_args

# Arguments of pages other than the search that their language switch keeps.
PAGE_ARGS = ("view",)
ARTICLE_ID_CHARS = 64  # an id from a URL is cut to this before the store is asked: a client chooses its length


def open_engine(settings: Settings) -> SearchBackend:
    """The search backend the whole web answers from: the one place it is chosen and built."""
    return open_backend(settings)


def install(app: Flask, settings: Settings) -> None:
    """Give ``app`` its engine, the helpers its templates call, and the store's closing."""
    app.extensions["search_engine"] = open_engine(settings)
    app.context_processor(template_helpers)
    app.teardown_appcontext(close_article_store)


def engine() -> SearchBackend:
    return current_app.extensions["search_engine"]


def article_store() -> Store:
    """This request's read-only store connection, opened on first use (closed at teardown)."""
    if "article_store" not in g:
        g.article_store = open_store_read_only(current_app.config["SETTINGS"])
    return g.article_store


def stored_article(article_id: str) -> Article | None:
    """The article with this id, read from the request's store (None when there is none)."""
    return article_store().get(article_id[:ARTICLE_ID_CHARS])


def close_article_store(_error=None) -> None:
    store = g.pop("article_store", None)
    if store is not None:
        store.close()


def ui() -> str:
    """The interface language of this request."""
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


def switch_ui_url(lang: str) -> str:
    """This page in another interface language (the choice is then kept in a cookie)."""
    if request.endpoint == "views.search":
        args = MultiDict(search_args())
    else:
        args = MultiDict([(name, request.args[name][:20]) for name in PAGE_ARGS if name in request.args])
    args.setlist("ui", [lang])
    return with_args(this_path(), args)


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
    return with_args(url_for("views.article", article_id=article_id), args)


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
            return with_args(results, MultiDict(came_from.args))
    return with_args(results, MultiDict(carried))


# Between the parts of a result's or an article's line. A middle dot beside Arabic-Indic digits reads
# as the Arabic zero (٠): "٢ تشرين الأول ٢٠١٦ ·" looked like "٢٠١٦٠".
SEPARATORS = {"ar": "|"}


def template_helpers() -> dict:
    """The names every template can use (a Flask context processor)."""
    language = ui()
    return {"ui": language, "sep": SEPARATORS.get(language, "·"), "text_dir": text_direction, "language_name": language_name, "kind_name": kind_name,
            "kind_plural": kind_plural,
            "source_labels": lambda source, url="": source_labels(source, url, language),
            "facet_label": facet_label, "ui_languages": UI_LANGUAGES, "switch_ui_url": switch_ui_url,
            "num": lambda number: format_count(number, language),
            "published": lambda value, precision="day": format_published(value, precision, language),
            "search_url": lambda **changes: search_url(search_args(), **changes), "article_url": article_url}
