"""facts_changed: sent once a message or an inspection has committed, never for a rolled-back change."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import time_machine

from aftersales.cases import services
from aftersales.cases.intake import CaseIn, CaseLineIn, submit_case
from aftersales.cases.permissions import Who
from aftersales.cases.signals import facts_changed, send_after_commit
from tests.factories import make_order, make_org, make_shop

pytestmark = pytest.mark.django_db(transaction=True)
NOW = datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc)


@pytest.fixture
def heard():
    got = []

    def listen(sender, organisation_id, case_ids, data, **kw):
        got.append((sender, organisation_id, case_ids, data))

    facts_changed.connect(listen)
    yield got
    facts_changed.disconnect(listen)


@pytest.fixture
def case():
    shop = make_shop(make_org(), "own_store")
    order = make_order(shop, placed_at=NOW - timedelta(days=4))
    with time_machine.travel(NOW, tick=False):
        case, _ = submit_case(shop.organisation, CaseIn(
            shop_id=shop.pk, order_external_id=order.external_id, case_type="return_refund",
            lines=[CaseLineIn(sku_code=order.lines.first().sku_code, quantity=1)],
            reason_code="no_reason.unwanted"), Who.buyer())
    return case


def test_a_buyer_message_is_announced_after_commit(case, heard):
    msg = services.add_message(case.organisation, case.pk, Who.buyer(), "还没收到退款")
    assert heard == [("message", case.organisation_id, [case.pk], {"messages": [msg.pk], "author": "buyer"})]


def test_an_inspection_is_announced(case, heard):
    services.perform(case.organisation, case.pk, "approve", Who(actor="seller", role="supervisor"))
    services.perform(case.organisation, case.pk, "ship_return", Who.buyer(),
                     services.ActionInput(carrier="SF", tracking_number="SF1"))
    services.inspect_return(case.organisation, case.pk, Who(actor="seller", role="warehouse"), "empty_box",
                            note="box arrived empty")
    assert ("inspection", case.organisation_id, [case.pk], {"outcome": "empty_box"}) in heard


def test_a_refused_change_announces_nothing(case, heard):
    with pytest.raises(Exception):
        services.inspect_return(case.organisation, case.pk, Who(actor="seller", role="warehouse"), "lost")
    assert heard == []


def test_unknown_kinds_are_refused():
    with pytest.raises(ValueError):
        send_after_commit("weather", 1, [1])
