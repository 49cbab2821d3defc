"""Shopify (own store on a hosted shop system): webhooks, GraphQL returns, refunds (PLATFORMS.md §4.1).

Push: one event per POST, the topic in `X-Shopify-Topic`, the shop in `X-Shopify-Shop-Domain`,
the delivery id in `X-Shopify-Webhook-Id` (Shopify's "ignore duplicates" key), and
`X-Shopify-Hmac-Sha256` = base64 HMAC-SHA256(client secret, raw body)
(shopify.dev/docs/apps/build/webhooks/verify-deliveries).  Payloads are the REST shapes:
orders/* carry the whole order; returns/* carry {id, admin_graphql_api_id, status, order{id},
return_line_items[...]} (shapes seen in public Shopify apps; `status` lower case).  The decisions
go back as GraphQL Admin mutations (returnApproveRequest, returnDeclineRequest, refundCreate,
returnCancel).  Shopify has no deadlines of its own: ours are the shop's policy (the profile).
"""

from __future__ import annotations

import base64
from datetime import datetime

from aftersales.connectors.base import (
    CaseFacts, Change, Connector, MessageFacts, NotSent, Page, PlatformRequest, RawEvent, TrackingFacts, header,
    hmac_sha256, same,
)
from aftersales.connectors.platforms.common import decimal, iso_time, loads

API_VERSION = "2025-07"
ORDER_TOPICS = {"orders/create", "orders/updated", "orders/paid", "orders/fulfilled", "orders/cancelled"}
STATUS_BY_TOPIC = {"returns/request": "REQUESTED", "returns/approve": "OPEN", "returns/reopen": "OPEN",
                   "returns/decline": "DECLINED", "returns/cancel": "CANCELED", "returns/close": "CLOSED"}
TRACKING_TOPICS = {"fulfillments/create", "fulfillments/update"}
# Fulfillment.shipment_status -> the normalised tracking status (the logistics contract)
SHIPMENT_STATUS = {"label_printed": "accepted", "label_purchased": "accepted", "confirmed": "accepted",
                   "in_transit": "in_transit", "out_for_delivery": "out_for_delivery", "ready_for_pickup": "at_hub",
                   "attempted_delivery": "exception", "delivered": "delivered", "failure": "exception"}
NOT_ON_SHOPIFY = {
    "platform.confirm_receipt": "Shopify learns the goods are back with the refund (refundCreate)",
    "platform.offer": "Shopify has no counter-offer: e-mail the buyer",
    "platform.ship_to_buyer": "ship the exchange with Shopify's own fulfillment",
    "platform.escalate": "there is no platform above an own store",
    "buyer.message": "Shopify has no buyer chat: replies go by e-mail",
}
APPROVE = "mutation($input: ReturnApproveRequestInput!) { returnApproveRequest(input: $input) { return { id status } userErrors { field message } } }"
DECLINE = "mutation($input: ReturnDeclineRequestInput!) { returnDeclineRequest(input: $input) { return { id status } userErrors { field message } } }"
CANCEL = "mutation($id: ID!) { returnCancel(id: $id) { return { id status } userErrors { field message } } }"
REFUND = "mutation($input: RefundInput!) { refundCreate(input: $input) { refund { id } userErrors { field message } } }"
PULL = ("query($q: String!, $after: String) { orders(first: 50, after: $after, query: $q, sortKey: UPDATED_AT) "
        "{ edges { node { id updatedAt returns(first: 10) { nodes { id status name "
        "returnLineItems(first: 20) { nodes { ... on ReturnLineItem { returnReason customerNote quantity "
        "fulfillmentLineItem { lineItem { id } } } } } } } } } pageInfo { hasNextPage endCursor } } }")


def gid(kind: str, value) -> str:
    value = str(value)
    return value if value.startswith("gid://") else f"gid://shopify/{kind}/{value}"


def tail(value) -> str:
    return str(value).rsplit("/", 1)[-1]


class Shopify(Connector):
    platform = "shopify"
    name = "Shopify"
    fixtures_source = "shopify.dev webhooks and GraphQL Admin references; return payloads as in public Shopify apps"

    def routing(self, body, headers, query):
        return "shop", header(headers, "X-Shopify-Shop-Domain")

    def verify(self, body, headers, query, app_key, secrets):
        expected = base64.b64encode(hmac_sha256(secrets.get("app_secret", ""), body)).decode()
        return same(header(headers, "X-Shopify-Hmac-Sha256"), expected)

    def split(self, body, headers, query):
        payload = loads(body)
        when = (iso_time(payload.get("updated_at")) or iso_time(header(headers, "X-Shopify-Triggered-At"))
                or iso_time(payload.get("created_at")))
        event_id = header(headers, "X-Shopify-Webhook-Id") or header(headers, "X-Shopify-Event-Id")
        subject = str(payload.get("id") or "")
        return [RawEvent(event_id, header(headers, "X-Shopify-Topic"), header(headers, "X-Shopify-Shop-Domain"),
                         when, payload, subject)]

    def interpret(self, event, client, connection):
        p, topic = event.payload, event.kind
        if topic == "pull":
            return [self._case(p, str(p.get("status", "")).upper(), event.occurred_at, pulled=True)]
        if topic in ORDER_TOPICS:
            return [Change("order", event.occurred_at, order_id=str(p.get("id")), order=self.order_in(p))]
        if topic in TRACKING_TOPICS:
            if not p.get("tracking_number"):
                return [Change("ignored", note="fulfillment without tracking")]
            when = iso_time(p.get("updated_at")) or event.occurred_at
            return [Change("tracking", when, tracking=TrackingFacts(
                carrier=str(p.get("tracking_company") or "unknown"), tracking_number=str(p["tracking_number"]),
                status=SHIPMENT_STATUS.get(str(p.get("shipment_status") or "confirmed"), "in_transit"),
                occurred_at=when, description=str(p.get("shipment_status") or p.get("status") or ""),
                event_id=event.event_id))]
        if topic == "reverse_deliveries/attach_deliverable":
            tracking = ((p.get("shipping_deliverable") or {}).get("tracking")) or {}
            ret = p.get("return") or {}
            facts = CaseFacts(platform_case_id=tail(ret.get("id") or ret.get("admin_graphql_api_id")), order_id="",
                              status="OPEN", qualifier="in_transit", carrier=str(tracking.get("carrier_name") or ""),
                              tracking_number=str(tracking.get("tracking_number") or ""))
            return [Change("case", event.occurred_at, case=facts)]
        if topic.startswith("returns/"):
            status = str(p.get("status") or STATUS_BY_TOPIC.get(topic, "")).upper()
            changes = [self._case(p, status, event.occurred_at)]
            for li in p.get("return_line_items") or []:
                if li.get("customer_note"):
                    changes.append(Change("message", event.occurred_at, message=MessageFacts(
                        message_id=f"{tail(p['id'])}-note-{li.get('id')}", body=str(li["customer_note"]),
                        platform_case_id=tail(p["id"]))))
            return changes
        return [Change("ignored", note=f"Shopify topic {topic} is not about after-sales")]

    def _case(self, p: dict, status: str, when, pulled: bool = False) -> Change:
        items = p.get("return_line_items") or ((p.get("returnLineItems") or {}).get("nodes")) or []
        lines, reason = [], ""
        for li in items:
            fli = li.get("fulfillment_line_item") or li.get("fulfillmentLineItem") or {}
            line = fli.get("line_item") or fli.get("lineItem") or {}
            if line.get("id"):
                lines.append(tail(line["id"]))
            reason = reason or str(li.get("return_reason") or li.get("returnReason") or "")
        exchange = bool(p.get("exchange_line_items") or (p.get("exchangeLineItems") or {}).get("nodes"))
        order = p.get("order") or {}
        facts = CaseFacts(platform_case_id=tail(p.get("id") or p.get("admin_graphql_api_id")),
                          order_id=tail(order.get("id") or order.get("admin_graphql_api_id") or ""), status=status,
                          platform_type="EXCHANGE" if exchange else "RETURN", reason=reason.upper(), line_ids=lines)
        return Change("case", when, order_id=facts.order_id, case=facts)

    def order_in(self, o: dict):
        from aftersales.orders.services import BuyerIn, LineIn, OrderIn

        customer = o.get("customer") or {}
        name = " ".join(x for x in (customer.get("first_name"), customer.get("last_name")) if x)
        fulfillments = o.get("fulfillments") or []
        first = fulfillments[0] if fulfillments else {}
        delivered = next((iso_time(f.get("updated_at")) for f in fulfillments if f.get("shipment_status") == "delivered"),
                         None)
        return OrderIn(
            external_id=str(o.get("id")),
            buyer=BuyerIn(external_id=str(customer.get("id") or o.get("email") or f"shopify-{o.get('id')}"), name=name,
                          email=str(o.get("email") or customer.get("email") or ""), phone=str(customer.get("phone") or "")),
            lines=[LineIn(sku_code=str(li.get("sku") or li.get("variant_id") or li.get("id")),
                          quantity=int(li.get("quantity") or 1), unit_price=decimal(li.get("price")),
                          title=str(li.get("title") or ""), external_id=str(li.get("id")))
                   for li in o.get("line_items") or []],
            placed_at=iso_time(o.get("created_at")), shipped_at=iso_time(first.get("created_at")),
            delivered_at=delivered, carrier=str(first.get("tracking_company") or ""),
            tracking_number=str(first.get("tracking_number") or ""))

    def order_request(self, order_id):
        return PlatformRequest(f"GET /admin/api/{API_VERSION}/orders/{order_id}.json", {}, "Order")

    def parse_order(self, response, order_id, shop):
        o = response.get("order")
        return self.order_in(o) if o and o.get("line_items") else None

    def pull_request(self, since, until, token):
        q = f"updated_at:>='{since.isoformat()}' AND updated_at:<'{until.isoformat()}'"
        return PlatformRequest("POST graphql", {"query": PULL, "variables": {"q": q, "after": token or None}},
                               "Orders with returns")

    def parse_page(self, response, shop_key):
        orders = ((response.get("data") or {}).get("orders")) or {}
        events = []
        for edge in orders.get("edges") or []:
            node = edge.get("node") or {}
            for ret in (node.get("returns") or {}).get("nodes") or []:
                ret = {**ret, "order": {"id": node.get("id")}}
                events.append(RawEvent(f"pull:{tail(ret.get('id'))}:{node.get('updatedAt')}", "pull", shop_key,
                                       iso_time(node.get("updatedAt")), ret, tail(ret.get("id"))))
        info = orders.get("pageInfo") or {}
        return Page(events, str(info.get("endCursor") or "") if info.get("hasNextPage") else "")

    def action_request(self, topic, payload, case, link):
        if topic in NOT_ON_SHOPIFY:
            raise NotSent(NOT_ON_SHOPIFY[topic])
        rid = gid("Return", case.platform_case_id)
        action = topic.removeprefix("platform.")
        if action == "approve":
            return PlatformRequest("POST graphql", {"query": APPROVE, "variables": {"input": {"id": rid}}},
                                   "returnApproveRequest")
        if action == "reject":
            return PlatformRequest("POST graphql", {"query": DECLINE, "variables": {"input": {
                "id": rid, "declineReason": "OTHER", "declineNote": payload.get("reason", "")[:300]}}},
                "returnDeclineRequest")
        if action in ("close", "cancel"):
            return PlatformRequest("POST graphql", {"query": CANCEL, "variables": {"id": rid}}, "returnCancel")
        if topic == "payment.refund":
            lines = [{"lineItemId": gid("LineItem", cl.order_line.external_id), "quantity": cl.quantity}
                     for cl in case.lines.select_related("order_line") if cl.order_line.external_id]
            return PlatformRequest("POST graphql", {"query": REFUND, "variables": {"input": {
                "orderId": gid("Order", case.order.external_id), "note": f"aftersales {case.number}",
                "refundLineItems": lines}}}, "refundCreate")
        raise NotSent(f"Shopify has no mutation for {action} on a {case.case_type} case")

    def sign_request(self, request, app_key, secrets, now: datetime):
        return {"headers": {"X-Shopify-Access-Token": secrets.get("access_token", "")}}
