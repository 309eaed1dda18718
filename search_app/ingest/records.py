"""Validate a raw record and build an enriched Article from it."""
from __future__ import annotations

import dataclasses
import re

from ..enrich.actors import extract_actors
from ..enrich.dates import ACCEPTED_RANGE, is_out_of_range, parse_published
from ..enrich.langid import detect_language
from ..enrich.places import extract_places
from ..models import EVENT_HEADLINES, KINDS, MAX_INDEXED_BODY_CHARS, Article, Translation, content_hash, stable_id
from ..text.arabic import BIDI_CONTROLS
from .urls import canonical_url

# Ids become links (/article/<id>): letters, digits and . _ : - only, starting with a letter or digit.
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
ID_RULE = "id must be 1 to 64 characters: letters, digits and . _ : - (starting with a letter or digit)"
# A language tag (BCP 47 shape): en, ar, ar-SY, zh-Hant; 'und' when undetermined.
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")
# C0 and C1 control characters (tab, line feed and carriage return kept) and bidi overrides: they
# carry no text, and on a page they hide or reorder what is around them.
_INVISIBLE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{BIDI_CONTROLS}]")
_SURROGATE = re.compile("[\ud800-\udfff]")


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
    surrogate = _SURROGATE.search(value)
    if surrogate:  # JSON can spell half of a UTF-16 pair (\ud800); no text can hold it
        raise RecordError(f"{name} is not valid Unicode (lone surrogate U+{ord(surrogate.group()):04X} "
                          f"at character {surrogate.start() + 1})")
    value = _INVISIBLE.sub("", value).strip()
    if not value and required:
        raise RecordError(f"missing {name}")
    return value


def _language(data: dict) -> str | None:
    """The primary language of the record's language tag, lower-cased (EN -> en, ar-SY -> ar): the
    index and the language facet know languages, not regions."""
    value = _text(data, "lang", required=False)
    if not value:
        return None
    if not LANGUAGE_TAG.fullmatch(value):
        raise RecordError(f"lang must be a language code such as en, ar or ar-SY, got {value[:20]!r}")
    return value.partition("-")[0].lower()


def _article_id(data: dict) -> str | None:
    value = _text(data, "id", required=False)
    if value and not ID_PATTERN.fullmatch(value):
        raise RecordError(f"{ID_RULE}; got {value[:70]!r}")
    return value or None


def _translations(data: dict) -> tuple[Translation, ...]:
    items = data.get("translations") or []
    if not isinstance(items, list):
        raise RecordError("translations must be a list")
    translations = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise RecordError(f"translations[{index}] must be an object")
        try:
            lang = _language(item)
            if lang is None:
                raise RecordError("missing lang")
            if any(earlier.lang == lang for earlier in translations):
                raise RecordError(f"a second translation in {lang!r} (one per language)")
            translations.append(Translation(
                lang=lang, title=_text(item, "title", required=True),
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
    if parsed is None and is_out_of_range(value):
        raise RecordError(f"date {value[:40]!r} out of range (accepted: {ACCEPTED_RANGE})")
    if parsed is None:
        raise RecordError(f"unparseable date {value[:40]!r}")
    return parsed.value.isoformat(), parsed.precision


def _kind(data: dict) -> str:
    kind = (_text(data, "kind", required=False) or "article").lower()
    if kind not in KINDS:
        raise RecordError(f"kind must be one of {', '.join(KINDS)}, got {kind[:40]!r}")
    return kind


def build_article(data: dict) -> Article:
    title = _text(data, "title", required=True)
    body = _text(data, "body", required=True)
    url = canonical_url(_text(data, "url", required=False))  # one spelling per page, so one id
    source = _text(data, "source", required=False) or "unknown"
    published, precision = _published(data)
    translations = _translations(data)
    article_id = _article_id(data)
    lang = _language(data) or detect_language(f"{title}\n{body}")
    return Article(
        id=article_id or stable_id(url, source, title, published),
        url=url, source=source, title=title, body=body, lang=lang, published=published,
        published_precision=precision, translations=translations,
        content_hash=content_hash(title, body, translations), kind=_kind(data),
        **_tags(title, body, translations, source, _kind(data)))


def _tags(title: str, body: str, translations: tuple[Translation, ...], source: str, kind: str) -> dict:
    """Places and actors of the original and its translations (the source decides outlet actors;
    an event's own lines, not the headlines it quotes, decide its places and sides)."""
    if kind == "event":
        body = body.split(EVENT_HEADLINES)[0]
    # Only the indexed part of a huge text is searched for names (as it is the only part indexed).
    all_text = "\n".join([title, body[:MAX_INDEXED_BODY_CHARS]]
                         + [f"{t.title}\n{t.body[:MAX_INDEXED_BODY_CHARS]}" for t in translations])
    places = extract_places(all_text)
    return {"governorates": places.governorates, "districts": places.districts,
            "places": tuple(sorted(set(places.governorates + places.districts + places.subdistricts
                                       + places.towns + places.regions))),
            "actors": extract_actors(all_text, source=source)}


def retagged(article: Article) -> Article:
    """The article with its places and actors extracted again by the current rules."""
    return dataclasses.replace(article, **_tags(article.title, article.body, article.translations, article.source,
                                                article.kind))
