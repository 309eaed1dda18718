"""Syndicated copies and lightly edited near-duplicates are one story in the index."""
import json

from search_app.index.build import rebuild, update
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
    assert hit.source == "Outlet One" and hit.sources == ["Outlet One"]
    assert {v.value: v.count for v in response.facets["source"]} == {  # the story, once per outlet
        "Outlet One": 1, "Outlet Two": 1, "Outlet Three": 1}
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


def _reference_signature(tokens: list[str]) -> list[int]:
    """The MinHash ``signature`` defines, one shingle and one hash function at a time in Python
    integers (the numpy code relies on uint64 arithmetic wrapping the same way)."""
    import hashlib

    from search_app.ingest.duplicates import _MULTIPLIERS, _OFFSETS, _SHINGLE_FIRST, _SHINGLE_SECOND

    mask = (1 << 64) - 1

    def word(token):
        return int.from_bytes(hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest(), "little")

    def mix(x):
        x ^= x >> 30
        x = (x * 0xBF58476D1CE4E5B9) & mask
        x ^= x >> 27
        x = (x * 0x94D049BB133111EB) & mask
        return x ^ (x >> 31)

    shingles = {mix((((word(a) * int(_SHINGLE_FIRST) + word(b)) & mask) * int(_SHINGLE_SECOND) + word(c)) & mask)
                for a, b, c in zip(tokens, tokens[1:], tokens[2:])}
    return [min(((int(m) * x + int(o)) & mask) >> 32 for x in shingles) for m, o in zip(_MULTIPLIERS, _OFFSETS)]


def test_signature_is_the_minhash_of_the_set_of_word_shingles():
    from search_app.ingest.duplicates import MIN_TOKENS, signature
    from search_app.text.normalize import normalized_tokens

    text = ("Government forces shelled the northern countryside of Hama on Tuesday, and residents "
            "of Kafr Zita said dozens of families fled towards the Turkish border. قصف على ريف حماة")
    assert signature(text).tolist() == _reference_signature(normalized_tokens(text))
    assert signature(" ".join(["word"] * (MIN_TOKENS - 1))) is None


def test_estimated_similarity_follows_the_shingles_jaccard():
    """Edited copies of a story, from a few words changed to most: the signatures' agreement
    stays near the true Jaccard similarity of the two shingle sets (64 values: within ~0.06)."""
    import random

    from search_app.ingest.duplicates import signature, similarity
    from search_app.text.normalize import normalized_tokens

    words = " ".join([STORY, OTHER, STORY.replace("Hama", "Idlib"), OTHER.replace("Daraa", "Homs")]).split()
    errors = []
    for seed in range(60):
        rng = random.Random(seed)
        edited = list(words)
        for _ in range(int(len(words) * (seed % 6) * 0.04)):
            edited[rng.randrange(len(edited))] = f"edit{rng.randrange(10**6)}"
        texts = " ".join(words), " ".join(edited)
        shingles = [{tuple(t[i:i + 3]) for i in range(len(t) - 2)} for t in map(normalized_tokens, texts)]
        true = len(shingles[0] & shingles[1]) / len(shingles[0] | shingles[1])
        errors.append(similarity(*map(signature, texts)) - true)
    assert max(map(abs, errors)) < 0.2
    assert abs(sum(errors) / len(errors)) < 0.03
    assert sum(e * e for e in errors) / len(errors) < 0.07 ** 2


def test_signatures_of_an_older_scheme_are_recomputed_before_ingesting(tmp_path):
    """A store signed by an earlier program: its signatures mean nothing to the current one,
    so they are redone first, and an edited copy ingested afterwards still finds its story."""
    import numpy as np

    from search_app.ingest.duplicates import SIGNATURE_SCHEME

    settings = make_settings(tmp_path)
    _ingest(settings, tmp_path, [_records()[0], _records()[3]])
    with open_store(settings) as store:
        assert store.meta_value("signature_scheme") == SIGNATURE_SCHEME
        with store.transaction():  # what scheme 1 left: other values, other band keys
            for number, article_id in enumerate(store.signed_article_ids()):
                store.save_signature(article_id, np.full(64, number, dtype=np.uint32).tobytes(), [number])
            store.db.execute("DELETE FROM meta WHERE key='signature_scheme'")
    shown = []

    def progress(items, total, label):  # what the CLI turns into a bar
        shown.append((label, total))
        return items

    path = tmp_path / "edited.jsonl"
    path.write_text(json.dumps(_records()[2]) + "\n", encoding="utf-8")
    with open_store(settings) as store:
        ingest_paths(store, [path], settings.quarantine_dir, progress=progress)
        assert store.meta_value("signature_scheme") == SIGNATURE_SCHEME
        assert store.count() == 3 and store.count_indexed() == 2  # the edited copy joined its story
    assert shown[0] == ("near-duplicate signatures, once", 2)
