"""Runs one benchmark step in its own process, so its time and peak memory are its own.

``python -m benchmarks.worker TASK JSON_ARGS`` prints ``RESULT {json}`` as its last line.
With ``BENCH_PROFILE=path`` the step runs under cProfile and the stats go to ``path``.
"""
from __future__ import annotations

import json
import os
import sys

from . import fts5, ours
from .measure import cpu_seconds, memory
from .queries import plan_from_dict

TASKS = {
    "ours.ingest": ours.ingest,
    "ours.build": ours.build,
    "ours.search": ours.search,
    "ours.update": ours.update,
    "fts5.build": fts5.build,
    "fts5.search": fts5.search,
}


def main(argv: list[str]) -> None:
    task, arguments = argv[0], json.loads(argv[1])
    if "plan" in arguments:
        arguments["plan"] = plan_from_dict(arguments["plan"])
    function = TASKS[task]
    profile_path = os.environ.get("BENCH_PROFILE")
    if profile_path:
        import cProfile

        profiler = cProfile.Profile()
        result = profiler.runcall(function, **arguments)
        profiler.dump_stats(profile_path)
    else:
        result = function(**arguments)
    result.update({key: value for key, value in {**memory(), **cpu_seconds()}.items() if key not in result})
    print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
