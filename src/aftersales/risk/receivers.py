"""Re-scoring on facts (cases.signals) and on case creation (cases.scoring.CASE_CREATED).

Idempotent (a fact sent twice re-scores to the same result) and never failing the sender: an error
is logged, the committed change stays.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.dispatch import receiver

from aftersales import clock
from aftersales.cases.signals import facts_changed
from aftersales.risk import services

log = logging.getLogger(__name__)
KINDS = ("message", "inspection", "tracking", "evidence")


def case_created(case, now) -> None:
    services.case_created(case, now)


@receiver(facts_changed, dispatch_uid="risk.rescore")
def on_facts(sender, organisation_id, case_ids, data, **kwargs):
    if sender not in KINDS:
        return
    now = clock.now()
    from aftersales.cases.models import Case

    for case_id in Case.objects.filter(organisation_id=organisation_id, pk__in=case_ids).values_list("pk", flat=True):
        try:
            with transaction.atomic():
                services.refresh_facts(case_id, sender, data or {}, now)
        except Exception:   # noqa: BLE001 - never fail the sender
            log.exception("risk: re-scoring case %s on %s failed", case_id, sender)
