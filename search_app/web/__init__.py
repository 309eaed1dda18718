"""Flask front end: pages, JSON API, exports and feeds over the search interface."""
from __future__ import annotations

from flask import Flask, g
from flask_babel import Babel

from ..settings import Settings
from . import context
from .i18n import UI_COOKIE, compiled_catalogs, ui_language

CONTENT_SECURITY_POLICY = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                           "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or Settings.from_env()
    app = Flask(__name__)  # templates/ and static/ beside this module, inside the package
    app.config.update(SETTINGS=settings, BABEL_TRANSLATION_DIRECTORIES=str(compiled_catalogs()),
                      DEBUG=False, PROPAGATE_EXCEPTIONS=False, MAX_CONTENT_LENGTH=64 * 1024)
    app.json.ensure_ascii = False
    context.install(app, settings)
    Babel(app, locale_selector=lambda: ui_language(settings.ui_language))

    from . import api, entities, errors, export, feeds, stats, translation, views
    for module in (views, api, entities, stats, export, feeds, translation):
        app.register_blueprint(module.blueprint)
    errors.register_error_handlers(app)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if getattr(g, "set_ui_cookie", None):
            response.set_cookie(UI_COOKIE, g.set_ui_cookie, max_age=365 * 24 * 3600, samesite="Lax")
        response.vary.add("Cookie")
        return response

    return app
