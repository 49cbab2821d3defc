"""The installed `aftersales` console script, run for real."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(sys.executable).with_name("aftersales")
pytestmark = pytest.mark.skipif(not SCRIPT.exists(), reason="the console script is not installed in this venv")


def run(tmp_path, *args):
    env = {**os.environ, "AFTERSALES_HOME": str(tmp_path / "home")}
    env.pop("DATABASE_URL", None)
    return subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, env=env, timeout=120)


def test_help_lists_our_commands_with_a_line_each(tmp_path):
    done = run(tmp_path, "--help")
    assert done.returncode == 0, done.stderr
    for name in ("serve", "demo", "worker", "sweep", "import", "createuser", "token"):
        assert f"\n  {name} " in done.stdout
    assert "aftersales migrate" in done.stdout   # Django's own commands are there too


def test_sweep_with_a_bad_time_says_why_and_fails(tmp_path):
    done = run(tmp_path, "sweep", "--now", "next tuesday")
    assert done.returncode == 1
    assert "not an ISO 8601 time" in done.stderr
    assert "Traceback" not in done.stderr


def test_import_of_a_missing_file_is_exit_status_2(tmp_path):
    done = run(tmp_path, "import", str(tmp_path / "nope.csv"))
    assert done.returncode == 2
    assert "no such file" in done.stderr
    assert "Traceback" not in done.stderr


def test_djangos_own_commands_pass_through(tmp_path):
    done = run(tmp_path, "migrate", "--plan")
    assert done.returncode == 0, done.stderr
    assert "cases" in done.stdout
