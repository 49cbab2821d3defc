"""Steps on a case that move no main state: asking the buyer for evidence, asking the platform to
step in, and a note for the team.  Each is one transaction with its timeline event and outbox rows
(STYLE habit 4), like the lifecycle's steps in `cases.services`; the role is checked with
`cases.permissions.check_desk`.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from aftersales import clock
from aftersales.cases.explain import EVIDENCE_REQUESTS
from aftersales.cases.models import Case, TimelineEvent
from aftersales.cases.permissions import Who, check_desk
from aftersales.cases.services import check_version, get_case, record
from aftersales.domain import lifecycle as lc
from aftersales.errors import Conflict, NotAllowed, ValidationFailed
from aftersales.notify.outbox import enqueue, reply_recipient

MAX_NOTE = 2000


def _text(value: str, name: str, *, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationFailed.field(name, "write a few words")
    if len(value) > MAX_NOTE:
        raise ValidationFailed.field(name, f"at most {MAX_NOTE} characters")
    if "\x00" in value:
        raise ValidationFailed.field(name, "must not contain the NUL character (U+0000)")
    return value


def _open(case: Case) -> None:
    if not case.is_open:
        raise NotAllowed(f"case {case.number} is finished", message_zh="售后单已结束")


def request_evidence(organisation, case_id: int, who: Who, kinds: list[str], note: str = "") -> TimelineEvent:
    """Ask the buyer for photos or a video (`kinds`: keys of explain.EVIDENCE_REQUESTS).  The buyer
    sees the request in the timeline and gets it on the case's channel; the state stays."""
    kinds = list(dict.fromkeys(kinds or ()))
    if not kinds:
        raise ValidationFailed.field("kinds", "choose what the buyer should send")
    unknown = [k for k in kinds if k not in EVIDENCE_REQUESTS]
    if unknown:
        raise ValidationFailed.field("kinds", f"one or more of {', '.join(EVIDENCE_REQUESTS)}")
    note = _text(note, "note", required=False)
    check_desk(who, "request_evidence")
    now = clock.now()
    zh_what = "、".join(EVIDENCE_REQUESTS[k][0] for k in kinds)
    en_what = ", ".join(EVIDENCE_REQUESTS[k][1] for k in kinds)
    with transaction.atomic():
        case = get_case(organisation, case_id, lock=True)
        _open(case)
        event = record(case, "evidence.requested", who, now,
                       zh=f"请买家补充：{zh_what}。" + (f" {note}" if note else ""),
                       en=f"The buyer is asked to send {en_what}." + (f" {note}" if note else ""),
                       data={"kinds": kinds, "note": note})
        channel, to = reply_recipient(case)
        enqueue(case, "buyer.evidence_requested", channel, {"case": case.pk, "kinds": kinds, "note": note}, now, to)
    return event


def escalate(organisation, case_id: int, who: Who, note: str, *, expected_version: int | None = None) -> Case:
    """Ask the marketplace to step in (arbitration): `arbitration_state` becomes "requested", the
    platform is told through the outbox; the main state stays where it is.  An own store has no
    platform above it."""
    note = _text(note, "note", required=True)
    check_desk(who, "escalate")
    now = clock.now()
    with transaction.atomic():
        case = get_case(organisation, case_id, lock=True)
        check_version(case, expected_version)
        _open(case)
        if case.profile.executes_timeouts:
            raise NotAllowed("an own store has no platform to escalate to", message_zh="自营店铺没有可申请介入的平台")
        if case.arbitration_state not in (lc.ArbitrationState.NONE, lc.ArbitrationState.CANCELLED):
            raise NotAllowed("the platform is already involved in this case", message_zh="平台已介入此售后单")
        won = Case.objects.filter(pk=case.pk, version=case.version).update(
            arbitration_state=lc.ArbitrationState.REQUESTED, version=F("version") + 1, updated_at=now)
        if won != 1:
            raise Conflict(f"case {case.number} was changed by someone else; reload and retry",
                           message_zh="售后单已被他人更新，请刷新后重试")
        record(case, "escalated", who, now, zh=f"商家申请平台介入：{note}", en=f"The seller asked the platform to step in: {note}",
               data={"note": note, "arbitration_before": case.arbitration_state})
        enqueue(case, "platform.escalate", "platform",
                {"case": case.pk, "platform_case_id": case.platform_case_id, "note": note}, now)
    case.refresh_from_db()
    return case


def add_note(organisation, case_id: int, who: Who, body: str) -> TimelineEvent:
    """A note for the team in the timeline; the buyer never sees it.  Finished cases take notes too."""
    body = _text(body, "body", required=True)
    check_desk(who, "note")
    now = clock.now()
    with transaction.atomic():
        case = get_case(organisation, case_id, lock=True)
        return record(case, "note", who, now, zh=body, en=body, buyer_visible=False)
