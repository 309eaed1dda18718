"""Validate a raw record and build an enriched Article from it."""
from __future__ import annotations

import dataclasses

from ..enrich.actors import extract_actors
from ..enrich.dates import parse_published
from ..enrich.langid import detect_language
from ..enrich.places import extract_places
from ..models import Article, Translation, content_hash, stable_id
from .urls import canonical_url


class RecordError(ValueError):
    """A record that cannot go in; the message is the reason shown to the operator."""


def _text(data: dict, name: str, *, required: bool) -> str:
    value = data.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise RecordError(f"missing {name}")
        return ""
    if not isinstance(value, str):
        raise RecordError(f"{name} must be a string, got {type(value).__name__}")
    return value.strip()


def _translations(data: dict) -> tuple[Translation, ...]:
    items = data.get("translations") or []
    if not isinstance(items, list):
        raise RecordError("translations must be a list")
    translations = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise RecordError(f"translations[{index}] must be an object")
        try:
            translations.append(Translation(
                lang=_text(item, "lang", required=True), title=_text(item, "title", required=True),
                body=_text(item, "body", required=True), translator=_text(item, "translator", required=False)))
        except RecordError as error:
            raise RecordError(f"translations[{index}]: {error}") from None
    return tuple(translations)


def _published(data: dict) -> tuple[str | None, str | None]:
    value = data.get("published")
    if value in (None, ""):
        return None, None
    if not isinstance(value, str):
        raise RecordError(f"published must be a string, got {type(value).__name__}")
    parsed = parse_published(value)
    if parsed is None:
        raise RecordError(f"unparseable date {value[:40]!r}")
    return parsed.value.isoformat(), parsed.precision


def build_article(data: dict) -> Article:
    title = _text(data, "title", required=True)
    body = _text(data, "body", required=True)
    url = canonical_url(_text(data, "url", required=False))  # one spelling per page, so one id
    source = _text(data, "source", required=False) or "unknown"
    published, precision = _published(data)
    translations = _translations(data)
    lang = _text(data, "lang", required=False) or detect_language(f"{title}\n{body}")
    return Article(
        id=_text(data, "id", required=False) or stable_id(url, source, title, published),
        url=url, source=source, title=title, body=body, lang=lang, published=published,
        published_precision=precision, translations=translations,
        content_hash=content_hash(title, body, translations), **_tags(title, body, translations, source))


def _tags(title: str, body: str, translations: tuple[Translation, ...], source: str) -> dict:
    """Places and actors of the original and its translations (the source decides outlet actors)."""
    all_text = "\n".join([title, body] + [f"{t.title}\n{t.body}" for t in translations])
    places = extract_places(all_text)
    return {"governorates": places.governorates, "districts": places.districts,
            "places": tuple(sorted(set(places.governorates + places.districts + places.subdistricts
                                       + places.towns + places.regions))),
            "actors": extract_actors(all_text, source=source)}


def retagged(article: Article) -> Article:
    """The article with its places and actors extracted again by the current rules."""
    return dataclasses.replace(article, **_tags(article.title, article.body, article.translations, article.source))
