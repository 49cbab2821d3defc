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

from django.db import connection, transaction
from django.db.models import Case as SqlCase
from django.db.models import CharField, F, IntegerField, Min, Q, Value, When
from django.db.models.lookups import GreaterThanOrEqual

from aftersales import clock
from aftersales.cases import timers
from aftersales.cases.explain import DEADLINE_LABELS, OUTCOME_LABELS
from aftersales.cases.models import Case, Deadline, DeadlineStatus, FollowUp, TimelineEvent
from aftersales.cases.permissions import Who
from aftersales.cases.scoring import rescore, rescore_many
from aftersales.cases.services import _apply, record
from aftersales.domain import lifecycle as lc
from aftersales.domain import priority as prio
from aftersales.domain.deadlines import Party, TimeoutOutcome
from aftersales.domain.platforms import PROFILES
from aftersales.errors import AftersalesError
from aftersales.notify.models import OutboxMessage
from aftersales.notify.outbox import buyer_recipient, enqueue, outbox_row

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
    buyers_asked: int = 0       # follow-up messages to buyers ("are you satisfied?")
    unhappy: int = 0            # buyers not satisfied: a follow-up task for the team again
    apologies: int = 0          # missed promises the buyer is told about, with an apology
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


def _claim(ids: list[int], now: datetime, **changes) -> list[int]:
    """Claim open deadlines for this sweep: lock them (skipping rows another sweep holds) and
    return the ids still open.  Runs inside the caller's transaction."""
    qs = Deadline.objects.filter(pk__in=ids, status=DeadlineStatus.OPEN)
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True)
    if "warned_at" in changes:
        qs = qs.filter(warned_at__isnull=True)
    claimed = list(qs.values_list("pk", flat=True))
    Deadline.objects.filter(pk__in=claimed).update(**changes)
    return claimed


def _warn(now: datetime, report: SweepReport) -> None:
    horizon = max((p.warn_before for p in PROFILES.values()), default=timedelta(hours=12))
    last_id = 0
    while True:
        batch = list(Deadline.objects.filter(status=DeadlineStatus.OPEN, party=Party.SELLER, warned_at__isnull=True,
                                             due_at__gt=now, due_at__lte=now + horizon, pk__gt=last_id)
                     .select_related("case__shop").order_by("pk")[:BATCH])
        if not batch:
            return
        last_id = batch[-1].pk
        due = [d for d in batch if d.due_at - d.case.shop.profile.warn_before <= now]
        covered = _covering_due(d.case_id for d in due if d.on_timeout == TimeoutOutcome.BREACH_ONLY)
        due = [d for d in due if not (d.on_timeout == TimeoutOutcome.BREACH_ONLY
                                      and covered.get(d.case_id) and covered[d.case_id] <= d.due_at)]
        if not due:
            continue
        with transaction.atomic():
            claimed = set(_claim([d.pk for d in due], now, warned_at=now))
            events, outbox = [], []
            for d in due:
                if d.pk not in claimed:
                    continue
                hours = max(int((d.due_at - now).total_seconds() // 3600), 0)
                what_zh, what_en = DEADLINE_LABELS.get(d.kind, (d.kind, d.kind))
                then_zh, then_en = OUTCOME_LABELS.get(d.on_timeout, (d.on_timeout, d.on_timeout))
                events.append(_event(d.case, "deadline.warning", now, data={"deadline": d.pk},
                    zh=f"提醒：{what_zh}将在约 {hours} 小时后到期（{d.due_at:%Y-%m-%d %H:%M} UTC），超时将{then_zh}。",
                    en=f"Reminder: {what_en} is due in about {hours} h ({d.due_at:%Y-%m-%d %H:%M} UTC); "
                       f"on timeout: {then_en}."))
                outbox.append(outbox_row(d.case, "team.deadline_warning", "team",
                                      {"case": d.case_id, "deadline": d.pk, "due_at": d.due_at.isoformat()}, now))
            TimelineEvent.objects.bulk_create(events)
            OutboxMessage.objects.bulk_create(outbox)
            report.warned += len(events)


def _covering_due(case_ids) -> dict[int, datetime]:
    """For each case, its earliest open seller deadline that has a consequence.  A breach-only
    promise due after it needs no warning of its own: that warning already tells the team."""
    ids = list(set(case_ids))
    if not ids:
        return {}
    rows = (Deadline.objects.filter(case_id__in=ids, status=DeadlineStatus.OPEN, party=Party.SELLER)
            .exclude(on_timeout=TimeoutOutcome.BREACH_ONLY).values("case_id").annotate(first=Min("due_at")))
    return {r["case_id"]: r["first"] for r in rows}


def _event(case, kind: str, now: datetime, *, zh: str, en: str, data: dict) -> TimelineEvent:
    return TimelineEvent(case=case, kind=kind, actor=lc.Actor.SYSTEM, message_zh=zh, message_en=en, data=data,
                         visible_to_buyer=False, created_at=now)


def _expire(now: datetime, report: SweepReport) -> None:
    """Deadlines that ran out.  Those that change no state (breached promises, marketplace
    timeouts the platform performs) are handled a batch at a time; those where we perform the
    timeout (own stores) go one case at a time through the ordinary transition."""
    last_id = 0
    while True:
        batch = list(Deadline.objects.filter(status=DeadlineStatus.OPEN, due_at__lte=now, pk__gt=last_id)
                     .select_related("case__shop", "case__buyer").order_by("pk")[:BATCH])
        if not batch:
            return
        last_id = batch[-1].pk
        acting, simple = [], []
        for d in batch:
            performs = (d.on_timeout != TimeoutOutcome.BREACH_ONLY and d.case.shop.profile.executes_timeouts
                        and d.on_timeout in timers.TIMEOUT_ACTIONS)
            (acting if performs else simple).append(d)
        if simple:
            _expire_batch(simple, now, report)
        for d in acting:
            try:
                _expire_one(d.pk, now, report)
            except AftersalesError as exc:  # the case moved on meanwhile: note it, keep sweeping
                report.failed += 1
                report.details.append(f"deadline {d.pk}: {exc}")
                Deadline.objects.filter(pk=d.pk, status=DeadlineStatus.OPEN).update(
                    status=DeadlineStatus.CANCELLED, closed_at=now)


def _expire_batch(deadlines: list[Deadline], now: datetime, report: SweepReport) -> None:
    with transaction.atomic():
        claimed = set(_claim([d.pk for d in deadlines], now, status=DeadlineStatus.EXPIRED, closed_at=now))
        events, outbox, cases = [], [], {}
        for d in deadlines:
            if d.pk not in claimed:
                continue
            case, profile = d.case, d.case.shop.profile
            cases[case.pk] = case
            what_zh, what_en = DEADLINE_LABELS.get(d.kind, (d.kind, d.kind))
            then_zh, then_en = OUTCOME_LABELS.get(d.on_timeout, (d.on_timeout, d.on_timeout))
            if d.on_timeout == TimeoutOutcome.BREACH_ONLY:
                events.append(_event(case, "deadline.breached", now, data={"deadline": d.pk},
                                     zh=f"未能在承诺时间内完成{what_zh}（{d.note}）。",
                                     en=f"Missed the {what_en} promise ({d.note})."))
                report.breached += 1
                if d.party == Party.SELLER and case.is_open:
                    # The buyer hears of the delay from us, with an apology (the portal's words).
                    channel, to = buyer_recipient(case.buyer)
                    outbox.append(outbox_row(case, "buyer.delay", channel, {"case": case.pk, "deadline": d.pk,
                                                                           "kind": d.kind}, now, to,
                                             dedupe_key=f"buyer.delay:{d.pk}"))
                    report.apologies += 1
            else:
                events.append(_event(case, "deadline.lapsed", now, data={"deadline": d.pk, "timeout": d.on_timeout},
                                     zh=f"{what_zh}已超时：{profile.name_zh}将{then_zh}，等待平台同步结果。",
                                     en=f"The {what_en} deadline passed: {profile.name_en} will {then_en}; "
                                        f"waiting for the platform to confirm."))
                outbox.append(outbox_row(case, "platform.reconcile", "platform",
                                      {"case": case.pk, "platform_case_id": case.platform_case_id}, now))
                report.lapsed += 1
        TimelineEvent.objects.bulk_create(events)
        OutboxMessage.objects.bulk_create(outbox, ignore_conflicts=True)   # a dedupe_key already there: once
        rescore_many(list(cases.values()), now)


def _expire_one(pk: int, now: datetime, report: SweepReport) -> None:
    """Perform an own store's timeout: the ordinary transition, as the system, with the reason."""
    with transaction.atomic():
        d = Deadline.objects.get(pk=pk)
        if not Deadline.objects.filter(pk=pk, status=DeadlineStatus.OPEN).update(
                status=DeadlineStatus.EXPIRED, closed_at=now):
            return
        case = Case.objects.select_for_update(of=("self",)).select_related("shop", "buyer").get(pk=d.case_id)
        what_zh, what_en = DEADLINE_LABELS.get(d.kind, (d.kind, d.kind))
        then_zh, then_en = OUTCOME_LABELS.get(d.on_timeout, (d.on_timeout, d.on_timeout))
        if d.step != case.state:   # the step was left without closing its timer: nothing to do
            rescore(case, now)
            return
        explanation = (f"原因：{what_zh}已超时（截止 {d.due_at:%Y-%m-%d %H:%M} UTC），按店铺规则{then_zh}。",
                       f"Why: the {what_en} deadline passed ({d.due_at:%Y-%m-%d %H:%M} UTC); "
                       f"the shop's rule is to {then_en}.")
        _apply(case, timers.TIMEOUT_ACTIONS[d.on_timeout], Who.system(), now, explanation=explanation,
               data={"deadline": d.pk, "timeout": d.on_timeout})
        report.applied += 1


def _follow_ups(now: datetime, report: SweepReport) -> None:
    """Follow-ups that fell due: the team is reminded and the buyer asked whether all is well (one
    click in the portal).  A follow-up the buyer answered "not satisfied" comes back here as a
    task for the team, with the buyer's words, and the buyer is not asked again."""
    for fu in FollowUp.objects.filter(done_at__isnull=True, notified_at__isnull=True, due_at__lte=now).select_related(
            "case__buyer").iterator(chunk_size=BATCH):
        with transaction.atomic():
            if not FollowUp.objects.filter(pk=fu.pk, notified_at__isnull=True).update(notified_at=now):
                continue
            case = fu.case
            if fu.satisfied is False:
                comment = fu.buyer_comment.strip()
                record(case, "follow_up.unhappy", Who.system(), now, buyer_visible=False,
                       zh="买家表示不满意，请尽快联系买家。" + (f"买家留言：{comment}" if comment else ""),
                       en="The buyer is not satisfied: call them back soon." + (f" They wrote: {comment}"
                                                                                if comment else ""),
                       data={"follow_up": fu.pk})
                enqueue(case, "team.follow_up_unhappy", "team", {"case": case.pk, "follow_up": fu.pk}, now)
                report.unhappy += 1
                report.details.append(f"{case.number}: the buyer is not satisfied; follow-up task for the team"
                                      + (f" ({comment[:80]})" if comment else ""))
                continue
            record(case, "follow_up.due", Who.system(), now, buyer_visible=False,
                   zh="回访时间到：请联系买家确认问题已解决并邀请评价。",
                   en="Follow-up due: check with the buyer that all is well and ask for a rating.")
            enqueue(case, "team.follow_up_due", "team", {"case": case.pk}, now)
            report.follow_ups += 1
            if fu.answered_at is None:
                channel, to = buyer_recipient(case.buyer)
                enqueue(case, "buyer.follow_up", channel, {"case": case.pk, "follow_up": fu.pk}, now, to,
                        dedupe_key=f"buyer.follow_up:{fu.pk}")
                report.buyers_asked += 1
                report.details.append(f"{case.number}: follow-up message to the buyer ({channel} {to})")


def _rescore_changed_bands(now: datetime, report: SweepReport) -> None:
    """Time left shrinks by itself: move open cases whose nearest deadline crossed into another
    time band.  Only the time term of the priority depends on the clock, so this is one UPDATE per
    band that adds the difference of the time points, set-wise (the stored priority always holds
    the time points of its stored band: scoring.score_case writes them together)."""
    points = prio.TIME_POINTS
    for band, low, high in prio.time_band_windows():
        due = Q(is_open=True, next_due_at__isnull=False) & ~Q(time_band=band)
        if band == 4:
            due &= Q(next_due_at__lte=now)
        else:
            due &= Q(next_due_at__gt=now + low) if low == timedelta(0) else Q(next_due_at__gte=now + low)
            due &= Q(next_due_at__lt=now + high)
        delta = SqlCase(*[When(time_band=old, then=Value(points[band] - points[old])) for old in points if old != band],
                        default=Value(0), output_field=IntegerField())
        new_priority = F("priority") + delta
        label = SqlCase(*[When(GreaterThanOrEqual(new_priority, floor), then=Value(str(name)))
                          for floor, name in prio.BAND_FLOORS],
                        default=Value(str(prio.Band.LOW)), output_field=CharField())
        report.rescored += Case.objects.filter(due).update(priority=new_priority, priority_band=label, time_band=band)
