"""The JSON API of logistics and learning: a case's parcels with their carrier scans, and the weekly
review as data (what the page, the PDF and the owner's e-mail show)."""

from __future__ import annotations

from datetime import datetime, timedelta

from ninja import Path, Query, Router, Schema

from aftersales import clock
from aftersales.analytics.review import weekly_review
from aftersales.api.auth import caller
from aftersales.api.schemas import MAX_ID
from aftersales.accounts.models import Role
from aftersales.cases import services as case_services
from aftersales.catalog.models import Shop
from aftersales.domain import review as rules
from aftersales.errors import PermissionDenied, ValidationFailed
from aftersales.logistics.models import Parcel

router = Router(tags=["logistics and learning"])
REVIEW_ROLES = frozenset({Role.OWNER, Role.SUPERVISOR})
MAX_EVENTS = 200


class ScanOut(Schema):
    occurred_at: datetime
    status: str
    problem: str
    location: str
    description: str
    source: str


class ParcelOut(Schema):
    id: int
    carrier: str
    tracking_number: str
    direction: str
    status: str
    problem: str
    last_event_at: datetime | None
    delivered_at: datetime | None
    stuck_since: datetime | None
    stuck_action: str
    events: list[ScanOut]


@router.get("/cases/{case_id}/parcels", response=list[ParcelOut],
            summary="A case's parcels (its order's shipments and its returns) with every carrier scan")
def case_parcels(request, case_id: int = Path(..., ge=1, le=MAX_ID)):
    case = case_services.get_case(caller(request).organisation, case_id)
    out = []
    for p in Parcel.of_case(case).order_by("id").prefetch_related("events"):
        out.append({"id": p.pk, "carrier": p.carrier, "tracking_number": p.tracking_number, "direction": p.direction,
                    "status": p.status, "problem": p.problem, "last_event_at": p.last_event_at,
                    "delivered_at": p.delivered_at, "stuck_since": p.stuck_since, "stuck_action": p.stuck_action,
                    "events": [{"occurred_at": e.occurred_at, "status": e.status, "problem": e.problem,
                                "location": e.location, "description": e.description, "source": e.source}
                               for e in list(p.events.all())[:MAX_EVENTS]]})
    return out


@router.get("/review", response=dict,
            summary="The weekly review (owners and supervisors): SKU problems, carriers, shops, risk flags, alerts")
def review(request, week: str = Query("", description="ISO week YYYY-Www; empty: last week"),
           shop: int | None = Query(None, ge=1, le=MAX_ID, description="one shop only")):
    who = caller(request)
    if who.role not in REVIEW_ROLES:
        raise PermissionDenied("only owners and supervisors read the weekly review",
                               message_zh="仅店主和主管可以查看售后周报")
    now = clock.now()
    if week:
        try:
            monday = rules.iso_week(week)
        except ValueError:
            raise ValidationFailed.field("week", "expected an ISO week such as 2026-W47") from None
    else:
        monday = rules.monday_of((now - timedelta(days=7)).date())
    shop_ids = None
    if shop is not None:
        if not Shop.objects.filter(organisation=who.organisation, pk=shop).exists():
            raise ValidationFailed.field("shop", "no such shop in this organisation")
        shop_ids = [shop]
    return weekly_review(who.organisation, monday, now, shop_ids=shop_ids)
