"""The analytics job the worker runs every tick: roll up the current week hourly, and on Monday
send each organisation the review of the week that ended."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django_tasks import task

from aftersales import clock

ROLL_UP_EVERY = timedelta(hours=1)


@task()
def weekly_review(now_iso: str | None = None) -> dict:
    from aftersales.accounts.models import Organisation
    from aftersales.analytics import delivery, stats
    from aftersales.domain import review as rules
    from aftersales.logistics.tasks import due

    now = datetime.fromisoformat(now_iso) if now_iso else clock.now()
    if not due("analytics.roll_up", now, ROLL_UP_EVERY):
        return {"skipped": True}
    today = now.astimezone(ZoneInfo(settings.TIME_ZONE)).date()
    this_week = rules.monday_of(today)
    last_week = this_week - timedelta(weeks=1)
    sent = []
    for org in Organisation.objects.order_by("id"):
        stats.roll_up(org.pk, this_week, now)
        # Monday (or the first tick after it): last week's review, once (the outbox row's dedupe key)
        if delivery.send_review(org, last_week, now):
            sent.append(org.slug)
    return {"rolled_up": rules.week_label(this_week), "sent": sent}
