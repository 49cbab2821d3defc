"""What the queue shows of a case, computed once in Python so that templates only lay it out:
labels in the active language, the countdown to the nearest deadline and whether it is red, the
channel's colour, whether the viewer may claim the case.

Times: a case's deadline is shown in its *shop's* time zone (the platform's rules count in the
shop's local days), with the zone's abbreviation when it differs from the server's TIME_ZONE.
The countdown itself is relative and needs no zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from aftersales.cases import explain as ex
from aftersales.cases import queries
from aftersales.cases.models import Case
from aftersales.cases.permissions import Who, may_assign
from aftersales.domain.platforms import PROFILES
from aftersales.domain.reasons import REASONS, reason

# What a queue row loads: the API's list fields, and the assignee, the reason text and the shop's
# zone and channel colours (one join each, no query per row).
ROW_RELATED = ("shop", "buyer", "order", "assignee")
ROW_FIELDS = queries.LIST_FIELDS + (
    "reason_text", "shop__platform", "shop__time_zone", "shop__channel_colours",
    "assignee_id", "assignee__id", "assignee__username", "assignee__first_name", "assignee__last_name",
)

# (zh, en) currency symbols; other currencies are written "12.00 EUR".
CURRENCY_SYMBOLS = {"CNY": ("¥", "CN¥"), "USD": ("US$", "$"), "HKD": ("HK$", "HK$"), "EUR": ("€", "€"),
                    "GBP": ("£", "£"), "JPY": ("JP¥", "JP¥")}


def money(amount, currency: str) -> str:
    """`amount` in the active language's number format, with the currency's symbol."""
    if amount is None:
        return ""
    number = formats.number_format(Decimal(amount), 2, use_l10n=True, force_grouping=True)
    symbols = CURRENCY_SYMBOLS.get((currency or "").upper())
    return f"{ex.in_language(*symbols)}{number}" if symbols else f"{number} {currency}"


def span(td: timedelta) -> str:
    """'2 d 3 h', '3 h 20 min', '3 h', '20 min' (rounded down), in the active language."""
    minutes = int(abs(td).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    if hours and mins:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": mins}
    if hours:
        return _("%(hours)d h") % {"hours": hours}
    return _("%(minutes)d min") % {"minutes": mins}


def countdown(due_at: datetime | None, now: datetime) -> str:
    """Time left to `due_at`, or how long it is overdue ("3 h 20 min", "overdue 2 h")."""
    if due_at is None:
        return ""
    left = due_at - now
    if left > timedelta(0):
        return span(left)
    if left > -timedelta(minutes=1):
        return _("due now")
    # Overdue: the minutes no longer matter once it is hours late.
    late = -left
    if late >= timedelta(hours=1):
        late = timedelta(hours=late // timedelta(hours=1))
    return _("overdue %(time)s") % {"time": span(late)}


def due_level(due_at: datetime | None, now: datetime, warn_before: timedelta) -> str:
    """"overdue", "soon" (under the platform's warning time: the row turns red) or ""."""
    if due_at is None:
        return ""
    if due_at <= now:
        return "overdue"
    return "soon" if due_at - now < warn_before else ""


def shop_time(value: datetime | None, tz_name: str) -> tuple[str, str]:
    """(`value` as "11月20日 18:00" / "Nov. 20 6 p.m." in the shop's zone, the zone's abbreviation
    when it is not the server's, else "")."""
    if value is None:
        return "", ""
    try:
        zone = ZoneInfo(tz_name)
    except (KeyError, ValueError):
        zone = ZoneInfo(settings.TIME_ZONE)
    local = value.astimezone(zone)
    text = f"{formats.date_format(local, 'MONTH_DAY_FORMAT')} {formats.time_format(local, 'TIME_FORMAT')}"
    return text, ("" if tz_name == settings.TIME_ZONE else local.strftime("%Z"))


def person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


@dataclass(frozen=True)
class QueueRow:
    case: Case
    number: str
    url: str
    shop_name: str
    platform_label: str
    buyer_name: str
    buyer_id: str
    vip: bool
    urgent: bool
    type_label: str
    problem_label: str
    problem_detail: str
    amount: str
    state_label: str
    due_text: str
    due_level: str
    due_at_text: str
    due_zone: str
    channel_label: str
    channel_colour: str
    assignee: str
    mine: bool
    may_claim: bool


def problem(case: Case) -> tuple[str, str]:
    """(the problem type: the case's own when set, else the reason's category; the reason in full)."""
    r = reason(case.reason_code or "other")
    top = REASONS.get(r.parent, r)
    detail = ex.in_language(r.zh, r.en)
    if case.reason_text:
        detail = f"{detail}: {case.reason_text}"
    return (case.problem_type or ex.in_language(top.zh, top.en)), detail


def queue_row(case: Case, now: datetime, who: Who) -> QueueRow:
    shop = case.shop
    profile = PROFILES.get(case.platform)
    warn_before = profile.warn_before if profile else timedelta(hours=12)
    due_at_text, due_zone = shop_time(case.next_due_at, shop.time_zone)
    problem_label, problem_detail = problem(case)
    user_id = getattr(who.user, "pk", None)
    return QueueRow(
        case=case, number=case.number, url=reverse("web:case", args=[case.pk]),
        shop_name=shop.name, platform_label=ex.in_language(profile.name_zh, profile.name_en) if profile else case.platform,
        buyer_name=case.buyer.name or case.buyer.external_id, buyer_id=case.buyer.external_id, vip=case.vip,
        urgent=case.urgent, type_label=case.get_case_type_display(), problem_label=problem_label,
        problem_detail=problem_detail,
        amount=money(case.approved_amount if case.approved_amount is not None else case.requested_amount,
                     case.currency),
        state_label=case.get_state_display(), due_text=countdown(case.next_due_at, now),
        due_level=due_level(case.next_due_at, now, warn_before), due_at_text=due_at_text, due_zone=due_zone,
        channel_label=case.get_channel_display(), channel_colour=shop.channel_colour(case.channel),
        assignee=person(case.assignee) if case.assignee_id else "",
        mine=user_id is not None and case.assignee_id == user_id,
        may_claim=case.is_open and case.assignee_id != user_id and may_assign(who, case.assignee_id, who.user),
    )


def queue_page(organisation, query: queries.QueueQuery, who: Who, now: datetime) -> tuple[list[QueueRow], str | None]:
    cases, cursor = queries.page(organisation, query, related=ROW_RELATED, fields=ROW_FIELDS)
    return [queue_row(c, now, who) for c in cases], cursor


def one_row(organisation, case_id: int, who: Who, now: datetime) -> QueueRow | None:
    case = (queries.filtered(organisation, queries.QueueQuery(open="all")).filter(pk=case_id)
            .select_related(*ROW_RELATED).only(*ROW_FIELDS).first())
    return queue_row(case, now, who) if case else None
