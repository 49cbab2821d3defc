"""`aftersales risk-sim`: a population of buyers with known behaviours, run through the real
scorecard (aftersales.domain.risk.assess, the shop's default thresholds), with the buyer's history
kept the way aftersales.risk.services keeps it (what each earlier case contributed, the request
times, inspections that come back before the next request).

Behaviours: honest, serial returner, not-received fraud (claims a signed parcel never came), empty
box (returns an empty or swapped parcel), wardrobing (wears and returns clothes late in the window).
Every request carries the truth: was *this* request the behaviour's abuse or an ordinary one.

This is a model of behaviour that we wrote ourselves; it shows the scorecard does what it was
designed to do on that model, and is not proof of how it does on real buyers (docs/RISK.md).
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from aftersales.domain import risk as rk

BEHAVIOURS = ("honest", "serial_returner", "not_received_fraud", "empty_box", "wardrobing")
SHARES = {"honest": 0.88, "serial_returner": 0.04, "not_received_fraud": 0.03, "empty_box": 0.025,
          "wardrobing": 0.025}
CATEGORIES = (("apparel", 0.35, (59, 459)), ("shoes", 0.1, (199, 699)), ("electronics", 0.12, (99, 1999)),
              ("home", 0.2, (29, 299)), ("food", 0.13, (19, 199)), ("beauty", 0.1, (49, 399)))
RISKY = frozenset({"apparel", "shoes", "electronics", "beauty"})
QUALITY_WORDS = ("拉链坏了", "开线了，做工很差", "收到就有划痕", "用了一天就不亮了", "The zip broke after one day")
CHANGED_MIND = ("不想要了", "买错了，不需要了", "I changed my mind")
START = datetime(2026, 1, 1, tzinfo=timezone.utc)


@dataclass
class Request:
    behaviour: str
    abusive: bool
    assessment: rk.Assessment


@dataclass
class Buyer:
    behaviour: str
    rng: random.Random
    counted: Counter = field(default_factory=Counter)
    times: list[datetime] = field(default_factory=list)
    orders: int = 0
    spend: Decimal = Decimal("0")
    pending_rejections: list[datetime] = field(default_factory=list)

    def history(self, at: datetime) -> rk.BuyerHistory:
        rejected = self.counted["rejected_inspections"] + sum(1 for t in self.pending_rejections if t <= at)
        return rk.BuyerHistory(
            orders=self.orders, spend=self.spend, cases=self.counted["cases"], refund_only=self.counted["refund_only"],
            not_received=self.counted["not_received"], not_received_delivered=self.counted["not_received_delivered"],
            rejected_inspections=rejected, protected_returns=self.counted["protected_returns"],
            requests_24h=sum(1 for t in self.times if timedelta(0) < at - t <= timedelta(hours=24)),
            requests_7d=sum(1 for t in self.times if timedelta(0) < at - t <= timedelta(days=7)))


def _category(rng: random.Random, only: str = ""):
    if only:
        return next(c for c in CATEGORIES if c[0] == only)
    return rng.choices(CATEGORIES, weights=[c[1] for c in CATEGORIES])[0]


# Per behaviour: (orders a year (low, high), chance an order gets a request, chance a request is the abuse)
PLANS = {
    "honest": ((2, 30), 0.08, 0.0),
    "serial_returner": ((8, 30), 0.7, 1.0),
    "not_received_fraud": ((3, 12), 0.45, 0.8),
    "empty_box": ((3, 12), 0.45, 0.8),
    "wardrobing": ((4, 14), 0.6, 0.8),
}


def _request(b: Buyer, at: datetime, delivered_at: datetime, amount: Decimal, category: str,
             insured: bool) -> tuple[rk.RequestFacts, bool, dict]:
    """One request of buyer `b`: its facts, whether it is abusive, and what it adds once made."""
    rng = b.rng
    plan = PLANS[b.behaviour]
    abusive = rng.random() < plan[2]
    case_type, reason, words, delivered = "return_refund", "no_reason.unwanted", "", True
    photos_other = photos_own = similar = 0
    rejected_later = False
    hours = (at - delivered_at).total_seconds() / 3600
    if b.behaviour == "honest" or not abusive:
        roll = rng.random()
        if roll < 0.55:
            reason = rng.choice(("no_reason.unwanted", "no_reason.size_fit", "no_reason.dislike"))
            words = rng.choice(("", "尺码偏小", "颜色不喜欢"))
        elif roll < 0.9:
            reason, words = rng.choice(("quality.defect", "quality.damaged", "not_as_described")), rng.choice(QUALITY_WORDS)
            case_type = rng.choice(("return_refund", "refund_only", "exchange"))
            if rng.random() < 0.03:                      # honest people also write "不想要了" after a quality reason
                words += "，算了不想要了"
        else:
            reason, case_type = "logistics.not_delivered", "refund_only"
            delivered = rng.random() < 0.25                # the carrier marked it delivered at the wrong door
        rejected_later = case_type != "refund_only" and rng.random() < 0.015   # damaged in the post, blamed on them
        similar = 2 if rng.random() < 0.003 else 0
    elif b.behaviour == "serial_returner":
        case_type = rng.choice(("return_refund", "return_refund", "refund_only"))
        reason = rng.choice(("no_reason.unwanted", "no_reason.dislike", "quality.defect"))
        words = rng.choice(("", *CHANGED_MIND)) if reason.startswith("quality") else ""
    elif b.behaviour == "not_received_fraud":
        case_type, reason, delivered = "refund_only", "logistics.not_delivered", rng.random() < 0.95
        words = "快递根本没送到，我一直在家，没有收到任何包裹，要求全额退款" if rng.random() < 0.4 else ""
        similar = 2 if words and rng.random() < 0.5 else 0
    elif b.behaviour == "empty_box":
        reason = rng.choice(("quality.defect", "quality.malfunction", "not_as_described"))
        words = rng.choice((*QUALITY_WORDS, *CHANGED_MIND))
        rejected_later = rng.random() < 0.85
        photos_other = 1 if rng.random() < 0.25 else 0
        photos_own = 1 if not photos_other and rng.random() < 0.2 else 0
    elif b.behaviour == "wardrobing":
        reason = "no_reason.unwanted"
        hours = rng.uniform(5 * 24 + 1, 7 * 24 - 2)
        rejected_later = rng.random() < 0.4              # returned worn: "used" at inspection
    facts = rk.RequestFacts(
        case_type=case_type, reason_code=reason, amount=amount, words=words,
        risky_category=category in RISKY, delivered=delivered, hours_since_delivery=hours,
        reused_photos_other=photos_other, reused_photos_own=photos_own, similar_texts=similar,
        protected=insured)
    nr = reason in rk.NOT_RECEIVED_REASONS
    adds = {"cases": 1, "refund_only": int(case_type == "refund_only"), "not_received": int(nr),
            "not_received_delivered": int(nr and delivered),
            "protected_returns": int(insured and case_type in rk.RETURN_TYPES), "rejected": rejected_later}
    return facts, abusive and b.behaviour != "honest", adds


def simulate(buyers: int = 2000, seed: int = 7, thresholds: rk.Thresholds | None = None) -> list[Request]:
    thresholds = thresholds or rk.Thresholds()
    master = random.Random(seed)
    out: list[Request] = []
    names = list(SHARES)
    for i in range(buyers):
        behaviour = master.choices(names, weights=[SHARES[n] for n in names])[0]
        b = Buyer(behaviour, random.Random(master.getrandbits(64)))
        rng = b.rng
        plan = PLANS[behaviour]
        n_orders = rng.randint(*plan[0])
        placed = sorted(START + timedelta(days=rng.uniform(0, 365)) for _ in range(n_orders))
        events = []
        for when in placed:
            name, _, (lo, hi) = _category(rng, "apparel" if behaviour == "wardrobing" else "")
            amount = Decimal(rng.randint(lo, hi))
            delivered_at = when + timedelta(days=rng.uniform(1.5, 4))
            events.append((when, "order", amount, name, delivered_at, rng.random() < 0.3))
            if rng.random() < plan[1]:
                events.append((delivered_at + timedelta(hours=rng.uniform(2, 120)), "request", amount, name,
                               delivered_at, events[-1][5]))
        for at, kind, amount, category, delivered_at, insured in sorted(events, key=lambda e: e[0]):
            if kind == "order":
                b.orders += 1
                b.spend += amount
                continue
            facts, abusive, adds = _request(b, at, delivered_at, amount, category, insured)
            if behaviour == "wardrobing" and abusive:
                at = delivered_at + timedelta(hours=facts.hours_since_delivery)
            out.append(Request(behaviour, abusive, rk.assess(b.history(at), facts, thresholds)))
            for key in ("cases", "refund_only", "not_received", "not_received_delivered", "protected_returns"):
                b.counted[key] += adds[key]
            if adds["rejected"]:
                b.pending_rejections.append(at + timedelta(days=rng.uniform(3, 8)))   # the warehouse looks later
            b.times.append(at)
    return out


def table(requests: list[Request], thresholds: rk.Thresholds | None = None) -> dict:
    """Per behaviour: requests, abusive requests, recall at medium and at high, precision of the
    flags raised on that behaviour's buyers; overall precision; the honest share slowed."""
    thresholds = thresholds or rk.Thresholds()
    rows = []
    flagged = [r for r in requests if r.assessment.level != rk.Level.LOW]
    for name in BEHAVIOURS[1:]:
        mine = [r for r in requests if r.behaviour == name]
        abusive = [r for r in mine if r.abusive]
        flags = [r for r in mine if r.assessment.level != rk.Level.LOW]
        rows.append({
            "behaviour": name, "requests": len(mine), "abusive": len(abusive),
            "recall_medium": _share(sum(1 for r in abusive if r.assessment.level != rk.Level.LOW), len(abusive)),
            "recall_high": _share(sum(1 for r in abusive if r.assessment.level == rk.Level.HIGH), len(abusive)),
            "precision": _share(sum(1 for r in flags if r.abusive), len(flags)),
        })
    honest = [r for r in requests if r.behaviour == "honest"]
    return {
        "rows": rows,
        "precision": _share(sum(1 for r in flagged if r.abusive), len(flagged)),
        "recall": _share(sum(1 for r in flagged if r.abusive), sum(1 for r in requests if r.abusive)),
        "honest_requests": len(honest),
        "honest_slowed": _share(sum(1 for r in honest if r.assessment.level != rk.Level.LOW), len(honest)),
        "honest_high": _share(sum(1 for r in honest if r.assessment.level == rk.Level.HIGH), len(honest)),
        "thresholds": (thresholds.medium, thresholds.high),
    }


def _share(n: int, d: int) -> float | None:
    return n / d if d else None


def _pct(v: float | None) -> str:
    return "-" if v is None else f"{100 * v:.1f}%"


def render(result: dict, *, buyers: int, seed: int) -> str:
    lines = [f"aftersales risk-sim --buyers {buyers} --seed {seed}  (thresholds medium {result['thresholds'][0]}, "
             f"high {result['thresholds'][1]})", "",
             "| behaviour | requests | abusive | recall (medium+) | recall (high) | precision |",
             "|---|---:|---:|---:|---:|---:|"]
    for r in result["rows"]:
        lines.append(f"| {r['behaviour']} | {r['requests']} | {r['abusive']} | {_pct(r['recall_medium'])} | "
                     f"{_pct(r['recall_high'])} | {_pct(r['precision'])} |")
    lines += ["", f"all flags: precision {_pct(result['precision'])}, recall {_pct(result['recall'])}",
              f"honest buyers' requests: {result['honest_requests']}, slowed (medium or high) "
              f"{_pct(result['honest_slowed'])}, high {_pct(result['honest_high'])}"]
    return "\n".join(lines)
