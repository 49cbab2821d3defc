"""The scheduled pull: each shop's changes since its cursor, a page at a time.

A run claims the connection with a conditional update (a lease, so two workers never pull the
same shop), fixes its window [cursor_until, now - lag) and walks the platform's pages.  After
each page the events are stored and the page token saved in one transaction, so a run that
crashes resumes at the page it was on once the lease runs out; events seen twice change nothing
(their ids are the platform's record id and update time).  A 429 (or the platform's own "call
limit" answer) backs off: the wait doubles up to an hour, or follows Retry-After, and the window
is kept for the next try.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q

from aftersales import clock
from aftersales.connectors import ingest
from aftersales.connectors.base import PlatformError, RateLimited
from aftersales.connectors.clients import client_for
from aftersales.connectors.models import Connection, InboundEvent
from aftersales.connectors.platforms import CONNECTORS

log = logging.getLogger("aftersales.connectors.sync")
LEASE = timedelta(minutes=10)
LAG = timedelta(seconds=30)            # the platform's index may trail its writes
OVERLAP = timedelta(seconds=5)         # re-read the window's edge; duplicates change nothing
FIRST_LOOKBACK = timedelta(days=1)     # a new connection starts a day back
MAX_PAGES = 20                         # per run; the rest continues at the next tick
MIN_BACKOFF, MAX_BACKOFF = 30, 3600


@dataclass
class PullReport:
    outcome: str                       # "done" | "more" | "rate_limited" | "error" | "busy"
    pages: int = 0
    events: int = 0
    new: int = 0
    processed: dict = field(default_factory=dict)
    wait_seconds: int = 0


def claim(conn_id: int, now: datetime) -> bool:
    return Connection.objects.filter(
        Q(pulling_until__isnull=True) | Q(pulling_until__lt=now), pk=conn_id, active=True,
    ).update(pulling_until=now + LEASE) == 1


def pull(conn: Connection, now: datetime | None = None, max_pages: int = MAX_PAGES) -> PullReport:
    now = now or clock.now()
    if not claim(conn.pk, now):
        return PullReport("busy")
    conn.refresh_from_db()
    connector = CONNECTORS[conn.platform]
    client = client_for(conn)
    if conn.cursor_window_end is None:
        Connection.objects.filter(pk=conn.pk).update(cursor_window_end=now - LAG, cursor_page="")
        conn.cursor_window_end, conn.cursor_page = now - LAG, ""
    since = (conn.cursor_until or now - FIRST_LOOKBACK) - OVERLAP
    report = PullReport("more")
    while report.pages < max_pages:
        request = connector.pull_request(since, conn.cursor_window_end, conn.cursor_page)
        try:
            answer = client.call(request, purpose="pull")
        except PlatformError as exc:
            return _back_off(conn, now, exc, report)
        page = connector.parse_page(answer, conn.remote_shop_id)
        received = clock.now()
        rows = [InboundEvent(organisation_id=conn.organisation_id, connection=conn, event_id=e.event_id[:200],
                             kind=e.kind, subject=e.subject[:120], occurred_at=e.occurred_at, payload=e.payload,
                             source="pull", received_at=received, next_attempt_at=received + ingest.LEASE)
                for e in page.events]
        with transaction.atomic():
            new_ids = ingest.store(rows)
            Connection.objects.filter(pk=conn.pk).update(cursor_page=page.next_token)
        conn.cursor_page = page.next_token
        report.pages += 1
        report.events += len(rows)
        report.new += len(new_ids)
        for status, n in ingest.process(new_ids).items():
            report.processed[status] = report.processed.get(status, 0) + n
        if not page.next_token:
            Connection.objects.filter(pk=conn.pk).update(
                cursor_until=conn.cursor_window_end, cursor_window_end=None, cursor_page="", backoff_seconds=0,
                last_pull_at=now, last_pull_error="", pulling_until=None,
                next_pull_at=now + timedelta(seconds=conn.pull_interval))
            report.outcome = "done"
            return report
    # pages left: keep the window and the page token, carry on at the next tick
    Connection.objects.filter(pk=conn.pk).update(pulling_until=None, next_pull_at=now, last_pull_at=now)
    return report


def _back_off(conn: Connection, now: datetime, exc: PlatformError, report: PullReport) -> PullReport:
    wait = max(MIN_BACKOFF, min(MAX_BACKOFF, (conn.backoff_seconds or MIN_BACKOFF // 2) * 2))
    if isinstance(exc, RateLimited) and exc.retry_after:
        wait = max(int(exc.retry_after), MIN_BACKOFF // 30)
    Connection.objects.filter(pk=conn.pk).update(
        backoff_seconds=wait, next_pull_at=now + timedelta(seconds=wait), pulling_until=None,
        last_pull_error=str(exc)[:2000])
    log.warning("pull of %s stopped: %s; next try in %s s", conn, exc, wait)
    report.outcome, report.wait_seconds = ("rate_limited" if isinstance(exc, RateLimited) else "error"), wait
    return report


def due_connections(now: datetime) -> list[Connection]:
    return list(Connection.objects.filter(active=True, next_pull_at__lte=now).filter(
        Q(pulling_until__isnull=True) | Q(pulling_until__lt=now)).select_related("shop")[:50])
