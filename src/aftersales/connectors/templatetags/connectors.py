from django import template

from aftersales.connectors.present import failed_case_ids, sync_panel

register = template.Library()


@register.inclusion_tag("connectors/partials/case_sync.html", takes_context=True)
def case_sync_panel(context, case):
    request = context.get("request")
    from aftersales.web.access import who
    try:
        acting = who(request)
    except PermissionError:
        acting = None
    return {"sync": sync_panel(case, acting), "request": request, "csrf_token": context.get("csrf_token")}


@register.simple_tag(takes_context=True)
def sync_failed(context, case) -> bool:
    request = context.get("request")
    organisation = getattr(request, "organisation", None)
    return organisation is not None and case.pk in failed_case_ids(request, organisation)
