"""The article record shared by ingest, store and indexer."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

# Of each text (original or translation), the characters that are indexed, enriched (places,
# actors) and compared for near-duplicates; the store keeps the whole text. One record of many
# megabytes would otherwise slow its ingest and every search it matches (its snippet is cut from it).
MAX_INDEXED_BODY_CHARS = 1_000_000


# What an item is: a story as published, an event record (UCDP) made of reports, or a long report.
KINDS = ("article", "event", "report")
# In an event's text, what follows this line quotes its sources' headlines: places and actors named
# there are the reports' (a raid "on Idlib and Hama"), not the event's, which UCDP placed itself.
EVENT_HEADLINES = "Source headlines:"


@dataclass(frozen=True)
class Translation:
    lang: str
    title: str
    body: str
    translator: str = ""
    machine: bool = False  # made by `search-app translate`; redone when the original is edited


@dataclass(frozen=True)
class Article:
    id: str
    url: str
    source: str
    title: str
    body: str
    lang: str
    published: str | None  # ISO 8601 UTC, e.g. 2019-10-05T00:00:00+00:00
    published_precision: str | None  # day, month or year
    translations: tuple[Translation, ...] = ()
    governorates: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    places: tuple[str, ...] = ()  # every place id at every level, towns and regions included
    actors: tuple[str, ...] = ()
    content_hash: str = field(default="", compare=False)
    kind: str = "article"  # one of KINDS


    def texts(self) -> list[tuple[str, str, str]]:
        """(lang, title, body) of the original and every translation."""
        return [(self.lang, self.title, self.body)] + [(t.lang, t.title, t.body) for t in self.translations]

    def text_in(self, lang: str) -> tuple[str, str] | None:
        for text_lang, title, body in self.texts():
            if text_lang == lang:
                return title, body
        return None


def stable_id(url: str, source: str, title: str, published: str | None) -> str:
    """Hash of the URL when there is one, else of source, title and date."""
    key = url.strip() if url and url.strip() else "\x1f".join([source, title, published or ""])
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def separate_story_id(shared_id: str, body: str) -> str:
    """The id of a story without a URL whose source, title and date (``shared_id``) already name a
    different story: the shared id and the body, hashed."""
    return hashlib.sha1(f"{shared_id}\x1f{body}".encode("utf-8")).hexdigest()[:16]


def content_hash(title: str, body: str, translations: tuple[Translation, ...]) -> str:
    digest = hashlib.sha1()
    for part in [title, body] + [f"{t.lang}\x1f{t.title}\x1f{t.body}" for t in translations]:
        digest.update(part.encode("utf-8"))
        digest.update(b"\x1e")
    return digest.hexdigest()
