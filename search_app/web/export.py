"""Export the current result set as CSV or JSONL, streamed, up to EXPORT_LIMIT rows.

CSV starts with a UTF-8 byte order mark so that spreadsheets open Arabic text as Arabic. JSONL
lines use the ingest format (url, source, title, body, lang, published, translations), so an
export can be ingested elsewhere, plus the facet ids and a permalink.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

from flask import Blueprint, Response, current_app, request, stream_with_context, url_for

from .labels import facet_label
from .params import search_request
from .views import engine, ui

blueprint = Blueprint("export", __name__)
EXPORT_LIMIT = 10_000
CSV_COLUMNS = ("id", "published", "lang", "source", "title", "body", "translation_lang", "translation_title",
               "translation_body", "url", "permalink", "governorates", "districts", "places", "actors",
               "governorate_names", "actor_names")


def _filename(extension: str) -> str:
    words = re.sub(r"[^A-Za-z0-9]+", "-", request.args.get("q", "")).strip("-").lower()[:40]
    return f"syria-news-{words or 'all'}-{dt.date.today().isoformat()}.{extension}"


def _documents():
    req = search_request(request.args, current_app.config["SETTINGS"], per_page=1)
    engine().generation()  # no index: fail now with a page, not halfway through a download
    return engine().iter_documents(req, EXPORT_LIMIT)


def _published(document) -> str:
    return document.published.date().isoformat() if document.published else ""


def _attachment(rows, content_type: str, extension: str) -> Response:
    # content_type, not mimetype: Werkzeug adds "; charset=utf-8" to a text/* mimetype a second time.
    response = Response(stream_with_context(rows), content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{_filename(extension)}"'
    return response


@blueprint.get("/export.csv", endpoint="csv")
def csv_export():
    language = ui()
    documents = _documents()

    def rows():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        buffer.write("\ufeff")
        writer.writerow(CSV_COLUMNS)
        for document in documents:
            translation = document.translations[0] if document.translations else {}
            writer.writerow([
                document.id, _published(document), document.lang, document.source, document.title, document.body,
                translation.get("lang", ""), translation.get("title", ""), translation.get("body", ""),
                document.url, url_for("views.article", article_id=document.id, _external=True),
                " ".join(document.governorates), " ".join(document.districts), " ".join(document.places),
                " ".join(document.actors),
                "; ".join(facet_label("governorate", code, language) for code in document.governorates),
                "; ".join(facet_label("actor", code, language) for code in document.actors)])
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
        yield buffer.getvalue()

    return _attachment(rows(), "text/csv; charset=utf-8", "csv")


@blueprint.get("/export.jsonl", endpoint="jsonl")
def jsonl_export():
    documents = _documents()

    def rows():
        for document in documents:
            record = {"id": document.id, "kind": document.kind, "url": document.url, "source": document.source,
                      "title": document.title,
                      "body": document.body, "lang": document.lang, "published": _published(document) or None,
                      "translations": document.translations, "governorates": document.governorates,
                      "districts": document.districts, "places": document.places, "actors": document.actors,
                      "permalink": url_for("views.article", article_id=document.id, _external=True)}
            yield json.dumps(record, ensure_ascii=False) + "\n"

    return _attachment(rows(), "application/x-ndjson; charset=utf-8", "jsonl")
