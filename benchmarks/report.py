"""The Markdown table of a benchmark run: ours, FTS5 and the ratio, per row and corpus.

    python -m benchmarks.report RUN.json               # one run
    python -m benchmarks.report BEFORE.json AFTER.json # before/after, per corpus both have
"""
from __future__ import annotations

import json
import sys
from pathlib import Path


def _cell(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and value.is_integer() and abs(value) >= 100:
        return f"{int(value):,}"
    return f"{value:,}" if isinstance(value, int) else f"{value:,.2f}" if abs(value) < 10 else f"{value:,.1f}"


def _ratio(row: dict) -> str:
    return "–" if row["ratio"] is None else f"{row['ratio']:.2f}×"


def markdown(report: dict) -> str:
    corpora = report["corpora"]
    if not corpora:
        return "(no corpora)"
    environment = report["environment"]
    lines = [f"Run {environment['when']} at {environment['commit']}{' (dirty)' if environment['dirty'] else ''}; "
             f"Python {environment['python']}, SQLite {environment['sqlite']}, Whoosh-Reloaded "
             f"{environment['whoosh']}, {environment['cpus']} CPUs.", ""]
    for entry in corpora:
        described = entry["corpus"]
        lines.append(f"{entry['name']}: {described['articles']:,} articles, mean {described['mean_chars']:,} "
                     f"characters ({described['mean_bytes']:,} bytes UTF-8) of title and text, "
                     f"{described['arabic_share']:.0%} Arabic, {described['translated']:,} translations.")
    lines.append("")
    header = "| measure | " + " | ".join(f"{e['name']} ours | FTS5 | ratio" for e in corpora) + " |"
    lines += [header, "|---" * (1 + 3 * len(corpora)) + "|"]
    for label in corpora[0]["summary"]:
        cells = []
        for entry in corpora:
            row = entry["summary"].get(label)
            cells += [_cell(row["ours"]), _cell(row["fts5"]), _ratio(row)] if row else ["–"] * 3
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines += ["", "Ratio = ours / FTS5: above 1 is slower (latency, size, memory) or faster (rates)."]
    return "\n".join(lines)


def comparison(before: dict, after: dict) -> str:
    """Per corpus both runs have: our figure before and after, FTS5's (after run) and both ratios
    (each run's ratio is against the FTS5 figure of that same run)."""
    lines = []
    for entry in after["corpora"]:
        earlier = next((e for e in before["corpora"] if e["name"] == entry["name"]), None)
        if earlier is None:
            continue
        lines += [f"### {entry['name']}", "",
                  "| measure | before | after | FTS5 | ratio before | ratio after |", "|---|---|---|---|---|---|"]
        for label, row in entry["summary"].items():
            old = earlier["summary"].get(label, {"ours": None, "ratio": None})
            lines.append(f"| {label} | {_cell(old['ours'])} | {_cell(row['ours'])} | {_cell(row['fts5'])} | "
                         f"{_ratio(old)} | {_ratio(row)} |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    runs = [json.loads(Path(path).read_text()) for path in sys.argv[1:3]]
    print(markdown(runs[0]) if len(runs) == 1 else comparison(*runs))
