"""What a reader sees on a phone (390×844), and on a story opened from a search, in both languages:
results on the first screen under a "Filters (n)" control, chart labels at a readable size, no page
wider than the screen; the story links back to the results, keeps the query and marks its matches
in lines of a comfortable length."""
import json
import re
import threading

import pytest
import waitress
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from .waits import follow

from search_app.index.build import rebuild
from search_app.ingest import ingest_paths
from search_app.store import open_store
from search_app.web import create_app

from ..conftest import make_settings
from .conftest import PHONE

pytestmark = pytest.mark.browser

UIS = ["en", "ar"]


def page_top(browser, element) -> float:
    return browser.execute_script("return arguments[0].getBoundingClientRect().top + window.scrollY", element)


def page_bottom(browser, element) -> float:
    return browser.execute_script("return arguments[0].getBoundingClientRect().bottom + window.scrollY", element)


def fits_the_screen(browser) -> bool:
    """Nothing wider than the phone's 390 px (not window.innerWidth: a phone browser zooms out to
    show a page that is too wide, and innerWidth grows with it)."""
    return browser.execute_script("return document.documentElement.scrollWidth") <= PHONE["width"]


def story_from_search(browser, live_server, ui: str) -> str:
    """Search, open the first story that has a translation; its address."""
    browser.get(f"{live_server}/?q=conscription+Hama&ui={ui}")
    story = next(hit for hit in browser.find_elements(By.CSS_SELECTOR, "section.results li.hit")
                 if hit.find_elements(By.CSS_SELECTOR, ".badge"))
    follow(browser, story.find_element(By.CSS_SELECTOR, "h3 a").click, "/article/")
    return browser.current_url


@pytest.mark.parametrize("ui", UIS)
def test_on_a_phone_results_come_first_under_a_filters_control(phone, live_server, artifacts, ui):
    browser = phone
    browser.get(f"{live_server}/?q=Hama&governorate=SY05&ui={ui}")
    toggle = browser.find_element(By.ID, "filters-toggle")
    first_hit = browser.find_element(By.CSS_SELECTOR, "section.results li.hit")
    assert toggle.is_displayed() and int(re.search(r"\((\S+)\)", toggle.text).group(1)) == 1  # Hama
    assert page_bottom(browser, toggle) <= page_top(browser, first_hit) < PHONE["height"]
    assert fits_the_screen(browser)
    browser.save_screenshot(str(artifacts / f"phone-search-{ui}.png"))

    governorates = browser.find_element(By.ID, "facet-governorate")
    assert not governorates.is_displayed()
    toggle.click()
    WebDriverWait(browser, 5).until(lambda _: governorates.is_displayed())
    chosen = governorates.find_element(By.CSS_SELECTOR, 'li.selected a[data-value="SY05"]')
    assert chosen.is_displayed() and fits_the_screen(browser)
    browser.save_screenshot(str(artifacts / f"phone-filters-{ui}.png"))


@pytest.mark.parametrize("ui", UIS)
def test_on_a_phone_chart_labels_are_readable_and_apart(phone, live_server, artifacts, ui):
    browser = phone
    for path, opener in ((f"/?q=Hama&ui={ui}", "#overview > summary"), (f"/stats?ui={ui}", None),
                         (f"/?q=Hama&from=2017-01&to=2018-06&ui={ui}", "#overview > summary")):  # months
        browser.get(live_server + path)
        if opener:
            browser.find_element(By.CSS_SELECTOR, opener).click()
        labels = browser.execute_script("""
            return Array.from(document.querySelectorAll('svg.timeline text')).filter(t => t.checkVisibility())
              .map(t => { const box = t.getBoundingClientRect();
                          return {text: t.textContent, kind: t.getAttribute('class'),
                                  px: parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a,
                                  left: box.left, right: box.right, top: box.top, bottom: box.bottom}; });""")
        assert labels, path
        assert all(label["px"] >= 11 for label in labels), [(l["text"], l["px"]) for l in labels if l["px"] < 11]
        assert all(0 <= label["left"] and label["right"] <= PHONE["width"] for label in labels)
        touching = [(a["text"], b["text"]) for i, a in enumerate(labels) for b in labels[i + 1:]
                    if a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]]
        assert not touching, touching
        assert fits_the_screen(browser)
        browser.save_screenshot(str(artifacts / f"phone-chart-{len(path)}-{ui}.png"))


@pytest.mark.parametrize("ui", UIS)
def test_on_a_phone_no_page_is_wider_than_the_screen(phone, live_server, artifacts, ui):
    browser = phone
    article = story_from_search(browser, live_server, ui)
    for name, url in (("search", f"{live_server}/?q=Hama&ui={ui}"), ("article", article),
                      ("stats", f"{live_server}/stats?ui={ui}"), ("place", f"{live_server}/place/SY05?ui={ui}")):
        browser.get(url)
        assert fits_the_screen(browser), name
        browser.save_screenshot(str(artifacts / f"phone-{name}-{ui}.png"))
    # The month table is wider than a phone: it scrolls inside its own box, to its last column.
    browser.get(f"{live_server}/stats?ui={ui}")
    box = browser.find_element(By.CSS_SELECTOR, "#by-month .table-scroll")
    assert browser.execute_script("return arguments[0].scrollWidth > arguments[0].clientWidth", box)
    last_month = box.find_elements(By.CSS_SELECTOR, "thead th")[-1]
    browser.execute_script("arguments[0].scrollIntoView({inline: 'end'})", last_month)
    edge = browser.execute_script("const b = arguments[0].getBoundingClientRect(); return [b.left, b.right]", last_month)
    assert 0 <= edge[0] and edge[1] <= PHONE["width"] and fits_the_screen(browser)


@pytest.fixture(scope="module")
def unbroken_names_server(tmp_path_factory):
    """A site whose stories have what real feeds send: outlet lists and titles glued together
    with semicolons and no spaces, far wider than a phone."""
    root = tmp_path_factory.mktemp("unbroken")
    glued = ";".join(["SOHR", "Airwars"] * 6)
    records = [{"url": f"https://example.org/raqqa/{n}", "source": glued, "lang": "en", "published": "2017-05-13",
                "title": f"Airstrikes;May_13th_2017:(S716{n})Northern_Raqqa_city,Raqqa_governorate,Syria;{n}",
                "body": f"Raqqa city;{'Raqqa_governorate_' * 8}{n} Location: Ar Raqqah district."} for n in range(3)]
    corpus = root / "glued.jsonl"
    corpus.write_text("\n".join(json.dumps(record) for record in records), encoding="utf-8")
    settings = make_settings(root)
    with open_store(settings) as store:
        ingest_paths(store, [corpus], settings.quarantine_dir)
        rebuild(store, settings.index_dir)
    server = waitress.create_server(create_app(settings), host="127.0.0.1", port=0, threads=2)
    threading.Thread(target=server.run, daemon=True).start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()


@pytest.mark.parametrize("ui", UIS)
def test_on_a_phone_long_unbroken_names_wrap_instead_of_widening_the_page(phone, unbroken_names_server, ui):
    browser = phone
    browser.get(f"{unbroken_names_server}/?q=Raqqa&ui={ui}")
    hits = browser.find_elements(By.CSS_SELECTOR, "section.results li.hit")
    assert len(hits) == 3 and fits_the_screen(browser)
    follow(browser, hits[0].find_element(By.CSS_SELECTOR, "h3 a").click, "/article/")
    assert browser.find_elements(By.CSS_SELECTOR, "section.text mark") and fits_the_screen(browser)


@pytest.mark.parametrize("ui", UIS)
def test_story_from_a_search_links_back_keeps_the_query_and_marks_it(browser, live_server, artifacts, ui):
    browser.delete_all_cookies()
    browser.get(f"{live_server}/?q=conscription+Hama&ui={ui}")
    assert not browser.find_element(By.ID, "filters-toggle").is_displayed()  # wide screen: facets shown
    assert browser.find_element(By.ID, "facet-governorate").is_displayed()
    results = browser.current_url.replace(f"&ui={ui}", "")
    story_from_search(browser, live_server, ui)
    assert browser.find_element(By.NAME, "q").get_attribute("value") == "conscription Hama"
    marks = [mark for mark in browser.find_elements(By.CSS_SELECTOR, "section.text mark") if mark.is_displayed()]
    assert {mark.find_element(By.XPATH, "ancestor::section").get_attribute("lang") for mark in marks} == {"ar", "en"}
    back = browser.find_element(By.ID, "back-to-results")
    assert back.is_displayed() and page_top(browser, back) < page_top(browser, marks[0])
    browser.save_screenshot(str(artifacts / f"article-from-search-{ui}.png"))
    follow(browser, back.click, "q=conscription")
    assert browser.current_url == results and browser.find_elements(By.CSS_SELECTOR, "section.results li.hit")


@pytest.mark.parametrize("ui", UIS)
def test_story_text_keeps_a_reading_measure_on_a_wide_screen(browser, live_server, ui):
    browser.delete_all_cookies()
    story = story_from_search(browser, live_server, ui)
    browser.set_window_size(1920, 1000)
    try:
        for view in ("both", "original"):
            browser.get(f"{story}&view={view}")
            # Lines about as long as 75 zeros set in the text's own font (CSS's 75ch; the browser's
            # ch and a row of zeros differ by a fraction), and the story in the middle of the page.
            widths = browser.execute_script("""
                return Array.from(document.querySelectorAll('section.text p:not(.label)')).map(p => {
                  const ruler = document.createElement('span');
                  ruler.textContent = '0'.repeat(75);
                  p.appendChild(ruler);
                  const measure = ruler.getBoundingClientRect().width;
                  ruler.remove();
                  return [p.getBoundingClientRect().width, measure]; });""")
            assert widths and all(width <= measure * 1.02 for width, measure in widths), widths
            article = browser.find_element(By.CSS_SELECTOR, "article.article").rect
            page_width = browser.execute_script("return document.documentElement.clientWidth")
            assert abs(article["x"] - (page_width - article["x"] - article["width"])) < 4
    finally:
        browser.set_window_size(1280, 1000)
