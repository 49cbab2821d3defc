"""The team's follow-up list (/follow-ups/): due follow-ups of the organisation, unhappy buyers first
with their words, marked done with an outcome; nothing of another organisation."""

from __future__ import annotations

from datetime import timedelta

import pytest

from aftersales import clock
from aftersales.accounts.models import Role
from aftersales.cases.models import FollowUp, TimelineEvent
from tests.web.conftest import login

pytestmark = pytest.mark.django_db
EN = {"Accept-Language": "en"}


def follow_up(case, *, hours_ago: int = 1, **kw) -> FollowUp:
    return FollowUp.objects.create(case=case, due_at=clock.now() - timedelta(hours=hours_ago), **kw)


def test_due_follow_ups_are_listed_unhappy_first_and_only_the_organisations_own(client, a, b):
    quiet, unhappy, later, foreign = a.case(), a.case(), a.case(), b.case()
    follow_up(quiet, hours_ago=30)
    follow_up(unhappy, hours_ago=2, satisfied=False, buyer_comment="换的码还是太小",
              answered_at=clock.now() - timedelta(hours=1))
    follow_up(later, hours_ago=-24)                         # not due yet
    follow_up(foreign, hours_ago=5, satisfied=False, buyer_comment="other shop's buyer")
    login(client, a.person(Role.AGENT))
    html = client.get("/follow-ups/", headers=EN).content.decode()
    assert html.index(unhappy.number) < html.index(quiet.number)       # the unhappy buyer first
    assert "换的码还是太小" in html and "Not satisfied" in html
    assert later.number not in html
    assert foreign.number not in html and "other shop's buyer" not in html
    assert 'href="/follow-ups/"' in client.get("/", headers=EN).content.decode()   # in the main menu


def test_marking_done_needs_an_outcome_and_writes_the_timeline(client, a):
    case = a.case()
    fu = follow_up(case, satisfied=False, buyer_comment="still broken")
    login(client, a.person(Role.AGENT))
    response = client.post(f"/follow-ups/{case.pk}/done/", {"outcome": "  "}, headers=EN, follow=True)
    assert "Say what you did" in response.content.decode()
    fu.refresh_from_db()
    assert fu.done_at is None

    response = client.post(f"/follow-ups/{case.pk}/done/", {"outcome": "called; a new one ships today"},
                           headers=EN, follow=True)
    assert response.status_code == 200 and "Follow-up done." in response.content.decode()
    fu.refresh_from_db()
    assert fu.done_at is not None and fu.outcome == "called; a new one ships today"
    assert TimelineEvent.objects.filter(case=case, kind="follow_up").exists()
    assert case.number not in client.get("/follow-ups/").content.decode()


def test_another_organisations_case_cannot_be_marked_done(client, a, b):
    foreign = b.case()
    fu = follow_up(foreign)
    login(client, a.person(Role.AGENT))
    response = client.post(f"/follow-ups/{foreign.pk}/done/", {"outcome": "x"})
    assert response.status_code == 404
    fu.refresh_from_db()
    assert fu.done_at is None


def test_the_list_needs_a_login(client):
    response = client.get("/follow-ups/")
    assert response.status_code == 302 and "/login/" in response["Location"]
