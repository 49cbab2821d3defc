"""The logistics job the worker runs every tick: flag stuck parcels, at most once an interval."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django_tasks import task

from aftersales import clock

INTERVAL = timedelta(minutes=30)


def due(name: str, now: datetime, interval: timedelta) -> bool:
    """True (and the run taken) when job `name` last ran longer than `interval` ago: one conditional
    update, so two workers do not both run it."""
    from aftersales.logistics.models import JobRun

    with transaction.atomic():
        row, created = JobRun.objects.get_or_create(name=name, defaults={"last_run_at": now})
        if created:
            return True
        return JobRun.objects.filter(pk=row.pk, last_run_at__lte=now - interval).update(last_run_at=now) == 1


@task()
def flag_stuck_parcels(now_iso: str | None = None) -> dict:
    from aftersales.logistics.services import flag_stuck

    now = datetime.fromisoformat(now_iso) if now_iso else clock.now()
    if not due("logistics.flag_stuck", now, INTERVAL):
        return {"skipped": True}
    return flag_stuck(now)
