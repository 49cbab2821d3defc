"""The case page's assistance forms: correct the problem type, make a suggested offer.  Plain
POSTs answered with a redirect back to the case (the page shows the result and the flash)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from aftersales.assist import services
from aftersales.errors import AftersalesError, NotFound
from aftersales.web.access import member_required, who


def _back(case_id: int):
    return redirect("web:case", case_id=case_id)


@require_POST
@member_required()
def correct(request, case_id: int):
    try:
        services.correct_problem_type(request.organisation, case_id, who(request), request.POST.get("problem_type", ""))
    except NotFound:
        raise Http404(_("No such case")) from None
    except AftersalesError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("Problem type saved; the shop's model learns from it."))
    return _back(case_id)


@require_POST
@member_required()
def apply(request, case_id: int):
    version = request.POST.get("expected_version")
    try:
        services.apply_suggestion(request.organisation, case_id, who(request), request.POST.get("rule", ""),
                                  int(version) if version and version.isdigit() else None)
    except NotFound:
        raise Http404(_("No such case")) from None
    except AftersalesError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("Offer sent to the buyer."))
    return _back(case_id)


# -- the playbook page (owners and supervisors) -------------------------------------------------

from aftersales.assist.models import PlaybookRule  # noqa: E402
from aftersales.domain import playbook as pb  # noqa: E402
from aftersales.domain.problems import BY_KEY  # noqa: E402
from aftersales.web.access import SUPERVISOR_ROLES  # noqa: E402

_OFFER_KINDS = {"refund", "partial_refund", "exchange", "repair", "reship", "coupon", "gift"}


@require_http_methods(["GET", "POST"])
@member_required(roles=SUPERVISOR_ROLES)
def playbook_page(request):
    """The organisation's playbook: every default rule with the organisation's own wording over it;
    saving a row writes the organisation's PlaybookRule of that key (shop-wide rules stay in the admin)."""
    from django.shortcuts import render

    org = request.organisation
    own = {r.key: r for r in PlaybookRule.objects.filter(organisation=org, shop__isnull=True)}
    if request.method == "POST":
        key = request.POST.get("key", "")
        default = next((r for r in pb.DEFAULT_RULES if r.key == key), None)
        offers = [o.strip() for o in request.POST.get("offers", "").split(",") if o.strip()]
        if default is None or any(o not in _OFFER_KINDS for o in offers) or not request.POST.get("text_zh", "").strip():
            messages.error(request, _("Choose a rule, offer kinds from the list, and a suggestion text."))
            return redirect("assist:playbook")
        PlaybookRule.objects.update_or_create(organisation=org, shop=None, key=key, defaults={
            "problem_type": default.problem_type, "offers": ",".join(offers),
            "coupon_amount": request.POST.get("coupon_amount", "").strip()[:12],
            "when": ",".join(default.when), "unless": ",".join(default.unless),
            "text_zh": request.POST["text_zh"].strip()[:200],
            "text_en": (request.POST.get("text_en") or default.en).strip()[:200],
            "reason_zh": (request.POST.get("reason_zh") or default.reason_zh).strip()[:300],
            "reason_en": (request.POST.get("reason_en") or default.reason_en).strip()[:300],
            "position": default.position, "is_active": request.POST.get("is_active") == "on"})
        messages.success(request, _("Playbook rule saved."))
        return redirect("assist:playbook")
    rows = []
    for d in pb.DEFAULT_RULES:
        r = own.get(d.key)
        rows.append({"key": d.key, "type": BY_KEY[d.problem_type], "own": r is not None,
                     "offers": r.offers if r else ",".join(d.offers), "coupon_amount": r.coupon_amount if r else d.coupon_amount,
                     "text_zh": r.text_zh if r else d.zh, "text_en": r.text_en if r else d.en,
                     "reason_zh": r.reason_zh if r else d.reason_zh, "reason_en": r.reason_en if r else d.reason_en,
                     "active": r.is_active if r else True, "when": ", ".join(d.when + tuple("not " + u for u in d.unless))})
    return render(request, "assist/playbook.html", {"rows": rows, "nav": "playbook", "page_title": _("Playbook")})
