"""Fetch a feed address within limits: one deadline for the whole fetch (connecting, redirects,
headers and body, however slowly a server drips them), a size cap, redirects to http(s) only, and
no connection to a loopback, private or link-local address unless the operator allows it.

The address is checked on the socket actually connected (after DNS), so a name that resolves to
127.0.0.1 or a redirect to http://169.254.169.254/ is refused like the literal address.
"""
from __future__ import annotations

import http.client
import ipaddress
import socket
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import urljoin, urlsplit

from .lines import megabytes
from .raw import MAX_FEED_BYTES, FetchLimits, SourceError

__all__ = ["MAX_FEED_BYTES", "FetchLimits", "fetch", "post"]

READ_TIMEOUT_SECONDS = 30  # one read; the whole fetch has ``FetchLimits.seconds``
USER_AGENT = "search-app/0.1 (feed reader)"
FOLLOWED_SCHEMES = ("http", "https")
PRIVATE_ADDRESSES_SETTING = "SEARCH_APP_FETCH_PRIVATE_ADDRESSES"


class _Guard:
    """Refuses sockets to addresses that are not allowed, and shuts every socket of the fetch when
    its deadline passes (a read blocked on a dripping server then returns at once)."""

    def __init__(self, limits: FetchLimits):
        self.limits = limits
        self.deadline = time.monotonic() + limits.seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(limits.seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def connect(self, address, timeout=None, source_address=None) -> socket.socket:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("deadline passed")
        sock = socket.create_connection(address, min(remaining, READ_TIMEOUT_SECONDS), source_address)
        with self._lock:
            self._sockets.append(sock)
        if not self.limits.private_addresses:
            peer = _ip(sock.getpeername()[0])
            if not peer.is_global:
                sock.close()
                raise SourceError(f"refused: {address[0]} is at {peer}, a loopback, private or link-local "
                                  f"address (set {PRIVATE_ADDRESSES_SETTING}=1 to allow)")
        sock.settimeout(READ_TIMEOUT_SECONDS)
        return sock

    def _expire(self) -> None:
        self.expired = True
        with self._lock:
            for sock in self._sockets:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass  # already closed

    def close(self) -> None:
        self._timer.cancel()


def _ip(text: str):
    address = ipaddress.ip_address(text.split("%", 1)[0])
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _guarded(connection_class, guard: _Guard):
    class Guarded(connection_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._create_connection = guard.connect  # used by HTTPConnection.connect, before TLS

    return Guarded


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, guard: _Guard):
        super().__init__()
        self.guard = guard

    def http_open(self, req):
        return self.do_open(_guarded(http.client.HTTPConnection, self.guard), req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, guard: _Guard):
        super().__init__()
        self.guard = guard

    def https_open(self, req):
        return self.do_open(_guarded(http.client.HTTPSConnection, self.guard), req, context=self._context)


class _WebOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects are followed to http(s) addresses only (urllib would also follow ftp://)."""

    def http_error_302(self, req, fp, code, msg, headers):
        target = urljoin(req.full_url, headers.get("location") or headers.get("uri") or "")
        if urlsplit(target).scheme.lower() not in FOLLOWED_SCHEMES:
            raise SourceError(f"the feed redirects to {target[:100]!r}: only http(s) addresses are followed")
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def fetch(url: str, limits: FetchLimits = FetchLimits()) -> tuple[bytes, str | None]:
    """The body and Content-Type of ``url``; SourceError with the reason when it cannot be had."""
    if urlsplit(url).scheme.lower() not in FOLLOWED_SCHEMES:
        raise SourceError("only http(s) feed addresses are fetched")
    guard = _Guard(limits)
    opener = urllib.request.build_opener(_HTTPHandler(guard), _HTTPSHandler(guard), _WebOnlyRedirects())
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with opener.open(request, timeout=min(limits.seconds, READ_TIMEOUT_SECONDS)) as response:
            content_type = response.headers.get("Content-Type")
            content = _read_capped(response, limits.max_bytes)
    except SourceError:
        raise
    except urllib.error.HTTPError as error:
        raise SourceError(f"the server answered {error.code} {error.reason}") from None
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as error:
        if guard.expired:
            raise SourceError(f"gave up after {limits.seconds:g} s (the whole fetch may take that long)") from None
        reason = getattr(error, "reason", error)
        raise SourceError(f"cannot fetch the feed: {reason}") from None
    finally:
        guard.close()
    if guard.expired:  # the deadline cut the body short
        raise SourceError(f"gave up after {limits.seconds:g} s (the whole fetch may take that long)")
    return content, content_type


def post(url: str, body: bytes, headers: dict[str, str], limits: FetchLimits) -> bytes:
    """POST ``body`` to ``url`` within ``limits`` (one deadline, a size cap on the answer) and return
    the answer. An HTTP error status raises ``urllib.error.HTTPError`` (its status and body tell the
    caller what went wrong); anything else that prevents an answer raises SourceError."""
    guard = _Guard(limits)
    opener = urllib.request.build_opener(_HTTPHandler(guard), _HTTPSHandler(guard), _WebOnlyRedirects())
    request = urllib.request.Request(url, data=body, method="POST", headers={"User-Agent": USER_AGENT, **headers})
    try:
        with opener.open(request, timeout=min(limits.seconds, READ_TIMEOUT_SECONDS)) as response:
            content = _read_capped(response, limits.max_bytes)
    except (SourceError, urllib.error.HTTPError):
        raise
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as error:
        if guard.expired:
            raise SourceError(f"gave up after {limits.seconds:g} s") from None
        raise SourceError(f"no answer: {getattr(error, 'reason', error)}") from None
    finally:
        guard.close()
    if guard.expired:
        raise SourceError(f"gave up after {limits.seconds:g} s")
    return content


def _read_capped(response, max_bytes: int) -> bytes:
    chunks, size = [], 0
    while chunk := response.read1(64 * 1024):
        size += len(chunk)
        if size > max_bytes:
            raise SourceError(f"feed larger than {megabytes(max_bytes)}")
        chunks.append(chunk)
    return b"".join(chunks)
