"""Column maps for public datasets about Syria that the archive takes in as they are published."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from ..models import EVENT_HEADLINES
from .columns import ColumnMap, Field, FieldError


@dataclass(frozen=True)
class Preset:
    name: str
    description: str
    column_map: ColumnMap
    # Used instead of guessing when the file is not valid UTF-8 (what the dataset's authors used).
    legacy_encoding: str | None = None
    constants: dict[str, str] = field(default_factory=dict)


def _month_day_year(value: str | None) -> str | None:
    """FA-KES dates: ``4/5/17`` in fakes.csv, ``4/5/2017`` in the Zenodo file; both are month first."""
    if value is None:
        return None
    for pattern in ("%m/%d/%y", "%m/%d/%Y"):
        try:
            return dt.datetime.strptime(value.strip(), pattern).date().isoformat()
        except ValueError:
            continue
    raise FieldError(f"bad date {value[:40]!r} (expected month/day/year, e.g. 4/5/17)")


def _ucdp_id(value: str | None) -> str | None:
    return None if value is None else f"ucdp-{value}"


# What kind of violence a headline describes, first match wins; else UCDP's type of violence.
_EVENT_WORDS = (
    ("Airstrike", re.compile(r"air ?strike|air raid|warplane|\bjets?\b|aerial|helicopter|barrel bomb", re.I)),
    ("Shelling", re.compile(r"shell|artillery|mortar|rocket|missile", re.I)),
    ("Explosion", re.compile(r"car bomb|explo|\bIED\b|suicide|landmine", re.I)),
    ("Execution", re.compile(r"execut", re.I)),
    ("Bombardment", re.compile(r"bombard", re.I)),
    ("Clashes", re.compile(r"clash|fight|battle", re.I)),
)
_VIOLENCE_TYPES = {"1": "Clashes", "2": "Clashes between armed groups", "3": "Attack on civilians"}
_PLACE_SUFFIX = re.compile(r"\s+(?:village|town|city|district|governorate|area|region|neighbou?rhood)$", re.I)


def _split_sources(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(";") if part.strip()]


def _event_type(headlines: str | None, violence: str | None) -> str:
    first = _split_sources(headlines)[:1]
    for name, pattern in _EVENT_WORDS:
        if first and pattern.search(first[0]):
            return name
    return _VIOLENCE_TYPES.get(violence or "", "Violence")


def _governorate_name(adm_1: str | None) -> str | None:
    return _PLACE_SUFFIX.sub("", adm_1.strip()) if adm_1 else None


def _deaths(best: str | None) -> str:
    count = int(float(best)) if best else 0
    return "no deaths reported" if count == 0 else f"{count} killed"


def _ucdp_title(headlines, violence, where, adm_1, best) -> str:
    """A readable title from the event itself: "Airstrike in Ariha, Idlib — 12 killed"."""
    place = _PLACE_SUFFIX.sub("", where.strip()) if where else None
    governorate = _governorate_name(adm_1)
    places = [name for name in (place, governorate) if name]
    where_text = ", ".join(dict.fromkeys(places)) or "Syria"  # "Aleppo town" in Aleppo: once
    return f"{_event_type(headlines, violence)} in {where_text} — {_deaths(best)}"


def _ucdp_body(headlines, dyad, where, adm_2, adm_1, best, civilians, start, end) -> str:
    """The sides, the place hierarchy, deaths and dates, then every source headline on its own line."""
    lines = []
    if dyad:
        lines.append(f"Sides: {dyad}")
    hierarchy = ", ".join(dict.fromkeys(part for part in (where, adm_2, adm_1) if part))
    if hierarchy:
        lines.append(f"Location: {hierarchy}")
    if best is not None:
        lines.append(f"Deaths: {int(float(best))}" + (f" ({int(float(civilians))} civilians)" if civilians else ""))
    if start:
        lines.append(f"Date: {start}" + (f" to {end}" if end and end != start else ""))
    # The outlets are the record's sources, not words of its text: SOHR is not an actor of every event.
    titles = _split_sources(headlines)
    if titles:
        lines.append(EVENT_HEADLINES)
        lines += titles
    return "\n".join(lines)


def _unique_sources(offices: str | None) -> str | None:
    """``SOHR;SOHR;Airwars`` as ``SOHR; Airwars``: each outlet once."""
    return "; ".join(dict.fromkeys(_split_sources(offices))) or None


FAKES = Preset(
    name="fakes",
    description="FA-KES (Abu Salem et al., ICWSM 2019): fakes.csv or FA-KES-Dataset.csv",
    column_map={
        "title": Field(("article_title",)),
        "body": Field(("article_content",)),
        "source": Field(("source",)),
        "published": Field(("date",), _month_day_year),
    },
    legacy_encoding="latin-1",
    constants={"lang": "en", "kind": "article"},
)

UCDP = Preset(
    name="ucdp",
    description="UCDP Georeferenced Event Dataset rows (events.jsonl or the GED CSV): one event each, "
                "titled by type, place and deaths, its source headlines listed",
    column_map={
        # Events sharing a source headline are separate events: the GED id keeps them apart.
        "id": Field(("id",), _ucdp_id),
        "title": Field(("source_headline", "type_of_violence", "where_coordinates", "adm_1", "best"), _ucdp_title),
        "body": Field(("source_headline", "dyad_name", "where_coordinates", "adm_2", "adm_1",
                       "best", "deaths_civilians", "date_start", "date_end"), _ucdp_body),
        "source": Field(("source_office",), _unique_sources),
        "published": Field(("date_start",)),
    },
    constants={"lang": "en", "kind": "event"},
)



# newstest2019's sites as their outlets call themselves (the registry knows some; "rt" would read "Rt").
_NTREX_OUTLETS = {
    "abcnews": "ABC News", "bbc": "BBC", "cbsnews": "CBS News", "cnbc": "CNBC", "cnn": "CNN",
    "dailymail": "Daily Mail", "euronews-en": "Euronews", "foxnews": "Fox News", "guardian": "The Guardian",
    "independent": "The Independent", "newsweek": "Newsweek", "nytimes": "The New York Times",
    "reuters": "Reuters", "rt": "RT", "scotsman": "The Scotsman", "telegraph": "The Telegraph",
    "thelocal": "The Local", "upi": "UPI",
}


def _ntrex_outlet(site: str | None) -> str | None:
    return _NTREX_OUTLETS.get(site, site) if site else None


def _ntrex_id(doc_id: str | None) -> str | None:
    return None if doc_id is None else f"ntrex-{doc_id}"


def _after_headline(text: str | None) -> str | None:
    """NTREX's document text starts with its headline line (the title): the body is the rest."""
    return text.partition("\n")[2].strip() or text if text else None


def _arabic_reference(title: str | None, text: str | None) -> list[dict]:
    if not title or not text:
        return []
    return [{"lang": "ar", "title": title, "body": _after_headline(text),
             "translator": "NTREX-128 professional translation"}]


NTREX = Preset(
    name="ntrex",
    description="NTREX-128 newstest2019 documents (docs.jsonl): the English original with its professional "
                "Arabic translation",
    column_map={
        "id": Field(("doc_id",), _ntrex_id),
        "title": Field(("title_en",)),
        "body": Field(("en",), _after_headline),
        "source": Field(("source_site",), _ntrex_outlet),
        "translations": Field(("title_ar", "ar"), _arabic_reference),
    },
    constants={"lang": "en", "kind": "article"},
)

PRESETS = {preset.name: preset for preset in (FAKES, UCDP, NTREX)}
