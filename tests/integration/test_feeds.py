"""The Atom feed carries what a source wrote, however hostile, as text: a strict XML parser and a
feed reader both read it, and the title, links and categories come out as they were stored."""
import feedparser
import pytest
from lxml import etree

from search_app.web import create_app

from ..conftest import index_of_records

ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE_TITLE = 'Aleppo <script>alert("x")</script> & ]]> \'quoted\' \x01\x1f bread prices \ufffe'
HOSTILE_URL = "https://wire.example/aleppo?a=1&b=<2>"


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory):
    settings = index_of_records(tmp_path_factory.mktemp("hostile-feed"), [
        {"url": HOSTILE_URL, "source": "Wire <b>& Co</b>", "title": HOSTILE_TITLE, "lang": "en",
         "published": "2020-03-02", "body": "Bread prices in Aleppo rose again <i>this week</i> & queues grew."},
        {"url": "javascript:alert(1)", "source": "Plain Wire", "title": "Bread queues in Hama", "lang": "en",
         "published": "2020-03-01", "body": "Bread queues in Hama grew longer as prices rose."}])
    return create_app(settings).test_client()


def test_a_hostile_title_and_source_are_text_in_a_feed_that_parses_strictly(hostile_client):
    response = hostile_client.get("/feed.atom", query_string={"q": "bread", "ui": "en"})
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    assert b"<script>" not in response.data and b"<b>" not in response.data
    root = etree.fromstring(response.data)  # lxml refuses anything that is not well-formed XML 1.0
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}title") == "Syria news search: bread"
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 2
    newest = entries[0]
    stored = hostile_client.get(f"/api/article/{newest.findtext(f'{ATOM}id').rsplit('/', 1)[1]}").get_json()
    expected_title = "".join(ch for ch in stored["title"] if ch not in "\x01\x1f\ufffe")
    assert "<script>" in expected_title and newest.findtext(f"{ATOM}title") == expected_title
    assert newest.findtext(f"{ATOM}author/{ATOM}name") == stored["source"]
    links = {link.get("rel"): link.get("href") for link in newest.findall(f"{ATOM}link")}
    assert links == {"alternate": stored["permalink"], "related": stored["url"]} and "&b=" in links["related"]
    assert "<i>this week</i> & queues" in newest.findtext(f"{ATOM}summary")
    plain = entries[1]
    assert [link.get("rel") for link in plain.findall(f"{ATOM}link")] == ["alternate"]  # no javascript: link
    assert [(c.get("term"), c.get("label")) for c in plain.findall(f"{ATOM}category")] == [("SY05", "Hama")]


def test_a_feed_reader_reads_the_same_entries_newest_first(hostile_client):
    feed = feedparser.parse(hostile_client.get("/feed.atom", query_string={"q": "bread", "ui": "ar"}).data)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10" and feed.feed.language == "ar" and feed.feed.title.startswith("البحث")
    assert [entry.title for entry in feed.entries] == [
        'Aleppo <script>alert("x")</script> & ]]> \'quoted\'  bread prices', "Bread queues in Hama"]
    assert [entry.published for entry in feed.entries] == ["2020-03-02T00:00:00Z", "2020-03-01T00:00:00Z"]
    assert all(entry.link.startswith("http://localhost/article/") for entry in feed.entries)
    assert feed.entries[1].author == "Plain Wire" and feed.entries[1].tags[0].label == "حماة"
