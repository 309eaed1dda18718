"""Absolute and same-site URLs that a request cannot steer elsewhere.

Absolute URLs (permalinks, feed ids and links, the OpenSearch description, export columns) start
with ``SEARCH_APP_BASE_URL`` when it is set: behind a proxy the Host header is whatever the client
sent, and a feed reader or a cached page would keep an address an attacker chose. Without the
setting they follow the request's host, which suits a server on localhost.
"""
from __future__ import annotations

from urllib.parse import quote, urlencode

from flask import current_app, request, url_for
from werkzeug.datastructures import MultiDict

# Characters a path may keep as they are (RFC 3986 pchar); everything else is percent-encoded.
_PATH_SAFE = "/-._~!$&'()*+,;=:@"


def absolute_url(path: str) -> str:
    """``path`` (as url_for gives it, with the script root) as an absolute URL."""
    base = current_app.config["SETTINGS"].base_url
    if not base:
        return request.host_url.rstrip("/") + path
    root = request.script_root
    return base + (path[len(root):] if root and path.startswith(root) else path)


def external_url(endpoint: str, **values) -> str:
    return absolute_url(url_for(endpoint, **values))


def this_path() -> str:
    """The requested path as a link that stays on this site: percent-encoded, so a backslash or a
    tab (``/%5Cevil.example``) cannot make a browser read it as another host, and with a single
    leading slash, so it is never protocol-relative (``//evil.example``)."""
    return request.script_root + "/" + quote(request.path, safe=_PATH_SAFE).lstrip("/")


def with_args(base: str, args: MultiDict) -> str:
    """``base`` with ``args`` as its query string (none when there are no arguments)."""
    query = urlencode(list(args.items(multi=True)))
    return base + (f"?{query}" if query else "")
