"""Use cases of the connectors that people start: connecting a shop, and retrying a failed sync."""

from __future__ import annotations

from django.db import transaction

from aftersales import clock
from aftersales.cases.permissions import Who, check_desk
from aftersales.cases.services import get_case, record
from aftersales.connectors import vault
from aftersales.connectors.models import CaseLink, Connection, SyncStatus
from aftersales.errors import NotAllowed, NotFound, ValidationFailed
from aftersales.notify.models import OutboxMessage, OutboxStatus

# what each platform's connection needs, besides its public app key
REQUIRED_SECRETS = {"douyin": ("app_secret",), "tiktok_shop": ("app_secret",), "taobao": ("app_secret",),
                    "shopify": ("app_secret",)}


def connect_shop(shop, *, app_key: str, secrets: dict[str, str], remote_shop_id: str = "", client_kind: str = "http",
                 api_base: str = "") -> Connection:
    """Connect (or reconnect) a shop to its platform.  Secrets are encrypted before they are saved."""
    from aftersales.connectors.platforms import CONNECTORS

    if shop.platform not in CONNECTORS:
        raise ValidationFailed.field("shop", f"no connector for {shop.platform!r} shops "
                                             f"(connectors: {', '.join(sorted(CONNECTORS))})")
    errors = {}
    if not app_key.strip():
        errors["app_key"] = ["the platform's app key is needed"]
    for name in REQUIRED_SECRETS[shop.platform]:
        if not (secrets.get(name) or "").strip():
            errors[name] = ["needed to check the platform's signatures"]
    remote = (remote_shop_id or shop.platform_shop_id).strip()
    if not remote:
        errors["remote_shop_id"] = ["what the platform calls this shop (shop id, seller id or shop domain)"]
    if errors:
        raise ValidationFailed("the connection is not complete", fields=errors)
    with transaction.atomic():
        conn = Connection.objects.filter(shop=shop).first() or Connection(organisation_id=shop.organisation_id,
                                                                          shop=shop)
        conn.platform, conn.remote_shop_id, conn.app_key = shop.platform, remote, app_key.strip()
        conn.client_kind, conn.api_base, conn.active = client_kind, api_base, True
        vault.set_secrets(conn, secrets)
        conn.next_pull_at = conn.next_pull_at or clock.now()
        conn.save()
    return conn


def retry_sync(organisation, case_id: int, who: Who) -> CaseLink:
    """Send the case's failed platform messages again now (the case page's retry button)."""
    check_desk(who, "reply")
    now = clock.now()
    with transaction.atomic():
        case = get_case(organisation, case_id, lock=True)
        link = CaseLink.objects.filter(case=case).first()
        if link is None:
            raise NotFound("this case is not linked to a platform")
        if link.sync_status != SyncStatus.FAILED:
            raise NotAllowed("nothing to retry: the platform is in step with this case",
                             message_zh="无需重试：平台与本售后单已同步")
        again = OutboxMessage.objects.filter(case=case, channel="platform").filter(
            status__in=[OutboxStatus.PENDING, OutboxStatus.DEAD]) | OutboxMessage.objects.filter(pk=link.failed_message_id)
        OutboxMessage.objects.filter(pk__in=list(again.values_list("pk", flat=True))).update(
            status=OutboxStatus.PENDING, next_attempt_at=now)
        CaseLink.objects.filter(pk=link.pk).update(sync_status=SyncStatus.SENDING)
        record(case, "platform.retry", who, now, buyer_visible=False, zh="重新同步到平台。",
               en="Sending to the platform again.")
        from aftersales.cases.tasks import deliver_outbox
        transaction.on_commit(lambda: deliver_outbox.enqueue())
    link.refresh_from_db()
    return link
