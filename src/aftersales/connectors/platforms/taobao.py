"""Taobao / Tmall (淘宝开放平台 TOP): TMC messages, refunds.receive.get, refund decisions (PLATFORMS.md §2).

Taobao delivers its messages (TMC) over a long connection; they reach /webhooks/taobao/ relayed
over HTTP (a TMC client or Taobao's Qimen push), signed with TOP's signature: the query carries
app_key, timestamp, sign_method=md5 and sign = upper(md5(secret + sorted query k+v + body + secret)).
The body is the TMC message as the SDKs hand it out: {id, topic, content (a JSON string),
pub_time, pub_app_key, user_id, user_nick}.  Message content fields follow
TheNorthMemory/tmc.js types/taobao.d.ts (each links its open.taobao.com/tmc.htm doc); refund
fields follow bububa/opentaobao model/refund.  TMC refund messages do not carry the refund's
status: the topic says which step happened.  Amounts are yuan strings.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from aftersales.connectors.base import (
    CaseFacts, Change, Connector, MessageFacts, NotSent, Page, PlatformRequest, RawEvent, TrackingFacts, md5_hex, same,
)
from aftersales.connectors.platforms.common import SHANGHAI, decimal, loads, shanghai_time

ORDER_TOPICS = {"taobao_trade_TradeCreate", "taobao_trade_TradeBuyerPay", "taobao_trade_TradeSellerShip",
                "taobao_trade_TradeSuccess", "taobao_trade_TradeChanged", "taobao_trade_TradeClose"}
# topic -> the Refund.status it means; per bill type where the step differs
REFUND_TOPICS = {
    "taobao_refund_RefundCreated": "WAIT_SELLER_AGREE",
    "taobao_refund_RefundBuyerModifyAgreement": "WAIT_SELLER_AGREE",
    "taobao_refund_RefundSellerAgreeAgreement": {"refund_bill": "SUCCESS", "": "WAIT_BUYER_RETURN_GOODS"},
    "taobao_refund_RefundBuyerReturnGoods": "WAIT_SELLER_CONFIRM_GOODS",
    "taobao_refund_RefundSellerRefuseAgreement": "SELLER_REFUSE_BUYER",
    "taobao_refund_RefundClosed": "CLOSED",
    "taobao_refund_RefundSuccess": "SUCCESS",
}
# the platform steps in: arbitration only, the status stays (profile arbitration_map keys)
INTERVENTION_TOPICS = {"taobao_refund_TaobaoInterApplied", "taobao_refund_TaobaoIntervened"}
MESSAGE_TOPIC = "taobao_refund_RefundCreateMessage"
TRACE_TOPIC = "taobao_logistics_LogsticDetailTrace"
# LogsticDetailTrace `action` -> the normalised tracking status (the logistics contract)
TRACE_STATUS = {"CREATE": "accepted", "CONSIGN": "accepted", "GOT": "accepted", "ARRIVAL": "at_hub",
                "DEPARTURE": "in_transit", "SENT_CITY": "at_hub", "TO_EMS": "in_transit", "SENT_SCAN": "out_for_delivery",
                "SIGNED": "delivered", "FAILED": "exception", "LOST": "exception", "OTHER": "in_transit"}
BUYER_ROLE = "1"   # taobao.refund.messages.get owner_role: 1 buyer, 2 seller, 3 Taobao staff
NOT_ON_TAOBAO = {
    "payment.refund": "Taobao pays the refund itself when the seller agrees (taobao.rp.refunds.agree)",
    "platform.offer": "TOP has no counter-offer call: write it to the buyer as a refund message",
    "platform.escalate": "the buyer applies for 淘宝介入; the seller answers with evidence there",
}
REFUND_FIELDS = ("refund_id,tid,oid,status,good_status,has_good_return,refund_fee,reason,desc,modified,"
                 "refund_phase,refund_version,dispute_type,refund_remind_timeout")


def _stamp(dt: datetime) -> str:
    return dt.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")


class Taobao(Connector):
    platform = "taobao"
    name = "Taobao / Tmall"
    fixtures_source = "TheNorthMemory/tmc.js types/taobao.d.ts; bububa/opentaobao model/refund, api/refund"

    def routing(self, body, headers, query):
        return "app_key", str(query.get("app_key", ""))

    @staticmethod
    def top_sign(params: dict, body: bytes, secret: str) -> str:
        plain = secret + "".join(f"{k}{params[k]}" for k in sorted(params) if k != "sign")
        return md5_hex(plain.encode() + body + secret.encode()).upper()

    def verify(self, body, headers, query, app_key, secrets):
        params = {k: query.get(k) for k in query.keys()}
        return same(str(query.get("sign", "")).upper(), self.top_sign(params, body, secrets.get("app_secret", "")))

    def split(self, body, headers, query):
        messages = loads(body)
        out = []
        for m in messages if isinstance(messages, list) else [messages]:
            content = loads(m.get("content") or "{}")
            when = shanghai_time(content.get("modified") or content.get("time") or m.get("pub_time"))
            subject = str(content.get("refund_id") or content.get("tid") or "")
            out.append(RawEvent(str(m.get("id") or m.get("dataid")), str(m.get("topic")),
                                str(m.get("user_id") or content.get("seller_nick") or ""), when,
                                {**content, "_topic": m.get("topic")}, subject))
        return out

    def acknowledgement(self):
        return {"success": True}

    def interpret(self, event, client, connection):
        c = event.payload
        topic = event.kind
        if topic == "pull":
            return [self._pulled(c)]
        if topic in ORDER_TOPICS:
            return [Change("order", event.occurred_at, order_id=str(c.get("tid", "")))]
        if topic == TRACE_TOPIC:
            when = shanghai_time(c.get("time")) or event.occurred_at
            return [Change("tracking", when, tracking=TrackingFacts(
                carrier=str(c.get("company_name") or "unknown"), tracking_number=str(c.get("out_sid") or ""),
                status=TRACE_STATUS.get(str(c.get("action", "")).upper(), "in_transit"), occurred_at=when,
                description=str(c.get("desc") or ""), event_id=event.event_id))]
        if topic == MESSAGE_TOPIC:
            response = client.call(PlatformRequest("taobao.refund.messages.get", {
                "refund_id": str(c.get("refund_id")), "refund_phase": c.get("refund_phase") or "aftersale",
                "page_no": 1, "page_size": 40, "fields": "id,content,owner_role,created"}))
            listed = ((response.get("refund_messages_get_response") or {}).get("refund_messages") or {})
            return [Change("message", shanghai_time(m.get("created")) or event.occurred_at, message=MessageFacts(
                message_id=str(m.get("id")), body=str(m.get("content") or ""), platform_case_id=str(c.get("refund_id"))))
                for m in listed.get("refund_message") or [] if str(m.get("owner_role")) == BUYER_ROLE]
        bill = str(c.get("bill_type") or "")
        if topic in INTERVENTION_TOPICS:
            status, arbitration = "", topic
        elif topic in REFUND_TOPICS:
            status = REFUND_TOPICS[topic]
            if isinstance(status, dict):
                status = status.get(bill, status[""])
            arbitration = ""
        else:
            return [Change("ignored", note=f"TMC topic {topic} is not about after-sales")]
        phase = str(c.get("refund_phase") or "")
        facts = CaseFacts(
            platform_case_id=str(c["refund_id"]), order_id=str(c.get("tid", "")), status=status,
            platform_type=f"{bill}|{phase}" if bill == "refund_bill" and phase else bill,
            arbitration_status=arbitration, amount=decimal(c.get("refund_fee")),
            line_ids=[str(c["oid"])] if c.get("oid") else [], version_token=f"{phase}|" if phase else "")
        return [Change("case", event.occurred_at, order_id=facts.order_id, case=facts)]

    def _pulled(self, r: dict) -> Change:
        status, good = str(r.get("status", "")), str(r.get("good_status") or "")
        bill = "return_bill" if str(r.get("has_good_return")).lower() == "true" else "refund_bill"
        phase = str(r.get("refund_phase") or "")
        timeout = (r.get("refund_remind_timeout") or {}).get("timeout")
        facts = CaseFacts(
            platform_case_id=str(r.get("refund_id")), order_id=str(r.get("tid", "")), status=status,
            qualifier=good if status == "SELLER_REFUSE_BUYER" else "",
            platform_type=f"{bill}|{phase}" if bill == "refund_bill" and phase else bill,
            reason=str(r.get("reason") or ""), reason_text=str(r.get("desc") or "")[:500],
            amount=decimal(r.get("refund_fee")), line_ids=[str(r["oid"])] if r.get("oid") else [],
            deadline=shanghai_time(timeout), version_token=f"{phase}|{r.get('refund_version') or ''}")
        return Change("case", shanghai_time(r.get("modified")), order_id=facts.order_id, case=facts)

    def order_request(self, order_id):
        return PlatformRequest("taobao.trade.fullinfo.get", {
            "tid": order_id, "fields": "tid,status,buyer_open_uid,buyer_nick,receiver_name,created,pay_time,"
                                       "consign_time,end_time,payment,orders"}, "交易详情")

    def parse_order(self, response, order_id, shop):
        from aftersales.orders.services import BuyerIn, LineIn, OrderIn

        t = (response.get("trade_fullinfo_get_response") or {}).get("trade") or {}
        orders = (t.get("orders") or {}).get("order") or []
        if not orders:
            return None
        return OrderIn(
            external_id=str(t.get("tid") or order_id),
            buyer=BuyerIn(external_id=str(t.get("buyer_open_uid") or t.get("buyer_nick") or f"tb-{order_id}"),
                          name=str(t.get("receiver_name") or "")),
            lines=[LineIn(sku_code=str(o.get("outer_sku_id") or o.get("outer_iid") or o.get("sku_id")),
                          quantity=int(o.get("num") or 1), unit_price=decimal(o.get("price")) or Decimal("0"),
                          paid_amount=decimal(o.get("payment")), title=str(o.get("title") or ""),
                          external_id=str(o.get("oid"))) for o in orders],
            placed_at=shanghai_time(t.get("created")), shipped_at=shanghai_time(t.get("consign_time")),
            delivered_at=shanghai_time(t.get("end_time")), carrier=str(t.get("company_name") or ""),
            tracking_number=str(t.get("out_sid") or ""))

    def pull_request(self, since, until, token):
        return PlatformRequest("taobao.refunds.receive.get", {
            "fields": REFUND_FIELDS, "start_modified": _stamp(since), "end_modified": _stamp(until),
            "page_no": int(token or 1), "page_size": 100, "use_has_next": "true"}, "退款列表")

    def parse_page(self, response, shop_key):
        body = response.get("refunds_receive_get_response") or {}
        events = [RawEvent(f"pull:{r.get('refund_id')}:{r.get('modified')}", "pull", shop_key,
                           shanghai_time(r.get("modified")), r, str(r.get("refund_id", "")))
                  for r in (body.get("refunds") or {}).get("refund") or []]
        page = int(body.get("page_no") or 1)
        return Page(events, str(page + 1) if str(body.get("has_next")).lower() == "true" else "")

    def action_request(self, topic, payload, case, link):
        if topic in NOT_ON_TAOBAO:
            raise NotSent(NOT_ON_TAOBAO[topic])
        phase, _, version = (link.version_token if link else "").partition("|")
        phase = phase or "aftersale"
        base = {"refund_id": case.platform_case_id, "refund_phase": phase, **({"refund_version": version} if version else {})}
        if topic in ("buyer.message", "buyer.evidence_requested"):
            text = payload.get("body") or payload.get("note") or ""
            return PlatformRequest("taobao.refund.message.add", {"refund_id": case.platform_case_id, "content": text[:400]},
                                   "退款留言")
        action = topic.removeprefix("platform.")
        amount_fen = int((Decimal(payload.get("amount") or case.requested_amount) * 100).to_integral_value())
        if action == "approve" and case.case_type in ("refund_only", "cancel_pre_shipment", "price_protection"):
            return PlatformRequest("taobao.rp.refunds.agree", {
                "refund_infos": f"{case.platform_case_id}|{amount_fen}|{version}|{phase}"}, "同意退款")
        if action == "approve":
            shop = case.shop
            return PlatformRequest("taobao.rp.returngoods.agree", {
                **base, "name": shop.return_contact, "address": shop.return_address, "tel": shop.return_phone,
                "mobile": shop.return_phone, "remark": payload.get("reason", "")[:200]}, "同意退货")
        if action == "confirm_receipt":
            return PlatformRequest("taobao.rp.refunds.agree", {
                "refund_infos": f"{case.platform_case_id}|{amount_fen}|{version}|{phase}"}, "确认收货并退款")
        if action == "reject":
            return PlatformRequest("taobao.refund.refuse", {**base, "refuse_message": payload.get("reason", "")[:200]},
                                   "拒绝退款")
        if action == "reject_receipt":
            return PlatformRequest("taobao.rp.returngoods.refuse", {**base, "refuse_message": payload.get("reason", "")[:200]},
                                   "拒绝确认收货")
        if action == "ship_to_buyer" and case.case_type == "exchange":
            return PlatformRequest("tmall.exchange.consigngoods", {
                "dispute_id": case.platform_case_id, "logistics_no": payload.get("tracking_number", ""),
                "corp_id": payload.get("carrier", "")}, "换货发货")
        raise NotSent(f"TOP has no call for {action} on a {case.case_type} case")

    def sign_request(self, request, app_key, secrets, now: datetime):
        params = {"method": request.api, "app_key": app_key, "session": secrets.get("access_token", ""),
                  "timestamp": _stamp(now), "format": "json", "v": "2.0", "sign_method": "md5",
                  **{k: str(v) for k, v in request.params.items()}}
        return {**params, "sign": self.top_sign(params, b"", secrets.get("app_secret", ""))}
