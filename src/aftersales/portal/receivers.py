"""The buyer hears of what other parts of the system learn: a return parcel delivered to the
shop, a parcel in trouble on its way (the "tracking" fact of the logistics app, cases/signals.py).

Facts may come twice; each message has a dedupe key, so the buyer is told once.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.dispatch import receiver

from aftersales import clock
from aftersales.cases.models import Case
from aftersales.cases.signals import facts_changed
from aftersales.notify.outbox import buyer_recipient, enqueue

log = logging.getLogger(__name__)


@receiver(facts_changed, dispatch_uid="portal.tracking")
def on_tracking(sender, organisation_id, case_ids, data, **kwargs):
    if sender != "tracking":
        return
    status, parcel = data.get("status"), data.get("parcel")
    if (parcel, status) == ("return", "delivered"):
        topic, kind = "buyer.parcel_received", ""
    elif status in ("exception", "returned") and parcel == "outbound":
        topic, kind = "buyer.delay", "delivery"
    else:
        return
    now = clock.now()
    try:
        with transaction.atomic():
            for case in Case.objects.filter(organisation_id=organisation_id, pk__in=case_ids, is_open=True
                                            ).select_related("buyer", "shop"):
                channel, to = buyer_recipient(case.buyer)
                enqueue(case, topic, channel, {"case": case.pk, "kind": kind, "parcel": parcel}, now, to,
                        dedupe_key=f"{topic}:{case.pk}:{parcel}:{status}")
    except Exception:   # a receiver must not undo what was committed; the fact is logged
        log.exception("portal: could not tell the buyer of tracking %s for cases %s", data, case_ids)
