"""The whole research journey in a real browser, in the English and in the Arabic interface:
search, choose a governorate, drill into a district, pick an actor, narrow by a histogram bar,
open an article, switch to its translation, export the results as CSV."""
import csv
import io
import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from .waits import follow

pytestmark = pytest.mark.browser

JOURNEYS = {
    "en": {"query": "Hama", "summary": "results for", "translation": "Translation (English)"},
    "ar": {"query": "حماة", "summary": "عن", "translation": "الترجمة (الإنجليزية)"},
}


@pytest.fixture()
def fresh_browser(browser, tmp_path):
    """No language cookie from an earlier test; downloads land in a directory of our own."""
    browser.delete_all_cookies()
    browser.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
    yield browser
    browser.delete_all_cookies()


def hits(browser) -> list:
    return browser.find_elements(By.CSS_SELECTOR, "section.results li.hit")


def count_of(entry) -> int:
    return int(entry.find_element(By.CSS_SELECTOR, ".count").text)  # int() reads Arabic-Indic digits too


def assert_laid_out_cleanly(browser, ui: str) -> None:
    """Reading direction, no sideways scrolling, no clipped facet labels or overlapping columns."""
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("dir") == ("rtl" if ui == "ar" else "ltr")
    assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    facets = browser.find_element(By.CSS_SELECTOR, "aside.facets").rect
    results = browser.find_element(By.CSS_SELECTOR, "section.results").rect
    if ui == "ar":
        assert facets["x"] >= results["x"] + results["width"]  # the filters sit on the right
    else:
        assert facets["x"] + facets["width"] <= results["x"]
    clipped = browser.execute_script("""
        return Array.from(document.querySelectorAll('.facet li a, .chip, .summary, .hit h3, .toolbar'))
            .filter(e => e.checkVisibility() && e.scrollWidth > e.clientWidth + 1).map(e => e.textContent.trim());""")
    assert not clipped, clipped
    overlapping = browser.execute_script("""
        const boxes = Array.from(document.querySelectorAll('.facet li a'))
            .filter(e => e.checkVisibility()).map(e => e.getBoundingClientRect());
        return boxes.some((a, i) => boxes.slice(i + 1).some(b =>
            a.left < b.right && b.left < a.right && a.top < b.bottom - 1 && b.top < a.bottom - 1));""")
    assert not overlapping


def wait_for_download(directory, suffix: str, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = [path for path in directory.iterdir() if path.name.endswith(suffix)]
        if done and not any(path.name.endswith(".crdownload") for path in directory.iterdir()):
            return done[0]
        time.sleep(0.1)
    raise AssertionError(f"no {suffix} file was downloaded into {directory}")


@pytest.mark.parametrize("ui", ["en", "ar"])
def test_research_journey(fresh_browser, live_server, artifacts, tmp_path, ui):
    browser, journey = fresh_browser, JOURNEYS[ui]
    browser.get(f"{live_server}/?ui={ui}")
    box = browser.find_element(By.NAME, "q")
    follow(browser, lambda: box.send_keys(journey["query"], Keys.ENTER), "q=")
    assert journey["summary"] in browser.find_element(By.ID, "summary").text and hits(browser)
    assert_laid_out_cleanly(browser, ui)
    browser.save_screenshot(str(artifacts / f"search-{ui}.png"))

    # A governorate: its districts appear.
    assert not browser.find_elements(By.ID, "facet-district")
    follow(browser, browser.find_element(By.CSS_SELECTOR, '#facet-governorate a[data-value="SY05"]').click,
           "governorate=SY05")
    assert all("SY05" in hit.get_attribute("data-governorates").split() for hit in hits(browser))
    district = browser.find_element(By.CSS_SELECTOR, "#facet-district li a")
    district_code, district_count = district.get_attribute("data-value"), count_of(district)

    # Drill into the district, then pick an actor.
    follow(browser, district.click, f"district={district_code}")
    assert len(hits(browser)) == district_count
    chips = browser.find_elements(By.CSS_SELECTOR, "#chips a.chip")
    assert len(chips) == 2
    actor = browser.find_element(By.CSS_SELECTOR, "#facet-actor li a")
    actor_id, actor_count = actor.get_attribute("data-value"), count_of(actor)
    follow(browser, actor.click, f"actor={actor_id}")
    assert len(hits(browser)) == actor_count
    assert_laid_out_cleanly(browser, ui)
    browser.save_screenshot(str(artifacts / f"search-narrowed-{ui}.png"))

    # Narrow by the histogram bar of a story that has a translation.
    translated = next(hit for hit in hits(browser) if hit.find_elements(By.CSS_SELECTOR, ".badge"))
    story_id = translated.get_attribute("data-id")
    year = translated.find_element(By.TAG_NAME, "time").get_attribute("datetime")[:4]
    bar = browser.find_element(By.CSS_SELECTOR, f'#timeline a.bar[data-period="{year}"]')
    bar_count = int(bar.get_attribute("data-count"))
    follow(browser, bar.click, f"from={year}")
    assert len(hits(browser)) == bar_count and story_id in [hit.get_attribute("data-id") for hit in hits(browser)]
    assert browser.find_element(By.ID, "date-from").get_attribute("value") == f"{year}-01-01"
    search_page = browser.current_url

    # Open the article and switch to its translation.
    link = browser.find_element(By.CSS_SELECTOR, f'li.hit[data-id="{story_id}"] h3 a')
    follow(browser, link.click, f"/article/{story_id}")
    assert browser.find_element(By.CSS_SELECTOR, "section.original").get_attribute("dir") == "rtl"
    assert browser.find_elements(By.CSS_SELECTOR, "#related li.hit")
    browser.save_screenshot(str(artifacts / f"article-{ui}.png"))
    follow(browser, browser.find_element(By.ID, "view-translation").click, "view=translation")
    assert not browser.find_elements(By.CSS_SELECTOR, "section.original")
    translation = browser.find_element(By.CSS_SELECTOR, "section.translation")
    assert translation.get_attribute("dir") == "ltr" and journey["translation"] in translation.text

    # Back to the narrowed results and export them.
    browser.get(search_page)
    browser.find_element(By.ID, "export-csv").click()
    exported = wait_for_download(tmp_path, ".csv")
    raw = exported.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == bar_count and story_id in {row["id"] for row in rows}
    assert all("SY05" in row["governorates"].split() and actor_id in row["actors"].split() for row in rows)
    assert all(row["published"].startswith(year) for row in rows)


def test_facet_lists_filter_as_you_type(fresh_browser, live_server):
    browser = fresh_browser
    browser.get(f"{live_server}/?ui=en")
    facet = browser.find_element(By.ID, "facet-source")
    hidden_entry = facet.find_element(By.CSS_SELECTOR, "details.more li .label")
    assert not hidden_entry.is_displayed()
    name = browser.execute_script("return arguments[0].textContent", hidden_entry).strip()
    facet.find_element(By.CSS_SELECTOR, "input.facet-filter").send_keys(name[:6])
    WebDriverWait(browser, 5).until(lambda _: hidden_entry.is_displayed())
    shown = [e for e in facet.find_elements(By.CSS_SELECTOR, "li") if e.is_displayed()]
    assert shown and all(name[:6].lower() in e.text.lower() for e in shown)
