"""One profile per platform, as data.  PROFILES maps the platform code to its profile."""

from aftersales.domain.platforms.base import DeadlineRule, Mapped, PlatformProfile

PROFILES: dict[str, PlatformProfile] = {}  # filled in by the platform modules (TODO)


def profile(code: str) -> PlatformProfile:
    try:
        return PROFILES[code]
    except KeyError:
        raise LookupError(f"no platform profile {code!r}; known: {', '.join(sorted(PROFILES))}") from None
