"""The deadline sweep: warn before a deadline, apply its consequence at it.

On own stores we are the platform, so the sweep performs the timeout action itself.  On
marketplaces the platform performs it; the sweep marks the deadline lapsed, says what the
platform will have done, and asks the connector to reconcile (PLATFORMS.md 6.2).

Each deadline is handled in its own transaction, claimed with a conditional update, so a crash
loses nothing and two sweeps never act twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q

from aftersales import clock
from aftersales.cases import timers
from aftersales.cases.explain import DEADLINE_LABELS, OUTCOME_LABELS
from aftersales.cases.models import Case, Deadline, DeadlineStatus, FollowUp
from aftersales.cases.permissions import Who
from aftersales.cases.scoring import rescore
from aftersales.cases.services import _apply, record
from aftersales.domain import priority as prio
from aftersales.domain.deadlines import Party, TimeoutOutcome
from aftersales.domain.platforms import PROFILES
from aftersales.errors import AftersalesError
from aftersales.notify.outbox import enqueue

log = logging.getLogger(__name__)
BATCH = 500


@dataclass
class SweepReport:
    now: datetime
    warned: int = 0
    breached: int = 0
    applied: int = 0            # timeout actions we performed (own stores)
    lapsed: int = 0             # marketplace deadlines passed: the platform acts
    failed: int = 0
    rescored: int = 0
    follow_ups: int = 0
    details: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k not in ("details",)} | {"now": self.now.isoformat()}


def sweep(now: datetime | None = None) -> SweepReport:
    now = now or clock.now()
    report = SweepReport(now)
    _warn(now, report)
    _expire(now, report)
    _follow_ups(now, report)
    _rescore_changed_bands(now, report)
    return report


def _warn(now: datetime, report: SweepReport) -> None:
    horizon = max((p.warn_before for p in PROFILES.values()), default=timedelta(hours=12))
    candidates = (Deadline.objects.filter(status=DeadlineStatus.OPEN, party=Party.SELLER, warned_at__isnull=True,
                                          due_at__gt=now, due_at__lte=now + horizon)
                  .select_related("case__shop").order_by("due_at"))
    for d in candidates.iterator(chunk_size=BATCH):
        if d.due_at - d.case.shop.profile.warn_before > now:
            continue
        with transaction.atomic():
            if not Deadline.objects.filter(pk=d.pk, status=DeadlineStatus.OPEN, warned_at__isnull=True).update(
                    warned_at=now):
                continue
            left = d.due_at - now
            hours = max(int(left.total_seconds() // 3600), 0)
            what_zh, what_en = DEADLINE_LABELS.get(d.kind, (d.kind, d.kind))
            then_zh, then_en = OUTCOME_LABELS.get(d.on_timeout, (d.on_timeout, d.on_timeout))
            record(d.case, "deadline.warning", Who.system(), now, buyer_visible=False,
                   zh=f"提醒：{what_zh}将在约 {hours} 小时后到期（{d.due_at:%Y-%m-%d %H:%M} UTC），超时将{then_zh}。",
                   en=f"Reminder: {what_en} is due in about {hours} h ({d.due_at:%Y-%m-%d %H:%M} UTC); "
                      f"on timeout: {then_en}.",
                   data={"deadline": d.pk})
            enqueue(d.case, "team.deadline_warning", "team",
                    {"case": d.case_id, "deadline": d.pk, "due_at": d.due_at.isoformat()}, now)
            report.warned += 1


def _expire(now: datetime, report: SweepReport) -> None:
    while True:
        ids = list(Deadline.objects.filter(status=DeadlineStatus.OPEN, due_at__lte=now)
                   .order_by("due_at", "id").values_list("pk", flat=True)[:BATCH])
        if not ids:
            return
        for pk in ids:
            try:
                _expire_one(pk, now, report)
            except AftersalesError as exc:  # the case moved on meanwhile: note it, keep sweeping
                report.failed += 1
                report.details.append(f"deadline {pk}: {exc}")
                Deadline.objects.filter(pk=pk, status=DeadlineStatus.OPEN).update(
                    status=DeadlineStatus.CANCELLED, closed_at=now)


def _expire_one(pk: int, now: datetime, report: SweepReport) -> None:
    with transaction.atomic():
        d = Deadline.objects.select_related("case__shop", "case__buyer").get(pk=pk)
        if not Deadline.objects.filter(pk=pk, status=DeadlineStatus.OPEN).update(
                status=DeadlineStatus.EXPIRED, closed_at=now):
            return
        case = Case.objects.select_for_update(of=("self",)).select_related("shop", "buyer").get(pk=d.case_id)
        profile = case.shop.profile
        what_zh, what_en = DEADLINE_LABELS.get(d.kind, (d.kind, d.kind))
        then_zh, then_en = OUTCOME_LABELS.get(d.on_timeout, (d.on_timeout, d.on_timeout))
        action = timers.TIMEOUT_ACTIONS.get(d.on_timeout)
        if d.on_timeout == TimeoutOutcome.BREACH_ONLY:
            record(case, "deadline.breached", Who.system(), now, buyer_visible=False,
                   zh=f"未能在承诺时间内完成{what_zh}（{d.note}）。", en=f"Missed the {what_en} promise ({d.note}).",
                   data={"deadline": d.pk})
            report.breached += 1
        elif profile.executes_timeouts and action is not None and d.step == case.state:
            explanation = (f"原因：{what_zh}已超时（截止 {d.due_at:%Y-%m-%d %H:%M} UTC），按店铺规则{then_zh}。",
                           f"Why: the {what_en} deadline passed ({d.due_at:%Y-%m-%d %H:%M} UTC); "
                           f"the shop's rule is to {then_en}.")
            _apply(case, action, Who.system(), now, explanation=explanation,
                   data={"deadline": d.pk, "timeout": d.on_timeout})
            report.applied += 1
        else:
            record(case, "deadline.lapsed", Who.system(), now, buyer_visible=False,
                   zh=f"{what_zh}已超时：{profile.name_zh}将{then_zh}，等待平台同步结果。",
                   en=f"The {what_en} deadline passed: {profile.name_en} will {then_en}; "
                      f"waiting for the platform to confirm.",
                   data={"deadline": d.pk, "timeout": d.on_timeout})
            enqueue(case, "platform.reconcile", "platform",
                    {"case": case.pk, "platform_case_id": case.platform_case_id}, now)
            report.lapsed += 1
        case.refresh_from_db()
        rescore(case, now)


def _follow_ups(now: datetime, report: SweepReport) -> None:
    for fu in FollowUp.objects.filter(done_at__isnull=True, notified_at__isnull=True, due_at__lte=now).select_related(
            "case").iterator(chunk_size=BATCH):
        with transaction.atomic():
            if not FollowUp.objects.filter(pk=fu.pk, notified_at__isnull=True).update(notified_at=now):
                continue
            record(fu.case, "follow_up.due", Who.system(), now, buyer_visible=False,
                   zh="回访时间到：请联系买家确认问题已解决并邀请评价。",
                   en="Follow-up due: check with the buyer that all is well and ask for a rating.")
            enqueue(fu.case, "team.follow_up_due", "team", {"case": fu.case_id}, now)
            report.follow_ups += 1


def _rescore_changed_bands(now: datetime, report: SweepReport) -> None:
    """Time left shrinks by itself: re-score open cases whose time band changed."""
    qs = (Case.objects.filter(is_open=True, next_due_at__isnull=False, next_due_at__lte=now + timedelta(hours=72))
          .select_related("shop").only("pk", "urgent", "vip", "channel", "is_open", "time_band", "next_due_at",
                                       "shop__channel_weights", "shop__platform"))
    for case in qs.iterator(chunk_size=BATCH):
        if prio.time_band(case.next_due_at - now) != case.time_band:
            rescore(case, now)
            report.rescored += 1
