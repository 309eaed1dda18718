"""Language of an article and its publication date, with the precision the source gave."""
import datetime as dt

import pytest

from search_app.enrich import PublishedDate, detect_language, parse_published

UTC = dt.timezone.utc


def test_arabic_article_is_arabic():
    assert detect_language("قصفت قوات النظام ريف حماة الشمالي صباح اليوم، وفق المرصد السوري.") == "ar"


def test_arabic_with_some_english_names_is_still_arabic():
    assert detect_language("قالت منظمة WHO إن الأعراض تتفق مع غاز السارين في إدلب") == "ar"


def test_english_article_is_english():
    text = ("Government forces shelled villages in the northern countryside of Hama on Monday, "
            "killing at least five civilians, a war monitor said.")
    assert detect_language(text) == "en"


@pytest.mark.parametrize("text", ["", None, "   ", "2016 - 17 !!"])
def test_nothing_to_go_on_is_undetermined(text):
    assert detect_language(text) == "und"


def test_the_first_words_are_read_from_the_start_as_from_the_whole_text():
    """The English test reads its words from the text's first characters when those hold enough:
    the same words as reading the whole text, wherever the last word taken ends."""
    import itertools

    from search_app.enrich.langid import MARKER_SCAN_CHARS, MARKER_WORDS, _WORD, _first_words
    from tests.conftest import demo_records

    texts = [f"{record['title']}\n{record['body']}" for record in demo_records()]
    for width in (1, 5, 12, 13, 14):  # the 150th word ends just before, at and after the scan's end
        word = "w" * (width - 1)
        texts += [" ".join([word] * count) for count in range(MARKER_SCAN_CHARS // width - 3,
                                                              MARKER_SCAN_CHARS // width + 3)]
    texts += ["x" * (MARKER_SCAN_CHARS + 50) + " the of", "Hama " * MARKER_WORDS + "Homs"]
    for text in texts:
        expected = [match.group() for match in itertools.islice(_WORD.finditer(text), MARKER_WORDS)]
        assert _first_words(text) == expected, text[:60]


def test_levantine_arabic_date():
    assert parse_published("5 تشرين الأول 2019") == PublishedDate(dt.datetime(2019, 10, 5, tzinfo=UTC), "day")


@pytest.mark.parametrize("month, number", [
    ("كانون الثاني", 1), ("شباط", 2), ("آذار", 3), ("نيسان", 4), ("أيار", 5), ("حزيران", 6),
    ("تموز", 7), ("آب", 8), ("أيلول", 9), ("تشرين الأول", 10), ("تشرين الثاني", 11), ("كانون الأول", 12),
])
def test_every_levantine_month(month, number):
    assert parse_published(f"12 {month} 2015").value == dt.datetime(2015, number, 12, tzinfo=UTC)


def test_dual_month_names_and_arabic_digits():
    assert parse_published("الأحد ٥ تشرين الأول/أكتوبر ٢٠١٩").value == dt.datetime(2019, 10, 5, tzinfo=UTC)
    assert parse_published("أيلول 2014") == PublishedDate(dt.datetime(2014, 9, 1, tzinfo=UTC), "month")


def test_month_and_year_precision():
    assert parse_published("March 2016") == PublishedDate(dt.datetime(2016, 3, 1, tzinfo=UTC), "month")
    assert parse_published("2016-03") == PublishedDate(dt.datetime(2016, 3, 1, tzinfo=UTC), "month")
    assert parse_published("2014") == PublishedDate(dt.datetime(2014, 1, 1, tzinfo=UTC), "year")


def test_iso_dates_are_utc():
    assert parse_published("2017-04-05T10:00:00+03:00").value == dt.datetime(2017, 4, 5, 7, tzinfo=UTC)
    assert parse_published("2015-07-21T02:16:24").value == dt.datetime(2015, 7, 21, 2, 16, 24, tzinfo=UTC)
    assert parse_published("2013-08-21T00:00:00Z").value == dt.datetime(2013, 8, 21, tzinfo=UTC)
    assert parse_published(dt.date(2016, 1, 2)) == PublishedDate(dt.datetime(2016, 1, 2, tzinfo=UTC), "day")


def test_english_date_strings():
    assert parse_published("Wed 05 Apr 2017").value == dt.datetime(2017, 4, 5, tzinfo=UTC)
    assert parse_published("4/5/17").value == dt.datetime(2017, 4, 5, tzinfo=UTC)


@pytest.mark.parametrize("value", ["garbage", "", "12", "yesterday", "2015-13", None, 2014, "1985", "March 1989"])
def test_unusable_values_are_none(value):
    assert parse_published(value) is None


def test_dates_too_far_in_the_future_are_rejected():
    now = dt.datetime(2020, 1, 1, tzinfo=UTC)
    assert parse_published("2020-01-02", now=now) is not None
    assert parse_published("2020-01-04", now=now) is None


def test_relative_dates_resolve_against_the_fetch_time():
    import datetime as dt

    from search_app.enrich.dates import parse_relative

    fetched = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.timezone.utc)
    assert parse_relative("منذ 3 أيام", fetched).value == fetched - dt.timedelta(days=3)
    assert parse_relative("2 hours ago", fetched).value == fetched - dt.timedelta(hours=2)
    assert parse_relative("not a date", fetched) is None


@pytest.mark.parametrize("year", [2012, 2015])
def test_arabic_day_month_year_is_read_as_dateparser_reads_it(year):
    """"20 ديسمبر 2023" is read without dateparser: the same date as dateparser gives, for every
    day of every month name (Levantine ones too), and no date where dateparser finds none."""
    from search_app.enrich.dates import _PARSER

    egyptian = "يناير فبراير مارس أبريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر ديسمبر".split()
    levantine = ["كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "آب", "أيلول",
                 "تشرين الأول", "تشرين الثاني", "كانون الأول"]
    for month, (name, other_name) in enumerate(zip(egyptian, levantine), 1):
        for day in range(1, 32):
            data = _PARSER.get_date_data(f"{day} {name} {year}")
            expected = None
            if data.date_obj is not None:
                assert data.period == "day"
                expected = PublishedDate(data.date_obj.astimezone(UTC), "day")
            assert parse_published(f"{day} {name} {year}") == expected, (day, name)
            assert parse_published(f"{day} {other_name} {year}") == expected, (day, other_name)
