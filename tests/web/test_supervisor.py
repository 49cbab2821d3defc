"""The supervisor's pages through the Django test client: who may open them, the deadline board's
groups, team load, manual and round-robin assignment (cases.team), and the figures (cases.figures)
on a small fixture with frozen time."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
import time_machine

from aftersales import clock
from aftersales.accounts.models import Membership, Role
from aftersales.cases import services, team
from aftersales.cases.figures import percentile, team_figures
from aftersales.cases.models import Case, TimelineEvent
from aftersales.cases.permissions import Who
from aftersales.errors import NotAllowed, PermissionDenied
from tests.web.conftest import login

pytestmark = pytest.mark.django_db
EN = {"Accept-Language": "en"}
PAGES = ("/supervisor/deadlines/", "/supervisor/team/", "/supervisor/figures/")


def who_of(user) -> Who:
    return Who.member(Membership.objects.get(user=user))


def section(html: str, key: str) -> str:
    """The HTML of one board group."""
    start = html.index(f'id="group-{key}"')
    end = html.find("<section", start)
    return html[start:end if end > 0 else None]


def assignees(cases) -> list:
    return [Case.objects.get(pk=c.pk).assignee for c in cases]


# ---------------------------------------------------------------------------------------------
# Who may open them

@pytest.mark.parametrize("role", [
    pytest.param(Role.AGENT, id="agent"),
    pytest.param(Role.WAREHOUSE, id="warehouse"),
    pytest.param(Role.FINANCE, id="finance"),
])
def test_other_roles_get_the_403_page(client, a, role):
    login(client, a.person(role))
    for path in PAGES:
        response = client.get(path, headers=EN)
        assert response.status_code == 403, path
        assert "may not open this page" in response.content.decode()


@pytest.mark.parametrize("role", [pytest.param(Role.SUPERVISOR, id="supervisor"), pytest.param(Role.OWNER, id="owner")])
def test_supervisors_and_owners_open_them_and_see_the_links(client, a, role):
    login(client, a.person(role))
    for path in PAGES:
        assert client.get(path).status_code == 200, path
    nav = client.get("/", headers=EN).content.decode()
    assert 'href="/supervisor/deadlines/"' in nav and 'href="/supervisor/team/"' in nav
    assert ('href="/settings/"' in nav) == (role == Role.OWNER)


def test_an_agent_sees_no_supervisor_links(client, a):
    login(client, a.person(Role.AGENT))
    nav = client.get("/").content.decode()
    assert "/supervisor/" not in nav and 'href="/settings/"' not in nav


def test_forged_posts_of_an_agent_change_nothing(client, a):
    cases = [a.case(), a.case()]
    agent = a.person(Role.AGENT)
    login(client, agent)
    assert client.post("/supervisor/team/round-robin/", {}).status_code == 403
    assert client.post("/supervisor/team/assign/", {"case": [c.pk for c in cases], "to": agent.pk}).status_code == 403
    assert assignees(cases) == [None, None]
    assert not TimelineEvent.objects.filter(kind="assigned").exists()


def test_the_services_refuse_an_agent_too(a):
    case = a.case()
    agent = a.person(Role.AGENT)
    with pytest.raises(PermissionDenied):
        team.round_robin(a.org, who_of(agent))
    with pytest.raises(PermissionDenied):
        team.assign_many(a.org, who_of(agent), [case.pk], agent.pk)
    assert assignees([case]) == [None]


def queries_of(client, path) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_the_pages_cost_the_same_queries_for_2_or_10_cases(client, a):
    mei = a.person(Role.AGENT)
    login(client, a.person(Role.SUPERVISOR))
    paths = ("/supervisor/deadlines/", "/supervisor/team/?show=all", "/supervisor/figures/")
    counts = []
    for n in (2, 8):
        for i in range(n):
            case = a.case()
            Case.objects.filter(pk=case.pk).update(next_due_at=clock.now() - timedelta(hours=1),
                                                   assignee=mei if i % 2 else None)
        counts.append([queries_of(client, p) for p in paths])
    assert counts[0] == counts[1]


# ---------------------------------------------------------------------------------------------
# Deadline board

def test_the_board_groups_open_cases_by_their_nearest_deadline(client, a, b):
    now = clock.now()
    due = {"late": -1, "h1": 1, "h5": 5, "h20": 20, "h30": 30}
    cases = {k: a.case(shop=a.douyin if k == "h1" else a.own) for k in due}
    for key, hours in due.items():
        Case.objects.filter(pk=cases[key].pk).update(
            next_due_at=now + timedelta(hours=hours) + timedelta(minutes=1 if hours > 0 else -5))
    finished = a.case()
    Case.objects.filter(pk=finished.pk).update(next_due_at=now - timedelta(hours=3), is_open=False, state="closed")
    theirs = b.case()
    Case.objects.filter(pk=theirs.pk).update(next_due_at=now - timedelta(hours=3))
    mei = a.person(Role.AGENT, "mei")
    Case.objects.filter(pk=cases["h5"].pk).update(assignee=mei)
    login(client, a.person(Role.SUPERVISOR))

    html = client.get("/supervisor/deadlines/", headers=EN).content.decode()
    assert cases["late"].number in section(html, "overdue")
    assert "overdue 1 h" in section(html, "overdue")
    assert cases["h1"].number in section(html, "h2")
    assert "Douyin" in section(html, "h2") and a.douyin.name in section(html, "h2")
    assert cases["h5"].number in section(html, "h8") and "mei" in section(html, "h8")
    assert cases["h20"].number in section(html, "h24")
    for absent in (cases["h30"], finished, theirs):
        assert absent.number not in html
    # the counts at the top
    assert re.search(r'count-overdue[^"]*"><strong>1</strong>', html)
    assert 'hx-trigger="every 15s' in html

    # a shop filter, and the poll's answer: only the groups
    only_douyin = client.get("/supervisor/deadlines/", {"shop": a.douyin.pk},
                             headers={**EN, "HX-Request": "true", "HX-Target": "board-groups"})
    body = only_douyin.content.decode()
    assert body.lstrip().startswith('<div id="board-groups"') and "<html" not in body
    assert cases["h1"].number in body and cases["late"].number not in body
    assert f"?shop={a.douyin.pk}" in body               # the poll keeps the filter


def test_the_board_in_chinese(client, a):
    case = a.case()
    Case.objects.filter(pk=case.pk).update(next_due_at=clock.now() - timedelta(hours=2, minutes=5))
    login(client, a.person(Role.SUPERVISOR))
    html = client.get("/supervisor/deadlines/").content.decode()
    assert "<h1>截止时间</h1>" in html
    assert "已超时" in section(html, "overdue") and case.number in section(html, "overdue")
    assert "未分配" in html


# ---------------------------------------------------------------------------------------------
# Team load and assignment

@pytest.fixture
def floor(a):
    """Merchant A's team: two active agents (mei holds two cases), one deactivated agent, one agent
    whose user account is switched off, a supervisor; six unassigned cases."""
    people = {
        "mei": a.person(Role.AGENT, "mei"), "li": a.person(Role.AGENT, "li"),
        "gone": a.person(Role.AGENT, "gone", active=False), "off": a.person(Role.AGENT, "off"),
        "boss": a.person(Role.SUPERVISOR, "boss"),
    }
    type(people["off"]).objects.filter(pk=people["off"].pk).update(is_active=False)
    held = [a.case(), a.case()]
    Case.objects.filter(pk__in=[c.pk for c in held]).update(assignee=people["mei"])
    pool = [a.case(priority=600 - i * 10, shop=a.douyin if i % 2 else a.own) for i in range(6)]
    return people, held, pool


def test_team_load_counts_open_and_overdue_per_member(client, a, floor):
    people, held, pool = floor
    Case.objects.filter(pk=held[0].pk).update(next_due_at=clock.now() - timedelta(minutes=5))
    load = team.team_load(a.org, clock.now())
    by_name = {m.membership.user.username: (m.open, m.overdue) for m in load.members}
    assert by_name["mei"] == (2, 1) and by_name["li"] == (0, 0)
    assert "gone" not in by_name                          # inactive and holding nothing
    assert load.unassigned == 6 and load.unassigned_by_shop == {a.own.pk: 3, a.douyin.pk: 3}
    login(client, people["boss"])
    html = client.get("/supervisor/team/", headers=EN).content.decode()
    assert re.search(r'data-member="pool">.*?<td class="num open"[^>]*>6</td>', html, re.S)
    assert re.search(rf'data-member="{people["mei"].pk}">.*?<td class="num open"[^>]*>2</td>', html, re.S)


def test_round_robin_evens_out_the_load_and_skips_inactive_members(client, a, floor):
    people, held, pool = floor
    login(client, people["boss"])
    response = client.post("/supervisor/team/round-robin/", {"shop": ""}, headers=EN)
    assert response.status_code == 302
    got = assignees(pool)
    # li had none and mei two: li takes the two most urgent, then they alternate
    assert [u.username for u in got] == ["li", "li", "mei", "li", "mei", "li"]
    assert Case.objects.filter(assignee=people["li"], is_open=True).count() == 4
    assert Case.objects.filter(assignee=people["mei"], is_open=True).count() == 4
    assert not Case.objects.filter(assignee__in=[people["gone"], people["off"], people["boss"]]).exists()
    # one timeline event per case, by the supervisor
    events = TimelineEvent.objects.filter(kind="assigned", case__in=pool)
    assert events.count() == 6 and set(events.values_list("actor_user", flat=True)) == {people["boss"].pk}
    page = client.get(response["Location"], headers=EN).content.decode()
    assert "Cases shared out: 6 (li 4, mei 2)." in page
    assert re.search(r'data-member="pool">.*?<td class="num open"[^>]*>0</td>', page, re.S)


def test_round_robin_of_one_shop_leaves_the_others(client, a, floor):
    people, held, pool = floor
    login(client, people["boss"])
    client.post("/supervisor/team/round-robin/", {"shop": a.douyin.pk})
    for case in pool:
        case.refresh_from_db()
        assert (case.assignee is not None) == (case.shop_id == a.douyin.pk)


def test_round_robin_with_no_agent_says_so(client, a):
    case = a.case()
    boss = a.person(Role.SUPERVISOR)
    with pytest.raises(NotAllowed):
        team.round_robin(a.org, who_of(boss))
    login(client, boss)
    page = client.get(client.post("/supervisor/team/round-robin/", {}, headers=EN)["Location"], headers=EN)
    assert "no active agent" in page.content.decode()
    assert assignees([case]) == [None]


def test_round_robin_for_another_organisations_shop_is_a_404(client, a, b, floor):
    people, held, pool = floor
    login(client, people["boss"])
    assert client.post("/supervisor/team/round-robin/", {"shop": b.own.pk}).status_code == 404
    assert assignees(pool) == [None] * 6


def test_manual_assignment_gives_the_ticked_cases(client, a, b, floor):
    people, held, pool = floor
    theirs = b.case()
    login(client, people["boss"])
    response = client.post("/supervisor/team/assign/",
                           {"case": [pool[0].pk, pool[3].pk, theirs.pk], "to": people["li"].pk, "show": "all"},
                           headers=EN)
    assert response.status_code == 302 and response["Location"] == "/supervisor/team/?show=all"
    assert assignees([pool[0], pool[3]]) == [people["li"]] * 2
    assert assignees(pool[1:3] + pool[4:]) == [None] * 4
    assert Case.objects.get(pk=theirs.pk).assignee is None
    page = client.get(response["Location"], headers=EN).content.decode()
    assert "Cases assigned: 2 (li 2)." in page and "Left as they were (1)" in page
    # back to the pool
    client.post("/supervisor/team/assign/", {"case": [pool[0].pk], "to": "nobody"})
    assert assignees([pool[0]]) == [None]


@pytest.mark.parametrize("to", [pytest.param("gone", id="deactivated-member"),
                                pytest.param("off", id="switched-off-user"),
                                pytest.param("outsider", id="other-organisation")])
def test_manual_assignment_to_someone_unavailable_is_refused(client, a, b, floor, to):
    people, held, pool = floor
    people["outsider"] = b.person(Role.AGENT)
    login(client, people["boss"])
    response = client.post("/supervisor/team/assign/", {"case": [pool[0].pk], "to": people[to].pk}, headers=EN)
    assert "not an active member" in client.get(response["Location"], headers=EN).content.decode()
    assert assignees([pool[0]]) == [None]


# ---------------------------------------------------------------------------------------------
# Figures

T0 = datetime(2026, 11, 10, 2, 0, tzinfo=timezone.utc)


def at(moment):
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def history(a):
    """Answered after 1 h, 3 h and 10 h by mei (her cases), after 2 h by li on an unassigned case
    that the buyer then withdrew, one case never answered; an older case of li's (12 days ago,
    answered after 5 h, closed); two promises broken."""
    mei, li = a.person(Role.AGENT, "mei"), a.person(Role.AGENT, "li")
    a.person(Role.SUPERVISOR, "boss")
    with at(T0 - timedelta(days=12)):
        old = a.case(channel="chat")
    with at(T0 - timedelta(days=12, hours=-5)):
        services.add_message(a.org, old.pk, who_of(li), "您好，我们来处理。", channel="chat")
    with at(T0 - timedelta(days=11)):
        services.perform(a.org, old.pk, "cancel", Who.buyer())
    with at(T0):
        c = [a.case(channel="chat") for _ in range(5)]
    Case.objects.filter(pk__in=[c[0].pk, c[1].pk, c[2].pk]).update(assignee=mei)
    for case, hours, person in ((c[0], 1, mei), (c[1], 3, mei), (c[2], 10, mei), (c[3], 2, li)):
        with at(T0 + timedelta(hours=hours)):
            services.add_message(a.org, case.pk, who_of(person), "您好，已收到。", channel="chat")
    with at(T0 + timedelta(days=1)):
        services.perform(a.org, c[0].pk, "cancel", Who.buyer())
        services.perform(a.org, c[3].pk, "cancel", Who.buyer())
    for case in (c[1], c[4]):
        TimelineEvent.objects.create(case=case, kind="deadline.breached", actor="system",
                                     created_at=T0 + timedelta(days=2), visible_to_buyer=False)
    return mei, li


def test_percentile_is_nearest_rank():
    assert percentile([], 90) is None
    assert percentile([5], 90) == 5
    assert percentile([1, 3, 10], 90) == 10 and percentile([1, 2, 3, 10], 50) == 2
    assert percentile(list(range(1, 11)), 90) == 9


def times(f):
    return f.answered, f.first_response_median, f.first_response_p90


def test_figures_per_agent_and_for_the_team(a, history, django_assert_max_num_queries):
    mei, li = history
    with django_assert_max_num_queries(4):
        week = team_figures(a.org, now=T0 + timedelta(days=3), days=7)
    rows = {f.user.username: f for f in week.members}
    h = timedelta(hours=1)
    assert times(rows["mei"]) == (3, 3 * h, 10 * h)
    assert times(rows["li"]) == (1, 2 * h, 2 * h)
    assert (rows["mei"].closed, rows["li"].closed) == (1, 1)      # li: the last to act on an unassigned case
    assert (rows["mei"].breaches, rows["li"].breaches) == (1, 0)
    assert rows["boss"].answered == 0 and rows["boss"].first_response_median is None
    total = week.total
    assert times(total) == (4, 2.5 * h, 10 * h)
    assert (total.closed, total.breaches) == (2, 2)

    month = {f.user.username: f for f in team_figures(a.org, now=T0 + timedelta(days=3), days=30).members}
    assert times(month["li"]) == (2, 3.5 * h, 5 * h)
    assert month["li"].closed == 2


def test_the_figures_page_in_both_languages(client, a, history):
    login(client, Membership.objects.get(user__username="boss").user)
    with at(T0 + timedelta(days=3)):
        en = client.get("/supervisor/figures/", headers=EN).content.decode()
        zh = client.get("/supervisor/figures/", {"days": "30"}).content.decode()
        bad = client.get("/supervisor/figures/", {"days": "abc"}, headers=EN)
    mei_row = re.search(r"<tr>\s*<td class=\"who\"[^>]*>mei.*?</tr>", en, re.S).group(0)
    assert ">3</td>" in mei_row and "3 h" in mei_row and "10 h" in mei_row
    assert "Whole team" in en and "2 h 30 min" in en
    assert 'aria-current="page">Last 7 days' in en
    assert "整个团队" in zh and 'aria-current="page">最近 30 天' in zh
    assert bad.status_code == 200 and 'aria-current="page">Last 7 days' in bad.content.decode()
