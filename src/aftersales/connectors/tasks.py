"""The connectors' jobs (django-tasks): processing received events, and the periodic sync."""

from __future__ import annotations

from django_tasks import task

from aftersales import clock


@task()
def process_events(ids: list[int]) -> dict:
    from aftersales.connectors.ingest import process

    return process(ids)


@task()
def sync_due() -> dict:
    """Every worker tick: pull the shops that are due, and try again the events that wait (or
    whose processing was lost with a crashed worker: their lease ran out)."""
    from aftersales.connectors import ingest, sync
    from aftersales.connectors.models import EventStatus, InboundEvent

    now = clock.now()
    pulls = {str(conn): sync.pull(conn, now).outcome for conn in sync.due_connections(now)}
    again = list(InboundEvent.objects.filter(status__in=[EventStatus.PENDING, EventStatus.WAITING],
                                             next_attempt_at__lte=now).order_by("next_attempt_at")
                 .values_list("pk", flat=True)[:500])
    return {"pulls": pulls, "retried": ingest.process(again)}
