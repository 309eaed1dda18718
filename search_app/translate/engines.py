"""Machine translators behind one interface: a LibreTranslate-compatible HTTP endpoint (newsrooms
run LibreTranslate themselves), or Argos Translate in this process when it and a model are installed.

A translator turns a list of texts into a list of texts, or raises: ``TranslatorRefused`` when the
engine answered that it will not translate these texts (HTTP 4xx: too long, bad input), so each
article may be tried alone; ``TranslatorUnavailable`` when it could not answer at all (down, 5xx,
time-out, a broken answer), so the run stops asking and the rest waits for the next run.
"""
from __future__ import annotations

import functools
import json
import time
import urllib.error
from dataclasses import dataclass
from typing import Protocol

from ..ingest.fetch import post
from ..ingest.raw import FetchLimits, SourceError

# An answer larger than this is not a translation of what we sent (a batch is about 20,000 characters).
MAX_ANSWER_BYTES = 16 * 1024 * 1024
# How long to wait when the server says "too many requests" without a Retry-After, and at most.
RATE_LIMIT_PAUSE_SECONDS, MAX_RATE_LIMIT_PAUSE_SECONDS = 5.0, 60.0
RATE_LIMIT_RETRIES = 2


class TranslatorError(RuntimeError):
    pass


class TranslatorRefused(TranslatorError):
    """The engine answered, and refused these texts."""


class TranslatorUnavailable(TranslatorError):
    """The engine did not answer usefully: down, overloaded, timed out, or a malformed answer."""


class Translator(Protocol):
    name: str

    def translate(self, texts: list[str]) -> list[str]: ...


@dataclass
class LibreTranslate:
    """Any server speaking LibreTranslate's ``POST /translate`` (q may be a list), paced to at most
    ``requests_per_second`` requests."""

    url: str
    source: str = "ar"
    target: str = "en"
    api_key: str | None = None
    timeout_seconds: float = 120
    requests_per_second: float = 2.0
    _last_request: float = 0.0

    # The engine, not the server's address: pages show it, and the server may be an internal one.
    name = "LibreTranslate"

    @property
    def endpoint(self) -> str:
        return self.url if self.url.rstrip("/").endswith("/translate") else self.url.rstrip("/") + "/translate"

    def translate(self, texts: list[str]) -> list[str]:
        if not texts:
            return []
        for attempt in range(RATE_LIMIT_RETRIES + 1):
            self._pace()
            try:
                answer = self._post(texts)
            except _RateLimited as limited:
                if attempt == RATE_LIMIT_RETRIES:
                    raise TranslatorUnavailable("rate-limited by the translator (HTTP 429)") from None
                time.sleep(limited.pause)
                continue
            return _translated_texts(answer, len(texts))
        raise AssertionError("unreachable")

    def _pace(self) -> None:
        wait = self._last_request + 1.0 / self.requests_per_second - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self._last_request = time.monotonic()

    def _post(self, texts: list[str]) -> object:
        payload = {"q": texts, "source": self.source, "target": self.target, "format": "text"}
        if self.api_key:
            payload["api_key"] = self.api_key
        # The operator's own server, often on this machine or the newsroom's network: private addresses
        # are allowed, unlike for feeds.
        limits = FetchLimits(seconds=self.timeout_seconds, max_bytes=MAX_ANSWER_BYTES, private_addresses=True)
        try:
            body = post(self.endpoint, json.dumps(payload).encode("utf-8"),
                        {"Content-Type": "application/json", "Accept": "application/json"}, limits)
        except urllib.error.HTTPError as error:
            raise _http_error(error) from None
        except SourceError as error:
            raise TranslatorUnavailable(f"no answer from {self.endpoint}: {error}") from None
        try:
            return json.loads(body)
        except ValueError:
            raise TranslatorUnavailable(f"{self.endpoint} answered with something that is not JSON") from None


class _RateLimited(Exception):
    def __init__(self, pause: float):
        self.pause = pause


def _http_error(error: urllib.error.HTTPError) -> Exception:
    try:
        message = json.loads(error.read(64 * 1024)).get("error") or error.reason
    except (ValueError, AttributeError, OSError):
        message = error.reason
    if error.code == 429:
        try:
            pause = float(error.headers.get("Retry-After", RATE_LIMIT_PAUSE_SECONDS))
        except ValueError:
            pause = RATE_LIMIT_PAUSE_SECONDS
        return _RateLimited(min(max(pause, 0.0), MAX_RATE_LIMIT_PAUSE_SECONDS))
    kind = TranslatorRefused if 400 <= error.code < 500 else TranslatorUnavailable
    return kind(f"the translator answered HTTP {error.code}: {message}")


def _translated_texts(answer: object, expected: int) -> list[str]:
    translated = answer.get("translatedText") if isinstance(answer, dict) else None
    if isinstance(translated, str) and expected == 1:
        translated = [translated]
    if (not isinstance(translated, list) or len(translated) != expected
            or not all(isinstance(text, str) for text in translated)):
        raise TranslatorUnavailable(f"the translator's answer has no list of {expected} translatedText strings")
    return translated


class ArgosTranslate:
    """Argos Translate in this process, with an installed ``source``→``target`` model."""

    def __init__(self, source: str = "ar", target: str = "en"):
        translation = argos_model(source, target)
        if translation is None:
            raise TranslatorUnavailable(f"Argos Translate has no installed {source}→{target} model")
        self._translation = translation
        self.name = "Argos Translate"

    def translate(self, texts: list[str]) -> list[str]:
        try:
            return [self._translation.translate(text) for text in texts]
        except Exception as error:  # noqa: BLE001 - a model failing on one text is a refusal of it
            raise TranslatorRefused(f"Argos Translate failed: {error}") from None


@functools.lru_cache(maxsize=None)
def argos_model(source: str = "ar", target: str = "en"):
    """The installed Argos ``source``→``target`` translation, or None (no package or no model)."""
    try:
        from argostranslate import translate as argos
    except ImportError:
        return None
    try:
        languages = {language.code: language for language in argos.get_installed_languages()}
        if source not in languages or target not in languages:
            return None
        return languages[source].get_translation(languages[target])
    except Exception:  # noqa: BLE001 - a broken installation is no translator, not a crash
        return None


def configured_translator(settings, source: str = "ar", target: str = "en") -> Translator | None:
    """The translator the settings name (``SEARCH_APP_TRANSLATOR_URL``), else Argos Translate when
    it and a model are installed, else None."""
    if settings.translator_url:
        return LibreTranslate(settings.translator_url, source, target, api_key=settings.translator_api_key,
                              timeout_seconds=settings.translator_seconds,
                              requests_per_second=settings.translator_requests_per_second)
    if argos_model(source, target) is not None:
        return ArgosTranslate(source, target)
    return None
