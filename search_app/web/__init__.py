"""Flask front end: pages and JSON API over the search interface."""
from __future__ import annotations

from flask import Flask, g, request
from flask_babel import Babel

from ..search import SearchEngine
from ..settings import PROJECT_ROOT, Settings

UI_LANGUAGES = ("en", "ar")
UI_COOKIE = "ui"


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or Settings.from_env()
    app = Flask(__name__, template_folder=str(PROJECT_ROOT / "templates"))
    app.config.update(SETTINGS=settings, JSON_AS_ASCII=False,
                      BABEL_TRANSLATION_DIRECTORIES=str(PROJECT_ROOT / "search_app" / "translations"))
    app.json.ensure_ascii = False
    app.extensions["search_engine"] = SearchEngine(settings.index_dir)
    Babel(app, locale_selector=lambda: ui_language(settings))

    from . import api, views
    app.register_blueprint(views.blueprint)
    app.register_blueprint(api.blueprint)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy",
                                    "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                                    "script-src 'self'; frame-ancestors 'none'; base-uri 'none'")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if getattr(g, "set_ui_cookie", None):
            response.set_cookie(UI_COOKIE, g.set_ui_cookie, max_age=365 * 24 * 3600, samesite="Lax")
        return response

    return app


def ui_language(settings: Settings) -> str:
    """``?ui=ar`` switches and is remembered in a cookie; otherwise the cookie, then the default."""
    chosen = request.args.get("ui")
    if chosen in UI_LANGUAGES:
        g.set_ui_cookie = chosen
        return chosen
    remembered = request.cookies.get(UI_COOKIE)
    return remembered if remembered in UI_LANGUAGES else settings.ui_language
