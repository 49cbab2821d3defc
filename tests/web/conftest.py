"""Two merchants with shops, people in every role and cases, for the workbench's tests (the Django
test client here; tests/web/browser.py adds the real browser)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from aftersales import clock
from aftersales.accounts.models import Membership, Organisation
from aftersales.cases.intake import CaseIn, submit_case
from aftersales.cases.models import Case
from aftersales.cases.permissions import Who
from aftersales.catalog.models import Shop
from tests.factories import make_order, make_org, make_shop
from tests.web.browser import chromium, open_page  # noqa: F401  (fixtures of the browser tests)

PASSWORD = "pw-for-tests-1"
_names = itertools.count(1)


@dataclass
class Merchant:
    org: Organisation
    own: Shop           # own store, nothing approved automatically
    douyin: Shop
    people: dict[str, object] = field(default_factory=dict)   # role -> user

    def person(self, role: str, username: str = "", **membership):
        user = get_user_model().objects.create_user(username or f"{role}-{next(_names)}", password=PASSWORD)
        Membership.objects.create(user=user, organisation=self.org, role=role, **membership)
        self.people.setdefault(role, user)
        return user

    def case(self, *, shop: Shop | None = None, case_type: str = "return_refund", priority: int | None = None,
             buyer: str = "", price: str = "199.00", **kw) -> Case:
        shop = shop or self.own
        order = make_order(shop, placed_at=clock.now() - timedelta(days=3), price=price, buyer=buyer)
        case, _ = submit_case(self.org, CaseIn(shop_id=shop.pk, order_external_id=order.external_id,
                                               case_type=case_type,
                                               reason_code=kw.pop("reason_code", "no_reason.unwanted"), **kw),
                              Who.buyer())
        if priority is not None:
            Case.objects.filter(pk=case.pk).update(priority=priority)
            case.refresh_from_db()
        return case


def merchant(name: str) -> Merchant:
    org = make_org(name)
    own = make_shop(org, "own_store", name=f"{name} web store", auto_approve_small_return_max=Decimal("0"),
                    auto_approve_unshipped_refund=False)
    douyin = make_shop(org, "douyin", name=f"{name} Douyin", auto_approve_small_return_max=Decimal("0"),
                       auto_approve_unshipped_refund=False)
    return Merchant(org, own, douyin)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Real password hashing costs a quarter of a second a login; these tests log in often."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_cache():
    """The login throttle counts in the cache: no test sees another's failures."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def a(db) -> Merchant:
    return merchant("Merchant A")


@pytest.fixture
def b(db) -> Merchant:
    return merchant("Merchant B")


def login(client, user):
    client.force_login(user)
    return client
