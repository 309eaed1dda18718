"""Whatever anyone types or puts in a URL, the site answers with a normal page (or a JSON 400),
never a server error, and never echoes markup unescaped."""
import re
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ..conftest import examples

PAYLOADS = ('<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "'><svg onload=alert(1)>",
            '<iframe src="javascript:alert(1)"></iframe>', '</textarea><script>x()</script>', '<b>bold</b>',
            '<a href="javascript:alert(1)">x</a>', '{{7*7}}<!--', ']]><x>')
SYNTAX = ('"', "'", "(", ")", "[", "]", "{", "}", "AND", "OR", "NOT", "-", "+", "*", "?", ":", "title:", 'source:"',
          "governorate:", "\\", "/", "~2", "^3", "&", "&amp;", "%", "%00", "--", "OR OR", "-\"", "*:*", "لا", "و")
CONTROLS = tuple(chr(c) for c in (0, 1, 7, 8, 9, 10, 11, 12, 13, 27, 127, 0x85, 0xA0)) + (
    "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069",
    "\ufeff", "\ufffe", "\U0001F600", "\u0651", "\u0640")
ARABIC = st.text(alphabet=st.characters(min_codepoint=0x0600, max_codepoint=0x06FF), max_size=12)
WORDS = st.sampled_from(("Hama", "حماة", "conscription", "تجنيد", "Aleppo", "SDF", "Hamas", "Deir ez-Zor", "درعا"))

piece = st.one_of(st.text(max_size=20), st.sampled_from(PAYLOADS), st.sampled_from(SYNTAX),
                  st.sampled_from(CONTROLS), ARABIC, WORDS)
short_query = st.lists(piece, max_size=10).map(" ".join)
long_query = st.builds(lambda unit, times: unit * times, st.sampled_from(("a ", "حماة ", "(", '"x" OR ', "<b>")),
                       st.integers(200, 3000))
query = st.integers(0, 15).flatmap(lambda pick: long_query if pick == 0 else short_query)  # long ones are slow
junk = st.one_of(st.just(""), st.text(max_size=12), st.sampled_from(PAYLOADS),
                 st.sampled_from(("0", "-1", "1", "99999999999999999999", "2019", "2019-13", "2019-02-30", "1e9")))
other_params = st.fixed_dictionaries({}, optional={
    "governorate": st.one_of(st.sampled_from(("SY05", "SY02", "SY99")), junk),
    "district": st.one_of(st.just("SY0503"), junk), "town": st.one_of(st.just("salamiyah"), junk),
    "actor": st.one_of(st.just("sdf"), junk), "lang": st.one_of(st.sampled_from(("ar", "en")), junk),
    "page": junk, "per_page": junk, "from": junk, "to": junk, "sort": st.one_of(st.just("date"), junk),
    "expand": junk, "ui": st.one_of(st.sampled_from(("ar", "en")), junk), "year": junk})


@pytest.fixture(scope="module")
def client(demo_settings):
    """Small pages keep 2,000 examples quick (snippets are the slow part); the parsing is the same."""
    from search_app.web import create_app

    return create_app(replace(demo_settings, page_size=5, max_page_size=10)).test_client()


UNHURRIED = {"deadline": None, "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                                          HealthCheck.data_too_large]}


def assert_escaped(html: str) -> None:
    for payload in PAYLOADS:
        assert payload not in html, payload
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)


@settings(max_examples=examples(2000), **UNHURRIED)
@given(q=query, params=other_params)
def test_no_query_breaks_the_search_page_or_escapes_into_it(client, q, params):
    page = client.get("/", query_string={"q": q, **params})
    assert page.status_code == 200, (q, params)
    assert_escaped(page.get_data(as_text=True))


@settings(max_examples=examples(500), **UNHURRIED)
@given(q=query, params=other_params)
def test_no_query_breaks_the_api(client, q, params):
    api = client.get("/api/search", query_string={"q": q, **params})
    assert api.status_code in (200, 400) and api.is_json, (q, params, api.status_code)
    assert api.headers["X-Content-Type-Options"] == "nosniff"  # JSON carries the query as data, never as HTML
    data = api.get_json()
    assert set(data) == {"error"} or data["query"] == q[:1000]


@settings(max_examples=examples(200), **UNHURRIED)
@given(q=short_query, params=other_params, path=st.sampled_from(("/feed.atom", "/export.csv", "/export.jsonl",
                                                                    "/api/facets", "/stats", "/place/SY05")))
def test_no_query_breaks_feeds_exports_and_other_pages(client, q, params, path):
    response = client.get(path, query_string={"q": q, **params})
    assert response.status_code in (200, 400), (path, q, params, response.status_code)
    if response.mimetype == "text/html":
        assert_escaped(response.get_data(as_text=True))
