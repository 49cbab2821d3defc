"""Self-service answers: the buyer's common questions answered from the case's own data.

`question(text)` recognises four questions (where is my parcel, where is my refund, what is the
return policy, how do I send the return) and a buyer saying an answer did not help; `answer(case,
kind, language)` writes the reply from the case's rows.  assist.services sends it through the
outbox on the buyer's channel and writes the "assist.auto_answer" timeline event; anything else
is left to an agent.
"""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from aftersales.cases import replies

WHERE_PARCEL, WHERE_REFUND, RETURN_POLICY, HOW_TO_RETURN = "where_parcel", "where_refund", "return_policy", "how_to_return"

_QUESTIONS = (
    (WHERE_REFUND, re.compile(r"退款.{0,6}(到哪|到账|进度|什么时候|多久|几天|没到|还没)|钱.{0,4}(什么时候|何时).{0,4}(退|到)"
                              r"|where(?:'s| is) my refund|refund status|when (?:will|do) i get my (?:money|refund)", re.I)),
    (HOW_TO_RETURN, re.compile(r"(退货|寄回|退回).{0,6}(地址|寄到哪|寄哪|怎么寄|如何寄)|怎么(寄回|退回|把货寄)|寄到哪里"
                               r"|how (?:do|can|should) i (?:send|ship|mail) (?:it|the item|the return)|return address", re.I)),
    (RETURN_POLICY, re.compile(r"(退货|退换货|售后)(政策|规则|条件)|能(不能)?退(货)?吗|可以退(货)?吗|几天(内)?(可以|能)?退|无理由.{0,4}(吗|几天)"
                               r"|return policy|can i (?:still )?return|how many days .{0,20}return", re.I)),
    (WHERE_PARCEL, re.compile(r"(快递|包裹|物流|货).{0,6}(到哪|在哪|什么时候到|怎么还没到)|到哪(了|里了)|查(一下)?(物流|快递)"
                              r"|where(?:'s| is) my (?:order|package|parcel)|track(?:ing)? (?:my )?(?:order|package)", re.I)),
)
_NOT_HELPED = re.compile(r"没(有)?用|没解决|不满意|不行|答非所问|转人工|找人工|人工客服|真人|机器人"
                         r"|(?:didn't|did not|doesn't|does not) help|not helpful|real person|human|an agent|useless", re.I)


def question(text: str) -> str:
    """The self-service question the text asks, or ""."""
    for kind, pattern in _QUESTIONS:
        if pattern.search(text or ""):
            return kind
    return ""


def not_helped(text: str) -> bool:
    return bool(_NOT_HELPED.search(text or ""))


def _day(when, case, language: str) -> str:
    local = when.astimezone(ZoneInfo(case.shop.time_zone))
    return f"{local.month}月{local.day}日" if language == "zh" else local.strftime("%b %d").replace(" 0", " ")


def answer(case, kind: str, language: str) -> str | None:
    """The reply, or None when the case lacks what the answer needs (then an agent answers)."""
    zh = language == "zh"
    if kind == WHERE_PARCEL:
        if not case.order_id:
            return None
        shipment = case.order.shipments.order_by("-shipped_at", "-id").first()
        tracking = replies._tracking(case)
        carrier = f"{shipment.carrier} {tracking}" if shipment and tracking else tracking
        delivered = (shipment.delivered_at if shipment else None) or case.order.delivered_at
        shipped = (shipment.shipped_at if shipment else None) or case.order.shipped_at
        if delivered:
            day = _day(delivered, case, language)
            return (f"亲，您的包裹{'（' + carrier + '）' if carrier else ''}物流显示已于{day}签收。如果您没有收到，请告诉我们，我们马上为您核实。"
                    if zh else f"Hi, your parcel{' (' + carrier + ')' if carrier else ''} shows as delivered on {day}. "
                    "If you have not received it, just tell us and we will check right away.")
        if not shipped:
            return None
        sent = _day(shipped, case, language)
        return (f"亲，您的包裹已于{sent}发出{'，运单号 ' + carrier if carrier else ''}，正在运输中。我们也会帮您盯着，有变化第一时间告诉您。"
                if zh else f"Hi, your parcel is on its way since {sent}{' (' + carrier + ')' if carrier else ''}. "
                "We are keeping an eye on it and will tell you as soon as anything changes.")
    if kind == WHERE_REFUND:
        refund = case.refunds.order_by("-id").first()
        if refund is None:
            return (f"亲，您的售后单 {case.number} 正在审核中，审核通过后退款会原路退回，我们会尽快给您答复。"
                    if zh else f"Hi, your case {case.number} is being reviewed; once it is approved the refund goes "
                    "back to your original payment method. We will get back to you soon.")
        eta = replies._refund_eta(case, language)
        if refund.succeeded_at:
            return (f"亲，您的退款 {refund.amount} {refund.currency} 已于{_day(refund.succeeded_at, case, language)}退回原支付账户，请查收。"
                    if zh else f"Hi, your refund of {refund.amount} {refund.currency} was paid back on "
                    f"{_day(refund.succeeded_at, case, language)} to your original payment method.")
        return (f"亲，您的退款 {refund.amount} {refund.currency} 已经批准，预计{eta}到账，退回原支付账户。"
                if zh else f"Hi, your refund of {refund.amount} {refund.currency} is approved and should reach your "
                f"original payment method {eta}.")
    if kind == RETURN_POLICY:
        shop = case.shop
        return (f"亲，签收后 {shop.no_reason_days} 天内商品完好、不影响二次销售可以无理由退货；有质量问题的 {shop.quality_exchange_days} "
                "天内可以换货或退货，运费由我们承担。您是想退货，还是换一个呢？"
                if zh else f"Hi, you can return an unused item within {shop.no_reason_days} days of delivery for any "
                f"reason; a faulty item can be exchanged or returned within {shop.quality_exchange_days} days, with "
                "shipping on us. Would you like to return it or exchange it?")
    if kind == HOW_TO_RETURN:
        shop = case.shop
        if not shop.return_address:
            return None
        who = " ".join(x for x in (shop.return_contact, shop.return_phone) if x)
        return (f"亲，请把商品连同配件寄到：{shop.return_address}{'（' + who + '）' if who else ''}，包裹里写上售后单号 {case.number}，"
                "寄出后在订单里填写运单号即可。我们收到后会第一时间为您处理。"
                if zh else f"Hi, please send the item with its accessories to: {shop.return_address}"
                f"{' (' + who + ')' if who else ''}, with your case number {case.number} inside, and add the tracking "
                "number to your order. We will handle it as soon as it arrives.")
    return None
