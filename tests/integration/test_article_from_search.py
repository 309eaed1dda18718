"""Opening a story from a search and keeping the search: result links carry the query and
filters, the article links back to the results, keeps the query in the box and marks its
matches (every spelling and translation the query was expanded to) in the original and the
translation."""
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from search_app.search import SearchEngine

from ..conftest import make_settings

SEARCH = {"q": "conscription Hama", "governorate": "SY05"}
STORY_TITLE = "التجنيد الإجباري يدفع شباب حماة إلى الهجرة"  # a demo story with an English translation


def get(client, path, headers=None, **params) -> str:
    response = client.get(path, query_string=params or None, headers=headers or {})
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def article_links(html: str) -> dict[str, str]:
    """Result id -> the href of its title link."""
    return {article_id: unescape(href) for article_id, href in re.findall(
        r'<li class="hit" data-id="([^"]+)".*?<h3[^>]*><a href="([^"]+)"', html, re.S)}


def back_link(html: str) -> str | None:
    found = re.search(r'<a id="back-to-results" href="([^"]+)"', html)
    return unescape(found.group(1)) if found else None


def section(html: str, kind: str) -> str:
    return re.search(rf'<section class="text {kind}".*?</section>', html, re.S).group(0)


@pytest.fixture(scope="module")
def story_link(app):
    """The search's link to the Arabic conscription story, as the results page has it."""
    client = app.test_client()
    html = get(client, "/", **SEARCH, per_page="50", sort="date")
    hits = dict(re.findall(r'<li class="hit" data-id="([^"]+)".*?<h3[^>]*><a href="[^"]+">([^<]+)</a>', html, re.S))
    story_id = next(article_id for article_id, title in hits.items() if unescape(title) == STORY_TITLE)
    return article_links(html)[story_id]


def test_result_links_carry_the_query_and_filters_but_not_the_page(client):
    html = get(client, "/", **SEARCH, per_page="2", page="2", sort="date", ui="en")
    links = article_links(html)
    assert len(links) == 2
    for article_id, href in links.items():
        url = urlsplit(href)
        assert url.path == f"/article/{article_id}"
        assert parse_qs(url.query) == {"q": ["conscription Hama"], "governorate": ["SY05"], "sort": ["date"]}


def test_article_from_a_search_links_back_keeps_the_query_and_marks_its_matches(client, story_link):
    html = get(client, story_link + "&ui=en")
    assert back_link(html) == "/?q=conscription+Hama&governorate=SY05&sort=date"
    assert 'name="q" value="conscription Hama"' in html
    assert '<input type="hidden" name="governorate" value="SY05">' in html  # a new search keeps the filter
    original_marks = re.findall(r"<mark[^>]*>([^<]+)</mark>", section(html, "original"))
    translation_marks = re.findall(r"<mark[^>]*>([^<]+)</mark>", section(html, "translation"))
    # The Arabic original is marked through the query's expansions: Hama -> حماة, conscription -> التجنيد.
    assert "حماة" in original_marks and any("تجنيد" in word for word in original_marks)
    assert {"Conscription", "Hama"} <= {word.split("'")[0] for word in translation_marks}
    # Switching between original and translation keeps the search.
    views = {unescape(href) for href in re.findall(r'<a id="view-\w+" class="view-\w+" href="([^"]+)"', html)}
    assert views and all(parse_qs(urlsplit(href).query)["q"] == ["conscription Hama"] for href in views)


def test_back_link_returns_to_the_results_page_the_reader_came_from(client, story_link):
    page_two = "http://localhost/?q=conscription+Hama&governorate=SY05&sort=date&per_page=5&page=2&ui=ar"
    html = get(client, story_link, headers={"Referer": page_two})
    assert back_link(html) == "/?q=conscription+Hama&governorate=SY05&sort=date&per_page=5&page=2"
    # Coming from another search (or another site), the link goes to this search's first page.
    for elsewhere in ("http://localhost/?q=Aleppo&page=3", "https://example.org/?q=conscription+Hama&page=2"):
        html = get(client, story_link, headers={"Referer": elsewhere})
        assert back_link(html) == "/?q=conscription+Hama&governorate=SY05&sort=date"


def test_article_opened_from_a_filter_only_search_links_back_without_marks(client, story_link):
    article_path = urlsplit(story_link).path
    html = get(client, article_path, governorate="SY05")
    assert back_link(html) == "/?governorate=SY05" and "<mark" not in html


def test_article_opened_directly_has_no_back_link_and_no_marks(client, story_link):
    html = get(client, urlsplit(story_link).path)
    assert back_link(html) is None and "<mark" not in html
    assert 'name="q" value=""' in html


def test_the_query_reaches_the_article_page_escaped(client, story_link):
    hostile = 'Hama "><script>alert(1)</script>'
    html = get(client, urlsplit(story_link).path, q=hostile)
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert re.search(r"<mark[^>]*>حماة</mark>", section(html, "original"))


def test_marker_leaves_out_excluded_words_and_expands_prefixes(demo_settings):
    engine = SearchEngine(demo_settings.index_dir)
    marked = engine.text_marker("Hama -army").mark("Hama & the army <b>", "en")
    assert re.sub(r"<mark[^>]*>", "<mark>", marked) == "<mark>Hama</mark> &amp; the army &lt;b&gt;"
    assert engine.text_marker("conscript*").mark("Conscription and conscripts", "en").count("<mark") == 2
    assert engine.text_marker("").mark("Hama", "en") == "Hama"
    unexpanded = engine.text_marker("Hama", expand=False).mark("Hama حماة", "ar")
    assert re.sub(r"<mark[^>]*>", "<mark>", unexpanded) == "<mark>Hama</mark> حماة"


def test_article_from_a_search_still_opens_from_the_store_alone(demo_settings, tmp_path, story_link):
    from search_app.web import create_app

    settings = make_settings(tmp_path, data_dir=demo_settings.data_dir)  # the store, and no index
    html = get(create_app(settings).test_client(), story_link)
    assert STORY_TITLE in html and back_link(html) and "<mark" not in html


def test_a_phone_shows_the_text_that_matched_when_only_the_translation_did(tmp_path):
    """A phone has room for one text of the side-by-side view: the translation, and its tab reads
    as chosen, when the search matched only the translation; else the original."""
    from search_app.web import create_app
    from ..conftest import index_of_records

    settings = index_of_records(tmp_path, [{
        "id": "welsh-1", "title": "Welsh members worried about their title", "lang": "en", "source": "BBC",
        "body": "There is consternation among some members at a suggestion their title should change.",
        "translations": [{"lang": "ar", "title": "أعضاء جمعية ويلز قلقون من لقبهم",
                          "body": "أعرب أعضاء جمعية ويلز الوطنية عن قلقهم من تغيير لقبهم."}]}])
    client = create_app(settings).test_client()
    only_translation = get(client, "/article/welsh-1", q="ويلز")
    assert '<div class="texts texts-both narrow-translation">' in only_translation
    assert '<nav class="views narrow-translation"' in only_translation
    assert "<mark" in section(only_translation, "translation") and "<mark" not in section(only_translation, "original")
    assert '<div class="texts texts-both narrow-original">' in get(client, "/article/welsh-1", q="consternation")
    assert '<div class="texts texts-original narrow-original">' in get(client, "/article/welsh-1", q="ويلز",
                                                                          view="original")
