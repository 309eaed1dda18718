"""The date histogram: result counts per year (or per month when the range is under three
years), as bar geometry for a server-drawn SVG whose bars link to that period.

Time runs in the reading direction: left to right in English, right to left in Arabic, on
purpose (the page, the chips and the numbers all read that way). The governorate map, being
geography, is never mirrored.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Callable

from flask_babel import gettext as _
from flask_babel import ngettext

from .formatting import format_count, format_month, format_year

WIDTH = 640
PLOT_TOP = 16  # room for the count above the tallest bar
BASELINE = 112
HEIGHT = 148
MONTHLY_BELOW_MONTHS = 36  # "under three years"


@dataclass
class Bar:
    start: str  # the period as a URL value: 2019 or 2019-03
    title: str  # tooltip and accessible name
    count: int
    url: str
    x: float
    y: float
    width: float
    height: float
    slot_x: float  # the whole column, clickable even when the bar is short
    slot_width: float
    label: str | None  # under the bar
    sublabel: str | None  # the year under a month's name
    count_label: str | None


@dataclass
class Timeline:
    unit: str  # year or month
    caption: str
    bars: list[Bar]
    width: int = WIDTH
    height: int = HEIGHT
    baseline: int = BASELINE

    @property
    def label_y(self) -> int:
        return self.baseline + 14

    @property
    def sublabel_y(self) -> int:
        return self.baseline + 29


def _month_index(value: str) -> int:
    return int(value[:4]) * 12 + int(value[5:7]) - 1


def build_timeline(month_counts: dict[str, int], date_from, date_to, link: Callable[[str, str], str],
                   ui: str) -> Timeline | None:
    """``month_counts``: {"2019-03": n}; ``link(start, end)``: the search narrowed to a period."""
    months = {_month_index(value): count for value, count in month_counts.items()
              if count and len(value) == 7 and value[:4].isdigit() and value[5:7].isdigit()}
    if not months:
        return None
    first, last = min(months), max(months)
    if date_from and date_to:
        chosen_first, chosen_last = date_from.year * 12 + date_from.month - 1, date_to.year * 12 + date_to.month - 1
        if chosen_last - chosen_first + 1 < MONTHLY_BELOW_MONTHS:
            first, last = min(first, chosen_first), max(last, chosen_last)  # show the whole chosen range
    if last - first + 1 < MONTHLY_BELOW_MONTHS:
        periods = [(f"{index // 12:04d}-{index % 12 + 1:02d}", months.get(index, 0)) for index in range(first, last + 1)]
        unit = "month"
    else:
        per_year = Counter()
        for index, count in months.items():
            per_year[index // 12] += count
        periods = [(f"{year:04d}", per_year.get(year, 0)) for year in range(first // 12, last // 12 + 1)]
        unit = "year"
    return Timeline(unit, _("Articles per month") if unit == "month" else _("Articles per year"),
                    _bars(periods, unit, link, ui))


def _bars(periods: list[tuple[str, int]], unit: str, link, ui: str) -> list[Bar]:
    count_max = max(count for _, count in periods) or 1
    slot = WIDTH / len(periods)
    bar_width = max(2.0, slot * 0.78)
    label_every = max(1, math.ceil(34 / slot)) if unit == "year" else max(1, math.ceil(len(periods) / 6))
    bars = []
    for position, (period, count) in enumerate(periods):
        slot_x = WIDTH - (position + 1) * slot if ui == "ar" else position * slot
        height = 0.0 if not count else max(2.0, (BASELINE - PLOT_TOP) * count / count_max)
        if unit == "year":
            name = format_year(period, ui)
            label, sublabel = (name if position % label_every == 0 else None), None
        else:
            year, month = int(period[:4]), int(period[5:7])
            name = format_month(year, month, ui)
            label = format_month(year, month, ui, "LLL") if position % label_every == 0 else None
            sublabel = format_year(year, ui) if position == 0 or month == 1 else None
        bars.append(Bar(
            start=period, count=count, url=link(period, period),
            title=ngettext("%(period)s: %(count)s article", "%(period)s: %(count)s articles", count,
                           period=name, count=format_count(count, ui)),
            x=round(slot_x + (slot - bar_width) / 2, 2), y=round(BASELINE - height, 2),
            width=round(bar_width, 2), height=round(height, 2), slot_x=round(slot_x, 2),
            slot_width=round(slot, 2), label=label, sublabel=sublabel,
            count_label=format_count(count, ui) if count and slot >= 28 else None))
    return bars
