#!/usr/bin/env python3
"""The three real corpora of ../shared/data as a journalist meets them, in figures.

    python scripts/eval_real_corpora.py [--workdir benchmarks/results/work/real] [--reuse]
        [--out benchmarks/results/real-corpora.json]

Ingests FA-KES (``--preset fakes``), the UCDP events (``--preset ucdp``) and the Arabic news sample
(``--map body=text``) as the README shows, rebuilds the index, then prints: how many source
spellings the records carry against how many outlets the Source facet shows, the items of each
kind, typo correction on misspellings of gazetteer and actor names (``devtools.typos``), and page
timings (``bench_pages``). ``--reuse`` measures an existing work folder again.
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / "scripts"))

from devtools import typos  # noqa: E402
from search_app.enrich.outlets import outlets  # noqa: E402
from search_app.index.build import rebuild  # noqa: E402
from search_app.ingest import ingest_paths  # noqa: E402
from search_app.ingest.columns import parse_column_map  # noqa: E402
from search_app.ingest.presets import PRESETS  # noqa: E402
from search_app.ingest.raw import ReadOptions  # noqa: E402
from search_app.search import SearchEngine, SearchRequest  # noqa: E402
from search_app.settings import Settings  # noqa: E402
from search_app.store import open_store  # noqa: E402
from search_app.web import create_app  # noqa: E402

CORPORA = [("fakes/fakes.csv", ReadOptions(preset=PRESETS["fakes"])),
           ("ucdp-syria/events.jsonl", ReadOptions(preset=PRESETS["ucdp"])),
           ("arabic-news/articles.jsonl", ReadOptions(column_map=parse_column_map(["body=text"])))]


def build(settings: Settings) -> None:
    with open_store(settings) as store:
        for name, options in CORPORA:
            report = ingest_paths(store, [SHARED_DATA / name], settings.quarantine_dir, options=options)
            print(f"{name}: {report.summary()}")
        rebuild(store, settings.index_dir)


def raw_source_spellings() -> int:
    """Distinct source names as the records write them (an event's outlets counted one by one)."""
    names = set()
    with (SHARED_DATA / "fakes" / "fakes.csv").open(encoding="latin-1") as handle:
        names.update(row["source"] for row in csv.DictReader(handle))
    for name, field in (("ucdp-syria/events.jsonl", "source_office"), ("arabic-news/articles.jsonl", "source")):
        with (SHARED_DATA / name).open(encoding="utf-8") as handle:
            for line in handle:
                names.update(part.strip() for part in (json.loads(line).get(field) or "").split(";") if part.strip())
    return len(names)


def facet_figures(settings: Settings) -> dict:
    response = SearchEngine(settings.index_dir).search(SearchRequest(per_page=1))
    sources = response.facets["source"]
    kinds = {value.value: value.count for value in response.facets["kind"]}
    return {"items": response.total, "source_spellings": raw_source_spellings(),
            "source_facet_values": len(sources),
            "known_outlets": sum(1 for value in sources if value.value in outlets()),
            "unknown_sources": sorted(value.value for value in sources if value.value not in outlets()),
            "kinds": kinds, "share_with_kind": round(sum(kinds.values()) / max(response.total, 1), 4)}


def typo_figures(settings: Settings) -> dict:
    """Misspellings made from gazetteer and actor names (and the hand list): corrected or not."""
    engine = SearchEngine(settings.index_dir)
    cases = typos.typo_cases(engine.generation().searcher().reader())
    hand = [(typed, word, {word}) for typed, word in typos.HAND_TYPOS]
    return {"hand_typos": typos.evaluate_typos(engine, hand), "name_typos": typos.evaluate_typos(engine, cases)}


def page_figures(settings: Settings) -> dict:
    import bench_pages

    client = create_app(settings).test_client()
    client.get("/")
    return {kind: bench_pages.measure(client, urls) for kind, urls in bench_pages.page_urls(settings, 200).items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=REPO_ROOT / "benchmarks" / "results" / "work" / "real")
    parser.add_argument("--reuse", action="store_true", help="measure the work folder's store and index again")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "benchmarks" / "results" / "real-corpora.json")
    options = parser.parse_args()
    if not SHARED_DATA.is_dir():
        raise SystemExit(f"no shared corpora at {SHARED_DATA}")
    settings = Settings.from_env({}, data_dir=options.workdir / "data", index_dir=options.workdir / "index")
    if not options.reuse:
        build(settings)
    results = {"facets": facet_figures(settings), "typos": typo_figures(settings), "pages": page_figures(settings)}
    facets = results["facets"]
    print(f"\nitems indexed: {facets['items']}; by kind: {facets['kinds']} (share with a kind {facets['share_with_kind']:.0%})")
    print(f"source spellings in the records: {facets['source_spellings']}; Source facet values: "
          f"{facets['source_facet_values']} ({facets['known_outlets']} registry outlets, "
          f"{len(facets['unknown_sources'])} unknown: {', '.join(facets['unknown_sources'])})")
    for name, part in results["typos"].items():
        print(f"typo correction, {name}: {part['corrected']} of {part['cases']} corrected ({part['hit_rate']:.1%}), "
              f"{part['wrongly_corrected']} to another word, {part['of_which_suggested']} offered as did-you-mean")
    print(f"\n{'page':12} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for kind, row in results["pages"].items():
        print(f"{kind:12} {row['requests']:8} {row['p50_ms']:8} {row['p95_ms']:8} {row['max_ms']:8}")
    options.out.parent.mkdir(parents=True, exist_ok=True)
    options.out.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(f"written to {options.out}")


if __name__ == "__main__":
    main()
