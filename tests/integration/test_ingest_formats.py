"""Ingesting real-world material: CSV with a column map or a preset, RSS/Atom feeds (files and URLs),
saved HTML pages, whole directories, and the bad input a newsroom's drop folder really gets."""
from __future__ import annotations

import csv
import http.server
import json
import threading
import time
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner

from search_app.cli import main
from search_app.ingest.columns import parse_column_map
from search_app.ingest.presets import PRESETS
from search_app.ingest.raw import ReadOptions, SourceError, records_with_constants
from search_app.ingest.readers import reader_for
from search_app.ingest.records import RecordError, build_article
from search_app.ingest.sources import expand_sources
from search_app.ingest.urls import canonical_url
from search_app.settings import Settings
from search_app.store import open_store

SHARED_DIR = Path(__file__).resolve().parents[3] / "shared"
FAKES_CSV = SHARED_DIR / "data" / "fakes" / "fakes.csv"

FAKES_HEADER = ["unit_id", "article_title", "article_content", "source", "date", "location", "actor",
                "cause_of_death", "nb_children", "nb_civilians", "nb_noncivilians", "nb_women", "label"]

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
  <title>Levant Wire</title><link>https://levant-wire.example/</link><language>en</language>
  <item>
    <title>Shelling hits market in Idlib</title>
    <link>https://Levant-Wire.example/news/idlib-market/?utm_source=rss&amp;utm_medium=feed</link>
    <description>&lt;p&gt;Shelling hit a &lt;b&gt;crowded market&lt;/b&gt; in Idlib city.&lt;/p&gt;&lt;p&gt;Rescuers said
      at least nine people were killed.&lt;/p&gt;</description>
    <pubDate>Sun, 03 May 2020 10:15:00 +0300</pubDate>
  </item>
  <item>
    <title>Water returns to Raqqa neighbourhoods</title>
    <link>https://levant-wire.example/news/raqqa-water</link>
    <description>Water supply resumed in three neighbourhoods of Raqqa.</description>
    <pubDate>Mon, 04 May 2020 08:00:00 GMT</pubDate>
  </item>
  <item>
    <title>Title only, no text</title>
    <link>https://levant-wire.example/news/empty</link>
  </item>
</channel></rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="ar">
  <title>شبكة الشام</title>
  <link href="https://sham.example/"/>
  <updated>2021-01-10T12:00:00Z</updated>
  <id>urn:uuid:feed</id>
  <entry>
    <title>حملة تجنيد في ريف حماة</title>
    <link href="https://sham.example/a/1"/>
    <id>urn:uuid:1</id>
    <updated>2021-01-10T09:30:00Z</updated>
    <content type="html">&lt;p&gt;أعلنت السلطات عن حملة تجنيد جديدة في ريف حماة.&lt;/p&gt;</content>
  </entry>
</feed>
"""

ARTICLE_PAGE = """<!doctype html><html lang="en"><head>
<meta charset="utf-8"><title>Bakery reopens in Hama | Test Wire</title>
<link rel="canonical" href="https://Test-Wire.example/news/bakery-hama/?fbclid=abc#top">
<meta property="og:url" content="https://test-wire.example/og-address">
<meta property="og:site_name" content="Test Wire">
<meta property="article:published_time" content="2020-05-03T10:00:00Z">
</head><body><nav><a href="/">Home</a> | <a href="/syria">Syria</a></nav>
<article><h1>Bakery reopens in Hama</h1>
<p>A bakery reopened in Hama city on Sunday after months of closure, residents said, as flour
deliveries resumed across the governorate.</p>
<p>The owner said the queue stretched around the block before dawn, and that bread prices had fallen
by a third since the spring.</p>
<p>Local officials said two more bakeries in the countryside would reopen next week if fuel holds.</p>
</article><footer>Copyright Test Wire</footer></body></html>
"""

MENU_PAGE = """<!doctype html><html><head><title>Index</title></head>
<body><nav><a href="/">Home</a> <a href="/about">About</a></nav></body></html>"""


def _settings(root: Path) -> Settings:
    return Settings.from_env({}, data_dir=root / "data", index_dir=root / "index")


def _read(path: Path, options: ReadOptions = ReadOptions()) -> list:
    return list(reader_for(path)(path, options))


def _write_csv(path: Path, header: list[str], rows: list[list[str]], **kwargs) -> Path:
    with path.open("w", encoding=kwargs.pop("encoding", "utf-8"), newline="") as handle:
        writer = csv.writer(handle, **kwargs)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _ingest(tmp_path: Path, paths: list, **options):
    from search_app.ingest import ingest_paths

    settings = _settings(tmp_path)
    dry_run = options.pop("dry_run", False)
    with open_store(settings) as store:
        report = ingest_paths(store, paths, settings.quarantine_dir, dry_run=dry_run,
                              options=ReadOptions(**options))
        articles = {article.title: article for article in store.iter_articles()}
    return report, articles


@pytest.fixture
def cli_env(tmp_path, monkeypatch):
    monkeypatch.setenv("SEARCH_APP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SEARCH_APP_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("SEARCH_APP_FETCH_PRIVATE_ADDRESSES", "1")  # the test feed site is on 127.0.0.1
    return CliRunner()


# --- CSV ---------------------------------------------------------------------------------------------

def _headline_csv(tmp_path: Path) -> Path:
    return _write_csv(tmp_path / "wire.csv", ["headline", "text", "date", "link", "outlet"], [
        ["Bakery reopens in Hama", "A bakery reopened in Hama city on Sunday.", "2020-05-03",
         "https://example.org/a?utm_campaign=x", "Test Wire"],
        ["Flood in Deir ez-Zor", "Heavy rain flooded homes.\nRoads were cut for two days.", "2021-02-01",
         "https://example.org/b", "Test Wire"],
        ["Water cuts in Raqqa", "Water was cut in Raqqa for a week.", "March 2016", "", "Test Wire"],
    ])


def test_csv_column_map_fills_the_article_fields_and_positions_are_first_lines(tmp_path):
    column_map = parse_column_map(["title=headline,body=text", "published=date,url=link,source=outlet"])
    records = _read(_headline_csv(tmp_path), ReadOptions(column_map=column_map))
    assert [record.error for record in records] == [None, None, None]
    assert [record.position for record in records] == [2, 3, 5]  # row 2 spans lines 3 and 4
    assert records[1].data == {"title": "Flood in Deir ez-Zor", "body": "Heavy rain flooded homes.\nRoads were "
                               "cut for two days.", "published": "2021-02-01", "url": "https://example.org/b",
                               "source": "Test Wire"}
    assert "url" not in records[2].data  # an empty cell is a missing value, not ""


def test_csv_map_naming_a_missing_column_is_one_clear_error_for_the_file(tmp_path, cli_env):
    source = _headline_csv(tmp_path)
    with pytest.raises(SourceError, match=r"no column 'body_text' \(for body\).*'headline', 'text'"):
        _read(source, ReadOptions(column_map=parse_column_map(["title=headline,body=body_text"])))
    result = cli_env.invoke(main, ["ingest", "--map", "title=headline,body=body_text", str(source)])
    assert result.exit_code == 1
    assert "no column 'body_text' (for body)" in result.output and "Traceback" not in result.output


def test_csv_without_a_map_names_the_columns_it_needs(tmp_path):
    with pytest.raises(SourceError, match=r"no title or body column; .*e.g. --map title=headline,body=text"):
        _read(_headline_csv(tmp_path))


def test_bad_map_option_is_a_usage_error(tmp_path, cli_env):
    result = cli_env.invoke(main, ["ingest", "--map", "headline", str(_headline_csv(tmp_path))])
    assert result.exit_code == 2 and "write FIELD=COLUMN" in result.output
    result = cli_env.invoke(main, ["ingest", "--map", "heading=headline", str(_headline_csv(tmp_path))])
    assert result.exit_code == 2 and "'heading' is not an article field" in result.output


def test_csv_row_with_the_wrong_number_of_fields_is_rejected_with_its_line(tmp_path):
    source = tmp_path / "ragged.csv"
    source.write_text('title,body,published\n'
                      'Good one,"Text, with a comma",2020-01-01\n'
                      'Too few,fields\n'
                      'Too,many,fields,here\n'
                      'Also good,Fine text,2020-01-02\n', encoding="utf-8")
    records = _read(source)
    assert [(r.position, r.error) for r in records] == [
        (2, None), (3, "expected 3 fields, got 2"), (4, "expected 3 fields, got 4"), (5, None)]


def test_delimiter_is_sniffed_and_a_byte_order_mark_is_ignored(tmp_path):
    semicolons = tmp_path / "excel.csv"
    semicolons.write_bytes("\ufefftitle;body\nقصف في حلب;نص الخبر عن حلب\n".encode("utf-8"))
    tabs = _write_csv(tmp_path / "export.tsv", ["Title", "Body"], [["Tabbed", "Text, with commas"]],
                      delimiter="\t")
    assert _read(semicolons)[0].data == {"title": "قصف في حلب", "body": "نص الخبر عن حلب"}
    assert _read(tabs)[0].data == {"title": "Tabbed", "body": "Text, with commas"}


def _fakes_like_csv(path: Path) -> Path:
    """Five rows shaped like FA-KES fakes.csv: CRLF, M/D/YY dates, and a stray 0x95 byte (latin-1)."""
    rows = [
        ["1914947530", "Syria attack symptoms consistent with nerve agent use WHO",
         'Victims of a suspected chemical attack in Idlib showed symptoms of a nerve agent. "Some cases '
         'appear to show additional signs" WHO said.', "reuters", "4/5/17", "idlib",
         "syrian government or russian troops", "chemical and toxic gases", "0", "70", "0", "0", "1"],
        ["1914947531", "Air strikes kill 39 \x95_ monitor | Jordan Times",
         "Air strikes killed 39 people in Aleppo the monitor said.", "jordantimes", "12/11/16", "aleppo",
         "unknown", "shelling", "3", "39", "0", "5", "0"],
        ["1914947532", "Car bomb in Azaz", "A car bomb exploded in Azaz near the Turkish border.",
         "dailysabah", "1/7/17", "aleppo", "unknown", "explosion", "0", "14", "0", "2", "1"],
        ["1914947533", "Shelling on Douma", "Shelling on Douma in eastern Ghouta killed civilians.",
         "sana", "2/20/18", "damascus", "armed opposition groups", "shelling", "1", "6", "0", "1", "0"],
        ["1914947534", "Clashes near Raqqa", "Clashes continued north of Raqqa city.", "etilaf",
         "6/1/17", "raqqa", "self administration forces", "shooting", "0", "0", "12", "0", "1"],
    ]
    return _write_csv(path, FAKES_HEADER, rows, encoding="latin-1", lineterminator="\r\n")


def test_fakes_preset_reads_the_fakes_columns_dates_and_encoding(tmp_path):
    records = _read(_fakes_like_csv(tmp_path / "fakes.csv"), ReadOptions(preset=PRESETS["fakes"]))
    assert [record.error for record in records] == [None] * 5
    first, second = records[0].data, records[1].data
    assert first["title"] == "Syria attack symptoms consistent with nerve agent use WHO"
    assert first["published"] == "2017-04-05" and first["source"] == "reuters" and first["lang"] == "en"
    assert second["published"] == "2016-12-11" and "\x95_" in second["title"]
    assert [record.position for record in records] == [2, 3, 4, 5, 6]


def test_fakes_preset_end_to_end_stores_every_row(tmp_path):
    report, articles = _ingest(tmp_path, [_fakes_like_csv(tmp_path / "fakes.csv")], preset=PRESETS["fakes"])
    assert report.accepted == 5 and not report.rejections
    assert articles["Car bomb in Azaz"].published.startswith("2017-01-07")
    assert articles["Car bomb in Azaz"].lang == "en"


def test_preset_date_that_cannot_be_read_rejects_only_that_row(tmp_path):
    source = _write_csv(tmp_path / "fakes.csv", FAKES_HEADER, [
        ["1", "Good row", "Text about Homs.", "sana", "3/1/16"] + [""] * 8,
        ["2", "Bad date", "Text about Hama.", "sana", "31/31/16"] + [""] * 8])
    records = _read(source, ReadOptions(preset=PRESETS["fakes"]))
    assert records[0].error is None
    assert records[1].error == "bad date '31/31/16' (expected month/day/year, e.g. 4/5/17)"


def test_ucdp_preset_maps_jsonl_events_with_their_own_ids(tmp_path):
    source = tmp_path / "events.jsonl"
    event = {"id": 214797, "date_start": "2016-01-01", "side_a": "Government of Syria",
             "dyad_name": "Government of Syria - Syrian insurgents", "adm_1": "Homs Governorate",
             "adm_2": "Ar Rastan district", "where_coordinates": "Teir Maaleh village",
             "source_headline": "14 shells hit Dahya al-Assad", "source_office": "SOHR"}
    source.write_text(json.dumps(event) + "\n" + json.dumps({**event, "id": 214798}) + "\n", encoding="utf-8")
    records = _read(source, ReadOptions(preset=PRESETS["ucdp"]))
    assert [record.data["id"] for record in records] == ["ucdp-214797", "ucdp-214798"]
    data = records[0].data
    assert data["title"] == "Shelling in Teir Maaleh, Homs — no deaths reported" and data["published"] == "2016-01-01"
    assert "Teir Maaleh village, Ar Rastan district, Homs Governorate" in data["body"]
    assert data["kind"] == "event"


def test_an_ucdp_event_reads_as_an_event_not_a_pile_of_headlines(tmp_path):
    """Title from type, place and deaths; the body lists sides, places and each headline on its own
    line; several reports by one outlet are one source."""
    event = {"id": 301, "date_start": "2018-03-02", "date_end": "2018-03-03", "type_of_violence": 1,
             "dyad_name": "Government of Syria - Syrian insurgents", "adm_1": "Idlib Governorate",
             "adm_2": "Ariha district", "where_coordinates": "Ariha town", "best": 12, "deaths_civilians": 9,
             "source_headline": "Warplanes strike Ariha;Death toll rises in Ariha;Ariha market hit",
             "source_office": "SOHR;SOHR;Airwars"}
    source = tmp_path / "events.jsonl"
    source.write_text(json.dumps(event) + "\n", encoding="utf-8")
    data = _read(source, ReadOptions(preset=PRESETS["ucdp"]))[0].data
    assert data["title"] == "Airstrike in Ariha, Idlib — 12 killed"
    assert data["source"] == "SOHR; Airwars"
    lines = data["body"].splitlines()
    assert "Sides: Government of Syria - Syrian insurgents" in lines
    assert "Location: Ariha town, Ariha district, Idlib Governorate" in lines
    assert "Deaths: 12 (9 civilians)" in lines and "Date: 2018-03-02 to 2018-03-03" in lines
    assert lines[-3:] == ["Warplanes strike Ariha", "Death toll rises in Ariha", "Ariha market hit"]
    article = build_article(data)
    assert article.kind == "event" and article.governorates == ("SY07",)
    assert "sohr" not in article.actors  # the outlet reported it; it is not a side


def test_an_event_is_placed_where_ucdp_placed_it_not_where_its_headlines_point(tmp_path):
    event = {"id": 302, "date_start": "2016-01-01", "type_of_violence": 1, "best": 2,
             "dyad_name": "Government of Syria - Syrian insurgents", "adm_1": "Idlib Governorate",
             "adm_2": "Ariha district", "where_coordinates": "Ein Laroz town",
             "source_headline": "Bombardment targets Idlib and Hama; clashes in Daraa", "source_office": "SOHR"}
    source = tmp_path / "events.jsonl"
    source.write_text(json.dumps(event) + "\n", encoding="utf-8")
    options = ReadOptions(preset=PRESETS["ucdp"])
    (record,) = records_with_constants(_read(source, options), options)
    article = build_article(record.data)
    assert article.governorates == ("SY07",)  # not Hama or Daraa, which the report also named
    assert "Bombardment targets Idlib and Hama" in article.body


def test_ntrex_preset_stores_the_english_original_with_its_arabic_translation(tmp_path):
    """A newstest document: the headline line is the title, not the start of the body; the Arabic
    reference is a translation the article page shows beside the original."""
    doc = {"doc_id": "rt.1", "source_site": "rt", "title_en": "Bakery reopens in Hama",
           "title_ar": "مخبز يعيد فتح أبوابه في حماة",
           "en": "Bakery reopens in Hama\nA bakery reopened on Sunday.\nQueues formed early.",
           "ar": "مخبز يعيد فتح أبوابه في حماة\nأعاد مخبز فتح أبوابه يوم الأحد."}
    source = tmp_path / "docs.jsonl"
    source.write_text(json.dumps(doc, ensure_ascii=False) + "\n", encoding="utf-8")
    report, articles = _ingest(tmp_path, [source], preset=PRESETS["ntrex"])
    assert report.accepted == 1 and not report.rejections
    article = articles["Bakery reopens in Hama"]
    assert article.id == "ntrex-rt.1" and article.lang == "en" and article.source == "RT"  # not "Rt"
    assert article.body == "A bakery reopened on Sunday.\nQueues formed early."
    [arabic] = article.translations
    assert (arabic.lang, arabic.title, arabic.body) == ("ar", doc["title_ar"], "أعاد مخبز فتح أبوابه يوم الأحد.")
    assert "SY05" in article.governorates


@pytest.mark.shared_data
@pytest.mark.slow  # ingests and indexes 123 documents
def test_ntrex_documents_are_found_by_a_word_of_their_arabic_translation(tmp_path, cli_env, shared_dir):
    """The whole parallel corpus through the command line: 123 documents, and an Arabic query finds
    the English story whose translation holds the word."""
    docs = shared_dir / "data" / "parallel-ar-en" / "docs.jsonl"
    result = cli_env.invoke(main, ["ingest", "--preset", "ntrex", str(docs)])
    assert result.exit_code == 0, result.output
    assert cli_env.invoke(main, ["index", "rebuild"]).exit_code == 0
    found = cli_env.invoke(main, ["search", "ويلز"])
    assert found.exit_code == 0 and "Welsh AMs worried about 'looking like muppets'" in found.output


def test_kind_comes_from_the_record_or_the_command_line(tmp_path):
    source = tmp_path / "mixed.jsonl"
    source.write_text(json.dumps({"title": "Annual report", "body": "Text.", "kind": "report"}) + "\n"
                      + json.dumps({"title": "A story", "body": "Text."}) + "\n"
                      + json.dumps({"title": "Odd", "body": "Text.", "kind": "rumour"}) + "\n", encoding="utf-8")
    report, story, odd = records_with_constants(_read(source, ReadOptions(kind="event")), ReadOptions(kind="event"))
    assert build_article(report.data).kind == "report" and build_article(story.data).kind == "event"
    with pytest.raises(RecordError, match="kind must be one of article, event, report"):
        build_article(odd.data)
    assert build_article(_read(source)[1].data).kind == "article"


def test_jsonl_accepts_a_map_and_keeps_fields_already_named_right(tmp_path):
    source = tmp_path / "snn.jsonl"
    source.write_text(json.dumps({"id": "snn-1", "title": "عنوان", "text": "نص الخبر", "source": "okaz"},
                                 ensure_ascii=False) + "\n"
                      + json.dumps({"id": "snn-2", "title": "بلا نص"}, ensure_ascii=False) + "\n",
                      encoding="utf-8")
    first, second = _read(source, ReadOptions(column_map=parse_column_map(["body=text"])))
    assert first.data == {"id": "snn-1", "title": "عنوان", "body": "نص الخبر", "source": "okaz"}
    assert second.error == "no key 'text' (for body)"
    unmapped = _read(source)[0]
    assert unmapped.error == "missing body; to read this file use --map body=text"


def test_csv_quarantine_keeps_the_header_so_the_file_can_be_fixed_and_ingested_again(tmp_path):
    source = tmp_path / "ragged.csv"
    source.write_text("title,body\nGood,Text about Idlib\nBad row\n", encoding="utf-8")
    report, _ = _ingest(tmp_path, [source])
    (quarantined,) = report.quarantine_files
    assert quarantined.suffix == ".csv"
    assert quarantined.read_text(encoding="utf-8") == "title,body\nBad row\n"


def test_reingesting_a_csv_changes_nothing(tmp_path):
    column_map = parse_column_map(["title=headline,body=text,published=date,url=link,source=outlet"])
    source = _headline_csv(tmp_path)
    _ingest(tmp_path, [source], column_map=column_map)
    report, articles = _ingest(tmp_path, [source], column_map=column_map)
    assert report.outcomes["unchanged"] == 3 and len(articles) == 3


# --- feeds -------------------------------------------------------------------------------------------

def test_rss_entries_become_articles_with_plain_text_dates_and_the_feed_as_source(tmp_path):
    source = tmp_path / "wire.rss"
    source.write_text(RSS, encoding="utf-8")
    first, second, third = _read(source)
    assert first.data["title"] == "Shelling hits market in Idlib"
    assert first.data["body"] == ("Shelling hit a crowded market in Idlib city.\n\n"
                                  "Rescuers said at least nine people were killed.")
    assert first.data["published"] == "2020-05-03T07:15:00+00:00"
    assert first.data["source"] == "Levant Wire"
    assert first.data["url"].startswith("https://Levant-Wire.example/news/idlib-market/")
    assert second.data["body"] == "Water supply resumed in three neighbourhoods of Raqqa."
    assert "body" not in third.data and third.position == 3
    assert json.loads(first.raw) == first.data  # quarantined entries can be fixed and ingested as JSONL


def test_atom_entries_use_content_and_updated(tmp_path):
    source = tmp_path / "sham.atom"
    source.write_text(ATOM, encoding="utf-8")
    (entry,) = _read(source)
    assert entry.data == {"title": "حملة تجنيد في ريف حماة", "body": "أعلنت السلطات عن حملة تجنيد جديدة في ريف حماة.",
                          "url": "https://sham.example/a/1", "published": "2021-01-10T09:30:00+00:00",
                          "source": "شبكة الشام"}


def test_feed_articles_are_stored_under_their_canonical_url(tmp_path):
    source = tmp_path / "wire.xml"
    source.write_text(RSS, encoding="utf-8")
    report, articles = _ingest(tmp_path, [source])
    assert report.accepted == 2 and [r.reason for r in report.rejections] == ["missing body"]
    assert articles["Shelling hits market in Idlib"].url == "https://levant-wire.example/news/idlib-market"
    assert report.quarantine_files[0].suffix == ".jsonl"


def test_html_saved_as_a_feed_is_one_clear_error(tmp_path, cli_env):
    source = tmp_path / "feed.xml"
    source.write_text(ARTICLE_PAGE, encoding="utf-8")
    with pytest.raises(SourceError, match="not an RSS or Atom feed: it is an HTML page"):
        _read(source)
    result = cli_env.invoke(main, ["ingest", str(source)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.count("not an RSS or Atom feed") == 1


def test_xml_that_is_not_a_feed_is_one_clear_error(tmp_path):
    source = tmp_path / "sitemap.xml"
    source.write_text('<?xml version="1.0"?><urlset><url><loc>https://a.example/</loc></url></urlset>')
    with pytest.raises(SourceError, match="not an RSS or Atom feed"):
        _read(source)


@pytest.fixture
def feed_server():
    """A feed site on 127.0.0.1: /feed.xml is RSS, /page is an HTML page, /gone is a 404, /drip
    sends a feed a byte every 0.2 s, /to-file and /to-ftp redirect away from the web."""
    routes = {"/feed.xml": (RSS.encode(), "application/rss+xml"),
              "/page": (ARTICLE_PAGE.encode(), "text/html; charset=utf-8")}
    redirects = {"/to-file": "file:///etc/passwd", "/to-ftp": "ftp://127.0.0.1/feed.xml",
                 "/to-feed": "/feed.xml"}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path in redirects:
                self.send_response(302)
                self.send_header("Location", redirects[self.path])
                self.end_headers()
                return
            if self.path == "/drip":
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.end_headers()
                for byte in RSS.encode()[:150]:  # 30 s at most, if nobody hangs up
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(0.2)
                return
            if self.path not in routes:
                self.send_error(404, "Not Found")
                return
            body, content_type = routes[self.path]
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_feed_url_on_the_command_line(feed_server, cli_env):
    result = cli_env.invoke(main, ["ingest", "--dry-run", f"{feed_server}/feed.xml"])
    assert result.exit_code == 3, result.output  # read, with a record rejected
    assert "dry run: 2 valid, 1 rejected" in result.output
    assert f"{feed_server}/feed.xml:3: missing body" in result.output


def test_feed_url_that_serves_html_or_fails_is_one_clear_error(feed_server, cli_env):
    result = cli_env.invoke(main, ["ingest", f"{feed_server}/page", f"{feed_server}/gone"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"error: {feed_server}/page: not an RSS or Atom feed: it is an HTML page" in result.output
    assert f"error: {feed_server}/gone: the server answered 404" in result.output


def test_a_feed_that_drips_bytes_is_given_up_at_the_deadline(feed_server, cli_env, monkeypatch):
    monkeypatch.setenv("SEARCH_APP_FETCH_SECONDS", "1")  # each read comes within the 30 s read timeout
    result = cli_env.invoke(main, ["ingest", f"{feed_server}/drip", f"{feed_server}/feed.xml"])
    assert f"error: {feed_server}/drip: gave up after 1 s" in result.output
    assert "2 accepted" in result.output and "Traceback" not in result.output


def test_feed_redirects_are_followed_to_web_addresses_only(feed_server, cli_env):
    result = cli_env.invoke(main, ["ingest", f"{feed_server}/to-file", f"{feed_server}/to-ftp",
                                   f"{feed_server}/to-feed"])
    assert (f"error: {feed_server}/to-file: the feed redirects to 'file:///etc/passwd': only http(s) "
            "addresses are followed") in result.output
    assert f"error: {feed_server}/to-ftp: the feed redirects to 'ftp://" in result.output
    assert "2 accepted" in result.output  # the redirect to the feed itself is followed


def test_loopback_and_private_feed_addresses_are_refused_unless_allowed(feed_server, cli_env, monkeypatch):
    monkeypatch.delenv("SEARCH_APP_FETCH_PRIVATE_ADDRESSES")
    port = feed_server.rsplit(":", 1)[1]
    result = cli_env.invoke(main, ["ingest", f"{feed_server}/feed.xml", f"http://localhost:{port}/feed.xml"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert (f"error: {feed_server}/feed.xml: refused: 127.0.0.1 is at 127.0.0.1, a loopback, private or "
            "link-local address (set SEARCH_APP_FETCH_PRIVATE_ADDRESSES=1 to allow)") in result.output
    assert f"error: http://localhost:{port}/feed.xml: refused: " in result.output


def test_a_feed_over_the_size_cap_is_refused(feed_server):
    from search_app.ingest.fetch import FetchLimits, fetch

    with pytest.raises(SourceError, match="feed larger than"):
        fetch(f"{feed_server}/feed.xml", FetchLimits(max_bytes=100, private_addresses=True))


# --- HTML pages --------------------------------------------------------------------------------------

def test_saved_html_page_gives_main_text_title_date_and_canonical_link(tmp_path):
    source = tmp_path / "bakery.html"
    source.write_text(ARTICLE_PAGE, encoding="utf-8")
    (record,) = _read(source)
    assert record.error is None
    data = record.data
    assert data["title"] == "Bakery reopens in Hama"
    assert data["body"].startswith("A bakery reopened in Hama city on Sunday")
    assert "Copyright" not in data["body"] and "Home" not in data["body"]
    assert data["url"] == "https://Test-Wire.example/news/bakery-hama/?fbclid=abc#top"
    assert data["published"] == "2020-05-03" and data["source"] == "Test Wire"
    assert canonical_url(data["url"]) == "https://test-wire.example/news/bakery-hama"


def test_html_page_without_main_text_is_rejected_with_a_reason(tmp_path):
    source = tmp_path / "index.htm"
    source.write_text(MENU_PAGE, encoding="utf-8")
    (record,) = _read(source)
    assert record.data is None and record.error.startswith("no main text found in the page")


# --- directories -------------------------------------------------------------------------------------

def _drop_folder(root: Path) -> Path:
    drop = root / "drop"
    (drop / "2020" / "may").mkdir(parents=True)
    (drop / ".cache").mkdir()
    (drop / "a.jsonl").write_text(json.dumps({"title": "From JSONL", "body": "Text about Homs."}) + "\n")
    (drop / "2020" / "b.csv").write_text("title,body\nFrom CSV,Text about Daraa.\n")
    (drop / "2020" / "may" / "c.xml").write_text(RSS, encoding="utf-8")
    (drop / "2020" / "may" / "d.html").write_text(ARTICLE_PAGE, encoding="utf-8")
    (drop / "notes.txt").write_text("not an article")
    (drop / "scan.pdf").write_bytes(b"%PDF-1.4")
    (drop / ".hidden.jsonl").write_text("{broken")
    (drop / ".cache" / "e.jsonl").write_text("{broken")
    return drop


def test_directory_is_read_recursively_by_extension_skipping_hidden_and_unknown_files(tmp_path):
    drop = _drop_folder(tmp_path)
    sources = expand_sources([drop])
    assert [path.relative_to(drop).as_posix() for path in sources.items] == [
        "a.jsonl", "2020/b.csv", "2020/may/c.xml", "2020/may/d.html"]
    assert sorted(path.name for path in sources.skipped) == ["notes.txt", "scan.pdf"]


def test_directory_ingest_end_to_end(tmp_path, cli_env):
    drop = _drop_folder(tmp_path)
    result = cli_env.invoke(main, ["ingest", str(drop)])
    assert result.exit_code == 3, result.output  # read, with a record rejected
    assert "5 accepted" in result.output and "1 rejected" in result.output  # the RSS entry with no text
    assert result.output.count("skipped 2 file(s) of unsupported type") == 1
    assert "Traceback" not in result.output


def test_dry_run_works_for_every_format(tmp_path, cli_env):
    drop = _drop_folder(tmp_path)
    result = cli_env.invoke(main, ["ingest", "--dry-run", str(drop)])
    assert "dry run: 5 valid, 1 rejected, nothing written" in result.output
    with open_store(_settings(tmp_path)) as store:
        assert store.count() == 0
    assert not (tmp_path / "data" / "quarantine").exists()


# --- canonical URLs ----------------------------------------------------------------------------------

@pytest.mark.parametrize("url, canonical", [
    ("https://example.org/a", "https://example.org/a"),
    ("HTTPS://Example.ORG/News/Story", "https://example.org/News/Story"),
    ("https://example.org/a/", "https://example.org/a"),
    ("https://example.org/", "https://example.org"),
    ("https://example.org/a#comments", "https://example.org/a"),
    ("https://example.org:443/a", "https://example.org/a"),
    ("http://example.org:80/a", "http://example.org/a"),
    ("http://example.org:8080/a", "http://example.org:8080/a"),
    ("https://example.org/a?utm_source=tw&utm_medium=social&id=7", "https://example.org/a?id=7"),
    ("https://example.org/a?fbclid=x&gclid=y&mc_cid=1&mc_eid=2&ref=home&igshid=z", "https://example.org/a"),
    ("https://example.org/a?b=2&a=1&a=0", "https://example.org/a?a=0&a=1&b=2"),
    ("https://example.org/a?q=", "https://example.org/a?q="),
    ("https://example.org/search?q=%D8%AD%D9%84%D8%A8", "https://example.org/search?q=%D8%AD%D9%84%D8%A8"),
    ("http://aawsat.com/home/article/410796/مجلس-الأمن", "http://aawsat.com/home/article/410796/مجلس-الأمن"),
    ("  https://example.org/a  ", "https://example.org/a"),
    ("urn:uuid:1234", "urn:uuid:1234"),
    ("", ""),
])
def test_canonical_url(url, canonical):
    assert canonical_url(url) == canonical
    assert canonical_url(canonical) == canonical  # canonical is a fixed point


def test_links_that_differ_only_in_tracking_share_one_id(tmp_path):
    source = tmp_path / "twice.jsonl"
    lines = [{"title": "Same story", "body": "Text about Aleppo.", "url": "https://Example.org/s/?utm_source=a"},
             {"title": "Same story", "body": "Text about Aleppo.", "url": "https://example.org/s#top"}]
    source.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    report, articles = _ingest(tmp_path, [source])
    assert report.outcomes["added"] == 1 and report.outcomes["unchanged"] == 1
    assert articles["Same story"].url == "https://example.org/s"


# --- bad input ---------------------------------------------------------------------------------------

def test_legacy_encoded_file_is_detected(tmp_path):
    source = tmp_path / "cp1256.csv"
    source.write_bytes("title,body\nقصف على حلب,قالت مصادر إن القصف استهدف أحياء في مدينة حلب يوم الأحد.\n"
                       .encode("cp1256"))
    (record,) = _read(source)
    assert record.error is None and record.data["title"] == "قصف على حلب"


def test_damaged_bytes_in_a_utf8_file_reject_only_their_lines(tmp_path):
    source = tmp_path / "damaged.jsonl"
    good = json.dumps({"title": "حلب", "body": "نص عن حلب"}, ensure_ascii=False).encode()
    source.write_bytes(good + b"\n" + b'{"title": "caf\xe9", "body": "x"}\n' + good + b"\n")
    records = _read(source)
    assert [record.error for record in records][::2] == [None, None]
    assert records[1].position == 2
    assert records[1].error == "not utf-8 (byte 0xe9 at column 15); give the file's encoding with --encoding"


def test_encoding_option_overrides_detection(tmp_path, cli_env):
    source = tmp_path / "latin.csv"
    source.write_bytes("title,body\nCafé reopens,Le café a rouvert à Alep.\n".encode("latin-1"))
    assert _read(source, ReadOptions(encoding="latin-1"))[0].data["title"] == "Café reopens"
    result = cli_env.invoke(main, ["ingest", "--encoding", "klingon", str(source)])
    assert result.exit_code == 2 and "unknown encoding 'klingon'" in result.output


def test_truncated_jsonl_rejects_the_cut_line_and_keeps_the_rest(tmp_path):
    source = tmp_path / "cut.jsonl"
    whole = [json.dumps({"title": f"Story {n}", "body": "Text about Idlib."}) for n in range(3)]
    source.write_text("\n".join(whole) + "\n" + whole[0][:25])  # the copy stopped mid-line
    report, articles = _ingest(tmp_path, [source])
    assert report.accepted == 3 and len(articles) == 3
    assert [(r.position, r.reason.split(":")[0]) for r in report.rejections] == [(4, "bad JSON")]


def test_truncated_csv_rejects_the_cut_record_with_its_first_line(tmp_path):
    source = tmp_path / "cut.csv"
    source.write_text('title,body\nOne,"Text about Homs."\nTwo,"A long text\nabout Hama that was cut')
    records = _read(source)
    assert [(r.position, r.error) for r in records] == [(2, None), (3, "bad CSV: unexpected end of data")]


def test_a_50_mb_line_is_rejected_without_loading_it(tmp_path):
    source = tmp_path / "huge.jsonl"
    good = json.dumps({"title": "After the huge line", "body": "Text about Tartus."})
    with source.open("w") as handle:
        handle.write(good + "\n")
        handle.write('{"title": "huge", "body": "')
        chunk = "x" * (1024 * 1024)
        for _ in range(50):
            handle.write(chunk)
        handle.write('"}\n')
        handle.write(good + "\n")
    tracemalloc.start()
    records = _read(source)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert [(r.position, r.error) for r in records] == [
        (1, None), (2, "record larger than 10 MB"), (3, None)]
    assert peak < 40 * 1024 * 1024, f"peak memory {peak / 2**20:.0f} MB"


def test_huge_line_through_the_cli_is_reported_and_the_rest_stored(tmp_path, cli_env):
    source = tmp_path / "huge.csv"
    with source.open("w") as handle:
        handle.write("title,body\nBefore,Text about Hama.\n")
        handle.write("Huge," + "y" * (2 * 1024 * 1024) + "\n")
        handle.write("After,Text about Homs.\n")
    result = cli_env.invoke(main, ["ingest", "--max-record-mb", "1", str(source)])
    assert result.exit_code == 3, result.output
    assert f"{source}:3: record larger than 1 MB" in result.output and "2 accepted" in result.output


def test_empty_file_is_reported_and_fails_only_when_nothing_was_read(tmp_path, cli_env):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    blank = tmp_path / "blank.jsonl"
    blank.write_text("\n\n")
    result = cli_env.invoke(main, ["ingest", str(empty), str(blank)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"error: {empty}: empty file" in result.output and f"error: {blank}: empty file" in result.output
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps({"title": "One", "body": "Text about Idlib."}) + "\n")
    result = cli_env.invoke(main, ["ingest", str(empty), str(good)])
    assert result.exit_code == 3 and f"error: {empty}: empty file" in result.output
    assert cli_env.invoke(main, ["ingest", str(good)]).exit_code == 0


def test_nothing_already_stored_is_lost_when_a_bad_file_follows(tmp_path):
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps({"title": "Kept", "body": "Text about Idlib."}) + "\n")
    bad = tmp_path / "bad.xml"
    bad.write_text("<html><body>not a feed</body></html>")
    _ingest(tmp_path, [good])
    report, articles = _ingest(tmp_path, [bad, tmp_path / "missing.csv"])
    assert set(articles) == {"Kept"}
    assert report.unreadable == [f"{bad}: not an RSS or Atom feed: it is an HTML page (is the feed address "
                                 f"right?)", f"{tmp_path / 'missing.csv'}: no such file"]


# --- the real FA-KES file ----------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.shared_data
def test_real_fakes_csv_with_preset_accounts_for_every_row(tmp_path, cli_env):
    if not FAKES_CSV.exists():
        pytest.skip(f"{FAKES_CSV} not present")
    result = cli_env.invoke(main, ["ingest", "--preset", "fakes", str(FAKES_CSV)])
    assert "Traceback" not in result.output, result.output
    summary = next(line for line in result.output.splitlines() if " accepted (" in line)
    accepted = int(summary.split()[0])
    rejected = int(summary.rsplit(", ", 1)[1].split()[0])
    assert accepted + rejected == 804, summary
    assert accepted > 790 and result.exit_code == 0
    with open_store(_settings(tmp_path)) as store:
        assert 0 < store.count() <= accepted  # repeated unit_ids of one article are stored once


# --- progress ----------------------------------------------------------------------------------------

class _Terminal:
    """A stand-in for stderr on a terminal, keeping what was written."""

    def __init__(self):
        self.written = []

    def isatty(self):
        return True

    def write(self, text):
        self.written.append(text)

    def flush(self):
        pass


def test_progress_bar_on_a_terminal_and_plain_lines_under_cron(tmp_path, cli_env, monkeypatch):
    import sys

    from search_app import cli

    records = list(range(3))
    assert cli._progress(records, None, "fakes", unit=" records") is records  # not a terminal: untouched
    terminal = _Terminal()
    with monkeypatch.context() as patch:  # undo only this; cli_env's data dir must stay in place
        patch.setattr(sys, "stderr", terminal)
        assert list(cli._progress(iter(records), None, "fakes", unit=" records")) == records
    assert "fakes: 3 records [" in "".join(terminal.written)  # a count: readers do not know the total
    drop = _drop_folder(tmp_path)
    result = cli_env.invoke(main, ["ingest", "--dry-run", str(drop)])
    assert f"{drop / 'a.jsonl'}: 1 records, 0 rejected" in result.output
    assert f"{drop / '2020' / 'may' / 'c.xml'}: 3 records, 1 rejected" in result.output


def test_relative_feed_dates_are_anchored_at_fetch_time(tmp_path):
    import datetime as dt

    from search_app.ingest.feeds import read_feed

    feed = tmp_path / "relative.xml"
    feed.write_text("""<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Local</title>
      <item><title>Bread queue in Homs</title><link>https://local.example/1</link>
        <description>Residents queued for bread in Homs on a cold morning.</description>
        <pubDate>منذ ساعتين</pubDate></item>
      <item><title>Water cut in Hama</title><link>https://local.example/2</link>
        <description>Water was cut in Hama for a day.</description><pubDate>yesterday</pubDate></item>
    </channel></rss>""", encoding="utf-8")
    now = dt.datetime.now(dt.timezone.utc)
    published = [dt.datetime.fromisoformat(record.data["published"]) for record in read_feed(feed)]
    assert now - dt.timedelta(hours=3) < published[0] < now
    assert now - dt.timedelta(days=2) < published[1] < now - dt.timedelta(hours=12)
