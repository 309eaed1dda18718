"""Human labels for facet ids in the interface language."""
from __future__ import annotations

from flask_babel import gettext as _

from ..enrich.actors import actor
from ..enrich.places import place


def _entity_label(lookup, value: str, ui: str) -> str:
    try:
        entity = lookup(value)
    except KeyError:
        return value
    if entity is None:
        return value
    return (entity.ar if ui == "ar" else entity.en) or value


def language_name(code: str) -> str:
    names = {"en": _("English"), "ar": _("Arabic")}
    return names.get(code, code)


def facet_label(facet: str, value: str, ui: str) -> str:
    if facet in ("governorate", "district", "place"):
        return _entity_label(place, value, ui)
    if facet == "actor":
        return _entity_label(actor, value, ui)
    if facet == "lang":
        return language_name(value)
    return value
