"""`aftersales bench` at tiny sizes, run for real: every row is there with sane numbers, the sweep
and its raw-SQL baseline change the same rows, and the throw-away database is gone afterwards
(SQLite always; PostgreSQL too when DATABASE_URL names a PostgreSQL server)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from aftersales.benchmarks.report import table

ROWS = {"import_orders", "import_cases", "queue_first", "queue_shop_state", "queue_due", "queue_first_http", "sweep"}
SWEEP_COUNTS = ("warned", "lapsed", "breached", "applied", "rescored")


def bench(tmp_path, *extra: str) -> tuple[dict, subprocess.Popen]:
    env = {**os.environ, "AFTERSALES_HOME": str(tmp_path / "home")}
    env.pop("DATABASE_URL", None)
    proc = subprocess.Popen([sys.executable, "-m", "aftersales.cli", "bench", "--cases", "3000", "--import-cases",
                             "500", "--runs", "20", "--json", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    out, err = proc.communicate(timeout=180)
    assert proc.returncode == 0, err[-3000:]
    return json.loads(out), proc


def check(result: dict) -> None:
    rows = {row["key"]: row for row in result["rows"]}
    assert set(rows) == ROWS
    assert result["cases"] == 3000 and result["import_cases"] == 500
    assert 0 < result["open_cases"] < result["cases"]
    assert result["machine"]["cores"] >= 1 and result["seconds"] > 0
    for key in ("import_orders", "import_cases"):
        for side in ("aftersales", "raw"):
            assert rows[key][side]["per_second"] > 0 and rows[key][side]["seconds"] > 0
    for key in ("queue_first", "queue_shop_state", "queue_due", "queue_first_http"):
        for side in ("aftersales", "raw"):
            got = rows[key][side]
            assert got["runs"] == 20
            assert 0 < got["p50_ms"] <= got["p95_ms"] <= got["max_ms"]
    sweep = rows["sweep"]
    assert sweep["aftersales"]["seconds"] > 0 and sweep["raw"]["seconds"] > 0
    for name in SWEEP_COUNTS:   # the fill gives each kind of work at least once
        assert sweep["aftersales"]["counts"][name] == sweep["raw"]["counts"][name] > 0, name
    assert sweep["aftersales"]["counts"]["failed"] == 0
    for row in result["rows"]:
        assert row["ratio"] is not None and row["ratio"] > 0
        assert row["goal"]
    text = table(result)
    for row in result["rows"]:
        assert row["measure"] in text
    assert "| measure" in text and f"{result['machine']['cores']} cores" in text


def test_bench_on_sqlite_leaves_the_users_database_alone(tmp_path):
    result, _ = bench(tmp_path)
    check(result)
    assert result["database"].startswith("SQLite")
    assert not (tmp_path / "home" / "aftersales.sqlite3").exists()   # the user's database was never made


@pytest.mark.postgres
def test_bench_on_postgres_drops_its_database(tmp_path):
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("DATABASE_URL does not name a PostgreSQL server")
    result, proc = bench(tmp_path, "--database-url", url)
    check(result)
    assert result["database"].startswith("PostgreSQL")
    import psycopg

    with psycopg.connect(url, dbname="postgres", autocommit=True) as conn:
        left = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [f"aftersales_bench_{proc.pid}"]).fetchall()
    assert left == []
