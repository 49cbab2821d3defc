from django import template

from aftersales.risk.models import CaseRisk
from aftersales.risk.present import panel

register = template.Library()


@register.inclusion_tag("risk/partials/case_risk.html", takes_context=True)
def case_risk_panel(context, case):
    request = context.get("request")
    membership = getattr(request, "membership", None)
    return {"risk": panel(case, membership.role if membership else None), "request": request,
            "csrf_token": context.get("csrf_token")}


@register.simple_tag
def risk_level(case) -> str:
    """The stored level of a case ("" when not scored): for a queue badge."""
    return CaseRisk.objects.filter(case_id=case.pk).values_list("level", flat=True).first() or ""
