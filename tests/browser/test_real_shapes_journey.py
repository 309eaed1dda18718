"""A journalist's journey, in Chromium, over an archive shaped like the real corpora (tests/shapes.py):
events beside articles, one outlet under four spellings, a surname that is a place name, a typo.
What is asserted is what a person sees on the screen, at desktop and at phone width."""
from __future__ import annotations

import threading
from urllib.parse import quote

import pytest
import waitress
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from search_app.web import create_app

from ..shapes import build_shaped_archive
from .waits import follow

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def shaped_server(tmp_path_factory):
    settings = build_shaped_archive(tmp_path_factory.mktemp("shaped"))
    server = waitress.create_server(create_app(settings), host="127.0.0.1", port=0, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()


def search_for(browser, server: str, words: str, ui: str = "en") -> None:
    browser.get(f"{server}/?ui={ui}")
    box = browser.find_element(By.NAME, "q")
    box.clear()
    follow(browser, lambda: box.send_keys(words, Keys.ENTER), "q=")  # read the results, not the page before


def titles(browser) -> list[str]:
    return [hit.find_element(By.CSS_SELECTOR, "h3").text
            for hit in browser.find_elements(By.CSS_SELECTOR, "section.results li.hit")]


def test_one_click_shows_only_the_events_with_readable_titles(browser, shaped_server):
    search_for(browser, shaped_server, "Idlib")
    tabs = browser.find_element(By.ID, "kind-tabs")
    assert tabs.find_element(By.TAG_NAME, "strong").text == "All (6)"
    follow(browser, tabs.find_element(By.PARTIAL_LINK_TEXT, "Events").click, "kind=")
    assert titles(browser) == ["Airstrike in Ariha, Idlib — 12 killed"]
    badge = browser.find_element(By.CSS_SELECTOR, "section.results li.hit .badge.kind")
    assert badge.get_attribute("textContent") == "Event" and badge.is_displayed()


def test_the_source_facet_names_each_outlet_once(browser, shaped_server):
    browser.get(f"{shaped_server}/?ui=en")
    labels = [entry.get_attribute("textContent").strip()
              for entry in browser.find_elements(By.CSS_SELECTOR, "#facet-source li .label")]
    assert labels.count("Reuters") == 1 and "reuters" not in labels and "Reuters News" not in labels
    browser.get(f"{shaped_server}/?ui=ar")
    arabic = [entry.get_attribute("textContent").strip()
              for entry in browser.find_elements(By.CSS_SELECTOR, "#facet-source li .label")]
    assert "رويترز" in arabic and "الشرق الأوسط" in arabic


def test_a_story_about_hama_outranks_a_man_named_hamah(browser, shaped_server):
    search_for(browser, shaped_server, "تجنيد حماة", ui="ar")
    assert titles(browser)[:2] == ["حملة تجنيد إجباري في ريف حماة", "تجنيد الشباب في الجامعات"]


def test_a_misspelt_place_is_searched_as_corrected_and_said(browser, shaped_server):
    search_for(browser, shaped_server, "Alepo")
    notice = browser.find_element(By.ID, "correction")
    assert "Showing results for" in notice.text and "Aleppo" in notice.text and "Alepo" in notice.text
    assert titles(browser) == ["Aleppo markets reopen"]


def test_a_typed_filter_becomes_a_chip(browser, shaped_server):
    search_for(browser, shaped_server, "governorate:SY07 bakeries")
    chips = [chip.text for chip in browser.find_elements(By.CSS_SELECTOR, "#chips a.chip")]
    assert any(chip.startswith("Governorate: Idleb") for chip in chips)
    assert browser.find_element(By.NAME, "q").get_attribute("value") == "bakeries"
    assert titles(browser) == ["Bakeries close in Idlib"]


@pytest.mark.parametrize("ui", ["en", "ar"])
def test_on_a_phone_the_filters_control_comes_before_the_first_result(phone, shaped_server, ui):
    phone.get(f"{shaped_server}/?q={quote('Idlib')}&ui={ui}")
    toggle = phone.find_element(By.ID, "filters-toggle")
    first_hit = phone.find_element(By.CSS_SELECTOR, "section.results li.hit")
    assert toggle.is_displayed() and toggle.rect["y"] < first_hit.rect["y"] < 844
    assert phone.execute_script("return document.documentElement.scrollWidth") <= 390
