"""The read side of what buyers tell us: the after-sales rating of each shop, and how many
buyers said they were satisfied at the follow-up.  Two GROUP BY queries for all shops."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q

from aftersales.cases.models import FollowUp, Rating
from aftersales.catalog.models import Shop


@dataclass(frozen=True)
class ShopRating:
    shop: Shop
    count: int                                      # ratings in the period
    average: Decimal | None                         # 1.0 - 5.0, one decimal
    stars: dict[int, int] = field(default_factory=dict)   # score -> how many
    answered: int = 0                               # follow-ups answered in the period
    satisfied: int = 0

    @property
    def satisfied_share(self) -> int | None:
        """Percent of the answered follow-ups that said "satisfied"."""
        return round(100 * self.satisfied / self.answered) if self.answered else None


def shop_ratings(organisation, *, since: datetime | None = None, until: datetime | None = None) -> list[ShopRating]:
    """Every shop of `organisation` with its buyers' ratings (Rating.created_at in [since, until))
    and follow-up answers (FollowUp.answered_at in the same period), by shop name."""
    shops = list(Shop.objects.filter(organisation=organisation).order_by("name", "id"))
    when = Q()
    if since is not None:
        when &= Q(created_at__gte=since)
    if until is not None:
        when &= Q(created_at__lt=until)
    # WHERE case.organisation=? AND created_at in the period GROUP BY shop, score
    rows = (Rating.objects.filter(when, case__organisation=organisation).values("case__shop_id", "score")
            .annotate(n=Count("pk")))
    stars: dict[int, dict[int, int]] = {}
    for r in rows:
        stars.setdefault(r["case__shop_id"], {})[r["score"]] = r["n"]
    answered_when = Q(answered_at__isnull=False)
    if since is not None:
        answered_when &= Q(answered_at__gte=since)
    if until is not None:
        answered_when &= Q(answered_at__lt=until)
    answers = {r["case__shop_id"]: r for r in FollowUp.objects.filter(answered_when, case__organisation=organisation)
               .values("case__shop_id").annotate(n=Count("pk"), yes=Count("pk", filter=Q(satisfied=True)))}
    out = []
    for shop in shops:
        dist = stars.get(shop.pk, {})
        total = sum(dist.values())
        average = (Decimal(sum(s * n for s, n in dist.items())) / total).quantize(Decimal("0.1"), ROUND_HALF_UP) \
            if total else None
        a = answers.get(shop.pk, {})
        out.append(ShopRating(shop=shop, count=total, average=average,
                              stars={s: dist.get(s, 0) for s in range(5, 0, -1)},
                              answered=a.get("n", 0), satisfied=a.get("yes", 0)))
    return out
