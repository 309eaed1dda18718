"""Export the current result set as CSV or JSONL, streamed, up to EXPORT_LIMIT rows.

CSV starts with a UTF-8 byte order mark so that spreadsheets open Arabic text as Arabic, and a cell
that a spreadsheet would run as a formula (it starts with = + - @, a tab or a carriage return) gets a
leading ``'`` as OWASP's CSV-injection advice has it: an article's text is whatever its source wrote. JSONL
lines use the ingest format (url, source, title, body, lang, published, translations), so an
export can be ingested elsewhere, plus the facet ids and a permalink.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

from flask import Blueprint, Response, current_app, request, stream_with_context

from .context import engine, ui
from .labels import facet_label
from .params import read_search
from .urls import external_url

blueprint = Blueprint("export", __name__)
EXPORT_LIMIT = 10_000
CSV_COLUMNS = ("id", "kind", "published", "lang", "source", "title", "body", "translation_lang", "translation_title",
               "translation_body", "url", "permalink", "governorates", "districts", "places", "actors",
               "governorate_names", "actor_names")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _filename(extension: str) -> str:
    words = re.sub(r"[^A-Za-z0-9]+", "-", request.args.get("q", "")[:200]).strip("-").lower()[:40]
    return f"syria-news-{words or 'all'}-{dt.date.today().isoformat()}.{extension}"


def _documents():
    req = read_search(request.args, current_app.config["SETTINGS"], per_page=1).request
    engine().check()  # no index: fail now with a page, not halfway through a download
    return engine().iter_documents(req, EXPORT_LIMIT)


def spreadsheet_safe(cell: str) -> str:
    """The cell as text a spreadsheet shows rather than evaluates."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


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
            writer.writerow([spreadsheet_safe(cell) for cell in (
                document.id, document.kind, _published(document), document.lang, document.source, document.title,
                document.body,
                translation.get("lang", ""), translation.get("title", ""), translation.get("body", ""),
                document.url, external_url("views.article", article_id=document.id),
                " ".join(document.governorates), " ".join(document.districts), " ".join(document.places),
                " ".join(document.actors),
                "; ".join(facet_label("governorate", code, language) for code in document.governorates),
                "; ".join(facet_label("actor", code, language) for code in document.actors))])
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
                      "permalink": external_url("views.article", article_id=document.id)}
            yield json.dumps(record, ensure_ascii=False) + "\n"

    return _attachment(rows(), "application/x-ndjson; charset=utf-8", "jsonl")
