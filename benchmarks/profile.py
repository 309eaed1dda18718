"""Where a query's time goes: py-spy over our engine answering the benchmark's query mix.

    python -m benchmarks.profile INDEX_DIR [--out DIR] [--rounds 5] [--rate 500] [--cold-runs 10]

Three sampled runs (py-spy must be installed: ``pip install py-spy``; it needs ptrace rights):
``engine`` (one process, ``SearchEngine.search`` over every query of the plan, ``--rounds`` times),
``api`` (the same queries as ``/api/search`` requests through Flask's test client, so routing and
JSON count too) and ``cold`` (``--cold-runs`` processes from start to the first answer, the
benchmark's cold-start code). Each run's stacks are sorted into components (the first rule whose
frame a stack holds, see ``COMPONENTS``) and printed as a Markdown table; ``DIR`` keeps the raw
collapsed stacks and a speedscope file of each run for a closer look.
"""
from __future__ import annotations

import argparse
import collections
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .ours import COLD_START_CODE

ROOT = Path(__file__).resolve().parent.parent

# (component, markers): a stack belongs to the first component one of whose markers is in one
# of its frames (``function (file)``, as py-spy writes them). Order matters: imports and
# start-up first, then the query's parts from the most specific outwards.
COMPONENTS = (
    ("imports", ("_find_and_load", "<frozen importlib", "exec_module")),
    ("opening the generation (schema, TOC, facet postings, dates)", ("__init__ (search_app/search/engine.py)",
                                                                      "open_index", "published_days", "__init__ (search_app/search/generation.py)")),
    ("spelling (lexicon and word lists)", ("search_app/search/spelling.py",)),
    ("query parsing and expansion", ("search_app/search/query.py", "_query_builder")),
    ("snippets and highlighting", ("search_app/search/snippets.py", "_snippet (search_app/search/engine.py)",
                                   "_highlight_units")),
    ("stored-field reads", ("stored_fields",)),
    ("facet counts", ("_facet_counts", "search_app/search/facets.py")),
    ("filter and date masks", ("_filter_masks", "_date_mask", "_place_tiers")),
    ("matching and ranking (numpy evaluator)", ("search_app/search/matching.py", "_match (search_app",
                                                "_page (search_app", "search_app/index/postings.py")),
    ("building hits", ("_hit (search_app",)),
    ("Flask, JSON and the web layer", ("flask/", "werkzeug/", "json/", "search_app/web/", "jinja2/")),
    ("other engine work", ("search_app/search/engine.py",)),
)
OTHER = "other (interpreter, benchmark loop)"


def classify(stack: str) -> str:
    for name, markers in COMPONENTS:
        if any(marker in stack for marker in markers):
            return name
    return OTHER


def shares(collapsed: Path) -> tuple[dict[str, int], int]:
    """Samples per component from py-spy's raw (collapsed) output: ``frame;frame;... count``."""
    tally: collections.Counter[str] = collections.Counter()
    for line in collapsed.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            tally[classify(stack)] += int(count)
    return dict(tally), sum(tally.values())


def table(runs: dict[str, tuple[dict[str, int], int]]) -> str:
    names = [name for name, _ in COMPONENTS] + [OTHER]
    lines = ["| component | " + " | ".join(f"{run} (share)" for run in runs) + " |",
             "|---" * (1 + len(runs)) + "|"]
    for name in names:
        cells = [f"{100 * tally.get(name, 0) / total:.1f}%" if total else "–" for tally, total in runs.values()]
        if any(cell not in ("0.0%", "–") for cell in cells):
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines.append("| samples | " + " | ".join(str(total) for _, total in runs.values()) + " |")
    return "\n".join(lines)


# The query mix, run in a child process py-spy samples: ``engine`` or ``api``.
MIX_CODE = """
import json, sys
from pathlib import Path
from benchmarks.queries import plan
mode, index_dir, rounds = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
queries = [q for warm, measured in plan().values() for q in warm + measured]
if mode == "engine":
    from search_app.search.engine import SearchEngine
    from benchmarks.ours import request_for
    engine = SearchEngine(index_dir)
    run = lambda query: engine.search(request_for(query))
else:
    import os
    os.environ["SEARCH_APP_INDEX_DIR"] = str(index_dir)
    os.environ.setdefault("SEARCH_APP_DATA_DIR", str(index_dir.parent / "data"))
    from search_app.web import create_app
    client = create_app().test_client()
    def run(query):
        args = {"q": query.q, "page": query.page}
        if query.governorate:
            args["governorate"] = list(query.governorate)
        assert client.get("/api/search", query_string=args).status_code == 200
run(queries[0])
for _ in range(rounds):
    for query in queries:
        run(query)
"""


def record(py_spy: str, out: Path, name: str, command: list[str], rate: int) -> Path:
    raw = out / f"{name}.collapsed.txt"
    for fmt, target in (("raw", raw), ("speedscope", out / f"{name}.speedscope.json")):
        if fmt == "speedscope" and name.startswith("cold"):
            continue  # many short processes: the collapsed stacks say it all
        subprocess.run([py_spy, "record", "--rate", str(rate), "--format", fmt, "--output", str(target),
                        "--nonblocking", "--", *command], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return raw


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile", description=__doc__.split("\n")[0])
    parser.add_argument("index_dir")
    parser.add_argument("--out", default=None, help="keep the raw stacks here")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--rate", type=int, default=500, help="samples per second")
    parser.add_argument("--cold-runs", type=int, default=10)
    parser.add_argument("--runs", default="engine,api,cold")
    args = parser.parse_args(argv)
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    out = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="profile-"))
    out.mkdir(parents=True, exist_ok=True)
    index_dir = str(Path(args.index_dir).resolve())
    runs = {}
    for name in args.runs.split(","):
        if name == "cold":
            merged = out / "cold.collapsed.txt"
            with merged.open("w") as handle:
                for number in range(args.cold_runs):
                    raw = record(py_spy, out, f"cold-{number}", [sys.executable, "-c", COLD_START_CODE, index_dir],
                                 args.rate)
                    handle.write(raw.read_text())
                    raw.unlink()
            runs[name] = shares(merged)
        else:
            raw = record(py_spy, out, name, [sys.executable, "-c", MIX_CODE, name, index_dir, str(args.rounds)],
                         args.rate)
            runs[name] = shares(raw)
    result = table(runs)
    (out / "shares.json").write_text(json.dumps({name: {"samples": total, "by_component": tally}
                                                 for name, (tally, total) in runs.items()}, indent=1))
    print(result)
    return result


if __name__ == "__main__":
    main()
