"""The filter box of a long facet list finds a value by any of its names, in either script and in
either interface language: Nusra or تحرير finds HTS, داعش finds ISIS."""
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = pytest.mark.browser


@pytest.fixture()
def cookieless_browser(browser):
    """No language cookie from an earlier test, and none left for the next (?ui= sets one)."""
    browser.delete_all_cookies()
    yield browser
    browser.delete_all_cookies()


def shown_values(facet) -> list[str]:
    return [entry.get_attribute("data-value") for entry in facet.find_elements(By.CSS_SELECTOR, "li a[data-value]")
            if entry.is_displayed()]


@pytest.mark.parametrize("ui", ["en", "ar"])
@pytest.mark.parametrize("typed, actor_id", [("Nusra", "hts"), ("Tahrir", "hts"), ("تحرير", "hts"),
                                             ("داعش", "isis"), ("Daesh", "isis")])
def test_facet_filter_box_matches_every_name_of_an_actor(cookieless_browser, live_server, ui, typed, actor_id):
    browser = cookieless_browser
    browser.get(f"{live_server}/?ui={ui}")
    facet = browser.find_element(By.ID, "facet-actor")
    box = facet.find_element(By.CSS_SELECTOR, "input.facet-filter")
    box.send_keys(typed)
    WebDriverWait(browser, 5).until(lambda _: actor_id in shown_values(facet))
    shown = shown_values(facet)
    assert len(shown) < len(facet.find_elements(By.CSS_SELECTOR, "li a[data-value]"))  # the rest are hidden
    box.clear()
    box.send_keys("zzqx")
    WebDriverWait(browser, 5).until(lambda _: not shown_values(facet))
