#!/usr/bin/env python3
"""Print counts for the packaged demo corpus and check it against its brief.

Usage: python scripts/check_demo_corpus.py [PATH_TO_ARTICLES_JSONL]

Counts: total, by language, Arabic originals with/without an English translation,
by year, by date precision, by outlet. When ``../shared/reference`` (relative to the
repository root) exists, it also counts articles per governorate and distinct actors
by plain matching of the gazetteer variants and actor aliases (ambiguous ones are
skipped). The matching here is a rough audit, not the product's matcher.

Exit status is 1 when a requirement of the corpus brief is not met.
"""
from __future__ import annotations

import argparse
import collections
import json
import re
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO_ROOT / "search_app" / "demo" / "articles.jsonl"
REFERENCE_DIR = REPO_ROOT.parent / "shared" / "reference"

YEARS = range(2011, 2027)
MIN_ARTICLES = 180
MIN_PER_YEAR = 5
MIN_PER_GOVERNORATE = 6
MIN_ACTORS = 25
BODY_WORDS = (60, 200)

# Arabic clitics that may be glued to a name: و ب ل ف ك and their pairs.
AR_PREFIX = r"(?<![\u0621-\u064A])(?:[وف]?[بلك]?)"
_AR_MARKS = re.compile("[\u0610-\u061A\u064B-\u065F\u0670\u0640]")
_AR_LETTER = re.compile("[\u0600-\u06FF]")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}:\d{2}Z)?)?)?$")


def strip_marks(text: str) -> str:
    """Remove Arabic diacritics and tatweel so plain variants still match."""
    return _AR_MARKS.sub("", text)


def load(path: Path) -> list[dict]:
    records = []
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if line.strip():
                try:
                    records.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    sys.exit(f"{path}:{number}: invalid JSON: {exc}")
    return records


def full_text(record: dict) -> str:
    parts = [record.get("title", ""), record.get("body", "")]
    for translation in record.get("translations") or []:
        parts += [translation.get("title", ""), translation.get("body", "")]
    return strip_marks("\n".join(parts))


def kind(record: dict) -> str:
    if record["lang"] == "en":
        return "en-only"
    return "ar+en" if record.get("translations") else "ar-only"


def name_pattern(name: str) -> re.Pattern:
    """Whole-word pattern; Arabic names may carry a clitic prefix."""
    name = strip_marks(name)
    if _AR_LETTER.search(name):
        forms = [re.escape(name)]
        if len(name.replace(" ", "")) < 4:  # short names: only و/ب (فرقه is not ف + رقه)
            return re.compile(r"(?<![\u0621-\u064A])(?:وب|[وب])?" + forms[0]
                              + r"(?![\u0621-\u064A])")
        if name.startswith("ال"):
            forms.append("ل" + re.escape(name[1:]))  # ل + الرقة -> للرقة
        return re.compile(AR_PREFIX + "(?:" + "|".join(forms) + r")(?![\u0621-\u064A])")
    flags = 0 if (name.replace(".", "").isupper() and len(name) <= 6) else re.IGNORECASE
    return re.compile(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])", flags)


class Matcher:
    """Longest-name-first matching so 'Rural Damascus' is not also 'Damascus'."""

    def __init__(self, entries: list[tuple[str, str]]):
        # entries: (name, key); longer names win overlapping spans
        seen = {}
        for name, key in entries:
            seen.setdefault(strip_marks(name), key)
        self.patterns = [(name_pattern(n), k) for n, k in sorted(seen.items(), key=lambda x: -len(x[0]))]

    def keys(self, text: str) -> set[str]:
        taken = [False] * len(text)
        found = set()
        for pattern, key in self.patterns:
            for match in pattern.finditer(text):
                start, end = match.span()
                if any(taken[start:end]):
                    continue
                for i in range(start, end):
                    taken[i] = True
                found.add(key)
        return found


def usable(variant: dict, governorate: bool = False) -> bool:
    """Skip ambiguous variants, except governorate names whose only clash is a
    common word (حماة 'protectors'); names that are part of group names (al-Sham)
    stay out."""
    note = variant.get("ambiguous")
    if note is None:
        return True
    return governorate and "group names" not in note


def governorate_matchers(gazetteer: dict) -> tuple[Matcher, Matcher, dict]:
    names = {g["pcode"]: g["en"] for g in gazetteer["governorates"]}
    direct = []
    for gov in gazetteer["governorates"]:
        for variant in gov["variants_en"] + gov["variants_ar"]:
            if usable(variant, governorate=True):
                direct.append((variant["name"], gov["pcode"]))
    towns = list(direct)
    for town in gazetteer["towns"]:
        for variant in town["variants_en"] + town["variants_ar"]:
            if usable(variant):
                towns.append((variant["name"], town["governorate"]))
    return Matcher(direct), Matcher(towns), names


def actor_matcher(actors: dict) -> Matcher:
    entries = []
    for actor in actors["actors"]:
        ambiguous = set(actor.get("ambiguous", []))
        for alias in actor.get("en", []) + actor.get("ar", []):
            if alias not in ambiguous:
                entries.append((alias, actor["id"]))
    return Matcher(entries)


def has_word(text: str, *words: str) -> bool:
    return any(name_pattern(word).search(text) for word in words)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args(argv)
    records = load(args.path)
    problems: list[str] = []

    def require(ok: bool, message: str) -> None:
        print(("  ok   " if ok else "  FAIL ") + message)
        if not ok:
            problems.append(message)

    kinds = collections.Counter(kind(r) for r in records)
    total = len(records)
    print(f"corpus: {args.path}")
    print(f"total: {total}")
    print("by lang:", dict(collections.Counter(r["lang"] for r in records)))
    print("by kind:", {k: f"{v} ({v / total:.0%})" for k, v in sorted(kinds.items())})
    print("with translations:", sum(1 for r in records if r.get("translations")))
    years = collections.Counter(r["published"][:4] for r in records)
    print("by year:", " ".join(f"{y}:{years.get(str(y), 0)}" for y in YEARS))
    precision = collections.Counter({4: "year", 7: "month", 10: "day"}.get(len(r["published"]), "datetime")
                                    for r in records)
    print("date precision:", dict(precision))
    print("outlets:", len({r["source"] for r in records}))
    for source, count in collections.Counter(r["source"] for r in records).most_common():
        print(f"    {count:3d}  {source}")
    word_counts = [len(r["body"].split()) for r in records]
    print(f"body words: min {min(word_counts)}, max {max(word_counts)}, "
          f"mean {sum(word_counts) / total:.0f}")

    print("\nrequirements:")
    require(total >= MIN_ARTICLES, f"at least {MIN_ARTICLES} articles ({total})")
    require(len({r["url"] for r in records}) == total, "every url unique")
    require(len({r["title"] for r in records}) == total, "every title distinct")
    require(all(r["url"].startswith("https://") and ".example/" in r["url"] for r in records),
            "urls on invented .example domains")
    require(all(_DATE.match(r["published"]) for r in records), "published dates well formed")
    require(all(r.get("title") and r.get("body") and r.get("source") for r in records),
            "title, body and source non-empty")
    too_short_or_long = [r["title"] for r in records
                         for body in [r["body"]] + [t["body"] for t in r.get("translations") or []]
                         if not BODY_WORDS[0] <= len(body.split()) <= BODY_WORDS[1]]
    require(not too_short_or_long, f"bodies {BODY_WORDS[0]}-{BODY_WORDS[1]} words {too_short_or_long[:3]}")
    require(all(t.get("lang") == "en" and t.get("translator") for r in records
                for t in r.get("translations") or []), "translations are English with a translator")
    require(all(not r.get("translations") for r in records if r["lang"] == "en"),
            "English originals carry no translation")
    require(0.40 <= kinds["en-only"] / total <= 0.50, "~45% English-only")
    require(0.25 <= kinds["ar+en"] / total <= 0.35, "~30% Arabic with English translation")
    require(0.20 <= kinds["ar-only"] / total <= 0.30, "~25% Arabic-only")
    thin_years = [y for y in YEARS if years.get(str(y), 0) < MIN_PER_YEAR]
    require(not thin_years, f"every year 2011-2026 has >= {MIN_PER_YEAR} articles {thin_years}")

    texts = [full_text(r) for r in records]
    originals = [strip_marks(r["title"] + "\n" + r["body"]) for r in records]

    def conscription_hama(i: int) -> bool:
        r, text = records[i], originals[i]
        if r["lang"] == "en":
            return (has_word(text, "Hama", "Hamah")
                    and all(re.search(w, text, re.I) for w in
                            ("conscription", "conscripts", "reservists", "military service")))
        ar_terms = ("تجنيد", "التجنيد", "الخدمة الإلزامية", "الاحتياط", "خدمة العلم")
        return any(t in text for t in ar_terms)

    en_hama = [i for i, r in enumerate(records) if kind(r) == "en-only" and conscription_hama(i)]
    ar_en_hama = [i for i, r in enumerate(records) if kind(r) == "ar+en" and conscription_hama(i)
                  and has_word(originals[i], "حماة", "حماه")
                  and re.search("conscription", texts[i], re.I) and has_word(texts[i], "Hama")]
    ar_only = [i for i, r in enumerate(records) if kind(r) == "ar-only" and conscription_hama(i)]
    hamah_tajnid = [i for i in ar_only if "حماه" in originals[i] and "تجنيد" in originals[i]]
    hamat_khidma = [i for i in ar_only if "حماة" in originals[i] and "خدمة العلم" in originals[i]]
    hama_town = [i for i in ar_only if "التجنيد" in originals[i]
                 and any(town in originals[i] for town in ("السلمية", "مصياف", "السقيلبية", "محردة"))]
    print(f"\nconscription in Hama: en-only {len(en_hama)}, ar+en {len(ar_en_hama)}, "
          f"ar-only {len(set(hamah_tajnid + hamat_khidma + hama_town))}")
    require(len(en_hama) >= 3, "3+ English-only conscription stories in Hama/Hamah")
    require(len(ar_en_hama) >= 2, "2+ Arabic+translation conscription stories in حماة / Hama")
    require(bool(hamah_tajnid), "Arabic-only story with حماه and تجنيد")
    require(bool(hamat_khidma), "Arabic-only story with حماة and خدمة العلم")
    require(bool(hama_town), "Arabic-only story with a Hama town and التجنيد")
    other_conscription = [i for i, t in enumerate(texts)
                          if re.search(r"conscription|military service|التجنيد|الخدمة الإلزامية", t, re.I)
                          and not has_word(t, "Hama", "Hamah", "حماة", "حماه")]
    require(len(other_conscription) >= 3, f"conscription stories elsewhere ({len(other_conscription)})")
    hama_other = [i for i, t in enumerate(texts) if has_word(t, "Hama", "Hamah", "حماة", "حماه")
                  and not re.search(r"conscription|conscripts|reservists|military service|تجنيد|"
                                    r"الخدمة الإلزامية|الاحتياط|خدمة العلم", t, re.I)]
    require(len(hama_other) >= 3, f"Hama stories on other topics ({len(hama_other)})")
    hamas = [i for i, t in enumerate(texts) if re.search(r"\bHamas\b|حماس", t)
             and not has_word(t, "Hama", "Hamah", "حماة", "حماه")]
    require(len(hamas) >= 3, f"Hamas stories that do not mention Hama ({len(hamas)})")
    himaya = [i for i, t in enumerate(originals) if records[i]["lang"] == "ar" and "حماية" in t
              and not has_word(texts[i], "Hama", "Hamah", "حماة", "حماه")]
    require(bool(himaya), f"Arabic story using حماية, not about Hama ({len(himaya)})")

    if not REFERENCE_DIR.is_dir():
        print(f"\n{REFERENCE_DIR} not found: governorate and actor counts skipped")
    else:
        gazetteer = json.loads((REFERENCE_DIR / "syria-gazetteer.json").read_text(encoding="utf-8"))
        actors = json.loads((REFERENCE_DIR / "actors.json").read_text(encoding="utf-8"))
        direct, rolled, names = governorate_matchers(gazetteer)
        direct_counts, rolled_counts = collections.Counter(), collections.Counter()
        town_only = collections.Counter()
        for text in texts:
            named, via_towns = direct.keys(text), rolled.keys(text)
            direct_counts.update(named)
            rolled_counts.update(via_towns)
            town_only.update(via_towns - named)
        print("\ngovernorates (articles naming it | incl. towns | via a town only):")
        for pcode, name in names.items():
            print(f"    {pcode} {name:15s} {direct_counts[pcode]:3d} | {rolled_counts[pcode]:3d}"
                  f" | {town_only[pcode]:3d}")
        print("\nspellings seen (articles per variant):")
        for gov in gazetteer["governorates"]:
            seen = []
            for variant in gov["variants_en"] + gov["variants_ar"]:
                if usable(variant, governorate=True):
                    pattern = name_pattern(variant["name"])
                    count = sum(1 for text in texts if pattern.search(text))
                    if count:
                        seen.append(f"{variant['name']}:{count}")
            print(f"    {gov['en']:15s} " + ", ".join(seen))
        thin = [names[p] for p in names if direct_counts[p] < MIN_PER_GOVERNORATE]
        require(not thin, f"every governorate named in >= {MIN_PER_GOVERNORATE} articles {thin}")
        require(sum(town_only.values()) >= 10, "10+ articles reach a governorate only through a town")

        matcher = actor_matcher(actors)
        actor_counts = collections.Counter()
        for text in texts:
            actor_counts.update(matcher.keys(text))
        print(f"\nactors: {len(actor_counts)} distinct")
        print("    " + ", ".join(f"{a}:{n}" for a, n in actor_counts.most_common()))
        require(len(actor_counts) >= MIN_ACTORS, f"at least {MIN_ACTORS} distinct actors")

    print("\nall requirements met" if not problems else f"\n{len(problems)} requirement(s) not met")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
