"""The name tables (gazetteer index, country names, glossary trie) read back from the cache
directory find exactly what freshly built ones find; a damaged or unwritable cache only means
building them again."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# What the tables decide: places and actors named in a text, countries, glossary concepts.
PROBE = r"""
from search_app.enrich.matcher import find_mentions
from search_app.text.countries import countries, find_countries
from search_app.text.glossary import find_concepts
from search_app.text.normalize import normalized_tokens
texts = ["Shelling in Hama and Deir ez-Zor", "قصف على حماة وريف إدلب", "Jordanian and Turkish forces",
         "air strikes near al-Bab", "التجنيد الإجباري في سوريا", "Hamas", "barrel bombs on Daraa's countryside",
         "الجيش التركي في عفرين", "Salamiyah district bread prices"]
for text in texts:
    tokens = normalized_tokens(text)
    print([(m.start, m.end, m.entity.id) for m in find_mentions(text, for_query=True)])
    print([(m.start, m.end, m.country.code) for m in find_countries(tokens)])
    print([(m.start, m.end, m.concept.id) for m in find_concepts(tokens)])
print(len(countries()), sorted(countries())[:5])
"""


def _probe(cache_dir: Path) -> str:
    env = dict(os.environ, SEARCH_APP_CACHE_DIR=str(cache_dir), PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", PROBE], env=env, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_tables_read_from_the_cache_find_what_built_ones_find(tmp_path):
    cache = tmp_path / "cache"
    built = _probe(cache)
    stored = sorted(path.name.split("-")[0] for path in cache.glob("*.pickle"))
    assert stored == ["search_app.enrich.names.name_index", "search_app.text.countries.countries",
                      "search_app.text.countries.country_names", "search_app.text.glossary._glossary"]
    assert _probe(cache) == built
    assert "SY07" in built or "SY05" in built  # the probe does find places


def test_a_damaged_or_unwritable_cache_builds_the_tables_again(tmp_path):
    cache = tmp_path / "cache"
    built = _probe(cache)
    for path in cache.glob("*.pickle"):
        path.write_bytes(b"not a pickle")
    assert _probe(cache) == built
    assert _probe(cache) == built  # rewritten whole by the run before
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    assert _probe(blocked / "cache") == built
