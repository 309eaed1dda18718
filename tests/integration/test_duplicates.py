"""Syndicated copies and lightly edited near-duplicates are one story in the index."""
import json

from search_app.indexer import rebuild, update
from search_app.ingest import ingest_paths
from search_app.search import SearchEngine, SearchRequest
from search_app.store import open_store

from ..conftest import make_settings

STORY = ("Farmers in the Ghab plain of Hama said on Tuesday that the wheat harvest fell by a third this year "
         "after irrigation canals dried up and fuel for pumps doubled in price, leaving many fields unwatered "
         "and several villages without income for the coming winter months.")
EDITED = STORY.replace("on Tuesday", "on Wednesday").replace("several villages", "dozens of villages")
OTHER = ("Teachers in Daraa protested unpaid salaries outside the education directorate, saying that prices "
         "of bread and transport have risen faster than any allowance offered by the authorities this year.")


def _records():
    return [
        {"url": "https://one.example/harvest", "source": "Outlet One", "title": "Hama wheat harvest falls",
         "body": STORY, "published": "2021-06-01"},
        {"url": "https://two.example/syndicated", "source": "Outlet Two", "title": "Hama harvest down by a third",
         "body": STORY, "published": "2021-06-01"},
        {"url": "https://three.example/edited", "source": "Outlet Three", "title": "Harvest collapse in Hama",
         "body": EDITED, "published": "2021-06-02"},
        {"url": "https://four.example/teachers", "source": "Outlet Four", "title": "Daraa teachers protest",
         "body": OTHER, "published": "2021-06-03"},
    ]


def _ingest(settings, tmp_path, records, name="in.jsonl"):
    path = tmp_path / name
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    with open_store(settings) as store:
        ingest_paths(store, [path], settings.quarantine_dir)


def test_copies_count_once_and_list_the_other_outlets(tmp_path):
    settings = make_settings(tmp_path)
    _ingest(settings, tmp_path, _records())
    with open_store(settings) as store:
        assert store.count() == 4 and store.count_indexed() == 2
        rebuild(store, settings.index_dir)
    response = SearchEngine(settings.index_dir).search(SearchRequest(q="harvest"))
    assert response.total == 1
    hama = next(v for v in response.facets["governorate"] if v.value == "SY05")
    assert hama.count == 1
    (hit,) = response.hits
    assert hit.source == "Outlet One"
    assert [copy["source"] for copy in hit.also_published] == ["Outlet Two", "Outlet Three"]


def test_reingesting_and_deleting_keep_groups_consistent(tmp_path):
    settings = make_settings(tmp_path)
    _ingest(settings, tmp_path, _records())
    with open_store(settings) as store:
        rebuild(store, settings.index_dir)
        representative = next(a.id for a in store.iter_articles(indexed_only=True) if a.source == "Outlet One")
        with store.transaction():
            store.delete(representative)
        update(store, settings.index_dir)
    (hit,) = SearchEngine(settings.index_dir).search(SearchRequest(q="harvest")).hits
    assert hit.source == "Outlet Two" and [c["source"] for c in hit.also_published] == ["Outlet Three"]
    _ingest(settings, tmp_path, _records()[1:], name="again.jsonl")
    with open_store(settings) as store:
        assert store.count_indexed() == 2


def test_the_result_page_shows_also_published_by(tmp_path):
    from search_app.web import create_app

    settings = make_settings(tmp_path)
    _ingest(settings, tmp_path, _records())
    with open_store(settings) as store:
        rebuild(store, settings.index_dir)
    html = create_app(settings).test_client().get("/?q=harvest").get_data(as_text=True)
    assert "Also published by" in html and "Outlet Two" in html and "Outlet Three" in html


def test_signature_is_datasketchs_minhash_of_the_shingles():
    """Stored signatures must stay comparable: the batched hashing equals datasketch's own."""
    import numpy as np
    from datasketch import MinHash

    from search_app.ingest.duplicates import NUM_PERM, _SEED, signature
    from search_app.text.normalize import normalized_tokens

    text = ("Government forces shelled the northern countryside of Hama on Tuesday, and residents "
            "of Kafr Zita said dozens of families fled towards the Turkish border. قصف على ريف حماة")
    tokens = normalized_tokens(text)
    reference = MinHash(num_perm=NUM_PERM, seed=_SEED)
    reference.update_batch([" ".join(tokens[i:i + 3]).encode("utf-8") for i in range(len(tokens) - 2)])
    assert np.array_equal(signature(text), reference.hashvalues.astype(np.uint32))
