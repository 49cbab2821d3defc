"""The API, the case page's risk panel and the dispute pack; tenants kept apart."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.test import Client

from aftersales.accounts.models import Membership
from aftersales.cases import services
from aftersales.cases.evidence import add_evidence
from aftersales.cases.models import Case, TimelineEvent
from aftersales.cases.permissions import Who
from aftersales.risk.models import BuyerRestriction, CaseRisk
from tests.api.conftest import NOW, a, b, error, frozen, media  # noqa: F401  (fixtures)
from tests.risk.helpers import photo


def member(tenant, role):
    user = get_user_model().objects.create_user(f"{role}-{tenant.org.slug}", password="x")
    Membership.objects.create(user=user, organisation=tenant.org, role=role)
    client = Client()
    client.force_login(user)
    return client


def test_case_risk_and_profile_through_the_api(a):
    case = a.case()
    body = a.api.get(f"/risk/cases/{case.pk}").json()
    assert body["level"] == "low" and body["case_id"] == case.pk
    prof = a.api.get(f"/risk/buyers/{case.buyer_id}").json()
    assert prof["profile"]["cases"] == 1 and prof["restrictions"] == []


def test_restrict_and_lift_through_the_api(a):
    case = a.case()
    body = {"kind": "no_instant_refund", "reason": "two empty boxes", "expires_at": NOW + timedelta(days=30),
            "case_id": case.pk}
    assert a.token_for("agent").post(f"/risk/buyers/{case.buyer_id}/restrictions", body).status_code == 403
    r = a.api.post(f"/risk/buyers/{case.buyer_id}/restrictions", body)
    assert r.status_code == 201, r.content
    rid = r.json()["id"]
    assert TimelineEvent.objects.filter(case=case, kind="risk.restricted").exists()
    bad = a.api.post(f"/risk/buyers/{case.buyer_id}/restrictions", {**body, "expires_at": NOW - timedelta(days=1)})
    assert bad.status_code == 422 and "expires_at" in error(bad)["fields"]
    other = a.case()           # another buyer's case: not where this restriction is noted
    wrong = a.api.post(f"/risk/buyers/{case.buyer_id}/restrictions", {**body, "case_id": other.pk})
    assert wrong.status_code == 422 and "case_id" in error(wrong)["fields"]
    assert a.api.post(f"/risk/restrictions/{rid}/lift").json()["active"] is False


def test_another_organisation_sees_nothing(a, b):
    case = a.case()
    assert b.api.get(f"/risk/cases/{case.pk}").status_code == 404
    assert b.api.get(f"/risk/buyers/{case.buyer_id}").status_code == 404
    assert b.api.get(f"/risk/cases/{case.pk}/dispute-pack").status_code == 404
    r = b.api.post(f"/risk/buyers/{case.buyer_id}/restrictions",
                   {"kind": "hold_orders", "reason": "x", "expires_at": NOW + timedelta(days=1)})
    assert r.status_code == 404 and not BuyerRestriction.objects.exists()


def test_the_dispute_pack_holds_the_pdf_the_originals_and_the_facts(a):
    case = a.case(shop=a.marketplace)
    services.add_message(a.org, case.pk, Who.buyer(), "收到的是空盒子")
    ev, _ = add_evidence(a.org, case.pk, Who.buyer(), photo(5, "box.png"))
    pdf = a.api.get(f"/risk/cases/{case.pk}/dispute-pack", {"format": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    r = a.api.get(f"/risk/cases/{case.pk}/dispute-pack")
    assert r["Content-Type"] == "application/zip"
    z = zipfile.ZipFile(io.BytesIO(r.content))
    names = z.namelist()
    assert f"{case.number}.pdf" in names and "case.json" in names
    member_name = next(n for n in names if n.startswith("evidence/"))
    assert z.read(member_name) == ev.file.open("rb").read()
    facts = json.loads(z.read("case.json"))
    keys = [s["key"] for s in facts["sections"]]
    assert keys[:2] == ["order", "tracking"] and {"conversation", "evidence", "inspection", "policy",
                                                   "timeline"} <= set(keys)
    conversation = next(s for s in facts["sections"] if s["key"] == "conversation")
    assert any("空盒子" in row[2] for row in conversation["rows"])
    assert a.token_for("finance").get(f"/risk/cases/{case.pk}/dispute-pack").status_code == 403


def test_the_case_page_shows_the_panel_and_writes_nothing(a):
    case = a.case()
    CaseRisk.objects.filter(case=case).delete()      # a case from before the risk app
    client = member(a, "supervisor")
    page = client.get(f"/cases/{case.pk}/")
    assert page.status_code == 200
    assert "/risk/score/" in page.content.decode()
    assert not CaseRisk.objects.filter(case=case).exists()
    client.post(f"/cases/{case.pk}/risk/score/")
    assert CaseRisk.objects.filter(case=case).exists()
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "/risk/restrict/" in page and "dispute-pack" in page


def test_the_panel_restricts_and_an_agent_may_not(a):
    case = a.case()
    agent = member(a, "agent")
    r = agent.post(f"/cases/{case.pk}/risk/restrict/", {"kind": "hold_orders", "days": "7", "reason": "x"})
    assert r.status_code == 403 and not BuyerRestriction.objects.exists()
    sup = member(a, "supervisor")
    r = sup.post(f"/cases/{case.pk}/risk/restrict/", {"kind": "hold_orders", "days": "7", "reason": "swapped item"})
    assert r.status_code == 302 and BuyerRestriction.objects.get().reason == "swapped item"
    assert "swapped item" in sup.get(f"/cases/{case.pk}/").content.decode()
    assert sup.get(f"/cases/{case.pk}/dispute-pack/?format=pdf").content.startswith(b"%PDF")
    other = a.case()
    assert Case.objects.count() == 2 and other.pk


def test_the_queue_shows_a_risk_badge_with_one_query_for_the_page(a):
    cases = [a.case() for _ in range(4)]
    CaseRisk.objects.filter(case=cases[0]).update(level="high")
    CaseRisk.objects.filter(case=cases[1]).update(level="medium")
    client = member(a, "supervisor")
    page = client.get("/").content.decode()
    assert page.count("risk-badge risk-high") == 1 and page.count("risk-badge risk-medium") == 1
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get("/")
    assert sum(1 for q in ctx.captured_queries if "risk_caserisk" in q["sql"]) == 1
