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


def without_file_override() -> list[str]:
    """A command prefix under which file modes bind the child even when tests run as root: root
    writes through any mode bits (CAP_DAC_OVERRIDE), so it runs without that capability
    (util-linux's setpriv). Empty when not root; skips the test when setpriv is missing."""
    import shutil

    if os.geteuid() != 0:
        return []
    if not shutil.which("setpriv"):
        pytest.skip("running as root without util-linux's setpriv to drop CAP_DAC_OVERRIDE")
    capabilities = "-dac_override,-dac_read_search"
    return ["setpriv", f"--inh-caps={capabilities}", f"--bounding-set={capabilities}"]


def generated_then_updated(root: Path, count: int, seed: int, undated_every: int, deleted: int, changed: int,
                           added_words: str) -> Settings:
    """An index of ``count`` generated articles (every ``undated_every``-th undated), rebuilt, then
    ``deleted`` of them deleted and ``changed`` more given ``added_words`` by an ``index update``:
    segments holding deleted documents, as a live archive has."""
    import dataclasses
    import itertools

    from devtools.corpus import generate
    from search_app.index.build import update
    from search_app.ingest.records import build_article

    settings = make_settings(root)
    records = list(generate(count, seed=seed))
    for record in records[::undated_every]:
        del record["published"]
    with open_store(settings) as store:
        with store.transaction():
            for record in records:
                store.upsert(build_article(record))
        rebuild(store, settings.index_dir)
        articles = list(itertools.islice(store.iter_articles(), deleted + changed))
        with store.transaction():
            for article in articles[:deleted]:
                store.delete(article.id)
            for article in articles[deleted:]:
                store.upsert(dataclasses.replace(article, body=f"{article.body} {added_words}",
                                                 content_hash=article.content_hash + "x"))
        update(store, settings.index_dir)
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
