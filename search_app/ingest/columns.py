"""Column maps: which column of a CSV row (or key of a JSON object) fills which article field.

``--map title=headline,body=text`` is parsed by ``parse_column_map``; presets (``presets.py``) are
column maps for known datasets whose fields may also convert a value (a date format, an id prefix)
or combine several columns.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

# The keys ``build_article`` reads.
ARTICLE_FIELDS = ("id", "title", "body", "url", "source", "published", "lang", "kind", "translations")
REQUIRED_FIELDS = ("title", "body")
# Names that other datasets give the required fields, for the hint printed when they are missing.
USUAL_NAMES = {
    "title": ("headline", "article_title", "heading", "name", "subject"),
    "body": ("text", "content", "article_content", "article", "description", "summary", "story"),
}


class FieldError(ValueError):
    """A value that a preset cannot convert; the message is the record's rejection reason."""


@dataclass(frozen=True)
class Field:
    """An article field filled from one or more columns; ``combine`` turns their values into one."""
    columns: tuple[str, ...]
    combine: Callable[..., object] | None = None

    def value(self, row: Mapping[str, object]) -> object:
        values = [_present(row.get(column)) for column in self.columns]
        if self.combine is None:
            return values[0]
        return self.combine(*values)


def _present(value: object) -> object:
    """None for a missing or blank value; numbers become text (a numeric id column is still an id)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


ColumnMap = dict[str, Field]


def parse_column_map(specs: Sequence[str]) -> ColumnMap:
    """``["title=headline,body=text", "published=date"]`` as a column map; a bad spec is a ValueError."""
    column_map: ColumnMap = {}
    for spec in specs:
        for item in spec.split(","):
            if not item.strip():
                continue
            field, sep, column = (part.strip() for part in item.partition("="))
            if not sep or not field or not column:
                raise ValueError(f"bad map entry {item.strip()!r}: write FIELD=COLUMN, e.g. title=headline")
            if field not in ARTICLE_FIELDS:
                raise ValueError(f"bad map entry {item.strip()!r}: {field!r} is not an article field "
                                 f"(one of {', '.join(ARTICLE_FIELDS)})")
            column_map[field] = Field((column,))
    return column_map


def identity_map(columns: Sequence[str]) -> ColumnMap:
    """Article fields taken from the columns named like them (case and spaces ignored)."""
    by_name = {column.strip().lower(): column for column in columns}
    return {field: Field((by_name[field],)) for field in ARTICLE_FIELDS if field in by_name}


def missing_columns(column_map: ColumnMap, columns: Sequence[str]) -> list[str]:
    """Descriptions of mapped columns that the file does not have, e.g. ``"headline (for title)"``."""
    available = set(columns)
    return [f"{column!r} (for {field})" for field, spec in column_map.items()
            for column in spec.columns if column not in available]


def apply_map(column_map: ColumnMap, row: Mapping[str, object]) -> dict:
    """The article dict of one row; raises FieldError when a value cannot be converted."""
    article = {}
    for field, spec in column_map.items():
        value = spec.value(row)
        if value is not None:
            article[field] = value
    return article


def suggested_map(fields: Sequence[str], columns: Sequence[str]) -> str | None:
    """``--map body=text`` when the missing ``fields`` have a column under a usual name, else None."""
    by_name = {column.strip().lower(): column for column in columns}
    entries = []
    for field in fields:
        column = next((by_name[name] for name in USUAL_NAMES.get(field, ()) if name in by_name), None)
        if column is not None:
            entries.append(f"{field}={column}")
    return f"--map {','.join(entries)}" if entries else None
