"""Facet values and days saved per segment by the build (index.facet_arrays) give what reading
them through Whoosh gives: the same values, counts, filter masks and dates, with an update's new
segment and its deleted documents; a generation without the files still answers the same."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import numpy as np
import pytest
from whoosh import index as whoosh_index

from devtools.corpus import generate
from search_app.index.build import rebuild
from search_app.index.facet_arrays import add_to_live_generation
from search_app.index.generations import current_generation
from search_app.index.postings import GenerationArrays, leaf_readers
from search_app.index.schema import FACET_FIELDS
from search_app.ingest.records import build_article
from search_app.search.engine import SearchEngine, SearchRequest
from search_app.search.facets import FacetPostings
from search_app.store import open_store

from ..conftest import generated_then_updated, make_settings


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    """300 generated articles (every 20th undated), then 30 changed and 8 deleted by an update."""
    settings = generated_then_updated(tmp_path_factory.mktemp("facet-arrays"), 300, seed=5, undated_every=20,
                                      deleted=8, changed=30, added_words="conscription")
    return settings.index_dir


@pytest.fixture(scope="module")
def fresh_index_dir(tmp_path_factory):
    """150 generated articles, built once: no deletions."""
    settings = make_settings(tmp_path_factory.mktemp("facet-arrays-fresh"))
    with open_store(settings) as store:
        with store.transaction():
            for record in generate(150, seed=8):
                store.upsert(build_article(record))
        rebuild(store, settings.index_dir)
    return settings.index_dir


def _facets(generation: Path, saved: bool):
    reader = whoosh_index.open_dir(str(generation)).reader()
    return reader, FacetPostings(reader, GenerationArrays(generation), generation if saved else None)


@pytest.mark.parametrize("which", ["updated", "fresh"])
def test_saved_facet_arrays_cover_every_segment_and_agree_with_whoosh(which, request):
    index_dir = request.getfixturevalue("index_dir" if which == "updated" else "fresh_index_dir")
    generation = current_generation(index_dir)
    reader, saved = _facets(generation, saved=True)
    _, through_whoosh = _facets(generation, saved=False)
    if which == "updated":  # the update's own segment, and documents deleted in the first
        assert len(leaf_readers(reader)) >= 2 and reader.has_deletions()
    else:
        assert not reader.has_deletions()
    assert saved.saved is not None and through_whoosh.saved is None
    assert np.array_equal(saved.live, through_whoosh.live)
    rng = np.random.default_rng(2)
    for fieldname in FACET_FIELDS:
        assert saved._field(fieldname).values == through_whoosh._field(fieldname).values
        for value in saved._field(fieldname).values + ["no-such-value"]:
            assert np.array_equal(saved.mask_for(fieldname, (value,)), through_whoosh.mask_for(fieldname, (value,)))
        for density in (0.01, 0.3, 1.0):  # walking documents, and (from the second count) bit rows
            mask = (rng.random(saved.doc_count) < density) & saved.live
            for _ in range(2):
                assert saved.counts(fieldname, mask) == through_whoosh.counts(fieldname, mask)
    assert saved._field("lang")._bits is not None and through_whoosh._field("lang")._bits is not None
    days = saved.published_days()
    assert np.array_equal(days, through_whoosh.published_days())
    assert (days == -1).sum() >= (10 if which == "updated" else 0)


REQUESTS = [
    SearchRequest(q="conscription Hama"), SearchRequest(q=""), SearchRequest(q="", sort="date", page=3),
    SearchRequest(q="shelling", governorate=("SY07",), sort="date"),
    SearchRequest(q="", date_from=dt.date(2018, 1, 1), date_to=dt.date(2021, 6, 30)),
    SearchRequest(q="Aleppo", lang=("ar",), year=("2019", "2020")),
    SearchRequest(q="قصف", place=("SY0200",)), SearchRequest(q="displacement", kind=("event",)),
]


def _answers(index_dir: Path) -> list:
    engine = SearchEngine(index_dir)
    return [(response.total, [(hit.id, hit.score) for hit in response.hits],
             {name: [(value.value, value.count) for value in values] for name, values in response.facets.items()})
            for response in map(engine.search, REQUESTS)]


def test_a_generation_without_facet_arrays_answers_the_same(index_dir, tmp_path):
    old = tmp_path / "old-index"
    shutil.copytree(index_dir, old, symlinks=True)
    generation = current_generation(old)
    removed = list(generation.glob("*.facets.*"))
    assert removed
    for path in removed:
        path.unlink()
    assert SearchEngine(old).generation().facets.saved is None
    answers = _answers(old)
    assert SearchEngine(index_dir).generation().facets.saved is not None
    assert _answers(index_dir) == answers
    assert any(total for total, _, _ in answers)

    # Adding the files to the old generation afterwards gives every segment its arrays again.
    assert len(add_to_live_generation(old)) == len(removed) // 2
    assert SearchEngine(old).generation().facets.saved is not None
    assert _answers(old) == answers
