"""An in-memory reading of the OpenSearch requests the backend sends, by their documented meaning.

Not a cluster and not a substitute for the contract suite against one (README: "Running the
contract suite against OpenSearch"): it evaluates the subset of query DSL, aggregations and index
APIs that ``search_app.search.opensearch`` and ``search_app.index.opensearch`` use, as the
OpenSearch documentation defines them, so a test can check that what we send means the same
matches and counts as Whoosh computes, and that the backend reads the answers' shapes correctly.
Scores are a plain sum of matched boosts: ranking is not what it checks.
"""
from __future__ import annotations

import datetime as dt
import fnmatch
import gzip
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

from opensearchpy.exceptions import NotFoundError, RequestError

_CAPTURE = re.compile(r"([^|]+)")


def analyze(text: str) -> dict[str, list[int]]:
    """The ``our_tokens`` analyzer: whitespace tokenizer, then pattern_capture ``([^|]+)`` without
    the original (every capture at the token's position; a token with none kept as it is)."""
    positions: dict[str, list[int]] = {}
    for position, item in enumerate(text.split()):
        for term in (_CAPTURE.findall(item) or [item]):
            positions.setdefault(term, []).append(position)
    return positions


class _Index:
    def __init__(self, body: dict):
        self.mappings = body.get("mappings", {})
        self.settings = body.get("settings", {})
        self.text_fields = {name for name, spec in self.mappings.get("properties", {}).items()
                            if spec.get("type") == "text"}
        self.docs: dict[str, dict] = {}

    def put(self, doc_id: str, source: dict) -> None:
        for name in source:
            if self.mappings.get("enabled", True) and name not in self.mappings["properties"]:
                raise RequestError(400, "strict_dynamic_mapping_exception", name)
        self.docs[doc_id] = {"source": source, "terms": {name: analyze(source[name]) for name in self.text_fields
                                                         if name in source}}


class SimulatedCluster:
    """The client methods the backend calls, with opensearch-py's keyword arguments."""

    def __init__(self, max_clauses: int = 1024):
        self.max_clauses = max_clauses  # indices.query.bool.max_clause_count
        self.indices_by_name: dict[str, _Index] = {}
        self.aliases: dict[str, str] = {}
        self.indices = _IndicesApi(self)

    def resolve(self, name: str) -> _Index:
        name = self.aliases.get(name, name)
        if name not in self.indices_by_name:
            raise NotFoundError(404, "index_not_found_exception", name)
        return self.indices_by_name[name]

    def bulk(self, body: str, **_):
        lines = [json.loads(line) for line in body.splitlines() if line.strip()]
        items, errors, position = [], False, 0
        while position < len(lines):
            action, meta = next(iter(lines[position].items()))
            index = self.resolve(meta["_index"])
            if action == "delete":
                found = index.docs.pop(meta["_id"], None)
                items.append({"delete": {"status": 200 if found else 404, **({} if found else {"result": "not_found"})}})
                position += 1
            else:
                try:
                    index.put(meta.get("_id") or f"auto-{len(index.docs)}", lines[position + 1])
                    items.append({action: {"status": 201}})
                except RequestError as error:
                    items.append({action: {"status": 400, "error": str(error)}})
                    errors = True
                position += 2
        return {"errors": errors, "items": items}

    def _check_clauses(self, query: dict) -> None:
        if _leaves(query) > self.max_clauses:
            raise RequestError(400, "too_many_nested_clauses", f"Query contains too many nested clauses; "
                                                             f"maxClauseCount is set to {self.max_clauses}")

    def count(self, index: str, body: dict | None = None, **_):
        target = self.resolve(index)
        query = (body or {}).get("query", {"match_all": {}})
        self._check_clauses(query)
        return {"count": sum(1 for doc in target.docs.values() if _match(query, doc)[0])}

    def mget(self, index: str, body: dict, **_):
        target = self.resolve(index)
        return {"docs": [{"_id": doc_id, "found": doc_id in target.docs} for doc_id in body["ids"]]}

    def termvectors(self, index: str, body: dict, **_):
        target = self.resolve(index)
        vectors = {}
        for name in body["fields"]:
            own = analyze(body["doc"].get(name, ""))
            terms = {}
            for term, positions in own.items():
                ttf = sum(len(doc["terms"].get(name, {}).get(term, ())) for doc in target.docs.values())
                terms[term] = {"term_freq": len(positions), **({"ttf": ttf, "doc_freq": 1} if ttf else {})}
            vectors[name] = {"terms": terms}
        return {"found": True, "term_vectors": vectors}

    def search(self, index: str, body: dict, **_):
        target = self.resolve(index)
        self._check_clauses(body.get("query", {}))
        docs = list(target.docs.items())
        scored = [(doc_id, doc, score) for doc_id, doc in docs
                  for matched, score in [_match(body.get("query", {"match_all": {}}), doc)] if matched]
        aggregations = {name: _aggregate(spec, [doc for _, doc, _ in scored], [doc for _, doc in docs])
                        for name, spec in body.get("aggs", {}).items()}
        hits = [item for item in scored if "post_filter" not in body or _match(body["post_filter"], item[1])[0]]
        hits.sort(key=lambda item: _sort_key(body.get("sort"), item))
        first, size = body.get("from", 0), body.get("size", 10)
        if first + size > target.settings.get("index", {}).get("max_result_window", 10_000):
            raise RequestError(400, "illegal_argument_exception", "Result window is too large")
        page = [{"_id": doc_id, "_score": score, "_source": _source(doc["source"], body.get("_source"))}
                for doc_id, doc, score in hits[first:first + size]]
        return {"hits": {"total": {"value": len(hits), "relation": "eq"}, "hits": page},
                "aggregations": aggregations}


class _IndicesApi:
    def __init__(self, cluster: SimulatedCluster):
        self.cluster = cluster

    def create(self, index: str, body: dict, **_):
        self.cluster.indices_by_name[index] = _Index(json.loads(json.dumps(body)))

    def exists(self, index: str, **_):
        return index in self.cluster.indices_by_name

    def exists_alias(self, name: str, **_):
        return name in self.cluster.aliases

    def get_alias(self, name: str, **_):
        if name not in self.cluster.aliases:
            raise NotFoundError(404, "alias_missing", name)
        return {self.cluster.aliases[name]: {"aliases": {name: {}}}}

    def update_aliases(self, body: dict, **_):
        aliases = dict(self.cluster.aliases)
        for action in body["actions"]:  # all or nothing, as _aliases applies them
            (kind, spec), = action.items()
            if kind == "remove":
                if aliases.get(spec["alias"]) != spec["index"]:
                    raise NotFoundError(404, "aliases_not_found_exception", spec["alias"])
                del aliases[spec["alias"]]
            else:
                self.cluster.resolve(spec["index"])
                aliases[spec["alias"]] = spec["index"]
        self.cluster.aliases = aliases

    def put_settings(self, index: str, body: dict, **_):
        self.cluster.resolve(index).settings.setdefault("index", {}).update(body["index"])

    def refresh(self, index: str, **_):
        self.cluster.resolve(index)

    def put_mapping(self, index: str, body: dict, **_):
        self.cluster.resolve(index).mappings["_meta"] = body["_meta"]

    def get_mapping(self, index: str, **_):
        name = self.cluster.aliases.get(index, index)
        return {name: {"mappings": self.cluster.resolve(index).mappings}}

    def get(self, index: str, **_):
        return {name: {} for name in self.cluster.indices_by_name if fnmatch.fnmatchcase(name, index)}

    def delete(self, index: str, **_):
        self.cluster.resolve(index)
        del self.cluster.indices_by_name[index]
        self.cluster.aliases = {alias: name for alias, name in self.cluster.aliases.items() if name != index}


def _leaves(query) -> int:
    """Lucene counts every leaf clause of the whole query against the clause limit."""
    if isinstance(query, list):
        return sum(_leaves(item) for item in query)
    if not isinstance(query, dict):
        return 0
    if set(query) & {"term", "terms", "prefix", "wildcard", "match_phrase", "span_term", "range", "ids", "exists"}:
        return 1
    return sum(_leaves(value) for value in query.values())


def _source(source: dict, spec) -> dict:
    if not spec:
        return source
    return {name: value for name, value in source.items() if name in spec["includes"]}


def _sort_key(order, item):
    doc_id, doc, score = item
    if not order:
        return (-score, doc_id)
    key = []
    for clause in order:
        (name, spec), = clause.items()
        value = doc["source"].get(name)
        if name == "published":  # desc, missing last
            key.append((value is None, "" if value is None else "".join(chr(0x10FFFF - ord(c)) for c in value)))
        else:
            key.append(value)
    return key


def _values(doc: dict, field: str) -> list:
    value = doc["source"].get(field)
    return value if isinstance(value, list) else [] if value is None else [value]


def _match(query: dict, doc: dict) -> tuple[bool, float]:
    (kind, spec), = query.items()
    if kind == "match_all":
        return True, 1.0
    if kind == "match_none":
        return False, 0.0
    if kind in ("term", "prefix", "wildcard"):
        (field, options), = spec.items()
        value, boost = (options["value"], options.get("boost", 1.0)) if isinstance(options, dict) else (options, 1.0)
        terms = doc["terms"].get(field)
        candidates = list(terms) if terms is not None else [str(v) for v in _values(doc, field)]
        test = {"term": lambda t: t == value, "prefix": lambda t: t.startswith(value),
                "wildcard": lambda t: fnmatch.fnmatchcase(t, value)}[kind]
        return (True, boost) if any(test(term) for term in candidates) else (False, 0.0)
    if kind == "terms":
        (field, wanted), = spec.items()
        return (True, 1.0) if set(_values(doc, field)) & set(wanted) else (False, 0.0)
    if kind == "ids":
        return (True, 1.0) if doc["source"]["id"] in spec["values"] else (False, 0.0)
    if kind == "exists":
        return (True, 1.0) if _values(doc, spec["field"]) else (False, 0.0)
    if kind == "match_phrase":
        (field, options), = spec.items()
        words = [term for item in options["query"].split() for term in (_CAPTURE.findall(item) or [item])]
        assert options.get("slop", 0) == 0, "only exact phrases are sent with match_phrase"
        return _phrase(doc["terms"].get(field, {}), words, 0, boost=options.get("boost", 1.0))
    if kind == "span_near":
        assert spec["in_order"]
        field = next(iter(spec["clauses"][0]["span_term"]))
        words = [clause["span_term"][field] for clause in spec["clauses"]]
        return _phrase(doc["terms"].get(field, {}), words, spec["slop"], boost=spec.get("boost", 1.0))
    if kind == "range":
        (field, bounds), = spec.items()
        values = _values(doc, field)
        if not values:
            return False, 0.0
        value = dt.datetime.fromisoformat(values[0])
        for op, bound in bounds.items():
            if op == "format":
                continue
            limit = dt.datetime.fromisoformat(bound)
            if not {"gte": value >= limit, "gt": value > limit, "lte": value <= limit, "lt": value < limit}[op]:
                return False, 0.0
        return True, 1.0
    if kind == "bool":
        score = 0.0
        for clause in spec.get("must", []):
            matched, part = _match(clause, doc)
            if not matched:
                return False, 0.0
            score += part
        for clause in spec.get("filter", []):
            if not _match(clause, doc)[0]:
                return False, 0.0
        for clause in spec.get("must_not", []):
            if _match(clause, doc)[0]:
                return False, 0.0
        should = [_match(clause, doc) for clause in spec.get("should", [])]
        needed = spec.get("minimum_should_match",
                          0 if spec.get("must") or spec.get("filter") or spec.get("must_not") else 1 if should else 0)
        if sum(1 for matched, _ in should if matched) < needed:
            return False, 0.0
        score += sum(part for matched, part in should if matched)
        return True, (score or 1.0) * spec.get("boost", 1.0)
    if kind == "function_score":
        matched, score = _match(spec["query"], doc)
        if not matched:
            return False, 0.0
        weights = [function["weight"] for function in spec["functions"] if _match(function["filter"], doc)[0]]
        assert spec["score_mode"] == spec["boost_mode"] == "sum"
        return True, score + (sum(weights) if weights else 1.0)
    raise AssertionError(f"the simulation does not read {kind!r} queries")


def _phrase(terms: dict[str, list[int]], words: list[str], slop: int, boost: float):
    """Words in order at consecutive positions (Lucene's ordered spans: ``slop`` positions in all
    may lie between the words)."""
    if not words or any(word not in terms for word in words):
        return False, 0.0

    def extend(index: int, previous: int, used: int) -> bool:
        if index == len(words):
            return True
        return any(extend(index + 1, position, used + position - previous - 1)
                   for position in terms[words[index]]
                   if position > previous and used + position - previous - 1 <= slop)

    found = any(extend(1, start, 0) for start in terms[words[0]])
    return (True, boost) if found else (False, 0.0)


def _aggregate(spec: dict, docs: list[dict], every: list[dict]) -> dict:
    sub = spec.get("aggs", {})
    if "filter" in spec:
        inside = [doc for doc in docs if _match(spec["filter"], doc)[0]]
        return {"doc_count": len(inside), **{name: _aggregate(child, inside, every) for name, child in sub.items()}}
    if "global" in spec:
        return {"doc_count": len(every), **{name: _aggregate(child, every, every) for name, child in sub.items()}}
    if "terms" in spec:
        counts: dict[str, int] = {}
        for doc in docs:
            for value in set(_values(doc, spec["terms"]["field"])):
                counts[value] = counts.get(value, 0) + 1
        ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:spec["terms"]["size"]]
        return {"buckets": [{"key": key, "doc_count": count} for key, count in ordered]}
    if "date_histogram" in spec:
        options = spec["date_histogram"]
        assert options["calendar_interval"] == "month" and options["format"] == "yyyy-MM"
        counts = {}
        for doc in docs:
            for value in _values(doc, options["field"]):
                counts[value[:7]] = counts.get(value[:7], 0) + 1
        return {"buckets": [{"key_as_string": key, "key": 0, "doc_count": count} for key, count in sorted(counts.items())
                            if count >= options.get("min_doc_count", 0)]}
    raise AssertionError(f"the simulation does not read aggregation {spec!r}")


class SimulatedServer:
    """The simulation behind HTTP on a free local port, so the real opensearch-py client (paths,
    verbs, parameters, gzip bodies, error statuses) talks to it: ``with SimulatedServer() as url``."""

    def __init__(self, cluster: SimulatedCluster | None = None):
        self.cluster = cluster or SimulatedCluster()

    def __enter__(self) -> str:
        cluster, lock = self.cluster, threading.Lock()

        class Handler(_Handler):
            def answer(self, method, parts, params, body):
                with lock:
                    return _route(cluster, method, parts, params, body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def _route(cluster: SimulatedCluster, method: str, parts: list[str], params: dict, body):
    """(status, JSON) of one request, by the path opensearch-py builds for each method we call."""
    indices = cluster.indices
    last = parts[-1] if parts else ""
    if parts == ["_bulk"]:
        return 200, cluster.bulk(body=body)
    if parts == ["_aliases"]:
        indices.update_aliases(body=json.loads(body))
        return 200, {"acknowledged": True}
    if len(parts) == 2 and parts[0] == "_alias":
        if method == "HEAD":
            return (200 if indices.exists_alias(name=parts[1]) else 404), None
        return 200, indices.get_alias(name=parts[1])
    if len(parts) == 2 and last in ("_search", "_count", "_mget", "_termvectors"):
        call = {"_search": cluster.search, "_count": cluster.count, "_mget": cluster.mget,
                "_termvectors": cluster.termvectors}[last]
        return 200, call(index=parts[0], body=json.loads(body) if body else None)
    if len(parts) == 2 and last == "_settings":
        indices.put_settings(index=parts[0], body=json.loads(body))
        return 200, {"acknowledged": True}
    if len(parts) == 2 and last == "_refresh":
        indices.refresh(index=parts[0])
        return 200, {}
    if len(parts) == 2 and last == "_mapping":
        if method == "PUT":
            indices.put_mapping(index=parts[0], body=json.loads(body))
            return 200, {"acknowledged": True}
        return 200, indices.get_mapping(index=parts[0])
    if len(parts) == 1:
        if method == "HEAD":
            return (200 if indices.exists(index=parts[0]) else 404), None
        if method == "PUT":
            indices.create(index=parts[0], body=json.loads(body))
            return 200, {"acknowledged": True, "index": parts[0]}
        if method == "DELETE":
            indices.delete(index=parts[0])
            return 200, {"acknowledged": True}
        return 200, indices.get(index=parts[0])
    return 400, {"error": {"type": "unsupported_by_simulation", "reason": f"{method} /{'/'.join(parts)}"}, "status": 400}


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # quiet
        pass

    def _serve(self):
        url = urlsplit(self.path)
        parts = [unquote(part) for part in url.path.split("/") if part]
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.headers.get("Content-Encoding") == "gzip":
            raw = gzip.decompress(raw)
        try:
            status, answer = self.answer(self.command, parts, parse_qs(url.query), raw.decode("utf-8") or None)
        except (NotFoundError, RequestError) as error:
            status = error.status_code
            answer = {"error": {"type": error.error, "reason": str(error.info)}, "status": status}
        payload = b"" if answer is None else json.dumps(answer).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _serve
