"""The governorate map: Syria's 14 governorates as tiles laid out roughly as on a map (north up,
west left, in both interface languages: geography is not mirrored), shaded by result count,
each a link that toggles that governorate.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from flask_babel import ngettext

from ..enrich.places import governorates
from .formatting import format_count
from .labels import entity_name

# (column, row) of each governorate's tile.
TILES = {
    "SY06": (0, 0), "SY07": (1, 0), "SY02": (2, 0), "SY11": (3, 0), "SY08": (4, 0),  # Lattakia Idleb Aleppo Raqqa Hasakeh
    "SY10": (0, 1), "SY05": (1, 1), "SY04": (2, 1), "SY09": (3, 1),  # Tartous Hama Homs Deir-ez-Zor
    "SY01": (1, 2), "SY03": (2, 2),  # Damascus, Rural Damascus
    "SY14": (0, 3), "SY12": (1, 3), "SY13": (2, 3),  # Quneitra Dar'a As-Sweida
}
TILE_WIDTH, TILE_HEIGHT, GAP = 84, 50, 4
# Names are set at 13.5 map units (style.css): 11 px or more where the map is drawn 0.83 times its
# size or larger, as on a 390 px phone. The average advance of a character at that size:
NAME_CHAR_WIDTH = 7.6
SHADES = 5  # shade-0 (none) .. shade-4 (most)


@dataclass
class Tile:
    code: str
    name: str
    count: int
    count_label: str
    title: str
    selected: bool
    shade: int
    url: str
    x: int
    y: int
    width: int = TILE_WIDTH
    height: int = TILE_HEIGHT

    @property
    def center_x(self) -> float:
        return self.x + self.width / 2

    @property
    def squeeze(self) -> bool:
        """The name is too long for the tile at its font size: fit it to the tile."""
        return len(self.name) * NAME_CHAR_WIDTH > self.width - 8


@dataclass
class TileMap:
    tiles: list[Tile]
    width: int = 5 * (TILE_WIDTH + GAP)
    height: int = 4 * (TILE_HEIGHT + GAP)


def build_map(counts: dict[str, int], selected: set[str], toggle, ui: str, items: bool = False) -> TileMap:
    """``counts``: governorate code -> results; ``toggle(code)``: the URL choosing or dropping it;
    ``items``: the counts are of events or reports too, not articles alone (said as "items")."""
    most = max(counts.values(), default=0) or 1
    tiles = []
    for entity in governorates():
        column, row = TILES[entity.id]
        count = counts.get(entity.id, 0)
        name = entity_name(entity, ui)
        tiles.append(Tile(
            code=entity.id, name=name, count=count, count_label=format_count(count, ui),
            title=(ngettext("%(place)s: %(count)s item", "%(place)s: %(count)s items", count,
                            place=name, count=format_count(count, ui)) if items else
                   ngettext("%(place)s: %(count)s article", "%(place)s: %(count)s articles", count,
                            place=name, count=format_count(count, ui))),
            selected=entity.id in selected,
            shade=0 if not count else min(SHADES - 1, max(1, math.ceil((SHADES - 1) * count / most))),
            url=toggle(entity.id), x=column * (TILE_WIDTH + GAP), y=row * (TILE_HEIGHT + GAP)))
    return TileMap(tiles)
