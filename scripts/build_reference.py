#!/usr/bin/env python3
"""Build the place and actor data the package ships, from the shared reference folder.

    python scripts/build_reference.py [REFERENCE_DIR]

REFERENCE_DIR defaults to ../shared/reference (relative to the repository root) and must hold
syria-gazetteer.json, syria-communities.json and actors.json. The outputs are
search_app/reference/places.json and search_app/reference/actors.json: facts only (codes, parent
links, levels, labels, variant names with their ambiguity notes, coordinates), no prose.

What goes in, and why:
* governorates, districts and sub-districts (OCHA COD-AB p-codes), the hand-curated towns and the
  hand-added regions (with their related p-codes) of the gazetteer;
* the 13 governorate capitals (OCHA communities with CAPIT_LVL 1) as towns where the gazetteer has
  none yet, so that "the city of Aleppo" can be told from "Aleppo province". A capital's names are
  its governorate's names minus the ones that say "governorate"/"province"/"محافظة";
* not the other ~5,200 communities: most share their names with common words or with each other.

A few spellings common in wire copy are added (EXTRA_VARIANTS), and a few names the gazetteer
does not flag are flagged here (EXTRA_AMBIGUOUS): each was found in
non-Syria Saudi news articles (the SaudiNewsNet distractors in ../shared/data/arabic-news) as an
ordinary word or personal name, or is an English personal name.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from search_app.text.arabic import has_arabic  # noqa: E402
from search_app.text.normalize import normalize_text  # noqa: E402

DEFAULT_REFERENCE_DIR = REPO_ROOT.parent / "shared" / "reference"
OUTPUT_DIR = REPO_ROOT / "search_app" / "reference"

EXTRA_AMBIGUOUS = {
    "كريمة": "common adjective/female name 'generous' (Kareemeh)",
    "انخل": "common word form (Inkhil); seen in non-Syria news",
    "العريقة": "common adjective 'ancient, long-established' (Ariqa)",
    "اليرموك": "also Yarmouk University and river (Jordan), sports clubs",
    "الضمير": "common word 'conscience' (Dhameer)",
    "الحاجب": "common word 'chamberlain/eyebrow' (Hajeb)",
    "ربيعة": "common personal and tribal name (Rabee'a)",
    "هنادي": "female personal name (Hanadi)",
    "الزهراء": "epithet of Fatima; common name (Al-Zahraa)",
    "المليحة": "common adjective 'pretty' (Maliha)",
    "صدد": "common word (بصدد 'about to, regarding') (Sadad)",
    "سوسة": "also Sousse (Tunisia); common word 'weevil' (Susat)",
    "شقا": "common word 'misery' (Shaqa)",
    "الراعي": "common word 'shepherd, sponsor' (Ar-Ra'ee)",
    "مهين": "common adjective 'humiliating' (Mhin)",
    "السفيرة": "common word 'the (woman) ambassador' (As-Safira)",
    "بنان": "common word 'fingertips'; ل + لبنان (Banan)",
    "بصرى": "common word 'visual, my sight' when written بصري (Busra)",
    "الحديدة": "also Hodeidah (Yemen) (Hadideh)",
    "تبني": "common word 'adoption, adopt' (Tabni)",
    "كسبه": "common word 'his earnings' (Kisbeh)",
    "دانا": "female personal name (Dana)",
    "ديريك": "also the English personal name Derek (Derik)",
    "Derek": "English personal name (Derik)",
    "Rai": "also RAI (Italian broadcaster); surname",
    "Marie": "personal name (Marea)",
    "Zahra": "personal name (Al-Zahraa)",
    "Raju": "personal name (Raju)",
}
# Spellings common in wire copy that the gazetteer lacks (AFP writes Raqa, Deir Ezzor, Gouta).
EXTRA_VARIANTS = {
    "SY11": ["Raqa"],
    "raqqa-city": ["Raqa"],
    "SY09": ["Deir Ezour", "Deir ez-Zour"],
    "deir-ez-zor-city": ["Deir Ezour", "Deir ez-Zour"],
    "ghouta": ["Gouta", "Ghoutta"],
    "east-ghouta": ["Eastern Gouta", "East Gouta", "Eastern Ghoutta"],
    "SY030301": ["Jayrud", "Jairoud"],
    "SY080201": ["Tel Hamis", "Tal Hamis", "Tell Hamis"],
    "SY020203": ["Al-Rai", "Al-Ra'i", "Rai"],
}
ADMINISTRATIVE_WORDS = {"governorate", "province", "محافظه"}


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", normalize_text(name)).strip("-")


def unique(names):
    seen, out = set(), []
    for name in names:
        if name not in seen:
            seen.add(name)
            out.append(name)
    return out


def variant_fields(entry: dict, extra_names: tuple[list, list] = ([], [])) -> dict:
    """names_en, names_ar and {name: reason} for the names that need context."""
    added = EXTRA_VARIANTS.get(entry.get("id") or entry.get("pcode"), [])
    extra_names = (
        extra_names[0] + [{"name": n, "source": "added"} for n in added if not has_arabic(n)],
        extra_names[1] + [{"name": n, "source": "added"} for n in added if has_arabic(n)],
    )
    variants = entry.get("variants_en", []) + entry.get("variants_ar", []) + extra_names[0] + extra_names[1]
    # A flag holds for every spelling that normalises alike (الراعي and الراعى are one name).
    reasons = {normalize_text(name): reason for name, reason in EXTRA_AMBIGUOUS.items()}
    reasons.update({normalize_text(v["name"]): v["ambiguous"] for v in variants if v.get("ambiguous")})
    ambiguous = {}
    for variant in variants:
        reason = reasons.get(normalize_text(variant["name"]))
        if reason:
            ambiguous.setdefault(variant["name"], reason)
    fields = {
        "names_en": unique(v["name"] for v in entry.get("variants_en", []) + extra_names[0]),
        "names_ar": unique(v["name"] for v in entry.get("variants_ar", []) + extra_names[1]),
    }
    if ambiguous:
        fields["ambiguous"] = ambiguous
    return fields


def coordinates(entry: dict) -> dict:
    return {"lat": entry["lat"], "lon": entry["lon"]} if entry.get("lat") is not None else {}


def place(level, id_, entry, *, parent=None, governorate=None, district=None, extra=None, names=None):
    record = {"id": id_, "level": level}
    if entry.get("pcode"):
        record["pcode"] = entry["pcode"]
    record.update(en=entry["en"], ar=entry["ar"], parent=parent, governorate=governorate, district=district)
    record.update(coordinates(entry))
    record.update(extra or {})
    record.update(names or variant_fields(entry))
    return record


def capital_names(governorate: dict) -> tuple[list, list]:
    keep = [
        [v for v in governorate[key] if not (set(normalize_text(v["name"]).split()) & ADMINISTRATIVE_WORDS)]
        for key in ("variants_en", "variants_ar")
    ]
    capital = governorate["capital"]
    en = [{"name": capital["en"], "source": "ocha"}] + keep[0]
    ar = [{"name": capital["ar"], "source": "ocha"}] + keep[1]
    return en, ar


def build_places(gazetteer: dict, communities: dict) -> list[dict]:
    district_parent = {d["pcode"]: d["parent"] for d in gazetteer["districts"]}
    community_by_pcode = {c["pcode"]: c for c in communities["communities"]}
    town_pcodes = {t["pcode"] for t in gazetteer["towns"]}
    places = []
    for gov in sorted(gazetteer["governorates"], key=lambda g: g["pcode"]):
        extra = {"capital": gov["capital"]["pcode"]} if gov.get("capital") else {}
        places.append(place("governorate", gov["pcode"], gov, governorate=gov["pcode"], extra=extra))
    for dist in sorted(gazetteer["districts"], key=lambda d: d["pcode"]):
        places.append(place("district", dist["pcode"], dist, parent=dist["parent"],
                            governorate=dist["parent"], district=dist["pcode"]))
    for sub in sorted(gazetteer["subdistricts"], key=lambda s: s["pcode"]):
        places.append(place("subdistrict", sub["pcode"], sub, parent=sub["parent"],
                            governorate=district_parent[sub["parent"]], district=sub["parent"]))
    for town in gazetteer["towns"]:
        places.append(place("town", town["id"], town, parent=town["parent"],
                            governorate=town["governorate"], district=town["district"]))
    for gov in sorted(gazetteer["governorates"], key=lambda g: g["pcode"]):
        capital = gov.get("capital")
        if not capital or capital["pcode"] in town_pcodes:
            continue
        community = community_by_pcode[capital["pcode"]]
        entry = {"pcode": capital["pcode"], "en": f"{capital['en']} (city)", "ar": capital["ar"],
                 "lat": community["lat"], "lon": community["lon"]}
        extra_en, extra_ar = capital_names(gov)
        town_id = f"{slug(capital['en'])}-city"
        names = variant_fields({"id": town_id}, (extra_en, extra_ar))
        places.append(place("town", town_id, entry, parent=community["parent"],
                            governorate=community["governorate"], district=community["district"],
                            extra={"capital_of": gov["pcode"]}, names=names))
    for region in gazetteer["regions"]:
        extra = {"related_pcodes": region["related_pcodes"]}
        if region.get("verify"):
            extra["verify"] = True
        places.append(place("region", region["id"], region, extra=extra))
    return places


def build_actors(actors: dict) -> list[dict]:
    out = []
    for actor in actors["actors"]:
        record = {"id": actor["id"], "type": actor["type"], "en": actor["en"][0], "ar": actor["ar"][0],
                  "names_en": unique(actor["en"]), "names_ar": unique(actor["ar"])}
        for key in ("part_of", "ambiguous", "verify"):
            if actor.get(key):
                record[key] = actor[key]
        out.append(record)
    return out


def write_json(path: Path, payload: dict) -> None:
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    # One record per line keeps diffs of the shipped data readable.
    text = text.replace('},{"id"', '},\n{"id"')
    path.write_text(text + "\n", encoding="utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reference_dir", nargs="?", type=Path, default=DEFAULT_REFERENCE_DIR,
                        help="folder with syria-gazetteer.json, syria-communities.json, actors.json")
    args = parser.parse_args(argv)
    ref = args.reference_dir
    gazetteer = json.loads((ref / "syria-gazetteer.json").read_text(encoding="utf-8"))
    communities = json.loads((ref / "syria-communities.json").read_text(encoding="utf-8"))
    actors = json.loads((ref / "actors.json").read_text(encoding="utf-8"))
    known = {record["id"] for record in build_places(gazetteer, communities)}
    unknown = set(EXTRA_VARIANTS) - known
    if unknown:
        raise SystemExit(f"EXTRA_VARIANTS names unknown places: {sorted(unknown)}")
    meta = {"built_by": "scripts/build_reference.py", "see": "ATTRIBUTION.md"}
    places = build_places(gazetteer, communities)
    write_json(OUTPUT_DIR / "places.json", {"_meta": dict(meta, source=gazetteer["_meta"]["description"]),
                                            "places": places})
    actor_records = build_actors(actors)
    write_json(OUTPUT_DIR / "actors.json", {"_meta": dict(meta, source="hand-compiled actor alias table"),
                                            "actors": actor_records})
    levels = {}
    for record in places:
        levels[record["level"]] = levels.get(record["level"], 0) + 1
    print(f"places.json: {len(places)} places {levels}; actors.json: {len(actor_records)} actors")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
