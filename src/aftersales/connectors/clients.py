"""Talking to a platform: the real HTTP client, and the recording fake that demos and tests use.

Both take a `PlatformRequest` and return the platform's JSON answer, or raise `RateLimited`
(HTTP 429, or the platform's own "call limit" code) or `PlatformError`.  `client_for(connection)`
picks by the connection's `client_kind`; tests swap in their own with `use_client(...)`.

The recording fake answers order-detail
calls from the simulated world (world.py) in the platform's own response shape, answers pulls
with empty pages, and succeeds every action unless the connection's `fake_behaviour` asks it to
fail the next N ({"fail_actions": 2, "error": "..."}): how the demo shows "sync failed" and a retry.
Every action call, whichever client made it, is recorded by outbound.py.
"""

from __future__ import annotations

import contextlib
import json
import urllib.error
import urllib.parse
import urllib.request
from decimal import Decimal

from django.db.models import F

from aftersales import clock
from aftersales.connectors import vault, world
from aftersales.connectors.base import PlatformError, PlatformRequest, RateLimited
from aftersales.connectors.models import ClientKind, Connection, PlatformCall

BASE_URLS = {"douyin": "https://openapi-fxg.jinritemai.com", "tiktok_shop": "https://open-api.tiktokglobalshop.com",
             "taobao": "https://eco.taobao.com/router/rest", "shopify": ""}
TIMEOUT = 15

_override: list = []


@contextlib.contextmanager
def use_client(client):
    """Tests: every connection talks to `client` inside the block."""
    _override.append(client)
    try:
        yield client
    finally:
        _override.pop()


def client_for(connection: Connection):
    if _override:
        return _override[-1]
    if connection.client_kind == ClientKind.FAKE:
        return RecordingClient(connection)
    return HttpClient(connection)


def record_call(connection, request: PlatformRequest, *, ok: bool, response: dict | None = None, error: str = "",
                case=None, outbox_message=None) -> PlatformCall:
    return PlatformCall.objects.create(connection=connection, case=case, api=request.api[:200], params=request.params,
                                       ok=ok, response=response or {}, error=error[:2000],
                                       outbox_message=outbox_message, created_at=clock.now())


class RecordingClient:
    """The fake platform: see the module docstring."""

    def __init__(self, connection: Connection):
        self.connection = connection

    def call(self, request: PlatformRequest, purpose: str = "read", case=None, outbox_message=None) -> dict:
        from aftersales.connectors.platforms import CONNECTORS

        connector = CONNECTORS[self.connection.platform]
        if purpose == "pull":
            return empty_page(self.connection.platform)
        if purpose == "order":
            order_id = _order_id_of(request)
            return order_response(self.connection.platform, world.order(self.connection.platform, order_id))
        if request.api == "taobao.refund.messages.get":
            return refund_messages(str(request.params.get("refund_id")))
        if purpose == "action":
            behaviour = self.connection.fake_behaviour or {}
            left = int(behaviour.get("fail_actions") or 0)
            if left > 0:
                Connection.objects.filter(pk=self.connection.pk).update(
                    fake_behaviour={**behaviour, "fail_actions": left - 1})
                self.connection.fake_behaviour = {**behaviour, "fail_actions": left - 1}
                error = str(behaviour.get("error") or f"{connector.name} answered 503 Service Unavailable")
                raise PlatformError(error, code="503", retryable=True)
            return {"code": 0, "msg": "success", "fake": True}
        return {}


def _order_id_of(request: PlatformRequest) -> str:
    p = request.params
    return str(p.get("shop_order_id") or p.get("ids") or p.get("tid") or request.api.rsplit("/", 1)[-1].split(".")[0])


def empty_page(platform: str) -> dict:
    return {"douyin": {"data": {"items": [], "has_more": False}},
            "tiktok_shop": {"code": 0, "data": {"return_orders": [], "next_page_token": ""}},
            "taobao": {"refunds_receive_get_response": {"refunds": {"refund": []}, "has_next": False}},
            "shopify": {"data": {"orders": {"edges": [], "pageInfo": {"hasNextPage": False}}}}}[platform]


def _fen(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


def order_response(platform: str, wo: world.WorldOrder | None) -> dict:
    """The world's order in the platform's order-detail shape (the same shapes parse_order reads)."""
    if wo is None:
        return {}
    now = clock.now()
    t = lambda dt: int(dt.timestamp())   # noqa: E731
    shipped, delivered = wo.shipped(now), wo.delivered(now)
    if platform == "douyin":
        return {"code": 10000, "data": {"shop_order_detail": {
            "order_id": wo.order_id, "doudian_open_id": wo.buyer_id, "mask_post_receiver": wo.buyer_name,
            "create_time": t(wo.placed_at), "pay_time": t(wo.placed_at), "order_status": 5 if delivered else 3 if shipped else 2,
            "ship_time": t(wo.shipped_at) if shipped else 0,
            "logistics_receipt_time": t(wo.delivered_at) if delivered else 0,
            "pay_amount": _fen(wo.total),
            "logistics_info": [{"tracking_no": wo.tracking_number, "company": wo.carrier}] if shipped else [],
            "sku_order_list": [{"order_id": ln.line_id, "parent_order_id": wo.order_id, "code": ln.sku_code,
                                "product_name": ln.title, "item_num": ln.quantity, "origin_amount": _fen(ln.unit_price),
                                "pay_amount": _fen(ln.unit_price * ln.quantity)} for ln in wo.lines]}}}
    if platform == "tiktok_shop":
        items = [{"id": f"{ln.line_id}{k}", "sku_id": ln.line_id, "seller_sku": ln.sku_code, "product_name": ln.title,
                  "sale_price": str(ln.unit_price), "currency": wo.currency,
                  "tracking_number": wo.tracking_number if shipped else "",
                  "shipping_provider_name": wo.carrier if shipped else ""}
                 for ln in wo.lines for k in range(ln.quantity)]
        return {"code": 0, "data": {"orders": [{
            "id": wo.order_id, "status": "DELIVERED" if delivered else "IN_TRANSIT" if shipped else "AWAITING_SHIPMENT",
            "user_id": wo.buyer_id, "buyer_email": wo.buyer_email, "recipient_address": {"name": wo.buyer_name},
            "create_time": t(wo.placed_at), "rts_time": t(wo.shipped_at) if shipped else None,
            "delivery_time": t(wo.delivered_at) if delivered else None,
            "payment": {"currency": wo.currency, "total_amount": str(wo.total)}, "line_items": items}]}}
    if platform == "taobao":
        fmt = lambda dt: dt.astimezone(world_tz()).strftime("%Y-%m-%d %H:%M:%S")   # noqa: E731
        return {"trade_fullinfo_get_response": {"trade": {
            "tid": wo.order_id, "buyer_open_uid": wo.buyer_id, "receiver_name": wo.buyer_name,
            "status": "TRADE_FINISHED" if delivered else "WAIT_BUYER_CONFIRM_GOODS" if shipped else "WAIT_SELLER_SEND_GOODS",
            "created": fmt(wo.placed_at), "pay_time": fmt(wo.placed_at),
            "consign_time": fmt(wo.shipped_at) if shipped else None, "end_time": fmt(wo.delivered_at) if delivered else None,
            "payment": str(wo.total), "company_name": wo.carrier if shipped else None,
            "out_sid": wo.tracking_number if shipped else None,
            "orders": {"order": [{"oid": ln.line_id, "outer_sku_id": ln.sku_code, "title": ln.title, "num": ln.quantity,
                                  "price": str(ln.unit_price), "payment": str(ln.unit_price * ln.quantity)}
                                 for ln in wo.lines]}}}}
    return {"order": shopify_order(wo, now)}


def shopify_order(wo: world.WorldOrder, now) -> dict:
    """A Shopify order (the REST shape of orders/create and GET orders/{id}.json)."""
    first, _, last = wo.buyer_name.partition(" ")
    shipped, delivered = wo.shipped(now), wo.delivered(now)
    return {
        "id": int(wo.order_id), "admin_graphql_api_id": f"gid://shopify/Order/{wo.order_id}",
        "name": f"#{wo.order_id[-5:]}", "email": wo.buyer_email, "currency": wo.currency,
        "created_at": wo.placed_at.isoformat(), "total_price": str(wo.total),
        "customer": {"id": int(wo.buyer_id), "email": wo.buyer_email, "first_name": first, "last_name": last},
        "line_items": [{"id": int(ln.line_id), "sku": ln.sku_code, "title": ln.title, "quantity": ln.quantity,
                        "price": str(ln.unit_price)} for ln in wo.lines],
        "fulfillments": [{"id": int(wo.order_id) + 1, "created_at": wo.shipped_at.isoformat(),
                          "tracking_company": wo.carrier, "tracking_number": wo.tracking_number,
                          "shipment_status": "delivered" if delivered else "in_transit",
                          "updated_at": (wo.delivered_at if delivered else wo.shipped_at).isoformat()}] if shipped else [],
    }


def world_tz():
    from aftersales.connectors.platforms.common import SHANGHAI
    return SHANGHAI


def refund_messages(refund_id: str) -> dict:
    """The buyer's note on a simulated Taobao refund (taobao.refund.messages.get)."""
    import random

    from aftersales.cases.management.commands import _demo_data as D

    rng = random.Random(f"taobao-msg:{refund_id}")
    return {"refund_messages_get_response": {"refund_messages": {"refund_message": [
        {"id": f"{refund_id}01", "owner_role": 1, "content": rng.choice(D.BUYER_MESSAGES_ZH),
         "created": clock.now().astimezone(world_tz()).strftime("%Y-%m-%d %H:%M:%S")}]}}}


class HttpClient:
    """The platform over the network, requests signed with the connection's secrets."""

    def __init__(self, connection: Connection):
        self.connection = connection

    def call(self, request: PlatformRequest, purpose: str = "read", case=None, outbox_message=None) -> dict:
        from aftersales.connectors.platforms import CONNECTORS

        conn = self.connection
        connector = CONNECTORS[conn.platform]
        secrets = vault.secrets_of(conn)
        signed = connector.sign_request(request, conn.app_key, secrets, clock.now())
        url, data, headers, method = self._http(request, signed)
        try:
            with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers, method=method),
                                        timeout=TIMEOUT) as resp:
                answer = json.loads(resp.read() or b"{}")
        except urllib.error.HTTPError as exc:
            if exc.code == 429:
                raise RateLimited(f"{connector.name} answered 429", retry_after=_retry_after(exc.headers)) from None
            raise PlatformError(f"{connector.name} answered HTTP {exc.code}", str(exc.code),
                                retryable=exc.code >= 500) from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise PlatformError(f"{connector.name} could not be reached: {exc}", "network", retryable=True) from None
        _raise_for_answer(conn.platform, answer)
        return answer

    def _http(self, request: PlatformRequest, signed: dict):
        platform, base = self.connection.platform, self.connection.api_base or BASE_URLS[self.connection.platform]
        json_type = {"Content-Type": "application/json"}
        if platform == "douyin":
            body = signed.pop("param_json")
            return (f"{base}{request.api}?{urllib.parse.urlencode(signed)}", body.encode(), json_type, "POST")
        if platform == "taobao":
            return base, urllib.parse.urlencode(signed).encode(), {
                "Content-Type": "application/x-www-form-urlencoded;charset=utf-8"}, "POST"
        if platform == "tiktok_shop":
            method, _, path = request.api.partition(" ")
            return (f"{base}{path}?{urllib.parse.urlencode(signed['query'])}",
                    signed["body"].encode() if signed["body"] else None, {**json_type, **signed["headers"]}, method)
        method, _, path = request.api.partition(" ")
        host = base or f"https://{self.connection.remote_shop_id}"
        if path == "graphql":
            from aftersales.connectors.platforms.shopify import API_VERSION
            path = f"/admin/api/{API_VERSION}/graphql.json"
        body = json.dumps(request.params).encode() if method == "POST" else None
        return f"{host}{path}", body, {**json_type, **signed["headers"]}, method


def _retry_after(headers) -> float:
    try:
        return float(headers.get("Retry-After") or 0)
    except (TypeError, ValueError):
        return 0.0


# The platforms' own "you are calling too often" answers (HTTP 200 with an error code).
RATE_LIMIT_CODES = {"taobao": {"7"}, "tiktok_shop": {"36009004"}, "douyin": {"50002"}}


def _raise_for_answer(platform: str, answer: dict) -> None:
    if platform == "taobao" and "error_response" in answer:
        err = answer["error_response"]
        code = str(err.get("code", ""))
        if code in RATE_LIMIT_CODES["taobao"]:
            raise RateLimited(f"Taobao: {err.get('msg')}")
        raise PlatformError(f"Taobao {code}: {err.get('sub_msg') or err.get('msg')}", code)
    if platform == "tiktok_shop" and str(answer.get("code", "0")) != "0":
        code = str(answer.get("code"))
        if code in RATE_LIMIT_CODES["tiktok_shop"]:
            raise RateLimited(f"TikTok Shop: {answer.get('message')}")
        raise PlatformError(f"TikTok Shop {code}: {answer.get('message')}", code)
    if platform == "douyin" and str(answer.get("code", "10000")) != "10000":
        code = str(answer.get("code"))
        if code in RATE_LIMIT_CODES["douyin"]:
            raise RateLimited(f"Douyin: {answer.get('msg')}")
        raise PlatformError(f"Douyin {code}: {answer.get('sub_msg') or answer.get('msg')}", code)
    if platform == "shopify":
        errors = answer.get("errors") or []
        if any((e.get("extensions") or {}).get("code") == "THROTTLED" for e in errors if isinstance(e, dict)):
            raise RateLimited("Shopify: throttled")
        user_errors = [e for v in (answer.get("data") or {}).values() if isinstance(v, dict)
                       for e in v.get("userErrors") or []]
        if errors or user_errors:
            raise PlatformError(f"Shopify: {(errors or user_errors)[0].get('message')}", "user_error")
