"""The two-stage classifier: clear messages in both languages, awkward input, and the shipped model
rebuilt from the shipped examples."""

from __future__ import annotations

import numpy as np
import pytest

from aftersales.assist import classifier, features, training
from aftersales.domain.problems import KEYS


@pytest.fixture(scope="module")
def model():
    return classifier.default_model()


@pytest.mark.parametrize("text, kind", [
    pytest.param("快递显示签收了但我没收到", "not_received", id="zh-signed-not-received"),
    pytest.param("耳机没声音", "quality_defect", id="zh-no-sound"),
    pytest.param("the dress runs two sizes small", "size_fit", id="en-runs-small"),
    pytest.param("发票抬头要改成公司", "price_refund", id="zh-invoice"),
    pytest.param("买完就降价了，能申请价保吗", "price_refund", id="zh-price-protection"),
    pytest.param("地址填错了，帮我改一下收货地址", "order_change", id="zh-address"),
    pytest.param("还没发货，帮我取消订单", "order_change", id="zh-cancel"),
    pytest.param("下单五天了怎么还没发货", "logistics_delay", id="zh-not-shipped"),
    pytest.param("这个空调怎么安装", "usage_question", id="zh-install"),
    pytest.param("It arrived broken, the glass was shattered", "damaged", id="en-broken"),
    pytest.param("You sent the wrong color", "wrong_or_missing", id="en-wrong-item"),
    pytest.param("looks nothing like the picture", "not_as_described", id="en-not-as-pictured"),
])
def test_clear_messages(model, text, kind):
    r = model.classify_one(text)
    assert r.problem_type == kind and r.confidence >= classifier.CONFIDENT


def test_empty_text_is_other_with_no_confidence(model):
    r = model.classify_one("   ")
    assert (r.problem_type, r.confidence, r.stage) == ("other", 0.0, 0)
    assert not classifier.confidence_ok(r)


def test_long_text_is_cut_not_refused(model):
    r = model.classify_one("耳机没声音。" + "啊" * 100_000)
    assert r.problem_type in KEYS and 0.0 <= r.confidence <= 1.0


@pytest.mark.parametrize("text", ["😡😡😡", "我的 order 还没 ship 😭 where is it", "\u200b\x00\ufeff", "[订单x] 12345"])
def test_odd_input_gets_an_answer(model, text):
    r = model.classify_one(text)
    assert r.problem_type in KEYS and 0.0 <= r.confidence <= 1.0


def test_language_guess():
    assert features.language("快递没到") == "zh" and features.language("where is my parcel") == "en"
    assert features.language("我的 order 还没到") == "zh"


def test_stage_two_answers_with_probabilities(model):
    p = model.stage_two(["手机屏幕有坏点"])
    assert p.shape == (1, len(KEYS)) and abs(float(p.sum()) - 1.0) < 1e-4


def test_shipped_model_is_rebuilt_from_the_shipped_examples(model):
    coef, intercept = training.fit()
    assert np.allclose(coef.astype(np.float16).astype(np.float32), model.coef_t.T, atol=2e-3)
    assert np.allclose(intercept, model.intercept, atol=1e-4)
