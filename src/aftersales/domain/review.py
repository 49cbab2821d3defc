"""The weekly review's rules: which numbers deserve an alert, and what to suggest.

Pure Python: the analytics app hands in weekly counts, these functions return alerts that carry
their words (zh and en).

- SKU alert: the same problem on the same SKU in three consecutive weeks (the reviewed week and
  the two before), at least `MIN_SKU_CASES` cases each week.
- Carrier alert: over the reviewed week, with at least `MIN_PARCELS` parcels, a delay (stuck),
  loss or damage rate over its threshold.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from aftersales.domain.reasons import REASONS, reason

WEEKS_RUNNING = 3
MIN_SKU_CASES = 2
MIN_PARCELS = 10
# rate thresholds per carrier and week
THRESHOLDS = {"delay": 0.10, "loss": 0.02, "damage": 0.03}
_RATE_WORDS = {"delay": ("延误率", "delay rate"), "loss": ("丢件率", "loss rate"), "damage": ("破损率", "damage rate")}

# problem (a problem type or a reason code) -> advice (zh, en); the longest matching prefix wins
ADVICE = {
    "size": ("尺码偏小/不准：建议在商品页加尺码说明", "size runs small: suggest a size note on the product page"),
    "no_reason.size_fit": ("尺码偏小/不准：建议在商品页加尺码说明",
                           "size runs small: suggest a size note on the product page"),
    "not_as_described.size": ("尺码偏小/不准：建议在商品页加尺码说明",
                              "size runs small: suggest a size note on the product page"),
    "quality": ("质量问题反复出现：建议与供应商核查该批次", "quality keeps failing: check the batch with the supplier"),
    "not_as_described": ("与描述不符：建议核对商品图片和描述", "not as described: review the photos and the description"),
    "fulfilment": ("发货问题：建议检查拣货和打包", "fulfilment errors: check picking and packing"),
    "logistics": ("物流问题：建议检查包装和快递", "delivery problems: check the packaging and the carrier"),
    "no_reason": ("退货集中：建议检查商品页是否夸大", "many change-of-mind returns: check the product page promises"),
}
_DEFAULT_ADVICE = ("同一问题连续出现：建议排查该商品", "the same problem keeps coming back: look into this product")


def iso_week(text: str) -> date:
    """The Monday of ISO week "YYYY-Www"; ValueError on anything else."""
    text = (text or "").strip()
    if len(text) != 8 or text[4:6].upper() != "-W":
        raise ValueError(f"not an ISO week (YYYY-Www): {text!r}")
    return date.fromisocalendar(int(text[:4]), int(text[6:8]), 1)


def week_label(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def advice(problem: str) -> tuple[str, str]:
    best = ""
    for key in ADVICE:
        if (problem == key or problem.startswith(key + ".") or key in problem.split("_")) and len(key) > len(best):
            best = key
    return ADVICE.get(best, _DEFAULT_ADVICE)


def problem_label(problem: str) -> tuple[str, str]:
    if problem in REASONS:
        r = REASONS[problem]
        return r.zh, r.en
    from_kind = {"no_reason": ("七天无理由", "no-reason return"), "quality": ("质量问题", "quality problem"),
                 "not_as_described": ("与描述不符", "not as described"), "fulfilment": ("发货问题", "fulfilment"),
                 "logistics": ("物流问题", "delivery problem"), "price": ("价格问题", "price")}
    if problem in from_kind:
        return from_kind[problem]
    r = reason(problem)
    return (r.zh, r.en) if r.code != "other" or problem == "other" else (problem, problem.replace("_", " "))


@dataclass(frozen=True)
class Alert:
    kind: str           # "sku" | "carrier"
    subject: str        # the SKU code or the carrier code
    problem: str        # the problem, or the rate's name
    zh: str
    en: str
    counts: tuple = ()  # the weekly counts, oldest first, or (rate, threshold, parcels)


def sku_alerts(weeks: list[date], counts: dict[tuple[str, str], dict[date, int]]) -> list[Alert]:
    """`weeks`: the reviewed week last; `counts[(sku, problem)][week]`: cases.  An alert for each
    (sku, problem) present in each of the last WEEKS_RUNNING weeks."""
    last = weeks[-WEEKS_RUNNING:]
    if len(last) < WEEKS_RUNNING:
        return []
    out = []
    for (sku, problem), by_week in sorted(counts.items()):
        series = tuple(by_week.get(w, 0) for w in last)
        if all(n >= MIN_SKU_CASES for n in series):
            tip_zh, tip_en = advice(problem)
            label_zh, label_en = problem_label(problem)
            out.append(Alert("sku", sku, problem,
                             f"{sku}「{label_zh}」连续 {WEEKS_RUNNING} 周出现（{' / '.join(map(str, series))}）：{tip_zh}",
                             f"{sku} '{label_en}' {WEEKS_RUNNING} weeks running ({' / '.join(map(str, series))}): "
                             f"{tip_en}", series))
    return out


def carrier_alerts(rows: list[dict], names: dict[str, tuple[str, str]]) -> list[Alert]:
    """`rows`: {"carrier", "parcels", "delayed", "lost", "damaged"} of the week."""
    out = []
    for row in rows:
        if row["parcels"] < MIN_PARCELS:
            continue
        zh_name, en_name = names.get(row["carrier"], (row["carrier"], row["carrier"]))
        for rate, count in (("delay", row["delayed"]), ("loss", row["lost"]), ("damage", row["damaged"])):
            value = count / row["parcels"]
            if value > THRESHOLDS[rate]:
                wz, we = _RATE_WORDS[rate]
                out.append(Alert("carrier", row["carrier"], rate,
                                 f"{zh_name}{wz} {value:.0%}（阈值 {THRESHOLDS[rate]:.0%}，{row['parcels']} 件）：建议考虑更换快递",
                                 f"{en_name} {we} {value:.0%} (threshold {THRESHOLDS[rate]:.0%}, {row['parcels']} "
                                 f"parcels): consider another carrier", (round(value, 4), THRESHOLDS[rate],
                                                                         row["parcels"])))
    return out
