#!/usr/bin/env python3
"""Country names across languages: for each country typed in English (its CLDR English name, as
Babel gives it), how many of the Arabic-only articles of ../shared/data/arabic-news that name it in
Arabic (its CLDR Arabic name, with or without a clitic such as و or ب) the search finds.

    python scripts/eval_countries.py [--shared PATH] [--limit N] [--out FILE]

Builds its own index of the sample in a temporary folder. The ground truth reads Babel directly,
not the search code, so the same script measures the code before and after a change (run it from
each checkout). Prints the countries named by at least one article, the articles found, and totals.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from babel import Locale  # noqa: E402

from search_app.index.build import rebuild  # noqa: E402
from search_app.ingest import ingest_paths  # noqa: E402
from search_app.search import SearchEngine, SearchRequest  # noqa: E402
from search_app.settings import Settings  # noqa: E402
from search_app.store import open_store  # noqa: E402
from search_app.text.normalize import normalized_tokens  # noqa: E402

NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}
CLITICS = ("", "و", "ب", "ل", "ف", "وب", "ول")


def _names_pattern(name: str) -> re.Pattern | None:
    tokens = normalized_tokens(re.sub(r"\s*\(.*?\)", "", name))
    if not tokens:
        return None
    first = tokens[0]
    firsts = {clitic + first for clitic in CLITICS}
    if first.startswith("ال"):  # بالعراق, للعراق
        firsts |= {clitic + first for clitic in ("وال", "بال", "فال")} | {"لل" + first[2:], "ولل" + first[2:]}
    first_alternatives = "|".join(map(re.escape, sorted(firsts)))
    rest = "".join(" " + re.escape(token) for token in tokens[1:])
    return re.compile(rf"(?<!\S)(?:{first_alternatives}){rest}(?!\S)")


def load_articles(shared: Path, limit: int | None) -> list[dict]:
    path = shared / "data" / "arabic-news" / "articles.jsonl"
    with path.open(encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    return records[:limit] if limit else records


def naming_articles(articles: list[dict]) -> dict[str, tuple[str, set[str]]]:
    """Region code -> (English name, ids of the articles whose text names the country in Arabic)."""
    english, arabic = Locale("en").territories, Locale("ar").territories
    texts = {article["id"]: " ".join(normalized_tokens(article["title"] + "\n" + article["text"]))
             for article in articles}
    truth = {}
    for code in english:
        if len(code) != 2 or not code.isalpha() or code in NOT_COUNTRIES or code not in arabic:
            continue
        pattern = _names_pattern(arabic[code])
        if pattern is None:
            continue
        ids = {article_id for article_id, text in texts.items() if pattern.search(text)}
        if ids:
            truth[code] = (english[code], ids)
    return truth


def build_index(articles: list[dict], root: Path) -> Settings:
    path = root / "arabic-news.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for article in articles:
            record = {"id": article["id"], "title": article["title"], "body": article["text"], "lang": "ar",
                      "published": article["published"][:10], "source": article["source"], "url": article["url"]}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    settings = Settings.from_env({}, data_dir=root / "data", index_dir=root / "index")
    with open_store(settings) as store:
        ingest_paths(store, [path], settings.quarantine_dir)
        rebuild(store, settings.index_dir)
    return settings


def found_ids(engine: SearchEngine, query: str) -> set[str]:
    """Every story the query finds (ids of all their grouped copies), whatever the rank."""
    result = engine.search(SearchRequest(q=query, per_page=100, spell=False))
    found, page = set(), 1
    while True:
        found |= {hit.id for hit in result.hits}
        found |= {copy["id"] for hit in result.hits for copy in hit.also_published}
        if page * 100 >= result.total:
            return found
        page += 1
        result = engine.search(SearchRequest(q=query, per_page=100, page=page, spell=False))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=REPO_ROOT.parent / "shared")
    parser.add_argument("--limit", type=int, default=None, help="read only the first N articles")
    parser.add_argument("--out", type=Path, default=None, help="write the figures as JSON")
    args = parser.parse_args()
    if not (args.shared / "data" / "arabic-news" / "articles.jsonl").exists():
        print(f"no arabic-news sample under {args.shared}", file=sys.stderr)
        return 1
    articles = load_articles(args.shared, args.limit)
    truth = naming_articles(articles)
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        engine = SearchEngine(build_index(articles, Path(tmp)).index_dir)
        print(f"indexed {len(articles)} articles in {time.perf_counter() - started:.0f} s")
        rows = []
        for code, (name, ids) in sorted(truth.items(), key=lambda item: -len(item[1][1])):
            found = found_ids(engine, name) & ids
            rows.append({"code": code, "query": name, "naming": len(ids), "found": len(found)})
    reached = sum(row["found"] > 0 for row in rows)
    naming, found = sum(row["naming"] for row in rows), sum(row["found"] for row in rows)
    print(f"{'country':<28}{'naming':>8}{'found':>8}")
    for row in rows:
        print(f"{row['query']:<28}{row['naming']:>8}{row['found']:>8}")
    summary = {"countries": len(rows), "countries_reached": reached, "countries_fully_reached":
               sum(row["found"] == row["naming"] for row in rows), "articles_naming": naming,
               "articles_found": found, "recall": found / naming if naming else None}
    print(json.dumps(summary))
    if args.out:
        args.out.write_text(json.dumps({"summary": summary, "countries": rows}, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
