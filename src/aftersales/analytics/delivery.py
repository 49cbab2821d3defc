"""The weekly review as text (the owner's e-mail, the CLI) and as a PDF; sending it through the outbox."""

from __future__ import annotations

from datetime import date, datetime

from django.db import IntegrityError, transaction

from aftersales import pdf
from aftersales.accounts.models import Membership, Role
from aftersales.analytics.review import weekly_review
from aftersales.notify.models import OutboxMessage
from aftersales.notify.rendering import Notice, renderer

TOPIC = "analytics.weekly_review"


def _pct(value) -> str:
    return "-" if value is None else f"{value:.1%}"


def _num(value, unit: str = "") -> str:
    return "-" if value is None else f"{value}{unit}"


def lines(review: dict, lang: str) -> list[str]:
    """The review as plain lines in one language ("zh" or "en")."""
    zh = lang == "zh"
    out = [f"{review['organisation']} · {'售后周报' if zh else 'Weekly after-sales review'} {review['week']}", ""]
    out.append("提醒：" if zh else "Alerts:")
    out += [f"  - {a['zh' if zh else 'en']}" for a in review["alerts"]] or ["  " + ("无" if zh else "none")]
    out += ["", "商品问题（本周 / 变化）：" if zh else "Problems by SKU (this week / change):"]
    for r in review["skus"][:10]:
        out.append(f"  {r['sku']} {r['problem_zh' if zh else 'problem_en']}: {r['this_week']} ({r['change']:+d})")
    out += ["", "快递：" if zh else "Carriers:"]
    for c in review["carriers"]:
        out.append(f"  {c['name_zh' if zh else 'name_en']}: {c['parcels']} " + (
            f"件，延误 {_pct(c['delay_rate'])}，丢件 {_pct(c['loss_rate'])}，破损 {_pct(c['damage_rate'])}" if zh else
            f"parcels, delayed {_pct(c['delay_rate'])}, lost {_pct(c['loss_rate'])}, "
            f"damaged {_pct(c['damage_rate'])}"))
    out += ["", "店铺：" if zh else "Shops:"]
    for s in review["shops"]:
        out.append(f"  {s['shop']}: " + (
            f"退款率 {_pct(s['refund_rate'])}，首次响应 {_num(s['first_response_hours'], ' 小时')}，"
            f"处理时长 {_num(s['resolution_hours'], ' 小时')}，满意度 {_pct(s['satisfaction'])}，评分 {_num(s['rating'])}"
            if zh else
            f"refund rate {_pct(s['refund_rate'])}, first response {_num(s['first_response_hours'], ' h')}, "
            f"resolution {_num(s['resolution_hours'], ' h')}, satisfied {_pct(s['satisfaction'])}, "
            f"rating {_num(s['rating'])}"))
    out += ["", "恶意退款风险：" if zh else "Malicious-refund flags:"]
    if review["risk"] is None:
        out.append("  " + ("暂不可用（未安装风控模块）" if zh else "not available (the risk app is not installed)"))
    else:
        out += [f"  {f['shop']}: " + (f"高 {f['high']} 中 {f['medium']} 限制买家 {f['buyers_restricted']}" if zh else
                                      f"high {f['high']}, medium {f['medium']}, buyers restricted "
                                      f"{f['buyers_restricted']}") for f in review["risk"]] or [
                    "  无" if zh else "  none"]
    return out


def text(review: dict) -> str:
    return "\n".join(lines(review, "zh") + ["", "—" * 20, ""] + lines(review, "en"))


def pdf_bytes(review: dict) -> bytes:
    doc = pdf.document(f"售后周报 Weekly review {review['week']}")
    pdf.heading(doc, f"{review['organisation']} · 售后周报 Weekly review {review['week']}")
    pdf.heading(doc, "提醒 Alerts", 12)
    for a in review["alerts"] or [{"zh": "无", "en": "none"}]:
        pdf.paragraph(doc, f"{a['zh']}\n{a['en']}")
    pdf.heading(doc, "商品问题 Problems by SKU", 12)
    pdf.table(doc, ["SKU", "问题 Problem", *review["weeks"]],
              [[r["sku"], f"{r['problem_zh']} {r['problem_en']}", *map(str, r["weeks"])] for r in review["skus"][:20]])
    pdf.heading(doc, "快递 Carriers", 12)
    pdf.table(doc, ["快递 Carrier", "件数 Parcels", "延误 Delay", "丢件 Loss", "破损 Damage"],
              [[c["name_zh"], str(c["parcels"]), _pct(c["delay_rate"]), _pct(c["loss_rate"]), _pct(c["damage_rate"])]
               for c in review["carriers"]])
    pdf.heading(doc, "店铺 Shops", 12)
    pdf.table(doc, ["店铺 Shop", "退款率 Refund rate", "首响 First reply h", "处理 Resolution h", "满意 Satisfied",
                    "评分 Rating"],
              [[s["shop"], _pct(s["refund_rate"]), _num(s["first_response_hours"]), _num(s["resolution_hours"]),
                _pct(s["satisfaction"]), _num(s["rating"])] for s in review["shops"]])
    pdf.heading(doc, "恶意退款风险 Malicious-refund flags", 12)
    if review["risk"] is None:
        pdf.paragraph(doc, "暂不可用 not available (the risk app is not installed)")
    else:
        pdf.table(doc, ["店铺 Shop", "高 High", "中 Medium", "限制 Restricted"],
                  [[f["shop"], str(f["high"]), str(f["medium"]), str(f["buyers_restricted"])] for f in review["risk"]])
    return pdf.to_bytes(doc)


def owner_emails(organisation) -> list[str]:
    return sorted({m.user.email for m in Membership.objects.select_related("user").filter(
        organisation=organisation, role=Role.OWNER, active=True) if m.user.email})


def send_review(organisation, monday: date, now: datetime, review: dict | None = None) -> int:
    """One outbox e-mail per owner with an address, once per week (the dedupe key); the rows written."""
    from aftersales.domain.review import week_label

    week = week_label(monday)
    written = 0
    for email in owner_emails(organisation):
        key = f"{TOPIC}:{week}:{email}"[:120]
        if OutboxMessage.objects.filter(organisation=organisation, dedupe_key=key).exists():
            continue
        review = review or weekly_review(organisation, monday, now)
        try:
            with transaction.atomic():
                OutboxMessage.objects.create(
                    organisation=organisation, case=None, topic=TOPIC, channel="email", recipient=email,
                    payload={"week": week, "organisation": review["organisation"], "text": text(review),
                             "alerts": len(review["alerts"])}, next_attempt_at=now, created_at=now, dedupe_key=key)
            written += 1
        except IntegrityError:   # another worker wrote it first
            pass
    return written


@renderer("analytics.")
def words(msg: OutboxMessage) -> Notice | None:
    p = msg.payload
    subject = f"售后周报 Weekly review {p.get('week', '')} · {p.get('organisation', '')}"
    return Notice(subject=subject, text=p.get("text", ""), short=subject)
