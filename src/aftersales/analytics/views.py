"""The analytics pages of the workbench: the dashboard, the weekly review, and the exports.

Owners and supervisors see the dashboard and the review (as they see the team's figures); any
member may export the queue they can open.  Everything is filtered by `request.organisation`.
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from aftersales import clock
from aftersales.analytics import dashboard, delivery, exports
from aftersales.analytics.review import weekly_review
from aftersales.catalog.models import Shop
from aftersales.domain import review as rules
from aftersales.web.access import SUPERVISOR_ROLES, member_required
from aftersales.web.forms import QueueFilterForm

FORMATS = ("csv", "xlsx")


def _export(fmt: str, name: str, tables):
    if fmt not in FORMATS:
        raise Http404
    if fmt == "csv":
        return exports.csv_response(f"{name}.csv", tables)
    return exports.xlsx_response(f"{name}.xlsx", tables)


def _context(request, filters: dashboard.Filters) -> dict:
    shops = list(Shop.objects.filter(organisation=request.organisation).order_by("name", "id"))
    platforms = sorted({s.platform for s in shops})
    query = {"shop": filters.shop or "", "platform": filters.platform, "weeks": filters.weeks}
    return {"shops": shops, "platforms": platforms, "filters": filters, "periods": dashboard.PERIOD_WEEKS,
            "query": "&".join(f"{k}={v}" for k, v in query.items() if v)}


def _charts(data: dict) -> dict:
    """The heatmap's cells with their shade, and the charts' words in the reader's language."""
    top = max((n for row in data["heatmap"] for n in row), default=0) or 1
    days = [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]
    words = {"refund_rate": _("Refund rate (%)"), "cases": _("Cases"), "delayed": _("Delayed"), "lost": _("Lost"),
             "damaged": _("Damaged"), "met": _("Met"), "missed": _("Missed"), "answered": _("Answered"),
             "closed": _("Closed"), "breaches": _("Breaches")}
    return {"hours": range(24), "chart_words": words,
            "heat_rows": [(days[d], [(n, round(0.08 + 0.92 * n / top, 2) if n else 0) for n in row])
                          for d, row in enumerate(data["heatmap"])]}


@require_GET
@member_required(roles=SUPERVISOR_ROLES)
def dashboard_page(request):
    filters = dashboard.Filters.from_query(request.organisation, request.GET)
    data = dashboard.figures(request.organisation, filters, clock.now(), get_language())
    context = {**_context(request, filters), **_charts(data), "data": data, "page_title": _("Dashboard"),
               "nav": "analytics"}
    partial = request.htmx and request.htmx.target == "dashboard-charts"
    return render(request, "analytics/partials/charts.html" if partial else "analytics/dashboard.html", context)


@require_GET
@member_required(roles=SUPERVISOR_ROLES)
def dashboard_export(request, fmt: str):
    filters = dashboard.Filters.from_query(request.organisation, request.GET)
    data = dashboard.figures(request.organisation, filters, clock.now(), get_language())
    return _export(fmt, "dashboard", exports.dashboard_tables(data))


def _week(request):
    now = clock.now()
    try:
        return rules.iso_week(request.GET["week"]), now
    except (KeyError, ValueError):
        this = rules.monday_of(now.astimezone(ZoneInfo(settings.TIME_ZONE)).date())
        return this - timedelta(weeks=1), now


@require_GET
@member_required(roles=SUPERVISOR_ROLES)
def review_page(request):
    monday, now = _week(request)
    review = weekly_review(request.organisation, monday, now)
    return render(request, "analytics/review.html", {
        "review": review, "zh": (get_language() or "").startswith("zh"), "page_title": _("Weekly review"),
        "nav": "analytics", "previous": rules.week_label(monday - timedelta(weeks=1)),
        "next": rules.week_label(monday + timedelta(weeks=1)),
    })


@require_GET
@member_required(roles=SUPERVISOR_ROLES)
def review_export(request, fmt: str):
    monday, now = _week(request)
    review = weekly_review(request.organisation, monday, now)
    if fmt == "pdf":
        response = HttpResponse(delivery.pdf_bytes(review), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="review-{review["week"]}.pdf"'
        return response
    return _export(fmt, f"review-{review['week']}", exports.review_tables(review))


@require_GET
@member_required()
def queue_export(request, fmt: str):
    shops = list(Shop.objects.filter(organisation=request.organisation).order_by("name", "id"))
    form = QueueFilterForm(request.GET, shops=shops)
    query = form.query(user_id=request.user.pk, now=clock.now(), cursor=None, limit=1)
    return _export(fmt, "queue", exports.queue_table(request.organisation, query))
