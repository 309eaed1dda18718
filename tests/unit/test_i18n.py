"""The Arabic interface is complete: every message in the templates and the web code has a
translation, the catalog compiles, and numbers and dates follow the interface language."""
import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from search_app.web.formatting import format_count, format_month, format_published, format_year
from search_app.web.i18n import TRANSLATIONS_DIR, compiled_catalogs

from ..conftest import REPO_ROOT as PROJECT_ROOT, without_file_override

ARABIC_PO = TRANSLATIONS_DIR / "ar" / "LC_MESSAGES" / "messages.po"


def extracted_messages() -> dict[str, str]:
    """msgid -> where it was found, read with the project's own babel.cfg."""
    with (PROJECT_ROOT / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found = {}
    for filename, lineno, message, _, _ in extract_from_dir(
            str(PROJECT_ROOT), method_map, options_map, keywords={"_": None, "gettext": None,
                                                                  "ngettext": (1, 2), "lazy_gettext": None}):
        key = message[0] if isinstance(message, tuple) else message
        found.setdefault(key, f"{filename}:{lineno}")
    return found


@pytest.fixture(scope="module")
def arabic_catalog():
    with ARABIC_PO.open("rb") as handle:
        return read_po(handle, locale="ar")


def test_extraction_reads_templates_and_web_code():
    places = set(extracted_messages().values())
    assert any(place.startswith("search_app/web/templates/") for place in places)
    assert any(place.startswith("search_app/web/") for place in places)


def test_every_interface_message_has_an_arabic_translation(arabic_catalog):
    missing = []
    for message_id, where in extracted_messages().items():
        entry = arabic_catalog.get(message_id)
        strings = [] if entry is None else (list(entry.string) if isinstance(entry.string, tuple) else [entry.string])
        if entry is None or entry.fuzzy or not strings or not all(strings):
            missing.append(f"{where}: {message_id!r}")
    assert not missing, "untranslated in ar/LC_MESSAGES/messages.po:\n" + "\n".join(missing)


def test_arabic_plurals_have_all_six_forms_and_placeholders_match(arabic_catalog):
    assert arabic_catalog.num_plurals == 6
    problems = [(message.id, [str(error) for error in errors]) for message, errors in arabic_catalog.check()]
    assert not problems
    for message in arabic_catalog:
        if message.id and isinstance(message.id, tuple):
            assert len(message.string) == 6 and all(message.string), message.id


def test_catalogs_compile_and_fall_back_to_a_cache_when_the_package_is_read_only(tmp_path):
    source = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS_DIR, source, ignore=shutil.ignore_patterns("*.mo"))
    assert compiled_catalogs(source) == source and (source / "ar/LC_MESSAGES/messages.mo").stat().st_size > 1000
    read_only = tmp_path / "read-only"
    shutil.copytree(source, read_only, ignore=shutil.ignore_patterns("*.mo"))
    (read_only / "ar/LC_MESSAGES").chmod(0o555)
    try:
        target = Path(_compile_in_a_process_that_obeys_permissions(read_only, cache=tmp_path / "cache"))
    finally:
        (read_only / "ar/LC_MESSAGES").chmod(0o755)
    assert target.parent == tmp_path / "cache" and (target / "ar/LC_MESSAGES/messages.mo").stat().st_size > 1000
    assert not list(read_only.rglob("*.mo")) and not list(read_only.rglob(".messages.mo.*"))


def _compile_in_a_process_that_obeys_permissions(source: Path, cache: Path) -> str:
    """compiled_catalogs(source) in a child whose temporary folder is ``cache``. Root writes through
    any mode bits (CAP_DAC_OVERRIDE), so as root the child runs without that capability (util-linux's
    setpriv): the read-only folder is read-only to it too, on any filesystem."""
    drop = without_file_override()
    cache.mkdir()
    child = subprocess.run(
        [*drop, sys.executable, "-c", "import sys; from pathlib import Path; "
         "from search_app.web.i18n import compiled_catalogs; print(compiled_catalogs(Path(sys.argv[1])))", str(source)],
        env={**os.environ, "TMPDIR": str(cache)}, capture_output=True, text=True, check=True)
    return child.stdout.strip()


def test_numbers_use_arabic_indic_digits_in_arabic_and_latin_in_english():
    assert format_count(12345, "ar") == "١٢٬٣٤٥" and format_count(12345, "en") == "12,345"
    assert format_year(2019, "ar") == "٢٠١٩" and format_year(2019, "en") == "2019"


def test_dates_use_levantine_month_names_in_arabic():
    assert format_published(dt.datetime(2019, 10, 5), "day", "ar") == "٥ تشرين الأول ٢٠١٩"
    assert format_published("2019-01-01T00:00:00+00:00", "month", "ar") == "كانون الثاني ٢٠١٩"
    assert format_published(dt.date(2019, 10, 5), "year", "ar") == "٢٠١٩"
    assert format_published(dt.datetime(2019, 10, 5), "day", "en") == "October 5, 2019"
    assert format_month(2019, 3, "en", "LLL") == "Mar"


def test_every_template_uses_gettext_for_visible_text():
    """A rough guard: no English words between tags outside gettext calls."""
    import re

    allowed = {"CSV", "JSONL", "English", "×"}
    for template in Path(PROJECT_ROOT / "search_app" / "web" / "templates").glob("*.html"):
        text = re.sub(r"{[{%#].*?[}%#]}", "", template.read_text(encoding="utf-8"), flags=re.S)
        for chunk in re.findall(r">([^<>]+)<", text):
            words = chunk.strip(" \n·|()-–")
            if words and re.search(r"[A-Za-z]{2,}", words) and words not in allowed:
                pytest.fail(f"{template.name}: untranslatable text {words!r}")


def test_an_index_build_time_says_its_time_zone_in_both_languages():
    from search_app.web.formatting import format_timestamp

    assert format_timestamp("2026-12-07T20:21:06+00:00", "en") == "December 7, 2026, 8:21:06\u202fPM UTC"
    assert format_timestamp("2026-12-07T20:21:06+00:00", "ar").endswith("التوقيت العالمي")
