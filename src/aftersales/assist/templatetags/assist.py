from django import template

from aftersales.assist.present import panel

register = template.Library()


@register.inclusion_tag("assist/partials/case_assist.html", takes_context=True)
def case_assist_panel(context, case):
    request = context.get("request")
    from aftersales.web.access import who
    try:
        acting = who(request)
    except PermissionError:
        acting = None
    return {"assist": panel(case, acting), "request": request, "csrf_token": context.get("csrf_token")}
