"""A journalist's journey in a real browser: search, narrow to Hama, read the translation."""
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from .waits import follow

pytestmark = pytest.mark.browser


def _result_governorates(browser):
    return [hit.get_attribute("data-governorates").split() for hit in browser.find_elements(By.CSS_SELECTOR, "li.hit")]


def test_search_narrow_to_hama_and_read_the_translation(browser, live_server, artifacts):
    browser.get(live_server + "/")
    box = browser.find_element(By.NAME, "q")
    follow(browser, lambda: box.send_keys("conscription Hama", Keys.ENTER), "q=conscription")
    assert "results for conscription Hama" in browser.find_element(By.ID, "summary").text
    before = _result_governorates(browser)
    assert before

    hama = browser.find_element(By.CSS_SELECTOR, '#facet-governorate a[data-value="SY05"]')
    follow(browser, hama.click, "governorate=SY05")
    after = _result_governorates(browser)
    assert after and all("SY05" in places for places in after)
    selected = browser.find_element(By.CSS_SELECTOR, '#facet-governorate li.selected .count').text
    assert int(selected) == len(after)
    browser.save_screenshot(str(artifacts / "search-hama-en.png"))

    translated = [hit for hit in browser.find_elements(By.CSS_SELECTOR, "li.hit")
                  if hit.find_elements(By.CSS_SELECTOR, ".badge")]
    assert translated, "a Hama conscription story with a translation should be listed"
    follow(browser, translated[0].find_element(By.CSS_SELECTOR, "h3 a").click, "/article/")
    original = browser.find_element(By.CSS_SELECTOR, "section.original")
    assert original.get_attribute("dir") == "rtl"
    follow(browser, browser.find_element(By.ID, "view-translation").click, "view=translation")
    assert not browser.find_elements(By.CSS_SELECTOR, "section.original")
    assert browser.find_element(By.CSS_SELECTOR, "section.translation").get_attribute("dir") == "ltr"


def test_arabic_interface_reads_right_to_left(browser, live_server, artifacts):
    browser.get(live_server + "/?ui=ar&q=" + "تجنيد حماة")
    html = browser.find_element(By.TAG_NAME, "html")
    assert html.get_attribute("dir") == "rtl" and html.get_attribute("lang") == "ar"
    assert browser.find_elements(By.CSS_SELECTOR, "li.hit")
    browser.save_screenshot(str(artifacts / "search-hama-ar.png"))
