"""Writing many rows fast: PostgreSQL COPY (and UPDATE … FROM a COPY-filled temp table), executemany elsewhere.

The ORM's bulk_create builds a model instance per row and a parameter per value: for 100,000 students that is
most of an import's time. Imports hand plain tuples to these functions instead; they stay inside the caller's
transaction, so an import is still all-or-nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import uuid
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from django.db import connection, models
from django.db.models import Q
from django.db.models.expressions import RawSQL

NULL = r"\N"


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)  # dates in audit values become ISO text


# csv writes str and numbers itself (TextChoices too: they are str); these need a conversion.
@lru_cache(maxsize=64)  # the same "now" stamps every row of an import
def _timestamp(value: dt.datetime) -> str:
    return value.isoformat()


_CONVERT = {
    bool: lambda value: "t" if value else "f",
    dt.date: dt.date.isoformat,
    dt.datetime: _timestamp,
    dict: _json,
    list: _json,
    uuid.UUID: str,
}


def _text(value: Any) -> Any:
    if value is None:
        return NULL
    convert = _CONVERT.get(type(value))
    return convert(value) if convert else value


def _copy(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    plain = (str, int, float)
    for row in rows:
        # Inline for the common cases: this line runs once per value, millions of times per import.
        writer.writerow([NULL if v is None else v if type(v) in plain else _text(v) for v in row])
    buffer.seek(0)
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN WITH (FORMAT csv, NULL '{NULL}')", buffer
        )


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return value.hex  # how Django stores UUIDField on SQLite
    if isinstance(value, dict | list):
        return _json(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    return value


def allocate_ids(model: type[models.Model], count: int) -> list[int]:
    """Primary keys for rows about to be inserted, so that related rows can point at them in the same pass."""
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: the write transaction (BEGIN IMMEDIATE) holds the database lock, so max(id) cannot move.
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")
        start = cursor.fetchone()[0] + 1
        return list(range(start, start + count))


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
    """Inserts plain tuples (values in ``columns`` order, database column names)."""
    if not rows:
        return 0
    table = model._meta.db_table
    if connection.vendor == "postgresql":
        _copy(table, columns, rows)
    else:
        quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
        marks = ", ".join(["%s"] * len(columns))
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {connection.ops.quote_name(table)} ({quoted}) VALUES ({marks})",
                [[_sqlite_value(v) for v in row] for row in rows],
            )
    return len(rows)


def update_rows(model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
    """Updates rows by primary key: each tuple is (id, *values in ``columns`` order)."""
    if not rows:
        return 0
    table = connection.ops.quote_name(model._meta.db_table)
    if connection.vendor == "postgresql":
        fields = {f.column: f for f in model._meta.concrete_fields}
        temp = f"tmp_update_{model._meta.db_table}"
        definitions = ", ".join(
            f"{connection.ops.quote_name(c)} {fields[c].db_type(connection).replace('serial', 'integer')}"
            for c in ["id", *columns]
        )
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {temp}")
            cursor.execute(f"CREATE TEMP TABLE {temp} ({definitions}) ON COMMIT DROP")
        _copy(temp, ["id", *columns], rows)
        assignments = ", ".join(f"{connection.ops.quote_name(c)} = s.{connection.ops.quote_name(c)}" for c in columns)
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} AS t SET {assignments} FROM {temp} AS s WHERE t.id = s.id")
            cursor.execute(f"DROP TABLE {temp}")
    else:
        assignments = ", ".join(f"{connection.ops.quote_name(c)} = %s" for c in columns)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET {assignments} WHERE id = %s",
                [[*(_sqlite_value(v) for v in row[1:]), row[0]] for row in rows],
            )
    return len(rows)


def text_in(lookup: str, values: Sequence[str]) -> Q:
    """``lookup IN values`` for a long list of strings: one array parameter on PostgreSQL.

    Django binds one parameter per value (slow past ~10,000) and SQLite refuses more than 32,766 of them;
    on SQLite the values go through a JSON array instead.
    """
    if connection.vendor == "postgresql":
        return Q(**{f"{lookup}__in": RawSQL("SELECT unnest(%s::text[])", (list(values),))})
    return Q(**{f"{lookup}__in": RawSQL("SELECT value FROM json_each(%s)", (json.dumps(list(values)),))})


# COPY's text format: a backslash, tab, newline or carriage return inside a value is escaped; NULL is \N.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_HASH_EQUAL = (bool, int, float)  # True == 1 == 1.0: values of these types must not share a lookup table


def _copy_value(value: Any) -> str:
    if value is None:
        return NULL
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    return str(_text(value)).translate(_COPY_ESCAPES)


def _copy_column(values: Sequence[Any]) -> list[str]:
    """One column in COPY text form; each distinct value is converted once (a column repeats a few values)."""
    types = set(map(type, values))
    if types <= {str, type(None)}:
        text = "".join(filter(None, values))  # None (and "") dropped, at C speed
        if any(special in text for special in "\\\t\n\r"):
            values = [value if value is None else value.translate(_COPY_ESCAPES) for value in values]
        return [NULL if value is None else value for value in values] if type(None) in types else list(values)
    if types == {int}:
        return list(map(str, values))
    if sum(1 for kind in _HASH_EQUAL if kind in types) > 1 or dict in types or list in types:
        return [_copy_value(value) for value in values]
    converted = {value: _copy_value(value) for value in dict.fromkeys(values)}
    return list(map(converted.__getitem__, values))


def copy_columns(table: str, columns: Sequence[str], data: Sequence[Sequence[Any]]) -> int:
    """PostgreSQL ``COPY`` of column-major data: ``data[i]`` holds every row's value for ``columns[i]``.

    Converting column by column (and each distinct value once) instead of value by value is what makes staging
    100,000 parsed rows cost a fraction of a second.
    """
    if not data or not data[0]:
        return 0
    lines = map("\t".join, zip(*(_copy_column(values) for values in data), strict=True))
    buffer = io.StringIO("\n".join(lines) + "\n")
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN", buffer)
    return len(data[0])


def create_temp_table(name: str, definitions: Sequence[tuple[str, str]]) -> None:
    """A temporary table (PostgreSQL) dropped at the end of the transaction; ``definitions`` = (column, SQL type)."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {quote(name)}")
        cursor.execute(
            f"CREATE TEMP TABLE {quote(name)} ({', '.join(f'{quote(c)} {t}' for c, t in definitions)}) ON COMMIT DROP"
        )


def column_type(model: type[models.Model], name: str) -> str:
    """The SQL type of a model field's column, for a staging table (no serial, no constraints)."""
    return model._meta.get_field(name).db_type(connection).replace("serial", "integer")
