"""Facets for pages and the API: each value with its label, count, and the URL that toggles it.

The place facets drill down: districts appear once a governorate is chosen (only those inside
it), towns once a district is. Removing a place also removes the places chosen inside it.
Templates never build URLs: every link they show comes from here.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from werkzeug.datastructures import MultiDict

from ..enrich.places import place
from ..models import KINDS
from .formatting import format_count, format_published
from .labels import facet_label, facet_names, kind_plural
from .params import URL_FILTERS
from .urls import with_args

# Page facets in display order (URL parameter names); the timeline replaces the year list.
PAGE_FACETS = ("governorate", "district", "town", "actor", "kind", "lang", "source")
# The API's facets (README, "Web and API"): the year facet is called "date" there.
API_FACET_NAMES = {"governorate": "governorate", "district": "district", "actor": "actor",
                   "year": "date", "lang": "lang", "source": "source", "kind": "kind"}
FACET_TITLES = {"governorate": lazy_gettext("Governorate"), "district": lazy_gettext("District"),
                "town": lazy_gettext("Town"), "actor": lazy_gettext("Actor"), "year": lazy_gettext("Year"),
                "lang": lazy_gettext("Language"), "source": lazy_gettext("Source"), "kind": lazy_gettext("Kind")}
VISIBLE_ENTRIES = 8  # the rest sit behind "more"
_PARENT_LEVELS = {"district": "governorate", "town": "district"}
_CHILDREN = {"governorate": ("district", "town"), "district": ("town",)}
PLACE_PARAMS = ("governorate", "district", "town")  # the place facets, broadest first


@dataclass
class FacetEntry:
    value: str
    label: str
    count: int
    selected: bool
    url: str
    names: str = ""  # every name of a place or actor, both scripts: what the filter box matches


@dataclass
class Facet:
    name: str  # the URL parameter
    title: str
    entries: list[FacetEntry] = field(default_factory=list)

    @property
    def visible(self) -> list[FacetEntry]:
        """The first entries, and every selected one wherever it ranks."""
        return [e for i, e in enumerate(self.entries) if i < VISIBLE_ENTRIES or e.selected]

    @property
    def more(self) -> list[FacetEntry]:
        return [e for i, e in enumerate(self.entries) if i >= VISIBLE_ENTRIES and not e.selected]


@dataclass
class Chip:
    label: str
    url: str  # the search without this filter
    selected: bool = False


def search_url(args: MultiDict, endpoint: str = "views.search", **changes) -> str:
    """The current search with some parameters replaced (None removes); back to page 1, and
    without ``ui`` (the language cookie remembers it; a shared link opens in the reader's)."""
    params = MultiDict(args)
    for name in ("page", "ui"):
        params.pop(name, None)
    for name, value in changes.items():
        params.poplist(name)
        if value is not None:
            params.setlist(name, value if isinstance(value, list) else [value])
    return with_args(url_for(endpoint), params)


def _parent(code: str, level: str) -> str | None:
    """The governorate (or district) a place code lies in."""
    try:
        entity = place(code)
    except KeyError:
        return None
    return entity.governorate if level == "governorate" else entity.district


def toggle_url(args: MultiDict, param: str, value: str) -> str:
    values = args.getlist(param)
    chosen = [v for v in values if v != value] if value in values else values + [value]
    changes = {param: chosen or None}
    if value in values:
        for child in _CHILDREN.get(param, ()):
            kept = [v for v in args.getlist(child) if _parent(v, param) != value]
            changes[child] = kept or None
    return search_url(args, **changes)


def place_search_args(entity) -> MultiDict:
    """The search for one place, with its parents chosen too so the facets show the drill-down."""
    args = MultiDict()
    if entity.level == "governorate":
        args.add("governorate", entity.id)
        return args
    if entity.governorate:
        args.add("governorate", entity.governorate)
    if entity.level == "district":
        args.add("district", entity.id)
        return args
    if entity.district:
        args.add("district", entity.district)
    args.add("town", entity.id)
    return args


def _drill_down(param: str, values: list, args: MultiDict) -> list:
    """Districts inside a chosen governorate, towns inside a chosen district (and chosen ones)."""
    parent_level = _PARENT_LEVELS.get(param)
    if parent_level is None:
        return values
    parents = set(args.getlist("governorate" if param == "district" else "district"))
    kept = []
    for value in values:
        try:
            entity = place(value.value)
        except KeyError:
            entity = None
        level_ok = param != "town" or (entity is not None and entity.level == "town")
        if value.selected or (level_ok and _parent(value.value, parent_level) in parents):
            kept.append(value)
    return kept


def build_facets(response, args: MultiDict, ui: str, names=PAGE_FACETS, links: bool = True) -> list[Facet]:
    """The page's facets, in order, each with at least one entry; ``links=False`` leaves out
    each entry's link and other names (the API has no use for them, and they cost the most)."""
    facets = []
    for param in names:
        values = _drill_down(param, response.facets.get(URL_FILTERS[param], []), args)
        if param == "year":
            values = sorted(values, key=lambda v: v.value, reverse=True)
        entries = [FacetEntry(value=v.value, label=facet_label(param, v.value, ui), count=v.count,
                              selected=v.selected, url=toggle_url(args, param, v.value) if links else "",
                              names=" | ".join(facet_names(param, v.value)) if links else "") for v in values]
        if entries:
            facets.append(Facet(param, str(FACET_TITLES[param]), entries))
    return facets


def api_facets(response, args: MultiDict, ui: str, names: dict[str, str] = API_FACET_NAMES) -> dict:
    """{api name: [{value, label, count, selected}]}: every value, drill-down applied."""
    built = {facet.name: facet for facet in build_facets(response, args, ui, tuple(names), links=False)}
    return {api_name: [{"value": e.value, "label": e.label, "count": e.count, "selected": e.selected}
                       for e in (built[param].entries if param in built else [])]
            for param, api_name in names.items()}


def counts_items(response, args: MultiDict) -> bool:
    """Whether what the page counts holds events or reports (``items_among``): the kinds chosen,
    else those the results hold."""
    chosen = set(args.getlist("kind"))
    return items_among(chosen or {value.value for value in response.facets.get("kind", []) if value.count})


def items_among(kinds) -> bool:
    """Counts of these kinds read "items" unless all are articles: "20,310 articles" would call
    16,566 UCDP events articles."""
    return not set(kinds) <= {"article"}


def kind_tabs(response, args: MultiDict, ui: str) -> list[Chip]:
    """All · Articles · Events (with counts): one click shows one kind; none when there is one kind."""
    counts = {value.value: value.count for value in response.facets.get("kind", [])}
    if len([kind for kind, count in counts.items() if count]) < 2 and not args.getlist("kind"):
        return []
    chosen = args.getlist("kind")
    tabs = [Chip(_("All (%(count)s)", count=format_count(sum(counts.values()), ui)), search_url(args, kind=None))]
    tabs[0].selected = not chosen
    for kind in KINDS:
        if counts.get(kind) or kind in chosen:
            tab = Chip(_("%(kind)s (%(count)s)", kind=kind_plural(kind), count=format_count(counts.get(kind, 0), ui)),
                       search_url(args, kind=kind))
            tab.selected = chosen == [kind]
            tabs.append(tab)
    return tabs


def chips(args: MultiDict, request, ui: str) -> list[Chip]:
    """One removable chip per chosen filter value, and one for the date range."""
    found = []
    for param in URL_FILTERS:
        for value in args.getlist(param):
            if value.strip():
                label = f"{FACET_TITLES[param]}: {facet_label(param, value.strip(), ui)}"
                found.append(Chip(label, toggle_url(args, param, value)))
    if request.date_from or request.date_to:
        start = format_published(request.date_from, "day", ui) if request.date_from else "…"
        end = format_published(request.date_to, "day", ui) if request.date_to else "…"
        found.append(Chip(f"{start} – {end}", search_url(args, **{"from": None, "to": None})))
    return found
