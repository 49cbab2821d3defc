"""Queue priority (domain.priority): the documented sum, its bands and its reasons."""

from __future__ import annotations

import dataclasses
import re
from datetime import timedelta

import pytest

from aftersales.domain.priority import Band, ChannelWeights, Priority, score, time_band

H = timedelta(hours=1)
M = timedelta(minutes=1)


@pytest.mark.parametrize("time_left, band", [
    pytest.param(None, 0, id="no-deadline"),
    pytest.param(100 * H, 0, id="100h-left"),
    pytest.param(72 * H, 0, id="exactly-72h-left"),
    pytest.param(72 * H - M, 1, id="just-under-72h"),
    pytest.param(24 * H, 1, id="exactly-24h-left"),
    pytest.param(24 * H - M, 2, id="just-under-24h"),
    pytest.param(4 * H, 2, id="exactly-4h-left"),
    pytest.param(4 * H - M, 3, id="just-under-4h"),
    pytest.param(timedelta(seconds=1), 3, id="one-second-left"),
    pytest.param(timedelta(0), 4, id="due-now-is-overdue"),
    pytest.param(-3 * H, 4, id="overdue-3h"),
])
def test_time_band(time_left, band):
    assert time_band(time_left) == band


@pytest.mark.parametrize("kw, value, band, reasons_en", [
    pytest.param(dict(urgent=False, vip=False, channel="webhook", time_left=-2 * H - 15 * M), 520, Band.CRITICAL,
                 ("channel: webhook +20", "overdue by 2h 15m +500"), id="overdue-webhook-is-critical"),
    pytest.param(dict(urgent=True, vip=True, channel="chat", time_left=None), 500, Band.CRITICAL,
                 ("urgent +250", "VIP buyer +150", "channel: chat +100"), id="urgent-vip-chat-critical"),
    pytest.param(dict(urgent=False, vip=False, channel="chat", time_left=3 * H), 450, Band.HIGH,
                 ("channel: chat +100", "3h 0m left +350"), id="chat-under-4h-high"),
    pytest.param(dict(urgent=True, vip=False, channel="email", time_left=None), 300, Band.HIGH,
                 ("urgent +250", "channel: email +50"), id="urgent-email-high"),
    pytest.param(dict(urgent=False, vip=True, channel="hotline", time_left=30 * H), 310, Band.HIGH,
                 ("VIP buyer +150", "channel: hotline +80", "1d 6h left +80"), id="vip-hotline-under-72h-high"),
    pytest.param(dict(urgent=False, vip=False, channel="email", time_left=20 * H), 250, Band.NORMAL,
                 ("channel: email +50", "20h 0m left +200"), id="email-under-24h-normal"),
    pytest.param(dict(urgent=False, vip=False, channel="portal", time_left=50 * H), 100, Band.LOW,
                 ("channel: portal +20", "2d 2h left +80"), id="portal-under-72h-low"),
    pytest.param(dict(urgent=False, vip=False, channel="import", time_left=None), 20, Band.LOW,
                 ("channel: import +20",), id="import-no-deadline-low"),
    pytest.param(dict(urgent=False, vip=False, channel="fax", time_left=10 * 24 * H), 0, Band.LOW,
                 (), id="unknown-channel-far-deadline-zero"),
    pytest.param(dict(urgent=True, vip=True, channel="chat", time_left=-M), 1000, Band.CRITICAL,
                 ("urgent +250", "VIP buyer +150", "channel: chat +100", "overdue by 1m +500"), id="everything-1000"),
])
def test_score(kw, value, band, reasons_en):
    priority = score(**kw)

    assert (priority.value, priority.band, priority.reasons_en) == (value, band, reasons_en)
    assert len(priority.reasons_zh) == len(reasons_en)
    assert priority.time_band == time_band(kw["time_left"])


def test_reasons_add_up_to_the_value():
    priority = score(urgent=True, vip=True, channel="hotline", time_left=5 * H)

    for reasons in (priority.reasons_en, priority.reasons_zh):
        assert sum(int(re.search(r"\+(\d+)$", r).group(1)) for r in reasons) == priority.value


def test_reasons_in_chinese():
    priority = score(urgent=True, vip=True, channel="chat", time_left=-(2 * H + 15 * M))

    assert priority.reasons_zh == ("紧急 +250", "VIP 买家 +150", "渠道：在线聊天 +100", "已超时 2 小时 15 分钟 +500")


def test_due_this_minute_says_due_now():
    priority = score(urgent=False, vip=False, channel="email", time_left=timedelta(seconds=-20))

    assert priority.reasons_en[-1] == "due now +500"
    assert priority.reasons_zh[-1] == "已到期 +500"


def test_default_channel_order():
    def value(channel):
        return score(urgent=False, vip=False, channel=channel, time_left=None).value

    assert value("chat") > value("hotline") > value("email") > value("webhook") > value("unknown-channel")
    assert value("webhook") == value("platform") == value("portal") == value("import") == value("api")


def test_channel_names_are_case_insensitive():
    assert score(urgent=False, vip=False, channel=" Chat ", time_left=None).value == 100


@pytest.mark.parametrize("weights, chat, email, fax", [
    pytest.param({"email": 150}, 100, 150, 0, id="mapping-overrides-defaults-keeps-the-rest"),
    pytest.param(ChannelWeights.overriding({"EMAIL": 150}, unknown=5), 100, 150, 5, id="overriding-with-unknown"),
    pytest.param(ChannelWeights({"chat": 10}), 10, 0, 0, id="full-table-replaces-defaults"),
])
def test_channel_weights_are_configurable(weights, chat, email, fax):
    def value(channel):
        return score(urgent=False, vip=False, channel=channel, time_left=None, weights=weights).value

    assert (value("chat"), value("email"), value("fax")) == (chat, email, fax)


@pytest.mark.parametrize("weights", [
    pytest.param({"chat": -1}, id="negative"),
    pytest.param({"chat": 201}, id="would-outweigh-overdue"),
    pytest.param({"chat": 1.5}, id="not-whole"),
    pytest.param({"chat": True}, id="bool"),
])
def test_bad_channel_weights_are_refused(weights):
    with pytest.raises(ValueError, match="chat"):
        ChannelWeights.overriding(weights)


@pytest.mark.parametrize("channel_points, urgent, vip, band", [
    pytest.param(119, False, False, Band.LOW, id="119-low"),
    pytest.param(120, False, False, Band.NORMAL, id="120-normal"),
    pytest.param(49, True, False, Band.NORMAL, id="299-normal"),
    pytest.param(50, True, False, Band.HIGH, id="300-high"),
    pytest.param(99, True, True, Band.HIGH, id="499-high"),
    pytest.param(100, True, True, Band.CRITICAL, id="500-critical"),
])
def test_band_floors(channel_points, urgent, vip, band):
    priority = score(urgent=urgent, vip=vip, channel="x", time_left=None, weights={"x": channel_points})

    assert priority.band == band
    assert priority.band == band.value  # a plain str for templates and JSON


def test_every_overdue_case_is_critical_whatever_the_rest():
    assert score(urgent=False, vip=False, channel="nowhere", time_left=-H).band == Band.CRITICAL


def test_score_moves_only_when_the_time_band_changes():
    """What a sweep relies on: same band, same score."""
    five_hours = score(urgent=False, vip=True, channel="email", time_left=5 * H)
    four_hours_one = score(urgent=False, vip=True, channel="email", time_left=4 * H + M)
    three_fifty_nine = score(urgent=False, vip=True, channel="email", time_left=4 * H - M)

    assert five_hours.time_band == four_hours_one.time_band == 2
    assert five_hours.value == four_hours_one.value
    assert three_fifty_nine.time_band == 3
    assert three_fifty_nine.value > five_hours.value


def test_priority_is_frozen():
    priority = score(urgent=False, vip=False, channel="chat", time_left=None)

    assert isinstance(priority, Priority)
    with pytest.raises(dataclasses.FrozenInstanceError):
        priority.value = 999  # type: ignore[misc]
