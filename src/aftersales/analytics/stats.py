"""The weekly roll-up: one week of one organisation grouped in SQL into the Weekly* tables.

Each GROUP BY reads one week's range of `cases_case (organisation_id, created_at)` (the index
analytics adds in its migration 0002), so rolling up a week costs that week's rows, not the
whole table.  A week is rolled up again while it is recent (its cases still move: refunds,
replies, ratings) and kept once it ended more than `FINAL_AFTER` before the roll-up.  The
worker rolls up the recent weeks every hour (analytics.tasks); a reader rolls up a week itself
only when its rows are missing or older than `MAX_AGE` (`ensure_weeks`).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum, Value
from django.db.models.functions import Coalesce, NullIf

from aftersales.analytics.models import RolledUpWeek, WeeklyCarrier, WeeklyReason, WeeklyShop, WeeklySkuProblem
from aftersales.cases.models import Case, CaseLine, FollowUp, Rating
from aftersales.domain import lifecycle as lc
from aftersales.orders.models import Order

FINAL_AFTER = timedelta(days=14)
MAX_AGE = timedelta(hours=1)   # how old a recent week's rows may be when read
REFUNDED = (lc.RefundState.APPROVED, lc.RefundState.PROCESSING, lc.RefundState.SUCCEEDED)


def week_range(monday: date) -> tuple[datetime, datetime]:
    tz = ZoneInfo(settings.TIME_ZONE)
    start = datetime.combine(monday, time(0), tzinfo=tz)
    return start, start + timedelta(days=7)


def _seconds(total) -> int:
    if total is None:
        return 0
    return int(total.total_seconds()) if isinstance(total, timedelta) else int(total) // 1_000_000


def roll_up(organisation_id: int, monday: date, now: datetime) -> None:
    """Recompute the week's rows (one transaction: readers see the old rows or the new ones)."""
    start, end = week_range(monday)
    cases = Case.objects.filter(organisation_id=organisation_id, created_at__gte=start, created_at__lt=end)
    problem = Coalesce(NullIf(F("case__problem_type"), Value("")), F("case__reason_code"))
    # case_id IN (the week's cases): the planner reads the week's range of the case index first,
    # then each case's lines by caseline.case_id (a join lets SQLite scan every case line instead)
    sku_rows = (CaseLine.objects.filter(case_id__in=cases.values("id"))
                .annotate(problem=problem).values("case__shop_id", "order_line__sku_code", "problem")
                .annotate(n=Count("case_id", distinct=True)))
    refunded = Q(refund_state__in=REFUNDED)
    shop_rows = cases.values("shop_id").annotate(
        n=Count("id"), refunds=Count("id", filter=refunded),
        refund_amount=Sum(Coalesce("approved_amount", "requested_amount"), filter=refunded),
        fr=Sum(ExpressionWrapper(F("first_replied_at") - F("created_at"), output_field=DurationField()),
               filter=Q(first_replied_at__isnull=False)),
        frn=Count("id", filter=Q(first_replied_at__isnull=False)),
        res=Sum(ExpressionWrapper(F("closed_at") - F("created_at"), output_field=DurationField()),
                filter=Q(closed_at__isnull=False)),
        resn=Count("id", filter=Q(closed_at__isnull=False)))
    reason_rows = cases.values("shop_id", "reason_code").annotate(n=Count("id"), refunds=Count("id", filter=refunded))
    orders = dict(Order.objects.filter(organisation_id=organisation_id, placed_at__gte=start, placed_at__lt=end)
                  .values("shop_id").annotate(n=Count("id")).values_list("shop_id", "n"))
    # follow-ups answered and ratings given in the week: read from their own (small) tables first, then
    # their cases' shops; a join lets SQLite walk the whole cases table instead
    answers = list(FollowUp.objects.filter(answered_at__gte=start, answered_at__lt=end, satisfied__isnull=False)
                   .values_list("case_id", "satisfied"))
    ratings = list(Rating.objects.filter(created_at__gte=start, created_at__lt=end).values_list("case_id", "score"))
    shop_of = dict(Case.objects.filter(organisation_id=organisation_id,
                                       pk__in={c for c, _ in answers} | {c for c, _ in ratings})
                   .values_list("id", "shop_id")) if answers or ratings else {}
    follow: dict[int, dict] = defaultdict(lambda: {"yes": 0, "no": 0})
    for case_id, satisfied in answers:
        if case_id in shop_of:
            follow[shop_of[case_id]]["yes" if satisfied else "no"] += 1
    rated: dict[int, dict] = defaultdict(lambda: {"total": 0, "n": 0})
    for case_id, score in ratings:
        if case_id in shop_of:
            rated[shop_of[case_id]]["total"] += score
            rated[shop_of[case_id]]["n"] += 1
    carrier_rows = _carriers(organisation_id, start, end)

    shops: dict[int, WeeklyShop] = {}

    def shop(shop_id: int) -> WeeklyShop:
        if shop_id not in shops:
            shops[shop_id] = WeeklyShop(organisation_id=organisation_id, shop_id=shop_id, week=monday)
        return shops[shop_id]

    for r in shop_rows:
        s = shop(r["shop_id"])
        s.cases, s.refunds, s.refund_amount = r["n"], r["refunds"], r["refund_amount"] or 0
        s.first_response_seconds, s.first_responses = _seconds(r["fr"]), r["frn"]
        s.resolution_seconds, s.resolved = _seconds(r["res"]), r["resn"]
    for shop_id, n in orders.items():
        shop(shop_id).orders = n
    for shop_id, r in follow.items():
        shop(shop_id).satisfied, shop(shop_id).unsatisfied = r["yes"], r["no"]
    for shop_id, r in rated.items():
        shop(shop_id).rating_sum, shop(shop_id).ratings = r["total"] or 0, r["n"]

    with transaction.atomic():
        for model in (WeeklySkuProblem, WeeklyShop, WeeklyReason, WeeklyCarrier):
            model.objects.filter(organisation_id=organisation_id, week=monday).delete()
        WeeklySkuProblem.objects.bulk_create(
            [WeeklySkuProblem(organisation_id=organisation_id, shop_id=r["case__shop_id"], week=monday,
                              sku_code=r["order_line__sku_code"], problem=r["problem"][:60], cases=r["n"])
             for r in sku_rows], batch_size=1000)
        WeeklyShop.objects.bulk_create(shops.values(), batch_size=1000)
        WeeklyReason.objects.bulk_create(
            [WeeklyReason(organisation_id=organisation_id, shop_id=r["shop_id"], week=monday,
                          reason_code=r["reason_code"], cases=r["n"], refunds=r["refunds"]) for r in reason_rows],
            batch_size=1000)
        WeeklyCarrier.objects.bulk_create(
            [WeeklyCarrier(organisation_id=organisation_id, week=monday, **r) for r in carrier_rows])
        RolledUpWeek.objects.update_or_create(organisation_id=organisation_id, week=monday,
                                              defaults={"computed_at": now})


def _carriers(organisation_id: int, start: datetime, end: datetime) -> list[dict]:
    """Parcels whose first scan fell in the week, per carrier; without the logistics app, none."""
    from django.apps import apps

    if not apps.is_installed("aftersales.logistics"):
        return []
    from aftersales.logistics.models import Parcel

    rows = (Parcel.objects.filter(organisation_id=organisation_id, first_event_at__gte=start, first_event_at__lt=end)
            .values("carrier").annotate(
                n=Count("id"), delayed=Count("id", filter=Q(stuck_since__isnull=False)),
                lost=Count("id", filter=Q(lost=True)), damaged=Count("id", filter=Q(damaged=True)),
                delivered=Count("id", filter=Q(delivered_at__isnull=False)),
                secs=Sum(ExpressionWrapper(F("delivered_at") - F("first_event_at"), output_field=DurationField()),
                         filter=Q(delivered_at__isnull=False))))
    return [{"carrier": r["carrier"], "parcels": r["n"], "delayed": r["delayed"], "lost": r["lost"],
             "damaged": r["damaged"], "delivered": r["delivered"], "delivery_seconds": _seconds(r["secs"])}
            for r in rows]


def stale(monday: date, computed_at: datetime, now: datetime, max_age: timedelta) -> bool:
    """A week's rows are stale when they are older than `max_age` and the week was not yet final
    when they were computed."""
    return computed_at < week_range(monday)[1] + FINAL_AFTER and computed_at <= now - max_age


def ensure_weeks(organisation_id: int, mondays: list[date], now: datetime, *, fresh: date | None = None,
                 max_age: timedelta = MAX_AGE) -> list[date]:
    """Roll up the weeks that are missing, and `fresh` too when its rows are stale; the weeks
    rolled up.  The worker's hourly job keeps the recent weeks fresh, so that a reader rarely
    waits for a roll-up (analytics.tasks)."""
    done = dict(RolledUpWeek.objects.filter(organisation_id=organisation_id, week__in=mondays)
                .values_list("week", "computed_at"))
    todo = [m for m in mondays if m not in done or (m == fresh and stale(m, done[m], now, max_age))]
    for monday in todo:
        roll_up(organisation_id, monday, now)
    return todo
