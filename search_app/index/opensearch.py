"""The index side of the OpenSearch backend: documents as our analyzers' tokens, builds behind an alias.

Analysis stays ours. Each text field is sent as the tokens the Whoosh schema's analyzer makes of it
(normalised Arabic, Light10 and Snowball stems, exact forms): space-separated, one item a position,
tokens sharing a position (a joined compound, "ezzor" beside "ez") joined by ``|``, which the
index's ``our_tokens`` analyzer (whitespace, then ``pattern_capture``) splits back at that position.
Facet ids go to ``keyword`` fields; the texts and fields a hit shows are kept, unindexed, under
``stored``, exactly as the Whoosh index stores them.

``rebuild`` writes a new index ``<alias>-<time>``, verifies it and moves the alias to it in one
``_aliases`` call (readers see the old index or the new one, never a half one; a build killed
midway leaves the alias where it was), then deletes old indices beyond SEARCH_APP_KEEP_GENERATIONS.
``update`` applies the store's change log to the live index with the bulk API.
"""
from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import re
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Iterable, Iterator

from ..settings import Settings
from .schema import build_schema, protected_name_tokens

log = logging.getLogger(__name__)

TOKEN_FIELDS = ("title_en", "body_en", "title_ar", "body_ar", "exact_title", "exact")
LIST_FIELDS = ("governorate", "district", "place", "actor", "source")  # comma-separated in Whoosh
SINGLE_FIELDS = ("year", "month", "lang", "kind")
STORED_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S"  # the mapping's strict_date_hour_minute_second
SAME_POSITION = "|"
EMPTY_POSITION = "|"  # a position our analyzer left empty: no capture, so kept as a term no query asks for
BULK_DOCUMENTS = 500
BULK_BYTES = 16 * 1024 * 1024  # well below a cluster's http.max_content_length (100 MB by default)
MAX_TERM_BYTES = 32766  # Lucene refuses a document holding a longer term ("immense term")
WORDS_SUFFIX = ".words"
WORDS_PER_DOCUMENT = 20_000
MIN_SPELLING_WORD = 3  # the speller's candidates: three letters or more, no digits (spelling.Speller.buckets)
_DIGIT = re.compile(r"\d")


class OpenSearchUnavailable(RuntimeError):
    """The backend cannot be reached or used as configured (a message for the operator)."""


def index_definition(shards: int, replicas: int) -> dict:
    """The body that creates an index: the packaged settings and mappings, with these counts."""
    definition = _packaged_definition()
    body = {"settings": json.loads(json.dumps(definition["settings"])),
            "mappings": json.loads(json.dumps(definition["mappings"]))}
    body["settings"]["index"].update(number_of_shards=shards, number_of_replicas=replicas)
    body["mappings"]["_meta"] = {"index_format": definition["index_format"], "document_format": _document_format()}
    return body


def _packaged_definition() -> dict:
    return json.loads((resources.files("search_app") / "index" / "opensearch_index.json").read_text(encoding="utf-8"))


def index_format() -> int:
    return _packaged_definition()["index_format"]


def _document_format() -> int:
    from .build import DOCUMENT_FORMAT

    return DOCUMENT_FORMAT


_schema = None


def token_schema():
    """The Whoosh schema whose analyzers make the tokens (built once: the analyzers keep caches)."""
    global _schema
    if _schema is None:
        _schema = build_schema(*protected_name_tokens())
    return _schema


def token_stream(analyzer, text: str) -> str:
    """``text`` as the analyzer indexes it, in the form the ``our_tokens`` analyzer reads back
    (from the first token's position: a phrase needs the distances between positions, not where
    they start)."""
    by_position: dict[int, list[str]] = {}
    for token in analyzer(text, positions=True, mode="index"):
        found = by_position.setdefault(token.pos, [])
        # A "word" of tens of thousands of letters is no word anyone searches; Lucene would refuse the
        # whole document for it, so its position stays empty instead.
        if token.text not in found and len(token.text.encode("utf-8")) <= MAX_TERM_BYTES:
            found.append(token.text)
    if not by_position:
        return ""
    return " ".join(SAME_POSITION.join(by_position[position]) if by_position.get(position) else EMPTY_POSITION
                    for position in range(min(by_position), max(by_position) + 1))


def opensearch_document(document: dict, schema=None) -> dict:
    """The OpenSearch document of one Whoosh index document (``build.article_document``)."""
    schema = schema or token_schema()
    published = document.get("published")
    published = published.strftime(STORED_DATE_FORMAT) if published is not None else None
    # What Whoosh stores (all but the exact fields), the date as text: JSON has no datetime.
    stored = {name: value for name, value in document.items() if name not in ("exact_title", "exact")}
    if published is not None:
        stored["published"] = published
    source = {"id": document["id"], "stored": stored}
    for name in TOKEN_FIELDS:
        tokens = token_stream(schema[name].analyzer, document.get(name, ""))
        if tokens:
            source[name] = tokens
    for name in LIST_FIELDS:
        values = [value.strip() for value in document.get(name, "").split(",") if value.strip()]
        if values:
            source[name] = values
    for name in SINGLE_FIELDS:
        if document.get(name):
            source[name] = document[name]
    if published is not None:
        source["published"] = published
    return source


def bulk_lines(index: str, documents: Iterable[dict] = (), deleted_ids: Iterable[str] = ()) -> list[dict]:
    """The bulk API's body, one dict a line: deletes first, then an ``index`` action and its
    document for each (indexing an id replaces the document: an update is the same action)."""
    lines: list[dict] = [{"delete": {"_index": index, "_id": article_id}} for article_id in deleted_ids]
    for document in documents:
        lines += [{"index": {"_index": index, "_id": document["id"]}}, document]
    return lines


def alias_swap_actions(alias: str, new_index: str, old_indices: Iterable[str]) -> dict:
    """The ``_aliases`` body that moves ``alias`` to ``new_index`` in one atomic step."""
    actions = [{"remove": {"index": old, "alias": alias}} for old in sorted(old_indices) if old != new_index]
    return {"actions": actions + [{"add": {"index": new_index, "alias": alias}}]}


def connect(settings: Settings):
    """An opensearch-py client for the configured cluster (the [opensearch] extra)."""
    if not settings.opensearch_url:
        raise OpenSearchUnavailable("SEARCH_APP_BACKEND=opensearch needs SEARCH_APP_OPENSEARCH_URL "
                                    "(e.g. https://localhost:9200)")
    try:
        from opensearchpy import OpenSearch
    except ImportError:
        raise OpenSearchUnavailable("SEARCH_APP_BACKEND=opensearch needs opensearch-py: "
                                    "pip install 'search-app[opensearch]'") from None
    # The client logs a traceback for every failed attempt; we report the failure once, ourselves.
    logging.getLogger("opensearch").setLevel(logging.ERROR)
    options = {"hosts": [settings.opensearch_url], "timeout": 60, "http_compress": True, "max_retries": 1}
    if settings.opensearch_user:
        options["http_auth"] = (settings.opensearch_user, settings.opensearch_password or "")
    if settings.opensearch_url.startswith("https://"):
        options.update(use_ssl=True, verify_certs=True)
        if settings.opensearch_ca_file:
            options["ca_certs"] = str(settings.opensearch_ca_file)
    return OpenSearch(**options)


def reporting_failures(command):
    """The cluster's refusals and silences as OpenSearchUnavailable, saying where and what."""
    @functools.wraps(command)
    def wrapped(store_or_settings, *args, **kwargs):
        try:
            from opensearchpy.exceptions import ConnectionError as Unreachable, TransportError
        except ImportError:
            return command(store_or_settings, *args, **kwargs)  # connect() says what to install
        settings = store_or_settings if isinstance(store_or_settings, Settings) else args[0]
        try:
            return command(store_or_settings, *args, **kwargs)
        except Unreachable as error:
            raise OpenSearchUnavailable(f"OpenSearch at {settings.opensearch_url} does not answer: {error}") from None
        except TransportError as error:
            raise OpenSearchUnavailable(f"OpenSearch at {settings.opensearch_url} refused: {error}") from None
    return wrapped


def live_index(client, alias: str) -> str | None:
    """The index the alias points at, or None when there is no alias yet (one request: every search asks)."""
    from opensearchpy.exceptions import NotFoundError

    try:
        return next(iter(sorted(client.indices.get_alias(name=alias))), None)
    except NotFoundError:
        return None


def index_meta(client, index: str) -> dict:
    mapping = client.indices.get_mapping(index=index)
    return mapping[index]["mappings"].get("_meta", {})


@dataclass(frozen=True)
class OpenSearchBuild:
    generation: Path  # the index's name as a path, as the Whoosh builds name theirs (``.name``)
    documents: int
    seconds: float
    pruned: list[str]
    kind: str  # rebuild, update, or unchanged


@reporting_failures
def rebuild(store, settings: Settings, progress=None, client=None) -> OpenSearchBuild:
    """Write a new index from the store, verify it, move the alias to it, delete old indices."""
    from .build import index_documents, writer_lock

    client = client or connect(settings)
    alias = settings.opensearch_index
    with writer_lock(settings.index_dir):
        started = time.monotonic()
        name = f"{alias}-{dt.datetime.now(dt.timezone.utc).strftime('%Y%m%dt%H%M%S%f')}"
        body = index_definition(settings.opensearch_shards, 0)  # replicas once it is written
        body["settings"]["index"]["refresh_interval"] = "-1"
        client.indices.create(index=name, body=body)
        with store.snapshot():
            expected, store_seq = store.count_indexed(), store.last_change()
            articles = store.iter_articles(indexed_only=True)
            articles = progress(articles, expected) if progress else articles
            words: set[str] = set()
            documents = (opensearch_document(document) for document in index_documents(store, articles))
            _send(client, name, _collecting_words(documents, words))
            sample_ids = [row[0] for row in store.db.execute(
                "SELECT id FROM articles WHERE dup_group IS NULL ORDER BY random() LIMIT 50")]
        client.indices.put_settings(index=name, body={"index": {
            "refresh_interval": "1s", "number_of_replicas": settings.opensearch_replicas}})
        client.indices.refresh(index=name)
        _verify(client, name, expected, sample_ids)
        _add_words(client, name, words, settings.opensearch_replicas)
        _save_meta(client, name, store_seq, "rebuild", time.monotonic() - started)
        old = client.indices.get_alias(name=alias) if client.indices.exists_alias(name=alias) else {}
        client.indices.update_aliases(body=alias_swap_actions(alias, name, old))
        pruned = prune_indices(client, alias, settings.keep_generations)
        seconds = time.monotonic() - started
        log.info("rebuild index %s: %d documents in %.1fs", name, expected, seconds)
        return OpenSearchBuild(Path(name), expected, seconds, pruned, "rebuild")


@reporting_failures
def update(store, settings: Settings, progress=None, client=None) -> OpenSearchBuild:
    """Apply the store's changes since the live index's ``store_seq`` with the bulk API (a full
    rebuild when there is no live index, or it holds another format)."""
    from .build import index_documents, writer_lock

    client = client or connect(settings)
    alias = settings.opensearch_index
    with writer_lock(settings.index_dir):
        live = live_index(client, alias)
        meta = index_meta(client, live) if live else {}
        current = (meta.get("index_format") == index_format() and meta.get("document_format") == _document_format())
        since = meta.get("store_seq")
    if live is None or since is None or not current:
        return rebuild(store, settings, progress, client)
    with writer_lock(settings.index_dir):
        started = time.monotonic()
        with store.snapshot():
            store_seq = store.last_change()
            to_index, to_delete = store.changed_since(since)
            if not to_index and not to_delete:
                return OpenSearchBuild(Path(live), _count(client, live), 0.0, [], "unchanged")
            articles = store.get_many(to_index)
            articles = progress(articles, len(to_index)) if progress else articles
            documents = (opensearch_document(document) for document in index_documents(store, articles))
            words: set[str] = set()
            _send(client, live, _collecting_words(documents, words), deleted_ids=to_delete)
            expected = store.count_indexed()
        client.indices.refresh(index=live)
        _verify(client, live, expected, to_index[:50], absent_ids=to_delete[:50])
        _add_words(client, live, words, settings.opensearch_replicas)
        _save_meta(client, live, store_seq, "update", time.monotonic() - started)
        return OpenSearchBuild(Path(live), expected, time.monotonic() - started, [], "update")


@reporting_failures
def status(settings: Settings, client=None) -> dict:
    """The alias, the index it points at, its document count and when it was built."""
    client = client or connect(settings)
    alias = settings.opensearch_index
    live = live_index(client, alias)
    if live is None:
        return {"alias": alias, "index": None, "documents": 0}
    return {"alias": alias, "index": live, "documents": _count(client, live), **index_meta(client, live)}


def words_index(index: str) -> str:
    """The index's word list for spelling correction: Whoosh's speller reads the lexicon of the
    exact field, which a cluster does not hand out; the build writes it beside the index."""
    return index + WORDS_SUFFIX


def _collecting_words(documents: Iterable[dict], words: set[str]) -> Iterator[dict]:
    """The documents, adding their exact field's words (as the speller keeps them) to ``words``."""
    for document in documents:
        words.update(term for item in document.get("exact", "").split() for term in item.split(SAME_POSITION)
                     if len(term) >= MIN_SPELLING_WORD and not _DIGIT.search(term))
        yield document


def _add_words(client, index: str, words: set[str], replicas: int) -> None:
    """Words not yet in the index's word list, in documents of WORDS_PER_DOCUMENT (not indexed:
    the speller reads them all at once, on the first misspelt word)."""
    target = words_index(index)
    if not client.indices.exists(index=target):
        client.indices.create(index=target, body={
            "settings": {"index": {"number_of_shards": 1, "number_of_replicas": replicas}},
            "mappings": {"enabled": False}})
        known: set[str] = set()
    else:
        known = set(read_words(client, index))
    new = sorted(words - known)
    lines = []
    for start in range(0, len(new), WORDS_PER_DOCUMENT):
        lines += [{"index": {"_index": target}}, {"words": new[start:start + WORDS_PER_DOCUMENT]}]
    if lines:
        _bulk(client, _ndjson(lines))
    client.indices.refresh(index=target)


def read_words(client, index: str) -> list[str]:
    """The word list of ``index`` (empty for an index built without one)."""
    from opensearchpy.exceptions import NotFoundError

    try:
        answer = client.search(index=words_index(index), body={"query": {"match_all": {}}, "size": 10_000})
    except NotFoundError:
        return []
    return [word for hit in answer["hits"]["hits"] for word in hit["_source"]["words"]]


def prune_indices(client, alias: str, keep: int) -> list[str]:
    """Delete this alias's indices but the live one and the newest ``keep - 1`` others (names
    sort by build time). An index left by a killed build is one of the others."""
    live = set(client.indices.get_alias(name=alias)) if client.indices.exists_alias(name=alias) else set()
    built_here = re.compile(re.escape(alias) + r"-\d{8}t\d{12}")  # not another alias's "<alias>-test-..."
    others = sorted(name for name in client.indices.get(index=f"{alias}-*")
                    if name not in live and built_here.fullmatch(name))
    removed = others[: max(0, len(others) - (keep - 1))]
    for name in removed:
        client.indices.delete(index=name)
        if client.indices.exists(index=words_index(name)):
            client.indices.delete(index=words_index(name))
    return removed


def _send(client, index: str, documents: Iterable[dict], deleted_ids: Iterable[str] = ()) -> None:
    """Bulk requests of at most BULK_DOCUMENTS documents or BULK_BYTES (a text may hold a million
    characters); any item the cluster refuses fails the build."""
    lines = bulk_lines(index, deleted_ids=deleted_ids)
    if lines:
        _bulk(client, _ndjson(lines))
    batch: list[str] = []
    size = 0
    for document in documents:
        body = _ndjson(bulk_lines(index, [document]))
        if batch and (len(batch) >= BULK_DOCUMENTS or size + len(body) > BULK_BYTES):
            _bulk(client, "".join(batch))
            batch, size = [], 0
        batch.append(body)
        size += len(body)
    if batch:
        _bulk(client, "".join(batch))


def _ndjson(lines: list[dict]) -> str:
    return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)


def _bulk(client, body: str) -> None:
    response = client.bulk(body=body)
    if response.get("errors"):
        refused = [item for item in response["items"] for action, result in item.items()
                   if result.get("error") and not (action == "delete" and result.get("status") == 404)]
        if refused:
            raise OpenSearchUnavailable(f"OpenSearch refused {len(refused)} bulk item(s), first: {refused[0]}")


def _count(client, index: str) -> int:
    return int(client.count(index=index)["count"])


def _verify(client, index: str, expected: int, present_ids: list[str], absent_ids: list[str] = ()) -> None:
    from .build import VerificationError

    held = _count(client, index)
    if held != expected:
        raise VerificationError(f"index {index} holds {held} documents, the store {expected}")
    ids = list(present_ids) + list(absent_ids)
    if not ids:
        return
    found = {doc["_id"] for doc in client.mget(index=index, body={"ids": ids}, params={"_source": "false"})["docs"]
             if doc.get("found")}
    missing = [article_id for article_id in present_ids if article_id not in found]
    if missing:
        raise VerificationError(f"article {missing[0]} is missing from index {index}")
    kept = [article_id for article_id in absent_ids if article_id in found]
    if kept:
        raise VerificationError(f"deleted article {kept[0]} is still in index {index}")


def _save_meta(client, index: str, store_seq: int, kind: str, seconds: float) -> None:
    meta = {"index_format": index_format(), "document_format": _document_format(), "store_seq": store_seq,
            "kind": kind, "build_seconds": round(seconds, 3),
            "built_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
    client.indices.put_mapping(index=index, body={"_meta": meta})
