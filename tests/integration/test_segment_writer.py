"""The fast segment writer must write the index Whoosh's own writer writes, term for term.

Both build the demo corpus; every term's postings (documents, weights, positions), every stored
field and every field length must agree, in one process and split over worker processes and
several segments; a failing worker must fail the build with its reason, not hang it.
"""
from __future__ import annotations

import pytest
from whoosh import index as whoosh_index

from search_app.index import writer as segment_writer
from search_app.index.build import index_documents, protected_name_tokens
from search_app.index.schema import FACET_FIELDS, build_schema
from search_app.index.postings import GenerationArrays, leaf_readers, segment_id, write_segment_arrays
from search_app.index.whoosh_internals import index_segments
from search_app.index.writer import write_segments
from search_app.store import open_store


@pytest.fixture(scope="module")
def documents(demo_settings):
    with open_store(demo_settings) as store:
        return list(index_documents(store, store.iter_articles(indexed_only=True)))


def whoosh_built(path, documents):
    path.mkdir()
    ix = whoosh_index.create_in(str(path), build_schema(*protected_name_tokens()))
    with ix.writer() as writer:
        for document in documents:
            writer.add_document(**document)
    return whoosh_index.open_dir(str(path))


def fast_built(path, documents, workers=1):
    path.mkdir()
    ix = whoosh_index.create_in(str(path), build_schema(*protected_name_tokens()))
    assert write_segments(ix, iter(documents), len(documents), workers=workers) == len(documents)
    return whoosh_index.open_dir(str(path))


def postings_by_id(reader, fieldname, btext):
    """{article id: (weight, value)} of a term, over every segment."""
    found = {}
    matcher = reader.postings(fieldname, btext)
    while matcher.is_active():
        # (An Existence field has no values: Whoosh gives "" from a block, None when inlined.)
        found[reader.stored_fields(matcher.id())["id"]] = (matcher.weight(), matcher.value() or None)
        matcher.next()
    return found


def term_statistics(reader, fieldname, btext) -> tuple:
    """What scoring and block skipping read from a term's info."""
    info = reader.term_info(fieldname, btext)
    return info.weight(), info.min_length(), info.max_length(), info.max_weight()


def assert_same_index(expected, actual):
    with expected.reader() as want, actual.reader() as got:
        assert got.doc_count() == want.doc_count()
        terms = sorted(want.all_terms())
        assert sorted(got.all_terms()) == terms
        for fieldname, btext in terms:
            assert postings_by_id(got, fieldname, btext) == postings_by_id(want, fieldname, btext), \
                (fieldname, btext)
            assert got.doc_frequency(fieldname, btext) == want.doc_frequency(fieldname, btext)
            assert term_statistics(got, fieldname, btext) == term_statistics(want, fieldname, btext)
        by_id = {got.stored_fields(n)["id"]: n for n in got.all_doc_ids()}
        for docnum in want.all_doc_ids():
            stored = want.stored_fields(docnum)
            other = by_id[stored["id"]]
            assert got.stored_fields(other) == stored
            for fieldname in ("title_en", "body_en", "body_ar", "exact", "exact_title"):
                assert got.doc_field_length(other, fieldname) == want.doc_field_length(docnum, fieldname)
        for fieldname in ("body_en", "exact"):
            assert got.field_length(fieldname) == want.field_length(fieldname)
            assert got.max_field_length(fieldname) == want.max_field_length(fieldname)


@pytest.mark.slow
def test_one_process_writes_what_whoosh_writes(tmp_path, documents):
    assert len(documents) >= 150
    assert_same_index(whoosh_built(tmp_path / "whoosh", documents), fast_built(tmp_path / "fast", documents))


@pytest.mark.slow
def test_workers_and_several_segments_write_the_same_index(tmp_path, documents, monkeypatch):
    monkeypatch.setattr(segment_writer, "PARALLEL_FROM", 1)
    monkeypatch.setattr(segment_writer, "SEGMENT_DOCS", 60)
    monkeypatch.setattr(segment_writer, "BATCH_DOCS", 7)
    monkeypatch.setattr(segment_writer, "WINDOW_POSTINGS", 50)  # many windows a field
    fast = fast_built(tmp_path / "fast", documents, workers=2)
    assert len(index_segments(fast)) >= 4  # two workers, 60 documents a segment
    assert_same_index(whoosh_built(tmp_path / "whoosh", documents), fast)


def test_a_failing_worker_fails_the_build_with_its_reason(tmp_path, documents, monkeypatch):
    monkeypatch.setattr(segment_writer, "PARALLEL_FROM", 1)
    broken = documents[:50] + [dict(documents[50], no_such_field="x")] + documents[51:]
    ix = whoosh_index.create_in(str(tmp_path), build_schema(*protected_name_tokens()))
    with pytest.raises(RuntimeError, match="no_such_field"):
        write_segments(ix, iter(broken), len(broken), workers=2)



def test_arrays_saved_from_memory_equal_arrays_decoded_from_the_segments(tmp_path, documents, monkeypatch):
    """The writer's arrays, JSON table and term table equal those decoded afterwards from the
    segments by ``write_segment_arrays`` (the path of segments Whoosh's own writer wrote)."""
    monkeypatch.setattr(segment_writer, "SEGMENT_DOCS", 120)
    fast = fast_built(tmp_path / "fast", documents)
    decoded_dir = tmp_path / "decoded"
    decoded_dir.mkdir()
    with fast.reader() as reader:
        leaves = leaf_readers(reader)
        assert len(leaves) == 2
        # A directory holding only the segments: the arrays are decoded from Whoosh's blocks.
        for path in (tmp_path / "fast").iterdir():
            if path.suffix in (".seg", ".toc"):
                (decoded_dir / path.name).hardlink_to(path)
        assert len(write_segment_arrays(decoded_dir, reader, FACET_FIELDS)) == 2
        for segment_reader, _ in leaves:
            segment = segment_id(segment_reader)
            for suffix in (".postings.json", ".ids.npy", ".weights.npy", ".positions.npy", ".terms.json",
                           ".terms.hash.npy", ".terms.info.npy", ".terms.keys.npy"):
                name = segment + suffix
                assert (tmp_path / "fast" / name).read_bytes() == (decoded_dir / name).read_bytes(), name
        saved = GenerationArrays(tmp_path / "fast").for_segment(leaves[0][0])
        assert saved.positions("body_en", "syria", saved.get("body_en", "syria")[0][:3]) is not None
