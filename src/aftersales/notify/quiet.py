"""Quiet hours: a message to a buyer on a quiet channel that falls due between, say, 22:00 and
08:00 in the shop's time zone waits until 08:00.  The shop's own `QuietHours` row wins; without
one the installation's defaults apply (settings QUIET_HOURS, QUIET_CHANNELS)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist


def parse_span(text: str) -> tuple[time, time] | None:
    """"22:00-08:00" -> (22:00, 08:00); "" or "off" -> None.  ValueError on anything else."""
    text = (text or "").strip().lower()
    if text in ("", "off", "none"):
        return None
    start, sep, end = text.partition("-")
    if not sep:
        raise ValueError(f"{text!r}: expected HH:MM-HH:MM")
    a, b = time.fromisoformat(start.strip()), time.fromisoformat(end.strip())
    if a == b:
        raise ValueError(f"{text!r}: the start and the end are the same time")
    return a, b


def quiet_end(local: datetime, starts: time, ends: time) -> datetime | None:
    """When the quiet time that `local` (aware, in the shop's zone) falls in ends, or None when
    `local` is not in quiet time.  The span may cross midnight (22:00-08:00)."""
    t = local.time().replace(tzinfo=None)
    day = local.date()
    if starts < ends:
        inside, end_day = starts <= t < ends, day
    else:
        inside = t >= starts or t < ends
        end_day = day + timedelta(days=1) if t >= starts else day
    if not inside:
        return None
    return datetime.combine(end_day, ends, tzinfo=local.tzinfo)


def rules_for(shop) -> tuple[tuple[time, time] | None, frozenset[str]]:
    """(the quiet span, the channels it applies to) of `shop`."""
    try:
        row = shop.quiet_hours if shop is not None else None
    except ObjectDoesNotExist:   # no row of its own
        row = None
    if row is not None:
        span = (row.starts, row.ends) if row.starts is not None and row.ends is not None else None
        return span, frozenset(row.channels or ())
    return settings.QUIET_HOURS, frozenset(settings.QUIET_CHANNELS)


def deferred_until(shop, channel: str, now: datetime) -> datetime | None:
    """The moment a message on `channel` for `shop`'s buyer may go out, when it may not now."""
    if shop is None:
        return None
    span, channels = rules_for(shop)
    if span is None or channel not in channels:
        return None
    end = quiet_end(now.astimezone(ZoneInfo(shop.time_zone)), *span)
    return end.astimezone(now.tzinfo) if end is not None else None
