"""The buyer's use cases.  Each takes what the buyer proved (a verified order, or the status link
of a case) and goes through the core's services as the buyer (`Who.buyer()`), in one
transaction with its timeline event and outbox rows; nothing here writes a case's state itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F

from aftersales import clock
from aftersales.cases import services
from aftersales.cases.evidence import add_evidence
from aftersales.cases.explain import in_language
from aftersales.cases.intake import CaseIn, CaseLineIn, submit_case
from aftersales.cases.models import Channel, FollowUp, IdempotencyRecord, Offer, OfferKind
from aftersales.cases.permissions import Who
from aftersales.cases.signals import send_after_commit
from aftersales.catalog.models import Sku
from aftersales.domain import lifecycle as lc
from aftersales.domain.reasons import REASONS
from aftersales.errors import NotAllowed, ValidationFailed
from aftersales.notify.outbox import buyer_recipient, enqueue
from aftersales.orders.models import Order
from aftersales.portal import carriers, uploads
from aftersales.portal.links import link_for
from aftersales.portal.models import Pickup, PickupWindow, ShopPortal, StatusLink
from aftersales.portal.policy import photo_required

A = lc.Action
BUYER = Who.buyer()
MAX_TEXT = 2000

# What a buyer may ask for, by where the order is, and the reasons that fit each request.
TYPE_REASONS: dict[str, tuple[str, ...]] = {
    lc.CaseType.CANCEL_PRE_SHIPMENT: ("no_reason.unwanted", "fulfilment.late_shipment", "other"),
    lc.CaseType.RETURN_REFUND: ("no_reason.unwanted", "no_reason.dislike", "no_reason.size_fit", "quality.defect",
                                "quality.damaged", "quality.malfunction", "not_as_described.size",
                                "not_as_described.material", "not_as_described.spec", "fulfilment.wrong_item",
                                "counterfeit", "other"),
    lc.CaseType.EXCHANGE: ("no_reason.size_fit", "no_reason.dislike", "quality.defect", "quality.damaged",
                           "not_as_described.size", "fulfilment.wrong_item"),
    lc.CaseType.REFUND_ONLY: ("logistics.not_delivered", "quality.damaged", "quality.expired",
                              "fulfilment.missing_item", "fulfilment.empty_parcel", "other"),
    lc.CaseType.REPAIR: ("quality.malfunction", "quality.damaged", "other"),
    lc.CaseType.RESHIP: ("fulfilment.missing_item", "logistics.damaged_in_transit", "fulfilment.empty_parcel"),
    lc.CaseType.COMPLAINT: ("logistics.no_tracking", "logistics.not_delivered", "other"),
}


def request_types(order: Order) -> list[str]:
    """The kinds of request that fit where the order is (not shipped, on its way, delivered)."""
    if order.shipped_at is None:
        return [lc.CaseType.CANCEL_PRE_SHIPMENT]
    if order.delivered_at is None:
        return [lc.CaseType.REFUND_ONLY, lc.CaseType.COMPLAINT]
    return [lc.CaseType.RETURN_REFUND, lc.CaseType.EXCHANGE, lc.CaseType.REFUND_ONLY, lc.CaseType.REPAIR,
            lc.CaseType.RESHIP, lc.CaseType.COMPLAINT]


def invalid(name: str, zh: str, en: str) -> ValidationFailed:
    """A refusal of one field, worded in the buyer's language (the active one) and with both."""
    return ValidationFailed(f"{name}: {en}", fields={name: [in_language(zh, en)]}, message_zh=zh)


def text(value: str, name: str, *, required: bool = False, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if required and not value:
        raise invalid(name, "请填写几句话", "write a few words")
    if len(value) > limit:
        raise invalid(name, f"最多 {limit} 个字", f"at most {limit} characters")
    if "\x00" in value:
        raise invalid(name, "不能包含空字符（U+0000）", "must not contain the NUL character (U+0000)")
    return value


# ---------------------------------------------------------------------------------------------
# Finding the order: order number + phone or e-mail

def _digits(phone: str) -> str:
    d = re.sub(r"\D", "", phone or "")
    return d[2:] if d.startswith("86") and len(d) == 13 else d


def contact_matches(buyer, contact: str) -> bool:
    contact = (contact or "").strip()
    if "@" in contact:
        return bool(buyer.email) and buyer.email.strip().lower() == contact.lower()
    digits = _digits(contact)
    return len(digits) >= 6 and bool(buyer.phone) and _digits(buyer.phone) == digits


def find_orders(number: str, contact: str) -> list[Order]:
    """The orders with this number whose buyer has this phone or e-mail (across shops: order
    numbers are unique per shop only, the contact tells them apart)."""
    number = (number or "").strip()
    if not number or not (contact or "").strip():
        return []
    candidates = Order.objects.filter(external_id=number).select_related("buyer", "shop")[:20]
    return [o for o in candidates if contact_matches(o.buyer, contact)]


# ---------------------------------------------------------------------------------------------
# A new request

@dataclass
class RequestIn:
    order: Order
    picks: list[tuple[object, int]]        # (order line, quantity)
    case_type: str
    reason_code: str
    description: str = ""
    files: list = field(default_factory=list)
    nonce: str = ""                        # the form's one-time key: a double submit makes one case
    language: str = ""


def check_request(data: RequestIn) -> None:
    errors: dict[str, list[str]] = {}

    def err(name, zh, en):
        errors.setdefault(name, []).append(in_language(zh, en))

    if not data.order.shop.profile.executes_timeouts:
        raise NotAllowed(f"requests for this shop are made on {data.order.shop.profile.name_en}",
                         message_zh=f"该店铺的售后请在{data.order.shop.profile.name_zh}申请")
    if not data.picks:
        err("lines", "请至少选择一件商品", "choose at least one item")
    for ol, qty in data.picks:
        left = ol.quantity - ol.qty_refunded - ol.qty_requested
        if qty < 1 or qty > left:
            err("lines", f"{ol.title}：数量应在 1 到 {left} 之间", f"{ol.title}: between 1 and {left}")
    if data.case_type not in request_types(data.order):
        err("case_type", "这个订单目前不能申请这种售后", "this kind of request does not fit the order now")
    elif data.reason_code not in TYPE_REASONS.get(data.case_type, ()) or data.reason_code not in REASONS:
        err("reason_code", "请从列表中选择原因", "choose one of the reasons offered")
    if errors:
        raise ValidationFailed("the request is not valid", fields=errors, message_zh="申请信息有误")


def submit_request(data: RequestIn):
    """Make the case, attach the files, and return it.  Nothing is kept when anything is wrong."""
    org = data.order.shop.organisation
    if data.nonce:   # the same form again (a double tap, a reload): the case it made
        done = IdempotencyRecord.objects.filter(organisation=org, scope="case.create",
                                                key=f"portal-{data.nonce}").first()
        if done is not None:
            return services.get_case(org, done.result["case"])
    check_request(data)
    description = text(data.description, "description")
    cleaned = uploads.clean_all(data.files)
    if photo_required(data.reason_code) and not any(f.content_type.startswith("image/") for f in cleaned):
        raise invalid("files", "请上传能说明问题的照片", "add a photo that shows the problem")
    order = data.order
    stored: list[str] = []
    try:
        with transaction.atomic():
            case, created = submit_case(org, CaseIn(
                shop_id=order.shop_id, order_external_id=order.external_id, case_type=data.case_type,
                lines=[CaseLineIn(sku_code=ol.sku_code, line_external_id=ol.external_id, quantity=qty)
                       for ol, qty in data.picks],
                reason_code=data.reason_code, reason_text=description, channel=Channel.PORTAL),
                BUYER, idempotency_key=f"portal-{data.nonce}" if data.nonce else "")
            if created:
                for f in cleaned:
                    evidence, new = add_evidence(org, case.pk, BUYER, f)
                    if new:
                        stored.append(evidence.file.name)
                if stored:
                    send_after_commit("evidence", org.pk, [case.pk], evidence=len(stored))
            link = link_for(case)
            if data.language and link.language != data.language:
                StatusLink.objects.filter(pk=link.pk).update(language=data.language)
    except Exception:
        for name in stored:   # the rows rolled back: do not keep their files
            default_storage.delete(name)
        raise
    return case


# ---------------------------------------------------------------------------------------------
# On a case, through its status link

def _case(link: StatusLink, lock: bool = False):
    return services.get_case(link.case.organisation, link.case_id, lock=lock)


def _own_store(case) -> None:
    if not case.profile.executes_timeouts:
        raise NotAllowed(f"do this on {case.profile.name_en}: the platform keeps this request",
                         message_zh=f"此售后由{case.profile.name_zh}处理，请在平台上操作")


def _act(link: StatusLink, action: A, version: int | None = None, **inputs):
    case = _case(link)
    _own_store(case)
    return services.perform(case.organisation, case.pk, action, BUYER,
                            services.ActionInput(expected_version=version, **inputs))


def exchange_skus(case) -> list[Sku]:
    """The SKUs the buyer may take in exchange: the variants of the products on the case, with stock."""
    product_ids = set(case.lines.filter(order_line__sku__isnull=False).values_list("order_line__sku__product_id",
                                                                                   flat=True))
    return list(Sku.objects.filter(shop=case.shop, product_id__in=product_ids).order_by("code"))


def choose_offer(link: StatusLink, offer_id: int, *, sku_id: int | None = None, version: int | None = None):
    """Accept one of the offered options; for an exchange, the size or colour (the SKU) to get.
    The unit is taken from the stock where the shop keeps count, in the same transaction."""
    with transaction.atomic():
        case = _case(link, lock=True)
        _own_store(case)
        offer = Offer.objects.filter(case=case, pk=offer_id, status="proposed").first()
        if offer is None:
            raise NotAllowed("this option is no longer open", message_zh="该方案已失效")
        if offer.kind == OfferKind.EXCHANGE:
            choices = {s.pk: s for s in exchange_skus(case)}
            if sku_id is None and len(choices) > 1:
                raise invalid("sku", "请选择想要的尺码或颜色", "choose the size or colour you want")
            sku = choices.get(sku_id) if sku_id is not None else next(iter(choices.values()), None)
            if sku_id is not None and sku is None:
                raise invalid("sku", "不是该商品的规格", "not a variant of this item")
            if sku is not None:
                qty = sum(cl.quantity for cl in case.lines.all())
                if sku.stock is not None and not Sku.objects.filter(pk=sku.pk, stock__gte=qty).update(
                        stock=F("stock") - qty):
                    raise invalid("sku", "该规格已无库存，请选择其他", "out of stock: choose another")
                Offer.objects.filter(pk=offer.pk).update(exchange_sku=sku,
                                                         stock_held=qty if sku.stock is not None else 0)
        return services.perform(case.organisation, case.pk, A.ACCEPT_OFFER, BUYER,
                                services.ActionInput(offer_id=offer.pk, expected_version=version))


def decline_offers(link: StatusLink, version: int | None = None):
    return _act(link, A.DECLINE_OFFER, version)


def ship_return(link: StatusLink, carrier: str, tracking_number: str, version: int | None = None):
    found = carriers.CARRIERS.get(carrier)
    if found is None:
        raise invalid("carrier", "请选择快递公司", "choose the carrier")
    number = carriers.normalise(tracking_number)
    if not found.accepts(number):
        zh_hint, en_hint = (f"（例如 {found.example}）", f" (e.g. {found.example})") if found.example else ("", "")
        raise invalid("tracking_number", f"这不像是{found.zh}的快递单号{zh_hint}",
                      f"this does not look like a {found.en} tracking number{en_hint}")
    return _act(link, A.SHIP_RETURN, version, carrier=found.code, tracking_number=number)


def confirm_delivery(link: StatusLink, version: int | None = None):
    return _act(link, A.CONFIRM_DELIVERY, version)


def cancel(link: StatusLink, version: int | None = None):
    return _act(link, A.CANCEL, version)


def pickup_days(shop, today: date | None = None) -> list[date]:
    """The days a pickup may be booked for: tomorrow and the six days after, in the shop's zone."""
    today = today or clock.now().astimezone(ZoneInfo(shop.time_zone)).date()
    return [today + timedelta(days=n) for n in range(1, 8)]


def pickup_carrier(shop) -> carriers.Carrier | None:
    settings_row = ShopPortal.objects.filter(shop=shop).first()
    return carriers.CARRIERS.get(settings_row.pickup_carrier) if settings_row and settings_row.pickup_carrier else None


def book_pickup(link: StatusLink, day: date, window: str, address: str, phone: str) -> Pickup:
    """Ask the shop's carrier to collect the return; the team books it and the tracking number
    moves the case on as usual."""
    address = text(address, "address", required=True, limit=300)
    phone = text(phone, "phone", required=True, limit=40)
    if len(_digits(phone)) < 6:
        raise invalid("phone", "请填写快递员能联系到的电话", "a phone number the courier can call")
    if window not in PickupWindow.values:
        raise invalid("window", "请选择时间段", "choose a time window")
    now = clock.now()
    with transaction.atomic():
        case = _case(link, lock=True)
        _own_store(case)
        carrier = pickup_carrier(case.shop)
        if carrier is None:
            raise NotAllowed("this shop does not offer pickups", message_zh="该店铺不提供上门取件")
        if case.state != lc.CaseState.AWAITING_BUYER_RETURN:
            raise NotAllowed("a pickup is booked while the item is waiting to be sent back",
                             message_zh="仅在待寄回时可预约取件")
        if day not in pickup_days(case.shop):
            raise invalid("day", "请选择未来一周内的日期", "a day within the next week")
        Pickup.objects.filter(case=case, status="requested").update(status="cancelled")
        pickup = Pickup.objects.create(case=case, carrier=carrier.code, day=day, window=window, address=address,
                                       phone=phone, created_at=now)
        label = f"{day.isoformat()} {PickupWindow(window).label}"
        services.record(case, "pickup", BUYER, now, zh=f"买家预约上门取件：{label}，{carrier.zh}。",
                        en=f"The buyer booked a pickup: {label}, {carrier.en}.",
                        data={"pickup": pickup.pk, "day": day.isoformat(), "window": window, "carrier": carrier.code})
        enqueue(case, "team.pickup_requested", "team", {"case": case.pk, "pickup": pickup.pk}, now)
        channel, to = buyer_recipient(case.buyer)
        enqueue(case, "buyer.pickup_booked", channel, {"case": case.pk, "pickup": pickup.pk}, now, to)
    return pickup


def add_files(link: StatusLink, files: list) -> int:
    """More evidence (the shop asked for it, or the buyer has more to show)."""
    if not files:
        raise invalid("files", "请选择文件", "choose a file")
    cleaned = uploads.clean_all(files)
    case = _case(link)
    if not case.is_open:
        raise NotAllowed("this request is finished", message_zh="售后已结束")
    stored, added = [], 0
    try:
        with transaction.atomic():
            for f in cleaned:
                evidence, new = add_evidence(case.organisation, case.pk, BUYER, f)
                if new:
                    stored.append(evidence.file.name)
                    added += 1
            if added:
                send_after_commit("evidence", case.organisation_id, [case.pk], evidence=added)
    except Exception:
        for name in stored:
            default_storage.delete(name)
        raise
    return added


def send_message(link: StatusLink, body: str):
    body = text(body, "body", required=True)
    case = _case(link)
    return services.add_message(case.organisation, case.pk, BUYER, body, channel=Channel.PORTAL)


def open_follow_up(case) -> FollowUp | None:
    """The follow-up the buyer may answer: the latest one of a finished case."""
    return case.follow_ups.order_by("-id").first()


def answer_follow_up(link: StatusLink, satisfied: bool, comment: str = "") -> FollowUp:
    """The buyer's one click.  Satisfied: the follow-up is done.  Not satisfied: it becomes a task
    for the team again (due now; the sweep reminds them with the buyer's words)."""
    comment = text(comment, "comment")
    now = clock.now()
    with transaction.atomic():
        case = _case(link, lock=True)
        fu = open_follow_up(case)
        if fu is None:
            raise NotAllowed("there is nothing to answer yet", message_zh="暂时没有需要回复的回访")
        if fu.answered_at is not None:
            raise NotAllowed("you have answered already, thank you", message_zh="您已经回复过了，谢谢")
        if satisfied:
            FollowUp.objects.filter(pk=fu.pk).update(satisfied=True, buyer_comment=comment, answered_at=now,
                                                     done_at=fu.done_at or now,
                                                     outcome=fu.outcome or "buyer satisfied (portal)")
        else:
            FollowUp.objects.filter(pk=fu.pk).update(satisfied=False, buyer_comment=comment, answered_at=now,
                                                     done_at=None, notified_at=None, due_at=now)
        zh = "满意" if satisfied else "不满意"
        services.record(case, "follow_up.answer", BUYER, now,
                        zh=f"买家回访答复：{zh}。" + (f"留言：{comment}" if comment else ""),
                        en=f"The buyer answered the follow-up: {'satisfied' if satisfied else 'not satisfied'}."
                           + (f" Comment: {comment}" if comment else ""),
                        data={"follow_up": fu.pk, "satisfied": satisfied})
        send_after_commit("follow_up", case.organisation_id, [case.pk], follow_up=fu.pk, satisfied=satisfied)
    fu.refresh_from_db()
    return fu


def rate(link: StatusLink, score: int, comment: str = ""):
    comment = text(comment, "comment", limit=1000)
    case = _case(link)
    return services.rate_case(case.organisation, case.pk, score, comment)


def remember_language(link: StatusLink, language: str) -> None:
    """Later messages to this buyer go in the language they read the portal in."""
    now = clock.now()
    StatusLink.objects.filter(pk=link.pk).update(language=language or link.language, last_seen_at=now)

