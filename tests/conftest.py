"""Shared fixtures: a real store and index built from the packaged demo corpus."""
from __future__ import annotations

import json
import os
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from search_app.index.build import rebuild
from search_app.ingest import ingest_paths
from search_app.models import stable_id
from search_app.settings import Settings
from search_app.store import open_store
from search_app.web import create_app

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = REPO_ROOT.parent / "shared"

# Hypothesis profiles. "fast", the default, caps every property test at FAST_EXAMPLES for the inner
# loop; "full" runs each test's own count (2,000 for the web fuzz): the README's full-suite command
# and .ci/run pass --hypothesis-profile=full (HYPOTHESIS_PROFILE=full does the same; the option wins).
FAST_EXAMPLES = 100
hypothesis_settings.register_profile("fast", max_examples=FAST_EXAMPLES)
# In the full run each property test runs the count it names (examples() below); one that names none
# gets this ceiling, the largest count in the suite (the web fuzz).
hypothesis_settings.register_profile("full", max_examples=2_000)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fast"))


def examples(full: int) -> int:
    """A property test's example count: ``full`` under the full profile, the fast profile's cap otherwise.
    Read at import, after pytest has loaded the profile the command line names."""
    return min(full, hypothesis_settings.default.max_examples)


def demo_corpus_path() -> Path:
    return Path(str(resources.files("search_app") / "demo" / "articles.jsonl"))


def demo_records() -> list[dict]:
    with demo_corpus_path().open(encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    for record in records:
        record["_id"] = record.get("id") or stable_id(record.get("url", ""), record.get("source", ""),
                                                      record["title"], record.get("published"))
    return records


def make_settings(root: Path, **overrides) -> Settings:
    return Settings.from_env({}, **{"data_dir": root / "data", "index_dir": root / "index", **overrides})


def index_of_records(root: Path, records: list[dict]) -> Settings:
    """A store and an index built through real ingest from ``records``, written as a JSONL file."""
    path = root / "fixture.jsonl"
    path.write_text("".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records), encoding="utf-8")
    settings = make_settings(root)
    with open_store(settings) as store:
        report = ingest_paths(store, [path], settings.quarantine_dir)
        assert not report.rejections, report.rejections[:3]
        rebuild(store, settings.index_dir)
    return settings


@pytest.fixture(scope="session")
def demo_settings(tmp_path_factory) -> Settings:
    settings = make_settings(tmp_path_factory.mktemp("demo"))
    with open_store(settings) as store:
        report = ingest_paths(store, [demo_corpus_path()], settings.quarantine_dir)
        assert not report.rejections, report.rejections[:3]
        rebuild(store, settings.index_dir)
    return settings


@pytest.fixture(scope="session")
def app(demo_settings):
    return create_app(demo_settings)


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED_DIR.is_dir():
        pytest.skip("../shared is not present")
    return SHARED_DIR
