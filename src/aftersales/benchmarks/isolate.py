"""The throw-away database the benchmark runs on, and the child process that runs it.

The user's database is never opened: the measuring happens in a child process (`aftersales
bench --inner ...`) whose environment names the bench database, so Django's settings load
against it from the start.  SQLite: a file in a new temporary AFTERSALES_HOME.  PostgreSQL: a
database `aftersales_bench_<pid>` created on the server --database-url names, dropped at the end
(also after a failure or Ctrl-C) unless --keep.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Self
from urllib.parse import urlsplit, urlunsplit

PG_SCHEMES = ("postgres", "postgresql", "pgsql")
# Settings of the user's that would send the child elsewhere, or make the HTTP row fail.
_NOT_INHERITED = ("DATABASE_URL", "REDIS_URL", "AFTERSALES_ALLOWED_HOSTS", "AFTERSALES_TASKS_IMMEDIATE")


class BenchDatabase:
    def __init__(self, server_url: str | None, *, keep: bool = False):
        if server_url and urlsplit(server_url).scheme not in PG_SCHEMES:
            raise ValueError(f"--database-url {server_url!r}: give a PostgreSQL server, e.g. "
                             "postgres://postgres@127.0.0.1:5432/postgres (without it the bench uses SQLite)")
        self.server_url = server_url
        self.keep = keep
        self.name = f"aftersales_bench_{os.getpid()}"
        self.home: Path | None = None
        self.url: str | None = None

    def __enter__(self) -> Self:
        self.home = Path(tempfile.mkdtemp(prefix="aftersales-bench-"))
        if self.server_url:
            self._admin(f'CREATE DATABASE "{self.name}"')
            parts = urlsplit(self.server_url)
            self.url = urlunsplit((parts.scheme, parts.netloc, "/" + self.name, parts.query, ""))
        return self

    def __exit__(self, *exc) -> None:
        if self.keep:
            return
        if self.url:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        if self.home:
            shutil.rmtree(self.home, ignore_errors=True)

    def _admin(self, statement: str) -> None:
        import psycopg

        try:
            conn = psycopg.connect(self.server_url, autocommit=True)
        except psycopg.OperationalError:
            # The URL's database may not exist (yet): the server's maintenance database will do,
            # as Django's test runner does.
            conn = psycopg.connect(self.server_url, dbname="postgres", autocommit=True)
        with conn:
            conn.execute(statement)

    @property
    def where(self) -> str:
        if self.url:
            return f"PostgreSQL database {self.url}"
        return f"SQLite file {self.home / 'aftersales.sqlite3'}"

    def environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in _NOT_INHERITED}
        env["AFTERSALES_HOME"] = str(self.home)
        env["DJANGO_SETTINGS_MODULE"] = "aftersales.settings"
        if self.url:
            env["DATABASE_URL"] = self.url
        return env

    def run_child(self, args: list[str]) -> int:
        """`aftersales bench ARGS` in a child process on this database; its output goes to our
        stderr, so that our stdout carries only the table or the JSON."""
        try:
            out = sys.stderr.fileno()
        except (AttributeError, OSError, ValueError):
            out = None
        return subprocess.run([sys.executable, "-m", "aftersales.cli", "bench", *args], env=self.environment(),
                              stdout=out, stderr=out, check=False).returncode
