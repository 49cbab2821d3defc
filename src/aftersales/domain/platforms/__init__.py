"""One profile per platform, as data.  PROFILES maps the platform code to its profile."""

from aftersales.domain.platforms import douyin, own_store, shopify, taobao, tiktok_shop
from aftersales.domain.platforms.base import DeadlineRule, Mapped, PlatformProfile

__all__ = ["PROFILES", "DeadlineRule", "Mapped", "PlatformProfile", "profile"]

PROFILES: dict[str, PlatformProfile] = {
    p.code: p for p in (douyin.PROFILE, tiktok_shop.PROFILE, taobao.PROFILE, own_store.PROFILE, shopify.PROFILE)
}


def profile(code: str) -> PlatformProfile:
    try:
        return PROFILES[code]
    except KeyError:
        raise LookupError(f"no platform profile {code!r}; known: {', '.join(sorted(PROFILES))}") from None
