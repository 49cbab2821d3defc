"""The API object: routers, authentication, errors and the JSON encoding of money and time."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from ninja import NinjaAPI
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder

from aftersales.api import cases, errors, orders, shops
from aftersales.api.auth import OrganisationAuth


class Encoder(NinjaJSONEncoder):
    """Decimals as strings (DjangoJSONEncoder already does); times in the server's zone, with offset."""

    def default(self, o):
        if isinstance(o, datetime) and timezone.is_aware(o):
            o = timezone.localtime(o)
        return super().default(o)


class Renderer(JSONRenderer):
    encoder_class = Encoder
    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="aftersales",
    version="1",
    description="After-sales cases of Douyin, TikTok Shop, Taobao/Tmall and own web stores: "
                "orders and cases in, the queue, a case with its timeline, actions, evidence.  "
                "Authenticate with `Authorization: Bearer <token>`.  Every error is "
                '`{"error": {"code", "message", "message_zh", "fields"}}`.',
    openapi_url="/openapi.json",
    docs_url="/docs",
    auth=OrganisationAuth(),
    renderer=Renderer(),
    urls_namespace="api-v1",
)
errors.install(api)
api.add_router("/shops", shops.router)
api.add_router("/orders", orders.router)
api.add_router("/cases", cases.router)
api.add_router("/risk", "aftersales.risk.api.router")   # issue 6: refund risk
api.add_router("/assist", "aftersales.assist.api.router")   # issue 5: classification and suggestions
api.add_router("/analytics", "aftersales.analytics.api.router")   # issue 7: parcels and the weekly review


def urls():
    """api.urls, with ninja's plain-text 405 answers turned into the JSON error shape."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        pattern.callback = errors.json_method_not_allowed(pattern.callback)
    return patterns, app_name, namespace
