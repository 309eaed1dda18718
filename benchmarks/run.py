"""Benchmark our engine against SQLite FTS5 on the same documents, in one run.

    python -m benchmarks.run --sizes 10000,100000 --out benchmarks/results/$(date +%Y%m%dT%H%M).json
    python -m benchmarks.run --sizes 300 --no-real          # the smoke test CI runs

For each corpus (synthetic at every size, plus the real articles of ``../shared/data`` when present):
generate it, ingest it with our enrichment into a store, build our index from the store and an FTS5
database from the same store, then time both engines' queries and cold starts. Every step runs in
its own process (``benchmarks.worker``), so peak memory is per step. Prints a Markdown table
(ours, FTS5, ratio) and writes every figure as JSON.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from devtools import corpus
from search_app.index.facet_arrays import add_to_live_generation

from . import fts5, ours
from .queries import KINDS, LABELS, plan, plan_to_dict
from .report import markdown

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_WORKDIR = ROOT / "benchmarks" / "results" / "work"
SHARED_DATA = ROOT.parent / "shared" / "data"


def log(message: str) -> None:
    print(f"[{dt.datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def _env(**extra) -> dict:
    """The checkout this file is in comes first on the path, ahead of the editable install."""
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return dict(os.environ, PYTHONPATH=path, **extra)


def worker(task: str, profile: Path | None = None, **arguments) -> dict:
    env = _env()
    if profile is not None:
        env["BENCH_PROFILE"] = str(profile)
    process = subprocess.run([sys.executable, "-m", "benchmarks.worker", task, json.dumps(arguments)],
                             cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    lines = [line for line in process.stdout.splitlines() if line.startswith("RESULT ")]
    if process.returncode != 0 or not lines:
        raise RuntimeError(f"{task} failed (exit {process.returncode})")
    return json.loads(lines[-1][len("RESULT "):])


def cold_start(code: str, argument: str, runs: int) -> dict:
    """Process start to first answer: from just before spawning to the answer's line arriving.
    The package's bytecode is written first, as installing it does: with PYTHONDONTWRITEBYTECODE
    set (as on the benchmark machine) each run would otherwise compile every module of the
    checkout from source (~100 ms at 10k), which no installed server does."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "search_app")], check=True,
                   stdout=subprocess.DEVNULL)
    times, answer = [], None
    for _ in range(runs):
        started = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-c", code, argument], cwd=ROOT, env=_env(),
                                   stdout=subprocess.PIPE, text=True)
        answer = process.stdout.readline().strip()
        times.append((time.perf_counter() - started) * 1000)
        process.wait()
        if process.returncode != 0:
            raise RuntimeError(f"cold start failed (exit {process.returncode})")
    return {"median_ms": round(statistics.median(times), 1), "runs_ms": [round(t, 1) for t in times],
            "answer": answer}


def add_facet_arrays(index_dir: Path) -> None:
    """An index built before the build saved facet arrays gets them, as a build now writes them
    (new files only: hard-linked copies of the index stay intact)."""
    written = add_to_live_generation(index_dir)
    if written:
        log(f"facet arrays added for {len(written)} segment(s) of {index_dir}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve_cold_start(index_dir: Path, data_dir: Path, runs: int, timeout: float = 120.0) -> dict:
    """``search-app serve`` from spawn to its first answer of /api/search (polled every 10 ms)."""
    script = Path(sys.executable).with_name("search-app")
    command = [str(script), "serve"] if script.exists() else [
        sys.executable, "-c", "from search_app.cli import main; main()", "serve"]
    times = []
    for _ in range(runs):
        port = _free_port()
        env = _env(SEARCH_APP_INDEX_DIR=str(index_dir), SEARCH_APP_DATA_DIR=str(data_dir),
                   SEARCH_APP_PORT=str(port), SEARCH_APP_HOST="127.0.0.1")
        url = f"http://127.0.0.1:{port}/api/search?q=conscription+Hama"
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        try:
            while True:
                if process.poll() is not None:
                    return {"error": f"serve exited with {process.returncode}"}
                if time.perf_counter() - started > timeout:
                    return {"error": "no answer before the timeout"}
                try:
                    with urllib.request.urlopen(url, timeout=timeout) as response:
                        json.load(response)
                    break
                except OSError:
                    time.sleep(0.01)
            times.append((time.perf_counter() - started) * 1000)
        finally:
            process.terminate()
            process.wait()
    return {"median_ms": round(statistics.median(times), 1), "runs_ms": [round(t, 1) for t in times]}


def prepare_corpus(name: str, workdir: Path, seed: int, size: int | None,
                   data_dir: Path = SHARED_DATA) -> tuple[Path, dict]:
    path = workdir / f"{name}.jsonl"
    stamp = workdir / f"{name}.corpus.json"
    wanted = {"generator": corpus.GENERATOR_VERSION, "seed": seed, "size": size}
    if not (path.exists() and stamp.exists() and json.loads(stamp.read_text())["key"] == wanted):
        log(f"{name}: writing the corpus")
        records = corpus.generate(size, seed) if size is not None else corpus.real_records(data_dir)
        corpus.write_jsonl(records, path)
        stamp.write_text(json.dumps({"key": wanted, "description": corpus.describe(path)}))
    return path, json.loads(stamp.read_text())["description"]


def build_both(name: str, corpus_path: Path, place: Path, reuse: bool, profile_dir: Path | None) -> dict:
    saved = place / "build.json"
    if reuse and saved.exists():
        log(f"{name}: reusing the stores and indexes built earlier")
        add_facet_arrays(place / "index")
        return json.loads(saved.read_text())
    if place.exists():
        shutil.rmtree(place)
    place.mkdir(parents=True)
    profile = (lambda step: profile_dir / f"{name}-{step}.prof") if profile_dir else (lambda step: None)
    log(f"{name}: ingest with enrichment")
    ingested = worker("ours.ingest", profile("ingest"), corpus=str(corpus_path),
                      store_path=str(place / "store.sqlite3"))
    log(f"{name}: ingested {ingested['articles']} in {ingested['total_s']:.1f}s; building our index")
    built = worker("ours.build", profile("build"), store_path=str(place / "store.sqlite3"),
                   index_dir=str(place / "index"))
    log(f"{name}: our index in {built['seconds']:.1f}s; building FTS5")
    baseline = worker("fts5.build", profile("fts5-build"), store_path=str(place / "store.sqlite3"),
                      database=str(place / "fts5.sqlite3"))
    log(f"{name}: FTS5 in {baseline['seconds']:.1f}s")
    result = {"ingest": ingested, "ours": built, "fts5": baseline}
    saved.write_text(json.dumps(result, indent=1))
    return result


def run_corpus(name: str, size: int | None, args) -> dict:
    workdir = Path(args.workdir)
    corpus_path, description = prepare_corpus(name, workdir, args.seed, size, Path(args.data))
    place = workdir / name
    profile_dir = Path(args.profile) if args.profile else None
    if profile_dir:
        profile_dir.mkdir(parents=True, exist_ok=True)
    builds = build_both(name, corpus_path, place, args.reuse, profile_dir)
    queries = plan_to_dict(plan(args.warmup, args.measured))
    log(f"{name}: our queries")
    our_queries = worker("ours.search", profile_dir / f"{name}-search.prof" if profile_dir else None,
                         index_dir=str(place / "index"), plan=queries)
    log(f"{name}: FTS5 queries")
    baseline_queries = worker("fts5.search", None, database=str(place / "fts5.sqlite3"),
                              plan=queries)
    log(f"{name}: cold starts")
    cold = {"ours": cold_start(ours.COLD_START_CODE, str(place / "index"), args.cold_runs),
            "fts5": cold_start(fts5.COLD_START_CODE, str(place / "fts5.sqlite3"), args.cold_runs)}
    if not args.no_serve:
        cold["serve"] = serve_cold_start(place / "index", place / "data", args.cold_runs)
    return {"name": name, "size": size, "corpus": description, "build": builds,
            "queries": {"ours": our_queries, "fts5": baseline_queries}, "cold_start": cold,
            "summary": summarise(builds, our_queries, baseline_queries, cold)}


def _enrich_rate(ingested: dict) -> float:
    """``build_article`` per second in one process (older result files kept its total time)."""
    return ingested["enrich_rate"] if "enrich_rate" in ingested else ingested["articles"] / ingested["enrich_s"]


def summarise(builds: dict, our_queries: dict, baseline_queries: dict, cold: dict) -> dict:
    """The figures of the table: ours, FTS5 and their ratio, per row."""
    articles = builds["ingest"]["articles"]
    ingest_s, ours_s, fts5_s = builds["ingest"]["total_s"], builds["ours"]["seconds"], builds["fts5"]["seconds"]
    build_peak = max(builds["ingest"]["peak_rss_mb"] + builds["ingest"].get("children_peak_rss_mb", 0),
                     builds["ours"]["peak_rss_mb"] + builds["ours"]["children_peak_rss_mb"])
    rows = {
        "build rate incl. enrichment (articles/s)": (articles / (ingest_s + ours_s), articles / fts5_s),
        "build rate, index only (articles/s)": (articles / ours_s, articles / fts5_s),
        "enrichment alone (articles/s)": (_enrich_rate(builds["ingest"]), None),
        "index size (MB)": (builds["ours"]["index_bytes"] / 1e6, builds["fts5"]["index_bytes"] / 1e6),
        "build peak memory (MB)": (build_peak, builds["fts5"]["peak_rss_mb"]),
        "search process peak memory (MB)": (our_queries["peak_rss_mb"], baseline_queries["peak_rss_mb"]),
        "cold start to first answer (ms)": (cold["ours"]["median_ms"], cold["fts5"]["median_ms"]),
    }
    if "median_ms" in cold.get("serve", {}):
        rows["cold start of `search-app serve` (ms)"] = (cold["serve"]["median_ms"], None)
    for kind in KINDS:
        ours_kind, fts5_kind = our_queries["kinds"][kind], baseline_queries["kinds"][kind]
        for stat in ("p50", "p95"):
            rows[f"{LABELS[kind]} {stat} (ms)"] = (ours_kind[stat], fts5_kind[stat])
        rows[f"{LABELS[kind]} median hits"] = (ours_kind["median_hits"], fts5_kind["median_hits"])
    return {label: {"ours": rounded(a), "fts5": rounded(b),
                    "ratio": round(a / b, 2) if a is not None and b else None}
            for label, (a, b) in rows.items()}


def rounded(value):
    if value is None:
        return None
    return round(value, 1) if value >= 10 else round(value, 2)


def environment() -> dict:
    def git(*command):
        try:
            return subprocess.run(["git", *command], cwd=ROOT, capture_output=True, text=True).stdout.strip()
        except OSError:
            return ""

    from importlib.metadata import version
    return {"when": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "commit": git("rev-parse", "--short", "HEAD"), "dirty": bool(git("status", "--porcelain")),
            "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            "whoosh": version("whoosh-reloaded"), "cpus": os.cpu_count(), "machine": platform.machine()}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000", help="synthetic corpus sizes, comma-separated")
    parser.add_argument("--out", help="write every figure as JSON here")
    parser.add_argument("--no-real", action="store_true", help="skip the real articles of ../shared/data")
    parser.add_argument("--data", default=str(SHARED_DATA), help="where the real corpora are (../shared/data)")
    parser.add_argument("--workdir", default=str(DEFAULT_WORKDIR), help="corpora, stores and indexes")
    parser.add_argument("--reuse", action="store_true",
                        help="reuse the stores and indexes of an earlier run (time the queries only)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--warmup", type=int, default=8, help="warm-up queries per type")
    parser.add_argument("--measured", type=int, default=40, help="measured queries per type")
    parser.add_argument("--cold-runs", type=int, default=3)
    parser.add_argument("--no-serve", action="store_true", help="skip the `search-app serve` cold start")
    parser.add_argument("--profile", metavar="DIR", help="cProfile every step of ours into DIR")
    args = parser.parse_args(argv)
    corpora: list[tuple[str, int | None]] = [(f"synthetic-{int(size)}", int(size))
                                             for size in args.sizes.split(",") if size.strip()]
    if not args.no_real and Path(args.data).is_dir():
        corpora.append(("real", None))
    report = {"environment": environment(), "corpora": []}
    for name, size in corpora:
        report["corpora"].append(run_corpus(name, size, args))
        if args.out:  # after every corpus, so a long run leaves its figures behind
            Path(args.out).parent.mkdir(parents=True, exist_ok=True)
            Path(args.out).write_text(json.dumps(report, indent=1, ensure_ascii=False))
    print(markdown(report))
    return report


if __name__ == "__main__":
    main()
