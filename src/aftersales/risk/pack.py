"""The dispute pack (平台介入): everything a platform's arbitrator asks for, in one export.

A PDF (aftersales.pdf, Chinese glyphs) with the order, tracking, conversation, evidence,
inspection, the policy that applies and the timeline; and a ZIP holding that PDF, the original
files (evidence, inspection photos) and case.json with the same facts as data.

Other apps add sections by appending to SECTIONS a callable `section(case) -> Section | None`
(the logistics app: its carrier tracking events).
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field

from django.core.serializers.json import DjangoJSONEncoder

from aftersales import pdf
from aftersales.cases.explain import state_label
from aftersales.cases.models import Case, Evidence, Inspection, Message, TimelineEvent
from aftersales.orders.models import Shipment


@dataclass
class Section:
    key: str
    zh: str
    en: str
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    note: str = ""


SECTIONS: list = []


def _t(value) -> str:
    if value is None:
        return "-"
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)


def _lang(case: Case) -> int:
    return 0 if case.shop.region == "CN" else 1


def sections(case: Case) -> list[Section]:
    zh = _lang(case) == 0
    out: list[Section] = []
    order = case.order
    if order is not None:
        rows = [["订单号 Order", order.external_id], ["下单 Placed", _t(order.placed_at)],
                ["发货 Shipped", _t(order.shipped_at)], ["签收 Delivered", _t(order.delivered_at)],
                ["实付 Paid", f"{order.paid_amount} {order.currency}"],
                ["支付方式 Payment", order.payment_method or "-"]]
        rows += [[f"商品 Line {i + 1}", f"{ol.sku_code} {ol.title} × {ol.quantity} = {ol.paid_amount}"]
                 for i, ol in enumerate(order.lines.all())]
        out.append(Section("order", "订单", "Order", ["项目 Item", "内容 Value"], rows))
    tracking = [["发货 outbound", s.carrier, s.tracking_number, _t(s.shipped_at), _t(s.delivered_at)]
                for s in (Shipment.objects.filter(order=order).order_by("pk") if order else [])]
    tracking += [["退货 return", r.carrier, r.tracking_number, _t(r.shipped_at), _t(r.delivered_at)]
                 for r in case.return_shipments.order_by("pk")]
    out.append(Section("tracking", "物流", "Tracking",
                       ["方向 Way", "快递 Carrier", "单号 Number", "寄出 Shipped", "签收 Delivered"], tracking))
    for extra in SECTIONS:
        section = extra(case)
        if section is not None:
            out.append(section)
    out.append(Section("conversation", "沟通记录", "Conversation", ["时间 Time", "发送方 From", "内容 Message"],
                       [[_t(m.created_at), m.author, m.body] for m in Message.objects.filter(case=case)
                        .order_by("created_at", "pk")]))
    out.append(Section("evidence", "凭证", "Evidence", ["文件 File", "类型 Kind", "上传 By", "时间 Time", "SHA-256"],
                       [[_member_name(e), e.kind, e.uploaded_by, _t(e.created_at), e.sha256[:16]]
                        for e in _evidence(case)]))
    out.append(Section("inspection", "验货", "Inspection",
                       ["时间 Time", "结果 Outcome", "完好 OK", "损坏 Damaged", "说明 Note"],
                       [[_t(i.created_at), i.get_outcome_display(), str(i.quantity_ok), str(i.quantity_damaged), i.note]
                        for i in Inspection.objects.filter(case=case).order_by("created_at")]))
    policy = case.policy_result or {}
    out.append(Section("policy", "适用规则", "Policy that applies", ["检查 Check", "结论 Verdict", "说明 Explanation"],
                       [[c.get("check", ""), c.get("verdict", ""), c.get("zh" if zh else "en", "")]
                        for c in policy.get("checks", [])],
                       note=f"{policy.get('verdict', '-')} · {policy.get('version', case.policy_version)}"))
    out.append(Section("timeline", "处理时间线", "Timeline", ["时间 Time", "操作方 Actor", "事件 Event"],
                       [[_t(e.created_at), e.actor, e.message_zh if zh else e.message_en]
                        for e in TimelineEvent.objects.filter(case=case).order_by("created_at", "pk")]))
    return out


def _evidence(case: Case) -> list[Evidence]:
    return list(Evidence.objects.filter(case=case).order_by("created_at", "pk"))


def _member_name(e: Evidence) -> str:
    return f"evidence/{e.pk}-{e.file.name.rsplit('/', 1)[-1]}"


def pdf_bytes(case: Case) -> bytes:
    state_zh, state_en = state_label(case.state)
    doc = pdf.document(f"Dispute pack {case.number}")
    pdf.heading(doc, f"售后争议材料 Dispute pack · {case.number}", 16)
    pdf.paragraph(doc, f"店铺 Shop: {case.shop.name} ({case.platform})   平台单号 Platform case: "
                       f"{case.platform_case_id or '-'}\n状态 State: {state_zh} / {state_en}   申请金额 Requested: "
                       f"{case.requested_amount} {case.currency}\n原因 Reason: {case.reason_code} {case.reason_text}")
    for s in sections(case):
        pdf.heading(doc, f"{s.zh} {s.en}", 12)
        if s.note:
            pdf.paragraph(doc, s.note)
        if s.rows:
            pdf.table(doc, s.header, s.rows)
        else:
            pdf.paragraph(doc, "（无 none）")
    return pdf.to_bytes(doc)


def case_json(case: Case) -> dict:
    return {
        "case": {"id": case.pk, "number": case.number, "platform": case.platform,
                 "platform_case_id": case.platform_case_id, "shop": case.shop.name, "case_type": case.case_type,
                 "state": case.state, "reason_code": case.reason_code, "reason_text": case.reason_text,
                 "requested_amount": case.requested_amount, "currency": case.currency,
                 "created_at": case.created_at, "arbitration_state": case.arbitration_state,
                 "policy_result": case.policy_result},
        "sections": [{"key": s.key, "title_zh": s.zh, "title_en": s.en, "header": s.header, "rows": s.rows,
                      "note": s.note} for s in sections(case)],
    }


def zip_bytes(case: Case) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(f"{case.number}.pdf", pdf_bytes(case))
        z.writestr("case.json", json.dumps(case_json(case), cls=DjangoJSONEncoder, ensure_ascii=False, indent=1))
        for e in _evidence(case):
            try:
                with e.file.open("rb") as fh:
                    z.writestr(_member_name(e), fh.read())
            except OSError:
                z.writestr(_member_name(e) + ".missing.txt", "the stored file could not be read")
    return buf.getvalue()
