"""What the case page's sync panel and the queue's badge show (data; the templates draw it)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from aftersales.cases.permissions import DESK_ROLES
from aftersales.connectors.models import CaseLink, Connection, PlatformCall, SyncStatus


@dataclass
class SyncPanel:
    case_id: int
    platform: str
    status: str            # "ok" | "sending" | "failed" | "never"
    status_label: str
    error: str
    failed_at: object
    platform_case_id: str
    calls: list
    may_retry: bool
    polling: bool


def sync_panel(case, acting) -> SyncPanel | None:
    conn = Connection.objects.filter(shop_id=case.shop_id).first()
    if conn is None:
        return None
    link = CaseLink.objects.filter(case=case).first()
    status = link.sync_status if link else "never"
    labels = {SyncStatus.IN_STEP: _("In step with the platform"), SyncStatus.SENDING: _("Sending to the platform…"),
              SyncStatus.FAILED: _("Sync failed"), "never": _("Nothing sent yet")}
    if link and status == SyncStatus.IN_STEP and link.last_sent_at is None:
        status = "never"
    calls = list(PlatformCall.objects.filter(case=case).order_by("-created_at", "-pk")[:6])
    role = acting.role if acting is not None else None
    return SyncPanel(case_id=case.pk, platform=case.profile.name_zh if _("Platform") == "平台" else case.profile.name_en,
                     status=status, status_label=labels[status], error=link.sync_error if link else "",
                     failed_at=link.sync_failed_at if link else None,
                     platform_case_id=case.platform_case_id, calls=calls,
                     may_retry=status == SyncStatus.FAILED and (role or "agent") in DESK_ROLES["reply"],
                     polling=status == SyncStatus.SENDING)


def failed_case_ids(request, organisation) -> set[int]:
    """The organisation's cases whose last platform sync failed: one query per request (the queue's badges)."""
    key = "_connectors_failed"
    if not hasattr(request, key):
        setattr(request, key, set(CaseLink.objects.filter(organisation=organisation, sync_status=SyncStatus.FAILED)
                                  .values_list("case_id", flat=True)))
    return getattr(request, key)
