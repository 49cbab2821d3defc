"""Every environment variable the code reads is documented in docs/SETTINGS.md (STYLE habit 8)."""

import re
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

ROOT = Path(__file__).resolve().parent.parent


def read_variables() -> set[str]:
    found = set()
    for path in (ROOT / "src" / "aftersales").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        found |= set(re.findall(r'env(?:_bool|_int)?\(\s*"([A-Z][A-Z0-9_]+)"', text))
        found |= set(re.findall(r'os\.environ(?:\.get)?[\[(]\s*"((?:AFTERSALES|DATABASE|REDIS)[A-Z0-9_]*)"', text))
    return found


def test_every_setting_is_documented():
    doc = (ROOT / "docs" / "SETTINGS.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", doc, flags=re.M))
    variables = read_variables()
    assert "DATABASE_URL" in variables and "AFTERSALES_HOME" in variables
    assert variables - documented == set(), "document these in docs/SETTINGS.md"


@pytest.mark.parametrize("name,value", [
    pytest.param("AFTERSALES_DEBUG", "maybe", id="bool-garbage"),
    pytest.param("AFTERSALES_SWEEP_INTERVAL", "soon", id="int-garbage"),
])
def test_bad_values_stop_start_up_loudly(monkeypatch, name, value):
    from aftersales import settings as s

    monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=name):
        (s.env_bool if name.endswith("DEBUG") else s.env_int)(name, 0)
