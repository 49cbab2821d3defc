"""What the case page's assistance panel shows (templates render it; views and the API share it)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import get_language

from aftersales.assist import services
from aftersales.assist.models import CaseAssessment
from aftersales.domain.problems import BY_KEY, TYPES


def _zh() -> bool:
    return (get_language() or "").lower().startswith("zh")


@dataclass
class Panel:
    case_id: int
    version: int
    problem_type: str
    problem_label: str
    confidence: int | None            # per cent, None when an agent set it or nothing was read
    by_agent: bool
    left_to_agent: bool               # read, but not sure enough to set it
    guess_label: str
    urgent: bool
    urgency_reasons: list[str]
    suggestions: list[dict] = field(default_factory=list)
    may_offer: bool = False
    draft: services.Draft | None = None
    types: list[tuple[str, str]] = field(default_factory=list)


def panel(case, who) -> Panel:
    zh = _zh()
    a = CaseAssessment.objects.filter(case=case).first()
    kind = services.problem_type_of(case)
    label = (BY_KEY[kind].zh if zh else BY_KEY[kind].en) if kind else ""
    by_agent = bool(kind) and (a is None or a.corrected or not a.set_type)
    left = a is not None and not a.set_type and not a.corrected and not kind
    guess = (BY_KEY[a.problem_type].zh if zh else BY_KEY[a.problem_type].en) if (a and left) else ""
    may = who is not None and services.can_offer(case, who)
    sugg = [{"rule": s.rule, "text": s.zh if zh else s.en, "reason": s.reason_zh if zh else s.reason_en,
             "offers": s.offers} for s in services.suggestions(case)]
    return Panel(
        case_id=case.pk, version=case.version, problem_type=kind, problem_label=label,
        confidence=round(a.confidence * 100) if a and not a.corrected and a.set_type else None,
        by_agent=by_agent, left_to_agent=left, guess_label=guess, urgent=case.urgent or bool(a and a.urgent),
        urgency_reasons=[r[0] if zh else r[1] for r in (a.urgency_reasons if a else [])],
        suggestions=sugg, may_offer=may, draft=services.draft_reply(case),
        types=[(t.key, t.zh if zh else t.en) for t in TYPES])
