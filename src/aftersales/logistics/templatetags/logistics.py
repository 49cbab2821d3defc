from django import template
from django.utils.translation import get_language

from aftersales import clock
from aftersales.domain import tracking as tr
from aftersales.logistics.models import Parcel

register = template.Library()


@register.inclusion_tag("logistics/partials/case_parcels.html")
def case_parcels(case):
    """The case's parcels (its order's shipments and its returns) with their last scans."""
    zh = (get_language() or "").startswith("zh")
    rows = []
    for p in Parcel.of_case(case).order_by("id").prefetch_related("events")[:5]:
        carrier = tr.carrier(p.carrier)
        zh_label, en_label = tr.STATUS_LABELS.get(tr.Status(p.status), (p.status, p.status))
        verdict = tr.stuck(carrier, tr.Status(p.status), p.last_event_at or p.created_at, clock.now(),
                           tracking_number=p.tracking_number, problem=tr.Problem(p.problem or ""))
        rows.append({"parcel": p, "carrier": (carrier.name_zh if zh else carrier.name_en) if carrier is not tr.OTHER
                     else p.carrier, "status": zh_label if zh else en_label,
                     "events": list(p.events.all())[-3:][::-1], "stuck": bool(p.stuck_since),
                     "suggestion": (verdict.zh if zh else verdict.en) if p.stuck_since else ""})
    return {"parcels": rows}
