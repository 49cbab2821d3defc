"""The buyer's notifications: one message per step, in the buyer's language with the other one
below it (e-mail), or the buyer's language alone (SMS, a platform's chat); always with the status
link.  Registered with notify for every topic "buyer.*", rendered when the row is delivered from
the facts the row carries (the step's timeline event, the refund's window) and the case.
"""

from __future__ import annotations

from datetime import datetime

from aftersales.cases.explain import STATE_LABELS
from aftersales.cases.models import TimelineEvent
from aftersales.notify.rendering import Notice, renderer
from aftersales.portal import links, words as w
from aftersales.portal.models import Pickup, ShopPortal
from aftersales.portal.policy import for_case
from aftersales.portal.present import (
    language_of, method_words, money, offers, return_info, situation, step_sentence,
)
from aftersales.portal.words import is_zh, say, when

FOOTER = ("随时查看进度：{url}", "Follow your request at any time: {url}")
DELAY_WHAT = {
    "seller_review": ("审核您的申请", "reviewing your request"),
    "seller_receipt_review": ("确认您的退货", "checking your return"),
    "seller_reship": ("为您发货", "sending your item"),
    "seller_refund_issue": ("为您退款", "sending your refund"),
    "first_reply": ("回复您", "answering you"),
    "delivery": ("您的包裹派送", "delivering your parcel"),
}
APOLOGY = ("很抱歉，{what}比我们承诺的时间晚了，我们正在加紧处理。",
           "We are sorry: {what} is taking longer than we promised. We are on it.")
COMPENSATION = ("作为补偿：{offer}", "To make up for it: {offer}")
DELIVERY_PROBLEM = ("很抱歉，您的包裹在运输中出现异常，我们正在联系快递公司。",
                    "We are sorry: there is a problem with your parcel on its way. We are in touch with the carrier.")
RETURN_RECEIVED = ("我们已收到您寄回的包裹，会尽快验货。", "Your return parcel has arrived; the shop checks it soon.")
FOLLOW_UP = ("您对售后 {number} 的处理满意吗？点一下告诉我们：", "Are you happy with how we handled {number}? One click tells us:")
ANSWER_LINKS = (("满意：{yes}", "Satisfied: {yes}"), ("不满意：{no}", "Not satisfied: {no}"))
CHOOSE = ("请在这里选择：{url}", "Choose here: {url}")
RETURN_TO = ("寄回地址：{address}（{contact}，{phone}）", "Send it to: {address} ({contact}, {phone})")
POSTAGE = ("运费：{payer}", "Postage: {payer}")
ENTER_TRACKING = ("寄出后请在进度页填写快递单号。", "Once sent, enter the tracking number on the status page.")
UPLOAD_HERE = ("请在进度页上传：{url}", "Upload them on the status page: {url}")
SHOP_WROTE = ("商家给您发来消息：", "The shop wrote to you:")
# Subjects that differ from the message's first line (which already names the request).
SUBJECTS = {"buyer.case_received": ("我们收到了您的申请", "We received your request"),
            "buyer.follow_up": ("您对这次售后满意吗？", "How did we do?")}


def _event(msg) -> TimelineEvent | None:
    pk = msg.payload.get("event")
    return TimelineEvent.objects.filter(pk=pk, case_id=msg.case_id).first() if pk else None


def _compose(msg, case, link, lang: str, url: str) -> tuple[str, list[str]]:
    """(the headline, the lines after it) of one message in `lang`."""
    topic, p = msg.topic, msg.payload
    tz = case.shop.time_zone
    lines: list[str] = []
    now_here = case.state == p.get("state", case.state)

    def current() -> None:
        if now_here:
            s = situation(case, lang)
            lines.extend(x for x in (s.now, s.next, s.note) if x)

    if topic == "buyer.case_received":
        head = say(w.KIND["created"], lang, number=case.number)
        view = for_case(case, case.created_at, lang)
        lines.append(view.headline)
        lines.extend(view.allows[:3])
        current()
    elif topic == "buyer.case_updated":
        ev = _event(msg)
        head = step_sentence(ev, case, lang) if ev else say(STATE_LABELS.get(p.get("state"), ("", "")), lang)
        state = p.get("state")
        if state == "awaiting_buyer_response" and now_here:
            lines.extend(f"· {o.text}" for o in offers(case, lang))
            lines.append(say(CHOOSE, lang, url=url))
        if state == "awaiting_buyer_return" and now_here:
            info = return_info(case, lang)
            lines.append(say(RETURN_TO, lang, address=info.address, contact=info.contact, phone=info.phone))
            lines.append(say(POSTAGE, lang, payer=info.shipping))
            if info.note:
                lines.append(info.note)
            lines.append(say(ENTER_TRACKING, lang))
        current()
    elif topic == "buyer.evidence_requested":
        ev = TimelineEvent.objects.filter(case=case, kind="evidence.requested").order_by("-id").first()
        head = step_sentence(ev, case, lang) if ev else say(w.KIND["evidence.requested"], lang, what="")
        lines.append(say(UPLOAD_HERE, lang, url=url))
    elif topic == "buyer.message":
        head = say(SHOP_WROTE, lang)
        lines.append(p.get("body", ""))
    elif topic == "buyer.refund_sent":
        first, last = p.get("expected_from"), p.get("expected_to")
        fa = when(datetime.fromisoformat(first), tz, lang, time=False) if first else ""
        la = when(datetime.fromisoformat(last), tz, lang, time=False) if last else ""
        span = say(w.ARRIVAL_BY, lang, last=la) if fa == la else say(w.ARRIVAL_SPAN, lang, first=fa, last=la)
        head = say(w.KIND["refund.paid"], lang, amount=money(p.get("amount"), p.get("currency", ""), lang),
                   arrival=span, method=method_words(p.get("method", ""), lang))
    elif topic == "buyer.parcel_received":
        head = say(RETURN_RECEIVED, lang)
        current()
    elif topic == "buyer.delay":
        kind = p.get("kind", "")
        head = (say(DELIVERY_PROBLEM, lang) if kind == "delivery" else
                say(APOLOGY, lang, what=say(DELAY_WHAT.get(kind, ("处理您的申请", "handling your request")), lang)))
        offer = ShopPortal.objects.filter(shop=case.shop).values_list("delay_compensation", flat=True).first()
        if offer:
            lines.append(say(COMPENSATION, lang, offer=offer))
        current()
    elif topic == "buyer.follow_up":
        head = say(FOLLOW_UP, lang, number=case.number)
        base = links.url(case, "portal:follow-up", link)
        lines.extend([say(ANSWER_LINKS[0], lang, yes=f"{base}?answer=yes"),
                      say(ANSWER_LINKS[1], lang, no=f"{base}?answer=no")])
    elif topic == "buyer.pickup_booked":
        pickup = Pickup.objects.filter(pk=p.get("pickup"), case=case).first()
        head = step_sentence(TimelineEvent.objects.filter(case=case, kind="pickup").order_by("-id").first(),
                             case, lang) if pickup else ""
        if pickup:
            lines.append(pickup.address)
    else:
        head = say(STATE_LABELS.get(case.state, ("", "")), lang)
        current()
    return head, [x for x in lines if x]


@renderer("buyer.")
def buyer_notice(msg) -> Notice | None:
    case = msg.case
    if case is None:
        return None
    link = links.link_for(case)
    url = links.url(case, link=link)
    lang = language_of(case, link)
    other = "en" if is_zh(lang) else "zh-hans"
    texts = {language: _compose(msg, case, link, language, url) for language in (lang, other)}
    head = texts[lang][0]
    shop = case.shop.name
    title = say(SUBJECTS[msg.topic], lang) if msg.topic in SUBJECTS else head
    subject = (f"【{shop}】售后 {case.number}：{title}" if is_zh(lang) else f"[{shop}] {case.number}: {title}")[:150]
    blocks = []
    for language in (lang, other):
        h, ls = texts[language]
        blocks.append("\n".join([h, "", *ls, "", say(FOOTER, language, url=url)]))
    text = "\n\n————————\n\n".join(blocks)
    # One text message: the headline and the link (to the follow-up's one click, for a follow-up).
    target = links.url(case, "portal:follow-up", link) if msg.topic == "buyer.follow_up" else url
    short = (f"【{shop}】" if is_zh(lang) else f"[{shop}] ") + head[:160] + " " + target
    return Notice(subject=subject, text=text, short=short, language=lang)

