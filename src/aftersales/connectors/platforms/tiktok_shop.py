"""TikTok Shop (Partner API 202309): webhooks, returns/search, return decisions (PLATFORMS.md §3).

Push: {type, tts_notification_id, shop_id, timestamp, data}; header `Authorization` = hex
HMAC-SHA256(app_secret, app_key + body) (EcomPHP/tiktokshop-php src/Webhook.php).  Types used:
1 ORDER_STATUS_CHANGE, 2 REVERSE_STATUS_UPDATE (legacy), 11 CANCELLATION_STATUS_CHANGE,
12 RETURN_STATUS_CHANGE, 14 NEW_MESSAGE (hsib19/tiktok-shop-sdk EventTypes.ts; data shapes from
PLATFORMS.md §3.6).  Money is a decimal string plus currency, times epoch seconds.
"""

from __future__ import annotations

import json
from datetime import datetime

from aftersales.connectors.base import (
    CaseFacts, Change, Connector, MessageFacts, NotSent, Page, PlatformRequest, RawEvent, epoch, header,
    hmac_sha256, same,
)
from aftersales.connectors.platforms.common import decimal, loads

ORDER_TYPES = {"1"}
RETURN_TYPES = {"12", "2", "11"}
MESSAGE_TYPES = {"14"}
API = "/return_refund/202309"

# our action -> TikTok decision, by the case's type (RETURN_AND_REFUND / REFUND / REPLACEMENT)
APPROVE = {"return_refund": "APPROVE_RETURN", "refund_only": "APPROVE_REFUND", "exchange": "APPROVE_REPLACEMENT"}
REJECT = {"return_refund": "REJECT_RETURN", "refund_only": "REJECT_REFUND", "exchange": "REJECT_REPLACEMENT"}
# our common reject reasons (cases/explain.REJECT_REASONS) -> TikTok's US seller reject reasons (§3.5)
REJECT_REASONS = {
    "no_defect": "reverse_reject_refund_request_product_function_well",
    "no_evidence": "reverse_reject_refund_request_unclear_evidence",
    "not_received": "reverse_reject_refund_request_package_delivery_timing",
}
DEFAULT_REJECT_REASON = "reverse_reject_request_reason_3"   # not eligible (used / broken)
NOT_ON_TIKTOK = {
    "payment.refund": "TikTok Shop refunds the buyer itself once the request is approved",
    "platform.escalate": "the buyer raises arbitration on TikTok Shop; the seller answers with evidence there",
}


class TikTokShop(Connector):
    platform = "tiktok_shop"
    name = "TikTok Shop"
    fixtures_source = "EcomPHP/tiktokshop-php Webhook.php, ReturnRefund.php; hsib19/tiktok-shop-sdk ReturnRefundModule.ts"

    def routing(self, body, headers, query):
        try:
            return "shop", str(loads(body).get("shop_id", ""))
        except (ValueError, AttributeError):
            return "shop", ""

    def verify(self, body, headers, query, app_key, secrets):
        expected = hmac_sha256(secrets.get("app_secret", ""), app_key.encode() + body).hex()
        return same(header(headers, "Authorization").lower(), expected)

    def split(self, body, headers, query):
        env = loads(body)
        data = env.get("data") or {}
        kind = str(env.get("type"))
        when = epoch(data.get("update_time")) or epoch(data.get("create_time")) or epoch(env.get("timestamp"))
        subject = str(data.get("return_id") or data.get("cancel_id") or data.get("reverse_order_id")
                      or data.get("order_id") or data.get("conversation_id") or "")
        return [RawEvent(str(env["tts_notification_id"]), kind, str(env.get("shop_id", "")), when, data, subject)]

    def interpret(self, event, client, connection):
        d = event.payload
        if event.kind == "pull":
            return [self._pulled(d)]
        if event.kind in ORDER_TYPES:
            return [Change("order", event.occurred_at, order_id=str(d.get("order_id", "")))]
        if event.kind in MESSAGE_TYPES:
            sender = d.get("sender") or {}
            if str(sender.get("role", "")).upper() != "BUYER":
                return [Change("ignored", note="TikTok message not from the buyer")]
            content = d.get("content") or ""
            try:
                text = json.loads(content).get("content", "") if isinstance(content, str) else content.get("content", "")
            except (ValueError, AttributeError):
                text = str(content)
            return [Change("message", event.occurred_at, message=MessageFacts(
                message_id=str(d.get("message_id")), body=str(text), buyer_key=str(sender.get("im_user_id", "")),
                conversation_id=str(d.get("conversation_id", ""))))]
        if event.kind == "12":
            facts = CaseFacts(platform_case_id=str(d["return_id"]), order_id=str(d.get("order_id", "")),
                              status=str(d.get("return_status", "")), platform_type=str(d.get("return_type", "")),
                              refund_status=str(d.get("return_status", "")))
        elif event.kind == "11":
            facts = CaseFacts(platform_case_id=str(d["cancel_id"]), order_id=str(d.get("order_id", "")),
                              status=str(d.get("cancel_status", "")), platform_type="BUYER_CANCEL",
                              refund_status=str(d.get("cancel_status", "")))
        elif event.kind == "2":
            facts = CaseFacts(platform_case_id=str(d["reverse_order_id"]), order_id=str(d.get("order_id", "")),
                              status=str(d.get("reverse_order_status", "")), platform_type=str(d.get("reverse_type", "")))
        else:
            return [Change("ignored", note=f"TikTok webhook type {event.kind} is not about after-sales")]
        return [Change("case", event.occurred_at, order_id=facts.order_id, case=facts)]

    def _pulled(self, r: dict) -> Change:
        deadlines = [epoch(a.get("deadline")) for a in r.get("seller_next_action_response") or []]
        deadlines = [d for d in deadlines if d]
        money = r.get("refund_amount") or {}
        facts = CaseFacts(
            platform_case_id=str(r.get("return_id")), order_id=str(r.get("order_id", "")),
            status=str(r.get("return_status", "")), platform_type=str(r.get("return_type", "")),
            refund_status=str(r.get("return_status", "")), arbitration_status=str(r.get("arbitration_status") or ""),
            reason=str(r.get("return_reason") or ""), reason_text=str(r.get("return_reason_text") or "")[:500],
            amount=decimal(money.get("refund_total")),
            line_ids=sorted({str(li.get("sku_id")) for li in r.get("return_line_items") or [] if li.get("sku_id")}),
            deadline=min(deadlines) if deadlines else None, carrier=str(r.get("return_provider_name") or ""),
            tracking_number=str(r.get("return_tracking_number") or ""))
        return Change("case", epoch(r.get("update_time")), order_id=facts.order_id, case=facts)

    def order_request(self, order_id):
        return PlatformRequest("GET /order/202309/orders", {"ids": order_id}, "Get order detail")

    def parse_order(self, response, order_id, shop):
        from aftersales.orders.services import BuyerIn, LineIn, OrderIn

        orders = (response.get("data") or {}).get("orders") or []
        if not orders:
            return None
        o = orders[0]
        # 202309 orders list one line item per unit: lines are grouped by SKU
        grouped: dict[str, list[dict]] = {}
        for li in o.get("line_items") or []:
            grouped.setdefault(str(li.get("sku_id") or li.get("seller_sku")), []).append(li)
        first = (o.get("line_items") or [{}])[0]
        return OrderIn(
            external_id=str(o.get("id") or order_id),
            buyer=BuyerIn(external_id=str(o.get("user_id") or f"tt-{order_id}"),
                          name=str((o.get("recipient_address") or {}).get("name", "")),
                          email=str(o.get("buyer_email") or "")),
            lines=[LineIn(sku_code=str(items[0].get("seller_sku") or sku), quantity=len(items),
                          unit_price=decimal(items[0].get("sale_price")) or decimal(items[0].get("original_price")),
                          title=str(items[0].get("product_name") or ""), external_id=sku)
                   for sku, items in grouped.items()],
            placed_at=epoch(o.get("create_time")), shipped_at=epoch(o.get("rts_time") or o.get("shipping_time")),
            delivered_at=epoch(o.get("delivery_time")), carrier=str(first.get("shipping_provider_name") or ""),
            tracking_number=str(first.get("tracking_number") or ""))

    def pull_request(self, since, until, token):
        query = {"page_size": 50, "sort_field": "update_time", "sort_order": "ASC"}
        if token:
            query["page_token"] = token
        return PlatformRequest(f"POST {API}/returns/search", {
            "query": query, "body": {"update_time_ge": int(since.timestamp()), "update_time_lt": int(until.timestamp())}},
            "Search returns")

    def parse_page(self, response, shop_key):
        data = response.get("data") or {}
        events = [RawEvent(f"pull:{r.get('return_id')}:{r.get('update_time')}", "pull", shop_key,
                           epoch(r.get("update_time")), r, str(r.get("return_id", "")))
                  for r in data.get("return_orders") or []]
        return Page(events, str(data.get("next_page_token") or ""))

    def action_request(self, topic, payload, case, link):
        if topic in NOT_ON_TIKTOK:
            raise NotSent(NOT_ON_TIKTOK[topic])
        key = {"idempotency_key": f"aftersales-{payload.get('_outbox', '')}"}
        rid = case.platform_case_id
        if topic == "buyer.message":
            if link is None or not link.conversation_id:
                raise NotSent("no TikTok conversation with this buyer yet")
            return PlatformRequest(f"POST /customer_service/202309/conversations/{link.conversation_id}/messages",
                                   {"type": "TEXT", "content": json.dumps({"content": payload.get("body", "")})},
                                   "Send message")
        action = topic.removeprefix("platform.")
        cancellation = case.case_type == "cancel_pre_shipment"
        if action in ("approve", "reject") and cancellation:
            body = {**key}
            if action == "reject":
                body.update(reject_reason=REJECT_REASONS.get(payload.get("reason_code", ""), DEFAULT_REJECT_REASON),
                            comment=payload.get("reason", "")[:500])
            return PlatformRequest(f"POST {API}/cancellations/{rid}/{action}", body, f"{action} cancellation")
        if action == "approve" and case.case_type in APPROVE:
            return PlatformRequest(f"POST {API}/returns/{rid}/approve", {**key, "decision": APPROVE[case.case_type]},
                                   APPROVE[case.case_type])
        if action == "reject" and case.case_type in REJECT:
            return PlatformRequest(f"POST {API}/returns/{rid}/reject", {
                **key, "decision": REJECT[case.case_type], "comment": payload.get("reason", "")[:500],
                "reject_reason": REJECT_REASONS.get(payload.get("reason_code", ""), DEFAULT_REJECT_REASON)},
                REJECT[case.case_type])
        if action == "confirm_receipt":
            return PlatformRequest(f"POST {API}/returns/{rid}/approve", {**key, "decision": "APPROVE_RECEIVED_PACKAGE"},
                                   "APPROVE_RECEIVED_PACKAGE")
        if action == "reject_receipt":
            return PlatformRequest(f"POST {API}/returns/{rid}/reject", {
                **key, "decision": "REJECT_RECEIVED_PACKAGE", "comment": payload.get("reason", "")[:500],
                "reject_reason": REJECT_REASONS.get(payload.get("reason_code", ""), DEFAULT_REJECT_REASON)},
                "REJECT_RECEIVED_PACKAGE")
        if action == "convert_to_refund":
            return PlatformRequest(f"POST {API}/returns/{rid}/approve",
                                   {**key, "decision": "APPROVE_REFUND", "buyer_keep_item": True}, "APPROVE_REFUND (keep item)")
        if action == "offer" and payload.get("amount"):
            return PlatformRequest(f"POST {API}/returns/{rid}/approve", {
                **key, "decision": "OFFER_PARTIAL_REFUND",
                "partial_refund": {"currency": case.currency, "amount": payload["amount"]}}, "OFFER_PARTIAL_REFUND")
        raise NotSent(f"TikTok Shop has no return decision for {action} on a {case.case_type} case")

    def sign_request(self, request, app_key, secrets, now: datetime):
        """202309 signing: hex HMAC-SHA256(secret, secret + path + sorted(k+v) + body + secret)."""
        method, _, path = request.api.partition(" ")
        query = {**request.params.get("query", {}), "app_key": app_key, "timestamp": str(int(now.timestamp()))}
        if secrets.get("shop_cipher"):
            query["shop_cipher"] = secrets["shop_cipher"]
        body = json.dumps(request.params.get("body", {k: v for k, v in request.params.items() if k != "query"}),
                          separators=(",", ":")) if method != "GET" else ""
        secret = secrets.get("app_secret", "")
        plain = secret + path + "".join(f"{k}{query[k]}" for k in sorted(query)) + body + secret
        return {"query": {**query, "sign": hmac_sha256(secret, plain.encode()).hex()}, "body": body,
                "headers": {"x-tts-access-token": secrets.get("access_token", "")}}
