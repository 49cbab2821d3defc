"""The read side of the case queue: one filter, three sort orders and keyset pagination, shared by
the JSON API (api/queue.py validates its query string into a `QueueQuery`) and the agents' pages
(web/forms.py does the same from the filter form).

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
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import F, Q, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleLessThan

from aftersales.cases.models import Case, ReturnShipment
from aftersales.catalog.models import Shop
from aftersales.domain import lifecycle as lc
from aftersales.domain.platforms import PROFILES
from aftersales.errors import ValidationFailed
from aftersales.orders.models import Buyer, Order

MAX_ID = 2**63 - 1
_EARLIEST, _LATEST = datetime(1970, 1, 1, tzinfo=UTC), datetime(3000, 1, 1, tzinfo=UTC)
_NUMBER = re.compile(r"^(?:AS)?0*(\d{1,18})$", re.IGNORECASE)
SORTS = ("priority", "due", "created")
# Saved views of the agents' queue (tabs); "all" is the plain queue.
VIEWS = ("all", "mine", "unassigned", "due_soon", "inspection")

# What a list row needs; the rest of the case (payload, policy result) stays in the database.
LIST_FIELDS = (
    "id", "shop_id", "shop__id", "shop__name", "buyer_id", "buyer__id", "buyer__external_id", "buyer__name",
    "order_id", "order__id", "order__external_id", "platform", "platform_case_id", "case_type", "route",
    "reason_code", "problem_type", "channel", "state", "is_open", "refund_state", "return_state",
    "arbitration_state", "currency", "requested_amount", "approved_amount", "urgent", "vip", "priority",
    "priority_band", "next_due_at", "created_at", "updated_at", "version",
)


@dataclass(frozen=True)
class QueueQuery:
    """What to list.  Every field is already validated by the face that built it."""

    shop: int | None = None
    platform: str | None = None
    states: tuple[str, ...] = ()
    case_type: str | None = None
    problem_type: str | None = None
    reason: str | None = None            # a canonical reason code, or its category ("quality" = "quality.*")
    priority_band: str | None = None
    deadline_before: datetime | None = None
    open: str = "true"                   # "true": open cases; "false": finished; "all"
    q: str | None = None
    text_search: bool = False            # q also matches buyer names and the reason text (slower: a scan)
    view: str = "all"                    # one of VIEWS
    user_id: int | None = None           # whose cases "mine" lists
    now: datetime | None = None          # "due_soon" is relative to it
    sort: str = "priority"
    cursor: str | None = None
    limit: int = 25


# --------------------------------------------------------------------------------------------
# The cursor

def encode_cursor(sort: str, case: Case) -> str:
    key = {"priority": lambda: case.priority,
           "due": lambda: case.next_due_at.isoformat() if case.next_due_at else None,
           "created": lambda: case.created_at.isoformat()}[sort]()
    raw = json.dumps([sort, key, case.pk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(sort: str, cursor: str):
    """(key, id) of the last row seen, or ValidationFailed on the `cursor` field."""
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
        at = datetime.fromisoformat(key)
        if at.tzinfo is None or not _EARLIEST <= at.astimezone(UTC) < _LATEST:
            raise ValueError(key)
    except (TypeError, ValueError, OverflowError):
        raise bad from None
    return at, last_id


# --------------------------------------------------------------------------------------------
# The query

def search(organisation, q: str, *, text: bool = False) -> Q:
    """Exact keys, each looked up through an index first: a case number (AS00000042 or 42), an order
    number, a platform case id, a buyer id, a return tracking number.  With `text`, also a buyer's
    name and the buyer's reason text containing `q` (these scan the organisation's rows)."""
    shop_ids = list(Shop.objects.filter(organisation=organisation).values_list("id", flat=True))
    # (shop, external_id) is unique and indexed on orders and buyers: look them up first.
    order_ids = list(Order.objects.filter(shop_id__in=shop_ids, external_id=q).values_list("id", flat=True)[:50])
    buyers = Buyer.objects.filter(shop_id__in=shop_ids, external_id=q)
    if text:
        buyers = Buyer.objects.filter(Q(shop_id__in=shop_ids) & (Q(external_id=q) | Q(name__icontains=q)))
    buyer_ids = list(buyers.values_list("id", flat=True)[:200])
    # return_tracking_idx
    returned = list(ReturnShipment.objects.filter(case__organisation=organisation, tracking_number=q)
                    .values_list("case_id", flat=True)[:50])
    match = (Q(order_id__in=order_ids) | Q(shop_id__in=shop_ids, platform_case_id=q) | Q(buyer_id__in=buyer_ids)
             | Q(pk__in=returned))
    number = _NUMBER.match(q)
    if number and int(number.group(1)) <= MAX_ID:
        match |= Q(pk=int(number.group(1)))
    if text:
        match |= Q(reason_text__icontains=q)
    return match


def due_soon(now: datetime) -> Q:
    """Cases whose nearest seller deadline falls within their platform's warning time (or is past)."""
    groups: dict[timedelta, list[str]] = {}
    for code, profile in PROFILES.items():
        groups.setdefault(profile.warn_before, []).append(code)
    if len(groups) == 1:
        return Q(next_due_at__lt=now + next(iter(groups)))
    match = Q(pk__in=[])
    for warn_before, platforms in groups.items():
        match |= Q(platform__in=platforms, next_due_at__lt=now + warn_before)
    return match


def _view(qs: QuerySet, query: QueueQuery) -> QuerySet:
    if query.view == "mine":
        return qs.filter(assignee_id=query.user_id) if query.user_id else qs.none()
    if query.view == "unassigned":
        return qs.filter(assignee__isnull=True)
    if query.view == "due_soon":
        return qs.filter(due_soon(query.now or datetime.now(UTC)))
    if query.view == "inspection":
        return qs.filter(state=lc.CaseState.AWAITING_RECEIPT_REVIEW)
    return qs


def filtered(organisation, query: QueueQuery) -> QuerySet:
    qs = Case.objects.filter(organisation=organisation)
    if query.open == "true":
        qs = qs.filter(is_open=True)
    elif query.open == "false":
        qs = qs.filter(is_open=False)
    if query.shop is not None:
        qs = qs.filter(shop_id=query.shop)
    if query.platform:
        qs = qs.filter(platform=query.platform)
    if query.states:
        qs = qs.filter(state__in=query.states) if len(query.states) > 1 else qs.filter(state=query.states[0])
    if query.case_type:
        qs = qs.filter(case_type=query.case_type)
    if query.problem_type:
        qs = qs.filter(problem_type=query.problem_type)
    if query.reason:
        qs = qs.filter(Q(reason_code=query.reason) | Q(reason_code__startswith=f"{query.reason}."))
    if query.priority_band:
        qs = qs.filter(priority_band=query.priority_band)
    if query.deadline_before:
        qs = qs.filter(next_due_at__lt=query.deadline_before)
    if query.q:
        qs = qs.filter(search(organisation, query.q, text=query.text_search))
    return _view(qs, query)


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


def page(organisation, query: QueueQuery, *, related: tuple[str, ...] = ("shop", "buyer", "order"),
         fields: tuple[str, ...] = LIST_FIELDS) -> tuple[list[Case], str | None]:
    """One page of the queue and the cursor of the next (None on the last page).  `related` and
    `fields` say what each row loads; a face that shows more (the assignee) widens them."""
    qs = filtered(organisation, query).select_related(*related).only(*fields)
    want = query.limit + 1   # one more than asked tells whether there is a next page
    if query.sort == "due":
        rows = _due_page(qs, query.cursor, want)
    else:
        if query.cursor:
            key, last_id = decode_cursor(query.sort, query.cursor)
            qs = _after(qs, query.sort, key, last_id)
        rows = list(qs.order_by(*ORDERING[query.sort])[:want])
    more = len(rows) > query.limit
    rows = rows[:query.limit]
    return rows, (encode_cursor(query.sort, rows[-1]) if more else None)
