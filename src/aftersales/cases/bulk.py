"""A leaner bulk_create for the import path.

Django's bulk_create compiles every value through the field's whole save chain (pre_save,
get_db_prep_save, ...), which costs about four microseconds a value: for a case and its lines,
deadlines, event and outbox rows that is more than the database's own work.  `insert` writes the
same rows with the same field metadata, but decides once per model how each column's value is
adapted, then sends multi-row INSERTs (with RETURNING id where the caller needs the keys).
Rows are plain dicts of column values by attname ("case_id", not "case"); a column left out
gets the field's default, as a model instance would.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from datetime import UTC

from django.conf import settings
from django.db import connection, models
from django.utils import timezone

_plans: dict = {}


def _identity(v):
    return v


def _text(v):
    return v.value if isinstance(v, enum.Enum) else v


def _adapter(field: models.Field) -> Callable:
    ops = connection.ops
    if isinstance(field, models.ForeignKey):
        return _identity
    if isinstance(field, models.JSONField):
        return lambda v: None if v is None else ops.adapt_json_value(v, field.encoder)
    if isinstance(field, models.DateTimeField):
        if connection.vendor == "sqlite" and settings.USE_TZ:
            # what the SQLite backend stores: naive UTC as text (operations.adapt_datetimefield_value)
            return lambda v: None if v is None else str(v.astimezone(UTC).replace(tzinfo=None))
        return lambda v: None if v is None else ops.adapt_datetimefield_value(v)
    if isinstance(field, models.DecimalField):
        return lambda v: None if v is None else field.get_db_prep_save(v, connection)
    if isinstance(field, (models.CharField, models.TextField)):
        return _text
    if isinstance(field, (models.IntegerField, models.BooleanField)):
        return _identity
    return lambda v: field.get_db_prep_save(v, connection)


def _plan(model):
    key = (model, connection.vendor, connection.alias)
    plan = _plans.get(key)
    if plan is None:
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        qn = connection.ops.quote_name
        head = (f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) VALUES ")
        row = "(" + ", ".join(["%s"] * len(fields)) + ")"
        columns = []
        for f in fields:
            adapt = _adapter(f)
            fixed = not (f.has_default() and callable(f.default)) and not getattr(f, "auto_now", False) \
                and not getattr(f, "auto_now_add", False)
            # a column the rows leave out gets the field's default: adapted once when it is a constant
            missing = (lambda a=adapt, v=adapt(f.get_default()): v) if fixed else (lambda a=adapt, f=f: a(_default(f)))
            columns.append((f.attname, adapt, missing, f.column))
        plan = _plans[key] = (head, row, columns, qn(model._meta.pk.column), model._meta.pk.attname)
    return plan


def _default(field: models.Field):
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return timezone.now()   # what pre_save would put there
    return field.get_default()


def _max_params() -> int:
    if connection.vendor == "sqlite":
        try:
            import sqlite3

            return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        except (AttributeError, TypeError):
            return 999
    return 65535


def insert(model, rows: Sequence[dict], *, returning: bool = False, max_rows: int = 500) -> None:
    """INSERT `rows` (dicts by attname; the primary key is left to the database).  With
    `returning`, each dict gets its primary key, in order, as bulk_create does for objects."""
    if not rows:
        return
    head, row_sql, columns, pk_column, pk_attname = _plan(model)
    values = [[adapt(row[attname]) if attname in row else missing() for attname, adapt, missing, _ in columns]
              for row in rows]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _copy(cursor.cursor, model, columns, values, rows if returning else None, pk_attname)
            return
        per_stmt = max(1, min(max_rows, _max_params() // len(columns)))
        for i in range(0, len(values), per_stmt):
            part = values[i:i + per_stmt]
            sql = head + ", ".join([row_sql] * len(part))
            params = [v for vals in part for v in vals]
            if returning:
                cursor.execute(sql + f" RETURNING {pk_column}", params)
                for row, (pk,) in zip(rows[i:i + per_stmt], cursor.fetchall()):
                    row[pk_attname] = pk
            else:
                cursor.execute(sql, params)


def _copy(raw, model, columns, values, rows, pk_attname) -> None:
    """PostgreSQL: COPY the rows in; with `rows`, take their ids from the table's sequence first."""
    qn = connection.ops.quote_name
    table = model._meta.db_table
    names = [qn(column) for _, _, _, column in columns]
    if rows is not None:
        pk_column = model._meta.pk.column
        raw.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [qn(table), pk_column, len(rows)])
        ids = [r[0] for r in raw.fetchall()]
        for row, vals, pk in zip(rows, values, ids):
            row[pk_attname] = pk
            vals.append(pk)
        names.append(qn(pk_column))
    with raw.copy(f"COPY {qn(table)} ({', '.join(names)}) FROM STDIN") as copy:
        for vals in values:
            copy.write_row(vals)
