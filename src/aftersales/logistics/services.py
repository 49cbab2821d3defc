"""Use cases of logistics: record a carrier's scan, flag the parcels that stopped moving.

`record_tracking_event` is the contract the connectors, the import, the webhook and the carrier
clients all call.  One scan is one transaction: the event (once: the same scan again is a no-op),
the parcel's status, the delivery dates on the shipment or return and the order, a timeline
event on each case the parcel belongs to, and, after commit, the "tracking" fact.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction

from aftersales import clock
from aftersales.cases.models import Case, ReturnShipment
from aftersales.cases.permissions import Who
from aftersales.cases.scoring import clear_boost, set_boost
from aftersales.cases.services import record
from aftersales.cases.signals import send_after_commit
from aftersales.domain import lifecycle as lc
from aftersales.domain import tracking as tr
from aftersales.errors import ValidationFailed
from aftersales.logistics.models import Direction, Parcel, TrackingEvent
from aftersales.orders.models import Order, Shipment

log = logging.getLogger("aftersales.logistics")
BOOST_SOURCE = "parcel_stuck"
BOOST_POINTS = 200


@dataclass(frozen=True)
class Recorded:
    parcel: Parcel
    event: TrackingEvent
    created: bool          # False: the same scan was recorded before, nothing changed
    case_ids: tuple[int, ...] = ()


def _match(organisation, carrier: str, number: str):
    """The return shipment or the outbound shipment of the organisation with this number."""
    back = (ReturnShipment.objects.select_related("case")
            .filter(case__organisation=organisation, tracking_number=number)
            .order_by("-id").first())
    if back is not None:
        return Direction.RETURN, None, back
    out = (Shipment.objects.select_related("order").filter(order__organisation=organisation, tracking_number=number)
           .order_by("-id").first())
    return Direction.OUTBOUND, out, None


def parcel_cases(parcel: Parcel, *, open_only: bool = False) -> list[Case]:
    if parcel.return_shipment_id:
        qs = Case.objects.filter(return_shipments__id=parcel.return_shipment_id)
    elif parcel.shipment_id:
        qs = Case.objects.filter(order__shipments__id=parcel.shipment_id)
    else:
        return []
    if open_only:
        qs = qs.filter(is_open=True)
    return list(qs.select_related("shop").distinct().order_by("id"))


def _parcel(organisation, code: str, number: str, now: datetime) -> Parcel:
    found = Parcel.objects.select_for_update().filter(organisation=organisation, carrier=code,
                                                      tracking_number=number).first()
    if found is not None:
        return found
    direction, shipment, back = _match(organisation, code, number)
    try:
        with transaction.atomic():
            return Parcel.objects.create(organisation=organisation, carrier=code, tracking_number=number,
                                         direction=direction, shipment=shipment, return_shipment=back, created_at=now)
    except IntegrityError:      # created by a concurrent scan of the same parcel
        return Parcel.objects.select_for_update().get(organisation=organisation, carrier=code, tracking_number=number)


def record_tracking_event(organisation, *, carrier: str, tracking_number: str, status: str, occurred_at: datetime,
                          description: str = "", location: str = "", event_id: str = "", source: str = "",
                          raw: dict | None = None) -> Recorded:
    """Record one scan; idempotent on (carrier, tracking number, event id or status and time)."""
    number = (tracking_number or "").strip()
    if not number:
        raise ValidationFailed.field("tracking_number", "required")
    try:
        status_, problem = tr.normalise(status)
    except ValueError:
        raise ValidationFailed(f"status: unknown status {status!r}", fields={"status": [
            "one of " + ", ".join([s.value for s in tr.Status] + ["lost", "damaged"])]},
            message_zh=f"未知的物流状态 {status!r}") from None
    if occurred_at is None or occurred_at.tzinfo is None:
        raise ValidationFailed.field("occurred_at", "a time with its time zone is required")
    code = tr.carrier_code(carrier)
    key = (event_id or f"{status_.value}{'.' + problem.value if problem else ''}@{occurred_at.isoformat()}")[:120]
    now = clock.now()
    with transaction.atomic():
        parcel = _parcel(organisation, code, number, now)
        try:
            with transaction.atomic():
                event = TrackingEvent.objects.create(
                    parcel=parcel, key=key, status=status_, problem=problem, occurred_at=occurred_at,
                    description=description[:300], location=location[:120], source=source[:40], raw=raw,
                    created_at=now)
        except IntegrityError:
            return Recorded(parcel, TrackingEvent.objects.get(parcel=parcel, key=key), False)
        was_stuck = parcel.stuck_since is not None
        latest = parcel.last_event_at is None or occurred_at >= parcel.last_event_at
        if latest:
            parcel.status, parcel.last_event_at = status_, occurred_at
        parcel.first_event_at = min(filter(None, (parcel.first_event_at, occurred_at)))
        if problem == tr.Problem.LOST:
            parcel.lost, parcel.problem = True, problem
        elif problem == tr.Problem.DAMAGED:
            parcel.damaged, parcel.problem = True, problem
        if status_ == tr.Status.DELIVERED and parcel.delivered_at is None:
            parcel.delivered_at = occurred_at
            _delivered(parcel, occurred_at)
        if parcel.lost and parcel.return_shipment_id:
            ReturnShipment.objects.filter(pk=parcel.return_shipment_id).exclude(
                status=lc.ReturnState.DELIVERED).update(status=lc.ReturnState.LOST)
        moved = latest and problem != tr.Problem.LOST
        if moved:
            parcel.stuck_since, parcel.stuck_action = None, ""
        parcel.save()
        cases = parcel_cases(parcel)
        label_zh, label_en = tr.STATUS_LABELS[status_]
        carrier_ = tr.carrier(code)
        for case in cases:
            record(case, "tracking", Who.system(), now,
                   zh=f"物流更新（{carrier_.name_zh if carrier_ is not tr.OTHER else code} {number}）：{label_zh}"
                      + (f" · {description}" if description else ""),
                   en=f"Tracking ({carrier_.name_en if carrier_ is not tr.OTHER else code} {number}): {label_en}"
                      + (f" · {description}" if description else ""),
                   data={"parcel": parcel.pk, "status": status_.value, "problem": problem.value,
                         "direction": parcel.direction, "location": location})
            if was_stuck and moved and case.is_open:
                clear_boost(case, BOOST_SOURCE, now)
        if problem == tr.Problem.LOST:
            check_parcel(parcel, now, cases=cases)
        case_ids = [c.pk for c in cases]
        if case_ids:
            # the fact's data as cases/signals.py documents it: parcel is the direction
            send_after_commit("tracking", organisation.pk, case_ids, status=status_.value, parcel=parcel.direction,
                              shipment=parcel.shipment_id or parcel.return_shipment_id, parcel_id=parcel.pk,
                              problem=problem.value)
    return Recorded(parcel, event, True, tuple(case_ids))


def _delivered(parcel: Parcel, at: datetime) -> None:
    if parcel.shipment_id:
        Shipment.objects.filter(pk=parcel.shipment_id, delivered_at__isnull=True).update(delivered_at=at)
        Order.objects.filter(shipments__id=parcel.shipment_id, delivered_at__isnull=True).update(delivered_at=at)
    if parcel.return_shipment_id:
        ReturnShipment.objects.filter(pk=parcel.return_shipment_id, delivered_at__isnull=True).update(
            delivered_at=at, status=lc.ReturnState.DELIVERED)


# ---------------------------------------------------------------------------------------------
# Stuck parcels

def check_parcel(parcel: Parcel, now: datetime, *, cases: list[Case] | None = None) -> tr.Stuck:
    """Flag one parcel if it is stuck (or its suggested action grew): the priority boost and a
    timeline event with the suggestion on its open cases.  Inside the caller's transaction."""
    verdict = tr.stuck(tr.carrier(parcel.carrier), tr.Status(parcel.status), parcel.last_event_at or parcel.created_at,
                       now, tracking_number=parcel.tracking_number, problem=tr.Problem(parcel.problem or ""))
    if not verdict.stuck or verdict.action == parcel.stuck_action:
        return verdict
    parcel.stuck_since = parcel.stuck_since or now
    parcel.stuck_action = verdict.action
    Parcel.objects.filter(pk=parcel.pk).update(stuck_since=parcel.stuck_since, stuck_action=verdict.action)
    for case in (cases if cases is not None else parcel_cases(parcel)):
        if not case.is_open:
            continue
        set_boost(case, BOOST_SOURCE, BOOST_POINTS, f"包裹停滞：{verdict.zh}", f"Parcel stuck: {verdict.en}", now)
        record(case, "parcel.stuck", Who.system(), now, zh=verdict.zh, en=verdict.en, buyer_visible=False,
               data={"parcel": parcel.pk, "action": verdict.action, "days": round(verdict.days, 1)})
    return verdict


def flag_stuck(now: datetime | None = None, *, batch: int = 500) -> dict:
    """Every parcel on its way whose last scan is older than the shortest stuck limit: check it."""
    now = now or clock.now()
    shortest = min(c.stuck_days for c in (*tr.CARRIERS.values(), tr.OTHER))
    candidates = (Parcel.objects.exclude(status__in=[tr.Status.DELIVERED, tr.Status.RETURNED])
                  .filter(last_event_at__lte=now - timedelta(days=shortest))
                  .exclude(stuck_action="offer_reship_or_refund").order_by("last_event_at")
                  .values_list("pk", flat=True))
    flagged = 0
    for pk in list(candidates[:batch]):
        with transaction.atomic():
            parcel = Parcel.objects.select_for_update().get(pk=pk)
            before = parcel.stuck_action
            if check_parcel(parcel, now).action != before and parcel.stuck_action != before:
                flagged += 1
    return {"flagged": flagged}
