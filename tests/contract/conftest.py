"""Backends for the contract suite: every test here runs once per backend, through the
SearchBackend interface only. Whoosh always; OpenSearch when SEARCH_APP_OPENSEARCH_URL names a
cluster (README: "Running the contract suite against OpenSearch"), with its own alias per test
index, deleted afterwards."""
from __future__ import annotations

import os
import uuid
from dataclasses import replace

import pytest

from search_app.index.backends import rebuild_index
from search_app.ingest import ingest_paths
from search_app.search import open_backend
from search_app.store import open_store
from tests.conftest import demo_corpus_path, make_settings

OPENSEARCH_URL = os.environ.get("SEARCH_APP_OPENSEARCH_URL", "")
BACKENDS = ["whoosh", "opensearch"]
NO_CLUSTER = ("SEARCH_APP_OPENSEARCH_URL is not set: the contract suite runs against OpenSearch only with a "
              "cluster to talk to (README: Running the contract suite against OpenSearch)")


def backend_settings(root, backend: str):
    # Without the FreeDict dictionaries: the same expansions on every machine, and no 4 s load a backend.
    settings = make_settings(root, dictionary_dir="off")
    if backend == "whoosh":
        return settings
    if not OPENSEARCH_URL:
        pytest.skip(NO_CLUSTER)
    pytest.importorskip("opensearchpy", reason="the [opensearch] extra is not installed")
    return replace(settings, backend="opensearch", opensearch_url=OPENSEARCH_URL.rstrip("/"),
                   opensearch_user=os.environ.get("SEARCH_APP_OPENSEARCH_USER") or None,
                   opensearch_password=os.environ.get("SEARCH_APP_OPENSEARCH_PASSWORD") or None,
                   opensearch_ca_file=os.environ.get("SEARCH_APP_OPENSEARCH_CA_FILE") or None,
                   opensearch_index=f"contract-{uuid.uuid4().hex[:12]}", opensearch_replicas=0)


def remove_opensearch_indices(settings) -> None:
    if settings.backend != "opensearch":
        return
    from search_app.index.opensearch import connect

    client = connect(settings)
    for name in client.indices.get(index=f"{settings.opensearch_index}-*"):
        client.indices.delete(index=name)


def build(settings, paths=(demo_corpus_path(),)):
    """A store from real ingest of ``paths`` and an index built by the configured backend."""
    with open_store(settings) as store:
        report = ingest_paths(store, list(paths), settings.quarantine_dir)
        assert not report.rejections, report.rejections[:3]
        rebuild_index(store, settings)
    return settings


@pytest.fixture(scope="module", params=BACKENDS)
def demo_backend(request, tmp_path_factory):
    """The demo corpus, indexed by each backend in turn (read-only tests share it)."""
    settings = build(backend_settings(tmp_path_factory.mktemp(f"contract-{request.param}"), request.param))
    yield open_backend(settings)
    remove_opensearch_indices(settings)


@pytest.fixture(params=BACKENDS)
def fresh_settings(request, tmp_path):
    """Settings of an empty store and index of each backend, for tests that change them."""
    settings = backend_settings(tmp_path, request.param)
    yield settings
    remove_opensearch_indices(settings)
