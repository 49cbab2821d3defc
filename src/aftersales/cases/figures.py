"""How the team did over a period (the supervisor's figures page): per member and in total,

    first response   from a case's creation to the first seller message (Case.first_replied_at),
                     median and 90th percentile, over the cases *created* in the period that have
                     been answered; credited to the author of that first message (else the assignee)
    closed           cases that reached completed or closed in the period; credited to the assignee,
                     or, for a case nobody held, to the last team member who acted on it
    breaches         promises broken in the period (timeline events "deadline.breached" written by
                     the sweep), counted against the case's assignee now

Three queries whatever the size of the team (plus one for the members' names): the counts are
GROUP BY aggregates; the first-response times come back as one (responder, created, replied)
row per answered case, because SQLite has no percentile aggregate, and the percentiles are taken
in Python.  The 90th percentile is the nearest-rank one: the smallest time that at least 90 % of
the cases were answered within.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from aftersales.accounts.models import Membership
from aftersales.cases.models import Case, Message, TimelineEvent
from aftersales.cases.team import WORKING_ROLES
from aftersales.domain import lifecycle as lc

PERIODS = (7, 30)      # days the page offers


@dataclass(frozen=True)
class Figures:
    """One member's figures (user None: the whole team)."""

    user: object | None
    membership: Membership | None
    answered: int = 0
    first_response_median: timedelta | None = None
    first_response_p90: timedelta | None = None
    closed: int = 0
    breaches: int = 0


@dataclass(frozen=True)
class TeamFigures:
    since: datetime
    until: datetime
    days: int
    members: list[Figures]
    total: Figures


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile of `values` (sorted or not); None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def _times(seconds: list[float]) -> tuple[timedelta | None, timedelta | None]:
    if not seconds:
        return None, None
    return timedelta(seconds=statistics.median(seconds)), timedelta(seconds=percentile(seconds, 90))


def team_figures(organisation, *, now: datetime, days: int) -> TeamFigures:
    since = now - timedelta(days=days)

    # 1. First responses: the cases created in the period that have been answered.
    #    WHERE organisation=? AND created_at >= ? AND first_replied_at IS NOT NULL (case_created_idx)
    first_author = (Message.objects.filter(case=OuterRef("pk"), author=lc.Actor.SELLER)
                    .order_by("created_at", "pk").values("author_user_id")[:1])
    answered = (Case.objects.filter(organisation=organisation, created_at__gte=since, created_at__lt=now,
                                    first_replied_at__isnull=False)
                .annotate(responder=Coalesce(Subquery(first_author), "assignee_id", output_field=IntegerField()))
                .values_list("responder", "created_at", "first_replied_at"))
    waits: dict[int | None, list[float]] = {}
    for responder, created, replied in answered:
        waits.setdefault(responder, []).append(max(0.0, (replied - created).total_seconds()))

    # 2. Closed: WHERE organisation=? AND state IN (completed, closed) AND closed_at in the period
    last_actor = (TimelineEvent.objects.filter(case=OuterRef("pk"), actor=lc.Actor.SELLER, actor_user__isnull=False)
                  .order_by("-created_at", "-pk").values("actor_user_id")[:1])
    closed = dict(Case.objects.filter(organisation=organisation, state__in=list(lc.TERMINAL_STATES),
                                      closed_at__gte=since, closed_at__lt=now)
                  .annotate(credited=Coalesce("assignee_id", Subquery(last_actor), output_field=IntegerField()))
                  .values("credited").annotate(n=Count("pk")).values_list("credited", "n"))

    # 3. Breaches: the sweep's events in the period, by the case's assignee.
    breaches = dict(TimelineEvent.objects.filter(case__organisation=organisation, kind="deadline.breached",
                                                 created_at__gte=since, created_at__lt=now)
                    .values("case__assignee_id").annotate(n=Count("pk")).values_list("case__assignee_id", "n"))

    ids = {k for k in (*waits, *closed, *breaches) if k is not None}
    memberships = {m.user_id: m for m in Membership.objects.filter(organisation=organisation)
                   .filter(Q(active=True, role__in=WORKING_ROLES) | Q(user_id__in=ids)).select_related("user")}
    # someone who left the organisation altogether still gets their row
    users = {m.user_id: m.user for m in memberships.values()}
    missing = ids - set(users)
    if missing:
        users.update({u.pk: u for u in get_user_model().objects.filter(pk__in=missing)})

    members = []
    for user_id, user in users.items():
        median, p90 = _times(waits.get(user_id, []))
        members.append(Figures(user=user, membership=memberships.get(user_id), answered=len(waits.get(user_id, [])),
                               first_response_median=median, first_response_p90=p90,
                               closed=closed.get(user_id, 0), breaches=breaches.get(user_id, 0)))
    members.sort(key=lambda f: (-f.closed, -f.answered, (f.user.get_full_name() or f.user.get_username()).lower()))
    everything = [s for values in waits.values() for s in values]
    median, p90 = _times(everything)
    total = Figures(user=None, membership=None, answered=len(everything), first_response_median=median,
                    first_response_p90=p90, closed=sum(closed.values()), breaches=sum(breaches.values()))
    return TeamFigures(since=since, until=now, days=days, members=members, total=total)
