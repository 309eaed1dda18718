"""Column maps for public datasets about Syria that the archive takes in as they are published."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

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


def _ucdp_body(headline, place, district, governorate, dyad) -> str | None:
    """The headline, then where UCDP placed the event and who fought, so place facets can find it."""
    if headline is None:
        return None
    where = ", ".join(part for part in (place, district, governorate) if part)
    details = [line for line in (f"Location: {where}" if where else "", f"Sides: {dyad}" if dyad else "")
               if line]
    return "\n\n".join([headline, "\n".join(details)]) if details else headline


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
    constants={"lang": "en"},
)

UCDP = Preset(
    name="ucdp",
    description="UCDP Georeferenced Event Dataset rows (events.jsonl or the GED CSV): one event each",
    column_map={
        # Events sharing a source headline are separate events: the GED id keeps them apart.
        "id": Field(("id",), _ucdp_id),
        "title": Field(("source_headline",)),
        "body": Field(("source_headline", "where_coordinates", "adm_2", "adm_1", "dyad_name"), _ucdp_body),
        "source": Field(("source_office",)),
        "published": Field(("date_start",)),
    },
    constants={"lang": "en"},
)

PRESETS = {preset.name: preset for preset in (FAKES, UCDP)}
