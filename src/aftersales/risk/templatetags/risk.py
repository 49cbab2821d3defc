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


@register.simple_tag(takes_context=True)
def risk_level(context, case) -> str:
    """The stored risk level of a queue row's case ("" when low or not scored).  The first row of a
    page loads the levels of every row on it (`rows` in the context): one query a page, not a row."""
    request = context.get("request")
    levels = getattr(request, "_risk_levels", None)
    if levels is None or case.pk not in levels:
        ids = {r.case.pk for r in context.get("rows") or () if getattr(r, "case", None) is not None} | {case.pk}
        found = dict(CaseRisk.objects.filter(case_id__in=ids).exclude(level="low").values_list("case_id", "level"))
        levels = {**(levels or {}), **{i: found.get(i, "") for i in ids}}
        if request is not None:
            request._risk_levels = levels
    return levels[case.pk]
