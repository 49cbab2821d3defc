"""Two merchants, each with shops, a token and orders, and a client that speaks the API."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
import time_machine
from django.test import Client

from aftersales.accounts.models import ApiToken, Organisation, Role
from aftersales.catalog.models import Shop
from aftersales.cases.intake import CaseIn, submit_case
from aftersales.cases.permissions import Who
from tests.factories import make_order, make_org, make_shop

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc)   # a Friday, 10:00 in Shanghai


class Api:
    """A test client with the bearer token and JSON bodies; paths are relative to /api/v1."""

    def __init__(self, token: str | None = None, client: Client | None = None):
        self.client = client or Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path: str, params=None, **headers):
        return self.client.get(f"/api/v1{path}", params or {}, headers={**self.headers, **headers})

    def post(self, path: str, body=None, *, raw: str | bytes | None = None, **headers):
        data = raw if raw is not None else json.dumps(body if body is not None else {}, default=str)
        return self.client.post(f"/api/v1{path}", data, content_type="application/json",
                                headers={**self.headers, **headers})

    def upload(self, path: str, files: dict, **headers):
        return self.client.post(f"/api/v1{path}", files, headers={**self.headers, **headers})


@dataclass
class Tenant:
    org: Organisation
    shop: Shop              # own store, nothing approved automatically
    marketplace: Shop       # Douyin
    token: str              # an owner's token
    api: Api

    def token_for(self, role: str) -> Api:
        _, raw = ApiToken.issue(self.org, f"{role} token", role=role)
        return Api(raw)

    def order(self, shop: Shop | None = None, **kw):
        kw.setdefault("placed_at", NOW - timedelta(days=4))
        return make_order(shop or self.shop, **kw)

    def case(self, case_type: str = "return_refund", *, shop: Shop | None = None, order=None, **kw):
        """A case made through the intake service (fast; the API's own intake is tested separately)."""
        shop = shop or self.shop
        order = order or self.order(shop, price=kw.pop("price", "199.00"))
        case, _ = submit_case(self.org, CaseIn(
            shop_id=shop.pk, order_external_id=order.external_id, case_type=case_type,
            reason_code=kw.pop("reason_code", "no_reason.unwanted"), **kw), Who.buyer())
        return case


def _tenant(name: str) -> Tenant:
    org = make_org(name)
    shop = make_shop(org, "own_store", auto_approve_small_return_max=Decimal("0"),
                     auto_approve_unshipped_refund=False)
    marketplace = make_shop(org, "douyin", auto_approve_small_return_max=Decimal("0"),
                            auto_approve_unshipped_refund=False)
    _, raw = ApiToken.issue(org, "ci", role=Role.OWNER)
    return Tenant(org, shop, marketplace, raw, Api(raw))


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def a(db) -> Tenant:
    return _tenant("Merchant A")


@pytest.fixture
def b(db) -> Tenant:
    return _tenant("Merchant B")


def error(response) -> dict:
    """The error object of an error response, checking its shape on the way."""
    body = response.json()
    assert set(body) == {"error"}, body
    assert {"code", "message", "message_zh", "fields"} <= set(body["error"]), body
    return body["error"]
