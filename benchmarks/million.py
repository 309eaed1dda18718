"""The million-article point: one synthetic corpus of ``--size`` articles, ours against FTS5.

    python -m benchmarks.million --out benchmarks/results/million-$(date +%Y%m%dT%H%M).json
    python -m benchmarks.million --resume --out ...          # carry on after an interruption
    python -m benchmarks.million --resume --redo queries,cold --out ...   # time the queries again
    python -m benchmarks.million --size 300 --update 100 --workdir /tmp/m   # the wiring, in a minute

An hour or more at a million on two cores: run it in the background (``nohup ... &``). Steps, each
in its own process (``benchmarks.worker``) so its time and peak memory are its own, in this order
(ours first, so a run cut short still says how our engine does at this size):

1. ``corpus``: the benchmark's generator, ``--size`` articles plus ``--update`` more that follow
   them (same seed: the first ``--size`` are the corpus ``benchmarks.run`` would write);
2. ``ingest`` (enrichment, near-duplicate signatures, storing) and ``build`` (``index.build.rebuild``);
3. ``queries`` (every query type, p50/p95 and median hits; the search process's peak and final RSS)
   and ``cold`` (process start to first answer);
4. ``fts5_build``, ``fts5_queries``, ``fts5_cold``: the baseline on the same store;
5. ``update``: the ``--update`` new articles ingested into a copy of the store, then
   ``search-app index update``'s work (``index.build.update``: the live generation copied by hard
   links, the new articles written, verified, switched to) on a hard-linked copy of the index, so
   the corpus index stays at ``--size`` for later query runs.

Every finished step is saved in ``<workdir>/million-<size>/steps.json`` (``--resume`` skips those),
and the JSON (``--out``) and the table are written after each step.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import time
from pathlib import Path

from tqdm import tqdm

from devtools import corpus

from . import fts5, ours
from .queries import KINDS, LABELS, plan, plan_to_dict
from .report import markdown
from .run import DEFAULT_WORKDIR, add_facet_arrays, cold_start, environment, log, rounded, worker

STEPS = ("corpus", "ingest", "build", "queries", "cold", "fts5_build", "fts5_queries", "fts5_cold", "update")


def write_corpus(size: int, extra: int, seed: int, place: Path) -> dict:
    """The corpus file and the update file (the ``extra`` articles after the first ``size``)."""
    main, more = place / "corpus.jsonl", place / "update.jsonl"
    records = tqdm(corpus.generate(size + extra, seed), total=size + extra, desc="generating",
                   unit=" articles", leave=False, mininterval=2)
    corpus.write_jsonl(itertools.islice(records, size), main)
    corpus.write_jsonl(records, more)
    return {"corpus": corpus.describe(main), "update_articles": corpus.describe(more)["articles"],
            "seed": seed, "generator": corpus.GENERATOR_VERSION}


def _copy_store(source: Path, target: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        origin = Path(f"{source}{suffix}")
        copy = Path(f"{target}{suffix}")
        copy.unlink(missing_ok=True)
        if origin.exists():
            shutil.copy2(origin, copy)


def run_step(step: str, place: Path, args, done: dict) -> dict:
    store, index, database = place / "store.sqlite3", place / "index", place / "fts5.sqlite3"
    queries = plan_to_dict(plan(args.warmup, args.measured))
    if step == "corpus":
        return write_corpus(args.size, args.update, args.seed, place)
    if step == "ingest":
        for stale in (store, index, place / "quarantine"):
            if stale.is_dir():
                shutil.rmtree(stale)
            else:
                stale.unlink(missing_ok=True)
        return worker("ours.ingest", corpus=str(place / "corpus.jsonl"), store_path=str(store))
    if step == "build":
        if index.exists():
            shutil.rmtree(index)
        return worker("ours.build", store_path=str(store), index_dir=str(index))
    if step == "queries":
        add_facet_arrays(index)  # an index built before the build wrote them (``--redo``)
        return worker("ours.search", index_dir=str(index), plan=queries)
    if step == "cold":
        add_facet_arrays(index)
        return cold_start(ours.COLD_START_CODE, str(index), args.cold_runs)
    if step == "fts5_build":
        return worker("fts5.build", store_path=str(store), database=str(database))
    if step == "fts5_queries":
        return worker("fts5.search", database=str(database), plan=queries)
    if step == "fts5_cold":
        return cold_start(fts5.COLD_START_CODE, str(database), args.cold_runs)
    if step == "update":
        copy_store, copy_index = place / "update-store.sqlite3", place / "update-index"
        _copy_store(store, copy_store)
        if copy_index.exists():
            shutil.rmtree(copy_index)
        # Hard links, but not the writer's lock file: the update writes its pid into that file,
        # which would write into the corpus index's own lock.
        shutil.copytree(index, copy_index, symlinks=True, copy_function=os.link,
                        ignore=shutil.ignore_patterns("rebuild.lock"))
        result = worker("ours.update", store_path=str(copy_store), index_dir=str(copy_index),
                        corpus=str(place / "update.jsonl"))
        return result
    raise ValueError(step)


def summarise(done: dict) -> dict:
    """The table's rows from whichever steps are done (a missing figure is None)."""
    def get(step, *keys):
        value = done.get(step, {}).get("result")
        for key in keys:
            value = value.get(key) if isinstance(value, dict) else None
        return value

    articles = get("ingest", "articles")
    ingest_s, build_s, fts5_s = get("ingest", "total_s"), get("build", "seconds"), get("fts5_build", "seconds")
    rate = lambda n, *seconds: n / sum(seconds) if n and all(seconds) else None  # noqa: E731
    build_peak = None
    if get("ingest", "peak_rss_mb") is not None and get("build", "peak_rss_mb") is not None:
        build_peak = max(get("ingest", "peak_rss_mb") + (get("ingest", "children_peak_rss_mb") or 0),
                         get("build", "peak_rss_mb") + (get("build", "children_peak_rss_mb") or 0))
    index_bytes, fts5_bytes = get("build", "index_bytes"), get("fts5_build", "index_bytes")
    rows = {
        "build rate incl. enrichment (articles/s)": (rate(articles, ingest_s, build_s), rate(articles, fts5_s)),
        "build rate, index only (articles/s)": (rate(articles, build_s), rate(articles, fts5_s)),
        "build time incl. enrichment (s)": ((ingest_s + build_s) if ingest_s and build_s else None, fts5_s),
        "index size (MB)": (index_bytes / 1e6 if index_bytes else None, fts5_bytes / 1e6 if fts5_bytes else None),
        "build peak memory (MB)": (build_peak, get("fts5_build", "peak_rss_mb")),
        "search process peak memory (MB)": (get("queries", "peak_rss_mb"), get("fts5_queries", "peak_rss_mb")),
        "search process RSS after the queries (MB)": (get("queries", "rss_mb"), get("fts5_queries", "rss_mb")),
        "open and first query in the search process (ms)": (get("queries", "open_and_first_query_ms"),
                                                            get("fts5_queries", "open_and_first_query_ms")),
        "cold start to first answer (ms)": (get("cold", "median_ms"), get("fts5_cold", "median_ms")),
    }
    for kind in KINDS:
        ours_kind, fts5_kind = get("queries", "kinds", kind) or {}, get("fts5_queries", "kinds", kind) or {}
        for stat in ("p50", "p95"):
            rows[f"{LABELS[kind]} {stat} (ms)"] = (ours_kind.get(stat), fts5_kind.get(stat))
        rows[f"{LABELS[kind]} median hits"] = (ours_kind.get("median_hits"), fts5_kind.get("median_hits"))
    update = get("update") or {}
    rows["index update: ingest of the new articles (s)"] = (update.get("ingest_s"), None)
    rows["index update: new articles indexed, verified, switched (s)"] = (update.get("update_s"), None)
    rows["index update: peak memory (MB)"] = (update.get("peak_rss_mb"), None)
    return {label: {"ours": rounded(a), "fts5": rounded(b),
                    "ratio": round(a / b, 2) if a is not None and b else None}
            for label, (a, b) in rows.items()}


def report(done: dict, args) -> dict:
    described = done.get("corpus", {}).get("result", {}).get("corpus") or {
        "articles": args.size, "mean_chars": 0, "mean_bytes": 0, "arabic_share": 0, "translated": 0}
    entry = {"name": f"synthetic-{args.size}", "size": args.size, "corpus": described,
             "steps": done, "summary": summarise(done)}
    return {"environment": environment(), "corpora": [entry]}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.million", description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--update", type=int, default=10_000, help="new articles for `index update`")
    parser.add_argument("--out", help="write every figure as JSON here (after each step)")
    parser.add_argument("--workdir", default=str(DEFAULT_WORKDIR))
    parser.add_argument("--resume", action="store_true", help="skip the steps an earlier run finished")
    parser.add_argument("--redo", default="", help="steps to run again even with --resume, comma-separated")
    parser.add_argument("--steps", default=",".join(STEPS), help="which steps to run, comma-separated")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--warmup", type=int, default=8)
    parser.add_argument("--measured", type=int, default=40)
    parser.add_argument("--cold-runs", type=int, default=3)
    args = parser.parse_args(argv)
    place = Path(args.workdir) / f"million-{args.size}"
    place.mkdir(parents=True, exist_ok=True)
    saved = place / "steps.json"
    done = json.loads(saved.read_text()) if args.resume and saved.exists() else {}
    wanted = [step for step in args.steps.split(",") if step]
    redo = set(filter(None, args.redo.split(",")))
    todo = [step for step in STEPS if step in wanted and (step not in done or step in redo)]
    result = report(done, args)
    with tqdm(total=len(todo), desc=f"{args.size:,} articles", unit="step") as bar:
        for step in todo:
            bar.set_postfix_str(step)
            log(f"million-{args.size}: {step}")
            started, load = time.perf_counter(), os.getloadavg()
            outcome = run_step(step, place, args, done)
            done[step] = {"result": outcome, "seconds": round(time.perf_counter() - started, 1),
                          "load_before": [round(x, 2) for x in load],
                          "load_after": [round(x, 2) for x in os.getloadavg()]}
            saved.write_text(json.dumps(done, indent=1, ensure_ascii=False))
            result = report(done, args)
            if args.out:
                Path(args.out).parent.mkdir(parents=True, exist_ok=True)
                Path(args.out).write_text(json.dumps(result, indent=1, ensure_ascii=False))
            bar.update(1)
    print(markdown(result))
    return result


if __name__ == "__main__":
    main()
