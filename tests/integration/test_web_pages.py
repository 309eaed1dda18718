"""Reading stories and profiles in both interface languages: the article page, place and actor
pages, the stats page, the language switch, and how the site answers what it cannot serve."""
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from ..conftest import demo_records

ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"


def get(client, path, **params) -> str:
    response = client.get(path, query_string=params)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


@pytest.fixture(scope="module")
def translated_arabic_story():
    return next(r for r in demo_records() if r.get("lang") == "ar" and r.get("translations"))


def test_article_shows_original_beside_translation_with_permalink_and_source(client, translated_arabic_story):
    story = translated_arabic_story
    html = get(client, f"/article/{story['_id']}", ui="en")
    assert re.search(r'<div class="texts texts-both narrow-original">\s*<section class="text original" lang="ar" dir="rtl">', html)
    assert f'<h1>{story["translations"][0]["title"]}</h1>' in unescape(html)
    assert f'href="http://localhost/article/{story["_id"]}"' in html and 'id="permalink"' in html
    assert f'id="source-link" href="{story["url"]}"' in html


def test_article_view_switch_shows_one_text(client, translated_arabic_story):
    story = translated_arabic_story
    original = get(client, f"/article/{story['_id']}", view="original")
    assert "section class=\"text original\"" in original and "section class=\"text translation\"" not in original
    translation = get(client, f"/article/{story['_id']}", view="translation")
    assert "section class=\"text translation\"" in translation and "section class=\"text original\"" not in translation


def test_article_places_and_actors_are_chips_linking_to_filtered_searches(client):
    data = client.get("/api/search", query_string={"q": "Salamiyah", "town": "salamiyah"}).get_json()
    article_id = data["results"][0]["id"]
    html = get(client, f"/article/{article_id}", ui="en")
    chips = dict(re.findall(r'<a class="chip (?:place|actor)[^"]*" href="([^"]+)"[^>]*><bdi>([^<]+)</bdi>', html))
    chips = {unescape(name): parse_qs(urlsplit(unescape(href)).query) for href, name in chips.items()}
    assert chips["Salamiyah"] == {"governorate": ["SY05"], "district": ["SY0503"], "town": ["salamiyah"]}
    assert chips["Hama"]["governorate"] == ["SY05"]
    assert 'href="/place/salamiyah"' in html


def test_more_like_this_lists_five_related_stories_in_both_languages(client, translated_arabic_story):
    html = get(client, f"/article/{translated_arabic_story['_id']}")
    related = re.search(r'<section class="related" id="related">.*?</section>', html, re.S).group(0)
    ids = re.findall(r'<li class="hit" data-id="([^"]+)" data-lang="(\w+)"', related)
    assert len(ids) == 5 and translated_arabic_story["_id"] not in {i for i, _ in ids}
    assert {lang for _, lang in ids} == {"ar", "en"}


def test_place_page_has_both_names_a_timeline_actors_and_latest_stories(client):
    html = get(client, "/place/SY05", ui="en")
    assert "<h1>Hama</h1>" in html and '<span lang="ar" dir="rtl">حماة</span>' in html
    assert 'id="entity-timeline"' in html and 'id="co-occurring"' in html and 'id="districts"' in html
    latest = re.findall(r'<time datetime="([\d-]+)"', re.search(r'id="latest".*', html, re.S).group(0))
    assert len(latest) == 10 and latest == sorted(latest, reverse=True)
    total = client.get("/api/search", query_string={"governorate": "SY05"}).get_json()["total"]
    assert f"{total} stories" in html


def test_actor_page_lists_where_its_stories_are(client):
    html = get(client, "/actor/sdf", ui="en")
    assert "Syrian Democratic Forces" in html and "قوات سوريا الديمقراطية" in html
    places = re.search(r'id="co-occurring".*?</section>', html, re.S).group(0)
    assert "Al-Hasakeh" in places and "actor=sdf" in places and "/place/SY08" in places


def test_unknown_place_or_actor_is_a_normal_404_page(client):
    for path in ("/place/SY99", "/actor/nobody", "/article/nope", "/no/such/page"):
        response = client.get(path)
        assert response.status_code == 404 and "There is no page at this address." in response.get_data(as_text=True)


def test_stats_page_counts_articles_by_language_governorate_and_month(client):
    html = get(client, "/stats", ui="en")
    stats = client.get("/api/stats").get_json()
    assert stats["documents"] == sum(stats["languages"].values()) >= 150
    assert f'<code>{stats["generation"]}</code>' in html and "Build time" in html
    assert 'id="by-language"' in html and 'id="by-governorate"' in html and 'id="by-month"' in html
    assert html.count('<a class="tile') == 14
    assert sum(stats["months"].values()) == stats["documents"]


def test_arabic_interface_is_translated_right_to_left_with_arabic_digits_and_levantine_months(client):
    html = get(client, "/", ui="ar", q="Hama")
    assert '<html lang="ar" dir="rtl">' in html
    assert "البحث في أخبار سوريا" in html and "المحافظة" in html and "الأحدث" in html
    shown = re.sub(r' data-names="[^"]*"', "", html)  # every name of a place, for the filter box: data
    assert "Governorate" not in shown and "newest" not in shown
    total = client.get("/api/search", query_string={"q": "Hama"}).get_json()["total"]
    arabic_total = str(total).translate(str.maketrans("0123456789", ARABIC_DIGITS))
    assert f"{arabic_total} نتيجة" in html or f"{arabic_total} نتائج" in html
    assert re.search(r"(كانون الثاني|شباط|آذار|نيسان|أيار|حزيران|تموز|آب|أيلول|تشرين الأول|تشرين الثاني|كانون الأول) "
                     f"[{ARABIC_DIGITS}]{{4}}", html)
    assert 'id="facet-governorate"' in html and ">حماة</bdi>" in html


def test_arabic_result_lines_never_put_a_middle_dot_beside_arabic_indic_digits(client):
    """A middle dot after "٢٠١٦" reads as a further zero (٠): Arabic lines separate with a bar."""
    text = re.sub(r"<[^>]+>", " ", get(client, "/", ui="ar", q="Hama").split("<main")[1])
    assert not re.search(f"[{ARABIC_DIGITS}]\\s*·|·\\s*[{ARABIC_DIGITS}]", text)
    assert re.search(f"[{ARABIC_DIGITS}]{{4}}\\s*\\|", text)  # the date, then the separator
    english = get(client, "/", ui="en", q="Hama")
    assert 'id="expansions"' in english  # the list of other spellings, comma-separated, is on the page
    assert re.search(r"relevance</strong> · <a", english) and re.search(r"CSV</a> ·\s", english)
    assert re.search(r"</bdi>(</details>)?\s*· <a href=\"[^\"]*expand=0", english)


def test_english_interface_uses_latin_digits_and_english_months(client):
    html = get(client, "/", ui="en", q="Hama")
    assert re.search(r"(January|February|March|April|May|June|July|August|September|October|November|December) "
                     r"\d{1,2}, \d{4}", html)
    assert not set(ARABIC_DIGITS) & set(re.sub(r"<[^>]+>", "", html.split("<main")[1]).replace("تجنيد حماة", ""))


def test_language_choice_sticks_in_a_cookie_and_links_do_not_carry_it(app):
    client = app.test_client()
    switched = client.get("/?q=Hama&ui=ar")
    assert "ui=ar" in switched.headers["Set-Cookie"]
    html = client.get("/?q=Hama").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
    assert "ui=ar" not in re.sub(r'id="ui-en" href="[^"]+"', "", html)  # shared links open in the reader's
    assert 'id="ui-en" href="/?q=Hama&amp;ui=en"' in html
    assert '<html lang="en" dir="ltr">' in client.get("/stats?ui=en").get_data(as_text=True)


def test_every_page_sends_a_content_security_policy_and_no_inline_script(client, translated_arabic_story):
    for path in ("/", "/?q=Hama", f"/article/{translated_arabic_story['_id']}", "/place/SY05", "/stats", "/nope"):
        response = client.get(path)
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
        html = response.get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", html) and " style=" not in html and "<style" not in html


def test_opensearch_description_and_feed_are_advertised(client):
    html = get(client, "/", q="Hama")
    assert 'rel="search" type="application/opensearchdescription+xml"' in html
    assert re.search(r'rel="alternate" type="application/atom\+xml"[^>]+href="/feed.atom\?q=Hama"', html)


def test_without_an_index_every_page_says_so_politely(tmp_path):
    from search_app.web import create_app

    from ..conftest import make_settings

    client = create_app(make_settings(tmp_path)).test_client()
    for path in ("/", "/?q=Hama", "/stats", "/place/SY05", "/export.csv", "/article/abc"):
        response = client.get(path)
        assert response.status_code in (503, 404) and "Traceback" not in response.get_data(as_text=True), path
    assert "The search index is not available yet." in client.get("/").get_data(as_text=True)
    api = client.get("/api/search", query_string={"q": "Hama"})
    assert api.status_code == 503 and "index rebuild" in api.get_json()["error"]
    assert client.get("/feed.atom").status_code == 200


def test_article_and_profile_pages_link_a_place_to_its_stories_and_to_its_own_page_alike(client):
    story = client.get("/api/search", query_string={"actor": "sdf", "governorate": "SY08"}).get_json()["results"][0]
    for ui, about in (("en", "About Al-Hasakeh"), ("ar", "نبذة عن الحسكة")):
        article = get(client, f"/article/{story['id']}", ui=ui)
        profile = re.search(r'id="co-occurring".*?</section>', get(client, "/actor/sdf", ui=ui), re.S).group(0)
        for html in (article, profile):
            name = re.search(r'<bdi>([^<]+)</bdi>(?:[^<]|<(?!a )[^>]*>)*<a class="profile-link" href="/place/SY08" '
                             rf'title="{about}"><span class="visually-hidden">{about}</span></a>', html)
            assert name and about.endswith(name.group(1)), html
    chip = re.search(r'<a class="chip place level-governorate" href="([^"]+)" title="[^"]+"><bdi>Al-Hasakeh</bdi>',
                     get(client, f"/article/{story['id']}", ui="en"))
    assert chip and parse_qs(urlsplit(unescape(chip.group(1))).query) == {"governorate": ["SY08"]}
