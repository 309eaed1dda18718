"""Publication dates from whatever a source gives: ISO strings, "YYYY-MM", "YYYY", English and
Arabic date strings (including the Levantine month names), datetimes and dates; other types
(numbers included: 2014 could be a year or an epoch second) give None.

The result keeps its precision ('day', 'month' or 'year') so a date facet never invents a day.
Times are UTC: a naive value is taken to be UTC already, an aware one is converted.

Rejected (None, never an exception): anything unparseable, strings without a year (dateparser
would otherwise fill in the current year: "12" is not a date), relative dates ("yesterday" means
nothing once stored), dates before 1990 (older than any reporting this archive covers: a typo or
an epoch default) and dates more than two days in the future (time-zone slack allowed; beyond it
a date is wrong).
"""
from __future__ import annotations

import datetime as dt
import email.utils
import re
from dataclasses import dataclass

from dateparser.date import DateDataParser

from search_app.text.arabic import ARABIC_LETTERS, normalize_arabic

EARLIEST = dt.datetime(1990, 1, 1, tzinfo=dt.timezone.utc)
FUTURE_SLACK = dt.timedelta(days=2)

_YEAR = re.compile(r"^(\d{4})$")
_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_HAS_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)|(?<!\d)\d{1,2}[/.-]\d{1,2}[/.-]\d{2}(?!\d)")

# Levantine (Syriac-derived) month names -> the Egyptian/Gulf names dateparser knows. Written
# after normalize_arabic, which folds the alef forms (آذار = اذار, أيلول = ايلول) and ة.
_LEVANTINE_MONTHS = {
    "كانون الثاني": "يناير", "شباط": "فبراير", "اذار": "مارس", "نيسان": "ابريل", "ايار": "مايو",
    "حزيران": "يونيو", "تموز": "يوليو", "اب": "اغسطس", "ايلول": "سبتمبر", "تشرين الاول": "اكتوبر",
    "تشرين الثاني": "نوفمبر", "كانون الاول": "ديسمبر",
}
_LEVANTINE = re.compile(
    rf"(?<![{ARABIC_LETTERS}])("
    + "|".join(name.replace(" ال", r"\s+(?:ال)?") for name in sorted(_LEVANTINE_MONTHS, key=len, reverse=True))
    + rf")(?![{ARABIC_LETTERS}])"
)
# "تشرين الأول (أكتوبر)" and "تشرين الأول/أكتوبر": after mapping, the same month twice.
_REPEATED_MONTH = re.compile(rf"([{ARABIC_LETTERS}]+)\s*[/(]\s*\1\s*\)?")

# The shapes feeds and CMSs write most, read without dateparser (slow on every date): RFC 822 with a
# numeric or UTC zone, "April 5, 2017", "5 April 2017". They give what dateparser gives.
_RFC822 = re.compile(r"^(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{1,2}:\d{2}(?::\d{2})?\s+"
                     r"(?:[+-]\d{4}|GMT|UTC|UT|Z)$")
_ENGLISH_MONTHS = {name: number for number, name in enumerate(
    "january february march april may june july august september october november december".split(), 1)}
_MONTH_DAY_YEAR = re.compile(r"^([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})$")
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})\s+([A-Za-z]+)\.?,?\s+(\d{4})$")

# The month names dateparser's Arabic locale reads, as normalize_arabic writes them (أبريل = ابريل):
# "D month YYYY" in these is the Arabic dates' one shape, read without dateparser (2 ms a date).
_ARABIC_MONTHS = {name: number for number, name in enumerate(
    "يناير فبراير مارس ابريل مايو يونيو يوليو اغسطس سبتمبر اكتوبر نوفمبر ديسمبر".split(), 1)}
_ARABIC_DAY_MONTH_YEAR = re.compile(rf"^([0-9]{{1,2}})\s+({'|'.join(_ARABIC_MONTHS)})\s+([0-9]{{4}})$")

_PARSER = DateDataParser(
    languages=["en", "ar"],
    settings={
        "TIMEZONE": "UTC", "TO_TIMEZONE": "UTC", "RETURN_AS_TIMEZONE_AWARE": True,
        "PREFER_DAY_OF_MONTH": "first", "PARSERS": ["custom-formats", "absolute-time"],
    },
)


@dataclass(frozen=True)
class PublishedDate:
    value: dt.datetime  # UTC, timezone-aware; the first instant of the month/year when less precise
    precision: str  # 'day' | 'month' | 'year'


def parse_published(value, *, now: dt.datetime | None = None) -> PublishedDate | None:
    """The publication date in ``value``, or None when there is none worth keeping."""
    try:
        parsed = _parse(value)
    except (ValueError, TypeError, OverflowError):
        return None
    if parsed is None:
        return None
    now = now or dt.datetime.now(dt.timezone.utc)
    if not EARLIEST <= parsed.value <= now + FUTURE_SLACK:
        return None
    return parsed


def is_out_of_range(value, *, now: dt.datetime | None = None) -> bool:
    """True when ``value`` reads as a date that ``parse_published`` refuses only for when it is
    (before ``EARLIEST`` or past ``FUTURE_SLACK``), so the operator is told why, not "unparseable"."""
    try:
        parsed = _parse(value)
    except (ValueError, TypeError, OverflowError):
        return False
    now = now or dt.datetime.now(dt.timezone.utc)
    return parsed is not None and not EARLIEST <= parsed.value <= now + FUTURE_SLACK


ACCEPTED_RANGE = f"{EARLIEST:%Y-%m-%d} to {FUTURE_SLACK.days} days from today"


def parse_relative(value: str, now: dt.datetime) -> PublishedDate | None:
    """'2 hours ago', 'yesterday', 'منذ ساعتين', anchored to ``now``: for feeds, read when fetched.

    Stored dates never stay relative: the result is an absolute UTC time.
    """
    if not isinstance(value, str) or not value.strip():
        return None
    now = _as_utc(now)
    parser = DateDataParser(languages=["en", "ar"], settings={
        "RELATIVE_BASE": now.replace(tzinfo=None), "PREFER_DATES_FROM": "past"})
    try:
        data = parser.get_date_data(value.strip())
    except (ValueError, TypeError, OverflowError):
        return None
    if data.date_obj is None:
        return None
    found = _as_utc(data.date_obj)
    return PublishedDate(found, "day") if EARLIEST <= found <= now + FUTURE_SLACK else None


def _parse(value) -> PublishedDate | None:
    if isinstance(value, dt.datetime):
        return PublishedDate(_as_utc(value), "day")
    if isinstance(value, dt.date):
        return PublishedDate(dt.datetime(value.year, value.month, value.day, tzinfo=dt.timezone.utc), "day")
    if not isinstance(value, str):
        return None
    text = normalize_arabic(value).strip()  # also turns Arabic-Indic digits into ASCII
    if not text:
        return None
    if match := _YEAR.match(text):
        return PublishedDate(dt.datetime(int(match[1]), 1, 1, tzinfo=dt.timezone.utc), "year")
    if match := _YEAR_MONTH.match(text):
        return PublishedDate(dt.datetime(int(match[1]), int(match[2]), 1, tzinfo=dt.timezone.utc), "month")
    try:
        return PublishedDate(_as_utc(dt.datetime.fromisoformat(text.replace("Z", "+00:00"))), "day")
    except ValueError:
        pass
    if not _HAS_YEAR.search(text):
        return None
    common = _common_shape(text)
    if common is not None:
        return common
    text = _LEVANTINE.sub(lambda m: _LEVANTINE_MONTHS[_month_key(m[1])], text)
    text = _REPEATED_MONTH.sub(r"\1", text)
    arabic = _arabic_day_month_year(text)
    if arabic is not None:
        return arabic
    data = _PARSER.get_date_data(text)
    if data.date_obj is None:
        return None
    found = _as_utc(data.date_obj)
    if data.period == "year":
        return PublishedDate(found.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0), "year")
    if data.period == "month":
        return PublishedDate(found.replace(day=1, hour=0, minute=0, second=0, microsecond=0), "month")
    return PublishedDate(found, "day")


def _common_shape(text: str) -> PublishedDate | None:
    """A date in one of the common shapes (see ``_RFC822``), or None to ask dateparser."""
    if _RFC822.match(text):
        return PublishedDate(_as_utc(email.utils.parsedate_to_datetime(text)), "day")
    if match := _MONTH_DAY_YEAR.match(text):
        month, day, year = match[1], match[2], match[3]
    elif match := _DAY_MONTH_YEAR.match(text):
        day, month, year = match[1], match[2], match[3]
    else:
        return None
    number = _ENGLISH_MONTHS.get(month.lower())
    if number is None:
        return None
    return PublishedDate(dt.datetime(int(year), number, int(day), tzinfo=dt.timezone.utc), "day")


def _arabic_day_month_year(text: str) -> PublishedDate | None:
    """"20 ديسمبر 2023" (and a Levantine month once mapped), as dateparser reads it: that day at
    midnight UTC. None for any other text, or a day the month does not have (dateparser decides)."""
    match = _ARABIC_DAY_MONTH_YEAR.match(text)
    if match is None:
        return None
    try:
        return PublishedDate(dt.datetime(int(match[3]), _ARABIC_MONTHS[match[2]], int(match[1]),
                                         tzinfo=dt.timezone.utc), "day")
    except ValueError:
        return None


def _month_key(found: str) -> str:
    """The table key for a matched month name written with any spacing or without ال."""
    words = found.split()
    if len(words) == 2 and not words[1].startswith("ال"):
        words[1] = "ال" + words[1]
    return " ".join(words)


def _as_utc(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc)
