"""A small archive with the shapes of the real corpora, written for the tests: UCDP events with
several reports (one report feeding two events), one outlet spelled four ways, a newspaper known
only by its web address, an unknown outlet, a report, and an Arabic story where حماه is a man's
surname beside one really about Hama. Built through the CLI as an operator would."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from search_app.cli import main
from search_app.settings import Settings

from .conftest import make_settings

EVENTS = [
    {"id": 501, "date_start": "2018-03-02", "type_of_violence": 1, "best": 12, "deaths_civilians": 9,
     "dyad_name": "Government of Syria - Syrian insurgents", "adm_1": "Idlib Governorate", "adm_2": "Ariha district",
     "where_coordinates": "Ariha town", "source_headline": "Warplanes strike Ariha;Death toll rises in Ariha",
     "source_office": "SOHR;SOHR;Airwars"},
    # The same report feeds a second event elsewhere: a separate event, not a copy of the first.
    {"id": 502, "date_start": "2018-03-02", "type_of_violence": 1, "best": 3,
     "dyad_name": "Government of Syria - Syrian insurgents", "adm_1": "Hamah Governorate",
     "where_coordinates": "Kafr Zita town", "source_headline": "Warplanes strike Ariha;Death toll rises in Ariha",
     "source_office": "Air Wars"},
]
ARTICLES = [
    {"url": "https://example.org/a1", "source": "Reuters News", "title": "Bakeries close in Idlib",
     "body": "Bread prices rose in Idlib as bakeries closed after the strikes.", "published": "2018-03-03"},
    {"url": "https://example.org/a2", "source": "reuters", "title": "Fuel shortage in Hama",
     "body": "Drivers queued for fuel in Hama city on Tuesday.", "published": "2018-03-04"},
    {"url": "https://example.org/a3", "source": "REUTERS", "title": "Schools reopen in Idlib",
     "body": "Teachers in Idlib returned to classrooms in Ariha.", "published": "2018-03-05"},
    {"url": "https://aawsat.com/node/77", "title": "قصف على أريحا في إدلب",
     "body": "تعرضت مدينة أريحا في محافظة إدلب لقصف جوي.", "published": "2018-03-02"},
    {"url": "https://example.org/a5", "source": "  aleppo   today ", "title": "Water cuts in Idlib",
     "body": "Residents of Idlib city went without water for a week.", "published": "2018-03-06"},
    {"url": "https://example.org/a6", "source": "Enab Baladi", "title": "Aleppo markets reopen",
     "body": "Traders in Aleppo reopened the old markets.", "published": "2018-03-07"},
]
# Conscription stories in Arabic: one in Hama, one quoting a man whose surname is حماه.
CONSCRIPTION = [
    {"url": "https://example.org/c1", "source": "Enab Baladi", "lang": "ar", "published": "2018-03-08",
     "title": "حملة تجنيد إجباري في ريف حماة", "body": "شنت قوات النظام حملة تجنيد إجباري في مدينة حماة وريفها."},
    {"url": "https://example.org/c2", "source": "Enab Baladi", "lang": "ar", "published": "2018-03-09",
     "title": "تجنيد الشباب في الجامعات", "body": "قال الطالب صالح حماه إن التجنيد يلاحق الطلاب في الجامعات."},
]


def build_shaped_archive(root: Path) -> Settings:
    settings = make_settings(root)
    (root / "events.jsonl").write_text("".join(json.dumps(e) + "\n" for e in EVENTS), encoding="utf-8")
    (root / "articles.jsonl").write_text("".join(json.dumps(a, ensure_ascii=False) + "\n"
                                                 for a in ARTICLES + CONSCRIPTION), encoding="utf-8")
    (root / "report.jsonl").write_text(json.dumps({"url": "https://example.org/r1", "source": "HRW",
                                                   "title": "Idlib: the year in review",
                                                   "body": "A long report on Idlib."}) + "\n", encoding="utf-8")
    environment = {"SEARCH_APP_DATA_DIR": str(settings.data_dir), "SEARCH_APP_INDEX_DIR": str(settings.index_dir)}
    runner = CliRunner()
    for arguments in (["ingest", "--preset", "ucdp", str(root / "events.jsonl")],
                      ["ingest", str(root / "articles.jsonl")],
                      ["ingest", "--kind", "report", str(root / "report.jsonl")], ["index", "rebuild"]):
        result = runner.invoke(main, arguments, env=environment)
        assert result.exit_code == 0, result.output
    return settings
