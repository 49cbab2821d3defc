"""Reply templates: the defaults cover every problem type in both languages and follow the tone
rules; placeholders are filled from the case; a shop's own wording replaces the defaults."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
import time_machine

from aftersales.cases import replies, services
from aftersales.cases.explain import PROBLEM_KINDS, problem_kind
from aftersales.cases.intake import CaseIn, submit_case
from aftersales.cases.models import ReplyTemplate
from aftersales.cases.permissions import Who
from aftersales.cases.services import ActionInput
from aftersales.domain.reasons import REASONS
from tests.factories import make_order, make_org, make_shop

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc)   # 10:00 in Shanghai


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def new_case(reason_code="quality.damaged", platform="own_store", **shop):
    org = make_org()
    shop = make_shop(org, platform, name="山野生活", auto_approve_small_return_max=Decimal("0"),
                     auto_approve_unshipped_refund=False, **shop)
    order = make_order(shop, placed_at=NOW - timedelta(days=4))
    case, _ = submit_case(org, CaseIn(shop_id=shop.pk, order_external_id=order.external_id, case_type="return_refund",
                                      reason_code=reason_code), Who.buyer())
    return case


def test_every_problem_type_has_templates_in_both_languages():
    have = {(t.kind, t.language) for t in replies.DEFAULT_TEMPLATES}
    assert have == {(k, lang) for k in PROBLEM_KINDS for lang in replies.LANGUAGES}
    assert len({t.key for t in replies.DEFAULT_TEMPLATES}) == len(replies.DEFAULT_TEMPLATES)


@pytest.mark.parametrize("template", [pytest.param(t, id=t.key) for t in replies.DEFAULT_TEMPLATES])
def test_the_defaults_follow_the_tone_rules(template):
    """Placeholders are known ones; the first sentence acknowledges how the buyer feels or thanks
    them; the reply asks a choice question or says what happens next; no negative wording."""
    names = set(re.findall(r"\{([a-z_]+)\}", template.body))
    assert names <= set(replies.PLACEHOLDERS), names
    body = template.body
    if template.language == "zh":
        first = body.split("。")[0] + body.split("。")[1]
        assert re.search(r"抱歉|理解|心情|谢谢|感谢|久等|着急|失望|遗憾|耐心", first), first
        assert not re.search(r"不能|无法|不可以|拒绝", body)
    else:
        first = " ".join(re.split(r"(?<=[.!?])\s", body)[:2])
        assert re.search(r"sorry|understand|thank|frustrat|disappoint|patience|good news", first, re.I), first
        assert not re.search(r"\b(can't|cannot|unable|won't|refuse)\b", body, re.I)
    others = [t for t in replies.DEFAULT_TEMPLATES if (t.kind, t.language) == (template.kind, template.language)]
    assert any("？" in t.body or "?" in t.body for t in others)              # each set asks a choice question
    if "？" in body or "?" in body:
        assert re.search(r"还是|或者|哪|or |Which|which|\d\)", body), "a choice, not an open question"


@pytest.mark.parametrize("code, kind", [
    pytest.param("no_reason.size_fit", "no_reason", id="no-reason"),
    pytest.param("quality.malfunction", "quality", id="quality"),
    pytest.param("counterfeit", "not_as_described", id="counterfeit-is-not-as-described"),
    pytest.param("fulfilment.missing_item", "fulfilment", id="fulfilment"),
    pytest.param("logistics.damaged_in_transit", "logistics", id="logistics"),
    pytest.param("price.protection", "price", id="price"),
    pytest.param("negotiated", "other", id="negotiated-is-other"),
    pytest.param("nonsense", "other", id="unknown"),
])
def test_the_problem_type_of_a_reason(code, kind):
    assert problem_kind(code) == kind


def test_every_canonical_reason_has_a_problem_type():
    assert {problem_kind(code) for code in REASONS} <= set(PROBLEM_KINDS)


def test_placeholders_are_filled_from_the_case():
    case = new_case(refund_within_days=5)
    template = replies.find(case.organisation, "default-quality-zh-1")
    text = replies.render(case, template)
    assert case.number in text and case.buyer.name in text
    assert "11月25日前" in text                         # no refund yet: the shop's promise from today
    english = replies.render(case, replies.find(case.organisation, "default-quality-en-1"))
    assert "by Nov. 25" in english
    services.perform(case.organisation, case.pk, "approve", Who(actor="seller", role="supervisor"))
    services.perform(case.organisation, case.pk, "ship_return", Who.buyer(),
                     ActionInput(carrier="SF", tracking_number="SF0001"))
    logistics = replies.find(case.organisation, "default-logistics-zh-0")
    assert "SF0001" in replies.render(case, logistics)


def test_a_value_the_case_lacks_is_marked_for_the_agent():
    case = new_case()
    case.order.shipments.all().delete()
    assert "【运单号】" in replies.fill("运单 {tracking_number}", replies.values(case, "zh"), "zh")
    assert "[tracking number]" in replies.fill("tracking {tracking_number}", replies.values(case, "en"), "en")
    assert replies.fill("{unknown} {{", {}, "en") == "{unknown} {{"


def test_a_shops_own_wording_replaces_the_defaults_of_its_type_and_language():
    case = new_case()
    org = case.organisation
    ReplyTemplate.objects.create(organisation=org, kind="quality", language="zh", title="我们的话术",
                                 body="{buyer_name}，给您添麻烦了，换新还是退款？")
    ReplyTemplate.objects.create(organisation=org, kind="quality", language="en", title="Switched off",
                                 body="x", is_active=False)
    mine = replies.templates_for(org)
    quality_zh = [t for t in mine if (t.kind, t.language) == ("quality", "zh")]
    assert [t.title for t in quality_zh] == ["我们的话术"] and quality_zh[0].own
    assert len([t for t in mine if (t.kind, t.language) == ("quality", "en")]) == 2   # the inactive one changes nothing
    assert replies.suggested(case, mine, "zh").title == "我们的话术"
    other_org = make_org()
    assert all(not t.own for t in replies.templates_for(other_org))


def test_the_composer_language_follows_the_shop():
    assert replies.default_language(new_case()) == "zh"
    assert replies.default_language(new_case(platform="tiktok_shop")) == "en"
