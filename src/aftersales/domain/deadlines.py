"""Deadlines: the kinds, who must act, what a timeout does, and the clock arithmetic.

INTERFACE FIXED; the calendar arithmetic below is to be completed (see TODOs).
Pure Python plus the `chinese_calendar` and `holidays` packages; no Django import.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta


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
    raise NotImplementedError


def add_business_days(start: datetime, days: int, calendar: str, tz: str,
                      extra_holidays: frozenset[date] = frozenset()) -> Due:
    """`days` working days after `start` in `calendar` ("CN" via chinese_calendar, else an ISO
    country code for the `holidays` package), counted in the shop's time zone `tz`, keeping the
    time of day.  Past chinese_calendar's tables: weekends plus `extra_holidays`, said in `note`."""
    raise NotImplementedError
