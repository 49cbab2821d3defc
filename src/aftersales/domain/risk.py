"""The malicious-refund scorecard: plain facts about a buyer and one request in, points with their
reasons out (STYLE habit 2).  No Django here; `aftersales.risk` gathers the facts from its
maintained aggregates and stores the result.

Every point has a sentence a person reads (zh and en).  Rates are smoothed with a prior, so that a
new buyer's first case does not look like a 100 % return rate: the observed rate is pulled
towards PRIOR_RATE with the weight of PRIOR_WEIGHT orders.  Thresholds are per shop; the level
only ever *slows* a refund (graduated handling), it never rejects one.
"""

from __future__ import annotations

import enum
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal


class Level(enum.StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


LEVEL_WORDS = {Level.LOW: ("低风险", "Low risk"), Level.MEDIUM: ("中风险", "Medium risk"),
               Level.HIGH: ("高风险", "High risk")}

# Smoothing: a buyer's case rate is (cases + PRIOR_WEIGHT * PRIOR_RATE) / (orders + PRIOR_WEIGHT).
PRIOR_RATE = 0.12
PRIOR_WEIGHT = 6.0

# Reason codes that say "the parcel never came" (what a not-received fraud claims).
NOT_RECEIVED_REASONS = frozenset({"logistics.not_delivered", "logistics.no_tracking", "fulfilment.missing_item",
                                  "fulfilment.empty_parcel"})
# Words of a buyer who simply changed their mind (a quality reason chosen with these words contradicts it).
RETURN_TYPES = frozenset({"return_refund", "exchange"})
CHANGE_OF_MIND_WORDS = ("不想要", "不要了", "不喜欢", "拍错", "多拍", "买错", "用不上", "不需要了", "后悔", "太贵",
                        "changed my mind", "don't want", "dont want", "do not want", "no longer want",
                        "don't need", "do not need", "ordered by mistake", "ordered the wrong", "found it cheaper",
                        "don't like", "do not like")


@dataclass(frozen=True)
class Thresholds:
    medium: int = 35
    high: int = 65

    def level(self, score: int) -> Level:
        if score >= self.high:
            return Level.HIGH
        if score >= self.medium:
            return Level.MEDIUM
        return Level.LOW


@dataclass(frozen=True)
class BuyerHistory:
    """What is known of the person before this request (all linked shops of the organisation)."""

    orders: int = 0
    cases: int = 0
    refund_only: int = 0
    not_received: int = 0
    not_received_delivered: int = 0     # of those, the carrier showed the parcel delivered
    rejected_inspections: int = 0       # empty box, swapped or used item found at inspection
    protected_returns: int = 0          # returns of orders with return-shipping insurance or a coupon
    requests_24h: int = 0
    requests_7d: int = 0
    spend: Decimal = Decimal("0")       # lifetime spend over all linked buyers


@dataclass(frozen=True)
class RequestFacts:
    case_type: str
    reason_code: str
    amount: Decimal
    words: str = ""                     # the buyer's own words: reason text and messages
    risky_category: bool = False
    delivered: bool = False             # the carrier shows the outbound parcel delivered
    hours_since_delivery: float | None = None
    reused_photos_other: int = 0        # photos perceptually equal to another buyer's evidence
    reused_photos_own: int = 0          # ... to this buyer's earlier cases
    similar_texts: int = 0              # other buyers who wrote a near-identical complaint
    protected: bool = False             # this order has return-shipping insurance
    rejected_here: bool = False         # this request's return failed inspection


@dataclass(frozen=True)
class Reason:
    code: str
    points: int
    zh: str
    en: str

    def as_dict(self) -> dict:
        return {"code": self.code, "points": self.points, "zh": self.zh, "en": self.en}


@dataclass(frozen=True)
class Assessment:
    score: int
    level: Level
    reasons: tuple[Reason, ...] = field(default_factory=tuple)


def smoothed_rate(events: int, orders: int) -> float:
    return (events + PRIOR_WEIGHT * PRIOR_RATE) / (max(orders, events) + PRIOR_WEIGHT)


# ---------------------------------------------------------------------------------------------
# Signals: each returns zero or more reasons

def history_signals(h: BuyerHistory) -> list[Reason]:
    out: list[Reason] = []
    rate = smoothed_rate(h.cases, h.orders)
    if h.cases >= 3 and rate >= 0.45:
        points = 50 if rate >= 0.6 else 35
        out.append(Reason("return_rate", points, f"售后率偏高：{h.cases} 次售后 / {h.orders} 个订单（平滑后 {rate:.0%}）",
                          f"High after-sales rate: {h.cases} cases over {h.orders} orders ({rate:.0%} smoothed)"))
    if h.refund_only >= 3 and h.refund_only / max(h.cases, 1) >= 0.6:
        out.append(Reason("refund_only_share", 15, f"多为仅退款：{h.cases} 次售后中 {h.refund_only} 次仅退款",
                          f"Mostly refund-only: {h.refund_only} of {h.cases} cases"))
    if h.not_received_delivered:
        n = h.not_received_delivered
        # one can be a parcel left at the wrong door; a habit of it is not
        out.append(Reason("not_received_delivered", 15 if n == 1 else min(55, 20 * n - 5),
                          f"曾 {n} 次称未收到货，而物流显示已签收", f"{n} earlier 'not received' claim(s) while the carrier showed delivery"))
    if h.rejected_inspections:
        n = h.rejected_inspections
        out.append(Reason("rejected_inspections", 20 if n == 1 else min(65, 25 * n - 5),
                          f"曾 {n} 次退货验货不通过（空包、调包或已使用）",
                          f"{n} earlier return(s) failed inspection (empty box, swapped or used)"))
    if h.requests_24h >= 3:
        out.append(Reason("velocity_24h", 15, f"24 小时内 {h.requests_24h} 次售后申请",
                          f"{h.requests_24h} requests in 24 hours"))
    elif h.requests_7d >= 5:
        out.append(Reason("velocity_7d", 10, f"7 天内 {h.requests_7d} 次售后申请", f"{h.requests_7d} requests in 7 days"))
    if h.protected_returns >= 3 and h.protected_returns / max(h.cases, 1) >= 0.5:
        out.append(Reason("protected_returns", 10, f"{h.protected_returns} 次退货的订单带运费险或优惠券",
                          f"{h.protected_returns} returns of orders with shipping insurance or a coupon"))
    return out


def contradicts(reason_code: str, words: str) -> bool:
    """A seller-fault reason (quality, not as described) chosen, but the buyer's words say they
    changed their mind."""
    if not (reason_code.startswith("quality") or reason_code.startswith("not_as_described")):
        return False
    text = words.lower()
    return any(w in text for w in CHANGE_OF_MIND_WORDS)


def request_signals(h: BuyerHistory, r: RequestFacts) -> list[Reason]:
    out: list[Reason] = []
    not_received = r.reason_code in NOT_RECEIVED_REASONS
    if not_received and r.delivered:
        out.append(Reason("claim_vs_tracking", 25, "称未收到货，但物流显示已签收",
                          "Claims not received, but the carrier shows the parcel delivered"))
    if h.orders >= 3 and h.spend > 0:
        usual = h.spend / h.orders
        if r.amount >= 200 and r.amount > 3 * usual:
            out.append(Reason("amount_vs_usual", 10, f"申请金额 {r.amount} 远高于该买家平均订单 {usual:.2f}",
                              f"Amount {r.amount} is far above the buyer's usual order ({usual:.2f})"))
    if r.risky_category and r.case_type in RETURN_TYPES:
        # worn-and-returned and swapped goods happen on returns; a not-received claim is judged by tracking
        out.append(Reason("risky_category", 10, "高风险品类（易被穿后退、调包）", "Risky category (often worn and returned, or swapped)"))
    if contradicts(r.reason_code, r.words):
        out.append(Reason("reason_contradiction", 15, "所选原因为质量问题，但买家留言表示不想要了",
                          "A quality reason was chosen, but the buyer's words say they changed their mind"))
    if r.reused_photos_other:
        out.append(Reason("photo_reused_other", 40, f"{r.reused_photos_other} 张凭证照片与其他买家的售后单相同",
                          f"{r.reused_photos_other} evidence photo(s) match another buyer's case"))
    if r.reused_photos_own:
        out.append(Reason("photo_reused_own", 20, f"{r.reused_photos_own} 张凭证照片在该买家以往售后单中用过",
                          f"{r.reused_photos_own} evidence photo(s) were used in this buyer's earlier cases"))
    if r.similar_texts >= 2:
        out.append(Reason("similar_text", 20, f"{r.similar_texts} 位其他买家写过几乎相同的投诉内容",
                          f"{r.similar_texts} other buyers wrote a near-identical complaint"))
    if r.rejected_here:
        out.append(Reason("inspection_failed", 40, "本次退货验货不通过（空包、调包或已使用）",
                          "This return failed inspection (empty box, swapped or used)"))
    if (r.case_type == "return_refund" and r.risky_category and r.hours_since_delivery is not None
            and r.hours_since_delivery >= 5 * 24 and r.reason_code.startswith("no_reason")):
        out.append(Reason("late_no_reason_return", 10, "签收多日后无理由退回易穿戴商品",
                          "No-reason return of a wearable item several days after delivery"))
    return out


def assess(history: BuyerHistory, request: RequestFacts, thresholds: Thresholds | None = None) -> Assessment:
    thresholds = thresholds or Thresholds()
    reasons = tuple(history_signals(history) + request_signals(history, request))
    score = sum(r.points for r in reasons)
    return Assessment(score=score, level=thresholds.level(score), reasons=reasons)


# ---------------------------------------------------------------------------------------------
# Near-identical text: a 64-bit SimHash over character trigrams, looked up by 16-bit bands

MIN_TEXT = 16   # shorter texts ("质量问题") are what many honest buyers write


def normalise_text(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").lower()
    return re.sub(r"[\W\d_]+", "", text)


def simhash(text: str) -> int | None:
    """The SimHash of the normalised text, or None for texts too short to tell people apart."""
    norm = normalise_text(text)
    if len(norm) < MIN_TEXT:
        return None
    weights = [0] * 64
    for i in range(len(norm) - 2):
        h = int.from_bytes(hashlib.blake2b(norm[i:i + 3].encode(), digest_size=8).digest(), "big")
        for bit in range(64):
            weights[bit] += 1 if h >> bit & 1 else -1
    return sum(1 << bit for bit in range(64) if weights[bit] > 0)


def bands(value: int) -> tuple[int, int, int, int]:
    """Four 16-bit slices: two 64-bit hashes within Hamming distance 3 share at least one."""
    return tuple((value >> (16 * i)) & 0xFFFF for i in range(4))


def hamming(a: int, b: int) -> int:
    return (a ^ b).bit_count()


def signed64(value: int) -> int:
    """A 64-bit hash as a signed BIGINT for the database."""
    return value - (1 << 64) if value >= 1 << 63 else value


def unsigned64(value: int) -> int:
    return value + (1 << 64) if value < 0 else value
