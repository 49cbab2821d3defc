"""The read side of risk: a case's stored risk, a buyer's profile, and the weekly figures."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Q

from aftersales import clock
from aftersales.domain import risk as rk
from aftersales.risk.models import BuyerLink, BuyerRestriction, BuyerRiskStats, CaseRisk


def weekly_flags(organisation_id: int, start: datetime, end: datetime, shop_ids=None) -> list[dict]:
    """Per shop: cases created in [start, end) scored high / medium, and buyers restricted then
    (distinct people; a restriction counts for the shops where that person has a case).  Used by
    the weekly review (issue 7)."""
    risks = CaseRisk.objects.filter(organisation_id=organisation_id, case_created_at__gte=start,
                                    case_created_at__lt=end)
    if shop_ids is not None:
        risks = risks.filter(shop_id__in=list(shop_ids))
    rows = {r["shop_id"]: {"shop_id": r["shop_id"], "high": r["high"], "medium": r["medium"], "buyers_restricted": 0}
            for r in risks.values("shop_id").annotate(high=Count("id", filter=Q(level="high")),
                                                       medium=Count("id", filter=Q(level="medium")))}
    restricted = (BuyerRestriction.objects.filter(organisation_id=organisation_id, created_at__gte=start,
                                                  created_at__lt=end)
                  .values_list("identity_id", flat=True).distinct())
    by_shop = (BuyerLink.objects.filter(identity_id__in=list(restricted), identity__organisation_id=organisation_id)
               .values("buyer__shop_id").annotate(n=Count("identity_id", distinct=True)))
    for r in by_shop:
        shop_id = r["buyer__shop_id"]
        if shop_ids is not None and shop_id not in set(shop_ids):
            continue
        rows.setdefault(shop_id, {"shop_id": shop_id, "high": 0, "medium": 0, "buyers_restricted": 0})
        rows[shop_id]["buyers_restricted"] = r["n"]
    return [rows[k] for k in sorted(rows)]


def profile(identity) -> dict:
    """A person's figures, as the workbench and the API show them."""
    stats = BuyerRiskStats.objects.filter(identity=identity).first()
    if stats is None:
        return {}
    now = clock.now()
    times = [datetime.fromisoformat(t) for t in stats.recent_requests or []]
    return {
        "identity": identity.pk,
        "shops": sorted({s for s in BuyerLink.objects.filter(identity=identity).values_list("buyer__shop_id", flat=True)}),
        "orders": stats.orders, "spend": stats.spend, "cases": stats.cases,
        "case_rate": round(rk.smoothed_rate(stats.cases, stats.orders), 3),
        "refund_only": stats.refund_only,
        "refund_only_share": round(stats.refund_only / stats.cases, 3) if stats.cases else 0.0,
        "not_received": stats.not_received, "not_received_delivered": stats.not_received_delivered,
        "rejected_inspections": stats.rejected_inspections, "protected_returns": stats.protected_returns,
        "requests_24h": sum(1 for t in times if (now - t).total_seconds() <= 86400),
        "requests_7d": sum(1 for t in times if (now - t).total_seconds() <= 7 * 86400),
        "delivery_to_request_hours": round(stats.delivery_to_request_hours, 1)
        if stats.delivery_to_request_hours is not None else None,
    }


def restrictions_of(identity_id, now=None):
    now = now or clock.now()
    return list(BuyerRestriction.objects.filter(identity_id=identity_id).order_by("-created_at")[:20]), now
