"""Deadline records: opened when a case enters a step, closed when it leaves it.

The platform's own deadline wins whenever it sends one; otherwise the profile's default is
computed and labelled a fallback.  The shop's service promises (first reply, review within N
business days, refund within N days) are deadline records too, of source "policy".
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Min

from aftersales.cases.models import Deadline, DeadlineStatus
from aftersales.domain import lifecycle as lc
from aftersales.domain.deadlines import (
    Clock, DeadlineKind, DeadlineSource, Due, Party, TimeoutOutcome, add_business_days, add_natural,
)
from aftersales.domain.platforms import DeadlineRule

# What our sweep does when a deadline of an own store runs out.
TIMEOUT_ACTIONS: dict[str, lc.Action] = {
    TimeoutOutcome.AUTO_APPROVE: lc.Action.APPROVE,
    TimeoutOutcome.AUTO_REFUND: lc.Action.APPROVE,
    TimeoutOutcome.AUTO_CONFIRM_RECEIPT: lc.Action.CONFIRM_RECEIPT,
    TimeoutOutcome.AUTO_CONFIRM_DELIVERY: lc.Action.CONFIRM_DELIVERY,
    TimeoutOutcome.AUTO_CLOSE: lc.Action.CLOSE,
}


def extra_cn_holidays() -> frozenset[date]:
    return frozenset(date.fromisoformat(d) for d in settings.CN_EXTRA_HOLIDAYS)


def compute_due(shop, start: datetime, *, clock: Clock, hours: int = 0, business_days: int = 0) -> Due:
    if clock == Clock.BUSINESS_DAYS:
        return add_business_days(start, business_days, shop.calendar, shop.time_zone, extra_cn_holidays())
    return add_natural(start, timedelta(hours=hours))


def _rule_due(shop, rule: DeadlineRule, start: datetime) -> Due:
    return compute_due(shop, start, clock=rule.clock, hours=rule.hours, business_days=rule.business_days)


def step_deadlines(shop, case_type: str, state: str, now: datetime,
                   platform_due: datetime | None = None) -> list[Deadline]:
    """The deadline records of the step `state`, unsaved and without their case: the platform's
    timer (its own deadline when it sent one, else the profile's default, labelled) and the
    shop's promises.  `open_step` saves them; the bulk importer copies them."""
    rows: list[Deadline] = []
    rule = shop.profile.deadline_rule(lc.CaseState(state), lc.CaseType(case_type))
    if rule is not None:
        if platform_due is not None:
            due, source, note = platform_due, DeadlineSource.PLATFORM, f"{shop.profile.name_en} deadline"
        else:
            computed = _rule_due(shop, rule, now)
            source = DeadlineSource.COMPUTED if not shop.profile.executes_timeouts else DeadlineSource.POLICY
            note = "computed fallback: " if source == DeadlineSource.COMPUTED else ""
            note += rule.source + ("" if rule.verified else " [unverified default]")
            if computed.note:
                note += f"; {computed.note}"
            due = computed.at
        rows.append(Deadline(kind=rule.kind, party=rule.party, step=state, due_at=due, source=source,
                             clock=rule.clock, on_timeout=rule.on_timeout, note=note[:300], created_at=now))
    rows += _promises(shop, rule, state, now)
    return rows


def open_step(case, state: str, now: datetime, platform_due: datetime | None = None) -> list[Deadline]:
    """Create the deadline records of the step `state` for the case."""
    rows = step_deadlines(case.shop, case.case_type, state, now, platform_due)
    for row in rows:
        row.case = case
    Deadline.objects.bulk_create(rows)
    return rows


def _promises(shop, rule: DeadlineRule | None, state: str, now: datetime) -> list[Deadline]:
    """The shop's own promises for this step.  On an own store the profile's timers are already the
    shop's rules, so a promise of the same kind as the step's timer would only repeat it."""
    out = []

    def repeats(kind) -> bool:
        return shop.profile.executes_timeouts and rule is not None and rule.kind == kind

    if (state == lc.CaseState.AWAITING_SELLER_REVIEW and shop.review_business_days
            and not repeats(DeadlineKind.SELLER_REVIEW)):
        due = compute_due(shop, now, clock=Clock.BUSINESS_DAYS, business_days=shop.review_business_days)
        out.append(Deadline(kind=DeadlineKind.SELLER_REVIEW, party=Party.SELLER, step=state,
                            due_at=due.at, source=DeadlineSource.POLICY, clock=Clock.BUSINESS_DAYS,
                            on_timeout=TimeoutOutcome.BREACH_ONLY,
                            note=(f"shop promise: review within {shop.review_business_days} business days"
                                  + (f"; {due.note}" if due.note else ""))[:300],
                            created_at=now))
    if (state == lc.CaseState.REFUND_IN_PROGRESS and shop.refund_within_days
            and not repeats(DeadlineKind.SELLER_REFUND_ISSUE)):
        out.append(Deadline(kind=DeadlineKind.SELLER_REFUND_ISSUE, party=Party.SELLER, step=state,
                            due_at=now + timedelta(days=shop.refund_within_days), source=DeadlineSource.POLICY,
                            clock=Clock.NATURAL, on_timeout=TimeoutOutcome.BREACH_ONLY,
                            note=f"shop promise: refund within {shop.refund_within_days} days", created_at=now))
    return out


def first_reply_deadline(shop, now: datetime) -> Deadline | None:
    """The shop's first-reply promise, unsaved (None when the shop makes none)."""
    hours = shop.first_reply_hours
    if not hours:
        return None
    return Deadline(kind=DeadlineKind.FIRST_REPLY, party=Party.SELLER, step="", due_at=now + timedelta(hours=hours),
                    source=DeadlineSource.POLICY, clock=Clock.NATURAL, on_timeout=TimeoutOutcome.BREACH_ONLY,
                    note=f"shop promise: first reply within {hours} hours", created_at=now)


def open_first_reply(case, now: datetime) -> Deadline | None:
    row = first_reply_deadline(case.shop, now)
    if row is not None:
        row.case = case
        row.save()
    return row


def close_step(case, state: str, now: datetime, status: str = DeadlineStatus.MET) -> int:
    """Close the open deadlines of the step being left."""
    return Deadline.objects.filter(case=case, step=state, status=DeadlineStatus.OPEN).update(
        status=status, closed_at=now)


def close_first_reply(case, now: datetime) -> int:
    return Deadline.objects.filter(case=case, kind=DeadlineKind.FIRST_REPLY, status=DeadlineStatus.OPEN).update(
        status=DeadlineStatus.MET, closed_at=now)


def close_all(case, now: datetime) -> int:
    return Deadline.objects.filter(case=case, status=DeadlineStatus.OPEN).update(
        status=DeadlineStatus.CANCELLED, closed_at=now)


def nearest_seller_due(case) -> datetime | None:
    return Deadline.objects.filter(case=case, status=DeadlineStatus.OPEN, party=Party.SELLER).aggregate(
        m=Min("due_at"))["m"]


def set_platform_due(case, due_at: datetime, now: datetime) -> bool:
    """The platform sent (or changed) the current node's deadline: it replaces ours.  True when
    anything changed."""
    current = (Deadline.objects.filter(case=case, step=case.state, status=DeadlineStatus.OPEN)
               .exclude(source=DeadlineSource.POLICY).first())
    if current is None:
        rule = case.shop.profile.deadline_rule(lc.CaseState(case.state), lc.CaseType(case.case_type))
        if rule is None:
            return False
        Deadline.objects.create(case=case, kind=rule.kind, party=rule.party, step=case.state, due_at=due_at,
                                       source=DeadlineSource.PLATFORM, clock=rule.clock, on_timeout=rule.on_timeout,
                                       note=f"{case.shop.profile.name_en} deadline", created_at=now)
        return True
    if current.due_at != due_at or current.source != DeadlineSource.PLATFORM:
        Deadline.objects.filter(pk=current.pk).update(
            due_at=due_at, source=DeadlineSource.PLATFORM, warned_at=None,
            extended_count=current.extended_count + (1 if due_at > current.due_at else 0),
            note=f"{case.shop.profile.name_en} deadline (was {current.due_at.isoformat()})"[:300])
        return True
    return False
