"""Interface languages: which one a request gets, and the message catalogs behind them.

The Arabic catalog is kept as a ``.po`` file under version control; the ``.mo`` that gettext
reads is compiled from it when the app starts (a fresh clone has none, and an edited ``.po``
makes it stale). If the package directory is read-only the compiled files go to a cache
directory instead.
"""
from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import g, request

UI_LANGUAGES = ("en", "ar")
UI_COOKIE = "ui"
TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"
DOMAIN = "messages"


def ui_language(default: str) -> str:
    """``?ui=ar`` switches and is remembered in a cookie; otherwise the cookie, then the default."""
    chosen = request.args.get("ui")
    if chosen in UI_LANGUAGES:
        g.set_ui_cookie = chosen
        return chosen
    remembered = request.cookies.get(UI_COOKIE)
    return remembered if remembered in UI_LANGUAGES else default


def text_direction(lang: str) -> str:
    return "rtl" if lang == "ar" else "ltr"


def compiled_catalogs(source: Path = TRANSLATIONS_DIR) -> Path:
    """The directory Flask-Babel should read: ``source`` with every ``.mo`` up to date."""
    catalogs = sorted(source.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    try:
        for po_path in catalogs:
            _compile(po_path, po_path.with_suffix(".mo"))
        return source
    except OSError:
        digest = hashlib.sha1(b"".join(path.read_bytes() for path in catalogs)).hexdigest()[:12]
        target = Path(tempfile.gettempdir()) / f"search_app-translations-{digest}"
        for po_path in catalogs:
            _compile(po_path, target / po_path.relative_to(source).with_suffix(".mo"))
        return target


def _compile(po_path: Path, mo_path: Path) -> None:
    if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
        return
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=po_path.parent.parent.name, domain=DOMAIN)
    mo_path.parent.mkdir(parents=True, exist_ok=True)
    partial = mo_path.with_name(f".{mo_path.name}.{id(catalog)}")
    with partial.open("wb") as handle:
        write_mo(handle, catalog)
    partial.replace(mo_path)  # atomic: a concurrent start never reads half a catalog
