"""Waiting for a page to be replaced, robust to Chrome's answers in the middle of a navigation."""
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as loaded
from selenium.webdriver.support.ui import WebDriverWait


def page_replaced(old_page):
    """Selenium's ``staleness_of``, which also counts as stale the answer Chrome sometimes gives while
    the old document is being torn down ("Node with given id does not belong to the document")."""
    def replaced(_driver) -> bool:
        try:
            old_page.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as error:
            if "does not belong to the document" in str(error):
                return True
            raise
        return False
    return replaced


def follow(browser, action, url_part: str) -> None:
    """Do something that loads a new page and wait until it has replaced the old one."""
    old_page = browser.find_element(By.TAG_NAME, "html")
    action()
    WebDriverWait(browser, 15).until(page_replaced(old_page))
    WebDriverWait(browser, 15).until(loaded.url_contains(url_part))
