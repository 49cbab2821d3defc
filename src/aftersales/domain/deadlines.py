"""Deadlines: the kinds, who must act, what a timeout does, and the clock arithmetic.

INTERFACE FIXED.  Pure Python plus the `chinese_calendar` and `holidays` packages; no Django import.

Two clocks:

* natural: elapsed time.  Platform timers ("48 h", "7 days") are elapsed time, so the
  addition is done in UTC, where a daylight-saving change cannot stretch or shrink it.
* business days: whole working days of the shop's calendar, counted in the shop's time zone,
  keeping the wall-clock time of day.  The usual SLA convention decides where the clock starts:
  - a start on a working day counts from that moment: 1 business day after Friday 10:00 is
    the next working day (Monday, or a make-up Saturday) at 10:00;
  - a start on a non-working day (weekend, holiday) starts the clock at 00:00 of the next
    working day, so N business days end at midnight after the N-th working day counting that
    one: a request on Saturday with 1 business day is due at the end of Monday (Tuesday 00:00).
  `extra_holidays` (settings: next year's Chinese holidays before the package has them) are
  CN days off, inside and past the tables; other calendars ignore them.

Both functions return UTC datetimes (the deadline row stores UTC) and refuse naive ones.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import chinese_calendar
import holidays as holiday_tables


class DeadlineKind(enum.StrEnum):
    SELLER_REVIEW = "seller_review"
    SELLER_RECEIPT_REVIEW = "seller_receipt_review"
    SELLER_RESHIP = "seller_reship"
    SELLER_EVIDENCE = "seller_evidence"
    SELLER_REFUND_ISSUE = "seller_refund_issue"
    BUYER_SHIP_RETURN = "buyer_ship_return"
    BUYER_ESCALATE = "buyer_escalate"
    BUYER_RESPOND = "buyer_respond"
    BUYER_CONFIRM_RECEIPT = "buyer_confirm_receipt"
    FIRST_REPLY = "first_reply"          # shop service promise


class DeadlineSource(enum.StrEnum):
    PLATFORM = "platform"   # the platform sent it: the truth
    COMPUTED = "computed"   # our fallback from the profile's default duration
    POLICY = "policy"       # the shop's own service promise
    MANUAL = "manual"


class Clock(enum.StrEnum):
    NATURAL = "natural"            # wall-clock hours/days
    BUSINESS_DAYS = "business_days"  # working days of the shop's calendar


class TimeoutOutcome(enum.StrEnum):
    AUTO_APPROVE = "auto_approve"
    AUTO_REFUND = "auto_refund"
    AUTO_CONFIRM_RECEIPT = "auto_confirm_receipt"
    AUTO_CONFIRM_DELIVERY = "auto_confirm_delivery"
    AUTO_CLOSE = "auto_close"
    PLATFORM_DECIDES = "platform_decides"
    BREACH_ONLY = "breach_only"     # a service promise: nothing happens but the breach is counted


class Party(enum.StrEnum):
    SELLER = "seller"
    BUYER = "buyer"
    PLATFORM = "platform"


@dataclass(frozen=True)
class Due:
    """A computed due time and how it was computed (for the deadline record)."""

    at: datetime           # timezone-aware
    note: str = ""         # e.g. "business days past 2026: weekends + settings holidays"


def add_natural(start: datetime, duration: timedelta) -> Due:
    """`duration` of elapsed time after `start` (aware), in UTC."""
    _require_aware(start)
    return Due(start.astimezone(UTC) + duration)


def add_business_days(start: datetime, days: int, calendar: str, tz: str,
                      extra_holidays: frozenset[date] = frozenset()) -> Due:
    """`days` working days after `start` in `calendar` ("CN" via chinese_calendar, else an ISO
    country code for the `holidays` package), counted in the shop's time zone `tz`, keeping the
    time of day.  Past chinese_calendar's tables: weekends plus `extra_holidays`, said in `note`."""
    _require_aware(start)
    if days < 0:
        raise ValueError(f"business days must not be negative, got {days}")
    zone = ZoneInfo(tz)
    local = start.astimezone(zone)
    cal = _WorkingDays(calendar, extra_holidays)
    notes = []
    day = local.date()
    if cal.is_working(day):
        for _ in range(days):
            day = cal.next_working(day)
        at = _at_local(day, local.time(), zone)
    else:
        first = cal.next_working(day)
        notes.append(f"started on a non-working day: clock starts {first.isoformat()} 00:00")
        if days == 0:
            at = _at_local(first, time(0), zone)
        else:
            last = first
            for _ in range(days - 1):
                last = cal.next_working(last)
            # the end of the last working day is the midnight that follows it
            at = _at_local(last + timedelta(days=1), time(0), zone)
    if cal.fallback_years:
        years = ", ".join(str(y) for y in sorted(cal.fallback_years))
        notes.append(f"no CN holiday table for {years}: weekends and extra holidays only")
    return Due(at, "; ".join(notes))


# A run of non-working days longer than this means a misconfigured calendar (e.g. a whole
# year in extra_holidays); the longest real one (Spring Festival with weekends) is ~10 days.
_MAX_GAP_DAYS = 60


class _WorkingDays:
    """Is a date a working day in one calendar; remembers the years it had to guess."""

    def __init__(self, calendar: str, extra_holidays: frozenset[date]):
        self.code = calendar.strip().upper()
        self.extra = frozenset(extra_holidays)
        self.fallback_years: set[int] = set()
        if self.code != "CN" and self.code not in holiday_tables.list_supported_countries():
            raise ValueError(f"unknown business-day calendar {calendar!r}: use CN or an ISO country code")

    def is_working(self, day: date) -> bool:
        if self.code == "CN":
            if day in self.extra:
                return False
            try:
                # knows make-up working weekends (调休) as well as holidays
                return chinese_calendar.is_workday(day)
            except NotImplementedError:
                # outside 2004-2026 the package has no table: guess, and say so in the note
                self.fallback_years.add(day.year)
                return day.weekday() < 5
        # other calendars: Saturday and Sunday off, plus the country's public holidays
        return day.weekday() < 5 and day not in _public_holidays(self.code, day.year)

    def next_working(self, day: date) -> date:
        for _ in range(_MAX_GAP_DAYS):
            day += timedelta(days=1)
            if self.is_working(day):
                return day
        raise ValueError(f"calendar {self.code}: no working day in {_MAX_GAP_DAYS} days after {day}")


@lru_cache(maxsize=64)
def _public_holidays(country: str, year: int) -> frozenset[date]:
    # built once per country and year: the package computes a year's table on each build
    return frozenset(holiday_tables.country_holidays(country, years=year))


def _at_local(day: date, time_of_day: time, zone: ZoneInfo) -> datetime:
    # A wall-clock time that a daylight-saving jump skips resolves to the same instant
    # an hour later, which is what a person reading the local clock would expect.
    return datetime.combine(day, time_of_day, tzinfo=zone).astimezone(UTC)


def _require_aware(start: datetime) -> None:
    if start.tzinfo is None or start.utcoffset() is None:
        raise ValueError("deadline arithmetic needs an aware datetime (naive given)")
