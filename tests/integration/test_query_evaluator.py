"""The numpy query evaluator finds exactly what Whoosh finds, with Whoosh's scores, on a bilingual
index of two segments with deleted documents; facet counts and dates read from arrays agree with
reading them document by document."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from whoosh import index as whoosh_index
from whoosh.util.times import long_to_datetime

from search_app.index.generations import current_generation
from search_app.search.generation import related_query
from search_app.search.facets import FacetPostings, published_days
from search_app.search.matching import Matches, QueryEvaluator, top
from search_app.search.query import QueryBuilder
from search_app.index import postings as segment_arrays
from search_app.index.postings import (GenerationArrays, decode_positions, decode_postings, leaf_readers, segment_id,
                                       write_segment_arrays)
from search_app.index.schema import FACET_FIELDS
from search_app.index.term_table import add_term_tables
from search_app.text.dictionary import open_dictionary

from ..conftest import generated_then_updated

EPOCH = dt.datetime(1970, 1, 1)  # published_days counts from here

QUERIES = [
    "conscription Hama", "shelling", "airstrikes Aleppo", "تجنيد حماة", "قصف حلب", '"air strikes"',
    '"countryside of Idlib"', "-Aleppo shelling", "shel*", "conscription OR desertion", "NOT Damascus",
    "governorate:SY05 bread", "title:aleppo", "Hamas", "displacement Raqqa province", "xqzzv",
    "\"in the city of\"", "الغارات الجوية", "checkpoint Homs -Hama",
]


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    """400 generated articles (every 25th undated), then 40 changed and 10 deleted by an update;
    positions saved for terms in 5 documents or more, so phrases use them."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(segment_arrays, "POSITIONS_MIN_DOCS", 5)
        yield from _index(tmp_path_factory)


def _index(tmp_path_factory):
    settings = generated_then_updated(tmp_path_factory.mktemp("evaluator"), 400, seed=3, undated_every=25,
                                      deleted=10, changed=40, added_words="conscription desertion")
    ix = whoosh_index.open_dir(str(current_generation(settings.index_dir)))
    with ix.searcher() as searcher:
        yield ix, searcher


# Where postings come from: Whoosh's blocks; the arrays and term tables the build saved; the first
# format (JSON table, Whoosh's blocks for rarer terms: a generation written before term tables);
# that generation given its term tables by add_term_tables.
ARRAY_KINDS = ["whoosh-blocks", "saved-arrays", "first-format", "upgraded"]
NEW_FILES = (".terms.", ".rare.")


def _first_format_copy(generation: Path, target: Path) -> Path:
    target.mkdir()
    for path in generation.iterdir():
        if path.is_file() and not any(marker in path.name for marker in NEW_FILES):
            (target / path.name).hardlink_to(path)
    return target


@pytest.fixture(scope="module")
def array_sets(index, tmp_path_factory):
    ix, _ = index
    generation = Path(ix.storage.folder)
    first_format = _first_format_copy(generation, tmp_path_factory.mktemp("first") / "generation")
    upgraded = _first_format_copy(generation, tmp_path_factory.mktemp("upgraded") / "generation")
    assert len(add_term_tables(upgraded)) == 2
    return {"whoosh-blocks": None, "saved-arrays": GenerationArrays(generation),
            "first-format": GenerationArrays(first_format), "upgraded": GenerationArrays(upgraded)}


def _evaluator(searcher, arrays=None):
    return QueryEvaluator(searcher.doc_count_all(), FacetPostings(searcher.reader()).live, arrays=arrays)


def _arrays(ix):
    return GenerationArrays(Path(ix.storage.folder))


def test_the_index_has_segments_and_deletions_and_postings_arrays(index):
    ix, searcher = index
    assert not searcher.reader().is_atomic() and searcher.reader().has_deletions()
    arrays = _arrays(ix)
    assert all(arrays.for_segment(segment) is not None for segment, _ in leaf_readers(searcher.reader()))
    first, _ = leaf_readers(searcher.reader())[0]
    ids, _ = arrays.for_segment(first).get("exact", "of")
    assert arrays.for_segment(first).positions("exact", "of", np.asarray(ids[:3])) is not None


@pytest.mark.parametrize("saved", ["saved-arrays", "first-format", "upgraded"])
def test_every_saved_term_has_whooshs_postings_and_positions(index, array_sets, saved):
    """Every term of some array fields, in every segment: the saved postings and positions (or,
    for the first format's rarer terms, none) are Whoosh's, and a term the segment lacks has
    none (the first format cannot tell: it sends it to Whoosh)."""
    ix, searcher = index
    arrays = array_sets[saved]
    left_to_whoosh = with_positions = 0
    for segment_reader, _ in leaf_readers(searcher.reader()):
        saved_arrays = arrays.for_segment(segment_reader)
        for fieldname in ("body_en", "exact", "title_ar", "place", "source"):
            for btext in segment_reader.lexicon(fieldname):
                text = ix.schema[fieldname].from_bytes(btext)
                found = saved_arrays.get(fieldname, text)
                if found is None:
                    left_to_whoosh += 1
                    continue
                ids, weights = decode_postings(segment_reader, fieldname, btext)
                assert found[0].tolist() == ids.tolist() and found[1].tolist() == weights.tolist()
                some = ids[::3]
                positions = saved_arrays.positions(fieldname, text, some)
                if positions is not None:
                    with_positions += 1
                    _, _, values = decode_postings(segment_reader, fieldname, btext, only=some)
                    expected, counts = decode_positions(values)
                    assert positions[0].tolist() == some.tolist()
                    assert positions[1].tolist() == expected.tolist() and positions[2].tolist() == counts.tolist()
        absent = saved_arrays.get("body_en", "xqzzvnotaword")
        assert absent is None if saved == "first-format" else len(absent[0]) == 0
    assert (left_to_whoosh > 0) == (saved == "first-format")
    assert with_positions > 100


def test_upgrading_adds_files_and_changes_none(index, array_sets):
    upgraded = array_sets["upgraded"].generation
    ix, _ = index
    for path in Path(ix.storage.folder).iterdir():
        if path.is_file() and not any(marker in path.name for marker in NEW_FILES):
            assert (upgraded / path.name).stat().st_ino == path.stat().st_ino  # the same file, untouched
    assert list(upgraded.glob("*.rare.ids.npy")) and list(upgraded.glob("*.terms.hash.npy"))


def test_an_update_leaves_first_format_segments_as_they_are(index, tmp_path):
    """What an update's publishing does to the segments it keeps: nothing (an upgrade of a million
    articles takes minutes), while a segment without arrays gets them."""
    ix, searcher = index
    first_format = _first_format_copy(Path(ix.storage.folder), tmp_path / "generation")
    before = sorted(path.name for path in first_format.iterdir())
    assert write_segment_arrays(first_format, searcher.reader(), FACET_FIELDS) == []
    assert sorted(path.name for path in first_format.iterdir()) == before
    segment = segment_id(leaf_readers(searcher.reader())[0][0])
    for path in first_format.glob(segment + ".*.npy"):
        path.unlink()
    (first_format / f"{segment}.postings.json").unlink()
    assert write_segment_arrays(first_format, searcher.reader(), FACET_FIELDS) == [segment]
    assert (first_format / f"{segment}.terms.json").exists()


@pytest.mark.parametrize("saved", ARRAY_KINDS)
@pytest.mark.parametrize("text", QUERIES)
def test_evaluator_matches_and_scores_like_whoosh(index, array_sets, text, saved):
    ix, searcher = index
    evaluator = _evaluator(searcher, array_sets[saved])
    _assert_like_whoosh(evaluator, searcher, QueryBuilder(ix.schema).parse(text))


# Everyday words the glossary lacks, through the installed FreeDict dictionaries (a multi-word entry,
# ORed translations inside each word, ANDed across words).
DICTIONARY_QUERIES = ["kitchen rain", "fire department", "heavy rain OR snow", "المطر الغزير", "children school -rain"]


@pytest.mark.skipif(open_dictionary("auto") is None, reason="FreeDict's dictd dictionaries are not installed")
@pytest.mark.parametrize("saved", ARRAY_KINDS)
@pytest.mark.parametrize("text", DICTIONARY_QUERIES)
def test_evaluator_matches_dictionary_translations_like_whoosh(index, array_sets, text, saved):
    ix, searcher = index
    evaluator = _evaluator(searcher, array_sets[saved])
    parsed = QueryBuilder(ix.schema, dictionary=open_dictionary("auto"), reader=searcher.reader()).parse(text)
    assert parsed.expansions  # the dictionary added something
    _assert_like_whoosh(evaluator, searcher, parsed)


def _assert_like_whoosh(evaluator, searcher, parsed):
    for query in filter(None, [parsed.query, parsed.relaxed_query]):
        expected = {hit.docnum: hit.score for hit in searcher.search(query, limit=None)}
        found = evaluator.evaluate(searcher, query)
        assert found.ids.tolist() == sorted(set(searcher.docs_for_query(query)))
        assert found.ids.tolist() == sorted(expected)
        assert np.allclose(found.scores, [expected[d] for d in found.ids.tolist()], rtol=1e-12, atol=0)
        ranked = [(-score, docnum) for docnum, score in expected.items()]
        docnums, _ = top(found, None, 10)
        assert docnums.tolist() == [docnum for _, docnum in sorted(ranked)[:10]]
        assert evaluator.evaluate(searcher, query) is found  # second time from the cache


@pytest.mark.parametrize("saved", ARRAY_KINDS)
def test_facet_counts_and_dates_read_from_arrays_agree_with_one_document_at_a_time(index, array_sets, saved):
    ix, searcher = index
    reader = searcher.reader()
    facets = FacetPostings(reader, array_sets[saved])
    live = facets.live
    assert [n for n in range(reader.doc_count_all()) if not live[n]] == [
        n for n in range(reader.doc_count_all()) if reader.is_deleted(n)]
    rng = np.random.default_rng(1)
    for fieldname in ("governorate", "place", "actor", "month", "lang", "source"):
        for density in (0.02, 0.6):
            mask = (rng.random(facets.doc_count) < density) & live
            expected = {}
            for docnum in np.flatnonzero(mask).tolist():
                for value in (searcher.stored_fields(docnum).get(fieldname) or "").split(","):
                    if value:
                        expected[value] = expected.get(value, 0) + 1
            for _ in range(2):  # the second count of many matches reads bit rows
                assert facets.counts(fieldname, mask) == expected
    days = published_days(reader, reader.doc_count_all())
    for docnum, value in enumerate(reader.column_reader("published", translate=False)):
        try:
            published = long_to_datetime(value)
        except OverflowError:  # the column default: an undated article
            published = None
        assert days[docnum] == ((published - EPOCH).days if published and published > EPOCH else -1)
    assert (days == -1).sum() >= 10


def test_undated_articles_are_found_and_sorted_last(index, tmp_path):
    ix, searcher = index
    from search_app.search.engine import SearchEngine, SearchRequest
    engine = SearchEngine(Path(ix.storage.folder).parent.parent)
    response = engine.search(SearchRequest(q="", sort="date", per_page=100, page=4))
    assert response.total == searcher.doc_count() and response.hits[-1].published is None


@pytest.mark.parametrize("saved", ARRAY_KINDS)
def test_related_stories_query_ranks_like_whoosh(index, array_sets, saved):
    """"More like this" evaluates its ~50 weighted terms with the arrays: same stories, same order."""
    ix, searcher = index
    evaluator = _evaluator(searcher, array_sets[saved])
    live = [n for n in range(searcher.doc_count_all()) if not searcher.reader().is_deleted(n)]
    for docnum in live[::37]:
        query = related_query(searcher, docnum)
        expected = [(hit.docnum, hit.score) for hit in searcher.search(query, limit=30, mask={docnum})]
        found = evaluator.evaluate(searcher, query)
        others = found.ids != docnum
        docnums, scores = top(Matches(found.ids[others], found.scores[others]), None, 30)
        assert docnums.tolist() == [number for number, _ in expected]
        assert np.allclose(scores, [score for _, score in expected], rtol=1e-12, atol=0)



@pytest.mark.parametrize("text", ["conscription Hama", "shelling", "Hama OR Homs shelling"])
def test_ranking_in_tiers_orders_by_tier_then_by_whooshs_scores(index, text):
    """Place words rank stories by a tier (how many of the places they are tagged with) before
    Whoosh's score: the order is tier, then score, then document number, the scores Whoosh's."""
    ix, searcher = index
    evaluator = _evaluator(searcher, _arrays(ix))
    query = QueryBuilder(ix.schema).parse(text).query
    tiers = np.random.default_rng(7).integers(0, 3, searcher.doc_count_all()).astype(np.int8)
    expected = {hit.docnum: hit.score for hit in searcher.search(query, limit=None)}
    ranked = sorted(expected, key=lambda docnum: (-tiers[docnum], -expected[docnum], docnum))
    for count in (5, 25, len(ranked) + 3):
        docnums, scores = top(evaluator.evaluate(searcher, query), None, count, tiers)
        assert docnums.tolist() == ranked[:count]
        assert np.allclose(scores, [expected[docnum] for docnum in ranked[:count]], rtol=1e-12, atol=0)
