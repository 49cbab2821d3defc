"""The few SQL spellings the fill and the raw baselines need that differ between SQLite and
PostgreSQL.  Times are written as literals: they are the benchmark's own values, never input."""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import connection


def pg() -> bool:
    return connection.vendor == "postgresql"


def table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def q(name: str) -> str:
    return connection.ops.quote_name(name)


def series(n: int) -> str:
    """A CTE `g(i)` with i = 1..n, to put before INSERT ... SELECT ... FROM g."""
    if pg():
        return f"WITH g(i) AS (SELECT generate_series(1, {int(n)}))"
    return f"WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < {int(n)})"


def at(when: datetime) -> str:
    """A time literal in the form the database stores (SQLite: Django's naive UTC text)."""
    utc = when.astimezone(UTC).replace(microsecond=0)
    if pg():
        return f"TIMESTAMPTZ '{utc.isoformat(' ')}'"
    return f"'{utc.replace(tzinfo=None).isoformat(' ')}'"


def plus_seconds(when: datetime, seconds_expr: str) -> str:
    """`when` + an integer SQL expression of seconds (NULL stays NULL)."""
    if pg():
        return f"({at(when)} + ({seconds_expr}) * INTERVAL '1 second')"
    return f"datetime({at(when)}, ({seconds_expr}) || ' seconds')"


def whole_hours(later: str, when: datetime) -> str:
    """Whole hours from `when` to the time expression `later` (rounded down, as Python's //)."""
    if pg():
        return f"CAST(FLOOR(EXTRACT(EPOCH FROM ({later} - {at(when)})) / 3600) AS INTEGER)"
    return f"((CAST(strftime('%s', {later}) AS INTEGER) - CAST(strftime('%s', {at(when)}) AS INTEGER)) / 3600)"


def minute_text(expr: str) -> str:
    """'YYYY-MM-DD HH:MM' of a time expression, in UTC."""
    if pg():
        return f"to_char({expr} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')"
    return f"substr({expr}, 1, 16)"


def iso_text(expr: str) -> str:
    """An ISO 8601 text of a time expression, in UTC (for JSON payloads)."""
    if pg():
        return f"to_char({expr} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"+00:00\"')"
    return f"(replace(substr({expr}, 1, 19), ' ', 'T') || '+00:00')"


def json(text_expr: str) -> str:
    return f"CAST({text_expr} AS JSONB)" if pg() else text_expr


def json_object(**fields: tuple[str, str]) -> str:
    """A JSON object built in SQL: json_object(case=("n", "c.id"), state=("s", "c.state"));
    "n" puts the value in as it is (a number), "s" in double quotes (text without quotes in it)."""
    parts = []
    for i, (name, (kind, expr)) in enumerate(fields.items()):
        head = ("{" if i == 0 else ", ") + '"' + name + '": '
        if kind == "s":
            parts.append("'" + head + '"' + "' || " + expr + " || '" + '"' + "'")
        else:
            parts.append("'" + head + "' || " + expr)
    return json(" || ".join(parts) + " || '}'")


def execute(sql: str, params=None) -> int:
    """Run a statement; without params, a % in it is the SQL operator (no placeholders)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def scalar(sql: str, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None


def analyze() -> None:
    """Fresh planner statistics after a bulk load (PostgreSQL's autovacuum would do it a little
    later; SQLite keeps none until ANALYZE runs)."""
    execute("ANALYZE")


def vacuum(models) -> None:
    """PostgreSQL: clear the dead rows a rolled-back baseline left, so the measured run after it
    does not pay for them."""
    if pg():
        for model in models:
            execute(f"VACUUM ANALYZE {table(model)}")


def server_version() -> str:
    if pg():
        return "PostgreSQL " + str(scalar("SHOW server_version")).split()[0]
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version}"
