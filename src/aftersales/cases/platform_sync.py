"""Mirroring the platform's view of a case (webhook or poll) onto ours.

The platform is the truth for marketplace cases: its status is mapped through the shop's profile
and applied as the step it stands for (so the timeline reads as usual), or, when our table has no
such step, set directly with a note.  Its deadline replaces ours.  A repeated event id, or an
update older than the one we hold, changes nothing (PLATFORMS.md 6.3).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F

from aftersales import clock
from aftersales.cases import ledger, timers
from aftersales.cases.models import Case, IdempotencyRecord, Refund
from aftersales.cases.permissions import Who
from aftersales.cases.scoring import rescore
from aftersales.cases.services import ActionInput, _apply, record
from aftersales.cases.explain import state_label
from aftersales.domain import lifecycle as lc
from aftersales.errors import NotFound


@dataclass
class PlatformUpdate:
    platform_case_id: str
    status: str
    qualifier: str = ""              # e.g. Douyin refund_status alongside status 12
    refund_status: str = ""
    arbitration_status: str = ""
    deadline: datetime | None = None
    updated_at: datetime | None = None
    event_id: str = ""
    payload: dict = field(default_factory=dict)
    carrier: str = ""                # the return parcel, when the platform names it (buyer shipped)
    tracking_number: str = ""


@dataclass(frozen=True)
class SyncResult:
    case: Case
    outcome: str    # "applied" | "unchanged" | "duplicate" | "stale"


def apply_platform_update(organisation, shop, update: PlatformUpdate) -> SyncResult:
    now = clock.now()
    scope = f"platform.{shop.platform}"
    try:
        with transaction.atomic():
            if update.event_id:
                if IdempotencyRecord.objects.filter(organisation=organisation, scope=scope,
                                                    key=update.event_id).exists():
                    case = Case.objects.get(shop=shop, platform_case_id=update.platform_case_id)
                    return SyncResult(case, "duplicate")
                IdempotencyRecord.objects.create(organisation=organisation, scope=scope, key=update.event_id,
                                                 result={"platform_case_id": update.platform_case_id}, created_at=now)
            case = (Case.objects.select_for_update(of=("self",)).select_related("shop", "buyer")
                    .filter(organisation=organisation, shop=shop, platform_case_id=update.platform_case_id).first())
            if case is None:
                raise NotFound(f"no case {update.platform_case_id!r} in shop {shop.name}")
            if update.updated_at and case.platform_updated_at and update.updated_at <= case.platform_updated_at:
                return SyncResult(case, "stale")
            outcome = _apply_update(case, update, now)
            return SyncResult(case, outcome)
    except IntegrityError:
        case = Case.objects.get(shop=shop, platform_case_id=update.platform_case_id)
        return SyncResult(case, "duplicate")


def _apply_update(case: Case, update: PlatformUpdate, now: datetime) -> str:
    profile = case.shop.profile
    mapped = profile.map_status(update.status, update.qualifier or None)
    target: lc.CaseState = mapped.value
    changed = False
    if mapped.warning:
        record(case, "platform.warning", Who.platform(), now, zh=mapped.warning, en=mapped.warning,
               buyer_visible=False, data={"raw": update.status})
    if target != case.state:
        action = lc.action_to(case.state, target, lc.Actor.PLATFORM, case.route)
        if action is not None:
            _apply(case, action, Who.platform(), now,
                   explanation=(f"（{profile.name_zh}状态 {update.status}）", f"({profile.name_en} status {update.status})"),
                   data={"platform_status": update.status},
                   inputs=ActionInput(carrier=update.carrier, tracking_number=update.tracking_number))
        else:
            _force_state(case, target, update, now)
        changed = True
    case.refresh_from_db()
    mirror = {"platform_status_raw": str(update.status)[:60], "updated_at": now}
    if update.payload:
        mirror["platform_payload"] = update.payload
    if update.updated_at:
        mirror["platform_updated_at"] = update.updated_at
    if update.refund_status:
        refund = profile.map_refund_status(update.refund_status).value
        if refund != case.refund_state:
            mirror["refund_state"] = refund
            changed = True
    if update.arbitration_status:
        arb = profile.map_arbitration(update.arbitration_status).value
        if arb != case.arbitration_state:
            mirror["arbitration_state"] = arb
            record(case, "arbitration", Who.platform(), now, zh=f"平台介入状态：{arb}", en=f"Platform arbitration: {arb}",
                   data={"raw": update.arbitration_status})
            changed = True
    Case.objects.filter(pk=case.pk).update(**mirror)
    if update.deadline and case.state not in lc.TERMINAL_STATES:
        changed = timers.set_platform_due(case, update.deadline, now) or changed
    case.refresh_from_db()
    rescore(case, now)
    return "applied" if changed else "unchanged"


def _force_state(case: Case, target: lc.CaseState, update: PlatformUpdate, now: datetime) -> None:
    before = case.state
    Case.objects.filter(pk=case.pk).update(state=target, is_open=not target.is_terminal, version=F("version") + 1,
                                           updated_at=now, closed_at=now if target.is_terminal else None)
    timers.close_step(case, before, now)
    case.refresh_from_db()
    if target == lc.CaseState.COMPLETED and case.route in (lc.Route.REFUND, lc.Route.RETURN_THEN_REFUND):
        # The platform says the money went back: record the refund we never saw approved.
        if not Refund.objects.filter(case=case, status=lc.RefundState.SUCCEEDED).exists():
            amount = case.approved_amount if case.approved_amount is not None else case.requested_amount
            Refund.objects.filter(case=case).exclude(status=lc.RefundState.SUCCEEDED).update(
                status=lc.RefundState.SUCCEEDED, succeeded_at=now)
            if not Refund.objects.filter(case=case).exists():
                Refund.objects.create(case=case, amount=amount, currency=case.currency, method="platform",
                                      status=lc.RefundState.SUCCEEDED, approved_at=now, succeeded_at=now)
            Case.objects.filter(pk=case.pk).update(refund_state=lc.RefundState.SUCCEEDED)
        ledger.settle_refund(case)
    if target.is_terminal:
        timers.close_all(case, now)
        ledger.release(case)
    else:
        timers.open_step(case, target, now, update.deadline)
    zh_to, en_to = state_label(target)
    record(case, "platform.sync", Who.platform(), now, before=before, after=target,
           zh=f"平台同步：状态变为「{zh_to}」（平台状态 {update.status}）。",
           en=f"Platform sync: now {en_to.lower()} (platform status {update.status}).",
           data={"platform_status": update.status})
