"""The assistance API (mounted at /api/v1/assist): classify texts; a case's reading, suggestions
and draft reply; correct a case's type; make a suggested offer.  Same services as the case page."""

from __future__ import annotations

from typing import Literal

from ninja import Field, Path, Router, Schema

from aftersales.api.auth import caller
from aftersales.assist import services
from aftersales.assist.models import CaseAssessment
from aftersales.domain.problems import KEYS

router = Router(tags=["assist"])
ProblemType = Literal[KEYS]  # type: ignore[valid-type]


class ClassifyItem(Schema):
    id: str | int | None = None
    text: str = Field(..., max_length=100_000)


class ClassifyBody(Schema):
    items: list[ClassifyItem] = Field(..., min_length=1, max_length=500)


class ClassifyOut(Schema):
    id: str | int | None
    problem_type: str
    urgency: Literal["urgent", "normal"]
    confidence: float
    urgency_reasons: list[str]


class SuggestionOut(Schema):
    rule: str
    offers: list[str]
    text_zh: str
    text_en: str
    reason_zh: str
    reason_en: str


class DraftOut(Schema):
    language: str
    title: str
    body: str


class AssistOut(Schema):
    case_id: int
    problem_type: str
    confidence: float | None
    set_by: Literal["assist", "agent", "none"]
    urgent: bool
    urgency_reasons: list[str]
    suggestions: list[SuggestionOut]
    draft_reply: DraftOut | None


class CorrectBody(Schema):
    problem_type: ProblemType


class ApplyBody(Schema):
    rule: str = Field(..., max_length=60)
    expected_version: int | None = None


@router.post("/classify", response=list[ClassifyOut], summary="Problem type, urgency and confidence of texts")
def classify(request, payload: ClassifyBody):
    who = caller(request)
    model = services.model_for(who.organisation.pk)
    results = model.classify([i.text for i in payload.items])
    return [{"id": i.id, **r.as_dict(), "urgency_reasons": list(r.urgency_reasons_en)}
            for i, r in zip(payload.items, results)]


def _out(case) -> dict:
    a = CaseAssessment.objects.filter(case=case).first()
    kind = services.problem_type_of(case)
    set_by = "none" if not kind else ("assist" if a and a.set_type and not a.corrected else "agent")
    draft = services.draft_reply(case)
    return {
        "case_id": case.pk, "problem_type": kind, "confidence": a.confidence if a else None, "set_by": set_by,
        "urgent": case.urgent, "urgency_reasons": [r[1] for r in (a.urgency_reasons if a else [])],
        "suggestions": [{"rule": s.rule, "offers": list(s.offers), "text_zh": s.zh, "text_en": s.en,
                         "reason_zh": s.reason_zh, "reason_en": s.reason_en} for s in services.suggestions(case)],
        "draft_reply": {"language": draft.language, "title": draft.title, "body": draft.body} if draft else None,
    }


@router.get("/cases/{case_id}", response=AssistOut, summary="A case's problem type, urgency, suggestions and draft reply")
def case_assist(request, case_id: int = Path(..., ge=1, le=2**53)):
    from aftersales.cases.services import get_case

    who = caller(request)
    return _out(get_case(who.organisation, case_id))


@router.post("/cases/{case_id}/problem_type", response=AssistOut,
             summary="Correct the case's problem type (becomes a training example of the organisation)")
def correct(request, payload: CorrectBody, case_id: int = Path(..., ge=1, le=2**53)):
    from aftersales.cases.services import get_case

    who = caller(request)
    services.correct_problem_type(who.organisation, case_id, who.who, payload.problem_type)
    return _out(get_case(who.organisation, case_id))


@router.post("/cases/{case_id}/apply", response=AssistOut, summary="Make the offers of one of the case's suggestions")
def apply(request, payload: ApplyBody, case_id: int = Path(..., ge=1, le=2**53)):
    from aftersales.cases.services import get_case

    who = caller(request)
    services.apply_suggestion(who.organisation, case_id, who.who, payload.rule, payload.expected_version)
    return _out(get_case(who.organisation, case_id))
