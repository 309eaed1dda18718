"""Timing, memory and size helpers shared by both engines' benchmark drivers."""
from __future__ import annotations

import os
import resource
import statistics
import time
from pathlib import Path
from typing import Callable

from .queries import Query


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (p95 of 40 samples is the 38th smallest)."""
    ordered = sorted(values)
    rank = max(1, -(-int(fraction * 1000) * len(ordered) // 1000))
    return ordered[min(rank, len(ordered)) - 1]


def summarise(milliseconds: list[float]) -> dict:
    return {"p50": round(percentile(milliseconds, 0.50), 2), "p95": round(percentile(milliseconds, 0.95), 2),
            "mean": round(statistics.fmean(milliseconds), 2), "max": round(max(milliseconds), 2),
            "n": len(milliseconds)}


def measure_queries(run: Callable[[Query], int], plan: dict) -> dict:
    """Warm up each type with its own queries, then time each measured query once."""
    kinds = {}
    for kind, (warmup, measured) in plan.items():
        for query in warmup:
            run(query)
        times, cpu, totals = [], [], []
        for query in measured:
            started, cpu_started = time.perf_counter(), time.thread_time()
            totals.append(run(query))
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.thread_time() - cpu_started) * 1000)
        # CPU time beside wall time: on a shared machine the wall time also counts waiting for a core
        cpu_figures = summarise(cpu)
        kinds[kind] = {**summarise(times), "cpu_p50": cpu_figures["p50"], "cpu_p95": cpu_figures["p95"],
                       "median_hits": statistics.median(totals), "example": measured[0].q}
    return {"kinds": kinds, **memory()}


def rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def memory() -> dict:
    """Peak resident memory of this process and of the largest child it waited for (MiB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"peak_rss_mb": round(own, 1), "children_peak_rss_mb": round(children, 1),
            "rss_mb": round(rss_mb(), 1)}


def cpu_seconds() -> dict:
    """CPU time (user + system) of this process and of the children it waited for (worker pools,
    index writers): on a shared machine wall time also counts waiting for a core."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"cpu_s": round(own.ru_utime + own.ru_stime, 2),
            "children_cpu_s": round(children.ru_utime + children.ru_stime, 2)}


def cpu_used() -> float:
    """CPU seconds so far of this process and of the children it waited for."""
    figures = cpu_seconds()
    return figures["cpu_s"] + figures["children_cpu_s"]


def directory_bytes(path: Path) -> int:
    return sum(item.stat().st_size for item in Path(path).rglob("*") if item.is_file())
