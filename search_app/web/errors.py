"""Error answers: JSON under /api/, a normal page everywhere else; never a stack trace."""
from __future__ import annotations

import logging

from flask import jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, InternalServerError

from ..search.engine import NoIndexError
from ..store import StoreUnavailableError
from .params import MAX_FILTER_VALUES, MAX_VALUES, BadRequest, TooManyValues

log = logging.getLogger(__name__)


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _page_message(code: int | str) -> str:
    messages = {400: _("That request could not be understood."), 404: _("There is no page at this address."),
                403: _("That request can only come from this site's own pages."),
                405: _("That method is not allowed here."), 503: _("The search index is not available yet."),
                "no store": _("The article store is not available yet.")}
    return messages.get(code, _("Something went wrong on our side."))


def register_error_handlers(app) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if _wants_json():
            return jsonify(error=error.description or error.name), error.code
        return render_template("error.html", message=_page_message(error.code), code=error.code), error.code

    @app.errorhandler(BadRequest)
    def bad_parameter(error: BadRequest):
        """A parameter no page can use (the API's own handler answers it as JSON)."""
        if _wants_json():
            return jsonify(error=str(error)), 400
        message = (_("This search is too large: at most %(count)s values of one parameter and %(total)s "
                     "filter values in all.", count=MAX_VALUES, total=MAX_FILTER_VALUES)
                   if isinstance(error, TooManyValues) else _page_message(400))
        return render_template("error.html", message=message, code=400), 400

    @app.errorhandler(NoIndexError)
    @app.errorhandler(StoreUnavailableError)
    def unavailable(error: Exception):
        """No index or no readable store yet: 503 with the command that makes one (for the operator)."""
        log.error("%s", error)
        if _wants_json():
            return jsonify(error=str(error)), 503
        message = _page_message("no store" if isinstance(error, StoreUnavailableError) else 503)
        return render_template("error.html", message=message, detail=str(error), code=503), 503

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        log.exception("unhandled error on %s", request.path)
        if _wants_json():
            return jsonify(error=InternalServerError.description), 500
        return render_template("error.html", message=_page_message(500), code=500), 500
