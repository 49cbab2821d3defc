"""Panels the buyer portal adds to the workbench's pages, each included with one line:

    {% include "portal/partials/case_feedback.html" %}    the case page: status link, follow-up answer, rating
    {% include "portal/partials/figures_ratings.html" %}  the figures page: each shop's after-sales rating
"""

from __future__ import annotations

from datetime import timedelta

from django import template

from aftersales import clock
from aftersales.cases.models import Rating
from aftersales.portal import links
from aftersales.portal.queries import shop_ratings

register = template.Library()


@register.inclusion_tag("portal/partials/case_feedback_body.html")
def case_feedback(case):
    fu = case.follow_ups.order_by("-id").first()
    return {"case": case, "url": links.url(case), "follow_up": fu, "rating": Rating.objects.filter(case=case).first()}


@register.inclusion_tag("portal/partials/figures_ratings_body.html", takes_context=True)
def figures_ratings(context, days=7):
    request = context["request"]
    now = clock.now()
    try:
        days = int(days)
    except (TypeError, ValueError):
        days = 7
    return {"rows": shop_ratings(request.organisation, since=now - timedelta(days=days), until=now), "days": days}
