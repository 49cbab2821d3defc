"""The queue: every case of the organisation's shops, most urgent first (the workbench home).

`queue` renders the page, or only `partials/queue_results.html` when the filter form or a tab
asks for it through htmx; `queue_rows` answers the poll (the rows shown so far, again) and the
"more" button (the next page after a cursor) with `partials/queue_rows.html`.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from aftersales import clock
from aftersales.catalog.models import Shop
from aftersales.errors import ValidationFailed
from aftersales.web import present
from aftersales.web.access import member_required, who
from aftersales.web.forms import MAX_POLL_ROWS, PAGE_SIZE, QueueFilterForm

VIEW_LABELS = (
    ("all", gettext_lazy("All open")),
    ("mine", gettext_lazy("Mine")),
    ("unassigned", gettext_lazy("Unassigned")),
    ("due_soon", gettext_lazy("About to time out")),
    ("inspection", gettext_lazy("Waiting for inspection")),
)


def _filters(request) -> dict[str, str]:
    """The filter parameters of this request (no paging), to carry into tabs, the poll and "more"."""
    names = {"view", "q", "shop", "platform", "state", "type", "problem", "band", "due_before", "sort"}
    return {k: v for k, v in request.GET.items() if k in names and v}


def queue_context(request, *, cursor: str | None = None, limit: int = PAGE_SIZE) -> dict:
    shops = list(Shop.objects.filter(organisation=request.organisation).order_by("name", "id"))
    form = QueueFilterForm(request.GET, shops=shops)
    now = clock.now()
    query = form.query(user_id=request.user.pk, now=now, cursor=cursor, limit=limit)
    try:
        rows, next_cursor = present.queue_page(request.organisation, query, who(request), now)
    except ValidationFailed:        # a stale or forged cursor: nothing more to show
        rows, next_cursor = [], None
    filters = _filters(request)
    view = query.view
    tabs = [{"view": key, "label": label, "active": key == view,
             "query": urlencode({**filters, "view": key} if key != "all" else
                                {k: v for k, v in filters.items() if k != "view"})}
            for key, label in VIEW_LABELS]
    return {
        "form": form, "rows": rows, "next_cursor": next_cursor, "filter_query": urlencode(filters),
        "tabs": tabs, "view": view, "filtered": form.active(), "poll_seconds": settings.QUEUE_POLL_SECONDS,
        "page_title": _("Queue"), "nav": "queue",
    }


@require_GET
@member_required()
def queue(request):
    partial = request.htmx and request.htmx.target == "queue-results" and not request.htmx.history_restore_request
    template = "web/partials/queue_results.html" if partial else "web/queue.html"
    response = render(request, template, queue_context(request))
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


@require_GET
@member_required()
def queue_rows(request):
    """The poll sends `shown` (rows on screen) and gets that many rows again, fresh; the "more"
    button sends the cursor and gets the next page."""
    cursor = request.GET.get("cursor") or None
    if cursor:
        limit = PAGE_SIZE
    else:
        try:
            shown = int(request.GET.get("shown", PAGE_SIZE))
        except ValueError:
            shown = PAGE_SIZE
        limit = min(max(shown, PAGE_SIZE), MAX_POLL_ROWS)
    context = queue_context(request, cursor=cursor, limit=limit)
    context["appending"] = bool(cursor)
    return render(request, "web/partials/queue_rows.html", context)
