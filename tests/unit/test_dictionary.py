"""The dictd reader and lookup, on a tiny dictionary written here in dictd's format (words of our own,
none of FreeDict's)."""
from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from search_app.settings import Settings
from search_app.text.dictionary import (BilingualDictionary, compile_dictionary, decode_number, find_dictionary_files,
                                        open_dictionary, parse_entry, read_dictd)
from search_app.text.normalize import normalized_tokens

_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

ENGLISH_ENTRIES = [
    ("00databaseshort", "00-database-short\n     A tiny test dictionary\n"),
    ("kettle", "Kettle /kˈɛtəl/\nالإبريق\n"),
    ("kettles", "Kettles /kˈɛtəlz/\n1. الأباريق\n2. الغلايات\n"),
    ("kettledrum", "Kettledrum /kˈɛtəldɹʌm/\nالطبل النحاسي - آلة إيقاع كبيرة\n"),
    ("olive oil", "Olive oil /ˈɒlɪv ˈɔɪl/\nزيت الزيتون\n"),
    ("oil", "Oil /ˈɔɪl/\nالنّفط، الزّيت\n"),
    ("lantern", "Lantern /lˈantən/\nالفانوس (مصباح يحمل باليد)\n"),
    ("the", "The /ðə/\nال\n"),
    ("ramble", "Ramble /ɹˈambəl/\nنزهة طويلة جدا في الريف بلا هدف واضح\n"),
]
ARABIC_ENTRIES = [
    ("الفانوس", "الفانوس /alfaːnuːs/\n1. Lantern\n2. Lamp\n"),
    ("فانوس", "فانوس /faːnuːs/\nLanternfish\n"),
]


def _number(value: int) -> str:
    digits = ""
    while True:
        digits = _DIGITS[value % 64] + digits
        value //= 64
        if not value:
            return digits


def write_dictd(folder: Path, name: str, entries, compressed: bool = True, extra_index: str = "") -> None:
    data, lines = b"", []
    for headword, text in entries:
        encoded = text.encode("utf-8")
        lines.append(f"{headword}\t{_number(len(data))}\t{_number(len(encoded))}")
        data += encoded
    (folder / f"{name}.index").write_text("\n".join(sorted(lines)) + "\n" + extra_index, encoding="utf-8")
    if compressed:
        (folder / f"{name}.dict.dz").write_bytes(gzip.compress(data))
    else:
        (folder / f"{name}.dict").write_bytes(data)


@pytest.fixture()
def folder(tmp_path) -> Path:
    write_dictd(tmp_path, "freedict-eng-ara", ENGLISH_ENTRIES, extra_index="damaged\t?!\tB\n")
    write_dictd(tmp_path, "freedict-ara-eng", ARABIC_ENTRIES, compressed=False)
    return tmp_path


def test_index_numbers_are_base64_digits_most_significant_first():
    assert [decode_number(d) for d in ("A", "B", "/", "BA", "Bq4z")] == [0, 1, 63, 64, 1 * 64**3 + 42 * 64**2 + 56 * 64 + 51]


def test_an_entry_is_its_headword_line_then_one_sense_a_line():
    entry = parse_entry("Kettles /kˈɛtəlz/\n1. الأباريق\n2. الغلايات\n")
    assert entry.headwords == ("Kettles",) and entry.translations == ("الأباريق", "الغلايات")


def test_commas_split_senses_and_glosses_brackets_and_diacritics_go():
    assert parse_entry("Oil /ˈɔɪl/\nالنّفط، الزّيت\n").translations == ("النفط", "الزيت")
    assert parse_entry("Kettledrum /x/\nالطبل النحاسي - آلة إيقاع كبيرة\n").translations == ("الطبل النحاسي",)
    assert parse_entry("Lantern /x/\nالفانوس (مصباح يحمل باليد)\n").translations == ("الفانوس",)
    assert parse_entry("الومّاض، المتعرّي /x/\nFlasher\n").headwords == ("الوماض", "المتعري")


def test_descriptions_longer_than_a_few_words_are_not_translations():
    assert parse_entry("Ramble /x/\nنزهة طويلة جدا في الريف بلا هدف واضح\n") is None
    assert parse_entry("Lonely headword /x/\n") is None


def test_the_reader_skips_the_dictionarys_own_description_and_damaged_index_lines(folder):
    entries = list(read_dictd(folder / "freedict-eng-ara.index", folder / "freedict-eng-ara.dict.dz"))
    assert {entry.headwords[0] for entry in entries} == {"Kettle", "Kettles", "Kettledrum", "Olive oil", "Oil",
                                                         "Lantern", "The"}  # Ramble only describes
    plain = list(read_dictd(folder / "freedict-ara-eng.index", folder / "freedict-ara-eng.dict"))
    assert [entry.translations for entry in plain] == [("Lantern", "Lamp"), ("Lanternfish",)]


def test_a_word_finds_its_own_entry_first_then_those_sharing_its_stem(folder):
    dictionary = open_dictionary(folder)
    assert dictionary.translations("kettles") == ("الأباريق", "الغلايات", "الإبريق")
    assert dictionary.translations("Kettle")[0] == "الإبريق"
    # فانوس: its own (odd) entry first, then the commoner الفانوس that shares its stem
    assert dictionary.translations("فانوس") == ("Lanternfish", "Lantern", "Lamp")
    assert dictionary.translations("kettledrums") == ("الطبل النحاسي",)
    assert dictionary.translations("teapot") == ()


def test_multi_word_entries_are_matched_before_single_words(folder):
    tokens = normalized_tokens("olive oil and the kettle")
    matches = BilingualDictionary(folder, find_dictionary_files(folder)).find(tokens)
    assert [(tokens[m.start:m.end], m.translations) for m in matches] == [
        (["olive", "oil"], ("زيت الزيتون",)), (["kettle"], ("الإبريق", "الأباريق", "الغلايات"))]  # "the" is a stop word
    taken = [False, True, False, False, False]  # "oil" already a glossary word: olive alone has no entry
    found = BilingualDictionary(folder, find_dictionary_files(folder)).find(tokens, taken)
    assert [(m.start, m.end) for m in found] == [(4, 5)]


def test_the_setting_finds_names_or_turns_off_the_dictionary(folder, tmp_path_factory):
    assert Settings.from_env({"SEARCH_APP_DICTIONARY_DIR": str(folder)}).dictionary_dir == folder.resolve()
    assert open_dictionary(Settings.from_env({"SEARCH_APP_DICTIONARY_DIR": "off"}).dictionary_dir) is None
    empty = tmp_path_factory.mktemp("no-dictionary")
    with pytest.raises(ValueError, match="SEARCH_APP_DICTIONARY_DIR.*holds no freedict-eng-ara"):
        Settings.from_env({"SEARCH_APP_DICTIONARY_DIR": str(empty)})
    assert open_dictionary(empty) is None
    assert open_dictionary(folder).names == ["freedict-eng-ara", "freedict-ara-eng"]


def _compiled_files(cache: Path) -> list[str]:
    return sorted(path.name for path in cache.iterdir()) if cache.exists() else []


def test_the_compiled_file_answers_as_the_dictd_files_do(folder, tmp_path):
    cache = tmp_path / "data" / "cache"
    path = compile_dictionary(folder, cache)
    assert _compiled_files(cache) == [path.name] and path.name.startswith("dictionary-")
    files = find_dictionary_files(folder)
    compiled, read = BilingualDictionary(folder, files, cache), BilingualDictionary(folder, files)
    tokens = normalized_tokens("olive oil and the kettles فانوس")
    assert compiled.find(tokens) == read.find(tokens) and len(compiled.find(tokens)) == 3
    for word in ("kettles", "Kettle", "kettledrums", "فانوس", "الفانوس", "teapot", "olive oil"):
        assert compiled.translations(word) == read.translations(word), word
    assert compiled.headwords() == read.headwords() == {"freedict-eng-ara": 7, "freedict-ara-eng": 2}
    assert compiled.compiled == path and read.compiled is None  # each answered from where it says


def test_a_changed_dictionary_compiles_a_new_file_in_place_of_the_old(folder, tmp_path):
    cache = tmp_path / "cache"
    old = compile_dictionary(folder, cache)
    assert compile_dictionary(folder, cache) == old  # compiled already: left as it is
    write_dictd(folder, "freedict-eng-ara", ENGLISH_ENTRIES + [("teapot", "Teapot /x/\nإبريق الشاي\n")])
    new = compile_dictionary(folder, cache)  # an upgraded dictionary package
    assert new != old and _compiled_files(cache) == [new.name]
    files = find_dictionary_files(folder)
    assert BilingualDictionary(folder, files, cache).translations("teapots") == ("إبريق الشاي",)


def test_a_searching_process_compiles_it_when_it_can_and_reads_the_files_when_it_cannot(folder, tmp_path):
    files = find_dictionary_files(folder)
    nowhere = tmp_path / "no-data-folder" / "cache"  # the data folder is the operator's to create
    assert BilingualDictionary(folder, files, nowhere).translations("kettle") == ("الإبريق", "الأباريق", "الغلايات")
    assert not nowhere.parent.exists()
    write_dictd(folder, "freedict-ara-eng", ARABIC_ENTRIES + [("مصباح", "مصباح /x/\nLamp\n")])  # not read yet
    data = tmp_path / "data"
    data.mkdir()
    first = BilingualDictionary(folder, find_dictionary_files(folder), data / "cache")
    assert first.translations("مصباح") == ("Lamp",) and first.compiled is None
    assert len(_compiled_files(data / "cache")) == 1 and not list((data / "cache").glob(".*"))
    later = BilingualDictionary(folder, find_dictionary_files(folder), data / "cache")
    assert later.translations("مصباح") == ("Lamp",) and later.compiled is not None


def test_a_damaged_compiled_file_is_read_around_not_trusted(folder, tmp_path):
    cache = tmp_path / "cache"
    path = compile_dictionary(folder, cache)
    path.write_bytes(b"not a database" * 100)
    dictionary = BilingualDictionary(folder, find_dictionary_files(folder), cache)
    assert dictionary.translations("kettles") == ("الأباريق", "الغلايات", "الإبريق")
    assert dictionary.compiled is None
