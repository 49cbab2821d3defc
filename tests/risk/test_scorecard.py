"""The pure scorecard: every signal, and the honest buyers who must stay low."""

from __future__ import annotations

from decimal import Decimal

import pytest

from aftersales.domain import risk as rk

H = rk.BuyerHistory
R = rk.RequestFacts


def req(**kw) -> rk.RequestFacts:
    return R(**{"case_type": "return_refund", "reason_code": "no_reason.unwanted", "amount": Decimal("99"), **kw})


def codes(history=H(), request=None) -> set[str]:
    return {r.code for r in rk.assess(history, request or req()).reasons}


@pytest.mark.parametrize("history,request_,code", [
    pytest.param(H(orders=6, cases=6), req(), "return_rate", id="serial-returner"),
    pytest.param(H(orders=5, cases=4, refund_only=4), req(), "refund_only_share", id="mostly-refund-only"),
    pytest.param(H(orders=3, cases=1, not_received=1, not_received_delivered=1), req(), "not_received_delivered",
                 id="earlier-not-received-while-delivered"),
    pytest.param(H(orders=3, cases=1, rejected_inspections=1), req(), "rejected_inspections", id="empty-box-before"),
    pytest.param(H(orders=5, cases=3, requests_24h=3, requests_7d=3), req(), "velocity_24h", id="three-in-a-day"),
    pytest.param(H(orders=9, cases=5, requests_7d=5), req(), "velocity_7d", id="five-in-a-week"),
    pytest.param(H(orders=6, cases=4, protected_returns=3), req(), "protected_returns", id="insured-returns"),
    pytest.param(H(orders=4, spend=Decimal("400")), req(amount=Decimal("900")), "amount_vs_usual", id="big-amount"),
    pytest.param(H(), req(risky_category=True), "risky_category", id="risky-category"),
    pytest.param(H(), req(reason_code="quality.defect", words="其实就是不想要了"), "reason_contradiction",
                 id="quality-but-changed-mind-zh"),
    pytest.param(H(), req(reason_code="quality", words="I changed my mind"), "reason_contradiction",
                 id="quality-but-changed-mind-en"),
    pytest.param(H(), req(reason_code="logistics.not_delivered", delivered=True), "claim_vs_tracking",
                 id="not-received-but-signed"),
    pytest.param(H(), req(reused_photos_other=1), "photo_reused_other", id="photo-of-another-buyer"),
    pytest.param(H(), req(reused_photos_own=1), "photo_reused_own", id="own-old-photo"),
    pytest.param(H(), req(similar_texts=2), "similar_text", id="same-text-as-others"),
    pytest.param(H(), req(risky_category=True, hours_since_delivery=150.0), "late_no_reason_return",
                 id="wardrobing"),
    pytest.param(H(), req(rejected_here=True), "inspection_failed", id="this-return-failed-inspection"),
])
def test_each_signal_gives_its_reason(history, request_, code):
    reasons = {r.code: r for r in rk.assess(history, request_).reasons}
    assert code in reasons
    assert reasons[code].points > 0 and reasons[code].zh and reasons[code].en


@pytest.mark.parametrize("history,request_", [
    pytest.param(H(orders=1, cases=0), req(), id="new-buyer-first-case"),
    pytest.param(H(orders=1, cases=0), req(case_type="refund_only", reason_code="quality.damaged"),
                 id="new-buyer-first-refund-only"),
    pytest.param(H(orders=25, cases=1, spend=Decimal("5000")), req(), id="loyal-buyer-one-more-return"),
    pytest.param(H(orders=2, cases=1), req(reason_code="logistics.not_delivered", delivered=True),
                 id="one-not-received-while-signed"),
    pytest.param(H(orders=1), req(reason_code="quality.defect", words="拉链坏了，质量太差"), id="real-quality-words"),
    pytest.param(H(orders=1), req(risky_category=True), id="first-apparel-return"),
    pytest.param(H(orders=6, cases=1, rejected_inspections=1), req(risky_category=True),
                 id="one-parcel-damaged-in-the-post-before"),
    pytest.param(H(orders=2), req(similar_texts=2, risky_category=True), id="common-words-once"),
])
def test_honest_buyers_stay_low(history, request_):
    assert rk.assess(history, request_).level == rk.Level.LOW


def test_smoothing_keeps_one_case_of_a_new_buyer_modest():
    assert rk.smoothed_rate(1, 1) < 0.3
    assert rk.smoothed_rate(8, 10) > 0.5


def test_thresholds_are_per_shop():
    history = H(orders=3, cases=2, rejected_inspections=2)
    assert rk.assess(history, req()).level == rk.Level.MEDIUM
    assert rk.assess(history, req(), rk.Thresholds(medium=50, high=90)).level == rk.Level.LOW
    assert rk.assess(history, req(), rk.Thresholds(medium=10, high=25)).level == rk.Level.HIGH


def test_the_score_is_the_sum_of_its_reasons():
    a = rk.assess(H(orders=3, cases=1, rejected_inspections=1), req(risky_category=True))
    assert a.score == sum(r.points for r in a.reasons) == 30


def test_near_identical_texts_share_a_band_and_short_ones_are_ignored():
    a = rk.simhash("我收到的包裹是空的，里面什么都没有，快递员也没有让我验货，请尽快退款")
    b = rk.simhash("我收到的包裹是空的!!里面什么都没有,快递员也没有让我验货，请尽快退款。")
    c = rk.simhash("衣服颜色和图片上完全不一样，面料也很薄，穿上以后起球严重")
    assert rk.hamming(a, b) <= 3 and set(rk.bands(a)) & set(rk.bands(b))
    assert rk.hamming(a, c) > 10
    assert rk.simhash("质量问题") is None
