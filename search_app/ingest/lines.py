"""Read a text file line by line in whatever encoding it is in, never holding one huge line in memory.

Each ``Line`` carries its 1-based number and, when it cannot be used, the problem: an undecodable
byte (the file is mostly another encoding, or damaged) or a line longer than the record size cap.
The caller turns a problem into a rejected record with that line number and carries on.
"""
from __future__ import annotations

import codecs
import io
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

log = logging.getLogger(__name__)

MAX_RECORD_BYTES = 10 * 1024 * 1024
_SCAN_CHUNK = 1024 * 1024
_SCAN_LIMIT = 64 * 1024 * 1024
# Encodings this archive meets besides UTF-8: Windows Arabic, ISO Arabic, Windows Western, Latin-1.
# Detection is limited to them: left free, a detector calls an English file with two odd bytes Baltic.
LEGACY_ENCODINGS = ("cp1256", "iso8859_6", "cp1252", "latin_1")
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")


@dataclass(frozen=True)
class Line:
    number: int
    text: str  # "" when the line was too long to keep
    problem: str | None = None


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


def detect_encoding(path: Path, legacy: str | None = None) -> str:
    """The file's encoding: its BOM, else UTF-8 when that fits, else ``legacy`` or the likeliest one.

    A file that is mostly valid UTF-8 with a few damaged bytes stays UTF-8, so only the damaged
    lines are rejected instead of every Arabic letter being misread.
    """
    with path.open("rb") as handle:
        head = handle.read(4)
        for bom, encoding in _BOMS:
            if head.startswith(bom):
                return encoding
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")("surrogateescape")
        invalid = valid_non_ascii = scanned = 0
        sample = b""
        while scanned < _SCAN_LIMIT:
            chunk = handle.read(_SCAN_CHUNK)
            text = decoder.decode(chunk, final=not chunk)
            bad = len(_ESCAPED_BYTE.findall(text))
            if bad and not invalid:
                sample = chunk
            invalid += bad
            # Non-ASCII characters less the escaped bytes, counted without a list of each (14x faster).
            valid_non_ascii += len(text) - len(text.encode("ascii", "ignore")) - bad
            scanned += len(chunk)
            if not chunk:
                break
    if invalid == 0 or valid_non_ascii >= invalid:
        return "utf-8"
    if legacy:
        return legacy
    from charset_normalizer import from_bytes

    best = from_bytes(sample, cp_isolation=list(LEGACY_ENCODINGS)).best()
    if best is None:
        log.warning("%s: not UTF-8 and no known encoding fits; undecodable lines will be rejected", path)
        return "utf-8"
    log.info("%s: not UTF-8, reading it as %s", path, best.encoding)
    return best.encoding


def _undecodable(text: str, encoding: str) -> str | None:
    escaped = _ESCAPED_BYTE.search(text)
    if escaped is None:
        return None
    byte = ord(escaped.group()) - 0xDC00
    name = codecs.lookup(encoding).name
    return (f"not {name} (byte 0x{byte:02x} at column {escaped.start() + 1}); "
            f"give the file's encoding with --encoding")


def read_lines(path: Path, *, encoding: str | None = None, max_bytes: int = MAX_RECORD_BYTES,
               newline: str | None = "\n") -> Iterator[Line]:
    """Lines of ``path`` with their line ending; a line over ``max_bytes`` is skipped, not loaded.

    ``newline`` is passed to ``open``: ``""`` (what the csv module wants) ends lines at CR, LF or
    CRLF, ``"\\n"`` only at LF. Line endings are kept either way.
    """
    encoding = encoding or detect_encoding(path)
    with io.open(path, "r", encoding=encoding, errors="surrogateescape", newline=newline) as handle:
        number = 0
        while True:
            text = handle.readline(max_bytes + 1)
            if not text:
                return
            number += 1
            # readline counts characters: an Arabic line is twice its length in UTF-8 bytes.
            if _encoded_size(text, encoding, max_bytes) > max_bytes:
                if not text.endswith(("\n", "\r")):
                    while (rest := handle.readline(_SCAN_CHUNK)) and not rest.endswith(("\n", "\r")):
                        pass  # skip the rest of the line without keeping it
                yield Line(number, "", f"record larger than {megabytes(max_bytes)}")
                continue
            yield Line(number, text, _undecodable(text, encoding))


def _encoded_size(text: str, encoding: str, max_bytes: int) -> int:
    """The size of ``text`` in the file, counted only when it could be over ``max_bytes`` (no
    encoding writes a character in more than 4 bytes, so shorter lines are not encoded at all)."""
    if len(text) * 4 <= max_bytes:
        return len(text)
    return len(text.encode(encoding, errors="surrogateescape"))
