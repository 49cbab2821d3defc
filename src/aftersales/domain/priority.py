"""Priority of an open case in the agents' queue: one number, a band, and the reasons (zh and en).

Pure Python, no Django import.  The formula is a plain sum, so an agent can check it by hand:

    value = urgent + vip + channel + time

    urgent    250  the case is flagged urgent (by a person or a rule)
    vip       150  the buyer is a VIP (policies.Evaluation.vip)
    channel   how the buyer reached us, ChannelWeights; by default
                chat (in-app chat) 100 > hotline 80 > email 50 > webhook, platform, portal, import, api 20;
                a channel without a weight gets 0
    time      the time left before the case's nearest deadline, by `time_band`:
                band 4  overdue (no time left)       500
                band 3  less than 4 hours left       350
                band 2  less than 24 hours left      200
                band 1  less than 72 hours left       80
                band 0  72 hours or more, or none      0

With the default weights the value runs from 0 to 1000.  Bands of the value:
critical >= 500 (so anything overdue is critical), high >= 300, normal >= 120, low below.

A channel weight stays within 0..200 so that no channel outweighs an overdue deadline.

Only the time term moves by itself, and only when the time band changes: a sweep stores
`time_band(due_at - now)` with the case and recomputes the score when that number changes.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from types import MappingProxyType

URGENT_POINTS = 250
VIP_POINTS = 150
MAX_CHANNEL_POINTS = 200

# Time bands below the overdue one (band 4): the band applies while the time left is under the bound.
_TIME_BOUNDS: tuple[tuple[timedelta, int], ...] = (
    (timedelta(hours=4), 3), (timedelta(hours=24), 2), (timedelta(hours=72), 1),
)
TIME_POINTS: Mapping[int, int] = MappingProxyType({4: 500, 3: 350, 2: 200, 1: 80, 0: 0})

DEFAULT_CHANNEL_WEIGHTS: Mapping[str, int] = MappingProxyType({
    "chat": 100, "hotline": 80, "email": 50,
    "webhook": 20, "platform": 20, "portal": 20, "import": 20, "api": 20,
})
_CHANNEL_ZH = {"chat": "在线聊天", "hotline": "电话", "email": "邮件", "webhook": "平台推送",
               "platform": "平台同步", "portal": "自助售后页", "import": "导入",
               "api": "接口"}


class Band(enum.StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


# Lowest value of each band, highest band first.
BAND_FLOORS: tuple[tuple[int, Band], ...] = ((500, Band.CRITICAL), (300, Band.HIGH), (120, Band.NORMAL))


@dataclass(frozen=True)
class ChannelWeights:
    """Points per channel (lower-case names); a channel not named gets `unknown`.

    `ChannelWeights()` is the default table; `ChannelWeights.overriding({"email": 90})` changes some
    channels and keeps the others."""

    by_channel: Mapping[str, int] = field(default_factory=lambda: DEFAULT_CHANNEL_WEIGHTS)
    unknown: int = 0

    def __post_init__(self) -> None:
        for name, points in [*self.by_channel.items(), ("unknown", self.unknown)]:
            if type(points) is not int or not 0 <= points <= MAX_CHANNEL_POINTS:
                raise ValueError(f"channel weight {name!r} must be a whole number from 0 to "
                                 f"{MAX_CHANNEL_POINTS}, not {points!r}")
        # Frozen, and keyed case-insensitively, whatever mapping the caller passed.
        object.__setattr__(self, "by_channel", MappingProxyType(
            {name.strip().lower(): points for name, points in self.by_channel.items()}))

    @classmethod
    def overriding(cls, overrides: Mapping[str, int], unknown: int = 0) -> ChannelWeights:
        return cls({**DEFAULT_CHANNEL_WEIGHTS, **{k.strip().lower(): v for k, v in overrides.items()}},
                   unknown)

    def points(self, channel: str) -> int:
        return self.by_channel.get(channel.strip().lower(), self.unknown)


@dataclass(frozen=True)
class Priority:
    value: int                       # 0..1000 with the default weights
    band: Band                       # a str: "critical" | "high" | "normal" | "low"
    reasons_zh: tuple[str, ...]      # one per term that scored, with its points
    reasons_en: tuple[str, ...]
    time_band: int = 0               # time_band(time_left), stored so that a sweep sees it change


def time_band(time_left: timedelta | None) -> int:
    """4 overdue, 3 under 4 hours, 2 under 24 hours, 1 under 72 hours, 0 otherwise or no deadline."""
    if time_left is None:
        return 0
    if time_left <= timedelta(0):
        return 4
    for bound, band in _TIME_BOUNDS:
        if time_left < bound:
            return band
    return 0


def time_band_windows() -> tuple[tuple[int, timedelta | None, timedelta | None], ...]:
    """(band, lowest time left, highest time left) for the bands with points: a band holds the
    time left t with low < t <= high for the overdue band, low <= t < high for the others."""
    return ((4, None, timedelta(0)), (3, timedelta(0), timedelta(hours=4)),
            (2, timedelta(hours=4), timedelta(hours=24)), (1, timedelta(hours=24), timedelta(hours=72)))


def band_of(value: int) -> Band:
    return _band_of(value)


def _duration(td: timedelta) -> tuple[str, str]:
    """'2 天 3 小时' / '2d 3h', '3 小时 15 分钟' / '3h 15m', '15 分钟' / '15m' (rounded down)."""
    minutes = int(abs(td).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} 天 {hours} 小时", f"{days}d {hours}h"
    if hours:
        return f"{hours} 小时 {mins} 分钟", f"{hours}h {mins}m"
    return f"{mins} 分钟", f"{mins}m"


def _band_of(value: int) -> Band:
    for floor, band in BAND_FLOORS:
        if value >= floor:
            return band
    return Band.LOW


def score(*, urgent: bool, vip: bool, channel: str, time_left: timedelta | None,
          weights: ChannelWeights | Mapping[str, int] | None = None,
          boosts: Iterable[Sequence] = ()) -> Priority:
    """The priority of one case; `weights` as a plain mapping overrides the default channel weights.

    `boosts` are further terms other parts set on a case (a stuck parcel, say): each a
    (points, zh, en) triple, as stored in Case.priority_boosts."""
    if weights is None:
        weights = ChannelWeights()
    elif not isinstance(weights, ChannelWeights):
        weights = ChannelWeights.overriding(weights)
    terms: list[tuple[int, str, str]] = []          # (points, zh, en)
    if urgent:
        terms.append((URGENT_POINTS, "紧急", "urgent"))
    if vip:
        terms.append((VIP_POINTS, "VIP 买家", "VIP buyer"))
    channel_points = weights.points(channel)
    if channel_points:
        name = channel.strip().lower()
        terms.append((channel_points, f"渠道：{_CHANNEL_ZH.get(name, name)}", f"channel: {name}"))
    for points, zh, en in boosts:
        if int(points):
            terms.append((int(points), str(zh), str(en)))
    band = time_band(time_left)
    if band:
        assert time_left is not None
        zh, en = _duration(time_left)
        if band == 4:
            overdue = time_left <= -timedelta(minutes=1)
            terms.append((TIME_POINTS[band], f"已超时 {zh}" if overdue else "已到期",
                          f"overdue by {en}" if overdue else "due now"))
        else:
            terms.append((TIME_POINTS[band], f"剩余 {zh}", f"{en} left"))
    value = sum(points for points, _, _ in terms)
    return Priority(
        value=value, band=_band_of(value),
        reasons_zh=tuple(f"{zh} +{points}" for points, zh, _ in terms),
        reasons_en=tuple(f"{en} +{points}" for points, _, en in terms),
        time_band=band,
    )
