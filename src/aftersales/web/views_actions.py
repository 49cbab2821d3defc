"""Acting on a case from its page, and replying to the buyer.

`act` takes one POST per action (`action` names it: a lifecycle step, `inspect`, `pay_refund`,
`confirm_refund`, or a desk step: `request_evidence`, `escalate`, `note`), reads its form
(web/forms_case.py) and calls the service that does it with `who(request)`; the service checks the
role and the state again, so a forged POST is refused like a hidden button.  Every form carries
the case's `expected_version`: if someone changed the case since the page was drawn, the answer
is a Conflict ("reload") and nothing is written.

An htmx post gets `partials/case_live.html`: the action panel again, with the header, timeline,
deadlines, order lines, parcels and evidence swapped out of band, and the message in #flash.  A
plain post is redirected back to the page.  Refusals are 4xx with the message (web/errors.py).

`reply` sends the composer's text through `services.add_message` (the outbox row to the buyer's
channel; the first-reply promise is met); `reply_template` fills a template for the composer.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aftersales.cases import explain as ex
from aftersales.cases import replies, requests, services
from aftersales.cases.evidence import add_evidence, check_file
from aftersales.cases.models import InspectionOutcome
from aftersales.errors import AftersalesError, Conflict, ValidationFailed
from aftersales.web import forms_case as f
from aftersales.web import present_actions
from aftersales.web.access import member_required, who
from aftersales.web.errors import error_response, refusal
from aftersales.web.views_case import _case_or_404, case_context

MAX_PHOTOS = 10


def _moved(case, action: str) -> str:
    case.refresh_from_db()
    return _("Done: %(action)s. The case is now “%(state)s”.") % {
        "action": ex.in_language(*ex.ACTION_LABELS[action]), "state": case.get_state_display()}


def _perform(request, case, action: str, inputs: services.ActionInput) -> str:
    services.perform(request.organisation, case.pk, action, who(request), inputs)
    return _moved(case, action)


def approve(request, case):
    d = f.AmountForm(request.POST).checked()
    return _perform(request, case, "approve",
                    services.ActionInput(amount=d["amount"], expected_version=d["expected_version"]))


def convert_to_refund(request, case):
    d = f.AmountForm(request.POST).checked()
    return _perform(request, case, "convert_to_refund",
                    services.ActionInput(amount=d["amount"], expected_version=d["expected_version"]))


def reject(request, case):
    d = f.RejectForm(request.POST).checked()
    return _perform(request, case, "reject", services.ActionInput(
        reason=d["note"].strip(), reason_code=d["reason_code"], expected_version=d["expected_version"]))


def offer(request, case):
    form = f.OfferForm(request.POST)
    d = form.checked()
    return _perform(request, case, "offer",
                    services.ActionInput(offer_options=form.options(), expected_version=d["expected_version"]))


def accept_offer(request, case):
    d = f.AnswerOfferForm(request.POST).checked()
    return _perform(request, case, "accept_offer",
                    services.ActionInput(offer_id=d["offer_id"], expected_version=d["expected_version"]))


def decline_offer(request, case):
    d = f.AnswerOfferForm(request.POST).checked()
    return _perform(request, case, "decline_offer", services.ActionInput(expected_version=d["expected_version"]))


def _ship(action: str):
    def ship(request, case):
        d = f.ShipForm(request.POST).checked()
        return _perform(request, case, action, services.ActionInput(
            carrier=d["carrier"].strip(), tracking_number=d["tracking_number"].strip(),
            expected_version=d["expected_version"]))
    return ship


def inspect(request, case):
    """Confirm the return received (result "as expected") or refuse it, with photos as evidence.
    The photos are checked before anything is written, and stored once the inspection is."""
    d = f.InspectForm(request.POST).checked()
    photos = request.FILES.getlist("photos")
    if len(photos) > MAX_PHOTOS:
        raise ValidationFailed.field("photos", f"at most {MAX_PHOTOS} photos")
    for photo in photos:
        check_file(photo)
    units = sum(cl.quantity for cl in case.lines.all())
    damaged = (d["quantity_damaged"] or 0) if d["outcome"] != InspectionOutcome.OK else 0
    if damaged > units:
        raise ValidationFailed(f"quantity_damaged: at most {units}", fields={"quantity_damaged": [str(units)]},
                               message_zh=f"损坏数量不能超过 {units}")
    org, acting = request.organisation, who(request)
    services.inspect_return(org, case.pk, acting, d["outcome"], d["note"].strip(), quantity_damaged=damaged,
                            expected_version=d["expected_version"])
    label = str(InspectionOutcome(d["outcome"]).label)
    for photo in photos:
        add_evidence(org, case.pk, acting, photo, (d["note"].strip() or label)[:300])
    case.refresh_from_db()
    return _("Inspection recorded (%(result)s). The case is now “%(state)s”.") % {
        "result": label, "state": case.get_state_display()}


def pay_refund(request, case):
    d = f.PayForm(request.POST).checked()
    services.pay_refund(request.organisation, case.pk, who(request), external_id=d["external_id"].strip(),
                        expected_version=d["expected_version"])
    return _("Refund sent; it is confirmed when the money has arrived.")


def confirm_refund(request, case):
    d = f.ActForm(request.POST).checked()
    services.confirm_refund(request.organisation, case.pk, who(request), expected_version=d["expected_version"])
    return _moved(case, "refund_succeeded")


def request_evidence(request, case):
    d = f.RequestEvidenceForm(request.POST).checked()
    requests.request_evidence(request.organisation, case.pk, who(request), d["kinds"], d["note"])
    what = ex.in_language("、", ", ").join(ex.in_language(*ex.EVIDENCE_REQUESTS[k]) for k in d["kinds"])
    return _("The buyer has been asked for: %(what)s.") % {"what": what}


def escalate(request, case):
    d = f.EscalateForm(request.POST).checked()
    requests.escalate(request.organisation, case.pk, who(request), d["note"], expected_version=d["expected_version"])
    return _("The platform has been asked to step in.")


def note(request, case):
    d = f.NoteForm(request.POST).checked()
    requests.add_note(request.organisation, case.pk, who(request), d["body"])
    return _("Note added (the buyer does not see it).")


HANDLERS = {
    "approve": approve, "reject": reject, "offer": offer, "accept_offer": accept_offer,
    "decline_offer": decline_offer, "ship_return": _ship("ship_return"), "convert_to_refund": convert_to_refund,
    "inspect": inspect, "ship_to_buyer": _ship("ship_to_buyer"), "pay_refund": pay_refund,
    "confirm_refund": confirm_refund, "request_evidence": request_evidence, "escalate": escalate, "note": note,
}


def conflict(request, case):
    """Someone else changed the case since this page was drawn: say so, with a way to reload."""
    message = _("Someone else changed this case since you opened it; nothing was saved. Reload to see what changed.")
    if request.htmx:
        response = render(request, "web/partials/case_conflict.html", {"message": message, "case": case}, status=409)
        response["HX-Retarget"] = "#flash"
        response["HX-Reswap"] = "innerHTML"
        return response
    return refusal(request, message, status=409)


def _answer(request, case_id: int, message: str, *, composer=None):
    if request.htmx:
        case = services.get_case(request.organisation, case_id)
        context = case_context(request, case, composer=composer, live=True)
        context.update(flash=[("success", message)], oob=True)
        return render(request, "web/partials/case_live.html", context)
    messages.success(request, message)
    return redirect("web:case", case_id=case_id)


@require_POST
@member_required()
def act(request, case_id: int):
    case = _case_or_404(request, case_id)
    handler = HANDLERS.get(request.POST.get("action", ""))
    if handler is None:
        return error_response(request, ValidationFailed.field("action", f"one of {', '.join(HANDLERS)}"))
    try:
        message = handler(request, case)
    except Conflict:
        return conflict(request, case)
    except AftersalesError as exc:
        return error_response(request, exc)
    return _answer(request, case.pk, message)


@require_POST
@member_required()
def reply(request, case_id: int):
    case = _case_or_404(request, case_id)
    form = f.ReplyForm(request.POST)
    try:
        if not form.is_valid():
            raise f.refusal(form)
        services.add_message(request.organisation, case.pk, who(request), form.cleaned_data["body"],
                             channel=case.channel)
    except AftersalesError as exc:
        return error_response(request, exc)
    return _answer(request, case.pk, _("Reply sent to the buyer."),
                   composer=present_actions.composer(case, True, body=""))


@require_GET
@member_required()
def reply_template(request, case_id: int):
    """The composer with a template filled in for this case (the select's htmx GET)."""
    case = _case_or_404(request, case_id)
    key = request.GET.get("template", "")
    template = replies.find(request.organisation, key) if key else None
    composer = present_actions.composer(case, True, key=template.key if template else None,
                                     body=None if template else "")
    return render(request, "web/partials/case_reply_body.html", {"case": case, "composer": composer})
