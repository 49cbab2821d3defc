"""The case page's assistance forms: correct the problem type, make a suggested offer.  Plain
POSTs answered with a redirect back to the case (the page shows the result and the flash)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

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
