"""Who is calling, and for which organisation.

Two ways in:

* `Authorization: Bearer <token>`: an ApiToken of one organisation, looked up by its SHA-256;
  the token's role decides what it may do.
* a signed-in Django session (the htmx pages) of a user with exactly one membership; requests
  that change something must carry the CSRF token, as any form post would.

Every endpoint reads the organisation from `request.auth` (a `Caller`) and filters by it, so a
token never reaches another organisation's rows: their ids answer 404, as if they did not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db.models import Q
from django.http import HttpRequest
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer
from ninja.utils import check_csrf

from aftersales import clock
from aftersales.accounts.models import ApiToken, Membership, Organisation
from aftersales.cases.permissions import Who
from aftersales.domain import lifecycle as lc
from aftersales.errors import PermissionDenied

# Writing last_used_at on every request would turn each read into a write.
LAST_USED_EVERY = timedelta(minutes=1)
_SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


@dataclass(frozen=True)
class Caller:
    organisation: Organisation
    role: str
    approval_limit: Decimal | None = None
    user: object | None = None
    token: ApiToken | None = None

    @property
    def who(self) -> Who:
        return Who(lc.Actor.SELLER, self.user, self.role, self.approval_limit)


class OrganisationAuth(HttpBearer):
    """Bearer token first; without an Authorization header, the session."""

    def __call__(self, request: HttpRequest) -> Caller | None:
        header = request.headers.get("Authorization", "")
        if header:
            scheme, _, raw = header.partition(" ")
            if scheme.lower() != "bearer" or not raw.strip():
                raise AuthenticationError(message="use the header Authorization: Bearer <token>")
            caller = self.authenticate(request, raw.strip())
        else:
            caller = self._session(request)
        if caller is not None:
            request.organisation = caller.organisation
            request.role = caller.role
        return caller

    def authenticate(self, request: HttpRequest, token: str) -> Caller:
        row = (ApiToken.objects.select_related("organisation")
               .filter(key_hash=ApiToken.hash(token), revoked_at__isnull=True).first())
        if row is None:
            raise AuthenticationError(message="the token is unknown or revoked")
        now = clock.now()
        if row.last_used_at is None or now - row.last_used_at >= LAST_USED_EVERY:
            # Conditional, so that concurrent requests write it once.
            ApiToken.objects.filter(pk=row.pk).filter(
                Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_EVERY)
            ).update(last_used_at=now)
        return Caller(organisation=row.organisation, role=row.role, token=row,
                      approval_limit=row.refund_approval_limit)

    def _session(self, request: HttpRequest) -> Caller | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.method not in _SAFE_METHODS and not getattr(request, "_ninja_csrf_exempt", False):
            if check_csrf(request) is not None:
                raise HttpError(403, "CSRF check failed")
        memberships = list(Membership.objects.select_related("organisation", "user").filter(user=user)[:2])
        if len(memberships) != 1:
            raise PermissionDenied(
                "your account belongs to no organisation" if not memberships else
                "your account belongs to several organisations; use an API token of the one you mean",
                code="auth.no_organisation", message_zh="您的账号未关联唯一的商家，请使用对应商家的 API 令牌")
        m = memberships[0]
        return Caller(organisation=m.organisation, role=m.role, approval_limit=m.refund_approval_limit,
                      user=m.user)


def caller(request: HttpRequest) -> Caller:
    return request.auth  # set by OrganisationAuth on every authenticated endpoint
