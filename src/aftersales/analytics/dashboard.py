"""The dashboard's figures for one organisation, period and filter: plain dicts that the page
draws as charts (Chart.js) and the exports write as tables.

Weekly figures come from the Weekly* rows (rolled up first where missing, analytics.stats); the
message heatmap and the deadlines are grouped in SQL over the period's range."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Sum
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, TruncWeek

from aftersales.analytics import stats
from aftersales.analytics.models import WeeklyCarrier, WeeklyReason, WeeklyShop, WeeklySkuProblem
from aftersales.analytics.review import carrier_names
from aftersales.cases.figures import team_figures
from aftersales.cases.models import Deadline, DeadlineStatus, Message
from aftersales.catalog.models import Shop
from aftersales.domain import review as rules
from aftersales.domain.deadlines import Party
from aftersales.domain.reasons import reason

PERIOD_WEEKS = (4, 8, 12)


@dataclass(frozen=True)
class Filters:
    shop: int | None = None
    platform: str = ""
    weeks: int = PERIOD_WEEKS[0]

    @classmethod
    def from_query(cls, organisation, params) -> "Filters":
        """From a query string; values that do not fit are dropped, not an error (a stale link)."""
        shops = dict(Shop.objects.filter(organisation=organisation).values_list("id", "platform"))
        try:
            shop = int(params.get("shop") or 0) or None
        except ValueError:
            shop = None
        try:
            weeks = int(params.get("weeks") or PERIOD_WEEKS[0])
        except ValueError:
            weeks = PERIOD_WEEKS[0]
        platform = params.get("platform") or ""
        return cls(shop=shop if shop in shops else None,
                   platform=platform if platform in set(shops.values()) else "",
                   weeks=weeks if weeks in PERIOD_WEEKS else PERIOD_WEEKS[0])

    def shop_ids(self, organisation) -> list[int] | None:
        if not self.shop and not self.platform:
            return None
        qs = Shop.objects.filter(organisation=organisation)
        if self.shop:
            qs = qs.filter(pk=self.shop)
        if self.platform:
            qs = qs.filter(platform=self.platform)
        return list(qs.values_list("id", flat=True))


def _lang_zh(lang: str) -> bool:
    return (lang or "").lower().startswith("zh")


def figures(organisation, filters: Filters, now: datetime, lang: str = "en") -> dict:
    zh = _lang_zh(lang)
    tz = ZoneInfo(settings.TIME_ZONE)
    this_monday = rules.monday_of(now.astimezone(tz).date())
    weeks: list[date] = [this_monday - timedelta(weeks=i) for i in range(filters.weeks - 1, -1, -1)]
    stats.ensure_weeks(organisation.pk, weeks, now, fresh=this_monday)
    start, end = stats.week_range(weeks[0])[0], now
    shop_ids = filters.shop_ids(organisation)
    scope = {"organisation_id": organisation.pk, "week__in": weeks}
    if shop_ids is not None:
        scope["shop_id__in"] = shop_ids
    labels = [rules.week_label(w) for w in weeks]

    by_week = {r["week"]: r for r in WeeklyShop.objects.filter(**scope).values("week").annotate(
        orders=Sum("orders"), cases=Sum("cases"), refunds=Sum("refunds"))}
    refund_trend = []
    for w in weeks:
        r = by_week.get(w)
        base = (r["orders"] or r["cases"]) if r else 0
        refund_trend.append(round(100 * r["refunds"] / base, 1) if r and base else 0)

    reasons = [{"reason": r["reason_code"], "label": (lambda x: x.zh if zh else x.en)(reason(r["reason_code"])),
                "cases": r["n"], "refunds": r["refunds"]}
               for r in WeeklyReason.objects.filter(**scope).values("reason_code")
               .annotate(n=Sum("cases"), refunds=Sum("refunds")).order_by("-n", "reason_code")[:10]]

    top_skus = []
    for r in (WeeklySkuProblem.objects.filter(**scope).values("sku_code", "problem").annotate(n=Sum("cases"))
              .order_by("-n", "sku_code", "problem")[:10]):
        pz, pe = rules.problem_label(r["problem"])
        top_skus.append({"sku": r["sku_code"], "problem": r["problem"],
                         "label": f"{r['sku_code']} · {pz if zh else pe}",
                         "cases": r["n"]})

    names = carrier_names()
    carriers = []
    for r in (WeeklyCarrier.objects.filter(organisation_id=organisation.pk, week__in=weeks).values("carrier")
              .annotate(parcels=Sum("parcels"), delayed=Sum("delayed"), lost=Sum("lost"), damaged=Sum("damaged"))
              .order_by("-parcels", "carrier")):
        n = r["parcels"] or 1
        name = names.get(r["carrier"], (r["carrier"], r["carrier"]))[0 if zh else 1]
        carriers.append({**r, "name": name, "delay_pct": round(100 * r["delayed"] / n, 1),
                         "loss_pct": round(100 * r["lost"] / n, 1), "damage_pct": round(100 * r["damaged"] / n, 1)})

    messages = Message.objects.filter(case__organisation=organisation, author="buyer", created_at__gte=start,
                                      created_at__lt=end)
    if shop_ids is not None:
        messages = messages.filter(case__shop_id__in=shop_ids)
    heat = [[0] * 24 for _ in range(7)]
    for r in (messages.annotate(h=ExtractHour("created_at", tzinfo=tz), d=ExtractIsoWeekDay("created_at", tzinfo=tz))
              .values("h", "d").annotate(n=Count("id"))):
        heat[r["d"] - 1][r["h"]] = r["n"]

    team = team_figures(organisation, now=now, days=7 * filters.weeks)
    agents = [{"name": (f.user.get_full_name() or f.user.get_username()) if f.user else "—",
               "answered": f.answered, "closed": f.closed, "breaches": f.breaches,
               "first_response_minutes": round(f.first_response_median.total_seconds() / 60)
               if f.first_response_median else None} for f in team.members]

    deadlines = Deadline.objects.filter(case__organisation=organisation, party=Party.SELLER, closed_at__gte=start,
                                        closed_at__lt=end, status__in=[DeadlineStatus.MET, DeadlineStatus.EXPIRED])
    if shop_ids is not None:
        deadlines = deadlines.filter(case__shop_id__in=shop_ids)
    sla = defaultdict(lambda: {"met": 0, "missed": 0})
    for d in deadlines.annotate(w=TruncWeek("closed_at", tzinfo=tz)).values("w", "status").annotate(n=Count("id")):
        week = d["w"].date() if isinstance(d["w"], datetime) else d["w"]
        sla[week]["met" if d["status"] == DeadlineStatus.MET else "missed"] += d["n"]
    return {
        "weeks": labels, "refund_trend": refund_trend, "reasons": reasons, "top_skus": top_skus,
        "carriers": carriers, "heatmap": heat, "agents": agents,
        "sla": {"met": [sla[w]["met"] for w in weeks], "missed": [sla[w]["missed"] for w in weeks]},
        "cases": sum((r["cases"] or 0) for r in by_week.values()),
    }
