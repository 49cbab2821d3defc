"""`aftersales createuser` and `aftersales token`."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from aftersales.accounts.models import ApiToken, Membership, Organisation

pytestmark = pytest.mark.django_db
PASSWORD = "a long enough passphrase 42"


def test_createuser_with_a_new_organisation_and_a_role():
    out = StringIO()
    call_command("createuser", "mei", organisation="tea-house", create_organisation="Tea House", role="finance",
                 email="mei@example.com", password=PASSWORD, stdout=out)
    m = Membership.objects.get(user__username="mei")
    assert (m.organisation.name, m.role) == ("Tea House", "finance")
    assert m.user.check_password(PASSWORD) and not m.user.is_staff


def test_createuser_reads_the_password_from_stdin(monkeypatch):
    Organisation.objects.create(name="Acme", slug="acme")
    monkeypatch.setattr("sys.stdin", StringIO(PASSWORD + "\n"))
    call_command("createuser", "lin", organisation="acme", password_stdin=True, stdout=StringIO())
    assert get_user_model().objects.get(username="lin").check_password(PASSWORD)


@pytest.mark.parametrize("kwargs, message", [
    pytest.param({"organisation": "nowhere"}, "no organisation 'nowhere'", id="unknown-organisation"),
    pytest.param({"organisation": "acme", "password": "123"}, "password refused", id="weak-password"),
    pytest.param({"organisation": "acme", "username": "taken"}, "exists already", id="username-taken"),
    pytest.param({"organisation": "acme", "refund_limit": "lots"}, "not an amount", id="bad-limit"),
])
def test_createuser_says_what_is_wrong(kwargs, message):
    Organisation.objects.create(name="Acme", slug="acme")
    get_user_model().objects.create_user("taken", password=PASSWORD)
    kwargs = {"password": PASSWORD, **kwargs}
    username = kwargs.pop("username", "new-person")
    with pytest.raises(CommandError, match=message):
        call_command("createuser", username, stdout=StringIO(), **kwargs)


def test_token_is_printed_once_and_stored_hashed():
    org = Organisation.objects.create(name="Acme", slug="acme")
    out = StringIO()
    call_command("token", organisation="acme", name="ERP sync", stdout=out, stderr=StringIO())
    raw = out.getvalue().strip()
    token = ApiToken.objects.get(organisation=org)
    assert raw.startswith("as_") and token.key_hash == ApiToken.hash(raw) and raw not in token.key_hash
    assert token.name == "ERP sync"


def test_token_needs_a_known_organisation_when_there_are_several():
    Organisation.objects.create(name="A", slug="a")
    Organisation.objects.create(name="B", slug="b")
    with pytest.raises(CommandError, match="several organisations"):
        call_command("token", name="x", stdout=StringIO())
    with pytest.raises(CommandError, match="no organisation 'c'"):
        call_command("token", organisation="c", name="x", stdout=StringIO())
