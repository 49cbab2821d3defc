"""The pure rules: urgency from the buyer's words, the playbook's suggestions, the type labels."""

from __future__ import annotations

import pytest

from aftersales.domain import playbook, problems, urgency


@pytest.mark.parametrize("text, signal", [
    pytest.param("你们这是什么服务，垃圾！", "anger", id="zh-anger"),
    pytest.param("再不处理我就去12315投诉", "threat", id="zh-12315"),
    pytest.param("不退款就给差评", "threat", id="zh-bad-review"),
    pytest.param("明天要用，很急", "time", id="zh-tomorrow"),
    pytest.param("I will file a chargeback if this is not fixed", "threat", id="en-chargeback"),
    pytest.param("I need it by tomorrow for my wedding, urgent", "time", id="en-urgent"),
    pytest.param("Where is it!!!!", "marks", id="marks"),
    pytest.param("什么时候发货 什么时候发货 什么时候发货", "repeat", id="zh-repeat"),
])
def test_urgent_signals(text, signal):
    u = urgency.assess(text)
    assert u.urgent and signal in u.signals
    assert len(u.reasons_zh) == len(u.reasons_en) == len(u.signals)


@pytest.mark.parametrize("text", [
    pytest.param("请问什么时候发货", id="zh-calm"),
    pytest.param("Very disappointed, returned it.", id="en-disappointed"),
    pytest.param("", id="empty"),
    pytest.param("好的 好的 好的 谢谢", id="fillers-are-not-repetition"),
])
def test_calm_messages_are_normal(text):
    assert not urgency.assess(text).urgent


def test_asking_again_counts_as_repetition():
    assert urgency.assess("我的退款什么时候到账", earlier=("请问我的退款什么时候到账",)).signals == ("repeat",)


def test_not_received_with_delivered_tracking_suggests_a_carrier_claim_first():
    s = playbook.suggest("not_received", playbook.Facts(tracking_delivered=True))
    assert s[0].rule == "not-received-claim" and s[0].offers == ()
    assert "承运商" in s[0].zh and "carrier" in s[0].en
    assert [x.rule for x in playbook.suggest("not_received", playbook.Facts())] == ["not-received-reship"]


@pytest.mark.parametrize("kind, facts, first, offers", [
    pytest.param("logistics_delay", playbook.Facts(), "delay-reship", ("reship",), id="delay-reship"),
    pytest.param("quality_defect", playbook.Facts(quality_confirmed=True), "quality-reship", ("reship",),
                 id="quality-confirmed-reship"),
    pytest.param("quality_defect", playbook.Facts(), "quality-refund", ("refund",), id="quality-unconfirmed-refund"),
    pytest.param("size_fit", playbook.Facts(), "size-exchange-gift", ("exchange", "gift"), id="size-exchange-gift"),
])
def test_default_playbook(kind, facts, first, offers):
    s = playbook.suggest(kind, facts)
    assert s[0].rule == first and s[0].offers == offers and s[0].reason_zh and s[0].reason_en


def test_delay_offers_refund_with_coupon_second():
    assert [s.offers for s in playbook.suggest("logistics_delay", playbook.Facts())] == [("reship",), ("refund", "coupon")]


def test_a_shop_rule_list_replaces_the_defaults():
    own = (playbook.Rule("x", "size_fit", ("refund",), "退款", "Refund", "因为", "because"),)
    assert [s.rule for s in playbook.suggest("size_fit", playbook.Facts(), own)] == ["x"]


def test_twelve_types_with_labels_and_template_kinds():
    assert len(problems.KEYS) == 12 and set(problems.COARSE) == set(problems.KEYS)
    assert problems.label("size_fit", "zh-hans") == "尺码不合适" and problems.label("size_fit", "en") == "Size or fit"
