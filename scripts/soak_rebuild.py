#!/usr/bin/env python3
"""Soak test: serve under query load while index rebuilds are SIGKILLed at random moments.

    python scripts/soak_rebuild.py [--articles 600] [--kills 10] [--clients 4] [--out soak.json]

Builds a store of generated articles in a temporary directory, indexes part of it, adds the rest,
starts the real web app on localhost (waitress) with client threads querying it, then starts
`search-app index rebuild` in a subprocess and kills it with SIGKILL at a random moment until
``--kills`` kills have landed, and finally lets one rebuild complete. Prints and writes: requests
served, failed requests, kills, whether the live document count ever dropped, the final count
against the store, and the time of the completed rebuild. Exit status 1 when any check fails.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from devtools.soak import soak  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=600)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as work:
        report = soak(Path(work), args.articles, args.kills, args.clients)
    for key, value in report.items():
        print(f"{key:24} {value}")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    ok = (report["failed_requests"] == 0 and report["kills"] >= args.kills and report["final_rebuild_ok"]
          and not report["live_count_dropped"] and report["final_index_documents"] == report["articles"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
