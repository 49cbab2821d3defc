"""The faces of the connectors: the platforms' webhook endpoints and the case page's sync panel."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from aftersales.cases import services as case_services
from aftersales.connectors import ingest
from aftersales.connectors.platforms import CONNECTORS
from aftersales.connectors.present import sync_panel
from aftersales.connectors.services import retry_sync
from aftersales.errors import AftersalesError, NotFound
from aftersales.web.access import member_required, who
from aftersales.web.errors import error_response


@csrf_exempt
@require_POST
def webhook(request, platform: str):
    """Answer fast: check, store, enqueue.  The work happens in the job queue (ingest.process)."""
    if platform not in CONNECTORS:
        return JsonResponse({"error": {"code": "webhook.unknown_platform",
                                       "message": f"no connector for {platform!r}; one of {', '.join(CONNECTORS)}"}},
                            status=404)
    if int(request.META.get("CONTENT_LENGTH") or 0) > settings.CONNECTOR_MAX_BODY_BYTES:
        return JsonResponse({"error": {"code": "webhook.too_large", "message": "body too large"}}, status=413)
    received = ingest.receive(platform, request.body, request.headers, request.GET,
                              remote=request.META.get("REMOTE_ADDR", ""))
    return JsonResponse(received.body, status=received.status, json_dumps_params={"ensure_ascii": False})


def _case(request, case_id):
    try:
        return case_services.get_case(request.organisation, case_id)
    except NotFound:
        raise Http404 from None


@require_GET
@member_required()
def panel(request, case_id: int):
    case = _case(request, case_id)
    return render(request, "connectors/partials/case_sync.html", {"sync": sync_panel(case, who(request))})


@require_POST
@member_required()
def retry(request, case_id: int):
    try:
        retry_sync(request.organisation, case_id, who(request))
    except AftersalesError as exc:
        return error_response(request, exc)
    if request.htmx:
        return render(request, "connectors/partials/case_sync.html",
                      {"sync": sync_panel(_case(request, case_id), who(request))})
    return redirect("web:case", case_id=case_id)
