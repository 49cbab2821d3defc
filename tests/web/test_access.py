"""Who may open the workbench and act in it: login, membership, organisation, role; the login throttle."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from django.urls import URLPattern, URLResolver

from aftersales.accounts.models import Membership, Role
from aftersales.cases.models import Case, TimelineEvent
from aftersales.web import urls as web_urls
from aftersales.web.access import SESSION_KEY
from tests.web.conftest import PASSWORD, login

pytestmark = pytest.mark.django_db
PUBLIC = {"login", "logout"}


def _patterns(patterns):
    """Every URL pattern, those of included modules (urls_supervisor) too."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns)
        else:
            assert isinstance(pattern, URLPattern)
            yield pattern


def test_every_workbench_view_but_login_and_logout_requires_a_membership():
    names = set()
    for pattern in _patterns(web_urls.urlpatterns):
        names.add(pattern.name)
        if pattern.name not in PUBLIC:
            assert getattr(pattern.callback, "member_required", False), f"{pattern.name} lacks @member_required"
    assert {"queue", "supervisor-board", "config"} <= names


def test_anonymous_visitors_are_sent_to_the_login_page(client, a):
    case = a.case()
    for path in ("/", "/queue/rows/", f"/cases/{case.pk}/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/?next=")
    assert client.post(f"/cases/{case.pk}/assign/", {"to": "me"}).status_code == 302
    assert Case.objects.get(pk=case.pk).assignee is None


def test_an_htmx_poll_after_the_session_ended_redirects_the_whole_page(client, a):
    response = client.get("/queue/rows/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith("/login/?next=")


def test_a_user_without_membership_gets_a_clear_403(client, django_user_model):
    user = django_user_model.objects.create_user("loner", password=PASSWORD)
    login(client, user)
    response = client.get("/", headers={"Accept-Language": "en"})
    assert response.status_code == 403
    assert "does not belong to any merchant" in response.content.decode()


def test_a_member_of_b_never_sees_the_cases_of_a(client, a, b):
    mine, theirs = b.case(), a.case()
    login(client, b.person(Role.OWNER))
    page = client.get("/").content.decode()
    assert mine.number in page and theirs.number not in page
    assert client.get(f"/cases/{theirs.pk}/").status_code == 404
    assert client.get(f"/cases/{mine.pk}/").status_code == 200
    # searching for A's order or case number finds nothing either
    assert theirs.number not in client.get("/", {"q": theirs.order.external_id}).content.decode()
    assert theirs.number not in client.get("/queue/rows/", {"q": theirs.number}).content.decode()
    # nor can B act on it
    response = client.post(f"/cases/{theirs.pk}/assign/", {"to": "me"})
    assert response.status_code == 404
    assert Case.objects.get(pk=theirs.pk).assignee is None


def test_a_member_of_two_organisations_switches_between_them(client, a, b):
    user = a.person(Role.AGENT)
    Membership.objects.create(user=user, organisation=b.org, role=Role.SUPERVISOR)
    case_a, case_b = a.case(), b.case()
    login(client, user)
    first = client.get("/").content.decode()
    assert case_a.number in first and case_b.number not in first     # "Merchant A" sorts first
    response = client.post("/organisation/", {"organisation": b.org.pk})
    assert response.status_code == 302 and client.session[SESSION_KEY] == b.org.pk
    second = client.get("/").content.decode()
    assert case_b.number in second and case_a.number not in second


def test_one_cannot_switch_to_an_organisation_one_is_not_in(client, a, b):
    login(client, a.person(Role.OWNER))
    assert client.post("/organisation/", {"organisation": b.org.pk}).status_code == 403
    assert SESSION_KEY not in client.session


@pytest.mark.parametrize("role, allowed", [
    pytest.param(Role.AGENT, True, id="agent-claims"),
    pytest.param(Role.WAREHOUSE, True, id="warehouse-claims"),
    pytest.param(Role.SUPERVISOR, True, id="supervisor-claims"),
    pytest.param(Role.OWNER, True, id="owner-claims"),
    pytest.param(Role.FINANCE, False, id="finance-works-no-cases"),
])
def test_claiming_an_unassigned_case_by_role(client, a, role, allowed):
    case = a.case()
    user = a.person(role)
    login(client, user)
    response = client.post(f"/cases/{case.pk}/assign/", {"to": "me", "from": "queue"}, headers={"HX-Request": "true"})
    case.refresh_from_db()
    if allowed:
        assert response.status_code == 200
        assert case.assignee == user
        assert TimelineEvent.objects.filter(case=case, kind="assigned").exists()
    else:
        assert response.status_code == 403
        assert response["HX-Retarget"] == "#flash"
        assert case.assignee is None


def test_an_agent_cannot_take_a_colleagues_case_but_a_supervisor_can_reassign(client, a):
    case = a.case()
    colleague, agent, supervisor = a.person(Role.AGENT), a.person(Role.AGENT), a.person(Role.SUPERVISOR)
    login(client, colleague)
    client.post(f"/cases/{case.pk}/assign/", {"to": "me"})
    login(client, agent)
    assert client.post(f"/cases/{case.pk}/assign/", {"to": "me"}, headers={"HX-Request": "true"}).status_code == 403
    assert client.post(f"/cases/{case.pk}/assign/", {"to": "nobody"}).status_code == 403
    assert Case.objects.get(pk=case.pk).assignee == colleague
    login(client, supervisor)
    response = client.post(f"/cases/{case.pk}/assign/", {"to": str(agent.pk)})
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    assert Case.objects.get(pk=case.pk).assignee == agent


def test_assigning_to_someone_outside_the_organisation_is_refused(client, a, b):
    case = a.case()
    login(client, a.person(Role.SUPERVISOR))
    outsider = b.person(Role.AGENT)
    assert client.post(f"/cases/{case.pk}/assign/", {"to": str(outsider.pk)}).status_code == 422
    assert Case.objects.get(pk=case.pk).assignee is None


def test_assign_takes_posts_only_with_the_csrf_token(a):
    from django.test import Client

    case = a.case()
    client = Client(enforce_csrf_checks=True)
    login(client, a.person(Role.AGENT))
    assert client.get(f"/cases/{case.pk}/assign/").status_code == 405
    assert client.post(f"/cases/{case.pk}/assign/", {"to": "me"}).status_code == 403
    assert Case.objects.get(pk=case.pk).assignee is None


# ---------------------------------------------------------------------------------------------
# Logging in

def attempt(client, username, password, ip="10.0.0.1"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip,
                       headers={"Accept-Language": "en"})


def test_logging_in_leads_to_the_queue(client, a):
    a.person(Role.AGENT, "mei")
    response = attempt(client, "mei", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_a_wrong_password_says_so(client, a):
    a.person(Role.AGENT, "mei")
    response = attempt(client, "mei", "wrong")
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_the_sixth_failure_in_a_row_is_throttled_even_with_the_right_password(client, a, settings):
    a.person(Role.AGENT, "mei")
    for _ in range(settings.LOGIN_MAX_FAILURES):
        assert "correct username and password" in attempt(client, "mei", "wrong").content.decode()
    for password in ("wrong", PASSWORD):
        response = attempt(client, "mei", password)
        assert response.status_code == 200
        assert "Too many failed log-ins" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # another address, or another user name from this one, is not held back
    assert attempt(client, "mei", PASSWORD, ip="10.0.0.2").status_code == 302


def test_the_lock_lifts_after_the_window(client, a, settings):
    import time_machine

    a.person(Role.AGENT, "mei")
    # the local-memory cache's expiry follows time.time(), which time_machine moves
    with time_machine.travel(datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc), tick=False) as traveller:
        for _ in range(settings.LOGIN_MAX_FAILURES):
            attempt(client, "mei", "wrong")
        assert "Too many failed" in attempt(client, "mei", PASSWORD).content.decode()
        traveller.shift(settings.LOGIN_LOCKOUT_MINUTES * 60 + 1)
        assert attempt(client, "mei", PASSWORD).status_code == 302


def test_a_success_forgets_earlier_failures(client, a, settings):
    a.person(Role.AGENT, "mei")
    for _ in range(settings.LOGIN_MAX_FAILURES - 1):
        attempt(client, "mei", "wrong")
    assert attempt(client, "mei", PASSWORD).status_code == 302
    client.post("/logout/")
    for _ in range(settings.LOGIN_MAX_FAILURES - 1):
        attempt(client, "mei", "wrong")
    assert attempt(client, "mei", PASSWORD).status_code == 302


def test_the_admin_and_the_api_still_answer(client, a):
    assert client.get("/admin/login/").status_code == 200
    assert client.get("/api/v1/openapi.json").status_code == 200
    assert client.get("/api/v1/cases").status_code == 401
