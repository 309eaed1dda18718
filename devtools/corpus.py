"""Benchmark corpora: a seeded generator of realistic articles, and the real ones in ``../shared/data``.

The generator writes news-shaped text, not word salad with a flat distribution:

* about two thirds English and one third Arabic (``ARABIC_SHARE``); one Arabic article in ten carries
  an English translation, as translated reporting does;
* words are drawn from a Zipf-shaped vocabulary (exponent ``ZIPF_S``): function words at the head,
  then real conflict and news vocabulary (the project glossary and a list of general news words), then
  a long tail of made-up words, so the term dictionary has the size and skew of real text;
* each article has two topics (glossary concepts) whose words and multi-word terms recur in it, so
  words co-occur the way they do in news ("barrel bombs" with "helicopter", "conscription" with
  "desertion");
* place names come from the package's gazetteer (a governorate weighted by how often it is in the
  news, often a district, sub-district or town inside it, sometimes a second governorate), written
  in their variants and with the words that name them ("the countryside of", "ريف", "بـ");
  actors come from the actor table, Zipf-weighted;
* dates are spread over 2011 to 2026, mostly ISO 8601, some RFC 822 (as feeds give them) and some
  written out in English or Arabic with Levantine month names, so the date parser does its real work;
* 30 sources (20 English, 10 Arabic), Zipf-weighted.

Bodies average about 1.7 KB of UTF-8 (the size of a short news story); ``describe`` reports the
measured sizes with every run.
"""
from __future__ import annotations

import datetime as dt
import itertools
import json
import random
import statistics
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from search_app.enrich.actors import all_actors
from search_app.enrich.matcher import find_mentions
from search_app.enrich.places import all_places
from search_app.text.arabic import has_arabic

GENERATOR_VERSION = 1
ARABIC_SHARE = 1 / 3
TRANSLATED_SHARE = 0.10  # of Arabic articles
ZIPF_S = 1.05
VOCABULARY_SIZE = 25_000  # per language, made-up tail included
FIRST_DAY = dt.date(2011, 1, 1)
LAST_DAY = dt.date(2026, 10, 31)

ENGLISH_FUNCTION_WORDS = """
the of and to in a said on that for was is with by at as from were has have had it its be after
been which are an who they their this but not he also more than two over into about some other
against while since last year week there would could told all one three new no most during
between people them many before under out up including other only so after we can
""".split()

ENGLISH_NEWS_WORDS = """
government forces city area village town region province local residents official officials report
reported reports statement spokesman sources source according monday tuesday wednesday thursday
friday saturday sunday morning evening night day days month months years early late recent
recently national international security military political economic humanitarian united nations
council meeting agreement talks leaders country countries state states group groups members
number numbers least dozens hundreds thousands families children women men civilians homes
houses buildings streets road roads north south east west northern southern eastern western
central near outside inside around across following amid despite without within toward control
situation conditions crisis support aid help need needs continue continued continues began began
announced confirmed denied warned called calls urged says say added according media news
journalists correspondent agency organisation organization committee ministry minister president
authorities leader commander officer officers fighters soldiers troops army police unit units
operation operations campaign attack attacks killed wounded dead injured died death deaths life
lives health hospital school schools water food fuel electricity prices market markets work
workers jobs money cost costs million billion percent half first second third fourth fifth
latest major large small heavy new old young long short high low full free open closed main
""".split()

ARABIC_FUNCTION_WORDS = """
في من على إلى أن عن مع التي الذي قال وقال كما بعد قبل خلال بين هذا هذه ذلك تلك كان كانت وكان
وفي ومن وعلى أو ثم لكن حيث إن أنه أنها قد لم لا ما منذ حتى عند لدى ضد نحو عبر فيه فيها عليه
عليها إليه منه منها له لها بها به وقد وأن وأضاف وأكد وأشار اليوم أمس الذي الذين وذلك أيضا
""".split()

ARABIC_NEWS_WORDS = """
الحكومة القوات المدينة القرية المنطقة البلدة الأهالي السكان مصادر مصدر مسؤول المسؤولين بيان
المتحدث وكالة الأنباء الأمم المتحدة مجلس الأمن الاجتماع الاتفاق المحادثات الدول الدولة
المجموعة العشرات المئات الآلاف العائلات الأطفال النساء الرجال المدنيين المنازل المباني الشوارع
الطريق الطرق شمال جنوب شرق غرب الشمالي الجنوبي الشرقي الغربي الوضع الأوضاع الأزمة الدعم
المساعدات أعلن أعلنت أكد أكدت نفى حذر دعا طالب وسائل الإعلام الصحفيين المراسل المنظمة اللجنة
الوزارة الوزير الرئيس السلطات القائد الضابط المقاتلين الجنود الجيش الشرطة العملية العمليات
الحملة الهجوم هجمات قتلى جرحى القتلى الجرحى مقتل إصابة الصحة المستشفى المدرسة المدارس المياه
الغذاء الوقود الكهرباء الأسعار السوق الأسواق العمل العمال مليون مليار بالمئة الأول الثاني
الثالث الأخيرة الكبيرة الجديدة الجديد العام الشهر الأسبوع الماضي المقبل الجاري يوم أيام شهر
أشهر سنوات صباح مساء ليلة الاثنين الثلاثاء الأربعاء الخميس الجمعة السبت الأحد
""".split()

ENGLISH_SOURCES = """
levant-observer damascus-dispatch euphrates-post orontes-review northern-front-news
aleppo-chronicle homs-herald idlib-monitor desert-line coastal-report middle-east-wire border-watch
crisis-desk field-reports humanitarian-brief regional-times conflict-monitor syria-weekly
frontline-journal global-desk
""".split()
ARABIC_SOURCES = """
al-mirsad sham-news furat-press assi-news halab-today jazira-times hawran-voice qasioun-daily
badia-post sahel-news
""".split()

# How often each governorate is in the news, roughly (SY01 Damascus .. SY14 Quneitra).
GOVERNORATE_WEIGHTS = {"SY01": 10, "SY02": 18, "SY03": 12, "SY04": 8, "SY05": 8, "SY06": 3, "SY07": 16,
                       "SY08": 5, "SY09": 9, "SY10": 2, "SY11": 6, "SY12": 6, "SY13": 4, "SY14": 1}

ENGLISH_PLACE_FORMS = ("in {}", "{} province", "the city of {}", "the countryside of {}", "near {}", "{}",
                       "in {}", "{}")
ARABIC_PLACE_FORMS = ("في {}", "ريف {}", "مدينة {}", "ب{}", "محافظة {}", "{}", "في {}", "{}")
ENGLISH_ACTOR_FORMS = ("{} said", "fighters of the {}", "the {}", "{}", "according to the {}")
ARABIC_ACTOR_FORMS = ("{}", "عناصر {}", "وقالت {}", "{}")

ENGLISH_MONTHS = ("January February March April May June July August September October November "
                  "December").split()
LEVANTINE_MONTHS = ("كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "آب", "أيلول",
                    "تشرين الأول", "تشرين الثاني", "كانون الأول")
WEEKDAYS = "Mon Tue Wed Thu Fri Sat Sun".split()
MONTH_ABBREVIATIONS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def _zipf_cumulative(n: int, s: float = ZIPF_S) -> list[float]:
    return list(itertools.accumulate(1.0 / (rank ** s) for rank in range(1, n + 1)))


def _made_up_words(rng: random.Random, count: int, arabic: bool, taken: set[str]) -> list[str]:
    """Words of no language for the tail of the vocabulary; none of them a place or actor name."""
    if arabic:
        letters = "ابتثجحخدذرزسشصضطظعغقمنهي"
        make = lambda: "".join(rng.choice(letters) for _ in range(rng.randint(4, 7)))  # noqa: E731
    else:
        onsets, vowels, codas = "b c d f g h k l m n p r s t v z br st tr pl".split(), "aeiou", ["", "", "n", "r", "s"]
        make = lambda: "".join(rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas)  # noqa: E731
                               for _ in range(rng.randint(2, 4)))
    words: list[str] = []
    while len(words) < count:
        word = make()
        if word in taken or find_mentions(word, for_query=True):
            continue
        taken.add(word)
        words.append(word)
    return words


@dataclass
class _Language:
    code: str
    vocabulary: list[str]
    cumulative: list[float]
    topics: list[tuple[list[str], list[str]]]  # per concept: single words, multi-word terms
    place_forms: tuple[str, ...]
    actor_forms: tuple[str, ...]
    sources: list[str]
    source_cumulative: list[float]


def _glossary_concepts() -> list[dict]:
    text = files("search_app.reference").joinpath("glossary.json").read_text(encoding="utf-8")
    return json.loads(text)["concepts"]


@lru_cache(maxsize=4)
def _languages(seed: int) -> tuple[_Language, _Language]:
    rng = random.Random(f"vocabulary-{seed}")
    concepts = _glossary_concepts()
    built = []
    for code, function_words, news_words, forms, sources in (
            ("en", ENGLISH_FUNCTION_WORDS, ENGLISH_NEWS_WORDS, (ENGLISH_PLACE_FORMS, ENGLISH_ACTOR_FORMS),
             ENGLISH_SOURCES),
            ("ar", ARABIC_FUNCTION_WORDS, ARABIC_NEWS_WORDS, (ARABIC_PLACE_FORMS, ARABIC_ACTOR_FORMS),
             ARABIC_SOURCES)):
        head = list(dict.fromkeys(function_words))
        glossary_words = [term for concept in concepts for term in concept[code] if " " not in term]
        content = [word for word in dict.fromkeys(news_words + glossary_words) if word not in head]
        rng.shuffle(content)
        vocabulary = head + content
        vocabulary += _made_up_words(rng, VOCABULARY_SIZE - len(vocabulary), code == "ar", set(vocabulary))
        topics = [([t for t in concept[code] if " " not in t], [t for t in concept[code] if " " in t])
                  for concept in concepts]
        built.append(_Language(code, vocabulary, _zipf_cumulative(len(vocabulary)), topics, forms[0],
                               forms[1], sources, _zipf_cumulative(len(sources), 1.0)))
    return built[0], built[1]


@lru_cache(maxsize=1)
def _places():
    by_governorate: dict[str, list] = {}
    governorates = {}
    for entity in all_places():
        if entity.level == "governorate":
            governorates[entity.id] = entity
        elif entity.governorate:
            by_governorate.setdefault(entity.governorate, []).append(entity)
    codes = sorted(GOVERNORATE_WEIGHTS)
    return governorates, by_governorate, codes, list(itertools.accumulate(GOVERNORATE_WEIGHTS[c] for c in codes))


@lru_cache(maxsize=1)
def _actors():
    actors = all_actors()
    return actors, _zipf_cumulative(len(actors), 1.0)


def _name(rng: random.Random, entity, code: str) -> str:
    names = entity.names_ar if code == "ar" else entity.names_en
    return (entity.ar if code == "ar" else entity.en) if rng.random() < 0.7 or not names else rng.choice(names)


class _Writer:
    """Writes one article's text in one language around its topics, places and actors."""

    def __init__(self, rng: random.Random, language: _Language, topics, places, actors):
        self.rng, self.language = rng, language
        self.topics, self.places, self.actors = topics, places, actors

    def _place_phrase(self) -> str:
        entity = self.rng.choice(self.places)
        return self.rng.choice(self.language.place_forms).format(_name(self.rng, entity, self.language.code))

    def _actor_phrase(self) -> str:
        entity = self.rng.choice(self.actors)
        return self.rng.choice(self.language.actor_forms).format(_name(self.rng, entity, self.language.code))

    def _topic_term(self) -> str | None:
        singles, multis = self.language.topics[self.rng.choice(self.topics)]
        pool = multis if multis and self.rng.random() < 0.35 else singles
        return self.rng.choice(pool) if pool else None

    def sentence(self, low: int = 10, high: int = 24) -> str:
        rng, language = self.rng, self.language
        words = rng.choices(language.vocabulary, cum_weights=language.cumulative, k=rng.randint(low, high))
        inserts = []
        if rng.random() < 0.6:
            inserts.append(self._topic_term())
        if rng.random() < 0.35 and self.places:
            inserts.append(self._place_phrase())
        if rng.random() < 0.2 and self.actors:
            inserts.append(self._actor_phrase())
        for phrase in inserts:
            if phrase:
                words.insert(rng.randrange(len(words) + 1), phrase)
        if rng.random() < 0.15:
            words.insert(rng.randrange(len(words) + 1), str(rng.randint(2, 400)))
        for i in range(1, len(words) - 1):
            if rng.random() < 0.06:
                words[i] += "،" if language.code == "ar" else ","
        text = " ".join(words)
        if language.code == "en":
            text = text[0].upper() + text[1:]
        return text + "."

    def title(self) -> str:
        parts = [self.sentence(4, 8).rstrip(".")]
        if self.places:
            parts.append(self._place_phrase())
        text = " ".join(parts)
        return text[0].upper() + text[1:] if self.language.code == "en" else text

    def body(self, target_chars: int) -> str:
        paragraphs, length = [], 0
        while length < target_chars:
            paragraph = " ".join(self.sentence() for _ in range(self.rng.randint(2, 4)))
            paragraphs.append(paragraph)
            length += len(paragraph) + 2
        return "\n\n".join(paragraphs)


def _published(rng: random.Random, lang: str) -> str:
    day = FIRST_DAY + dt.timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days + 1))
    moment = dt.datetime.combine(day, dt.time(rng.randrange(24), rng.randrange(60), rng.randrange(60)))
    roll = rng.random()
    if roll < 0.80:
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    if roll < 0.92:  # RFC 822, as RSS gives it
        return (f"{WEEKDAYS[day.weekday()]}, {day.day:02d} {MONTH_ABBREVIATIONS[day.month - 1]} {day.year} "
                f"{moment:%H:%M:%S} +0000")
    if lang == "ar":
        return f"{day.day} {LEVANTINE_MONTHS[day.month - 1]} {day.year}"
    return f"{ENGLISH_MONTHS[day.month - 1]} {day.day}, {day.year}"


def generate(count: int, seed: int = 42):
    """``count`` raw records (dicts as ingest reads them), the same ones for the same seed."""
    english, arabic = _languages(seed)
    governorates, inside, codes, gov_cumulative = _places()
    actors, actor_cumulative = _actors()
    rng = random.Random(seed)
    for number in range(count):
        language = arabic if rng.random() < ARABIC_SHARE else english
        primary = rng.choices(codes, cum_weights=gov_cumulative)[0]
        places = [governorates[primary]]
        if rng.random() < 0.5 and inside.get(primary):
            places.append(rng.choice(inside[primary]))
        if rng.random() < 0.3:
            places.append(governorates[rng.choices(codes, cum_weights=gov_cumulative)[0]])
        chosen_actors = rng.choices(actors, cum_weights=actor_cumulative, k=rng.randint(0, 3))
        topics = rng.sample(range(len(language.topics)), 2)
        writer = _Writer(rng, language, topics, places, chosen_actors)
        target = rng.randint(700, 1300) if language.code == "ar" else rng.randint(1100, 2300)
        source = rng.choices(language.sources, cum_weights=language.source_cumulative)[0]
        published = _published(rng, language.code)
        record = {"title": writer.title(), "body": writer.body(target), "source": source,
                  "published": published,
                  "url": f"https://www.{source}.example/{published[:4]}/{number:07d}-story"}
        if language.code == "ar" and rng.random() < TRANSLATED_SHARE:
            translator = _Writer(rng, english, topics, places, chosen_actors)
            record["translations"] = [{"lang": "en", "title": translator.title(),
                                       "body": translator.body(rng.randint(1100, 2300)),
                                       "translator": "benchmark"}]
        yield record


def real_records(data_dir: Path):
    """The real English and Arabic articles of ``../shared/data`` (FA-KES, SaudiNewsNet, NTREX docs)."""
    with (data_dir / "fakes" / "articles.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            yield {"id": f"fakes-{row['id']}", "title": row["title"], "body": row["text"],
                   "source": row["source"], "published": row["published"]}
    with (data_dir / "arabic-news" / "articles.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            yield {"id": row["id"], "title": row["title"], "body": row["text"], "source": row["source"],
                   "published": row["published"], "url": row.get("url") or ""}
    with (data_dir / "parallel-ar-en" / "docs.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            yield {"id": f"ntrex-{row['doc_id']}", "title": row["title_en"], "body": row["en"],
                   "source": row["source_site"],
                   "translations": [{"lang": "ar", "title": row["title_ar"], "body": row["ar"],
                                     "translator": "NTREX-128"}]}


def write_jsonl(records, path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    count = 0
    with temporary.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    temporary.replace(path)
    return count


def read_jsonl(path: Path):
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)


def describe(path: Path) -> dict:
    """Sizes of a corpus file: articles, mean title+body characters and UTF-8 bytes, translated share."""
    chars, sizes, arabic, translated, count = [], [], 0, 0, 0
    for record in read_jsonl(path):
        count += 1
        text = record["title"] + "\n" + record["body"]
        for translation in record.get("translations", ()):
            text += "\n" + translation["title"] + "\n" + translation["body"]
            translated += 1
        chars.append(len(text))
        sizes.append(len(text.encode("utf-8")))
        arabic += has_arabic(record["title"][:40])
    return {"articles": count, "mean_chars": round(statistics.fmean(chars)) if chars else 0,
            "mean_bytes": round(statistics.fmean(sizes)) if sizes else 0,
            "arabic_share": round(arabic / count, 3) if count else 0,
            "translated": translated, "total_mb": round(sum(sizes) / 2**20, 1)}
