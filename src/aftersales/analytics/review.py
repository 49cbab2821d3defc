"""The weekly review of one organisation: what came back, from which SKU, through which carrier,
how fast the team answered, how satisfied buyers were; with the alerts of domain.review.

`weekly_review(organisation, monday, now)` returns a plain dict (the page, the e-mail, the PDF
and the CLI all render the same dict).  It reads the Weekly* rows of the week and the three
before it, rolling up those that are missing first (analytics.stats).
"""

from __future__ import annotations

import importlib
import logging
from collections import defaultdict
from datetime import date, datetime, timedelta

from django.apps import apps
from django.db.models import Sum

from aftersales.analytics import stats
from aftersales.analytics.models import WeeklyCarrier, WeeklyReason, WeeklyShop, WeeklySkuProblem
from aftersales.catalog.models import Shop
from aftersales.domain import review as rules
from aftersales.domain import tracking as tr
from aftersales.domain.reasons import reason

log = logging.getLogger("aftersales.analytics")
HISTORY = 4   # the reviewed week and the three before


def risk_flags(organisation_id: int, start: datetime, end: datetime, shop_ids=None) -> list[dict] | None:
    """Malicious-refund flags from the risk app, or None when it is not installed."""
    if not apps.is_installed("aftersales.risk"):
        return None
    try:
        queries = importlib.import_module("aftersales.risk.queries")
        return list(queries.weekly_flags(organisation_id, start, end, shop_ids=shop_ids))
    except Exception:   # the review goes out without this part rather than not at all
        log.exception("risk.queries.weekly_flags failed")
        return None


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _mean_hours(seconds: int, n: int) -> float | None:
    return round(seconds / n / 3600, 1) if n else None


def carrier_names() -> dict[str, tuple[str, str]]:
    return {c.code: (c.name_zh, c.name_en) for c in tr.CARRIERS.values()}


def weekly_review(organisation, monday: date, now: datetime, *, shop_ids: list[int] | None = None,
                  max_age: timedelta | None = None) -> dict:
    weeks = [monday - timedelta(weeks=i) for i in range(HISTORY - 1, -1, -1)]   # oldest first
    stats.ensure_weeks(organisation.pk, weeks, now, fresh=monday,
                       max_age=stats.MAX_AGE if max_age is None else max_age)
    org = {"organisation_id": organisation.pk, "week__in": weeks}
    if shop_ids:
        org["shop_id__in"] = shop_ids
    shop_names = dict(Shop.objects.filter(organisation=organisation).values_list("id", "name"))

    # SKUs: counts per (sku, problem) per week, summed over shops
    counts: dict[tuple[str, str], dict[date, int]] = defaultdict(dict)
    for r in (WeeklySkuProblem.objects.filter(**org).values("sku_code", "problem", "week").annotate(n=Sum("cases"))):
        counts[(r["sku_code"], r["problem"])][r["week"]] = r["n"]
    sku_rows = []
    for (sku, problem), by_week in counts.items():
        series = [by_week.get(w, 0) for w in weeks]
        if series[-1] or series[-2]:
            zh, en = rules.problem_label(problem)
            sku_rows.append({"sku": sku, "problem": problem, "problem_zh": zh, "problem_en": en, "weeks": series,
                             "this_week": series[-1], "change": series[-1] - series[-2]})
    sku_rows.sort(key=lambda r: (-r["this_week"], -sum(r["weeks"]), r["sku"], r["problem"]))
    sku_alerts = rules.sku_alerts(weeks, counts)

    # carriers: the reviewed week
    names = carrier_names()
    carrier_rows = []
    for r in (WeeklyCarrier.objects.filter(organisation_id=organisation.pk, week=monday).values("carrier")
              .annotate(parcels=Sum("parcels"), delayed=Sum("delayed"), lost=Sum("lost"), damaged=Sum("damaged"),
                        delivered=Sum("delivered"), secs=Sum("delivery_seconds")).order_by("carrier")):
        zh, en = names.get(r["carrier"], (r["carrier"], r["carrier"]))
        carrier_rows.append({**r, "name_zh": zh, "name_en": en, "delay_rate": _rate(r["delayed"], r["parcels"]),
                             "loss_rate": _rate(r["lost"], r["parcels"]),
                             "damage_rate": _rate(r["damaged"], r["parcels"]),
                             "delivery_hours": _mean_hours(r["secs"] or 0, r["delivered"])})
    carrier_alerts = rules.carrier_alerts(carrier_rows, names)

    # shops: the reviewed week, and the refund rate of the weeks before
    shop_rows = []
    by_shop = defaultdict(dict)
    for s in WeeklyShop.objects.filter(**org):
        by_shop[s.shop_id][s.week] = s
    reasons = defaultdict(list)
    this_week = {k: v for k, v in org.items() if k != "week__in"} | {"week": monday}
    for r in WeeklyReason.objects.filter(**this_week).order_by("-cases", "reason_code"):
        rs = reason(r.reason_code)
        reasons[r.shop_id].append({"reason": r.reason_code, "zh": rs.zh, "en": rs.en, "cases": r.cases,
                                   "refunds": r.refunds})
    for shop_id, per_week in sorted(by_shop.items(), key=lambda kv: shop_names.get(kv[0], "")):
        s = per_week.get(monday) or WeeklyShop(shop_id=shop_id, week=monday)
        trend = []
        for w in weeks:
            x = per_week.get(w)
            trend.append(_rate(x.refunds, x.orders or x.cases) if x else None)
        answered = s.satisfied + s.unsatisfied
        shop_rows.append({
            "shop_id": shop_id, "shop": shop_names.get(shop_id, str(shop_id)), "orders": s.orders, "cases": s.cases,
            "refunds": s.refunds, "refund_amount": str(s.refund_amount),
            "refund_rate": _rate(s.refunds, s.orders or s.cases), "refund_rate_of": "orders" if s.orders else "cases",
            "refund_trend": trend, "reasons": reasons.get(shop_id, [])[:5],
            "first_response_hours": _mean_hours(s.first_response_seconds, s.first_responses),
            "resolution_hours": _mean_hours(s.resolution_seconds, s.resolved),
            "satisfaction": _rate(s.satisfied, answered), "follow_ups_answered": answered,
            "rating": round(s.rating_sum / s.ratings, 2) if s.ratings else None, "ratings": s.ratings,
        })

    start, end = stats.week_range(monday)
    flags = risk_flags(organisation.pk, start, end, shop_ids)
    if flags is not None:
        for f in flags:
            f["shop"] = shop_names.get(f.get("shop_id"), str(f.get("shop_id")))
    return {
        "organisation": organisation.name, "week": rules.week_label(monday), "monday": monday.isoformat(),
        "weeks": [rules.week_label(w) for w in weeks], "generated_at": now.isoformat(),
        "skus": sku_rows[:30], "carriers": carrier_rows, "shops": shop_rows, "risk": flags,
        "alerts": [{"kind": a.kind, "subject": a.subject, "problem": a.problem, "zh": a.zh, "en": a.en}
                   for a in (*sku_alerts, *carrier_alerts)],
    }
