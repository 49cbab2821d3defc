"""Buyer messages read as they arrive; agents' corrections; retraining; the playbook's one-click
offer; the draft reply; self-service answers; the case page and the API."""

from __future__ import annotations

import pytest
from django.test import Client

from aftersales.assist import services, tasks
from aftersales.assist.models import CaseAssessment, OrgModel, PlaybookRule, TrainingExample
from aftersales.cases.models import Case, Offer, TimelineEvent
from aftersales.notify.models import OutboxMessage
from tests.assist.conftest import member, new_case
from tests.factories import make_org, make_shop

pytestmark = pytest.mark.django_db


def kinds(case):
    return list(TimelineEvent.objects.filter(case=case, kind__startswith="assist").values_list("kind", flat=True))


def test_a_buyer_message_types_the_case(case, say):
    say(case, "快递显示签收了但我没收到")
    a = CaseAssessment.objects.get(case=case)
    assert case.problem_type == "not_received" == a.problem_type and a.set_type and a.confidence >= 0.5
    assert kinds(case) == ["assist.problem_type"]
    say(case, "快递显示签收了但我没收到")              # the same words again: read again, no second event
    assert kinds(case).count("assist.problem_type") == 1


def test_an_agents_type_is_kept(case, say):
    Case.objects.filter(pk=case.pk).update(problem_type="usage_question")
    say(case, "快递显示签收了但我没收到")
    case.refresh_from_db()
    assert case.problem_type == "usage_question"
    assert not CaseAssessment.objects.get(case=case).set_type


def test_low_confidence_leaves_the_type_to_the_agent(case, say):
    say(case, "嗯")
    a = CaseAssessment.objects.get(case=case)
    assert case.problem_type == "" and not a.set_type and a.confidence < 0.5


def test_seller_messages_are_not_read(case, say, shop):
    _, agent = member(shop.organisation)
    say(case, "耳机没声音", who=agent)
    assert not CaseAssessment.objects.filter(case=case).exists()


def test_an_angry_buyer_makes_the_case_urgent_and_it_rises(case, say):
    before = case.priority
    say(case, "耳机没声音，再不处理我就去12315投诉！")
    assert case.urgent and case.priority > before
    event = TimelineEvent.objects.get(case=case, kind="assist.urgent")
    assert "投诉" in event.message_zh and "complaint" in event.message_en


def test_correction_becomes_a_training_example_and_retraining_uses_it(case, say, shop):
    say(case, "这个东西有点问题想问问")
    user, agent = member(shop.organisation)
    services.correct_problem_type(shop.organisation, case.pk, agent, "quality_defect")
    case.refresh_from_db()
    assert case.problem_type == "quality_defect"
    ex = TrainingExample.objects.get(organisation=shop.organisation)
    assert ex.text == "这个东西有点问题想问问" and ex.problem_type == "quality_defect" and ex.created_by == user
    assert tasks.due_organisations() == [shop.organisation.pk]
    assert tasks.run_due()["retrained"] == [shop.organisation.pk]
    assert OrgModel.objects.get(organisation=shop.organisation).examples == 1
    assert tasks.run_due() == {"skipped": True}                 # the next tick within the hour: nothing
    own = services.model_for(shop.organisation.pk)
    assert own is not services.classifier.default_model()
    assert own.classify_one("这个东西有点问题想问问").problem_type == "quality_defect"
    other = make_org("Other")
    assert services.model_for(other.pk) is services.classifier.default_model()   # not another tenant's words


def test_a_wrong_type_is_refused(case, shop):
    _, agent = member(shop.organisation)
    with pytest.raises(services.ValidationFailed):
        services.correct_problem_type(shop.organisation, case.pk, agent, "nonsense")


def test_suggestion_offers_in_one_click(case, say, shop):
    say(case, "尺码太小了，想换大一码")
    assert case.problem_type == "size_fit"
    s = services.suggestions(case)
    assert s[0].rule == "size-exchange-gift" and s[0].offers == ("exchange", "gift")
    _, supervisor = member(shop.organisation, "supervisor")
    services.apply_suggestion(shop.organisation, case.pk, supervisor, "size-exchange-gift")
    assert sorted(Offer.objects.filter(case=case, status="proposed").values_list("kind", flat=True)) == ["exchange", "gift"]


def test_delivered_parcel_not_received_suggests_a_claim_without_a_button(case, say):
    say(case, "快递显示签收了但我没收到")
    s = services.suggestions(case)
    assert s[0].rule == "not-received-claim" and s[0].offers == ()
    with pytest.raises(services.NotAllowed):
        services.apply_suggestion(case.organisation, case.pk, services.Who.system(), "not-received-claim")


def test_a_shop_rule_replaces_the_default(case, say, shop):
    PlaybookRule.objects.create(organisation=shop.organisation, shop=shop, key="size-exchange-gift",
                                problem_type="size_fit", offers="exchange", text_zh="只换货", text_en="Exchange only",
                                reason_zh="本店规定", reason_en="our rule")
    say(case, "尺码太小了，想换大一码")
    assert [(s.rule, s.offers, s.en) for s in services.suggestions(case)] == [
        ("size-exchange-gift", ("exchange",), "Exchange only")]


def test_draft_reply_is_in_the_buyers_language_and_filled(case, say):
    say(case, "The dress runs two sizes small")
    d = services.draft_reply(case)
    assert d.language == "en" and case.order.external_id in d.body and "{" not in d.body


def test_refund_question_is_answered_on_the_buyers_channel(case, say):
    say(case, "我的退款什么时候到账？")
    event = TimelineEvent.objects.get(case=case, kind="assist.auto_answer")
    assert event.data["question"] == "where_refund" and case.number in event.message_zh
    assert OutboxMessage.objects.filter(case=case, topic="buyer.message").count() == 1
    assert not case.urgent
    say(case, "没用，我要找人工")                       # not satisfied: an agent takes over
    assert case.urgent and "assist.handover" in kinds(case)


@pytest.mark.parametrize("text, question", [
    pytest.param("退货地址是什么？", "how_to_return", id="return-address"),
    pytest.param("What is your return policy?", "return_policy", id="policy"),
    pytest.param("where is my package?", "where_parcel", id="parcel"),
])
def test_common_questions(case, say, text, question):
    say(case, text)
    assert TimelineEvent.objects.get(case=case, kind="assist.auto_answer").data["question"] == question


def test_other_questions_are_left_to_agents(case, say):
    say(case, "这个颜色和图片不一样")
    assert "assist.auto_answer" not in kinds(case)


def _client(shop, role="supervisor"):
    user, _ = member(shop.organisation, role)
    c = Client()
    c.force_login(user)
    return c


def test_case_page_panel_correction_and_offer(case, say, shop):
    say(case, "尺码太小了，想换大一码")
    c = _client(shop)
    page = c.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="case-assist"' in page and ("Size or fit" in page or "尺码不合适" in page)
    assert "size-exchange-gift" in page
    r = c.post(f"/cases/{case.pk}/assist/apply/", {"rule": "size-exchange-gift", "expected_version": case.version})
    assert r.status_code == 302 and Offer.objects.filter(case=case, kind="exchange").exists()
    r = c.post(f"/cases/{case.pk}/assist/type/", {"problem_type": "quality_defect"})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.problem_type == "quality_defect"


def test_another_tenants_case_is_not_found(case, shop):
    other = make_shop(make_org("Other"), "own_store")
    c = _client(other)
    assert c.post(f"/cases/{case.pk}/assist/type/", {"problem_type": "other"}).status_code == 404


def test_api(case, say, shop):
    say(case, "尺码太小了，想换大一码")
    c = _client(shop)
    r = c.post("/api/v1/assist/classify", {"items": [{"id": 1, "text": "耳机没声音"}, {"id": 2, "text": ""}]},
               content_type="application/json")
    assert r.status_code == 200
    assert [x["problem_type"] for x in r.json()] == ["quality_defect", "other"]
    r = c.get(f"/api/v1/assist/cases/{case.pk}")
    assert r.status_code == 200 and r.json()["problem_type"] == "size_fit" and r.json()["set_by"] == "assist"
    assert r.json()["suggestions"][0]["rule"] == "size-exchange-gift" and r.json()["draft_reply"]["body"]
    r = c.post(f"/api/v1/assist/cases/{case.pk}/problem_type", {"problem_type": "bogus"},
               content_type="application/json")
    assert r.status_code == 422
    r = c.post("/api/v1/assist/classify", {"items": []}, content_type="application/json")
    assert r.status_code == 422
    other = _client(make_shop(make_org("Other"), "own_store"))
    assert other.get(f"/api/v1/assist/cases/{case.pk}").status_code == 404


def test_playbook_page_for_supervisors_changes_the_suggestion(case, say, shop):
    c = _client(shop)
    page = c.get("/supervisor/playbook/")
    assert page.status_code == 200 and "size-exchange-gift" in page.content.decode()
    r = c.post("/supervisor/playbook/", {"key": "size-exchange-gift", "offers": "exchange", "text_zh": "只换尺码",
                                         "text_en": "Exchange only", "is_active": "on"})
    assert r.status_code == 302
    say(case, "尺码太小了，想换大一码")
    assert [(s.offers, s.zh) for s in services.suggestions(case)] == [(("exchange",), "只换尺码")]
    assert c.post("/supervisor/playbook/", {"key": "size-exchange-gift", "offers": "bogus", "text_zh": "x"}).status_code == 302
    assert PlaybookRule.objects.get(key="size-exchange-gift").offers == "exchange"      # refused, unchanged
    c.post("/supervisor/playbook/", {"key": "size-exchange-gift", "offers": "exchange", "text_zh": "只换尺码"})
    assert services.suggestions(case) == []                                              # switched off


def test_playbook_page_is_for_supervisors_only(shop):
    assert _client(shop, "agent").get("/supervisor/playbook/").status_code == 403
