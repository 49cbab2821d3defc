"""The carriers' push endpoint: POST /webhooks/carriers/<carrier>/.

The body is one scan or {"events": [...]} (rows as in logistics.importer).  The sender names the
organisation in `X-Aftersales-Organisation` (its slug) and signs the exact body with that
organisation's secret: `X-Aftersales-Signature: sha256=<hex HMAC-SHA256>`.  A scan sent twice is
recorded once.
"""

from __future__ import annotations

import hashlib
import hmac
import json

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from aftersales.accounts.models import Organisation
from aftersales.logistics.importer import record_rows
from aftersales.logistics.models import CarrierWebhook

MAX_BODY = 1_000_000


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _error(code: str, message: str, status: int, fields: dict | None = None) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message, "fields": fields or {}}}, status=status)


@csrf_exempt
@require_POST
def carrier_webhook(request, carrier: str):
    if len(request.body) > MAX_BODY:
        return _error("webhook.too_large", "body too large", 413)
    slug = request.headers.get("X-Aftersales-Organisation", "")
    hook = CarrierWebhook.objects.select_related("organisation").filter(organisation__slug=slug).first()
    given = request.headers.get("X-Aftersales-Signature", "")
    # the same answer for an unknown organisation and a bad signature: nothing to probe
    if hook is None or not hmac.compare_digest(signature(hook.secret, request.body), given):
        return _error("webhook.bad_signature", "missing or wrong X-Aftersales-Signature", 401)
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return _error("validation.failed", "the body is not JSON", 400, {"body": ["not JSON"]})
    rows = body.get("events") if isinstance(body, dict) and "events" in body else [body]
    if not isinstance(rows, list):
        return _error("validation.failed", "events must be a list", 400, {"events": ["not a list"]})
    result = record_rows(hook.organisation, rows, source="webhook", default_carrier=carrier)
    status = 200 if not result.errors else (422 if not (result.recorded or result.duplicates) else 207)
    return JsonResponse(result.as_dict(), status=status)


def organisation_secret(organisation: Organisation) -> str:
    """The organisation's webhook secret, made on first use."""
    import secrets

    hook, _ = CarrierWebhook.objects.get_or_create(organisation=organisation,
                                                   defaults={"secret": secrets.token_hex(24)})
    return hook.secret
