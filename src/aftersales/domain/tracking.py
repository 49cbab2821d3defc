"""Parcels and their scans: normalised statuses, the carriers as data, and when a parcel is stuck.

Pure Python (no Django): the logistics app stores parcels and events and calls these functions
with `now` and the facts.

    Status           what the carrier's scan means
    accepted         picked up / 已揽收
    in_transit       moving between sites / 运输中
    at_hub           arrived at a sorting centre / 到达转运中心
    out_for_delivery with the courier / 派送中
    delivered        signed for / 已签收
    exception        a problem scan / 异常件 (lost and damaged are exceptions of a kind)
    returned         on its way back or back at the sender / 退回
    lost, damaged    accepted as input: an exception whose kind is known

A parcel is *stuck* when it is not delivered or returned and the carrier's scans have not moved
for the carrier's number of days (natural days, or business days for carriers that do not sort on
weekends).  What to do then depends on how long it has been: first chase the carrier, after twice
the limit offer the buyer a reship or a refund.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum


class Status(StrEnum):
    ACCEPTED = "accepted"
    IN_TRANSIT = "in_transit"
    AT_HUB = "at_hub"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"
    EXCEPTION = "exception"
    RETURNED = "returned"


class Problem(StrEnum):
    """The kind of an exception, when the carrier says it (counted per carrier)."""

    NONE = ""
    LOST = "lost"
    DAMAGED = "damaged"


FINAL = frozenset({Status.DELIVERED, Status.RETURNED})
STATUS_LABELS = {
    Status.ACCEPTED: ("已揽收", "accepted"), Status.IN_TRANSIT: ("运输中", "in transit"),
    Status.AT_HUB: ("到达转运中心", "at hub"), Status.OUT_FOR_DELIVERY: ("派送中", "out for delivery"),
    Status.DELIVERED: ("已签收", "delivered"), Status.EXCEPTION: ("异常", "exception"),
    Status.RETURNED: ("已退回", "returned"),
}


def normalise(status: str) -> tuple[Status, Problem]:
    """The contract's status words (and lost/damaged) as a status and an exception kind; ValueError
    on anything else."""
    word = (status or "").strip().lower().replace(" ", "_").replace("-", "_")
    if word in ("lost", "damaged"):
        return Status.EXCEPTION, Problem(word)
    if word == "signed":
        return Status.DELIVERED, Problem.NONE
    return Status(word), Problem.NONE


@dataclass(frozen=True)
class Carrier:
    code: str
    name_zh: str
    name_en: str
    number: re.Pattern            # what its tracking numbers look like
    stuck_days: int               # no movement for this long: stuck
    business_days: bool = False   # count only Monday to Friday
    raw: dict[str, str] = field(default_factory=dict)   # the carrier's own status words -> contract words
    aliases: tuple[str, ...] = ()


_CN_RAW = {"已揽收": "accepted", "揽收": "accepted", "运输中": "in_transit", "在途": "in_transit",
           "到达": "at_hub", "分拣": "at_hub", "派送中": "out_for_delivery", "派件": "out_for_delivery",
           "已签收": "delivered", "签收": "delivered", "疑难": "exception", "异常": "exception",
           "退回": "returned", "丢失": "lost", "破损": "damaged"}
_INTL_RAW = {"picked up": "accepted", "label created": "accepted", "in transit": "in_transit",
             "departed facility": "in_transit", "arrived at facility": "at_hub", "out for delivery": "out_for_delivery",
             "delivered": "delivered", "exception": "exception", "return to sender": "returned", "lost": "lost",
             "damaged": "damaged"}

CARRIERS: dict[str, Carrier] = {c.code: c for c in (
    Carrier("sf", "顺丰速运", "SF Express", re.compile(r"^SF\d{12,13}$"), 3, raw=_CN_RAW, aliases=("顺丰", "shunfeng")),
    Carrier("zto", "中通快递", "ZTO Express", re.compile(r"^(7[35]\d{10}|ZTO\d{10,12})$"), 4, raw=_CN_RAW,
            aliases=("中通", "zhongtong")),
    Carrier("yto", "圆通速递", "YTO Express", re.compile(r"^YT\d{13}$"), 4, raw=_CN_RAW, aliases=("圆通", "yuantong")),
    Carrier("jd", "京东物流", "JD Logistics", re.compile(r"^JD[A-Z0-9]{11,13}$"), 3, raw=_CN_RAW,
            aliases=("京东", "jingdong")),
    Carrier("ems", "中国邮政 EMS", "China Post EMS", re.compile(r"^(E[A-Z]\d{9}CN|1\d{12})$"), 5, raw=_CN_RAW,
            aliases=("邮政",)),
    Carrier("yunda", "韵达快递", "Yunda Express", re.compile(r"^(43|46|31)\d{11}$"), 4, raw=_CN_RAW, aliases=("韵达",)),
    Carrier("sto", "申通快递", "STO Express", re.compile(r"^(77|66|88)\d{11}$"), 4, raw=_CN_RAW, aliases=("申通",)),
    Carrier("ups", "UPS", "UPS", re.compile(r"^1Z[A-Z0-9]{16}$"), 3, business_days=True, raw=_INTL_RAW),
    Carrier("fedex", "联邦快递", "FedEx", re.compile(r"^(\d{12}|\d{15})$"), 3, business_days=True, raw=_INTL_RAW),
    Carrier("dhl", "敦豪 DHL", "DHL", re.compile(r"^\d{10}$"), 4, business_days=True, raw=_INTL_RAW),
    Carrier("usps", "美国邮政", "USPS", re.compile(r"^(9[234]\d{20}|[A-Z]{2}\d{9}US)$"), 5, business_days=True,
            raw=_INTL_RAW),
)}
# An unknown carrier: a parcel that has not moved for five days is stuck.
OTHER = Carrier("other", "其他快递", "other carrier", re.compile(r"^.+$"), 5)


def carrier(code_or_name: str) -> Carrier:
    """The profile by code or by a name a platform sends ("顺丰", "SF Express", "sf"); OTHER if unknown."""
    key = (code_or_name or "").strip().lower()
    for c in CARRIERS.values():
        if key in (c.code, c.name_en.lower(), c.name_zh.lower(), *(a.lower() for a in c.aliases)):
            return c
    return OTHER


def carrier_code(code_or_name: str) -> str:
    """The code to store: the profile's, or the name as given (lower case) for a carrier we do not know."""
    found = carrier(code_or_name)
    return found.code if found is not OTHER else (code_or_name or "other").strip().lower()[:30]


def guess_carrier(tracking_number: str) -> Carrier | None:
    """The one carrier whose number pattern matches, or None (none or several match)."""
    matches = [c for c in CARRIERS.values() if c.number.match(tracking_number.strip().upper())]
    return matches[0] if len(matches) == 1 else None


def map_raw(c: Carrier, raw_status: str) -> str | None:
    """A carrier's own status words as the contract's word, or None when unknown."""
    text = (raw_status or "").strip().lower()
    for words, status in c.raw.items():
        if words.lower() in text:
            return status
    return None


def _elapsed_days(since: datetime, now: datetime, business: bool) -> float:
    if not business:
        return (now - since).total_seconds() / 86400
    days, day = 0.0, since
    while day + timedelta(days=1) <= now:
        if day.weekday() < 5:
            days += 1
        day += timedelta(days=1)
    if day.weekday() < 5:
        days += (now - day).total_seconds() / 86400
    return days


@dataclass(frozen=True)
class Stuck:
    stuck: bool
    days: float                  # days without movement (in the carrier's kind of day)
    limit: int
    action: str = ""             # "chase_carrier" | "offer_reship_or_refund" | ""
    zh: str = ""
    en: str = ""


ACTIONS = {
    "chase_carrier": ("催促{carrier}核查包裹 {number}：已 {days} 天无物流更新",
                      "Chase {carrier} about parcel {number}: no movement for {days} days"),
    "offer_reship_or_refund": ("包裹 {number} 已 {days} 天无物流更新，建议向买家提供补发或退款",
                               "Parcel {number} has not moved for {days} days: offer the buyer a reship or a refund"),
}


def stuck(c: Carrier, status: Status, last_moved_at: datetime, now: datetime, *, tracking_number: str = "",
          problem: Problem = Problem.NONE) -> Stuck:
    """Whether a parcel is stuck, and the suggested action with its reasons (zh and en).  A parcel the
    carrier reported lost is past chasing: reship or refund at once."""
    if status in FINAL:
        return Stuck(False, 0.0, c.stuck_days)
    days = _elapsed_days(last_moved_at, now, c.business_days)
    if problem == Problem.LOST:
        action = "offer_reship_or_refund"
    elif days >= 2 * c.stuck_days:
        action = "offer_reship_or_refund"
    elif days >= c.stuck_days:
        action = "chase_carrier"
    else:
        return Stuck(False, days, c.stuck_days)
    zh, en = ACTIONS[action]
    shown = int(days)
    return Stuck(True, days, c.stuck_days, action,
                 zh.format(carrier=c.name_zh, number=tracking_number, days=shown),
                 en.format(carrier=c.name_en, number=tracking_number, days=shown))
