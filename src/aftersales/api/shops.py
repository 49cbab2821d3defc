"""The organisation's shops, with their platform and policy."""

from __future__ import annotations

from ninja import Path, Router

from aftersales.api.auth import caller
from aftersales.api.schemas import MAX_ID, ShopOut
from aftersales.catalog.models import Shop
from aftersales.errors import NotFound

router = Router(tags=["shops"])


def shop_out(shop: Shop) -> dict:
    profile = shop.profile
    return {
        "id": shop.pk, "name": shop.name, "platform": shop.platform, "platform_name_en": profile.name_en,
        "platform_name_zh": profile.name_zh, "platform_shop_id": shop.platform_shop_id,
        "platform_executes_timeouts": profile.executes_timeouts, "region": shop.region,
        "time_zone": shop.time_zone, "currency": shop.currency, "business_calendar": shop.calendar,
        "return_contact": shop.return_contact, "return_phone": shop.return_phone,
        "return_address": shop.return_address,
        "policy": {
            "version": shop.policy_version, "no_reason_days": shop.no_reason_days,
            "quality_exchange_days": shop.quality_exchange_days,
            "excluded_categories": list(shop.excluded_categories or []),
            "vip_spend_threshold": shop.vip_spend_threshold,
            "auto_approve_unshipped_refund": shop.auto_approve_unshipped_refund,
            "auto_approve_small_return_max": shop.auto_approve_small_return_max,
            "first_reply_hours": shop.first_reply_hours, "review_business_days": shop.review_business_days,
            "refund_within_days": shop.refund_within_days, "followup_days": shop.followup_days,
            "channel_weights": dict(shop.channel_weights or {}),
        },
    }


@router.get("", response=list[ShopOut], summary="List the organisation's shops")
def list_shops(request):
    shops = Shop.objects.filter(organisation=caller(request).organisation).order_by("id")
    return [shop_out(s) for s in shops]


@router.get("/{shop_id}", response=ShopOut, summary="One shop with its policy")
def get_shop(request, shop_id: int = Path(..., ge=1, le=MAX_ID)):
    shop = Shop.objects.filter(organisation=caller(request).organisation, pk=shop_id).first()
    if shop is None:
        raise NotFound(f"shop {shop_id} not found", message_zh=f"未找到店铺 {shop_id}")
    return shop_out(shop)
