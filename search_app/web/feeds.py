"""An Atom feed for any search (newest first) and the OpenSearch description that lets a
browser's address bar search the site."""
from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from dataclasses import replace

from flask import Blueprint, Response, current_app, request
from flask_babel import gettext as _

from ..search.engine import NoIndexError
from .context import engine, ui
from .facets import chips, search_url
from .labels import facet_label
from .params import read_search
from .urls import absolute_url, external_url

blueprint = Blueprint("feeds", __name__)
ATOM = "http://www.w3.org/2005/Atom"
OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"
FEED_ENTRIES = 50
SUMMARY_CHARS = 400
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # characters XML 1.0 cannot carry


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text or "")


def _rfc3339(value: dt.datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value.replace(microsecond=0).isoformat() + "Z"


def _element(parent, tag: str, text: str | None = None, **attributes) -> ET.Element:
    node = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: _clean(v) for k, v in attributes.items()})
    if text is not None:
        node.text = _clean(text)
    return node


@blueprint.get("/feed.atom", endpoint="atom")
def atom():
    language = ui()
    state = read_search(request.args, current_app.config["SETTINGS"], per_page=1)
    req, args = replace(state.request, sort="date"), state.args
    try:
        documents = list(engine().iter_documents(req, FEED_ENTRIES))
        built_at = engine().stats().get("built_at")
    except NoIndexError:
        documents, built_at = [], None
    title = _("Syria news search")
    described = ([req.q] if req.q.strip() else []) + [chip.label for chip in chips(args, req, language)]
    if described:
        title = f"{title}: {' · '.join(described)}"
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": language})
    self_url = absolute_url(search_url(args, endpoint="feeds.atom"))
    _element(feed, "id", self_url)
    _element(feed, "title", title)
    _element(feed, "subtitle", _("The newest articles matching this search"))
    newest = [d.published for d in documents if d.published]
    fallback = dt.datetime.fromisoformat(built_at) if built_at else dt.datetime(2000, 1, 1)
    _element(feed, "updated", _rfc3339(max(newest) if newest else fallback))
    _element(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    _element(feed, "link", rel="alternate", type="text/html", href=absolute_url(search_url(args)))
    _element(_element(feed, "author"), "name", _("Syria news search"))
    _element(feed, "generator", "search_app")
    for document in documents:
        permalink = external_url("views.article", article_id=document.id)
        entry = _element(feed, "entry")
        entry.set("{http://www.w3.org/XML/1998/namespace}lang", document.lang or language)
        _element(entry, "id", permalink)
        _element(entry, "title", document.title or document.id, type="text")
        _element(entry, "link", rel="alternate", type="text/html", href=permalink)
        if document.url.startswith(("http://", "https://")):
            _element(entry, "link", rel="related", type="text/html", href=document.url)
        stamp = _rfc3339(document.published or fallback)
        _element(entry, "updated", stamp)
        _element(entry, "published", stamp)
        _element(_element(entry, "author"), "name", document.source or _("unknown source"))
        for code in document.governorates:
            _element(entry, "category", term=code, label=facet_label("governorate", code, language))
        for code in document.actors:
            _element(entry, "category", term=code, label=facet_label("actor", code, language))
        body = document.body if len(document.body) <= SUMMARY_CHARS else document.body[:SUMMARY_CHARS] + "…"
        _element(entry, "summary", body, type="text")
    ET.register_namespace("", ATOM)
    xml = ET.tostring(feed, encoding="unicode", xml_declaration=False)
    return Response('<?xml version="1.0" encoding="utf-8"?>\n' + xml,
                    mimetype="application/atom+xml", content_type="application/atom+xml; charset=utf-8")


@blueprint.get("/opensearch.xml", endpoint="opensearch")
def opensearch():
    ET.register_namespace("", OPENSEARCH)
    root = ET.Element(f"{{{OPENSEARCH}}}OpenSearchDescription")

    def add(tag, text=None, **attributes):
        node = ET.SubElement(root, f"{{{OPENSEARCH}}}{tag}", attributes)
        node.text = text
        return node

    add("ShortName", _("Syria news"))
    add("Description", _("Search English and Arabic reporting on Syria"))
    add("InputEncoding", "UTF-8")
    add("Url", type="text/html", method="get", template=external_url("views.search") + "?q={searchTerms}")
    add("Url", type="application/atom+xml", template=external_url("feeds.atom") + "?q={searchTerms}")
    add("Url", type="application/opensearchdescription+xml", rel="self",
        template=external_url("feeds.opensearch"))
    add("Language", "en")
    add("Language", "ar")
    xml = ET.tostring(root, encoding="unicode")
    return Response('<?xml version="1.0" encoding="utf-8"?>\n' + xml,
                    content_type="application/opensearchdescription+xml; charset=utf-8")
