"""A reader in Chromium opens an Arabic story that came without English, presses "Translate" (a
plain form: no JavaScript involved) and reads the machine translation beside the original, labelled."""
import json
import threading

import pytest
import waitress
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from .waits import page_replaced

from search_app.index.build import rebuild
from search_app.ingest import ingest_paths
from search_app.store import open_store
from search_app.web import create_app

from ..conftest import make_settings
from ..integration.test_translate import PHRASE_BOOK, STATION
from ..translator_server import FakeLibreTranslate

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("ui", ["en", "ar"])
def test_translate_button_shows_the_machine_translation_beside_the_original(browser, tmp_path, ui):
    corpus = tmp_path / "arabic.jsonl"
    corpus.write_text(json.dumps(STATION, ensure_ascii=False) + "\n", encoding="utf-8")
    with FakeLibreTranslate(PHRASE_BOOK) as translator:
        settings = make_settings(tmp_path, translator_url=translator.url, translator_requests_per_second=1000.0)
        with open_store(settings) as store:
            ingest_paths(store, [corpus], settings.quarantine_dir)
            rebuild(store, settings.index_dir)
            article_id = next(store.iter_articles()).id
        server = waitress.create_server(create_app(settings), host="127.0.0.1", port=0, threads=2)
        threading.Thread(target=server.run, daemon=True).start()
        try:
            browser.get(f"http://127.0.0.1:{server.effective_port}/article/{article_id}?ui={ui}")
            assert not browser.find_elements(By.CSS_SELECTOR, "section.translation")
            old_page = browser.find_element(By.TAG_NAME, "html")
            browser.find_element(By.ID, "translate").click()
            WebDriverWait(browser, 15).until(page_replaced(old_page))
            translation = browser.find_element(By.CSS_SELECTOR, "section.translation")
            original = browser.find_element(By.CSS_SELECTOR, "section.original")
        finally:
            server.close()
    assert "The old locomotive is running again" in translation.text
    assert ("ترجمة آلية" if ui == "ar" else "Machine translation") in translation.text
    assert STATION["title"] in original.text and not browser.find_elements(By.ID, "translate")
    assert translation.get_attribute("dir") == "ltr" and original.get_attribute("dir") == "rtl"
