"""Hostile input at ingest: good records with one bad record of each kind among them, in several
files of one run; reports records tried, rejected and lost (good records that did not go in).

    python scripts/hostile_ingest.py [--good 5000]

Works in a temporary folder; prints a table and exits 1 if any good record was lost or any bad
record got in.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from search_app.ingest import ingest_paths
from search_app.settings import Settings
from search_app.store import open_store

BAD_RECORDS = {
    "lone surrogate": '{"title":"bad \\ud800 title","body":"x"}',
    "5,000-digit integer": '{"title":"n","body":"x","n":' + "9" * 5000 + "}",
    "100,000-deep nesting": '{"x":' + "[" * 100000 + "]" * 100000 + "}",
    "duplicate translation language": json.dumps({"title": "t", "body": "b", "translations": [
        {"lang": "ar", "title": "a", "body": "b"}, {"lang": "ar", "title": "c", "body": "d"}]}),
    "id with a path": json.dumps({"id": "../../../../etc/passwd", "title": "t", "body": "b"}),
    "id over 64 characters": json.dumps({"id": "x" * 65, "title": "t", "body": "b"}),
    "markup as lang": json.dumps({"lang": 'xx" onmouseover=alert(1)', "title": "t", "body": "b"}),
    "NULs only": json.dumps({"title": "\x00\x00\x00", "body": "\x00"}),
    "year 9999": json.dumps({"title": "t", "body": "b", "published": "9999"}),
    "11 MB of Arabic (5.5M characters)": json.dumps({"title": "t", "body": "ب" * (5_500_000)},
                                                    ensure_ascii=False),
}


def good_record(number: int) -> str:
    return json.dumps({"url": f"https://wire.example/{number}", "source": "Wire", "title": f"Story {number}",
                       "body": f"Story {number}: shelling near Hama, residents said.", "published": "2020-05-03"})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--good", type=int, default=5000, help="good records in each file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        settings = Settings.from_env({}, data_dir=root / "data", index_dir=root / "index")
        paths, good = [], 0
        for number, bad in enumerate(BAD_RECORDS.values()):
            lines = [good_record(number * args.good + n) for n in range(args.good)]
            lines.insert(args.good // 2, bad)
            path = root / f"q{number}" / "feed.jsonl"  # same names: quarantine files must not collide
            path.parent.mkdir()
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            paths.append(path)
            good += args.good
        with open_store(settings) as store:
            report = ingest_paths(store, paths, settings.quarantine_dir)
            stored = store.count()
        quarantined = sum(len(path.read_text(encoding="utf-8", errors="surrogateescape").splitlines())
                          for path in settings.quarantine_dir.glob("*.rejected.jsonl"))
    tried = good + len(BAD_RECORDS)
    lost = good - stored
    print(f"{'records tried':28} {tried}")
    print(f"{'bad records':28} {len(BAD_RECORDS)}")
    print(f"{'rejected':28} {len(report.rejections)}")
    print(f"{'quarantined (lines)':28} {quarantined}")
    print(f"{'good records stored':28} {stored} of {good}")
    print(f"{'lost':28} {lost}")
    print(f"{'files unreadable':28} {len(report.unreadable)}")
    for rejection in report.rejections:
        print(f"  {Path(rejection.path).parent.name}:{rejection.position}: {rejection.reason[:90]}")
    return 0 if lost == 0 and len(report.rejections) == len(BAD_RECORDS) == quarantined else 1


if __name__ == "__main__":
    sys.exit(main())
