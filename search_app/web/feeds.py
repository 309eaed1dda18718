"""An Atom feed for any search (newest first) and the OpenSearch description that lets a
browser's address bar search the site."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from flask import Blueprint, Response, current_app, render_template, request
from flask_babel import gettext as _

from ..search.engine import NoIndexError
from .context import engine, ui
from .facets import chips, search_url
from .labels import facet_label
from .params import read_search
from .urls import absolute_url, external_url

blueprint = Blueprint("feeds", __name__)
FEED_ENTRIES = 50
SUMMARY_CHARS = 400
# Characters XML 1.0 cannot carry: dropped from the rendered feed (a story's text is whatever its source sent).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class FeedEntry:
    permalink: str
    title: str
    lang: str
    source_url: str | None  # the story at its publisher, when that is a web address
    stamp: str  # RFC 3339: both <updated> and <published>
    source: str
    categories: list[tuple[str, str]]  # (term, label): its governorates, then its actors
    summary: str


@dataclass(frozen=True)
class Feed:
    lang: str
    title: str
    self_url: str
    results_url: str  # the same search as a page
    updated: str
    entries: list[FeedEntry]


def _rfc3339(value: dt.datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value.replace(microsecond=0).isoformat() + "Z"


def _feed_title(req, args, language: str) -> str:
    """The site's name, then what the search asks for: its words and its filters."""
    described = ([req.q] if req.q.strip() else []) + [chip.label for chip in chips(args, req, language)]
    title = _("Syria news search")
    return f"{title}: {' · '.join(described)}" if described else title


def _entry(document, fallback: dt.datetime, language: str) -> FeedEntry:
    body = document.body if len(document.body) <= SUMMARY_CHARS else document.body[:SUMMARY_CHARS] + "…"
    categories = ([(code, facet_label("governorate", code, language)) for code in document.governorates]
                  + [(code, facet_label("actor", code, language)) for code in document.actors])
    return FeedEntry(permalink=external_url("views.article", article_id=document.id),
                     title=document.title or document.id, lang=document.lang or language,
                     source_url=document.url if document.url.startswith(("http://", "https://")) else None,
                     stamp=_rfc3339(document.published or fallback), source=document.source,
                     categories=categories, summary=body)


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
    fallback = dt.datetime.fromisoformat(built_at) if built_at else dt.datetime(2000, 1, 1)
    newest = max((document.published for document in documents if document.published), default=fallback)
    feed = Feed(lang=language, title=_feed_title(req, args, language),
                self_url=absolute_url(search_url(args, endpoint="feeds.atom")),
                results_url=absolute_url(search_url(args)), updated=_rfc3339(newest),
                entries=[_entry(document, fallback, language) for document in documents])
    xml = _NOT_XML.sub("", render_template("feed.atom.xml", feed=feed))
    return Response(xml, mimetype="application/atom+xml", content_type="application/atom+xml; charset=utf-8")


@blueprint.get("/opensearch.xml", endpoint="opensearch")
def opensearch():
    xml = render_template("opensearch.xml", search_url=external_url("views.search"),
                          feed_url=external_url("feeds.atom"), self_url=external_url("feeds.opensearch"))
    return Response(xml, content_type="application/opensearchdescription+xml; charset=utf-8")
