"""What the case page shows, computed once in Python so that its templates only lay it out: the
header, the order and its ledger, the buyer's history, evidence, parcels, the timeline, the
deadlines and the policy's checks, each in the active language.  What the viewer may *do* (the
action panel, the reply composer) is in web/present_actions.py.

Times of deadlines are shown in the shop's time zone (as in the queue, web/present.py); the
timeline in the server's.  A countdown carries its deadline (`data-due`) and warning time
(`data-warn`) so that web/static/web/case.js can keep it current.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Sum
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import Membership
from aftersales.cases import explain as ex
from aftersales.cases.models import Case, Evidence, Message, Refund
from aftersales.cases.permissions import ASSIGN_ANY_ROLES, Who, may_assign
from aftersales.domain import lifecycle as lc
from aftersales.domain.policies import check_title, payer_text, verdict_text
from aftersales.orders.models import Order, Shipment
from aftersales.web.present import countdown, due_level, money, person, problem, shop_time

DEFAULT_WARN = timedelta(hours=12)
# Suggestions for the carrier fields (any name may be typed).
CARRIERS = ("顺丰速运", "中通快递", "圆通速递", "申通快递", "韵达快递", "京东物流", "EMS", "极兔速递",
            "UPS", "FedEx", "USPS", "DHL")


def label(table: dict, key: str) -> str:
    """The active language's word for `key` in one of explain's (zh, en) tables."""
    pair = table.get(key)
    return ex.in_language(*pair) if pair else key


def when(value: datetime | None) -> str:
    """"11月20日 18:00" / "Nov. 20 6 p.m." in the server's time zone, with the year when it is not this one."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    fmt = "MONTH_DAY_FORMAT" if local.year == timezone.localtime().year else "SHORT_DATE_FORMAT"
    return f"{formats.date_format(local, fmt)} {formats.time_format(local, 'TIME_FORMAT')}"


def warn_before(case: Case) -> timedelta:
    profile = case.profile
    return profile.warn_before if profile else DEFAULT_WARN


# ---------------------------------------------------------------------------------------------
# Header

@dataclass(frozen=True)
class Member:
    user_id: int
    name: str
    role: str


@dataclass(frozen=True)
class Head:
    number: str
    platform_label: str
    shop_name: str
    platform_case_id: str
    state: str
    state_label: str
    type_label: str
    route_label: str
    problem_label: str
    problem_detail: str
    channel_label: str
    channel_colour: str
    amount: str
    approved: str
    vip: bool
    urgent: bool
    priority_band: str
    refund_label: str
    return_label: str
    arbitration_label: str
    close_label: str
    assignee: str
    mine: bool
    may_claim: bool
    may_unassign: bool
    members: list[Member]          # whom a supervisor may assign it to (empty for others)
    due_text: str
    due_level: str
    due_iso: str
    warn_seconds: int
    created: str
    version: int


def head(case: Case, who: Who, now: datetime) -> Head:
    profile = case.profile
    problem_label, problem_detail = problem(case)
    user = who.user
    user_id = getattr(user, "pk", None)
    mine = user_id is not None and case.assignee_id == user_id
    members = []
    if who.role in ASSIGN_ANY_ROLES and case.is_open:
        members = [Member(m.user_id, person(m.user), m.get_role_display())
                   for m in Membership.objects.filter(organisation_id=case.organisation_id, active=True)
                   .select_related("user").order_by("user__username")]
    return Head(
        number=case.number, platform_label=ex.in_language(profile.name_zh, profile.name_en),
        shop_name=case.shop.name, platform_case_id=case.platform_case_id, state=case.state,
        state_label=case.get_state_display(), type_label=case.get_case_type_display(),
        route_label=case.get_route_display(), problem_label=problem_label, problem_detail=problem_detail,
        channel_label=case.get_channel_display(), channel_colour=case.shop.channel_colour(case.channel),
        amount=money(case.requested_amount, case.currency),
        approved=money(case.approved_amount, case.currency) if case.approved_amount is not None else "",
        vip=case.vip, urgent=case.urgent, priority_band=case.priority_band,
        refund_label=case.get_refund_state_display() if case.refund_state != lc.RefundState.NONE else "",
        return_label=case.get_return_state_display() if case.return_state != lc.ReturnState.NONE else "",
        arbitration_label=(case.get_arbitration_state_display()
                           if case.arbitration_state != lc.ArbitrationState.NONE else ""),
        close_label=case.get_close_reason_display() if case.close_reason else "",
        assignee=person(case.assignee) if case.assignee_id else "", mine=mine,
        may_claim=case.is_open and not mine and may_assign(who, case.assignee_id, user),
        may_unassign=case.is_open and case.assignee_id is not None and may_assign(who, case.assignee_id, None),
        members=members,
        due_text=countdown(case.next_due_at, now), due_level=due_level(case.next_due_at, now, warn_before(case)),
        due_iso=case.next_due_at.isoformat() if case.next_due_at else "",
        warn_seconds=int(warn_before(case).total_seconds()), created=when(case.created_at), version=case.version,
    )


# ---------------------------------------------------------------------------------------------
# The request and the policy's checks

@dataclass(frozen=True)
class Check:
    title: str
    verdict: str
    text: str


@dataclass(frozen=True)
class Policy:
    verdict: str
    verdict_label: str
    version: str
    payer: str
    vip: bool
    checks: list[Check]


def policy(case: Case) -> Policy | None:
    result = case.policy_result or {}
    if not result:
        return None
    checks = [Check(ex.in_language(*check_title(c.get("check", ""))), c.get("verdict", ""),
                    ex.in_language(c.get("zh", ""), c.get("en", ""))) for c in result.get("checks", [])]
    verdict = result.get("verdict", "")
    payer = result.get("return_shipping_payer", "")
    return Policy(verdict=verdict, verdict_label=ex.in_language(*verdict_text(verdict)) if verdict else "",
                  version=str(result.get("version", "")), payer=ex.in_language(*payer_text(payer)) if payer else "",
                  vip=bool(result.get("vip")), checks=checks)


# ---------------------------------------------------------------------------------------------
# Order and lines, with the ledger

@dataclass(frozen=True)
class LineRow:
    sku: str
    title: str
    in_case: int            # units this case covers (0: a line of the order outside the case)
    case_amount: str
    quantity: int
    unit_price: str
    paid: str
    requested: int          # in open cases (this one included)
    received: int
    damaged: int
    refunded: int
    exchanged: int
    refunded_amount: str


@dataclass(frozen=True)
class OrderBlock:
    number: str
    placed: str
    shipped: str
    delivered: str
    paid: str
    lines: list[LineRow]


def orders(case: Case) -> list[OrderBlock]:
    """Every order the case touches (usually one), all its lines, the case's own marked."""
    in_case = {cl.order_line_id: cl for cl in case.lines.all()}
    order_ids = set(case.lines.values_list("order_line__order_id", flat=True))
    if case.order_id:
        order_ids.add(case.order_id)
    cur = case.currency
    out = []
    for order in Order.objects.filter(pk__in=order_ids).prefetch_related("lines").order_by("placed_at", "id"):
        rows = []
        for line in sorted(order.lines.all(), key=lambda ln: (ln.pk not in in_case, ln.pk)):
            cl = in_case.get(line.pk)
            rows.append(LineRow(
                sku=line.sku_code, title=line.title, in_case=cl.quantity if cl else 0,
                case_amount=money(cl.amount, cur) if cl else "", quantity=line.quantity,
                unit_price=money(line.unit_price, cur), paid=money(line.paid_amount, cur),
                requested=line.qty_requested, received=line.qty_received, damaged=line.qty_received_damaged,
                refunded=line.qty_refunded, exchanged=line.qty_exchanged,
                refunded_amount=money(line.amount_refunded, cur) if line.amount_refunded else ""))
        out.append(OrderBlock(number=order.external_id, placed=when(order.placed_at), shipped=when(order.shipped_at),
                              delivered=when(order.delivered_at), paid=money(order.paid_amount, order.currency),
                              lines=rows))
    return out


# ---------------------------------------------------------------------------------------------
# The buyer

@dataclass(frozen=True)
class PastCase:
    number: str
    url: str
    state_label: str
    type_label: str
    amount: str
    created: str
    is_open: bool


@dataclass(frozen=True)
class BuyerView:
    name: str
    external_id: str
    vip: bool
    orders: int
    lifetime_spend: str
    cases: int
    refunds: int
    refunded: str
    past: list[PastCase]
    more_past: int


PAST_SHOWN = 8


def buyer(case: Case) -> BuyerView:
    """The buyer in this shop (a platform's buyer ids are per shop): the counters kept on the buyer
    row, the money refunded to them, and their other cases with links."""
    b = case.buyer
    refunded = (Refund.objects.filter(case__buyer=b, status=lc.RefundState.SUCCEEDED)
                .aggregate(s=Sum("amount"))["s"]) or Decimal("0")
    others = Case.objects.filter(organisation_id=case.organisation_id, buyer=b).exclude(pk=case.pk)
    past = list(others.order_by("-created_at", "-id")[:PAST_SHOWN + 1])
    return BuyerView(
        name=b.name or b.external_id, external_id=b.external_id, vip=case.vip, orders=b.order_count,
        lifetime_spend=money(b.lifetime_spend, case.currency), cases=b.case_count, refunds=b.refund_count,
        refunded=money(refunded, case.currency),
        past=[PastCase(c.number, reverse("web:case", args=[c.pk]), c.get_state_display(), c.get_case_type_display(),
                       money(c.requested_amount, c.currency), when(c.created_at), c.is_open)
              for c in past[:PAST_SHOWN]],
        more_past=max(0, others.count() - PAST_SHOWN) if len(past) > PAST_SHOWN else 0,
    )


# ---------------------------------------------------------------------------------------------
# Evidence

@dataclass(frozen=True)
class EvidenceItem:
    url: str
    kind: str               # photo | video | document
    inline: bool            # an image the browser can show (HEIC cannot be, in most)
    content_type: str
    name: str
    note: str
    by: str
    created: str
    size: str


def evidence(case: Case) -> list[EvidenceItem]:
    out = []
    for e in Evidence.objects.filter(case=case).order_by("created_at", "id"):
        out.append(EvidenceItem(
            url=reverse("web:case-evidence", args=[case.pk, e.pk]), kind=e.kind,
            inline=e.kind == "photo" and e.content_type != "image/heic", content_type=e.content_type,
            name=e.original_name, note=e.note, by=e.get_uploaded_by_display(), created=when(e.created_at),
            size=formats.number_format(Decimal(e.size) / 1024, 0, use_l10n=True, force_grouping=True) + " KB"))
    return out


# ---------------------------------------------------------------------------------------------
# Parcels

@dataclass(frozen=True)
class Parcel:
    direction: str          # "outbound" (the order), "return" (buyer to us), "to_buyer" (reship / exchange)
    carrier: str
    tracking_number: str
    status: str
    shipped: str
    delivered: str
    paid_by: str = ""


@dataclass(frozen=True)
class Logistics:
    outbound: list[Parcel]
    returns: list[Parcel]
    to_buyer: list[Parcel]

    @property
    def empty(self) -> bool:
        return not (self.outbound or self.returns or self.to_buyer)

    @property
    def groups(self) -> list[tuple[str, list[Parcel]]]:
        return [(_("Order shipment"), self.outbound), (_("Return from the buyer"), self.returns),
                (_("Sent to the buyer (reship or exchange)"), self.to_buyer)]


PAID_BY = {"buyer": ("买家", "the buyer"), "seller": ("商家", "the seller"), "insurance": ("运费险", "insurance")}


def logistics(case: Case) -> Logistics:
    """What we know of the parcels; there is no live carrier tracking yet."""
    order_ids = set(case.lines.values_list("order_line__order_id", flat=True)) | ({case.order_id} - {None})
    outbound = []
    for s in Shipment.objects.filter(order_id__in=order_ids).order_by("shipped_at", "id"):
        status = _("Delivered") if s.delivered_at else (_("Shipped") if s.shipped_at else "")
        outbound.append(Parcel("outbound", s.carrier, s.tracking_number, status, when(s.shipped_at),
                               when(s.delivered_at)))
    returns = [Parcel("return", r.carrier, r.tracking_number, r.get_status_display(), when(r.shipped_at),
                      when(r.delivered_at), label(PAID_BY, r.paid_by))
               for r in case.return_shipments.order_by("shipped_at", "id")]
    to_buyer = [Parcel("to_buyer", ev.data.get("carrier", ""), ev.data.get("tracking_number", ""), _("Shipped"),
                       when(ev.created_at), "")
                for ev in case.events.filter(kind="transition", action=lc.Action.SHIP_TO_BUYER).order_by("created_at")
                if ev.data.get("tracking_number")]
    return Logistics(outbound, returns, to_buyer)


# ---------------------------------------------------------------------------------------------
# Timeline

@dataclass(frozen=True)
class TimelineItem:
    id: int
    at: str
    iso: str
    kind: str
    side: str               # buyer | seller | system | platform: where it sits and its colour
    actor: str              # "Seller · mei"
    text: str               # the event in the active language
    body: str               # a message's full text (the event carries only its start)
    internal: bool          # the buyer does not see it
    automatic: bool         # the system decided (a policy, the sweep)
    label: str = ""         # what happened, in two words


KIND_LABELS = {
    "message": ("消息", "Message"), "note": ("内部备注", "Internal note"), "evidence": ("证据", "Evidence"),
    "evidence.requested": ("请买家补充证据", "Evidence requested"), "escalated": ("申请平台介入", "Escalated"),
    "assigned": ("分配", "Assigned"), "created": ("收到申请", "Request received"),
    "policy.manual": ("自动审核", "Automatic check"), "deadline.moved": ("截止时间调整", "Deadline moved"),
    "refund.paid": ("退款打款", "Refund sent"), "rating": ("评价", "Rating"), "follow_up": ("回访", "Follow-up"),
}


def kindlabel(kind: str) -> str:
    return label(KIND_LABELS, kind) if kind in KIND_LABELS else ""


def timeline(case: Case) -> list[TimelineItem]:
    events = list(case.events.select_related("actor_user").order_by("created_at", "id"))
    message_ids = [ev.data.get("message") for ev in events if ev.kind == "message" and ev.data.get("message")]
    bodies = dict(Message.objects.filter(case=case, pk__in=message_ids).values_list("pk", "body"))
    out = []
    for ev in events:
        name = person(ev.actor_user) if ev.actor_user_id else ""
        actor = label(ex.ACTOR_NAMES, ev.actor) + (f" · {name}" if name else "")
        body = bodies.get(ev.data.get("message"), "") if ev.kind == "message" else ""
        if ev.kind == "note":
            body = ev.message_zh
        out.append(TimelineItem(
            id=ev.pk, at=when(ev.created_at), iso=ev.created_at.isoformat(), kind=ev.kind, side=ev.actor,
            actor=actor, text="" if body else ex.in_language(ev.message_zh, ev.message_en), body=body,
            internal=not ev.visible_to_buyer, automatic=ev.actor == lc.Actor.SYSTEM,
            label=(label(ex.ACTION_LABELS, ev.action) if ev.kind == "transition" and ev.action else kindlabel(ev.kind))))
    return out


# ---------------------------------------------------------------------------------------------
# Deadlines

@dataclass(frozen=True)
class DeadlineRow:
    id: int
    label: str
    party: str
    side: str               # the party's code: seller | buyer | platform
    is_open: bool
    status: str
    status_label: str
    due_at: str
    zone: str
    due_iso: str
    countdown: str
    level: str
    warn_seconds: int
    source: str
    clock: str
    consequence: str
    note: str
    extended: int


def deadlines(case: Case, now: datetime) -> list[DeadlineRow]:
    """Open deadlines first, by due time; then the closed ones, most recent first."""
    warn = warn_before(case)
    rows = list(case.deadlines.all())
    rows.sort(key=lambda d: (d.status != "open", d.due_at if d.status == "open" else -d.due_at.timestamp()))
    out = []
    for d in rows:
        is_open = d.status == "open"
        text, zone = shop_time(d.due_at, case.shop.time_zone)
        out.append(DeadlineRow(
            id=d.pk, label=label(ex.DEADLINE_LABELS, d.kind), party=label(ex.PARTY_LABELS, d.party),
            side=d.party, is_open=is_open, status=d.status, status_label=d.get_status_display(), due_at=text, zone=zone,
            due_iso=d.due_at.isoformat(), countdown=countdown(d.due_at, now) if is_open else "",
            # only the seller's own deadlines turn red: the buyer's running out is not our alarm
            level=due_level(d.due_at, now, warn) if is_open and d.party == "seller" else "",
            warn_seconds=int(warn.total_seconds()) if d.party == "seller" else 0,
            source=label(ex.SOURCE_LABELS, d.source), clock=label(ex.CLOCK_LABELS, d.clock),
            consequence=label(ex.OUTCOME_LABELS, d.on_timeout), note=d.note, extended=d.extended_count))
    return out


def countdown_words() -> dict[str, str]:
    """The countdown's words for case.js, in the active language (the same as present.span's)."""
    return {"dh": _("%(days)d d %(hours)d h"), "hm": _("%(hours)d h %(minutes)d min"), "h": _("%(hours)d h"),
            "m": _("%(minutes)d min"), "now": _("due now"), "overdue": _("overdue %(time)s")}
