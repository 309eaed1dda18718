"""Numbered pagination: the first page, the pages around the current one, the last page."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

AROUND = 2  # pages shown on each side of the current one


@dataclass(frozen=True)
class PageLink:
    number: int
    url: str
    current: bool


def page_links(current: int, last: int, url: Callable[[int], str], around: int = AROUND) -> list[PageLink | None]:
    """Links to page 1, ``current`` ± ``around`` and ``last``, in order; None marks a gap."""
    if last < 2:
        return []
    shown = {1, last, *range(max(1, current - around), min(last, current + around) + 1)}
    shown |= {number + 1 for number in shown if number + 2 in shown}  # a gap of one page: show it
    shown = sorted(number for number in shown if number <= last)
    links: list[PageLink | None] = []
    for number in shown:
        if links and links[-1] is not None and number > links[-1].number + 1:
            links.append(None)
        links.append(PageLink(number, url(number), number == current))
    return links
