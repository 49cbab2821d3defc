"""The carrier's scans in the dispute pack of the risk app (risk/pack.py SECTIONS): every tracking
event of the case's outbound and return parcels, oldest first, so the platform sees when the parcel
was signed for, or where it stopped."""

from __future__ import annotations

from aftersales.logistics.models import Direction, Parcel, TrackingEvent

MAX_ROWS = 500


def tracking_events_section(case):
    from aftersales.risk.pack import Section, _t

    events = list(TrackingEvent.objects.filter(parcel__in=Parcel.of_case(case)).select_related("parcel")
                  .order_by("occurred_at", "pk")[:MAX_ROWS])
    if not events:
        return None
    way = {Direction.OUTBOUND: "发货 outbound", Direction.RETURN: "退货 return"}
    rows = [[_t(e.occurred_at), way.get(e.parcel.direction, e.parcel.direction), e.parcel.tracking_number,
             e.status + (f" ({e.problem})" if e.problem else ""), e.location, e.description] for e in events]
    return Section("tracking_events", "物流轨迹", "Carrier tracking events",
                   ["时间 Time", "方向 Way", "单号 Number", "状态 Status", "地点 Place", "说明 Details"], rows)
