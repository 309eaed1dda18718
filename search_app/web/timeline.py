"""The date histogram: result counts per year (or per month when the range is under three
years), as bar geometry for a server-drawn SVG whose bars link to that period.

Time runs in the reading direction: left to right in English, right to left in Arabic, on
purpose (the page, the chips and the numbers all read that way). The governorate map, being
geography, is never mirrored.

Geometry is worked out on a WIDTH-wide plot and drawn in percentages of the SVG's width (heights
in pixels), so the bars stretch to any screen while the labels keep their real size (11 px, not
a phone's scaled-down 6). Labels are thinned to what fits a half-width plot; the ones that only fit
a wider one are ``minor`` and hidden when the chart is drawn narrow (style.css).
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
# Plot widths, in px, labels are spaced for: wide charts (>= 3/4 of WIDTH) and narrow ones (a phone).
WIDE_SCALE, NARROW_SCALE = 0.75, 0.5
CHAR_PX, LABEL_GAP_PX = 6.5, 8  # an 11 px label's width per character, and the room between two


def _fits(text: str, width: float, scale: float) -> bool:
    """Whether a label fits in ``width`` plot units of a plot drawn ``scale`` times WIDTH px wide."""
    return len(text) * CHAR_PX + LABEL_GAP_PX <= width * scale


def _every(slot: float, longest: int, scale: float, multiple_of: int = 1) -> int:
    """Label every n-th column so labels of ``longest`` characters do not touch."""
    needed = max(1, math.ceil((longest * CHAR_PX + LABEL_GAP_PX) / (slot * scale)))
    return multiple_of * math.ceil(needed / multiple_of)


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
    label_minor: bool = False  # hidden on a narrow chart (too close to its neighbours there)
    count_minor: bool = False
    label_x: float = 0.0  # where the label and sublabel are anchored: the slot's middle, or at
    label_anchor: str = "middle"  # the first and last slots their outer edge, so they stay inside


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
                   ui: str, items: bool = False) -> Timeline | None:
    """``month_counts``: {"2019-03": n}; ``link(start, end)``: the search narrowed to a period;
    ``items``: the counts are of events or reports too, not articles alone (said as "items")."""
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
    if items:
        caption = _("Items per month") if unit == "month" else _("Items per year")
    else:
        caption = _("Articles per month") if unit == "month" else _("Articles per year")
    return Timeline(unit, caption, _bars(periods, unit, link, ui, items))


def _bars(periods: list[tuple[str, int]], unit: str, link, ui: str, items: bool) -> list[Bar]:
    count_max = max(count for _, count in periods) or 1
    slot = WIDTH / len(periods)
    bar_width = max(2.0, slot * 0.78)
    labels, label_every, narrow_every = _axis_labels(periods, unit, slot, ui)
    # Counts above the bars: on every bar or on none (a few numbers over some bars read as if
    # only those mattered), wherever the widest of them fits.
    widest_count = max((format_count(count, ui) for _, count in periods), key=len)
    counts_wide, counts_narrow = _fits(widest_count, slot, WIDE_SCALE), _fits(widest_count, slot, NARROW_SCALE)
    bars = []
    for position, (period, count) in enumerate(periods):
        slot_x = WIDTH - (position + 1) * slot if ui == "ar" else position * slot
        height = 0.0 if not count else max(2.0, (BASELINE - PLOT_TOP) * count / count_max)
        name, sublabel = _period_names(periods, position, slot, unit, ui)
        label_x, label_anchor = _label_place(position, len(periods), slot_x, slot, ui)
        bars.append(Bar(
            start=period, count=count, url=link(period, period),
            title=(ngettext("%(period)s: %(count)s item", "%(period)s: %(count)s items", count,
                            period=name, count=format_count(count, ui)) if items else
                   ngettext("%(period)s: %(count)s article", "%(period)s: %(count)s articles", count,
                            period=name, count=format_count(count, ui))),
            x=round(slot_x + (slot - bar_width) / 2, 2), y=round(BASELINE - height, 2),
            width=round(bar_width, 2), height=round(height, 2), slot_x=round(slot_x, 2),
            slot_width=round(slot, 2), label=labels[position] if position % label_every == 0 else None,
            sublabel=sublabel, count_label=format_count(count, ui) if count and counts_wide else None,
            label_minor=position % narrow_every != 0,
            count_minor=not counts_narrow, label_x=round(label_x, 2), label_anchor=label_anchor))
    return bars


def _axis_labels(periods: list[tuple[str, int]], unit: str, slot: float, ui: str) -> tuple[list[str], int, int]:
    """Each period's axis label, and how often one is shown on a wide and on a narrow screen."""
    if unit == "year":
        labels = [format_year(period, ui) for period, _ in periods]
    else:
        labels = [format_month(int(period[:4]), int(period[5:7]), ui, "LLL") for period, _ in periods]
    longest = max(len(label) for label in labels)
    label_every = _every(slot, longest, WIDE_SCALE)
    if unit == "month":
        label_every = max(label_every, math.ceil(len(periods) / 6))
    return labels, label_every, _every(slot, longest, NARROW_SCALE, multiple_of=label_every)


def _period_names(periods: list[tuple[str, int]], position: int, slot: float, unit: str,
                  ui: str) -> tuple[str, str | None]:
    """The period's full name (for the bar's title) and, for a month, the year shown under it: in
    January, and in the first column unless the next January's would sit on top of it."""
    period = periods[position][0]
    if unit == "year":
        return format_year(period, ui), None
    year, month = int(period[:4]), int(period[5:7])
    sublabel = None
    if month == 1 or (position == 0 and (len(periods) <= 13 - month
                                         or _fits(format_year(year, ui), (13 - month) * slot, WIDE_SCALE))):
        sublabel = format_year(year, ui)
    return format_month(year, month, ui), sublabel


def _label_place(position: int, bars: int, slot_x: float, slot: float, ui: str) -> tuple[float, str]:
    """(x, text-anchor) of a bar's label: centred, but kept inside the chart at either end.
    text-anchor follows the text's direction: "start" is the right end of Arabic text."""
    if position == 0 and bars > 1:
        return (slot_x + slot if ui == "ar" else slot_x), "start"
    if position == bars - 1 and bars > 1:
        return (slot_x if ui == "ar" else slot_x + slot), "end"
    return slot_x + slot / 2, "middle"
