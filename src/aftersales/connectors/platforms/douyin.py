"""Douyin shop (抖店开放平台): message push, afterSale/List, afterSale/operate (PLATFORMS.md §1).

Push: a POST whose body is a JSON array of {tag, msg_id, data}, `data` a JSON string; header
`event-sign` = md5(app_key + body + app_secret); the reply {"code": 0, "msg": "success"}
(zsmhub/doudian-sdk message/doudian_message.go, doudian_sign.go).  Message fields per tag follow
zsmhub/doudian-sdk message/*.go and bububa/jinritemai-go message/refund/*.go (each cites its
op.jinritemai.com/docs/message-docs page).  Amounts are fen.
"""

from __future__ import annotations

import time
from datetime import datetime

from aftersales.connectors.base import (
    CaseFacts, Change, Connector, NotSent, Page, PlatformRequest, RawEvent, TrackingFacts, epoch, header, md5_hex, same,
)
from aftersales.connectors.platforms.common import dumps, fen, loads, share

ORDER_TAGS = {"100", "101", "102", "103", "104", "105", "106", "110"}   # doudian_trade_*
SHIPPED_TAGS = {"102", "104"}   # 卖家发货 / 发货物流信息变更: carry logistics_msg
# The time each after-sale message stamps (its update time); update_time where it is sent.
TIME_FIELDS = ("update_time", "apply_time", "agree_time", "refuse_time", "return_time", "success_time",
               "close_time", "pay_time")
# Money status carried by the tag where the message has no refund_status (status 12 is keyed "12|<refund>").
REFUND_BY_TAG = {"201": "1", "206": "3"}
# Arbitration by message (212 applied … 218 negotiation evidence), in Detail's arbitrate_status numbers.
ARBITRATION_BY_TAG = {"212": "1", "213": "4", "214": "1", "215": "255", "216": "255", "217": "1", "218": "5"}

# afterSale/operate type per (our action, case type) (PLATFORMS.md §1.3 table).
OPERATE = {
    ("approve", "return_refund"): (101, "同意退货申请"),
    ("approve", "refund_only"): (201, "同意仅退款"),
    ("approve", "cancel_pre_shipment"): (401, "同意售前退申请"),
    ("approve", "exchange"): (301, "同意换货申请"),
    ("reject", "return_refund"): (102, "拒绝退货申请"),
    ("reject", "refund_only"): (202, "拒绝仅退款"),
    ("reject", "exchange"): (302, "拒绝换货申请"),
    ("confirm_receipt", "return_refund"): (111, "同意退货（二次审核）"),
    ("reject_receipt", "return_refund"): (112, "拒绝退货（二次审核）"),
    ("reject_receipt", "exchange"): (312, "拒绝换货（二次审核）"),
    ("convert_to_refund", "return_refund"): (121, "退货转退款"),
    ("convert_to_refund", "exchange"): (321, "换货转退款"),
    ("ship_to_buyer", "exchange"): (311, "同意换货（二次审核）并发货"),
}
# afterSale/fillLogistics send_type for the seller's own shipment (补寄 1, 维修 4).
FILL_LOGISTICS = {"reship": 1, "repair": 4}
NEEDS_ADDRESS = {101, 301}
NOT_ON_DOUYIN = {
    "payment.refund": "Douyin pays the refund itself once the seller agrees",
    "platform.offer": "Douyin has no counter-offer call: propose it to the buyer in 飞鸽 chat",
    "platform.escalate": "the buyer asks Douyin to step in; the seller answers with afterSale/submitEvidence",
    "buyer.message": "Douyin's buyer chat (飞鸽) is not part of the after-sale API",
}


class Douyin(Connector):
    platform = "douyin"
    name = "Douyin shop"
    fixtures_source = "zsmhub/doudian-sdk message/*.go and api/afterSale_*; bububa/jinritemai-go message/refund"

    def routing(self, body, headers, query):
        app = header(headers, "app-id")
        if app:
            return "app_key", app
        try:
            first = loads(body)[0]
            return "shop", str(loads(first.get("data") or "{}").get("shop_id", ""))
        except (ValueError, TypeError, IndexError, KeyError, AttributeError):
            return "shop", ""

    def verify(self, body, headers, query, app_key, secrets):
        expected = md5_hex(app_key.encode() + body + secrets.get("app_secret", "").encode())
        return same(header(headers, "event-sign").lower(), expected)

    def split(self, body, headers, query):
        out = []
        for msg in loads(body):
            data = loads(msg.get("data") or "{}")
            times = [t for t in (epoch(data.get(f)) for f in TIME_FIELDS) if t is not None]
            subject = str(data.get("aftersale_id") or data.get("p_id") or "")
            out.append(RawEvent(event_id=str(msg["msg_id"]), kind=str(msg["tag"]), shop_key=str(data.get("shop_id", "")),
                                occurred_at=max(times) if times else None, payload=data, subject=subject))
        return out

    def acknowledgement(self):
        return {"code": 0, "msg": "success"}

    # --- interpreting ---------------------------------------------------------------------------

    def interpret(self, event, client, connection):
        d = event.payload
        if event.kind == "pull":
            return [self._pulled(d)]
        if event.kind in ORDER_TAGS:
            changes = [Change("order", event.occurred_at, order_id=str(d.get("p_id", "")))]
            logistics = d.get("logistics_msg") or {}
            if event.kind in SHIPPED_TAGS and logistics.get("logistics_code"):
                changes.append(Change("tracking", event.occurred_at, tracking=TrackingFacts(
                    carrier=str(logistics.get("express_company_id") or "unknown"),
                    tracking_number=str(logistics["logistics_code"]), status="accepted",
                    occurred_at=event.occurred_at or epoch(time.time()), description="卖家发货",
                    event_id=event.event_id)))
            return changes
        if not d.get("aftersale_id"):
            return [Change("ignored", note=f"Douyin message {event.kind} is not about after-sales")]
        status = str(d.get("aftersale_status", "") or "")
        refund = str(d.get("refund_status") or REFUND_BY_TAG.get(event.kind, ""))
        facts = CaseFacts(
            platform_case_id=str(d["aftersale_id"]), order_id=str(d.get("p_id", "")), status=status,
            qualifier=refund if status == "12" else "", platform_type=str(d.get("aftersale_type", "")),
            refund_status=refund, arbitration_status=str(d.get("arbitrate_status") or ARBITRATION_BY_TAG.get(event.kind, "")),
            reason=str(d.get("reason_code") or ""), reason_text=str(d.get("latest_record") or "")[:500],
            amount=_asked(d.get("refund_amount"), d.get("refund_post_amount")),
            line_ids=[str(d["s_id"])] if d.get("s_id") else [],
            deadline=epoch(d.get("status_deadline")),
            tracking_number=str(d.get("logistics") or "") if event.kind == "203" else "",
            version_token=str(d.get("update_time") or ""))
        if event.kind == "209":   # 售后超时时长变更: only the current node's deadline moved
            facts.status, facts.qualifier, facts.node = "", "", status
        return [Change("case", event.occurred_at, order_id=facts.order_id, case=facts)]

    def _pulled(self, item: dict) -> Change:
        info = item.get("aftersale_info") or {}
        order = item.get("order_info") or {}
        status = str(info.get("aftersale_status", ""))
        refund = str(info.get("refund_status") or "")
        facts = CaseFacts(
            platform_case_id=str(info.get("aftersale_id")), order_id=str(order.get("shop_order_id", "")),
            status=status, qualifier=refund if status == "12" else "", platform_type=str(info.get("aftersale_type", "")),
            refund_status=refund, arbitration_status=str(info.get("arbitrate_status", "") or ""),
            amount=_asked(info.get("refund_amount"), info.get("refund_post_amount")),
            line_ids=[str(info["related_id"])] if info.get("related_id") else [],
            deadline=epoch(info.get("status_deadline")), tracking_number=str(info.get("return_logistics_code") or ""),
            version_token=str(info.get("update_time") or ""))
        return Change("case", epoch(info.get("update_time")), order_id=facts.order_id, case=facts)

    def order_request(self, order_id):
        return PlatformRequest("/order/orderDetail", {"shop_order_id": order_id}, "订单详情")

    def parse_order(self, response, order_id, shop):
        from aftersales.orders.services import BuyerIn, LineIn, OrderIn

        o = ((response.get("data") or {}).get("shop_order_detail")) or {}
        if not o.get("sku_order_list"):
            return None
        logistics = (o.get("logistics_info") or [{}])[0]
        return OrderIn(
            external_id=str(o.get("order_id") or order_id),
            buyer=BuyerIn(external_id=str(o.get("doudian_open_id") or o.get("open_id") or f"dy-{order_id}"),
                          name=str(o.get("mask_post_receiver") or o.get("post_receiver") or "")),
            lines=[LineIn(sku_code=str(s.get("code") or s.get("out_sku_id") or s.get("sku_id")),
                          quantity=int(s.get("item_num") or 1),
                          unit_price=fen(s.get("origin_amount")) or fen(s.get("pay_amount")),
                          paid_amount=fen(s.get("pay_amount")), title=str(s.get("product_name") or ""),
                          external_id=str(s.get("order_id"))) for s in o["sku_order_list"]],
            placed_at=epoch(o.get("create_time")) or epoch(o.get("pay_time")),
            shipped_at=epoch(o.get("ship_time")), delivered_at=epoch(o.get("logistics_receipt_time")),
            carrier=str(logistics.get("company") or ""), tracking_number=str(logistics.get("tracking_no") or ""))

    # --- pulling --------------------------------------------------------------------------------

    def pull_request(self, since, until, token):
        return PlatformRequest("/afterSale/List", {
            "update_start_time": int(since.timestamp()), "update_end_time": int(until.timestamp()),
            "order_by": ["update_time asc"], "page": int(token or 0), "size": 100}, "售后列表")

    def parse_page(self, response, shop_key):
        data = response.get("data") or {}
        events = []
        for item in data.get("items") or []:
            info = item.get("aftersale_info") or {}
            events.append(RawEvent(event_id=f"pull:{info.get('aftersale_id')}:{info.get('update_time')}", kind="pull",
                                   shop_key=shop_key, occurred_at=epoch(info.get("update_time")), payload=item,
                                   subject=str(info.get("aftersale_id", ""))))
        page = int(data.get("page") or 0)
        return Page(events, str(page + 1) if data.get("has_more") else "")

    # --- acting back ----------------------------------------------------------------------------

    def action_request(self, topic, payload, case, link):
        if topic in NOT_ON_DOUYIN:
            raise NotSent(NOT_ON_DOUYIN[topic])
        action = topic.removeprefix("platform.")
        aftersale_id = str(case.platform_case_id)
        version = int(link.version_token) if link is not None and link.version_token.isdigit() else None
        if action == "ship_to_buyer" and case.case_type in FILL_LOGISTICS:
            return PlatformRequest("/afterSale/fillLogistics", {
                "aftersale_id": aftersale_id, "send_type": FILL_LOGISTICS[case.case_type],
                "company_code": payload.get("carrier", ""), "tracking_no": payload.get("tracking_number", "")},
                "商家发货（补寄/维修）")
        entry = OPERATE.get((action, case.case_type))
        if entry is None:
            raise NotSent(f"Douyin's afterSale/operate has no type for {action} on a {case.case_type} case")
        op_type, label = entry
        item = {"aftersale_id": aftersale_id}
        if payload.get("reason"):
            item["reason"] = item["remark"] = payload["reason"][:200]
        if op_type in NEEDS_ADDRESS:
            item["logistics"] = {"after_sale_address_detail": {
                "detail": case.shop.return_address, "user_name": case.shop.return_contact,
                "mobile": case.shop.return_phone}}
        if op_type == 311:
            item["logistics"] = {"company_code": payload.get("carrier", ""),
                                 "logistics_code": payload.get("tracking_number", "")}
        if version:
            item["update_time"] = version
        return PlatformRequest("/afterSale/operate", {"type": op_type, "items": [item]},
                               f"{label} (afterSale/operate type {op_type})")

    def sign_request(self, request, app_key, secrets, now: datetime):
        """The open platform's md5 sign: app_secret + app_key… method… param_json… timestamp… v… + app_secret."""
        method = request.api.strip("/").replace("/", ".")
        params = {"app_key": app_key, "method": method, "param_json": dumps(request.params),
                  "timestamp": now.astimezone().strftime("%Y-%m-%d %H:%M:%S"), "v": "2"}
        secret = secrets.get("app_secret", "")
        plain = secret + "".join(f"{k}{params[k]}" for k in sorted(params)) + secret
        return {**params, "sign": md5_hex(plain), "sign_method": "md5", "access_token": secrets.get("access_token", "")}


def _asked(amount, post) -> object:
    """What the buyer asks back for the goods: refund_amount includes the postage refund."""
    total = fen(amount)
    if total is None:
        return None
    return total - (fen(post) or 0)


__all__ = ["Douyin", "share"]
