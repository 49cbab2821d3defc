"""The case queue: filters, three sort orders and keyset pagination.

Built for a million cases: no COUNT(*), no OFFSET.  Each page continues after the last row of
the previous one (`WHERE (priority, id) < (p, i)`), which the partial indexes of
cases.models (case_queue_idx, case_queue_shop_idx, case_state_idx, case_due_idx) serve in
order, so page 400 costs what page 1 costs.  The cursor is opaque to clients: base64 of the
sort name, the last row's sort key and its id.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from datetime import datetime
from typing import Annotated, Literal

from django.db.models import F, Q, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleLessThan
from ninja import Schema
from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field, field_validator

from aftersales.api.schemas import MAX_ID, in_range, no_nul
from aftersales.cases.models import Case
from aftersales.catalog.models import Shop
from aftersales.domain import lifecycle as lc
from aftersales.domain.platforms import PROFILES
from aftersales.domain.priority import Band
from aftersales.errors import ValidationFailed
from aftersales.orders.models import Order

_NUMBER = re.compile(r"^(?:AS)?0*(\d{1,18})$", re.IGNORECASE)
# What a list row needs; the rest of the case (payload, policy result) stays in the database.
LIST_FIELDS = (
    "id", "shop_id", "shop__id", "shop__name", "buyer_id", "buyer__id", "buyer__external_id", "buyer__name",
    "order_id", "order__id", "order__external_id", "platform", "platform_case_id", "case_type", "route",
    "reason_code", "problem_type", "channel", "state", "is_open", "refund_state", "return_state",
    "arbitration_state", "currency", "requested_amount", "approved_amount", "urgent", "vip", "priority",
    "priority_band", "next_due_at", "created_at", "updated_at", "version",
)


def _plus_in_offset(value):
    # An unencoded "+08:00" in a query string arrives as " 08:00"; read it as meant.
    if isinstance(value, str):
        return re.sub(r" (\d{2}:?\d{2})$", r"+\1", value.strip())
    return value


class QueueFilters(Schema):
    shop: Annotated[int, Field(ge=1, le=MAX_ID)] | None = None
    platform: str | None = Field(None, description=f"one of {', '.join(sorted(PROFILES))}")
    state: list[str] = Field(default_factory=list, description="repeat the parameter or separate with commas")
    type: lc.CaseType | None = None
    problem_type: Annotated[str, Field(max_length=40), AfterValidator(no_nul)] | None = None
    priority_band: Band | None = None
    deadline_before: Annotated[AwareDatetime, BeforeValidator(_plus_in_offset), AfterValidator(in_range)] | None = Field(
        None, description="cases whose nearest seller deadline is before this time (ISO 8601 with offset)")
    open: Literal["true", "false", "all"] = Field("true", description="true: open cases; false: finished; all")
    q: Annotated[str, Field(max_length=100), AfterValidator(no_nul)] | None = Field(
        None, description="case number, order number or platform case id")
    sort: Literal["priority", "due", "created"] = "priority"
    cursor: Annotated[str, Field(max_length=500)] | None = None
    limit: int = Field(25, ge=1, le=100)

    @field_validator("platform")
    @classmethod
    def known_platform(cls, value):
        if value is not None and value not in PROFILES:
            raise ValueError(f"one of {', '.join(sorted(PROFILES))}")
        return value

    @field_validator("state")
    @classmethod
    def known_states(cls, value: list[str]) -> list[str]:
        states = [s.strip() for item in value for s in item.split(",") if s.strip()]
        unknown = [s for s in states if s not in lc.CaseState.__members__.values()]
        if unknown:
            raise ValueError(f"unknown state {', '.join(unknown)}; one of {', '.join(lc.CaseState)}")
        return list(dict.fromkeys(states))


# --------------------------------------------------------------------------------------------
# The cursor

def encode_cursor(sort: str, case: Case) -> str:
    key = {"priority": lambda: case.priority,
           "due": lambda: case.next_due_at.isoformat() if case.next_due_at else None,
           "created": lambda: case.created_at.isoformat()}[sort]()
    raw = json.dumps([sort, key, case.pk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(sort: str, cursor: str):
    """(key, id) of the last row seen, or a 422 on the `cursor` field."""
    bad = ValidationFailed("the cursor is not valid for this list; start again without it",
                           fields={"cursor": ["not a cursor from this list"]},
                           message_zh="分页游标无效，请去掉 cursor 重新开始")
    try:
        raw = base64.b64decode(cursor + "=" * (-len(cursor) % 4), altchars=b"-_", validate=True)
        got_sort, key, last_id = json.loads(raw)
    except (binascii.Error, ValueError, TypeError):
        raise bad from None
    if got_sort != sort or type(last_id) is not int or not 1 <= last_id <= MAX_ID:
        raise bad
    if sort == "priority":
        if type(key) is not int or abs(key) > 2**31:
            raise bad
        return key, last_id
    if key is None and sort == "due":
        return None, last_id
    try:
        at = in_range(datetime.fromisoformat(key))
    except (TypeError, ValueError):
        raise bad from None
    return at, last_id


# --------------------------------------------------------------------------------------------
# The query

def _search(organisation, q: str) -> Q:
    """A case number (AS00000042 or 42), an order number, or a platform case id."""
    shop_ids = list(Shop.objects.filter(organisation=organisation).values_list("id", flat=True))
    # (shop, external_id) is unique and indexed on both tables: look the order up first.
    order_ids = list(Order.objects.filter(shop_id__in=shop_ids, external_id=q).values_list("id", flat=True)[:50])
    match = Q(order_id__in=order_ids) | Q(shop_id__in=shop_ids, platform_case_id=q)
    number = _NUMBER.match(q)
    if number and int(number.group(1)) <= MAX_ID:
        match |= Q(pk=int(number.group(1)))
    return match


def filtered(organisation, f: QueueFilters) -> QuerySet:
    qs = Case.objects.filter(organisation=organisation)
    if f.open == "true":
        qs = qs.filter(is_open=True)
    elif f.open == "false":
        qs = qs.filter(is_open=False)
    if f.shop is not None:
        qs = qs.filter(shop_id=f.shop)
    if f.platform:
        qs = qs.filter(platform=f.platform)
    if f.state:
        qs = qs.filter(state__in=f.state) if len(f.state) > 1 else qs.filter(state=f.state[0])
    if f.type:
        qs = qs.filter(case_type=f.type)
    if f.problem_type:
        qs = qs.filter(problem_type=f.problem_type)
    if f.priority_band:
        qs = qs.filter(priority_band=f.priority_band)
    if f.deadline_before:
        qs = qs.filter(next_due_at__lt=f.deadline_before)
    if f.q:
        qs = qs.filter(_search(organisation, f.q))
    return qs


def _after(qs: QuerySet, sort: str, key, last_id: int) -> QuerySet:
    if sort == "priority":
        # A row comparison, so that PostgreSQL starts the index scan at the cursor.
        return qs.filter(TupleLessThan(Tuple(F("priority"), F("id")), (key, last_id)))
    if sort == "created":
        return qs.filter(TupleLessThan(Tuple(F("created_at"), F("id")), (key, last_id)))
    raise ValueError(sort)   # "due" pages in two parts, see _due_page


def _due_page(qs: QuerySet, cursor: str | None, limit: int) -> list[Case]:
    """Soonest deadline first, the cases without one last.  Two index-friendly parts instead of one
    OR: the dated rows from the cursor on (`next_due_at >= d` is a range of case_due_idx), then,
    once those run out, the undated ones by id."""
    key, last_id = decode_cursor("due", cursor) if cursor else (None, None)
    rows: list[Case] = []
    if not cursor or key is not None:
        dated = qs.filter(next_due_at__isnull=False)
        if cursor:
            dated = dated.filter(next_due_at__gte=key).exclude(next_due_at=key, id__lte=last_id)
        rows = list(dated.order_by("next_due_at", "id")[:limit])
    if len(rows) < limit:
        undated = qs.filter(next_due_at__isnull=True)
        if cursor and key is None:
            undated = undated.filter(id__gt=last_id)
        rows += list(undated.order_by("id")[:limit - len(rows)])
    return rows


ORDERING = {
    "priority": (F("priority").desc(), F("id").desc()),
    "created": (F("created_at").desc(), F("id").desc()),
}


def page(organisation, f: QueueFilters) -> tuple[list[Case], str | None]:
    qs = filtered(organisation, f).select_related("shop", "buyer", "order").only(*LIST_FIELDS)
    want = f.limit + 1   # one more than asked tells whether there is a next page
    if f.sort == "due":
        rows = _due_page(qs, f.cursor, want)
    else:
        if f.cursor:
            key, last_id = decode_cursor(f.sort, f.cursor)
            qs = _after(qs, f.sort, key, last_id)
        rows = list(qs.order_by(*ORDERING[f.sort])[:want])
    more = len(rows) > f.limit
    rows = rows[:f.limit]
    return rows, (encode_cursor(f.sort, rows[-1]) if more else None)
