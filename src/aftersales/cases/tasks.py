"""Background jobs (django-tasks): the database queue by default, RQ on Redis at scale."""

from __future__ import annotations

from datetime import datetime

from django_tasks import task

from aftersales.cases.sweep import sweep
from aftersales.notify.delivery import deliver_due


@task()
def sweep_deadlines(now_iso: str | None = None) -> dict:
    return sweep(datetime.fromisoformat(now_iso) if now_iso else None).as_dict()


@task()
def deliver_outbox() -> dict:
    return deliver_due()


# More tasks the worker enqueues on every tick, beside the two above: other apps add theirs with
# every_tick() from their AppConfig.ready (the connectors' scheduled pulls, the stuck-parcel check,
# the weekly review, the assistance's retraining).  Each must be cheap when nothing is due.
PERIODIC: list = []


def every_tick(task) -> None:
    """Have the worker enqueue `task` on every tick; registering it again changes nothing."""
    if task not in PERIODIC:
        PERIODIC.append(task)
