"""Human labels for facet ids in the interface language, from the gazetteer and actor table."""
from __future__ import annotations

from flask_babel import gettext as _

from ..enrich.actors import actor
from ..enrich.outlets import outlet_key, outlet_keys, outlet_label
from ..enrich.places import place
from ..search.engine import PLACE_FACETS
from .formatting import format_year

# Facets whose values are place ids: the engine's place filters and the page's town drill-down.
_PLACE_ID_FACETS = (*PLACE_FACETS, "town")


def entity_name(entity, ui: str) -> str:
    return (entity.ar if ui == "ar" else entity.en) or entity.en or entity.id


def _entity_label(lookup, value: str, ui: str) -> str:
    try:
        entity = lookup(value)
    except KeyError:
        return value
    return entity_name(entity, ui) if entity is not None else value


def language_name(code: str) -> str:
    names = {"en": _("English"), "ar": _("Arabic")}
    return names.get(code, code)


def kind_name(kind: str) -> str:
    names = {"article": _("Article"), "event": _("Event"), "report": _("Report")}
    return names.get(kind, kind)


def kind_plural(kind: str) -> str:
    names = {"article": _("Articles"), "event": _("Events"), "report": _("Reports")}
    return names.get(kind, kind)


def source_labels(source: str, url: str, ui: str) -> list[str]:
    """A stored record's outlets, named in the interface language."""
    return [outlet_label(key, ui) for key in outlet_keys(source, url)] or [source]


def place_level_name(level: str) -> str:
    names = {"governorate": _("Governorate"), "district": _("District"), "subdistrict": _("Sub-district"),
             "town": _("Town"), "region": _("Region")}
    return names.get(level, level)


def facet_label(facet: str, value: str, ui: str) -> str:
    if facet in _PLACE_ID_FACETS:
        return _entity_label(place, value, ui)
    if facet == "actor":
        return _entity_label(actor, value, ui)
    if facet == "lang":
        return language_name(value)
    if facet == "year" and value.isdigit():
        return format_year(value, ui)
    if facet == "source":
        return outlet_label(outlet_key(value), ui)
    if facet == "kind":
        return kind_name(value)
    return value


def facet_names(facet: str, value: str) -> list[str]:
    """Every name of a place or actor in both scripts, for the facet filter box (which matches
    parts of names: a name inside a longer one is left out, the longer one already matches)."""
    lookup = place if facet in _PLACE_ID_FACETS else actor if facet == "actor" else None
    try:
        entity = lookup(value) if lookup else None
    except KeyError:
        entity = None
    if entity is None:
        return []
    names = list(dict.fromkeys((entity.en, entity.ar, *entity.names_en, *entity.names_ar)))
    lowered = [name.lower() for name in names]
    return [name for name, low in zip(names, lowered)
            if low and not any(low != other and low in other for other in lowered)]
