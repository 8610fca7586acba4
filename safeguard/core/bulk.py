"""Bulk INSERT for imports and batch writes: one prepared statement run by `executemany`.

Used where thousands of rows go in at once (tracker imports, the audit events they record). Services
writing one row at a time use the ORM as usual.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from operator import attrgetter
from typing import Any

from django.db import connections, models, router

BATCH_SIZE = 1000

_UNSET = object()
_INTEGER_TYPES = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
}
_TEXT_TYPES = {"CharField", "TextField", "SlugField", "EmailField", "URLField"}


def _plain_type(field: models.Field[Any, Any]) -> type | None:
    """The Python type whose values the driver takes as they are for this column (no conversion)."""
    internal = field.get_internal_type()
    if isinstance(field, models.ForeignKey):
        internal = field.target_field.get_internal_type()
    if internal in _TEXT_TYPES:
        return str
    if internal in _INTEGER_TYPES:
        return int
    if internal == "BooleanField":
        return bool
    return None


def _insertable_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    meta = model._meta
    return [
        f
        for f in meta.local_concrete_fields
        if f is not meta.auto_field and not getattr(f, "generated", False)
    ]


def insert_rows(objs: Sequence[models.Model], *, batch_size: int = BATCH_SIZE) -> None:
    """INSERT unsaved instances of one model with one prepared statement run by `executemany`.

    Why not `bulk_create`: for every value of every row it goes through the SQL compiler (pre_save,
    get_db_prep_save, placeholders), about 2 of a 10,000-row import's 6 seconds for these three tables;
    and SQLite's 999 parameters cap it at a few dozen rows a statement. Here each column is described once
    and a row costs a tuple (see `insert_values`). Defaults are whatever the instances hold (Django's model
    defaults); `auto_now`/`auto_now_add` columns get one time for the batch, set on the instances as a save
    would. The primary keys are not set on `objs`: the caller reads them back (there is no RETURNING for
    executemany on every engine). No signals are sent, as with `bulk_create`.
    """
    if not objs:
        return
    model = type(objs[0])
    fields = _insertable_fields(model)
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            stamp = f.pre_save(objs[0], True)
            for obj in objs:
                setattr(obj, f.attname, stamp)
    values_of = attrgetter(*(f.attname for f in fields))
    insert_values(model, [f.attname for f in fields], [values_of(obj) for obj in objs], batch_size=batch_size)


def insert_values(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    batch_size: int = BATCH_SIZE,
) -> int:
    """INSERT rows given as tuples of values for `columns` (attnames, e.g. "action_id"): no model instances.

    For the largest batches (an import's audit events and criteria), where building a model instance per
    row costs more than writing it. Every column without a database default must be named; values are
    what the model's fields hold in Python. Strings, integers and booleans go to the driver as they are,
    anything else (dates, times, JSON, enums) through the field's own `get_db_prep_save`, as `bulk_create`
    would convert it (a value repeated row after row, such as a batch's one timestamp, is converted once).
    Returns how many rows were written.
    """
    meta = model._meta
    connection = connections[router.db_for_write(model)]
    by_attname = {f.attname: f for f in _insertable_fields(model)}
    unknown = [c for c in columns if c not in by_attname]
    if unknown:
        raise ValueError(f"{meta.label} has no insertable column {', '.join(unknown)}.")
    fields = [by_attname[c] for c in columns]
    plain = [_plain_type(f) for f in fields]
    last_raw: list[Any] = [_UNSET] * len(fields)
    last_db: list[Any] = [None] * len(fields)
    prepared = []
    for values in rows:
        row = []
        for i, value in enumerate(values):
            if value is not None and type(value) is not plain[i]:
                if value is not last_raw[i]:
                    if hasattr(value, "resolve_expression"):  # F(), db defaults: bulk_create's job, not ours
                        raise TypeError(f"{meta.label}.{fields[i].name}: insert_values takes plain values.")
                    last_raw[i], last_db[i] = value, fields[i].get_db_prep_save(value, connection)
                value = last_db[i]
            row.append(value)
        prepared.append(row)
    if not prepared:
        return 0
    quote = connection.ops.quote_name
    # Names come from the model's meta, quoted by the backend; every value is a parameter (or a COPY row).
    table = quote(meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: an import's 85,000 rows spent 1.7 s of server time as pipelined INSERTs (one
            # bind and execute per row); COPY streams them in one statement.
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in prepared:
                    copy.write_row(row)
            return len(prepared)
        # SQLite runs the prepared statement over the rows in C.
        statement = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608
        for start in range(0, len(prepared), batch_size):
            cursor.executemany(statement, prepared[start : start + batch_size])
    return len(prepared)
