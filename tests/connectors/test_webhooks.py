"""The webhook endpoints: each platform's signature scheme, the recorded attempts, the acknowledgement."""

from __future__ import annotations

import pytest

from aftersales.cases.models import Case
from aftersales.connectors.models import DeliveryOutcome, InboundEvent, WebhookDelivery
from aftersales.connectors.simulator import Send
from tests.connectors import payloads as P
from tests.connectors.conftest import run_queue

ONE = {
    "douyin": ("200", "dy-msg-1", P.DOUYIN_REFUND_CREATED, {"code": 0, "msg": "success"}),
    "tiktok_shop": ("12", "tts-1", P.TIKTOK_RETURN_PENDING, {}),
    "taobao": ("taobao_refund_RefundCreated", "91000001", P.TAOBAO_REFUND_CREATED, {"success": True}),
    "shopify": ("returns/request", "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043", P.SHOPIFY_RETURN_REQUEST, {}),
}


def send(platform):
    kind, event_id, payload, _ = ONE[platform]
    return Send(0, 0, platform, kind, event_id, payload, 1795999200)


@pytest.mark.parametrize("platform", list(ONE))
def test_a_signed_delivery_is_stored_and_acknowledged(platforms, client, frozen, platform):
    r = platforms.post(client, platform, [send(platform)])
    assert r.status_code == 200 and r.json() == ONE[platform][3]
    event = InboundEvent.objects.get()
    assert (event.event_id, event.status, event.connection) == (ONE[platform][1], "pending", platforms.conns[platform])
    assert WebhookDelivery.objects.get().outcome == DeliveryOutcome.ACCEPTED
    assert not Case.objects.exists()            # acknowledged first; the work is the queue's
    run_queue()
    assert Case.objects.filter(shop=platforms.shops[platform]).count() == 1


@pytest.mark.parametrize("platform", list(ONE))
def test_a_bad_signature_is_refused_with_401_and_recorded(platforms, client, frozen, platform):
    r = platforms.post(client, platform, [send(platform)], bad=True)
    assert r.status_code == 401 and r.json()["error"]["code"] == "webhook.bad_signature"
    assert not InboundEvent.objects.exists()
    attempt = WebhookDelivery.objects.get()
    assert (attempt.outcome, attempt.http_status) == (DeliveryOutcome.BAD_SIGNATURE, 401)
    assert attempt.body_excerpt and len(attempt.body_sha256) == 64


def test_a_tampered_body_fails_the_signature(platforms, client, frozen):
    from aftersales.connectors.demo import DEMO_TARGETS
    from aftersales.connectors.simulator import wire

    path, body, headers = wire(DEMO_TARGETS["tiktok_shop"], [send("tiktok_shop")])
    tampered = body.replace(b"REFUND", b"RETURN_AND_REFUND")
    r = client.post(path, data=tampered, content_type="application/json", HTTP_AUTHORIZATION=headers["Authorization"])
    assert r.status_code == 401 and not InboundEvent.objects.exists()


def test_an_unknown_shop_is_refused_and_recorded(platforms, client, frozen):
    from aftersales.connectors.simulator import Target

    stranger = Target("shopify", "someone-else.myshopify.com", "k", "s")
    r = platforms.post(client, "shopify", [send("shopify")], target=stranger)
    assert r.status_code == 401
    assert WebhookDelivery.objects.get().outcome == DeliveryOutcome.UNKNOWN_SHOP


def test_a_signed_body_that_is_not_the_platform_format_is_a_400(platforms, client, frozen):
    from aftersales.connectors.base import hmac_sha256
    from aftersales.connectors.demo import DEMO_TARGETS

    t = DEMO_TARGETS["tiktok_shop"]
    body = b'{"shop_id": "7495112233", "type": 12}'          # no tts_notification_id
    r = client.post("/webhooks/tiktok_shop/", data=body, content_type="application/json",
                    HTTP_AUTHORIZATION=hmac_sha256(t.app_secret, t.app_key.encode() + body).hex())
    assert r.status_code == 400 and r.json()["error"]["code"] == "webhook.malformed"
    assert WebhookDelivery.objects.get().outcome == DeliveryOutcome.MALFORMED


def test_unknown_platform_is_404_and_get_is_405(platforms, client):
    assert client.post("/webhooks/jd/", data=b"{}", content_type="application/json").status_code == 404
    assert client.get("/webhooks/douyin/").status_code == 405
