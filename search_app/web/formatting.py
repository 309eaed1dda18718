"""Numbers and dates in the interface language, through Babel.

Arabic is formatted for Syria (``ar_SY``): Levantine month names (كانون الثاني, تشرين الأول) and
Arabic-Indic digits, as Syrian readers see them; English uses Latin digits and English months.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

FORMAT_LOCALES = {"en": "en", "ar": "ar_SY"}
_LATIN_DIGITS = "0123456789"
NUMBERING_DIGITS = {"arab": "٠١٢٣٤٥٦٧٨٩", "arabext": "۰۱۲۳۴۵۶۷۸۹"}  # CLDR numbering systems


@lru_cache(maxsize=None)
def format_locale(ui: str) -> Locale:
    return Locale.parse(FORMAT_LOCALES.get(ui, "en"))


def localize_digits(text: str, ui: str) -> str:
    """Babel picks a locale's separators (٫ ٬) but leaves digits Latin; this swaps in the digits
    of the locale's own numbering system."""
    digits = NUMBERING_DIGITS.get(format_locale(ui).default_numbering_system)
    return text.translate(str.maketrans(_LATIN_DIGITS, digits)) if digits else text


def format_count(number: int | float, ui: str) -> str:
    return localize_digits(format_decimal(number, locale=format_locale(ui), numbering_system="default"), ui)


def format_year(year: int | str, ui: str) -> str:
    return localize_digits(str(year), ui)  # no grouping: 2019, not 2,019


def format_month(year: int, month: int, ui: str, style: str = "LLLL y") -> str:
    """``LLL``: the month alone, short; ``LLLL y``: March 2019 / آذار ٢٠١٩."""
    return localize_digits(format_date(dt.date(year, month, 1), style, locale=format_locale(ui)), ui)


def format_published(value, precision: str | None, ui: str) -> str:
    """A publication date as precise as the source gave it: 5 October 2019, October 2019, 2019."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    day = value.date() if isinstance(value, dt.datetime) else value
    if precision == "year":
        return format_year(day.year, ui)
    if precision == "month":
        return format_month(day.year, day.month, ui)
    return localize_digits(format_date(day, "long", locale=format_locale(ui)), ui)


def format_timestamp(value: str | dt.datetime | None, ui: str) -> str:
    """An instant such as an index build time, in the UI language."""
    if not value:
        return ""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    # With its zone: an operator reading "8:21 PM" cannot tell the server's clock from their own.
    return localize_digits(format_datetime(value, "long", tzinfo=dt.timezone.utc, locale=format_locale(ui)), ui)
