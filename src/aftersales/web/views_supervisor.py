"""The supervisor's pages (owners and supervisors; everyone else gets the 403 page):

    board     open cases whose nearest seller deadline is past or within 2 / 8 / 24 hours, grouped,
              refreshed by an htmx poll (`partials/board_groups.html`)
    team      open and overdue cases per member, the unassigned ones; manual assignment of chosen
              cases and round-robin (cases.team)
    figures   first response, closed and breaches per member over 7 or 30 days (cases.figures)

Views only read the request, call cases.team / cases.figures and hand the template small
dataclasses; each list is a fixed number of queries, never one per row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from aftersales import clock
from aftersales.cases import explain as ex
from aftersales.cases import team as team_service
from aftersales.cases.figures import PERIODS, team_figures
from aftersales.cases.models import Case, Deadline, DeadlineStatus
from aftersales.catalog.models import Shop
from aftersales.domain.deadlines import Party
from aftersales.domain.platforms import PROFILES
from aftersales.errors import AftersalesError
from aftersales.web import present
from aftersales.web.access import SUPERVISOR_ROLES, member_required, who
from aftersales.web.errors import error_response, message_of

BOARD_LIMIT = 300          # rows drawn at most; the group counts are always complete
TEAM_CASES_LIMIT = 60      # cases listed for manual assignment

# (key, label, from, to): hours from now; None = unbounded.  A case is in the first group whose
# window holds its nearest seller deadline (`next_due_at`).
BOARD_GROUPS = (
    ("overdue", gettext_lazy("Overdue"), None, 0),
    ("h2", gettext_lazy("Within 2 hours"), 0, 2),
    ("h8", gettext_lazy("Within 8 hours"), 2, 8),
    ("h24", gettext_lazy("Within 24 hours"), 8, 24),
)


def _platform(code: str) -> str:
    profile = PROFILES.get(code)
    return ex.in_language(profile.name_zh, profile.name_en) if profile else code


def _shop_choice(request, shops) -> Shop | None:
    raw = request.GET.get("shop") or request.POST.get("shop") or ""
    return next((s for s in shops if str(s.pk) == raw), None)


# ---------------------------------------------------------------------------------------------
# Deadline board

@dataclass(frozen=True)
class BoardRow:
    case: Case
    number: str
    url: str
    countdown: str
    level: str              # "overdue" | "soon" | ""
    due_at_text: str
    due_zone: str
    what: str               # the deadline's kind ("seller review")
    shop_name: str
    platform_label: str
    state_label: str
    assignee: str


@dataclass(frozen=True)
class BoardGroup:
    key: str
    label: str
    count: int
    rows: list[BoardRow]

    @property
    def hidden(self) -> int:
        return self.count - len(self.rows)


def _windows(now: datetime) -> dict[str, Q]:
    out = {}
    for key, _label, start, end in BOARD_GROUPS:
        q = Q(next_due_at__lte=now + timedelta(hours=end))
        if start is not None:
            q &= Q(next_due_at__gt=now + timedelta(hours=start))
        out[key] = q
    return out


def board_context(request, now: datetime) -> dict:
    shops = list(Shop.objects.filter(organisation=request.organisation).order_by("name", "id"))
    shop = _shop_choice(request, shops)
    # WHERE organisation=? AND is_open AND next_due_at <= now + 24h (the partial case_due_idx)
    cases = Case.objects.filter(organisation=request.organisation, is_open=True,
                                next_due_at__lte=now + timedelta(hours=BOARD_GROUPS[-1][3]))
    if shop is not None:
        cases = cases.filter(shop=shop)
    windows = _windows(now)
    counts = cases.aggregate(**{key: Count("pk", filter=q) for key, q in windows.items()})
    drawn = list(cases.select_related("shop", "assignee").order_by("next_due_at", "id")[:BOARD_LIMIT])
    # What falls due: the case's open seller deadline at next_due_at (one query for all rows).
    kinds: dict[int, str] = {}
    for case_id, kind in (Deadline.objects.filter(case_id__in=[c.pk for c in drawn], status=DeadlineStatus.OPEN,
                                                  party=Party.SELLER)
                          .order_by("-due_at").values_list("case_id", "kind")):
        kinds[case_id] = kind           # descending: the earliest is written last
    rows: dict[str, list[BoardRow]] = {key: [] for key in windows}
    for case in drawn:
        key = next(k for k, _l, start, end in BOARD_GROUPS
                   if case.next_due_at <= now + timedelta(hours=end)
                   and (start is None or case.next_due_at > now + timedelta(hours=start)))
        due_text, zone = present.shop_time(case.next_due_at, case.shop.time_zone)
        what = ex.DEADLINE_LABELS.get(kinds.get(case.pk, ""))
        rows[key].append(BoardRow(
            case=case, number=case.number, url=reverse("web:case", args=[case.pk]),
            countdown=present.countdown(case.next_due_at, now), level="overdue" if key == "overdue" else
            ("soon" if key == "h2" else ""), due_at_text=due_text, due_zone=zone,
            what=ex.in_language(*what) if what else "", shop_name=case.shop.name,
            platform_label=_platform(case.platform), state_label=case.get_state_display(),
            assignee=present.person(case.assignee) if case.assignee_id else ""))
    groups = [BoardGroup(key, str(label), counts[key] or 0, rows[key]) for key, label, _s, _e in BOARD_GROUPS]
    return {"groups": groups, "shops": shops, "shop": shop, "now": now,
            "poll_seconds": settings.QUEUE_POLL_SECONDS, "page_title": _("Deadlines"), "nav": "board"}


@require_GET
@member_required(roles=SUPERVISOR_ROLES)
def board(request):
    partial = request.htmx and request.htmx.target == "board-groups" and not request.htmx.history_restore_request
    context = board_context(request, clock.now())
    response = render(request, "web/supervisor/partials/board_groups.html" if partial else
                      "web/supervisor/board.html", context)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


# ---------------------------------------------------------------------------------------------
# Team load and assignment

@dataclass(frozen=True)
class TeamCase:
    case: Case
    number: str
    url: str
    shop_name: str
    platform_label: str
    state_label: str
    countdown: str
    level: str
    assignee: str


def _team_cases(request, now: datetime, show: str, shop: Shop | None) -> list[TeamCase]:
    cases = Case.objects.filter(organisation=request.organisation, is_open=True)
    if show == "unassigned":
        cases = cases.filter(assignee__isnull=True)
    elif team_service.as_id(show) is not None:
        cases = cases.filter(assignee_id=team_service.as_id(show))
    if shop is not None:
        cases = cases.filter(shop=shop)
    out = []
    for case in cases.select_related("shop", "assignee").order_by("-priority", "-id")[:TEAM_CASES_LIMIT]:
        profile = PROFILES.get(case.platform)
        warn = profile.warn_before if profile else timedelta(hours=12)
        out.append(TeamCase(
            case=case, number=case.number, url=reverse("web:case", args=[case.pk]), shop_name=case.shop.name,
            platform_label=_platform(case.platform), state_label=case.get_state_display(),
            countdown=present.countdown(case.next_due_at, now), level=present.due_level(case.next_due_at, now, warn),
            assignee=present.person(case.assignee) if case.assignee_id else ""))
    return out


def team_context(request) -> dict:
    now = clock.now()
    shops = list(Shop.objects.filter(organisation=request.organisation).order_by("name", "id"))
    shop = _shop_choice(request, shops)
    load = team_service.team_load(request.organisation, now)
    show = request.GET.get("show", "unassigned")
    if show not in ("unassigned", "all") and not (show.isdigit() and any(
            str(m.membership.user_id) == show for m in load.members)):
        show = "unassigned"
    assignees = [m.membership for m in load.members if m.membership.active and m.membership.user.is_active]
    assignees.sort(key=lambda m: present.person(m.user).lower())
    return {
        "load": load, "shops": [(s, load.unassigned_by_shop.get(s.pk, 0)) for s in shops], "shop": shop,
        "show": show, "cases": _team_cases(request, now, show, shop), "assignees": assignees,
        "cases_limit": TEAM_CASES_LIMIT, "page_title": _("Team"), "nav": "team",
    }


@require_GET
@member_required(roles=SUPERVISOR_ROLES)
def team(request):
    return render(request, "web/supervisor/team.html", team_context(request))


def _back_to_team(request):
    """Back to the team page with the list the form was posted from."""
    url = reverse("web:supervisor-team")
    keep = {k: request.POST[k] for k in ("show", "shop") if request.POST.get(k)}
    if keep:
        from urllib.parse import urlencode
        url += "?" + urlencode(keep)
    return redirect(url)


def _given(result: team_service.Assigned) -> str:
    return ", ".join(f"{present.person(user) if user else _('the pool')} {n}"
                     for user, n in sorted(result.given.items(), key=lambda kv: present.person(kv[0]).lower()))


def _report_skipped(request, result: team_service.Assigned) -> None:
    if result.skipped:
        numbers = ", ".join(f"AS{case_id:08d}" if isinstance(case_id, int) else str(case_id)
                            for case_id, _why in result.skipped[:10])
        reasons = "; ".join(dict.fromkeys(why for _id, why in result.skipped))
        messages.warning(request, _("Left as they were (%(n)d): %(cases)s. %(why)s")
                         % {"n": len(result.skipped), "cases": numbers, "why": reasons})


@require_POST
@member_required(roles=SUPERVISOR_ROLES)
def assign(request):
    """Manual assignment: the checked cases (`case`, repeated) to `to` (a member's user id, or
    "nobody": back to the pool)."""
    ids = [i for i in map(team_service.as_id, request.POST.getlist("case")) if i is not None]
    to = request.POST.get("to", "")
    if not ids:
        messages.error(request, _("Tick the cases to assign first."))
        return _back_to_team(request)
    if not to:
        messages.error(request, _("Choose whom to give the cases to."))
        return _back_to_team(request)
    try:
        result = team_service.assign_many(request.organisation, who(request), ids, to)
    except AftersalesError as exc:
        messages.error(request, message_of(exc))
        return _back_to_team(request)
    if result.total:
        messages.success(request, _("Cases assigned: %(n)d (%(given)s).")
                         % {"n": result.total, "given": _given(result)})
    _report_skipped(request, result)
    return _back_to_team(request)


@require_POST
@member_required(roles=SUPERVISOR_ROLES)
def round_robin(request):
    """Every unassigned open case (of the chosen shop, or of all) to the agents, fewest first."""
    try:
        result = team_service.round_robin(request.organisation, who(request),
                                          shop_id=request.POST.get("shop") or None)
    except AftersalesError as exc:
        if exc.status == 404:
            return error_response(request, exc)
        messages.error(request, message_of(exc))
        return _back_to_team(request)
    if result.total:
        messages.success(request, _("Cases shared out: %(n)d (%(given)s).")
                         % {"n": result.total, "given": _given(result)})
    elif not result.skipped:
        messages.info(request, _("There were no unassigned open cases to share out."))
    _report_skipped(request, result)
    return _back_to_team(request)


# ---------------------------------------------------------------------------------------------
# Figures

@require_GET
@member_required(roles=SUPERVISOR_ROLES)
def figures(request):
    try:
        days = int(request.GET.get("days", PERIODS[0]))
    except ValueError:
        days = PERIODS[0]
    if days not in PERIODS:
        days = PERIODS[0]
    now = clock.now()
    result = team_figures(request.organisation, now=now, days=days)
    tz = settings.TIME_ZONE
    since_text, _zone = present.shop_time(result.since, tz)
    until_text, _zone = present.shop_time(result.until, tz)
    return render(request, "web/supervisor/figures.html", {
        "rows": [_figure_row(f) for f in result.members], "total": _figure_row(result.total),
        "periods": PERIODS, "days": days, "since_text": since_text, "until_text": until_text,
        "page_title": _("Figures"), "nav": "figures",
    })


@dataclass(frozen=True)
class FigureRow:
    name: str
    role: str
    active: bool
    answered: int
    median: str
    p90: str
    closed: int
    breaches: int


def _figure_row(f) -> FigureRow:
    m = f.membership
    return FigureRow(
        name=present.person(f.user) if f.user is not None else _("Whole team"),
        role=m.get_role_display() if m is not None else "", active=f.user is None or (m is not None and m.active),
        answered=f.answered, median=present.span(f.first_response_median) if f.first_response_median is not None
        else "", p90=present.span(f.first_response_p90) if f.first_response_p90 is not None else "",
        closed=f.closed, breaches=f.breaches)

