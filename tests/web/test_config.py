"""The owner's configuration through the Django test client: who may open it, other organisations'
shops and members (404), field-by-field validation with nothing half saved, policy_version,
channels, the compensation limit (and cases.team.check_compensation), people and roles."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client

from aftersales import clock
from aftersales.accounts.models import Membership, Role
from aftersales.cases import team
from aftersales.cases.models import Case, TimelineEvent
from aftersales.cases.permissions import Who
from aftersales.catalog import services as shop_service
from aftersales.catalog.models import Shop
from aftersales.errors import Conflict, NotAllowed, PermissionDenied, ValidationFailed
from tests.web.conftest import PASSWORD, login

pytestmark = pytest.mark.django_db
EN = {"Accept-Language": "en"}

POLICY = {
    "policy_version": "1", "no_reason_days": "7", "quality_exchange_days": "15", "excluded_categories": "",
    "vip_spend_threshold": "5000.00", "auto_approve_unshipped_refund": "0", "auto_approve_small_return_max": "0.00",
    "first_reply_hours": "24", "review_business_days": "2", "refund_within_days": "3", "followup_days": "3",
}


@pytest.fixture
def owner(client, a):
    user = a.person(Role.OWNER, "boss")
    login(client, user)
    return user


def who_of(user) -> Who:
    return Who.member(Membership.objects.get(user=user))


def field_error(html: str, name: str) -> str:
    """The message shown under one field."""
    found = re.search(rf'<p class="ferror" id="err_{name}" role="alert">(.*?)</p>', html)
    return found.group(1) if found else ""


def reload(shop) -> Shop:
    return Shop.objects.get(pk=shop.pk)


# ---------------------------------------------------------------------------------------------
# Who may

@pytest.mark.parametrize("role", [pytest.param(r, id=r) for r in
                                  (Role.SUPERVISOR, Role.AGENT, Role.WAREHOUSE, Role.FINANCE)])
def test_only_the_owner_opens_the_settings(client, a, role):
    user = a.person(role)
    member = Membership.objects.get(user=user)
    login(client, user)
    for path in ("/settings/", f"/settings/shops/{a.own.pk}/", "/settings/people/"):
        response = client.get(path, headers=EN)
        assert response.status_code == 403, path
        assert "may not open this page" in response.content.decode()
    # forged posts change nothing
    assert client.post(f"/settings/shops/{a.own.pk}/policy/", {**POLICY, "no_reason_days": "30"}).status_code == 403
    assert client.post(f"/settings/shops/{a.own.pk}/details/", {"name": "Mine now"}).status_code == 403
    assert client.post("/settings/people/new/", {"username": "x", "password": "Long-enough-9", "role": "owner"}
                       ).status_code == 403
    assert client.post(f"/settings/people/{member.pk}/", {"role": Role.OWNER}).status_code == 403
    shop = reload(a.own)
    assert (shop.no_reason_days, shop.name, shop.policy_version) == (7, "Merchant A web store", 1)
    assert Membership.objects.get(pk=member.pk).role == role
    assert not get_user_model().objects.filter(username="x").exists()


def test_the_services_refuse_a_supervisor_too(a):
    boss = a.person(Role.SUPERVISOR)
    with pytest.raises(PermissionDenied):
        shop_service.update_policy(a.org, a.own.pk, who_of(boss), {"no_reason_days": "30"})
    with pytest.raises(PermissionDenied):
        team.add_member(a.org, who_of(boss), username="x", password="Long-enough-9", role=Role.AGENT)


def test_the_owner_sees_the_shops_and_the_admin_link_only_as_staff(client, a, b, owner):
    html = client.get("/settings/", headers=EN).content.decode()
    assert a.own.name in html and a.douyin.name in html and b.own.name not in html
    assert "CN¥5,000.00" in html                          # VIP threshold, money as the queue writes it
    assert "More settings (admin)" not in html
    get_user_model().objects.filter(pk=owner.pk).update(is_staff=True)
    html = client.get("/settings/", headers=EN).content.decode()
    assert 'href="/admin/"' in html and "More settings (admin)" in html
    assert 'href="/settings/replies/"' in html


def test_another_organisations_shop_and_members_are_404(client, a, b, owner):
    their_member = Membership.objects.get(user=b.person(Role.AGENT))
    assert client.get(f"/settings/shops/{b.own.pk}/").status_code == 404
    for section in ("details", "policy", "channels", "compensation"):
        assert client.post(f"/settings/shops/{b.own.pk}/{section}/", {**POLICY, "name": "taken"}).status_code == 404
    assert client.post(f"/settings/people/{their_member.pk}/", {"role": Role.OWNER}).status_code == 404
    assert client.post(f"/settings/people/{their_member.pk}/active/", {"active": "0"}).status_code == 404
    assert reload(b.own).name == "Merchant B web store" and reload(b.own).policy_version == 1
    their_member.refresh_from_db()
    assert their_member.role == Role.AGENT and their_member.active
    assert their_member.user.get_username() not in client.get("/settings/people/").content.decode()
    assert client.post(f"/settings/shops/{a.own.pk}/nonsense/", {}).status_code == 404


# ---------------------------------------------------------------------------------------------
# Policy

def test_saving_the_policy_bumps_its_version_and_says_so(client, a, owner):
    response = client.post(f"/settings/shops/{a.own.pk}/policy/",
                           {**POLICY, "no_reason_days": "15", "excluded_categories": "内衣, 定制\nfood",
                            "auto_approve_unshipped_refund": ["0", "1"], "vip_spend_threshold": "8000.5"},
                           headers=EN)
    assert response.status_code == 302 and response["Location"] == f"/settings/shops/{a.own.pk}/#policy"
    shop = reload(a.own)
    assert (shop.no_reason_days, shop.policy_version) == (15, 2)
    assert shop.excluded_categories == ["内衣", "定制", "food"]
    assert shop.auto_approve_unshipped_refund is True and shop.vip_spend_threshold == Decimal("8000.50")
    page = client.get(response["Location"], headers=EN).content.decode()
    assert "Policy saved. The policy is now version 2." in page
    # the same values again: nothing to save, no new version
    again = {**POLICY, "policy_version": "2", "no_reason_days": "15", "excluded_categories": "内衣, 定制, food",
             "auto_approve_unshipped_refund": ["0", "1"], "vip_spend_threshold": "8000.50"}
    client.post(f"/settings/shops/{a.own.pk}/policy/", again)
    assert reload(a.own).policy_version == 2
    # a new case keeps the version it was judged by
    assert a.case().policy_version == f"{a.own.pk}-2"


@pytest.mark.parametrize("field, value, message", [
    pytest.param("no_reason_days", "-3", "Cannot be negative.", id="negative-days"),
    pytest.param("no_reason_days", "seven", "Enter a whole number, without decimals or units.", id="not-a-number"),
    pytest.param("quality_exchange_days", "1.5", "Enter a whole number, without decimals or units.", id="decimal-days"),
    pytest.param("first_reply_hours", "", "Enter a number.", id="empty"),
    pytest.param("review_business_days", "400", "Must be at most 60.", id="too-many-days"),
    pytest.param("followup_days", "0", "Must be at least 1.", id="follow-up-zero"),
    pytest.param("vip_spend_threshold", "-1", "Cannot be negative.", id="negative-money"),
    pytest.param("vip_spend_threshold", "12.345", "At most two decimal places.", id="three-decimals"),
    pytest.param("auto_approve_small_return_max", "lots", "Enter an amount, such as 199.00.", id="not-money"),
    pytest.param("excluded_categories", "x" * 101, "A category name has at most 100 characters.", id="long-category"),
])
def test_a_bad_policy_value_is_named_and_nothing_is_saved(client, a, owner, field, value, message):
    # a good change beside the bad one is not saved either
    response = client.post(f"/settings/shops/{a.own.pk}/policy/",
                           {**POLICY, "refund_within_days": "5", field: value}, headers=EN)
    assert response.status_code == 422
    html = response.content.decode()
    assert field_error(html, field) == message
    assert "Nothing was saved" in html
    assert f'name="{field}" value="{value}"' in html or f">{value}</textarea>" in html      # what was typed stays
    shop = reload(a.own)
    assert (shop.refund_within_days, shop.policy_version) == (3, 1)


def test_several_bad_values_are_all_named_in_chinese(client, a, owner):
    response = client.post(f"/settings/shops/{a.own.pk}/policy/",
                           {**POLICY, "no_reason_days": "-1", "first_reply_hours": "abc"})
    html = response.content.decode()
    assert field_error(html, "no_reason_days") == "不能为负数。"
    assert field_error(html, "first_reply_hours") == "请输入整数，不带小数或单位。"


def test_a_stale_form_does_not_overwrite_a_newer_policy(client, a, owner):
    shop_service.update_policy(a.org, a.own.pk, who_of(owner), {"no_reason_days": "10"}, expected_version=1)
    response = client.post(f"/settings/shops/{a.own.pk}/policy/", {**POLICY, "no_reason_days": "20"}, headers=EN)
    assert response.status_code == 302
    assert "changed since you loaded it" in client.get(response["Location"], headers=EN).content.decode()
    shop = reload(a.own)
    assert (shop.no_reason_days, shop.policy_version) == (10, 2)
    with pytest.raises(Conflict):
        shop_service.update_policy(a.org, a.own.pk, who_of(owner), {"no_reason_days": "20"}, expected_version=1)


def test_the_policy_service_reports_every_field(a):
    owner = a.person(Role.OWNER)
    with pytest.raises(ValidationFailed) as caught:
        shop_service.update_policy(a.org, a.own.pk, who_of(owner),
                                   {"no_reason_days": -1, "followup_days": True, "vip_spend_threshold": "NaN"})
    assert set(caught.value.fields) == {"no_reason_days", "followup_days", "vip_spend_threshold"}
    assert reload(a.own).policy_version == 1


# ---------------------------------------------------------------------------------------------
# Details, channels, compensation

def test_details_save_and_a_new_time_zone_bumps_the_version(client, a, owner):
    url = f"/settings/shops/{a.own.pk}/details/"
    client.post(url, {"policy_version": "1", "name": "A 官方商城", "return_contact": "王仓",
                      "return_phone": "+86 21 5555-0101", "return_address": "上海市", "time_zone": "Asia/Shanghai",
                      "business_calendar": ""})
    shop = reload(a.own)
    assert (shop.name, shop.return_phone, shop.policy_version) == ("A 官方商城", "+86 21 5555-0101", 1)
    client.post(url, {"policy_version": "1", "time_zone": "America/Los_Angeles", "business_calendar": "us"})
    shop = reload(a.own)
    assert (shop.time_zone, shop.business_calendar, shop.policy_version) == ("America/Los_Angeles", "US", 2)


@pytest.mark.parametrize("field, value, message", [
    pytest.param("name", "  ", "This cannot be empty.", id="empty-name"),
    pytest.param("time_zone", "Mars/Olympus", "Not a time zone", id="bad-zone"),
    pytest.param("business_calendar", "XX", "Use CN, another two-letter country code", id="bad-calendar"),
    pytest.param("return_phone", "call me", "Digits, spaces and + - ( ) only.", id="bad-phone"),
])
def test_bad_details_are_named(client, a, owner, field, value, message):
    response = client.post(f"/settings/shops/{a.own.pk}/details/",
                           {"policy_version": "1", "name": "New name", field: value}, headers=EN)
    assert response.status_code == 422
    assert field_error(response.content.decode(), field).startswith(message)
    assert reload(a.own).name == "Merchant A web store"


def test_channel_weights_and_colours_save_and_re_sort_the_queue(client, a, owner):
    form = {f"weight_{n}": "" for n in shop_service.channel_names()}
    form.update({"weight_email": "180", "weight_chat": "100", "colour_email": "blue", "colour_chat": "red",
                 "colour_hotline": "none"})
    with time_machine.travel(clock.now(), tick=False):        # the time term stays as it is
        case = a.case(channel="email")
        before = Case.objects.get(pk=case.pk).priority
        response = client.post(f"/settings/shops/{a.own.pk}/channels/", form, headers=EN)
    assert response.status_code == 302
    shop = reload(a.own)
    assert shop.channel_weights == {"email": 180}                 # chat 100 is the default: not stored
    assert shop.channel_colours == {"email": "blue", "hotline": "none"}
    assert shop.policy_version == 1
    assert Case.objects.get(pk=case.pk).priority == before - 50 + 180
    assert shop.channel_colour("email") == "blue" and shop.channel_colour("hotline") == ""


@pytest.mark.parametrize("field, value, message", [
    pytest.param("weight_chat", "201", "Must be at most 200.", id="weight-over-200"),
    pytest.param("weight_chat", "-5", "Cannot be negative.", id="negative-weight"),
    pytest.param("weight_email", "high", "Enter a whole number, without decimals or units.", id="not-a-number"),
    pytest.param("colour_email", "pink", "Choose one of the colours listed.", id="unknown-colour"),
])
def test_bad_channel_values_are_refused(client, a, owner, field, value, message):
    response = client.post(f"/settings/shops/{a.own.pk}/channels/", {"weight_hotline": "90", field: value},
                           headers=EN)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert reload(a.own).channel_weights == {} and reload(a.own).channel_colours == {}


def test_the_compensation_limit_saves_without_a_new_policy_version(client, a, owner):
    client.post(f"/settings/shops/{a.own.pk}/compensation/", {"agent_compensation_limit": "30"})
    shop = reload(a.own)
    assert shop.agent_compensation_limit == Decimal("30.00") and shop.policy_version == 1
    response = client.post(f"/settings/shops/{a.own.pk}/compensation/", {"agent_compensation_limit": "-2"},
                           headers=EN)
    assert field_error(response.content.decode(), "agent_compensation_limit") == "Cannot be negative."


@pytest.mark.parametrize("role, amount, allowed", [
    pytest.param(Role.AGENT, "50.00", True, id="agent-at-the-limit"),
    pytest.param(Role.AGENT, "50.01", False, id="agent-above-the-limit"),
    pytest.param(Role.WAREHOUSE, "80", False, id="warehouse-above-the-limit"),
    pytest.param(Role.SUPERVISOR, "500", True, id="supervisor-any"),
    pytest.param(Role.OWNER, "500", True, id="owner-any"),
])
def test_check_compensation(a, role, amount, allowed):
    who = who_of(a.person(role))
    if allowed:
        team.check_compensation(who, Decimal(amount), a.own)
    else:
        with pytest.raises(PermissionDenied, match="ask a supervisor"):
            team.check_compensation(who, Decimal(amount), a.own)
    team.check_compensation(Who.system(), Decimal("9999"), a.own)


# ---------------------------------------------------------------------------------------------
# People

def test_the_owner_adds_a_member_who_can_then_log_in(client, a, owner):
    response = client.post("/settings/people/new/", {
        "username": "xiaowang", "name": "王 小", "email": "w@example.com", "role": Role.AGENT,
        "refund_approval_limit": "300", "password": "Strong-pass-2026"}, headers=EN)
    assert response.status_code == 302
    m = Membership.objects.get(user__username="xiaowang")
    assert (m.organisation, m.role, m.refund_approval_limit, m.active) == (a.org, Role.AGENT, Decimal("300.00"), True)
    assert "xiaowang" in client.get("/settings/people/").content.decode()
    other = Client()
    assert other.login(username="xiaowang", password="Strong-pass-2026")
    assert other.get("/").status_code == 200


@pytest.mark.parametrize("changes, field, message", [
    pytest.param({"username": "boss"}, "username", "This user name is taken", id="taken"),
    pytest.param({"username": "has space"}, "username", "Enter a valid username", id="bad-characters"),
    pytest.param({"password": "123"}, "password", "This password is too short", id="short-password"),
    pytest.param({"role": "king"}, "role", "Choose a role.", id="unknown-role"),
    pytest.param({"refund_approval_limit": "-5"}, "refund_approval_limit", "Cannot be negative.", id="negative-limit"),
])
def test_adding_a_member_checks_each_field(client, a, owner, changes, field, message):
    form = {"username": "newbie", "role": Role.AGENT, "password": "Strong-pass-2026", **changes}
    response = client.post("/settings/people/new/", form, headers=EN)
    assert response.status_code == 422
    assert field_error(response.content.decode(), field).startswith(message)
    assert Membership.objects.filter(organisation=a.org).count() == 1


def test_changing_a_role_and_the_last_owner_rule(client, a, owner):
    agent = Membership.objects.get(user=a.person(Role.AGENT, "mei"))
    mine = Membership.objects.get(user=owner)
    client.post(f"/settings/people/{agent.pk}/", {"role": Role.SUPERVISOR, "refund_approval_limit": "1000"})
    agent.refresh_from_db()
    assert (agent.role, agent.refund_approval_limit) == (Role.SUPERVISOR, Decimal("1000.00"))
    # the only owner cannot stop being one, nor be deactivated
    response = client.post(f"/settings/people/{mine.pk}/", {"role": Role.AGENT}, headers=EN)
    assert "at least one active owner" in client.get(response["Location"], headers=EN).content.decode()
    assert Membership.objects.get(pk=mine.pk).role == Role.OWNER
    with pytest.raises(NotAllowed):
        team.change_member(a.org, who_of(owner), mine.pk, role=Role.AGENT)
    # with a second owner it can; then that one is the last
    co = Membership.objects.get(user=a.person(Role.OWNER, "co"))
    team.change_member(a.org, who_of(owner), mine.pk, role=Role.SUPERVISOR)
    assert Membership.objects.get(pk=mine.pk).role == Role.SUPERVISOR
    with pytest.raises(NotAllowed, match="at least one active owner"):
        team.change_member(a.org, Who.member(co), co.pk, role=Role.AGENT)
    with pytest.raises(NotAllowed, match="at least one active owner"):
        team.set_member_active(a.org, Who.system(), co.pk, False)


def test_deactivating_a_member_locks_them_out_and_returns_their_cases(client, a, owner):
    mei = a.person(Role.AGENT, "mei")
    held = [a.case(), a.case()]
    Case.objects.filter(pk__in=[c.pk for c in held]).update(assignee=mei)
    m = Membership.objects.get(user=mei)
    response = client.post(f"/settings/people/{m.pk}/active/", {"active": "0"}, headers=EN)
    assert "2 open cases went back to the pool" in client.get(response["Location"], headers=EN).content.decode()
    m.refresh_from_db()
    assert not m.active
    assert [Case.objects.get(pk=c.pk).assignee for c in held] == [None, None]
    assert TimelineEvent.objects.filter(case__in=held, kind="assigned", actor_user=owner).count() == 2
    mei_client = Client()
    mei_client.login(username="mei", password=PASSWORD)
    assert mei_client.get("/").status_code == 403                  # no active membership
    # no new cases for her either, and the owner cannot deactivate themself
    with pytest.raises(ValidationFailed):
        team.assign_many(a.org, who_of(owner), [held[0].pk], mei.pk)
    with pytest.raises(NotAllowed):
        team.set_member_active(a.org, who_of(owner), Membership.objects.get(user=owner).pk, False)
    client.post(f"/settings/people/{m.pk}/active/", {"active": "1"})
    assert Membership.objects.get(pk=m.pk).active
    assert mei_client.get("/").status_code == 200


# ---------------------------------------------------------------------------------------------
# Reply templates

def test_the_owner_adds_and_rewords_a_reply_template(client, a, owner):
    from aftersales.cases import replies
    from aftersales.cases.models import ReplyTemplate

    assert "退货说明" not in client.get("/settings/replies/").content.decode()
    response = client.post("/settings/replies/new/", {
        "kind": "quality", "language": "zh", "title": "质量问题致歉", "position": "1",
        "body": "亲，非常抱歉给您带来不便！订单 {order_number} 的问题我们马上处理。"})
    assert response.status_code == 302 and response["Location"] == "/settings/replies/#kind-quality-zh"
    template = ReplyTemplate.objects.get(organisation=a.org)
    assert (template.kind, template.language, template.is_active) == ("quality", "zh", True)
    offered = [t for t in replies.templates_for(a.org) if t.kind == "quality" and t.language == "zh"]
    assert [t.title for t in offered] == ["质量问题致歉"]                 # replaces the defaults of that kind
    client.post(f"/settings/replies/{template.pk}/", {"title": "致歉", "body": "亲，抱歉！", "position": "0",
                                                      "is_active": ["0"]})
    template.refresh_from_db()
    assert (template.title, template.is_active) == ("致歉", False)
    assert "致歉" in client.get("/settings/replies/").content.decode()


@pytest.mark.parametrize("changes, field, message", [
    pytest.param({"body": "Hi {buyer}, sorry"}, "body", "Unknown placeholder {buyer}", id="unknown-placeholder"),
    pytest.param({"title": ""}, "title", "This cannot be empty.", id="no-title"),
    pytest.param({"kind": "weather"}, "kind", "Choose a problem type.", id="unknown-kind"),
    pytest.param({"position": "-1"}, "position", "A whole number from 0 to 999.", id="bad-order"),
])
def test_a_bad_reply_template_is_refused(client, a, owner, changes, field, message):
    from aftersales.cases.models import ReplyTemplate

    form = {"kind": "quality", "language": "en", "title": "Sorry", "body": "Hi {buyer_name}, sorry.", **changes}
    response = client.post("/settings/replies/new/", form, headers=EN)
    assert response.status_code == 422 and message in response.content.decode()
    assert not ReplyTemplate.objects.exists()


def test_another_organisations_reply_template_is_a_404(client, a, b, owner):
    from aftersales.cases.models import ReplyTemplate

    theirs = ReplyTemplate.objects.create(organisation=b.org, kind="quality", language="zh", title="B 的模板",
                                          body="亲")
    assert "B 的模板" not in client.get("/settings/replies/").content.decode()
    assert client.post(f"/settings/replies/{theirs.pk}/", {"title": "mine", "body": "x"}).status_code == 404
    assert ReplyTemplate.objects.get(pk=theirs.pk).title == "B 的模板"
    login(client, a.person(Role.SUPERVISOR))
    assert client.get("/settings/replies/").status_code == 403
    assert client.post("/settings/replies/new/", {"kind": "quality", "language": "zh", "title": "x",
                                                  "body": "y"}).status_code == 403


def test_odd_ids_are_not_found_rather_than_errors(client, a, owner):
    big = "9" * 25                                  # more than the id column holds
    assert client.get(f"/settings/shops/{big}/").status_code == 404
    assert client.post(f"/settings/shops/{big}/policy/", {}).status_code == 404
    assert client.post(f"/settings/people/{big}/", {"role": Role.AGENT}).status_code == 404
    assert client.post(f"/settings/people/{big}/active/", {"active": "0"}).status_code == 404
    assert client.post(f"/settings/replies/{big}/", {"title": "x", "body": "y"}).status_code == 404
    for shop in ("abc", big):
        assert client.post("/supervisor/team/round-robin/", {"shop": shop}).status_code == 404
    assert client.post("/supervisor/team/assign/", {"case": [big, "x"], "to": big}).status_code == 302
    assert client.get("/supervisor/team/", {"show": big, "shop": big}).status_code == 200
    assert client.get("/supervisor/deadlines/", {"shop": big}).status_code == 200
