"""Shops of the four platforms connected to the recording fake, and a way to play events at them
through the real webhook endpoint (signed as the platform signs) and then run the queue's work."""

from __future__ import annotations

import itertools

from datetime import datetime, timezone
from decimal import Decimal

import pytest
import time_machine

from aftersales.connectors import ingest
from aftersales.connectors.demo import DEMO_TARGETS, SHOPIFY_SHOP
from aftersales.connectors.models import EventStatus, InboundEvent
from aftersales.connectors.services import connect_shop
from aftersales.connectors.simulator import Send, wire
from tests.factories import make_org, make_shop, make_sku

T0 = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)    # Tue 24 Nov, 10:00 in Shanghai


@pytest.fixture
def frozen():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


class Platforms:
    def __init__(self, org, shops, conns):
        self.org, self.shops, self.conns = org, shops, conns

    def post(self, client, platform: str, sends: list[Send], *, bad: bool = False, target=None):
        path, body, headers = wire(target or DEMO_TARGETS[platform], sends, bad_signature=bad)
        extra = {("HTTP_" + k.upper().replace("-", "_")): v for k, v in headers.items()}
        return client.post(path, data=body, content_type="application/json", **extra)

    def play(self, client, platform: str, events, *, process: bool = True):
        """Post each (kind, event_id, payload, ts) and process what was stored; the responses."""
        out = []
        for kind, event_id, payload, ts in events:
            ts = ts or next(_clock)          # platform time stamps that go forward (Shopify's header)
            out.append(self.post(client, platform, [Send(0, 0, platform, kind, event_id, payload, ts)]))
        if process:
            run_queue()
        return out


_clock = itertools.count(1796000000, 60)


def run_queue() -> dict:
    ids = list(InboundEvent.objects.filter(status__in=[EventStatus.PENDING, EventStatus.WAITING])
               .values_list("pk", flat=True))
    return ingest.process(ids)


@pytest.fixture
def platforms(db):
    org = make_org("Connected merchant")
    shops = {
        "douyin": make_shop(org, "douyin", auto_approve_small_return_max=Decimal("0"),
                            auto_approve_unshipped_refund=False, return_address="杭州市余杭区良睦路 1399 号",
                            return_contact="王仓管", return_phone="0571-8888-0101"),
        "tiktok_shop": make_shop(org, "tiktok_shop", auto_approve_small_return_max=Decimal("0"),
                                 auto_approve_unshipped_refund=False),
        "taobao": make_shop(org, "taobao", auto_approve_small_return_max=Decimal("0"),
                            auto_approve_unshipped_refund=False),
        "shopify": make_shop(org, "own_store", auto_approve_small_return_max=Decimal("0"),
                             auto_approve_unshipped_refund=False),
    }
    shopify = shops["shopify"]
    shopify.platform, shopify.currency, shopify.time_zone = "shopify", "USD", SHOPIFY_SHOP["time_zone"]
    shopify.save()
    for shop in shops.values():
        make_sku(shop, "TEE-CTN", price="79.00")
    conns = {p: connect_shop(shops[p], app_key=t.app_key, secrets={"app_secret": t.app_secret},
                             remote_shop_id=t.shop_key, client_kind="fake") for p, t in DEMO_TARGETS.items()}
    return Platforms(org, shops, conns)
