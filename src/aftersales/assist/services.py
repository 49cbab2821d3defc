"""Assistance use cases: read a case's buyer messages, correct its type, suggest, answer, retrain.

- `assess_message(case_id, message_id)`: classify the new buyer message (the organisation's model,
  else the base one), keep the reading in `CaseAssessment`, set `Case.problem_type` when the model
  is confident and no agent chose a type, flag the case urgent (+ re-score) with the reasons in the
  timeline, and answer a self-service question automatically (or hand the case to an agent when
  the buyer says an automatic answer did not help).  One transaction.
- `correct_problem_type`: an agent's choice; becomes the organisation's training example.
- `suggestions(case)` / `apply_suggestion`: the playbook's solutions and the one-click offer.
- `draft_reply(case)`: the reply template of the case's type, language and state, filled in.
- `retrain(organisation)`: refit an organisation's model from its examples.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from aftersales import clock
from aftersales.assist import classifier, selfservice
from aftersales.assist.models import CaseAssessment, OrgModel, PlaybookRule, TrainingExample
from aftersales.cases import replies
from aftersales.cases import services as core
from aftersales.cases.models import Case, Message
from aftersales.cases.offers import OfferOption
from aftersales.cases.permissions import Who, allowed_actions_for
from aftersales.cases.scoring import rescore
from aftersales.domain import lifecycle as lc
from aftersales.domain import playbook
from aftersales.domain.problems import BY_KEY, COARSE, KEYS
from aftersales.errors import NotAllowed, ValidationFailed
from aftersales.notify.outbox import enqueue, reply_recipient

log = logging.getLogger(__name__)
_org_models: dict[int, tuple[object, classifier.Model]] = {}


def model_for(organisation_id: int) -> classifier.Model:
    """The organisation's own model when it has one (cached per process until refitted)."""
    row = OrgModel.objects.filter(organisation_id=organisation_id).only("fitted_at").first()
    if row is None:
        return classifier.default_model()
    cached = _org_models.get(organisation_id)
    if cached and cached[0] == row.fitted_at:
        return cached[1]
    model = classifier.Model(bytes(OrgModel.objects.get(pk=row.pk).data))
    _org_models[organisation_id] = (row.fitted_at, model)
    return model


def assess_message(case_id: int, message_id: int) -> CaseAssessment | None:
    with transaction.atomic():
        case = Case.objects.select_for_update().select_related("shop", "buyer").get(pk=case_id)
        msg = Message.objects.filter(pk=message_id, case=case).first()
        if msg is None or msg.author != lc.Actor.BUYER:
            return None
        done = CaseAssessment.objects.filter(case=case).first()
        if done is not None and done.message_id == msg.pk:
            return done                               # the same fact twice: nothing new
        earlier = tuple(Message.objects.filter(case=case, author=lc.Actor.BUYER, pk__lt=msg.pk)
                        .order_by("-pk").values_list("body", flat=True)[:5])
        now = clock.now()
        result = model_for(case.organisation_id).classify_one(msg.body, earlier)
        agent_chose = done is not None and done.corrected or (bool(case.problem_type) and not (done and done.set_type))
        sets = classifier.confidence_ok(result) and not agent_chose
        assessment = done or CaseAssessment(case=case)
        assessment.problem_type, assessment.confidence = result.problem_type, result.confidence
        assessment.stage, assessment.language = result.stage, result.language
        assessment.urgent = result.urgent
        assessment.urgency_reasons = [list(p) for p in zip(result.urgency_reasons_zh, result.urgency_reasons_en)]
        assessment.set_type = sets or bool(done and done.set_type and not agent_chose)
        assessment.message_id, assessment.assessed_at = msg.pk, now
        assessment.save()
        t = BY_KEY[result.problem_type]
        pct = round(result.confidence * 100)
        if sets and case.problem_type != result.problem_type:
            Case.objects.filter(pk=case.pk).update(problem_type=result.problem_type)
            core.record(case, "assist.problem_type", Who.system(), now, buyer_visible=False,
                        zh=f"根据买家的话判断为「{t.zh}」（把握 {pct}%）。",
                        en=f"Read from the buyer's words as \u201c{t.en}\u201d ({pct}% confident).",
                        data={"problem_type": t.key, "confidence": round(result.confidence, 3)})
        if result.urgent and not case.urgent:
            case.urgent = True
            Case.objects.filter(pk=case.pk).update(urgent=True)
            rescore(case, now)
            core.record(case, "assist.urgent", Who.system(), now, buyer_visible=False,
                        zh="标为紧急：" + "、".join(result.urgency_reasons_zh) + "。",
                        en="Marked urgent: " + ", ".join(result.urgency_reasons_en) + ".",
                        data={"reasons": list(result.urgency_reasons_en)})
        _self_service(case, msg, result.language, now)
    return assessment


def _self_service(case: Case, msg: Message, language: str, now) -> None:
    answered = case.events.filter(kind="assist.auto_answer").order_by("-id").first()
    if answered is not None and answered.created_at <= msg.created_at and selfservice.not_helped(msg.body) \
            and not case.events.filter(kind="assist.handover", id__gt=answered.id).exists():
        case.urgent = True
        Case.objects.filter(pk=case.pk).update(urgent=True)
        rescore(case, now)
        core.record(case, "assist.handover", Who.system(), now, buyer_visible=False,
                    zh="买家表示自动回复没有解决问题，已转给客服。",
                    en="The buyer says the automatic answer did not help; handed to an agent.")
        return
    kind = selfservice.question(msg.body)
    if not kind or not case.is_open:
        return
    body = selfservice.answer(case, kind, language)
    if body is None:
        return
    reply = Message.objects.create(case=case, channel=case.channel, author=lc.Actor.SYSTEM, body=body, created_at=now)
    channel, to = reply_recipient(case)
    enqueue(case, "buyer.message", channel, {"case": case.pk, "message": reply.pk, "body": body}, now, to)
    core.record(case, "assist.auto_answer", Who.system(), now, zh=f"自动回复：{body[:80]}", en=f"Automatic answer: {body[:80]}",
                data={"question": kind, "message": reply.pk, "answers": msg.pk})


def correct_problem_type(organisation, case_id: int, who: Who, problem_type: str) -> CaseAssessment:
    if problem_type not in KEYS:
        raise ValidationFailed.field("problem_type", f"one of {', '.join(KEYS)}")
    now = clock.now()
    with transaction.atomic():
        case = core.get_case(organisation, case_id, lock=True)
        assessment = CaseAssessment.objects.filter(case=case).first()
        predicted = assessment.problem_type if assessment else ""
        text = " ".join(Message.objects.filter(case=case, author=lc.Actor.BUYER).order_by("pk")
                        .values_list("body", flat=True)) or case.reason_text
        if text.strip():
            TrainingExample.objects.create(organisation=organisation, case=case, text=text[:5000],
                                           problem_type=problem_type, predicted_type=predicted,
                                           created_by=who.user, created_at=now)
        assessment = assessment or CaseAssessment(case=case, confidence=1.0, assessed_at=now)
        assessment.problem_type, assessment.confidence = problem_type, 1.0
        assessment.corrected, assessment.set_type = True, False
        assessment.save()
        Case.objects.filter(pk=case.pk).update(problem_type=problem_type)
        t = BY_KEY[problem_type]
        core.record(case, "assist.corrected", who, now, buyer_visible=False,
                    zh=f"客服把问题类型定为「{t.zh}」。", en=f"An agent set the problem type to \u201c{t.en}\u201d.",
                    data={"problem_type": problem_type, "predicted": predicted})
    return assessment


# -- the playbook -----------------------------------------------------------------------------

def rules_for(case: Case) -> list[playbook.Rule]:
    own = PlaybookRule.objects.filter(organisation_id=case.organisation_id, is_active=True)
    own = [r for r in own if r.shop_id in (None, case.shop_id)]
    own.sort(key=lambda r: r.shop_id is None)        # a shop's rule wins over the organisation's
    chosen: dict[str, playbook.Rule] = {}
    for r in own:
        chosen.setdefault(r.key, playbook.Rule(
            r.key, r.problem_type, tuple(o.strip() for o in r.offers.split(",") if o.strip()), r.text_zh, r.text_en,
            r.reason_zh, r.reason_en, _split(r.when), _split(r.unless), r.coupon_amount, r.position))
    inactive = set(PlaybookRule.objects.filter(organisation_id=case.organisation_id, is_active=False)
                   .values_list("key", flat=True))
    return list(chosen.values()) + [r for r in playbook.DEFAULT_RULES if r.key not in chosen and r.key not in inactive]


def _split(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in (value or "").split(",") if v.strip())


def facts(case: Case) -> playbook.Facts:
    shipments = list(case.order.shipments.all()) if case.order_id else []
    return playbook.Facts(
        tracking_delivered=any(s.delivered_at for s in shipments) or bool(case.order_id and case.order.delivered_at),
        shipped=any(s.shipped_at for s in shipments) or bool(case.order_id and case.order.shipped_at),
        quality_confirmed=case.evidence.exists() or case.inspections.exclude(outcome="ok").exists(),
        refunded=case.refunds.exists())


def problem_type_of(case: Case) -> str:
    return case.problem_type if case.problem_type in BY_KEY else ""


def suggestions(case: Case) -> list[playbook.Suggestion]:
    kind = problem_type_of(case)
    return playbook.suggest(kind, facts(case), rules_for(case)) if kind else []


def can_offer(case: Case, who: Who) -> bool:
    return "offer" in allowed_actions_for(case, who.role)


def apply_suggestion(organisation, case_id: int, who: Who, rule_key: str, expected_version: int | None = None) -> Case:
    """Make the suggestion's offers through the core's OFFER step (one transaction there)."""
    case = core.get_case(organisation, case_id)
    chosen = next((s for s in suggestions(case) if s.rule == rule_key), None)
    if chosen is None:
        raise ValidationFailed.field("rule", "not a suggestion for this case now")
    if not chosen.offers:
        raise NotAllowed("this suggestion makes no offer", message_zh="此建议不包含方案")
    options = []
    for kind in chosen.offers:
        amount = None
        if kind in ("coupon", "gift") and chosen.coupon_amount:
            amount = Decimal(chosen.coupon_amount)
        if kind == "partial_refund":
            amount = (case.requested_amount / 2).quantize(Decimal("0.01"))
        options.append(OfferOption(kind, amount, note=chosen.en if kind not in ("coupon", "gift") else ""))
    return core.perform(organisation, case_id, "offer", who,
                        core.ActionInput(offer_options=options, expected_version=expected_version))


# -- the draft reply --------------------------------------------------------------------------

@dataclass(frozen=True)
class Draft:
    language: str
    title: str
    body: str
    key: str


# After the decision: the second template of a type ("how to send it back", "problem solved").
_LATER_STATES = {lc.CaseState.AWAITING_BUYER_RETURN, lc.CaseState.AWAITING_RECEIPT_REVIEW,
                 lc.CaseState.AWAITING_SELLER_SHIPMENT, lc.CaseState.AWAITING_BUYER_RECEIPT,
                 lc.CaseState.REFUND_IN_PROGRESS, lc.CaseState.COMPLETED}


def draft_reply(case: Case) -> Draft | None:
    kind = problem_type_of(case)
    if not kind:
        return None
    assessment = CaseAssessment.objects.filter(case=case).first()
    language = assessment.language if assessment else replies.default_language(case)
    coarse = COARSE[kind]
    pool = [t for t in replies.templates_for(case.organisation) if t.kind == coarse and t.language == language]
    if not pool:
        pool = [t for t in replies.templates_for(case.organisation) if t.kind == "other" and t.language == language]
    if not pool:
        return None
    later = case.refunds.exists() or str(case.state) in _LATER_STATES
    template = pool[min(len(pool) - 1, 1 if later else 0)]
    return Draft(language, template.title, replies.render(case, template), template.key)


# -- retraining -------------------------------------------------------------------------------

def retrain(organisation) -> OrgModel | None:
    from aftersales.assist import training

    examples = list(TrainingExample.objects.filter(organisation=organisation).values_list("text", "problem_type"))
    if not examples:
        OrgModel.objects.filter(organisation=organisation).delete()
        return None
    coef, intercept = training.fit(examples)
    data = training.to_bytes(coef, intercept)
    row, _ = OrgModel.objects.update_or_create(
        organisation=organisation, defaults={"data": data, "examples": len(examples), "fitted_at": clock.now()})
    _org_models.pop(organisation.pk, None)
    return row
