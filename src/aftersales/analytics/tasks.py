"""The analytics job the worker runs every tick: roll up the weeks whose cases still move, hourly,
and on Monday (the first run after the week ended) send each organisation the review of that week."""

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
        # the weeks whose cases still move: this one, and those not yet final
        for monday in (this_week, *(this_week - timedelta(weeks=i) for i in (1, 2))):
            if monday == this_week or stats.week_range(monday)[1] + stats.FINAL_AFTER > now:
                stats.roll_up(org.pk, monday, now)
        # Monday (or the first tick after it): last week's review, once (the outbox row's dedupe key)
        if delivery.send_review(org, last_week, now):
            sent.append(org.slug)
    return {"rolled_up": rules.week_label(this_week), "sent": sent}
