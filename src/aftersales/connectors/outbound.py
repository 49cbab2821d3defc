"""Acting back: the real platform sender, registered with the core's outbox (notify/delivery.py).

Every outbox row of the "platform" channel comes here after the transaction that wrote it has
committed: the seller's decisions (platform.approve, platform.reject, ...), refunds on platforms
that pay them (payment.refund), replies by platform chat (buyer.message), reconcile requests from
the sweep.  The shop's connector turns the row into the platform's request; the client sends it.

- Sent: the case's link is "in step", the call is recorded, the timeline says what was sent.
- The platform has no such call (`NotSent`): skipped, and the timeline tells the agent to do it in
  the platform's back office.
- It failed: the link says "sync failed" with the error (the case page shows it with a retry
  button); a retryable failure is raised again so the outbox tries later with back-off, a refusal
  is not retried by itself.
"""

from __future__ import annotations

from aftersales import clock
from aftersales.cases.permissions import Who
from aftersales.cases.services import record
from aftersales.connectors.base import NotSent, PlatformError
from aftersales.connectors.clients import client_for, record_call
from aftersales.connectors.models import CaseLink, Connection, SyncStatus
from aftersales.connectors.platforms import CONNECTORS
from aftersales.notify.delivery import Skip, sender

# The platform tells its buyers about their case itself.
PLATFORM_TELLS_BUYER = frozenset({"buyer.case_received", "buyer.case_updated"})


@sender("platform")
def send_to_platform(msg) -> str:
    case = msg.case
    if case is None:
        raise Skip("not about a case")
    conn = Connection.objects.filter(shop_id=case.shop_id, active=True).select_related("shop").first()
    if conn is None:
        raise Skip("no platform connector configured for this shop")
    connector = CONNECTORS[conn.platform]
    if msg.topic in PLATFORM_TELLS_BUYER:
        raise Skip(f"{connector.name} tells the buyer itself")
    if msg.topic == "platform.reconcile":
        Connection.objects.filter(pk=conn.pk).update(next_pull_at=clock.now())
        return "pull scheduled to reconcile"
    from aftersales.connectors.ingest import link_for

    link = link_for(case, conn)
    try:
        request = connector.action_request(msg.topic, {**msg.payload, "_outbox": msg.pk}, case, link)
    except NotSent as why:
        if msg.topic.startswith(("platform.", "payment.")):
            record(case, "platform.not_sent", Who.system(), clock.now(), buyer_visible=False,
                   zh=f"未发送到{case.profile.name_zh}（{msg.topic}）：{why}", en=f"Not sent to {connector.name} "
                   f"({msg.topic}): {why}", data={"outbox": msg.pk})
        raise Skip(str(why)) from None
    try:
        answer = client_for(conn).call(request, purpose="action", case=case, outbox_message=msg)
    except PlatformError as exc:
        record_call(conn, request, ok=False, error=str(exc), case=case, outbox_message=msg)
        _failed(case, link, msg, exc, connector.name)
        if exc.retryable:
            raise
        return f"refused by {connector.name}: {exc}"
    record_call(conn, request, ok=True, response=answer, case=case, outbox_message=msg)
    now = clock.now()
    CaseLink.objects.filter(pk=link.pk).update(sync_status=SyncStatus.IN_STEP, sync_error="", failed_message=None,
                                               sync_failed_at=None, last_sent_at=now)
    record(case, "platform.sent", Who.system(), now, buyer_visible=False,
           zh=f"已同步到{case.profile.name_zh}：{request.label or request.api}",
           en=f"Sent to {connector.name}: {request.label or request.api}", data={"outbox": msg.pk, "api": request.api})
    return f"sent: {request.label or request.api}"


def _failed(case, link: CaseLink, msg, exc: PlatformError, platform_name: str) -> None:
    now = clock.now()
    first = link.sync_status != SyncStatus.FAILED or link.failed_message_id != msg.pk
    CaseLink.objects.filter(pk=link.pk).update(sync_status=SyncStatus.FAILED, sync_error=str(exc)[:2000],
                                               sync_failed_at=now, failed_message=msg)
    if first:
        record(case, "platform.sync_failed", Who.system(), now, buyer_visible=False,
               zh=f"同步到{case.profile.name_zh}失败：{exc}", en=f"Could not send to {platform_name}: {exc}",
               data={"outbox": msg.pk, "code": exc.code})


__all__ = ["send_to_platform"]
