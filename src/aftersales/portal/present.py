"""What the buyer sees of a case, in a given language: the stages, what is happening now and who
acts by when, every step in the buyer's words, the open choices, the return instructions.  The
status page lays it out; the notifications (portal/notices.py) use the same sentences.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.urls import reverse
from django.utils import translation

from aftersales.cases import explain as ex
from aftersales.cases.models import Deadline, DeadlineStatus, Evidence, Inspection, Offer, Refund, TimelineEvent
from aftersales.cases.offers import describe
from aftersales.domain import lifecycle as lc
from aftersales.domain import refund_arrival
from aftersales.portal import carriers, words as w
from aftersales.portal.words import is_zh, say, when
from aftersales.web.present import money as _money

S = lc.CaseState


def language_of(case, link=None) -> str:
    """The buyer's language: as chosen in the portal, else the shop's region's."""
    if link is not None and link.language:
        return link.language
    return "zh-hans" if case.shop.region == "CN" else "en"


def money(amount, currency: str, lang: str) -> str:
    with translation.override(lang):
        return _money(amount, currency)


def parcel(carrier: str, number: str, lang: str) -> str:
    found = carriers.CARRIERS.get(carrier)
    return f"{found.name(lang) if found else carrier} {number}".strip()


# ---------------------------------------------------------------------------------------------
# Now: who acts, by when

@dataclass(frozen=True)
class Situation:
    state: str
    now: str            # what is happening
    who_key: str        # seller | buyer | platform | ""
    who: str            # "The shop" / "You"
    next: str           # what happens next, by when
    due_at: datetime | None = None
    note: str = ""      # what happens if nobody acts (own stores)


def _due(case, party: str) -> Deadline | None:
    return (Deadline.objects.filter(case=case, status=DeadlineStatus.OPEN, party=party).order_by("due_at").first()
            if party else None)


def arrival(case, lang: str) -> str:
    """When the refund should arrive: the window stored when it was sent; before that, the shop's
    promise to send it plus the payment method's time."""
    tz = case.shop.time_zone
    refund = Refund.objects.filter(case=case).order_by("-id").first()
    if refund is None:
        return ""
    if refund.succeeded_at:
        return when(refund.succeeded_at, tz, lang, time=False)
    if refund.paid_at and refund.expected_from and refund.expected_to:
        first, last = refund.expected_from, refund.expected_to
    else:
        method = case.order.payment_method if case.order_id else ""
        send_by = refund.expected_to or refund.approved_at
        first, last = refund_arrival.window(send_by, method, case.shop.calendar, tz)
        return say(w.ARRIVAL_BY, lang, last=when(last, tz, lang, time=False))
    a, b = when(first, tz, lang, time=False), when(last, tz, lang, time=False)
    return say(w.ARRIVAL_BY, lang, last=b) if a == b else say(w.ARRIVAL_SPAN, lang, first=a, last=b)


def method_words(method: str, lang: str) -> str:
    """"WeChat Pay, 0–3 business days" / "微信支付，0–3 个工作日"."""
    a = refund_arrival.arrival_for(method)
    return f"{a.zh}，{a.words(lang)}" if is_zh(lang) else f"{a.en}, {a.words(lang)}"


def situation(case, lang: str) -> Situation:
    state = case.state
    (now_pair, who_key) = w.NOW.get(state, w.NOW[S.UNKNOWN])
    deadline = _due(case, who_key)
    due_text = when(deadline.due_at, case.shop.time_zone, lang) if deadline else ""
    nxt = w.NEXT.get(state, ("", ""))
    if state == S.REFUND_IN_PROGRESS:
        when_arrives = arrival(case, lang)
        text = say(nxt, lang, arrival=when_arrives) if when_arrives else ""
    elif "{due}" in nxt[0] and not due_text:
        text = ""
    else:
        text = say(nxt, lang, due=due_text)
    note = ""
    if deadline is not None and case.profile.executes_timeouts and deadline.on_timeout in w.TIMEOUT_NOTE:
        note = say(w.TIMEOUT_NOTE[deadline.on_timeout], lang)
    if state == S.CLOSED and case.close_reason:
        pair = ex.CLOSE_REASON_LABELS.get(case.close_reason)
        now_pair = (f"{now_pair[0]}（{pair[0]}）", f"{now_pair[1][:-1]} ({pair[1].lower()}).") if pair else now_pair
    return Situation(state=state, now=say(now_pair, lang), who_key=who_key, who=say(w.WHO[who_key], lang),
                     next=text, due_at=deadline.due_at if deadline else None, note=note)


# ---------------------------------------------------------------------------------------------
# Stages

@dataclass(frozen=True)
class Stage:
    key: str
    label: str
    status: str     # done | current | todo


def stages(case, lang: str) -> list[Stage]:
    keys = w.ROUTE_STAGES.get(lc.Route(case.route), w.ROUTE_STAGES[lc.Route.NONE])
    current = w.STATE_STAGE.get(case.state, "review")
    if current not in keys:
        current = "done" if case.state in (S.COMPLETED, S.CLOSED) else "review"
    at = keys.index(current)
    done_all = case.state in (S.COMPLETED, S.CLOSED)
    return [Stage(k, say(w.STAGES[k], lang), "done" if i < at or done_all else "current" if i == at else "todo")
            for i, k in enumerate(keys)]


# ---------------------------------------------------------------------------------------------
# One event in the buyer's words

def _after(text: str, marker: str) -> str:
    return text.split(marker, 1)[1].strip() if marker in text else ""


def _reason(ev, lang: str) -> str:
    """The reason the team gave, in the buyer's language (the core writes it into both sentences)."""
    found = _after(ev.message_zh, "原因：") if is_zh(lang) else _after(ev.message_en, "Reason:")
    return found or ev.data.get("reason", "")


def offers_text(case, at: datetime, lang: str) -> str:
    rows = list(Offer.objects.filter(case=case, created_at=at).select_related("case"))
    for o in rows:   # what was offered, not the size chosen later
        o.exchange_sku_id = None
    sep = "；" if is_zh(lang) else "; "
    return sep.join(describe(o, lang) for o in rows)


def step_sentence(ev: TimelineEvent, case, lang: str) -> str:
    """The sentence the buyer reads for one timeline event (also a notification's first line)."""
    tz = case.shop.time_zone
    if ev.kind == "transition":
        action = ev.action
        if action == lc.Action.APPROVE and ev.actor == lc.Actor.SYSTEM:
            return say(w.AUTO_APPROVED, lang)
        pair = w.STEP.get(action)
        if pair is None:
            return ev.message_zh if is_zh(lang) else ev.message_en
        values = {}
        if action in (lc.Action.REJECT,):
            values["reason"] = _reason(ev, lang)
        if action == lc.Action.REJECT_RECEIPT:
            insp = Inspection.objects.filter(case=case, created_at__lte=ev.created_at).order_by("-id").first()
            if insp is not None:
                with translation.override(lang):
                    values["reason"] = f"{insp.get_outcome_display()}" + (f" – {insp.note}" if insp.note else "")
            else:
                values["reason"] = _reason(ev, lang)
        if action == lc.Action.OFFER:
            values["options"] = offers_text(case, ev.created_at, lang)
        if action == lc.Action.ACCEPT_OFFER:
            chosen = (Offer.objects.filter(case=case, status="accepted", answered_at=ev.created_at)
                      .select_related("exchange_sku", "case").first())
            values["chosen"] = describe(chosen, lang) if chosen else ""
        if action in (lc.Action.SHIP_RETURN, lc.Action.SHIP_TO_BUYER):
            values["parcel"] = parcel(ev.data.get("carrier", ""), ev.data.get("tracking_number", ""), lang)
        return say(pair, lang, **values)
    if ev.kind == "created":
        return say(w.KIND["created"], lang, number=case.number)
    if ev.kind == "evidence":
        return say(w.KIND["evidence"], lang, what=say(w.EVIDENCE_KIND.get(ev.data.get("kind"), ("文件", "file")),
                                                        lang))
    if ev.kind == "evidence.requested":
        sep = "、" if is_zh(lang) else ", "
        what = sep.join(say(ex.EVIDENCE_REQUESTS[k], lang) for k in ev.data.get("kinds", []) if k in
                        ex.EVIDENCE_REQUESTS)
        note = ev.data.get("note", "")
        return say(w.KIND["evidence.requested"], lang, what=what) + (f" {note}" if note else "")
    if ev.kind == "refund.paid":
        first, last = ev.data.get("expected_from"), ev.data.get("expected_to")
        span = ""
        if first and last:
            fa = when(datetime.fromisoformat(first), tz, lang, time=False)
            la = when(datetime.fromisoformat(last), tz, lang, time=False)
            span = say(w.ARRIVAL_BY, lang, last=la) if fa == la else say(w.ARRIVAL_SPAN, lang, first=fa, last=la)
        refund = Refund.objects.filter(case=case, paid_at=ev.created_at).first()
        amount = money(refund.amount, refund.currency, lang) if refund else ""
        return say(w.KIND["refund.paid"], lang, amount=amount, arrival=span,
                   method=method_words(ev.data.get("method", ""), lang))
    if ev.kind == "rating":
        return say(w.KIND["rating"], lang, score=ev.data.get("score", ""))
    if ev.kind == "follow_up.answer":
        return say(w.KIND["follow_up.answer"], lang, answer=say(w.SATISFIED[bool(ev.data.get("satisfied"))], lang))
    if ev.kind == "pickup":
        found = carriers.CARRIERS.get(ev.data.get("carrier", ""))
        return say(w.KIND["pickup"], lang, when=f"{ev.data.get('day', '')} {ev.data.get('window', '')}",
                   carrier=found.name(lang) if found else "")
    return ev.message_zh if is_zh(lang) else ev.message_en


@dataclass(frozen=True)
class Item:
    at: str
    iso: str
    side: str           # buyer | seller | system | platform
    text: str
    body: str = ""      # a message's whole text


def timeline(case, lang: str) -> list[Item]:
    """The buyer-visible events, newest first."""
    from aftersales.cases.models import Message

    events = list(case.events.filter(visible_to_buyer=True).order_by("-created_at", "-id"))
    bodies = dict(Message.objects.filter(case=case).values_list("pk", "body"))
    out = []
    for ev in events:
        body = ""
        if ev.kind == "message":
            body = bodies.get(ev.data.get("message"), "")
            text = say(w.KIND["message.buyer" if ev.actor == lc.Actor.BUYER else "message.seller"], lang, body="")
            text = text.rstrip("：: ")
        else:
            text = step_sentence(ev, case, lang)
        side = "seller" if ev.actor == lc.Actor.SYSTEM and ev.kind == "transition" else ev.actor
        out.append(Item(when(ev.created_at, case.shop.time_zone, lang), ev.created_at.isoformat(), side, text, body))
    return out


# ---------------------------------------------------------------------------------------------
# Open choices and instructions

@dataclass(frozen=True)
class SkuChoice:
    id: int
    label: str
    stock: int | None
    available: bool


@dataclass(frozen=True)
class OfferChoice:
    id: int
    kind: str
    text: str
    skus: list[SkuChoice] = field(default_factory=list)


def offers(case, lang: str) -> list[OfferChoice]:
    from aftersales.portal.services import exchange_skus

    qty = sum(cl.quantity for cl in case.lines.all())
    skus = None
    out = []
    for o in Offer.objects.filter(case=case, status="proposed").select_related("case").order_by("id"):
        choices = []
        if o.kind == "exchange":
            skus = skus if skus is not None else exchange_skus(case)
            choices = [SkuChoice(s.pk, s.title or s.code, s.stock, s.stock is None or s.stock >= qty) for s in skus]
        out.append(OfferChoice(o.pk, o.kind, describe(o, lang), choices))
    return out


@dataclass(frozen=True)
class ReturnInfo:
    contact: str
    phone: str
    address: str
    note: str
    shipping: str          # who pays the postage
    due: str


def return_info(case, lang: str) -> ReturnInfo:
    from aftersales.domain.policies import payer_text
    from aftersales.portal.models import ShopPortal

    shop = case.shop
    extra = ShopPortal.objects.filter(shop=shop).values_list("return_note", flat=True).first() or ""
    payer = (case.policy_result or {}).get("return_shipping_payer", "buyer")
    deadline = _due(case, "buyer")
    return ReturnInfo(contact=shop.return_contact, phone=shop.return_phone, address=shop.return_address, note=extra,
                      shipping=payer_text(payer)[0 if is_zh(lang) else 1],
                      due=when(deadline.due_at, shop.time_zone, lang) if deadline else "")


@dataclass(frozen=True)
class EvidenceFile:
    id: int
    name: str
    kind: str
    url: str


def buyer_files(case, token: str) -> list[EvidenceFile]:
    """What the buyer sent (the team's own evidence for a dispute is theirs, not shown here)."""
    return [EvidenceFile(e.pk, e.original_name, e.kind, reverse("portal:evidence", args=[token, e.pk]))
            for e in Evidence.objects.filter(case=case, uploaded_by=lc.Actor.BUYER).order_by("id")]


def evidence_asked(case, lang: str) -> str:
    """What the shop asked the buyer to send, while nothing has been sent since; else ""."""
    asked = case.events.filter(kind="evidence.requested").order_by("-created_at", "-id").first()
    if asked is None or not case.is_open:
        return ""
    if case.events.filter(kind="evidence", actor=lc.Actor.BUYER, created_at__gte=asked.created_at).exists():
        return ""
    return step_sentence(asked, case, lang)
