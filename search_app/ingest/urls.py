"""Canonical article URLs: one spelling per page, so the id made from it is stable.

Two links to the same story differ in ways that do not change the page: the case of the scheme and
host, a default port, a ``#fragment``, campaign tracking parameters, the order of the query and a
trailing slash. ``canonical_url`` removes those differences and nothing else.
"""
from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that only say where a reader clicked from. ``utm_*`` and friends are prefixes.
TRACKING_PARAMETERS = frozenset({
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "ttclid", "li_fat_id",
    "mc_cid", "mc_eid", "igshid", "igsh", "ref", "ref_src", "ref_url", "referrer", "_ga", "_gl", "_hsenc",
    "_hsmi", "ocid", "cmpid", "ito", "s_cid", "at_medium", "at_campaign", "ncid", "sr_share", "mbid",
    "vero_id", "oly_anon_id", "oly_enc_id", "rb_clickid", "wt_mc", "icid",
})
TRACKING_PREFIXES = ("utm_", "pk_", "hsa_", "mtm_")
DEFAULT_PORTS = {"http": 80, "https": 443}


def is_web_url(text: str) -> bool:
    return text.lower().startswith(("http://", "https://"))


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMETERS or lowered.startswith(TRACKING_PREFIXES)


def canonical_url(url: str) -> str:
    """The canonical spelling of an http(s) URL; anything else is returned stripped, unchanged."""
    url = url.strip()
    if not is_web_url(url):
        return url
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # e.g. a port that is not a number: keep what we were given
        return url
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if ":" in host:  # an IPv6 literal loses its brackets in ``hostname``
        host = f"[{host}]"
    if port is not None and port != DEFAULT_PORTS.get(scheme):
        host = f"{host}:{port}"
    if parts.username or parts.password:
        credentials = parts.username or ""
        if parts.password:
            credentials += f":{parts.password}"
        host = f"{credentials}@{host}"
    query = sorted((name, value) for name, value in parse_qsl(parts.query, keep_blank_values=True)
                   if not _is_tracking(name))
    path = parts.path.rstrip("/")
    return urlunsplit((scheme, host, path, urlencode(query, safe=":/@!$'()*,;"), ""))
