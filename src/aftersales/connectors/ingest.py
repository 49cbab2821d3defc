"""Platform events in: a webhook's body is checked and stored (fast), then each event is applied
to the core through its services, from the job queue.

`receive` answers the webhook: it finds the connection, checks the platform's signature (401 and
a recorded attempt when it is wrong), stores one InboundEvent per platform event (a duplicate
event id is recognised by the unique constraint and changes nothing), and enqueues their
processing after commit.  `process` claims an event with a conditional update and applies its
changes: orders through orders.services.upsert_order, new cases through cases.intake.submit_case,
status / deadline / refund / arbitration through cases.platform_sync.apply_platform_update,
buyer messages through cases.services.add_message, tracking scans through tracking.record.  An
update older than the one the case holds is "stale" and changes nothing (ordered by the
platform's update time).  An event that needs something not yet there (the order, the case) waits
and is tried again; one that can never apply fails with its reason.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Q

from aftersales import clock
from aftersales.cases import services
from aftersales.cases.intake import CaseIn, CaseLineIn, submit_case
from aftersales.cases.ledger import line_share
from aftersales.cases.models import Case
from aftersales.cases.permissions import Who
from aftersales.cases.platform_sync import PlatformUpdate, apply_platform_update
from aftersales.connectors import tracking, vault
from aftersales.connectors.base import Change, PlatformError, RawEvent, Retry
from aftersales.connectors.clients import client_for
from aftersales.connectors.models import (
    CaseLink, Connection, DeliveryOutcome, EventStatus, InboundEvent, WebhookDelivery,
)
from aftersales.connectors.platforms import CONNECTORS
from aftersales.connectors.platforms.common import share
from aftersales.errors import AftersalesError
from aftersales.orders.models import Buyer, Order
from aftersales.orders.services import upsert_order

log = logging.getLogger("aftersales.connectors")
LEASE = timedelta(minutes=5)          # a claimed event not finished by then is tried again
MAX_ATTEMPTS = 8


@dataclass
class Received:
    status: int
    body: dict
    new_ids: list[int]


def _record(platform, outcome, status, *, connection=None, events=0, new=0, remote="", detail="", body=b"",
            keep_body=False) -> None:
    WebhookDelivery.objects.create(
        platform=platform, connection=connection, received_at=clock.now(), outcome=outcome, http_status=status,
        events=events, new_events=new, remote_addr=remote[:60], detail=detail[:300],
        body_sha256=hashlib.sha256(body).hexdigest(),
        body_excerpt=body[:1000].decode("utf-8", "replace") if keep_body else "")


def _candidates(platform: str, how: str, key: str) -> list[Connection]:
    if not key:
        return []
    qs = Connection.objects.filter(platform=platform, active=True).select_related("shop", "organisation")
    return list(qs.filter(app_key=key) if how == "app_key" else qs.filter(remote_shop_id=key))


def receive(platform: str, body: bytes, headers, query, remote: str = "") -> Received:
    connector = CONNECTORS[platform]
    how, key = connector.routing(body, headers, query)
    candidates = _candidates(platform, how, key)
    verified = next((c for c in candidates
                     if connector.verify(body, headers, query, c.app_key, vault.secrets_of(c))), None)
    if verified is None:
        outcome = DeliveryOutcome.BAD_SIGNATURE if candidates else DeliveryOutcome.UNKNOWN_SHOP
        _record(platform, outcome, 401, remote=remote, body=body, keep_body=True,
                detail=f"{how} {key!r}: " + ("signature does not match" if candidates else "no connection"))
        return Received(401, {"error": {"code": "webhook.bad_signature", "message": "signature not valid"}}, [])
    try:
        raw_events = connector.split(body, headers, query)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        _record(platform, DeliveryOutcome.MALFORMED, 400, connection=verified, remote=remote, body=body,
                keep_body=True, detail=f"{type(exc).__name__}: {exc}")
        return Received(400, {"error": {"code": "webhook.malformed", "message": "body not understood"}}, [])
    now = clock.now()
    by_shop = {verified.remote_shop_id: verified}
    rows, unknown = [], 0
    for ev in raw_events:
        conn = by_shop.get(ev.shop_key) if ev.shop_key else verified
        if conn is None:
            # one app serves several shops (Douyin, Taobao): the same app key, another shop
            conn = by_shop[ev.shop_key] = next((c for c in _candidates(platform, "shop", ev.shop_key)
                                                if c.app_key == verified.app_key), None)
        if conn is None:
            unknown += 1
            continue
        rows.append(InboundEvent(organisation_id=conn.organisation_id, connection=conn, event_id=ev.event_id[:200],
                                 kind=ev.kind[:80], subject=ev.subject[:120], occurred_at=ev.occurred_at,
                                 payload=ev.payload, received_at=now, next_attempt_at=now + LEASE))
    new_ids = store(rows)
    outcome = DeliveryOutcome.ACCEPTED if new_ids or not rows else DeliveryOutcome.DUPLICATE
    _record(platform, outcome, 200, connection=verified, events=len(raw_events), new=len(new_ids), remote=remote,
            body=body, detail=f"{unknown} for unknown shops" if unknown else "")
    if new_ids:
        from aftersales.connectors.tasks import process_events
        transaction.on_commit(lambda: process_events.enqueue(new_ids))
    return Received(200, connector.acknowledgement(), new_ids)


def store(rows: list[InboundEvent]) -> list[int]:
    """Insert the events not seen before; the ids of the new ones."""
    if not rows:
        return []
    conns = {r.connection.pk for r in rows}
    ids = {r.event_id for r in rows}
    with transaction.atomic():
        seen = set(InboundEvent.objects.filter(connection_id__in=conns, event_id__in=ids)
                   .values_list("connection_id", "event_id"))
        fresh, keys = [], set()
        for r in rows:
            k = (r.connection.pk, r.event_id)
            if k not in seen and k not in keys:
                fresh.append(r)
                keys.add(k)
        InboundEvent.objects.bulk_create(fresh, ignore_conflicts=True)
    if not keys:
        return []
    return [pk for pk, c, e in InboundEvent.objects.filter(connection_id__in=conns, event_id__in={e for _, e in keys})
            .values_list("pk", "connection_id", "event_id") if (c, e) in keys]


# --- processing ---------------------------------------------------------------------------------

def process(ids: list[int]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for pk in (InboundEvent.objects.filter(pk__in=ids).order_by(F("occurred_at").asc(nulls_last=True), "pk")
               .values_list("pk", flat=True)):
        status = process_one(pk)
        counts[status] = counts.get(status, 0) + 1
    return counts


def process_one(pk: int) -> str:
    now = clock.now()
    claimed = InboundEvent.objects.filter(
        Q(attempts=0) | Q(next_attempt_at__lte=now), pk=pk, status__in=[EventStatus.PENDING, EventStatus.WAITING],
    ).update(attempts=F("attempts") + 1, next_attempt_at=now + LEASE)
    if not claimed:
        return "not-claimed"
    ev = InboundEvent.objects.select_related("connection__shop", "connection__organisation").get(pk=pk)
    try:
        with transaction.atomic():
            outcome = apply_event(ev)
    except (Retry, PlatformError) as exc:
        retryable = isinstance(exc, Retry) or exc.retryable
        give_up = not retryable or ev.attempts >= MAX_ATTEMPTS
        InboundEvent.objects.filter(pk=pk).update(
            status=EventStatus.FAILED if give_up else EventStatus.WAITING, last_error=str(exc)[:2000],
            next_attempt_at=None if give_up else now + timedelta(seconds=min(30 * 2 ** ev.attempts, 3600)))
        return "failed" if give_up else "waiting"
    except AftersalesError as exc:
        InboundEvent.objects.filter(pk=pk).update(status=EventStatus.FAILED, last_error=f"{exc.code}: {exc.message} "
                                                  f"{exc.fields or ''}"[:2000], next_attempt_at=None)
        log.warning("platform event %s (%s %s) cannot be applied: %s", ev.event_id, ev.connection, ev.kind, exc.message)
        return "failed"
    status = EventStatus.SKIPPED if outcome in ("ignored", "") else EventStatus.DONE
    InboundEvent.objects.filter(pk=pk).update(status=status, outcome=outcome[:40], processed_at=clock.now(),
                                              next_attempt_at=None, last_error="")
    return str(status)


def apply_event(ev: InboundEvent) -> str:
    conn = ev.connection
    connector = CONNECTORS[conn.platform]
    raw = RawEvent(ev.event_id, ev.kind, conn.remote_shop_id, ev.occurred_at, ev.payload, ev.subject)
    client = client_for(conn)
    outcomes = [apply_change(conn, change, ev, client) for change in connector.interpret(raw, client, conn)]
    return ",".join(sorted(set(o for o in outcomes if o))) or "ignored"


def apply_change(conn: Connection, change: Change, ev: InboundEvent, client) -> str:
    if change.kind == "order":
        ensure_order(conn, change.order_id, client, given=change.order, refresh=True)
        return "order"
    if change.kind == "case":
        return apply_case(conn, change, ev, client)
    if change.kind == "message":
        return apply_message(conn, change)
    if change.kind == "tracking":
        return tracking.record(conn.organisation, change.tracking, source=f"platform:{conn.platform}", raw=ev.payload)
    return "ignored"


def ensure_order(conn: Connection, order_id: str, client, *, given=None, refresh: bool = False) -> Order:
    shop = conn.shop
    existing = Order.objects.filter(shop=shop, external_id=order_id).first() if order_id else None
    if existing is not None and not refresh and given is None:
        return existing
    connector = CONNECTORS[conn.platform]
    data = given
    if data is None:
        if not order_id:
            raise Retry("the event names no order")
        data = connector.parse_order(client.call(connector.order_request(order_id), purpose="order"), order_id, shop)
    if data is None:
        if existing is not None:
            return existing
        raise Retry(f"order {order_id} is not known to {connector.name} yet")
    order, _ = upsert_order(conn.organisation, shop, data)
    return order


def link_for(case: Case, conn: Connection, **fields) -> CaseLink:
    link = CaseLink.objects.filter(case=case).first()
    if link is not None:
        return link
    try:
        with transaction.atomic():
            return CaseLink.objects.create(organisation_id=case.organisation_id, case=case, connection=conn,
                                           platform_case_id=case.platform_case_id,
                                           platform_order_id=case.order.external_id if case.order_id else "", **fields)
    except IntegrityError:
        return CaseLink.objects.get(case=case)


def _lines(order: Order, line_ids: list[str]) -> list[CaseLineIn]:
    lines = list(order.lines.all())
    picked = [ln for ln in lines if ln.external_id in set(line_ids)]
    return [CaseLineIn(line_external_id=ln.external_id, quantity=max(1, ln.quantity_refundable)) for ln in picked
            if ln.external_id]


def apply_case(conn: Connection, change: Change, ev: InboundEvent, client) -> str:
    facts, when = change.case, change.occurred_at
    shop, org = conn.shop, conn.organisation
    link = CaseLink.objects.select_related("case").filter(connection=conn, platform_case_id=facts.platform_case_id).first()
    case = link.case if link else Case.objects.filter(shop=shop, platform_case_id=facts.platform_case_id).first()
    if case is None:
        if not facts.status:
            raise Retry(f"case {facts.platform_case_id} is not known yet")
        if not facts.order_id:
            raise Retry(f"case {facts.platform_case_id} is not known yet and the event names no order")
        order = ensure_order(conn, facts.order_id, client)
        lines = _lines(order, facts.line_ids)
        paid = sum((line_share(ln, ln.quantity_refundable or ln.quantity) for ln in order.lines.all()
                    if not lines or ln.external_id in facts.line_ids), Decimal("0"))
        case, created = submit_case(org, CaseIn(
            shop_id=shop.pk, order_external_id=order.external_id, case_type="", lines=lines,
            platform_reason=facts.reason, reason_text=facts.reason_text, channel="platform",
            requested_amount=share(facts.amount, paid), platform_case_id=facts.platform_case_id,
            platform_status=facts.status, platform_status_qualifier=facts.qualifier, platform_type=facts.platform_type,
            platform_deadline=facts.deadline, payload=ev.payload), Who.platform())
        link = link_for(case, conn, platform_updated_at=when, version_token=facts.version_token,
                        platform_status=facts.status, platform_qualifier=facts.qualifier)
        if created:
            return "created"
    if link is None:
        link = link_for(case, conn)
    if when and link.platform_updated_at and when <= link.platform_updated_at:
        return "stale"
    status, qualifier = facts.status, facts.qualifier
    if not status:   # only the deadline or the arbitration moved: keep the platform's status as it stands
        if facts.node and facts.node != link.platform_status:
            return "stale"
        status, qualifier = link.platform_status or case.platform_status_raw, link.platform_qualifier
    result = apply_platform_update(org, shop, PlatformUpdate(
        platform_case_id=case.platform_case_id, status=status, qualifier=qualifier, refund_status=facts.refund_status,
        arbitration_status=facts.arbitration_status, deadline=facts.deadline, updated_at=when,
        event_id=f"{conn.pk}:{ev.event_id}", payload=ev.payload, carrier=facts.carrier,
        tracking_number=facts.tracking_number))
    fields = {"platform_status": status, "platform_qualifier": qualifier}
    if when:
        fields["platform_updated_at"] = when
    if facts.version_token and facts.version_token.split("|")[-1]:
        fields["version_token"] = facts.version_token
    CaseLink.objects.filter(pk=link.pk).update(**fields)
    return result.outcome


def apply_message(conn: Connection, change: Change) -> str:
    m = change.message
    case = None
    if m.platform_case_id:
        case = Case.objects.filter(shop=conn.shop, platform_case_id=m.platform_case_id).first()
    if case is None and m.buyer_key:
        buyer = Buyer.objects.filter(shop=conn.shop, external_id=m.buyer_key).first()
        if buyer is not None:
            case = Case.objects.filter(buyer=buyer, is_open=True).order_by("-created_at", "-pk").first()
    if case is None:
        raise Retry("no after-sales case for this message yet")
    services.add_message(conn.organisation, case.pk, Who.buyer(), m.body, channel="platform", external_id=m.message_id)
    if m.conversation_id:
        link = link_for(case, conn)
        CaseLink.objects.filter(pk=link.pk).update(conversation_id=m.conversation_id)
    return "message"
