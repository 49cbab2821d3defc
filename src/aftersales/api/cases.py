"""Cases: intake, the queue, one case with everything about it, and acting on it.

Every endpoint hands over to a service of aftersales.cases (the same ones the pages, the CLI and
the sweep call); what is here is reading the request and shaping the answer.
"""

from __future__ import annotations

from django.http import FileResponse
from ninja import File, Form, Header, Path, Query, Router, Status
from ninja.files import UploadedFile

from aftersales.api import queue
from aftersales.api.auth import Caller, caller
from aftersales.api.schemas import (
    MAX_ID, ActionBody, CaseBody, CaseDetail, CasePage, EventOut, EvidenceOut, FollowUpBody, FollowUpOut,
    MessageBody, MessageOut, RatingBody, RatingOut,
)
from aftersales.cases import intake, services
from aftersales.cases.evidence import add_evidence
from aftersales.cases.explain import state_label
from aftersales.cases.models import Case, Evidence, Rating
from aftersales.cases.offers import OfferOption
from aftersales.cases.permissions import allowed_actions_for
from aftersales.errors import NotFound, ValidationFailed

router = Router(tags=["cases"])


def _case_id():
    return Path(..., ge=1, le=MAX_ID, description="the case id (AS00000042 is case 42)")


# --------------------------------------------------------------------------------------------
# Shaping

def list_item(case: Case) -> dict:
    zh, en = state_label(case.state)
    return {
        "id": case.pk, "number": case.number, "shop": {"id": case.shop.pk, "name": case.shop.name},
        "platform": case.platform, "platform_case_id": case.platform_case_id,
        "order_external_id": case.order.external_id if case.order_id else None,
        "buyer": {"id": case.buyer.pk, "external_id": case.buyer.external_id, "name": case.buyer.name},
        "case_type": case.case_type, "route": case.route, "reason_code": case.reason_code,
        "problem_type": case.problem_type, "channel": case.channel, "state": case.state, "state_zh": zh,
        "state_en": en, "is_open": case.is_open, "refund_state": case.refund_state,
        "return_state": case.return_state, "arbitration_state": case.arbitration_state,
        "currency": case.currency, "requested_amount": case.requested_amount,
        "approved_amount": case.approved_amount, "urgent": case.urgent, "vip": case.vip,
        "priority": case.priority, "priority_band": case.priority_band, "next_due_at": case.next_due_at,
        "created_at": case.created_at, "updated_at": case.updated_at, "version": case.version,
    }


def allowed_actions(case: Case, who: Caller) -> list[str]:
    """What the caller may do now (cases.permissions.allowed_actions_for, shared with the workbench)."""
    return allowed_actions_for(case, who.role)


def evidence_out(e: Evidence) -> dict:
    return {"id": e.pk, "kind": e.kind, "original_name": e.original_name, "content_type": e.content_type,
            "size": e.size, "sha256": e.sha256, "uploaded_by": e.uploaded_by, "note": e.note,
            "created_at": e.created_at, "url": f"/api/v1/cases/{e.case_id}/evidence/{e.pk}/file"}


def event_out(ev, *, buyer_view: bool = False) -> dict:
    return {"id": ev.pk, "kind": ev.kind, "actor": ev.actor, "action": ev.action, "state_before": ev.state_before,
            "state_after": ev.state_after, "message_zh": ev.message_zh, "message_en": ev.message_en,
            # the data behind an event (policy checks, rules) is for the team
            "data": {} if buyer_view else ev.data, "visible_to_buyer": ev.visible_to_buyer,
            "created_at": ev.created_at}


def case_detail(case: Case, who: Caller) -> dict:
    rating = Rating.objects.filter(case=case).first()
    return {
        **list_item(case),
        "reason_text": case.reason_text, "close_reason": case.close_reason,
        "platform_status_raw": case.platform_status_raw, "platform_type_raw": case.platform_type_raw,
        "first_replied_at": case.first_replied_at, "closed_at": case.closed_at,
        "policy_version": case.policy_version, "policy_verdict": case.policy_verdict,
        "policy_result": case.policy_result or {}, "allowed_actions": allowed_actions(case, who),
        "lines": [{"id": cl.pk, "order_line_id": cl.order_line_id, "order_external_id": cl.order_line.order.external_id,
                   "sku_code": cl.order_line.sku_code, "title": cl.order_line.title, "quantity": cl.quantity,
                   "amount": cl.amount, "released": cl.released}
                  for cl in case.lines.select_related("order_line__order").order_by("id")],
        "deadlines": [{"id": d.pk, "kind": d.kind, "party": d.party, "step": d.step, "due_at": d.due_at,
                       "source": d.source, "clock": d.clock, "on_timeout": d.on_timeout, "status": d.status,
                       "note": d.note, "warned_at": d.warned_at, "closed_at": d.closed_at,
                       "extended_count": d.extended_count}
                      for d in case.deadlines.order_by("due_at", "id")],
        "offers": [{"id": o.pk, "kind": o.kind, "amount": o.amount, "repair_by": o.repair_by,
                    "coupon_code": o.coupon_code, "note": o.note, "status": o.status, "created_at": o.created_at,
                    "answered_at": o.answered_at} for o in case.offers.order_by("id")],
        "refunds": [{"id": r.pk, "amount": r.amount, "currency": r.currency, "status": r.status, "method": r.method,
                     "approved_at": r.approved_at, "paid_at": r.paid_at, "succeeded_at": r.succeeded_at,
                     "expected_from": r.expected_from, "expected_to": r.expected_to, "external_id": r.external_id}
                    for r in case.refunds.order_by("id")],
        "return_shipments": [{"id": s.pk, "carrier": s.carrier, "tracking_number": s.tracking_number,
                              "paid_by": s.paid_by, "status": s.status, "shipped_at": s.shipped_at,
                              "delivered_at": s.delivered_at} for s in case.return_shipments.order_by("id")],
        "inspections": [{"id": i.pk, "outcome": i.outcome, "quantity_ok": i.quantity_ok,
                         "quantity_damaged": i.quantity_damaged, "note": i.note, "created_at": i.created_at}
                        for i in case.inspections.order_by("id")],
        "evidence": [evidence_out(e) for e in case.evidence.order_by("id")],
        "messages": [{"id": m.pk, "channel": m.channel, "author": m.author, "body": m.body,
                      "external_id": m.external_id, "created_at": m.created_at}
                     for m in case.messages.order_by("created_at", "id")],
        "follow_ups": [{"id": f.pk, "due_at": f.due_at, "done_at": f.done_at, "outcome": f.outcome}
                       for f in case.follow_ups.order_by("due_at", "id")],
        "rating": ({"score": rating.score, "comment": rating.comment, "created_at": rating.created_at}
                   if rating else None),
        "timeline": [event_out(ev) for ev in case.events.order_by("created_at", "id")],
    }


def _detail(request, case_id: int) -> dict:
    who = caller(request)
    return case_detail(services.get_case(who.organisation, case_id), who)


# --------------------------------------------------------------------------------------------
# Endpoints

@router.post("", response={200: CaseDetail, 201: CaseDetail},
             summary="Create a case (201), or return the one a repeat of the request made (200)")
def create_case(request, payload: CaseBody,
                idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=200,
                                                     description="repeats with the same key return the first case")):
    who = caller(request)
    data = intake.CaseIn(
        shop_id=payload.shop_id, order_external_id=payload.order_external_id,
        case_type=payload.case_type.value if payload.case_type else "",
        lines=[intake.CaseLineIn(**ln.model_dump()) for ln in payload.lines],
        reason_code=payload.reason_code, platform_reason=payload.platform_reason, reason_text=payload.reason_text,
        channel=payload.channel.value, requested_amount=payload.requested_amount, urgent=payload.urgent,
        platform_case_id=payload.platform_case_id, platform_status=payload.platform_status,
        platform_status_qualifier=payload.platform_status_qualifier, platform_type=payload.platform_type,
        platform_deadline=payload.platform_deadline, payload=payload.payload, created_at=payload.created_at)
    case, created = intake.submit_case(who.organisation, data, who.who, (idempotency_key or "").strip())
    return Status(201 if created else 200, _detail(request, case.pk))


@router.get("", response=CasePage, summary="The queue: filter, sort, and page with a cursor")
def list_cases(request, filters: Query[queue.QueueFilters]):
    rows, next_cursor = queue.page(caller(request).organisation, filters)
    return {"items": [list_item(c) for c in rows], "next_cursor": next_cursor}


@router.get("/{case_id}", response=CaseDetail, summary="One case with its deadlines, resolutions and timeline")
def get_case(request, case_id: int = _case_id()):
    return _detail(request, case_id)


@router.get("/{case_id}/timeline", response=list[EventOut], summary="The case's timeline")
def timeline(request, case_id: int = _case_id(), buyer_view: bool = False):
    case = services.get_case(caller(request).organisation, case_id)
    events = case.events.order_by("created_at", "id")
    if buyer_view:
        events = events.filter(visible_to_buyer=True)
    return [event_out(ev, buyer_view=buyer_view) for ev in events]


@router.post("/{case_id}/actions", response=CaseDetail,
             summary="Act on a case: a lifecycle action, or inspect / pay_refund / confirm_refund")
def act(request, payload: ActionBody, case_id: int = _case_id()):
    who = caller(request)
    org = who.organisation
    version = payload.expected_version
    if payload.action in ("pay_refund", "confirm_refund", "inspect"):
        if payload.action == "pay_refund":
            services.pay_refund(org, case_id, who.who, external_id=payload.external_id, expected_version=version)
        elif payload.action == "confirm_refund":
            services.confirm_refund(org, case_id, who.who, expected_version=version)
        else:
            if payload.outcome is None:
                raise ValidationFailed.field("outcome", "say what the inspection found")
            services.inspect_return(org, case_id, who.who, payload.outcome.value, payload.note,
                                    payload.quantity_ok, payload.quantity_damaged, expected_version=version)
    else:
        services.perform(org, case_id, payload.action, who.who, services.ActionInput(
            reason=payload.reason, reason_code=payload.reason_code or "", amount=payload.amount,
            carrier=payload.carrier, tracking_number=payload.tracking_number,
            offer_kind=payload.offer_kind.value if payload.offer_kind else "", offer_note=payload.offer_note,
            coupon_code=payload.coupon_code, repair_by=payload.repair_by,
            offer_options=[OfferOption(o.kind.value, o.amount, o.note, o.coupon_code, o.repair_by)
                           for o in payload.offer_options],
            offer_id=payload.offer_id, expected_version=payload.expected_version))
    return _detail(request, case_id)


@router.post("/{case_id}/messages", response={201: MessageOut}, summary="Add a message to the conversation")
def post_message(request, payload: MessageBody, case_id: int = _case_id()):
    who = caller(request)
    m = services.add_message(who.organisation, case_id, who.who, payload.body, payload.channel.value)
    return Status(201, {"id": m.pk, "channel": m.channel, "author": m.author, "body": m.body,
                        "external_id": m.external_id, "created_at": m.created_at})


@router.post("/{case_id}/evidence", response={200: EvidenceOut, 201: EvidenceOut},
             summary="Upload a photo, video or PDF (multipart); the same file again returns the first record")
def upload_evidence(request, case_id: int = _case_id(), file: UploadedFile = File(...),
                    note: str = Form("", max_length=300)):
    who = caller(request)
    evidence, created = add_evidence(who.organisation, case_id, who.who, file, note)
    return Status(201 if created else 200, evidence_out(evidence))


@router.get("/{case_id}/evidence/{evidence_id}/file", summary="Download an evidence file",
            response={200: None})
def download_evidence(request, case_id: int = _case_id(), evidence_id: int = Path(..., ge=1, le=MAX_ID)):
    case = services.get_case(caller(request).organisation, case_id)
    evidence = Evidence.objects.filter(case=case, pk=evidence_id).first()
    if evidence is None:
        raise NotFound(f"evidence {evidence_id} not found on case {case.number}", message_zh="未找到该证据")
    return FileResponse(evidence.file.open("rb"), content_type=evidence.content_type,
                        filename=evidence.original_name)


@router.post("/{case_id}/rating", response={201: RatingOut}, summary="Record the buyer's rating of a finished case")
def rate(request, payload: RatingBody, case_id: int = _case_id()):
    who = caller(request)
    case = services.rate_case(who.organisation, case_id, payload.score, payload.comment)
    rating = Rating.objects.get(case=case)
    return Status(201, {"score": rating.score, "comment": rating.comment, "created_at": rating.created_at})


@router.post("/{case_id}/follow-up", response=FollowUpOut, summary="Record the follow-up call's outcome")
def follow_up(request, payload: FollowUpBody, case_id: int = _case_id()):
    who = caller(request)
    fu = services.complete_follow_up(who.organisation, case_id, who.who, payload.outcome)
    return {"id": fu.pk, "due_at": fu.due_at, "done_at": fu.done_at, "outcome": fu.outcome}
