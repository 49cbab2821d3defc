from django import template

from aftersales.risk.present import panel

register = template.Library()


@register.inclusion_tag("risk/partials/case_risk.html", takes_context=True)
def case_risk_panel(context, case):
    request = context.get("request")
    membership = getattr(request, "membership", None)
    return {"risk": panel(case, membership.role if membership else None), "request": request,
            "csrf_token": context.get("csrf_token")}
