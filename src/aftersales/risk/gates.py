"""Graduated handling: the gate the risk app adds to cases.scoring.DECISION_GATES.

Never a rejection, only a hold with its reason (zh, en):
- low: nothing held; the shop's policy decides as it would;
- medium: a refund-only request is not approved automatically until the buyer's photos are in (the
  risk app asks for them); a return's refund waits for the return parcel's first carrier scan;
- high: no automatic approval (a person reviews it); a return's refund waits for a clean inspection;
- a restricted buyer (no instant refunds, orders held): no automatic approval.
"""

from __future__ import annotations

from datetime import datetime

from aftersales.domain import lifecycle as lc
from aftersales.risk.models import CaseRisk
from aftersales.risk.services import RESTRICTION_WORDS, active_restrictions


def risk_gate(case, stage: str, now: datetime) -> tuple[str, str] | None:
    risk = CaseRisk.objects.filter(case_id=case.pk).first()
    if risk is None:
        return None
    facts = (risk.counted or {}).get("facts", {})
    route = case.route
    if stage == "auto_approve":
        restriction = active_restrictions(risk.identity_id, now).order_by("created_at").first()
        if restriction is not None:
            zh, en = RESTRICTION_WORDS[restriction.kind]
            return (f"买家受限（{zh}）：{restriction.reason}", f"the buyer is restricted ({en}): {restriction.reason}")
        if risk.level == "high":
            return (f"高风险（{risk.score} 分），需人工审核", f"high risk ({risk.score} points): a person reviews it")
        if risk.level == "medium" and route == lc.Route.REFUND and not facts.get("photos"):
            return (f"中风险（{risk.score} 分），需买家补充照片", f"medium risk ({risk.score} points): photos needed first")
        return None
    if stage == "pay_refund":
        # A person who approved a risky case has reviewed it (the panel showed why); what is left to
        # hold at payout is the return itself: a refund after it was seen moving, or checked.
        checked = bool(facts.get("inspected_ok")) or case.return_state == lc.ReturnState.INSPECTED
        if risk.level == "high" and route == lc.Route.RETURN_THEN_REFUND and not checked:
            return ("高风险：退货验货通过后才能退款", "high risk: the refund waits for a clean inspection of the return")
        if risk.level == "medium" and route == lc.Route.RETURN_THEN_REFUND and not (
                facts.get("return_scanned") or checked):
            return ("中风险：退货包裹有物流揽收记录后才能退款",
                    "medium risk: the refund waits for the return parcel's first carrier scan")
    return None
