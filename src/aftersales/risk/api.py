"""The risk endpoints of the JSON API: a case's risk, a buyer's profile, restrictions, the dispute pack."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from ninja import Field, Path, Query, Router, Schema, Status

from aftersales.api.auth import caller
from aftersales.api.schemas import MAX_ID
from aftersales.cases import services as case_services
from aftersales.errors import PermissionDenied
from aftersales.risk import services
from aftersales.risk.models import BuyerRestriction, CaseRisk, RestrictionKind
from aftersales.risk.present import PACK_ROLES
from aftersales.risk.queries import profile

router = Router(tags=["risk"])


class ReasonOut(Schema):
    code: str
    points: int
    zh: str
    en: str


class CaseRiskOut(Schema):
    case_id: int
    score: int
    level: str
    reasons: list[ReasonOut]
    identity: int | None
    computed_at: datetime


class RestrictionOut(Schema):
    id: int
    kind: str
    reason: str
    expires_at: datetime
    created_at: datetime
    lifted_at: datetime | None
    active: bool


class ProfileOut(Schema):
    buyer_id: int
    profile: dict
    restrictions: list[RestrictionOut]


class Kind(str, Enum):
    no_instant_refund = RestrictionKind.NO_INSTANT_REFUND.value
    hold_orders = RestrictionKind.HOLD_ORDERS.value


class RestrictionBody(Schema):
    kind: Kind
    reason: str = Field(..., min_length=1, max_length=300)
    expires_at: datetime = Field(..., description="with a time zone, in the future")
    case_id: int | None = Field(None, ge=1, le=MAX_ID, description="the case to note it on (timeline)")


class PackFormat(str, Enum):
    pdf = "pdf"
    zip = "zip"


def _restriction(r: BuyerRestriction) -> dict:
    from aftersales import clock

    return {"id": r.pk, "kind": r.kind, "reason": r.reason, "expires_at": r.expires_at, "created_at": r.created_at,
            "lifted_at": r.lifted_at, "active": r.lifted_at is None and r.expires_at > clock.now()}


@router.get("/cases/{case_id}", response=CaseRiskOut, summary="A case's refund risk: score, level and every reason")
def case_risk(request, case_id: int = Path(..., ge=1, le=MAX_ID)):
    case = case_services.get_case(caller(request).organisation, case_id)
    risk = CaseRisk.objects.filter(case=case).first()
    if risk is None:
        risk = services.ensure_scored(case)       # a case from before the risk app: scored once, explicitly
    return {"case_id": case.pk, "score": risk.score, "level": risk.level, "reasons": risk.reasons,
            "identity": risk.identity_id, "computed_at": risk.computed_at}


@router.get("/buyers/{buyer_id}", response=ProfileOut, summary="A buyer's risk profile over the organisation's shops")
def buyer_profile(request, buyer_id: int = Path(..., ge=1, le=MAX_ID)):
    identity = services.identity_for_buyer(caller(request).organisation, buyer_id)
    rows = BuyerRestriction.objects.filter(identity=identity).order_by("-created_at")[:50]
    return {"buyer_id": buyer_id, "profile": profile(identity), "restrictions": [_restriction(r) for r in rows]}


@router.post("/buyers/{buyer_id}/restrictions", response={201: RestrictionOut},
             summary="Restrict a buyer (no instant refunds / orders held) with a reason and an expiry; supervisor or owner")
def restrict(request, payload: RestrictionBody, buyer_id: int = Path(..., ge=1, le=MAX_ID)):
    who = caller(request)
    row = services.restrict_buyer(who.organisation, buyer_id, who.who, payload.kind.value, payload.reason,
                                  payload.expires_at, case_id=payload.case_id)
    return Status(201, _restriction(row))


@router.post("/restrictions/{restriction_id}/lift", response=RestrictionOut, summary="Lift a restriction")
def lift(request, restriction_id: int = Path(..., ge=1, le=MAX_ID)):
    who = caller(request)
    return _restriction(services.lift_restriction(who.organisation, restriction_id, who.who))


@router.get("/cases/{case_id}/dispute-pack", response={200: None},
            summary="The dispute pack (平台介入): a PDF, or a ZIP with the PDF, the original files and case.json")
def dispute_pack(request, case_id: int = Path(..., ge=1, le=MAX_ID), format: PackFormat = Query(PackFormat.zip)):
    who = caller(request)
    if who.role not in PACK_ROLES:
        raise PermissionDenied("only owners, supervisors and agents export the dispute pack",
                               message_zh="仅店主、主管和客服可以导出争议材料")
    from aftersales.risk.views import pack_response

    return pack_response(case_services.get_case(who.organisation, case_id), format.value)
