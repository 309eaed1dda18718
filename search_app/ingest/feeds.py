"""RSS and Atom feeds, from a file or an http(s) URL: one article per entry."""
from __future__ import annotations

import datetime as dt
import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

from ..enrich.dates import parse_published, parse_relative
from .fetch import MAX_FEED_BYTES, fetch
from .lines import megabytes
from .raw import DEFAULT_OPTIONS, RawRecord, ReadOptions, SourceError
from .urls import is_web_url

_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html[\s>]|head[\s>]|body[\s>])",
                         re.IGNORECASE | re.DOTALL)


class _TextExtractor(HTMLParser):
    """HTML to plain text: paragraphs and line breaks kept, scripts and styles dropped."""
    BLOCKS = {"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
              "table", "tr", "section", "article", "header", "footer", "figure", "figcaption"}
    HIDDEN = {"script", "style", "noscript", "template"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag):
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(re.sub(r"\s+", " ", data))  # in HTML a line break in text is a space


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment; text without tags keeps its own line breaks."""
    if "<" in markup:
        extractor = _TextExtractor()
        extractor.feed(markup)
        extractor.close()
        markup = "".join(extractor.parts)
    else:
        markup = html.unescape(markup)
    paragraphs = re.split(r"\n\s*\n", markup)
    cleaned = ("\n".join(" ".join(line.split()) for line in paragraph.splitlines() if line.strip())
               for paragraph in paragraphs)
    return "\n\n".join(paragraph for paragraph in cleaned if paragraph)


def _published(entry) -> str | None:
    for key in ("published", "updated", "created"):
        parsed = entry.get(f"{key}_parsed")
        if parsed:
            return dt.datetime(*parsed[:6], tzinfo=dt.timezone.utc).isoformat()
    for key in ("published", "updated", "created"):
        if entry.get(key):
            # A date feedparser cannot read: an Arabic month name (build_article parses it), or a
            # relative one ("منذ ساعتين", "2 hours ago"), which only means something now, at fetch time.
            relative = parse_relative(entry[key], dt.datetime.now(dt.timezone.utc))
            return relative.value.isoformat() if relative and not parse_published(entry[key]) else entry[key]
    return None


def _body(entry) -> str:
    contents = [item.get("value", "") for item in entry.get("content", [])]
    longest = max(contents, key=len, default="")
    return html_to_text(longest or entry.get("summary", ""))


def _url(entry) -> str | None:
    if entry.get("link"):
        return entry["link"]
    guid = entry.get("id", "")
    return guid if is_web_url(guid) else None


def entry_article(entry, source: str) -> dict:
    article = {"title": html_to_text(entry.get("title", "")), "body": _body(entry), "url": _url(entry),
               "published": _published(entry), "source": source}
    return {field: value for field, value in article.items() if value}


def _source_name(parsed, origin: str) -> str:
    title = html_to_text(parsed.feed.get("title", ""))
    if title:
        return title
    link = parsed.feed.get("link") or (origin if is_web_url(origin) else "")
    host = urlsplit(link).hostname if is_web_url(link) else None
    return host or Path(origin).stem


def feed_records(origin: Path | str, content: bytes, content_type: str | None = None) -> Iterator[RawRecord]:
    """Entries of a feed document; a document that is not a feed is a SourceError, once."""
    import feedparser

    if not content.strip():
        raise SourceError("empty file" if isinstance(origin, Path) else "empty response")
    headers = {"content-type": content_type} if content_type else None
    try:
        parsed = feedparser.parse(content, response_headers=headers)
    except Exception as error:  # feedparser is lenient; anything it still raises is bad input
        raise SourceError(f"not an RSS or Atom feed ({error})") from None
    if not parsed.get("version"):
        if _HTML_START.match(content) or "html" in (content_type or ""):
            raise SourceError("not an RSS or Atom feed: it is an HTML page (is the feed address right?)")
        problem = parsed.get("bozo_exception")
        raise SourceError("not an RSS or Atom feed" + (f" ({problem})" if problem else ""))
    source = _source_name(parsed, str(origin))
    for number, entry in enumerate(parsed.entries, start=1):
        article = entry_article(entry, source)
        yield RawRecord(origin, number, json.dumps(article, ensure_ascii=False), article)


def read_feed(path: Path, options: ReadOptions = DEFAULT_OPTIONS) -> Iterator[RawRecord]:
    size = path.stat().st_size
    if size > MAX_FEED_BYTES:
        raise SourceError(f"feed larger than {megabytes(MAX_FEED_BYTES)}")
    yield from feed_records(path, path.read_bytes())


def read_feed_url(url: str, options: ReadOptions = DEFAULT_OPTIONS) -> Iterator[RawRecord]:
    content, content_type = fetch(url, options.fetch_limits)
    yield from feed_records(url, content, content_type)
