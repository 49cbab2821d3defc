"""Offers: one or several resolutions proposed to the buyer at once, and the buyer's answer.

An OFFER step writes one `Offer` row per option, all "proposed" (proposals still open from before
are withdrawn).  ACCEPT_OFFER takes the option the buyer chose, by id; without an id the latest
proposed one, as before several options could be offered together.  The others are marked
"declined".  DECLINE_OFFER declines them all.  These run inside `services._apply`'s transaction,
so the rows, the move and the timeline event commit together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils import translation

from aftersales.cases.models import OFFER_ROUTES, Case, Offer, OfferKind
from aftersales.domain import lifecycle as lc
from aftersales.errors import NotAllowed, ValidationFailed

MAX_OPTIONS = 6
# The kinds whose amount is money back (a coupon's or a gift's value is not a refund).
REFUND_KINDS = frozenset({OfferKind.REFUND, OfferKind.PARTIAL_REFUND})


@dataclass(frozen=True)
class OfferOption:
    kind: str
    amount: Decimal | None = None
    note: str = ""
    coupon_code: str = ""
    repair_by: str = ""


def options_of(inputs) -> list[OfferOption]:
    """The options of an OFFER step: `inputs.offer_options`, or the one `offer_kind` of callers
    that offer a single option (the API before lists, the CLI, the demo)."""
    if inputs.offer_options:
        return [o if isinstance(o, OfferOption) else OfferOption(**o) for o in inputs.offer_options]
    return [OfferOption(inputs.offer_kind, inputs.amount, inputs.offer_note, inputs.coupon_code, inputs.repair_by)]


def check(case: Case, options: list[OfferOption], who=None, *, field: str = "offer_kind") -> None:
    """Refuse options the case cannot take; a coupon or gift above what `who` may give away
    (cases.team.check_compensation: the shop's limit for agents) is refused too."""
    from aftersales.cases.team import check_compensation  # team builds on services, which call this

    if not options:
        raise ValidationFailed.field("offer_options", "offer at least one option")
    if len(options) > MAX_OPTIONS:
        raise ValidationFailed.field("offer_options", f"at most {MAX_OPTIONS} options at once")
    for option in options:
        if option.kind not in OFFER_ROUTES:
            raise ValidationFailed.field(field, f"one of {', '.join(OFFER_ROUTES)}")
        if option.amount is not None and option.amount < 0:
            raise ValidationFailed.field("amount", "must not be negative")
        if option.kind == OfferKind.PARTIAL_REFUND and (option.amount is None or option.amount > case.requested_amount):
            raise ValidationFailed.field("amount", "a partial refund needs an amount up to the requested one")
        if option.kind == OfferKind.REFUND and option.amount is not None and option.amount > case.requested_amount:
            raise ValidationFailed.field("amount", f"must be between 0 and the requested {case.requested_amount}")
        if option.kind in (OfferKind.COUPON, OfferKind.GIFT) and who is not None:
            check_compensation(who, option.amount, case.shop)


def propose(case: Case, options: list[OfferOption], now: datetime) -> tuple[str, str]:
    """Withdraw what was open, write the new options; the (zh, en) sentence that lists them."""
    Offer.objects.filter(case=case, status="proposed").update(status="withdrawn", answered_at=now)
    rows = Offer.objects.bulk_create([
        Offer(case=case, kind=o.kind, amount=o.amount, note=o.note, coupon_code=o.coupon_code,
              repair_by=o.repair_by, created_at=now) for o in options])
    zh = "；".join(describe(r, "zh-hans") for r in rows)
    en = "; ".join(describe(r, "en") for r in rows)
    return f"方案：{zh}。", f"Options: {en}."


def chosen(case: Case, offer_id: int | None) -> Offer:
    """The proposed offer the buyer answers: `offer_id`, or the latest proposed one."""
    proposed = Offer.objects.filter(case=case, status="proposed")
    offer = proposed.filter(pk=offer_id).first() if offer_id is not None else proposed.order_by("-id").first()
    if offer is None:
        if offer_id is not None:
            raise NotAllowed(f"offer {offer_id} is not an open offer of case {case.number}",
                             message_zh="该方案不是此售后单待答复的方案")
        raise NotAllowed("there is no open offer to answer", message_zh="没有待答复的方案")
    return offer


def answer(case: Case, action: lc.Action, offer: Offer, now: datetime) -> tuple[str, str] | None:
    """Mark the answer on the rows; for an acceptance the (zh, en) sentence of what was chosen."""
    proposed = Offer.objects.filter(case=case, status="proposed")
    if action == lc.Action.ACCEPT_OFFER:
        proposed.filter(pk=offer.pk).update(status="accepted", answered_at=now)
        proposed.exclude(pk=offer.pk).update(status="declined", answered_at=now)
        return f"选择了：{describe(offer, 'zh-hans')}。", f"Chosen: {describe(offer, 'en')}."
    proposed.update(status="declined", answered_at=now)
    return None


def describe(offer, language: str) -> str:
    """"Partial refund 50.00 CNY (keep the item)" in `language`."""
    with translation.override(language):
        text = str(OfferKind(offer.kind).label)
    if offer.exchange_sku_id:   # the size or colour the buyer chose (portal)
        text += f" → {offer.exchange_sku.title or offer.exchange_sku.code}"
    if offer.amount is not None:
        text += f" {offer.amount} {offer.case.currency}"
    if offer.coupon_code:
        text += f" ({offer.coupon_code})"
    if offer.note:
        text += f"（{offer.note}）" if language.startswith("zh") else f" ({offer.note})"
    return text
