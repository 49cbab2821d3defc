"""The dashboard, the review page and the exports: permissions, tenants, and the files' rows."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from openpyxl import load_workbook

from aftersales.cases.models import Message
from tests.analytics.conftest import NOW, W47, case_at, parcels
from tests.factories import make_sku
from tests.web.conftest import merchant

pytestmark = pytest.mark.django_db


@pytest.fixture
def a():
    m = merchant("Merchant A")
    m.person("owner")
    m.person("agent")
    return m


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def _sheets(response) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


def test_queue_export_csv_and_excel_hold_the_filtered_cases_of_the_organisation(client, a, frozen):
    mine = [a.case(), a.case(), a.case(shop=a.douyin)]
    other = merchant("Merchant B")
    other.case()
    client.force_login(a.people["agent"])
    rows = _csv(client.get("/queue/export.csv"))
    assert rows[0][:3] == ["case", "shop", "platform"]
    assert sorted(r[0] for r in rows[1:]) == sorted(c.number for c in mine)
    filtered = _csv(client.get(f"/queue/export.csv?shop={a.douyin.pk}"))
    assert [r[0] for r in filtered[1:]] == [mine[2].number]
    response = client.get(f"/queue/export.xlsx?shop={a.own.pk}")
    assert response["Content-Disposition"].startswith('attachment; filename="queue.xlsx"')
    (sheet,) = _sheets(response).values()
    assert sheet[0][0] == "case" and sorted(r[0] for r in sheet[1:]) == sorted(c.number for c in mine[:2])
    assert client.get("/queue/export.pdf").status_code == 404


def test_reports_are_for_owners_and_supervisors(client, a, frozen):
    client.force_login(a.people["agent"])
    assert client.get("/analytics/").status_code == 403
    assert client.get("/analytics/review/export.csv").status_code == 403
    client.logout()
    assert client.get("/analytics/").status_code == 302


def test_dashboard_and_review_with_their_exports(client, a, frozen):
    dress = make_sku(a.own, "DRESS-S")
    for weeks_ago in (2, 1, 0):
        for hour in (1, 2):
            case = case_at(a.own, dress, W47 - timedelta(weeks=weeks_ago) + timedelta(hours=hour))
    Message.objects.create(case=case, channel="portal", author="buyer", body="hello", created_at=W47)
    parcels(a.org, "zto", 10, W47 + timedelta(hours=2), lost=2)
    client.force_login(a.people["owner"])

    page = client.get("/analytics/?weeks=4")
    assert page.status_code == 200
    data = page.context["data"]
    assert data["top_skus"][0]["sku"] == "DRESS-S" and data["top_skus"][0]["cases"] == 6
    assert sum(map(sum, data["heatmap"])) == 1 and data["carriers"][0]["loss_pct"] == 20.0
    assert b"chart-4.6.1.umd.min.js" in page.content and b'id="dashboard-data"' in page.content
    other = merchant("Merchant B")
    assert client.get(f"/analytics/?shop={other.own.pk}").context["filters"].shop is None   # not theirs: ignored

    sheets = _sheets(client.get("/analytics/export.xlsx?weeks=4"))
    assert ("DRESS-S", "no_reason.size_fit", 6) in sheets["top_skus"]
    assert sheets["carriers"][1][:5] == ("zto", 10, 2, 2, 0)

    review = client.get("/analytics/review/?week=2026-W47")
    assert review.status_code == 200
    text = review.content.decode()   # the default language: zh-hans
    assert "建议在商品页加尺码说明" in text and "建议考虑更换快递" in text
    rows = _csv(client.get("/analytics/review/export.csv?week=2026-W47"))
    assert ["# alerts"] in rows and any(r[:2] == ["sku", "DRESS-S"] for r in rows)
    assert client.get("/analytics/review/export.pdf?week=2026-W47").content.startswith(b"%PDF")
