"""The status link of a case: made once, the same in every notification and on every page."""

from __future__ import annotations

import re
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse

from aftersales import clock
from aftersales.portal.models import StatusLink

# 32 URL-safe characters: 192 random bits, far past guessing (and the lookups are throttled too).
TOKEN_BYTES = 24
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


def link_for(case) -> StatusLink:
    """The case's status link, made on first use (a race makes one; both callers get it)."""
    found = StatusLink.objects.filter(case=case).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return StatusLink.objects.create(case=case, token=secrets.token_urlsafe(TOKEN_BYTES),
                                             created_at=clock.now())
    except IntegrityError:
        return StatusLink.objects.get(case=case)


def find(token: str) -> StatusLink | None:
    """The link of `token` with its case, shop and buyer, or None (a malformed token costs no query)."""
    if not TOKEN_RE.match(token or ""):
        return None
    return StatusLink.objects.select_related("case__shop", "case__buyer", "case__order").filter(token=token).first()


def path(link: StatusLink, name: str = "portal:status") -> str:
    return reverse(name, args=[link.token])


def url(case, name: str = "portal:status", link: StatusLink | None = None) -> str:
    """The absolute address buyers get in their messages (AFTERSALES_SITE_URL + the path)."""
    return settings.SITE_URL + path(link or link_for(case), name)
