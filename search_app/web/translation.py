"""The article page's "Translate" button: a POST that machine-translates one article and stores it.

The only write the web makes. It opens a writable store for that one write (the pages read a
read-only one) and answers only a form posted from this site: the Origin (or, without it, the
Referer) must name this host, so another site cannot make a visitor's browser spend the translator.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, redirect, request
from flask_babel import gettext as _

from ..store import open_store
from ..translate import configured_translator, translate_article
from .context import article_url, stored_article
from .views import render_article

blueprint = Blueprint("translation", __name__)


def _from_this_site() -> bool:
    sender = request.headers.get("Origin") or request.headers.get("Referer")
    if not sender or sender == "null":
        return False
    hosts = {request.host.lower()}
    base_url = current_app.config["SETTINGS"].base_url
    if base_url:
        hosts.add(urlsplit(base_url).netloc.lower())
    return urlsplit(sender).netloc.lower() in hosts


@blueprint.post("/article/<article_id>/translate")
def translate(article_id: str):
    if not _from_this_site():
        abort(403)
    found = stored_article(article_id)
    if found is None:
        abort(404)
    settings = current_app.config["SETTINGS"]
    translator = configured_translator(settings, source=found.lang)
    if translator is None or found.lang == "en" or found.text_in("en") is not None:
        return redirect(article_url(found.id), 303)  # nothing to do: the page as it is
    with open_store(settings) as store:
        error = translate_article(store, translator, found)
        stored = store.get(found.id)
    if error is None:
        return redirect(article_url(found.id, view="both"), 303)
    # The engine's own words stay in the store's failure record: they may name an internal address.
    return render_article(stored or found, status=502,
                          translate_error=_("The translator could not translate this article now; try again later."))
