"""Who may call: a live token of the organisation, or a signed-in member; nobody else."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client

from aftersales.accounts.models import ApiToken, Membership, Role
from tests.api.conftest import NOW, Api, error

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("headers", [
    pytest.param({}, id="no-credentials"),
    pytest.param({"Authorization": "Bearer as_not-a-real-token"}, id="unknown-token"),
    pytest.param({"Authorization": "Bearer "}, id="empty-token"),
    pytest.param({"Authorization": "Basic dXNlcjpwYXNz"}, id="wrong-scheme"),
])
def test_without_a_valid_token_every_endpoint_says_401(a, headers):
    api = Api()
    for method, path in [("get", "/cases"), ("get", "/shops"), ("post", "/cases"), ("post", "/orders")]:
        response = getattr(api, method)(path, **headers)
        assert response.status_code == 401, (path, response.content)
        assert error(response)["code"] == "auth.required"
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_is_refused(a):
    assert a.api.get("/shops").status_code == 200
    ApiToken.objects.filter(organisation=a.org).update(revoked_at=NOW)
    response = a.api.get("/shops")
    assert response.status_code == 401
    assert error(response)["code"] == "auth.required"


def test_last_used_is_written_at_most_once_a_minute(a):
    token = ApiToken.objects.get(organisation=a.org)
    assert token.last_used_at is None
    a.api.get("/shops")
    token.refresh_from_db()
    assert token.last_used_at == NOW
    with time_machine.travel(NOW + timedelta(seconds=30), tick=False):
        a.api.get("/shops")
    token.refresh_from_db()
    assert token.last_used_at == NOW
    with time_machine.travel(NOW + timedelta(seconds=61), tick=False):
        a.api.get("/shops")
    token.refresh_from_db()
    assert token.last_used_at == NOW + timedelta(seconds=61)


def _member(tenant, role=Role.AGENT, **kw):
    user = get_user_model().objects.create_user(f"{role}-{tenant.org.slug}", password="x-long-password")
    Membership.objects.create(user=user, organisation=tenant.org, role=role, **kw)
    return user


def test_a_signed_in_member_uses_the_session(a):
    client = Client()
    client.force_login(_member(a))
    response = client.get("/api/v1/shops")
    assert response.status_code == 200
    assert [s["id"] for s in response.json()] == [a.shop.pk, a.marketplace.pk]


def test_a_session_must_send_its_csrf_token_to_change_anything(a):
    case = a.case()
    client = Client(enforce_csrf_checks=True)
    client.force_login(_member(a))
    api = Api(client=client)
    refused = api.post(f"/cases/{case.pk}/messages", {"body": "hello"})
    assert refused.status_code == 403
    assert error(refused)["code"] == "auth.csrf_failed"
    client.get("/admin/login/")   # any page that renders a form sets the cookie
    token = client.cookies["csrftoken"].value
    accepted = api.post(f"/cases/{case.pk}/messages", {"body": "hello"}, **{"X-CSRFToken": token})
    assert accepted.status_code == 201, accepted.content


def test_a_user_of_no_organisation_or_of_several_is_refused(a, b):
    lonely = get_user_model().objects.create_user("lonely", password="x-long-password")
    both = _member(a)
    Membership.objects.create(user=both, organisation=b.org, role=Role.AGENT)
    for user in (lonely, both):
        client = Client()
        client.force_login(user)
        response = client.get("/api/v1/cases")
        assert response.status_code == 403
        assert error(response)["code"] == "auth.no_organisation"


def test_admin_pages_are_still_served(db):
    assert Client().get("/admin/login/").status_code == 200
