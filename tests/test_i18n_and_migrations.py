"""Chinese throughout: every model and field name has a translation; the migrations match the models."""

import re
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import translation

OUR_APPS = ["accounts", "catalog", "orders", "cases", "notify", "connectors", "portal", "risk", "assist"]
LATIN_OK = {"API", "SKU", "SKUs", "VIP", "SHA-256"}
CJK = re.compile(r"[\u4e00-\u9fff]")


def labels():
    for label in OUR_APPS:
        for model in apps.get_app_config(label).get_models():
            yield f"{model.__name__}", model._meta.verbose_name
            yield f"{model.__name__} (plural)", model._meta.verbose_name_plural
            for field in model._meta.get_fields():
                if hasattr(field, "verbose_name") and not field.auto_created:
                    yield f"{model.__name__}.{field.name}", field.verbose_name


def test_every_model_and_field_has_a_chinese_name():
    with translation.override("zh-hans"):
        untranslated = [where for where, name in labels() if str(name) not in LATIN_OK and not CJK.search(str(name))]
    assert untranslated == []


def test_english_names_stay_english():
    with translation.override("en"):
        assert str(apps.get_model("cases", "Case")._meta.verbose_name) == "after-sales case"


@pytest.mark.django_db
def test_migrations_match_the_models():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit:   # --check exits non-zero when a migration is missing
        pytest.fail(f"models and migrations differ:\n{out.getvalue()}")
    assert "No changes detected" in out.getvalue()
