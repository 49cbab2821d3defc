"""The queue: filters, three sort orders, and a cursor that pages without duplicates or gaps."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aftersales.cases.models import Case
from tests.api.conftest import NOW, error

pytestmark = pytest.mark.django_db


def walk(api, limit, **params):
    """Every page of the queue: (ids in order, number of pages)."""
    ids, cursor, pages = [], None, 0
    while True:
        response = api.get("/cases", {**params, "limit": limit, **({"cursor": cursor} if cursor else {})})
        assert response.status_code == 200, response.content
        body = response.json()
        assert len(body["items"]) <= limit
        ids += [c["id"] for c in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            return ids, pages
        assert pages < 100


@pytest.fixture
def many(a):
    """23 cases with priorities, deadlines and creation times that tie, so the id breaks the ties."""
    cases = [a.case() for _ in range(23)]
    for i, case in enumerate(cases):
        Case.objects.filter(pk=case.pk).update(
            priority=(i * 7) % 4 * 100,
            next_due_at=None if i % 5 == 0 else NOW + timedelta(hours=(i * 3) % 6),
            created_at=NOW - timedelta(days=(i * 5) % 3))
    return Case.objects.filter(organisation=a.org)


@pytest.mark.parametrize("sort, expected", [
    pytest.param("priority", lambda qs: qs.order_by("-priority", "-id"), id="priority-desc-then-newest"),
    pytest.param("due", lambda qs: sorted(qs, key=lambda c: (c.next_due_at is None, c.next_due_at or NOW, c.id)),
                 id="due-soonest-first-without-deadline-last"),
    pytest.param("created", lambda qs: qs.order_by("-created_at", "-id"), id="created-newest-first"),
])
@pytest.mark.parametrize("limit", [1, 4, 25])
def test_pages_cover_the_queue_once_in_order(a, many, sort, expected, limit):
    ids, pages = walk(a.api, limit, sort=sort)
    assert ids == [c.id for c in expected(many)]
    assert len(ids) == len(set(ids)) == 23
    assert pages == -(-23 // limit)


def test_the_default_is_the_open_cases_by_priority(a, many):
    closed = many.order_by("id").first()
    Case.objects.filter(pk=closed.pk).update(is_open=False, state="closed")
    body = a.api.get("/cases").json()
    assert [c["id"] for c in body["items"]] == [c.id for c in many.filter(is_open=True).order_by("-priority", "-id")]
    assert body["next_cursor"] is None
    assert [c["id"] for c in a.api.get("/cases", {"open": "false"}).json()["items"]] == [closed.pk]
    assert len(a.api.get("/cases", {"open": "all"}).json()["items"]) == 23


def test_filters(a):
    own = a.case("return_refund")
    refund = a.case("refund_only")
    market = a.case("return_refund", shop=a.marketplace, platform_case_id="DY-9")
    Case.objects.filter(pk=own.pk).update(problem_type="size", priority_band="high",
                                          next_due_at=NOW + timedelta(hours=2))
    Case.objects.filter(pk=refund.pk).update(state="refund_in_progress", next_due_at=NOW + timedelta(days=3))
    Case.objects.filter(pk=market.pk).update(state="awaiting_buyer_return", next_due_at=None)

    def ids(**params):
        response = a.api.get("/cases", params)
        assert response.status_code == 200, response.content
        return sorted(c["id"] for c in response.json()["items"])

    assert ids(shop=a.marketplace.pk) == [market.pk]
    assert ids(platform="own_store") == sorted([own.pk, refund.pk])
    assert ids(state="refund_in_progress") == [refund.pk]
    assert ids(state="refund_in_progress,awaiting_buyer_return") == sorted([refund.pk, market.pk])
    assert ids(type="refund_only") == [refund.pk]
    assert ids(problem_type="size") == [own.pk]
    assert ids(priority_band="high") == [own.pk]
    assert ids(deadline_before=(NOW + timedelta(hours=3)).isoformat()) == [own.pk]
    # "+08:00" sent without URL-encoding arrives as " 08:00"
    assert ids(deadline_before="2026-11-20T13:00:00 08:00") == [own.pk]
    assert ids(q=own.number) == [own.pk]
    assert ids(q=str(own.pk)) == [own.pk]
    assert ids(q=market.order.external_id) == [market.pk]
    assert ids(q="DY-9") == [market.pk]
    assert ids(q="nothing-like-this") == []


def test_repeated_state_parameters(a):
    one, two, _third = a.case(), a.case(), a.case()  # the third stays awaiting review
    Case.objects.filter(pk=one.pk).update(state="refund_in_progress")
    Case.objects.filter(pk=two.pk).update(state="awaiting_buyer_return")
    response = a.api.client.get("/api/v1/cases?state=refund_in_progress&state=awaiting_buyer_return",
                                headers=a.api.headers)
    assert sorted(c["id"] for c in response.json()["items"]) == sorted([one.pk, two.pk])


@pytest.mark.parametrize("params, field", [
    pytest.param({"limit": 1000}, "limit", id="huge-page"),
    pytest.param({"limit": 0}, "limit", id="empty-page"),
    pytest.param({"limit": "ten"}, "limit", id="limit-not-a-number"),
    pytest.param({"state": "teleported"}, "state", id="unknown-state"),
    pytest.param({"platform": "ebay"}, "platform", id="unknown-platform"),
    pytest.param({"type": "teleport"}, "type", id="unknown-type"),
    pytest.param({"priority_band": "urgent!"}, "priority_band", id="unknown-band"),
    pytest.param({"sort": "random"}, "sort", id="unknown-sort"),
    pytest.param({"open": "maybe"}, "open", id="open-not-a-choice"),
    pytest.param({"deadline_before": "next tuesday"}, "deadline_before", id="bad-date"),
    pytest.param({"deadline_before": "2026-11-20T10:00:00"}, "deadline_before", id="date-without-offset"),
    pytest.param({"deadline_before": "0001-01-01T00:00:00+01:00"}, "deadline_before", id="date-out-of-range"),
    pytest.param({"shop": "-3"}, "shop", id="negative-shop"),
    pytest.param({"q": "AS\x001"}, "q", id="nul-in-search"),
    pytest.param({"cursor": "!!!not-base64"}, "cursor", id="cursor-not-base64"),
    pytest.param({"cursor": base64.urlsafe_b64encode(b"{}").decode()}, "cursor", id="cursor-not-ours"),
    pytest.param({"cursor": base64.urlsafe_b64encode(json.dumps(["due", None, 5]).encode()).decode()},
                 "cursor", id="cursor-of-another-sort"),
    pytest.param({"cursor": base64.urlsafe_b64encode(json.dumps(["priority", "x", 5]).encode()).decode()},
                 "cursor", id="cursor-with-a-bad-key"),
    pytest.param({"cursor": base64.urlsafe_b64encode(json.dumps(["created", "2026-01-01", 5]).encode()).decode(),
                  "sort": "created"}, "cursor", id="cursor-with-a-naive-time"),
    pytest.param({"cursor": base64.urlsafe_b64encode(json.dumps(["created", "0001-01-01T00:00:00+05:00", 5])
                                                     .encode()).decode(), "sort": "created"},
                 "cursor", id="cursor-with-a-time-out-of-range"),
])
def test_bad_queue_parameters_are_422_by_field(a, params, field):
    response = a.api.get("/cases", params)
    assert response.status_code == 422, response.content
    err = error(response)
    assert err["code"] == "validation.failed"
    assert field in err["fields"], err


def test_a_page_costs_the_same_few_queries_however_many_rows(a, many):
    a.api.get("/shops")   # the token's last_used_at is written on the first request of the minute
    with CaptureQueriesContext(connection) as first:
        a.api.get("/cases", {"limit": 5})
    with CaptureQueriesContext(connection) as full:
        a.api.get("/cases", {"limit": 100})
    assert len(full.captured_queries) == len(first.captured_queries)
    listing = [q["sql"] for q in full.captured_queries if 'FROM "cases_case"' in q["sql"]]
    assert len(listing) == 1
    assert "COUNT(" not in listing[0].upper()
    assert '"cases_case"."platform_payload"' not in listing[0]     # .only() what the list shows
    assert "LIMIT 101" in listing[0]
