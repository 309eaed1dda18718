"""What a reader notices about analysis: spellings that must find each other, and some that must not.

Most tests go through a real Whoosh index in a temporary folder, with the three analyzers
the schema uses; the filter tests at the end pin down each filter on its own.
"""
import pickle
import re
import threading

import pytest
from whoosh import index
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import QueryParser

from search_app.text.analyzers import (
    ArabicNormalizeFilter,
    CompoundMergeFilter,
    HyphenSplitFilter,
    LatinFoldFilter,
    Light10StemFilter,
    PossessiveFilter,
    SnowballStemFilter,
    WordTokenizer,
    analyze,
    arabic_analyzer,
    english_analyzer,
    exact_analyzer,
)
from search_app.text.arabic import TOKEN_PATTERN, normalize_arabic
from search_app.text.normalize import normalize_text, normalized_tokens
from search_app.text.stopwords import ARABIC_STOP_WORDS

TOKEN = re.compile(TOKEN_PATTERN)

PROTECTED_EN = frozenset({"Hamas", "Homs", "Tartous"})
PROTECTED_AR = frozenset({"حماة", "لبنان", "النصرة"})

DOCS = {
    "gov-diacritics": "أعلنت الْحُكُومَة السورية",
    "aleppo-tatweel": "قصف على حـــلب",
    "hama-ta-marbuta": "اشتباكات في حماة",
    "idlib-hamza-below": "نزوح من إدلب",
    "year-indic": "في عام ٢٠٢٣",
    "city-prefixed": "دخلوا والمدينة",
    "protection": "طلب الحماية الدولية",
    "conscription": "Young men fled conscription in Daraa",
    "hamas": "Hamas issued a statement",
    "hama-city": "Shelling hit Hama overnight",
    "assad-possessive": "Assad's forces advanced",
    "deir-hyphen": "Fighting in Deir ez-Zor province",
    "ras-spaced": "Turkish strikes near Ras al Ain town",
}


def schema():
    return Schema(
        id=ID(stored=True, unique=True),
        exact=TEXT(analyzer=exact_analyzer()),
        en=TEXT(analyzer=english_analyzer(PROTECTED_EN)),
        ar=TEXT(analyzer=arabic_analyzer(PROTECTED_AR)),
    )


def build_index(folder, docs):
    ix = index.create_in(str(folder), schema())
    with ix.writer() as writer:
        for doc_id, text in docs.items():
            writer.add_document(id=doc_id, exact=text, en=text, ar=text)
    return ix


@pytest.fixture(scope="module")
def ix(tmp_path_factory):
    return build_index(tmp_path_factory.mktemp("index"), DOCS)


def found(ix, field, query):
    with ix.searcher() as searcher:
        parsed = QueryParser(field, ix.schema).parse(query)
        return {hit["id"] for hit in searcher.search(parsed, limit=None)}


# Arabic spelling variation -------------------------------------------------------------

@pytest.mark.parametrize("field", ["exact", "ar"])
def test_query_without_diacritics_finds_vowelled_government(ix, field):
    assert "gov-diacritics" in found(ix, field, "الحكومة")


def test_query_with_diacritics_finds_the_plain_word(ix):
    assert "hama-ta-marbuta" in found(ix, "exact", "حَمَاة")


@pytest.mark.parametrize("field", ["exact", "ar"])
def test_aleppo_written_with_tatweel_is_found(ix, field):
    assert "aleppo-tatweel" in found(ix, field, "حلب")


@pytest.mark.parametrize("field", ["exact", "ar"])
def test_hama_with_final_ha_finds_hama_with_ta_marbuta(ix, field):
    assert "hama-ta-marbuta" in found(ix, field, "حماه")


@pytest.mark.parametrize("spelling", ["أدلب", "إدلب", "ادلب"])
def test_every_alef_spelling_of_idlib_finds_it(ix, spelling):
    assert "idlib-hamza-below" in found(ix, "exact", spelling)


def test_western_digits_find_arabic_indic_year(ix):
    assert "year-indic" in found(ix, "exact", "2023")
    assert "year-indic" in found(ix, "ar", "٢٠٢٣")


def test_stemmed_field_finds_city_with_wa_al_prefix(ix):
    assert "city-prefixed" in found(ix, "ar", "المدينة")
    assert "city-prefixed" not in found(ix, "exact", "المدينة")


def test_protected_hama_does_not_find_protection(ix):
    # Light10 alone makes حماة and حماية both حما.
    assert found(ix, "ar", "حماة") == {"hama-ta-marbuta"}


def test_arabic_stop_word_alone_finds_nothing_in_stemmed_field(ix):
    assert found(ix, "ar", "في") == set()
    assert {"hama-ta-marbuta", "year-indic"} <= found(ix, "exact", "في")


# English ------------------------------------------------------------------------------

@pytest.mark.parametrize("query", ["conscription", "conscripts", "conscripted", "conscript"])
def test_conscription_word_forms_find_each_other(ix, query):
    # Snowball really does reduce all four to "conscript".
    assert "conscription" in found(ix, "en", query)


def test_hamas_does_not_find_hama_and_hama_does_not_find_hamas(ix):
    assert found(ix, "en", "Hamas") == {"hamas"}
    assert found(ix, "en", "Hama") == {"hama-city"}


def test_without_protection_snowball_merges_hamas_and_hama():
    assert analyze(english_analyzer(), "Hamas Hama") == ["hama", "hama"]


def test_possessive_assads_is_found_by_assad(ix):
    assert "assad-possessive" in found(ix, "en", "Assad")


@pytest.mark.parametrize("name", ["Women's Protection Units", "Maher al-Assad's division",
                                  "Deir ez-Zor", "Ma’arrat al-Nu'man", "Ḩimş", "دير الزُّور",
                                  "حـــلب", "عين العرب (كوباني)", "Tell Abyad / تل أبيض"])
def test_exact_tokens_are_the_tokens_name_matching_uses(name):
    # The query layer may turn a gazetteer variant into an exact-field phrase.
    assert analyze(exact_analyzer(), name) == normalized_tokens(name)


def test_english_stop_words_are_dropped_but_us_and_may_are_kept():
    assert analyze(english_analyzer(), "the US in May") == ["us", "may"]


# Hyphenated names ---------------------------------------------------------------------

DEIR_SPELLINGS = ["Deir ez-Zor", "Deir ez Zor", "Deir-ez-Zor", "deir EZ‐zor"]
RAS_SPELLINGS = ["Ras al-Ain", "Ras al Ain", "Ras-al-Ain"]


@pytest.mark.parametrize("make", [exact_analyzer, english_analyzer])
@pytest.mark.parametrize("spellings", [DEIR_SPELLINGS, RAS_SPELLINGS], ids=["deir", "ras"])
def test_hyphen_and_space_spellings_give_one_token_sequence(make, spellings):
    analyzer = make()
    assert len({tuple(analyze(analyzer, s)) for s in spellings}) == 1


@pytest.mark.parametrize("field", ["exact", "en"])
@pytest.mark.parametrize("query", ['"Deir ez Zor"', '"Deir ez-Zor"', '"Deir-ez-Zor"',
                                   '"Deir Ezzor"', "ezzor", '"Ezzor province"', "Deir ez-Zor"])
def test_deir_ez_zor_is_found_however_the_query_spells_it(ix, field, query):
    assert "deir-hyphen" in found(ix, field, query)


@pytest.mark.parametrize("field", ["exact", "en"])
@pytest.mark.parametrize("query", ['"Ras al-Ain"', '"Ras al Ain town"', "Ras-al-Ain"])
def test_ras_al_ain_with_hyphen_finds_spaced_spelling(ix, field, query):
    assert "ras-spaced" in found(ix, field, query)


def test_merged_form_is_indexed_at_first_and_last_part_positions():
    tokens = [(t.text, t.pos) for t in exact_analyzer()("Deir ez-Zor province", positions=True,
                                                           mode="index")]
    assert tokens == [("deir", 0), ("ez", 1), ("zor", 2), ("ezzor", 1), ("ezzor", 2),
                      ("province", 3)]


def test_queries_are_never_merged():
    assert analyze(exact_analyzer(), "ez-Zor", mode="query") == ["ez", "zor"]


def test_number_ranges_are_not_merged():
    assert analyze(exact_analyzer(), "2011-2012", mode="index") == ["2011", "2012"]


# Tokenising ---------------------------------------------------------------------------

def test_diacritics_and_tatweel_never_split_an_arabic_word():
    assert analyze(exact_analyzer(), "مُحَمَّد حـــلب") == ["محمد", "حلب"]


def test_invisible_marks_alone_make_no_token_and_leave_no_gap():
    tokens = [(t.text, t.pos) for t in exact_analyzer()("قتل \u200f ـــ ً 5", positions=True)]
    assert tokens == [("قتل", 0), ("5", 1)]


def test_highlight_offsets_point_at_the_original_text():
    text = "قصف حـــلب و Deir ez-Zor"
    spans = [text[t.startchar:t.endchar] for t in exact_analyzer()(text, chars=True)]
    assert spans == ["قصف", "حـــلب", "و", "Deir", "ez", "Zor"]


def test_apostrophes_join_and_latin_accents_fold():
    assert analyze(exact_analyzer(), "Dar'a Ma’arrat Ḩimş Serêkaniyê") == [
        "dara", "maarrat", "hims", "serekaniye"]


# Mechanisms, without ../shared --------------------------------------------------------

@pytest.mark.parametrize("a, b", [("إدلب", "ادلب"), ("حماة", "حماه"), ("قتلى", "قتلي"),
                                  ("مسؤول", "مسئول"), ("ٱلشام", "الشام"), ("ﺣﻠﺐ", "حلب")])
def test_normalised_spellings_are_one_exact_term(a, b):
    assert analyze(exact_analyzer(), a) == analyze(exact_analyzer(), b)


@pytest.mark.parametrize("a, b", [("والمدينة", "مدينة"), ("مسلحون", "مسلحين"), ("قواتها", "قوات")])
def test_light_stemming_joins_word_forms(a, b):
    assert analyze(arabic_analyzer(), a) == analyze(arabic_analyzer(), b)
    assert analyze(exact_analyzer(), a) != analyze(exact_analyzer(), b)


@pytest.mark.parametrize("a, b", [("سوريا", "سورية"), ("داعش", "تنظيم الدولة الإسلامية")])
def test_aliases_are_left_to_the_alias_tables(a, b):
    assert analyze(arabic_analyzer(), a) != analyze(arabic_analyzer(), b)


@pytest.mark.parametrize("a, b", [("مقاتل", "قتيل"), ("حلب", "حليب"), ("النظام", "منظمة")])
def test_light_stemmer_keeps_root_sharing_words_apart(a, b):
    assert analyze(arabic_analyzer(), a) != analyze(arabic_analyzer(), b)


@pytest.mark.parametrize("name, word", [("حماة", "حماية"), ("لبنان", "لبن"), ("النصرة", "نصر")])
def test_names_light10_would_merge_stay_apart_when_protected(name, word):
    assert analyze(arabic_analyzer(), name) == analyze(arabic_analyzer(), word)
    assert analyze(arabic_analyzer({name}), name) != analyze(arabic_analyzer({name}), word)
    assert analyze(exact_analyzer(), name) != analyze(exact_analyzer(), word)


# Pickling -----------------------------------------------------------------------------

def test_index_reopened_from_disk_analyzes_as_before(tmp_path):
    build_index(tmp_path, {"d1": "Hamas والمدينة Assad's Deir ez-Zor"}).close()
    reopened = index.open_dir(str(tmp_path))
    for field in ("exact", "en", "ar"):
        original = schema()[field].analyzer
        restored = reopened.schema[field].analyzer
        text = "Hamas والمدينة Assad's Deir ez-Zor conscripts"
        assert analyze(restored, text, "index") == analyze(original, text, "index")
    assert found(reopened, "en", "Hamas") == {"d1"}
    assert found(reopened, "en", '"Deir Ezzor"') == {"d1"}
    assert found(reopened, "ar", "مدينة") == {"d1"}
    reopened.close()


@pytest.mark.parametrize("make", [exact_analyzer, english_analyzer, arabic_analyzer])
def test_analyzers_pickle_and_compare_equal(make):
    analyzer = make()
    assert pickle.loads(pickle.dumps(analyzer)) == analyzer


def test_snowball_filter_pickles_without_its_stemmer_or_cache():
    stemmer = SnowballStemFilter(ignore={"hamas"})
    assert stemmer.stem("conscripts") == "conscript"
    state = stemmer.__getstate__()
    assert set(state) == {"language", "ignore", "cachesize"}
    restored = pickle.loads(pickle.dumps(stemmer))
    assert restored.stem("killed") == "kill"
    assert restored.ignore == frozenset({"hamas"})


def test_snowball_filter_stems_from_several_threads():
    stemmer = SnowballStemFilter(cachesize=10)
    words = ["conscripts", "killed", "strikes", "civilians", "refugees"] * 200
    expected = [stemmer.stem_word(w) for w in words]
    results = [None] * 4

    def work(i):
        results[i] = [stemmer.stem(w + "") for w in words]

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [expected] * 4


# Filters on their own -----------------------------------------------------------------

def run(tokenizer_then, text, **kwargs):
    return [t.text for t in tokenizer_then(text, **kwargs)]


def test_arabic_normalize_filter_alone():
    assert run(WordTokenizer() | ArabicNormalizeFilter(), "الْحُكُومَة أدلب ى٢") == [
        "الحكومه", "ادلب", "ي2"]


def test_latin_fold_filter_alone():
    assert run(WordTokenizer() | LatinFoldFilter(), "Ḩimş Dar'a") == ["hims", "dara"]


def test_possessive_filter_alone():
    assert run(WordTokenizer() | PossessiveFilter(), "Assad's Assad’s rebels' it's Sa'ad") == [
        "Assad", "Assad", "rebels", "it", "Sa'ad"]


def test_hyphen_split_filter_renumbers_later_words():
    tokens = (WordTokenizer() | HyphenSplitFilter())("Deir-ez-Zor city", positions=True)
    assert [(t.text, t.pos) for t in tokens] == [("Deir", 0), ("ez", 1), ("Zor", 2), ("city", 3)]


def test_compound_merge_filter_only_at_index_time():
    chain = WordTokenizer() | HyphenSplitFilter() | CompoundMergeFilter()
    assert run(chain, "ez-Zor", mode="index") == ["ez", "Zor", "ezZor", "ezZor"]
    assert run(chain, "ez-Zor", mode="query") == ["ez", "Zor"]


def test_light10_filter_skips_ignored_words():
    chain = WordTokenizer() | Light10StemFilter(ignore={"لبنان"})
    assert run(chain, "لبنان والمدينه") == ["لبنان", "مدين"]


def test_arabic_stop_words_are_stored_normalised():
    assert {w for w in ARABIC_STOP_WORDS if normalize_arabic(w) != w} == set()
    assert 150 <= len(ARABIC_STOP_WORDS) <= 220
    assert {"علي", "الي", "التي", "هءلاء"} <= ARABIC_STOP_WORDS
    assert {"ام", "امام", "خلف"}.isdisjoint(ARABIC_STOP_WORDS)


def test_folding_strips_every_combining_mark_in_unicode():
    import sys
    import unicodedata

    from search_app.text.latin import fold_latin

    marks = [chr(code) for code in range(sys.maxunicode + 1) if unicodedata.combining(chr(code))]
    assert len(marks) > 900
    assert fold_latin("".join("a" + mark for mark in marks)) == "a" * len(marks)
    assert fold_latin("Ḩimş Ḥamāh Dayr az-Zawr Dar'a") == "hims hamah dayr az zawr dara"


@pytest.mark.parametrize("text", [
    "Shelling in Hama\nkilled two", "Hama\n's people", "Hama's\npeople", "Deir ez-\nZor", "x\r\ny",
    "مدينة حماة\nوريفها", "قَ\nصف", "\n\nleading and trailing\n", "Ḩimş\u0301\nDar'a", "one line only",
])
def test_tokens_read_line_by_line_are_the_tokens_of_the_whole_text(text):
    """normalized_tokens works (and caches) a line at a time: nothing may change across a break."""
    whole = TOKEN.findall(normalize_text(text))
    assert normalized_tokens(text) == whole
    assert normalized_tokens(text) == whole  # from the cache, unchanged by the first caller
