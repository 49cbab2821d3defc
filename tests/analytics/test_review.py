"""The weekly review: the three-weeks-running SKU alert, carrier rates, shop figures, the risk guard,
the command with its PDF and e-mail."""

from __future__ import annotations

from datetime import date, timedelta
from unittest import mock

import pytest
import time_machine
from django.core.management import CommandError, call_command

from aftersales.analytics import review as review_mod
from aftersales.analytics.models import RolledUpWeek, WeeklySkuProblem
from aftersales.analytics.review import weekly_review
from aftersales.domain import review as rules
from aftersales.notify.models import OutboxMessage
from aftersales.notify.rendering import render
from tests.analytics.conftest import NOW, W47, case_at, parcels
from tests.factories import make_org, make_shop, make_sku

pytestmark = pytest.mark.django_db
MONDAY = date(2026, 11, 16)


@pytest.fixture
def shop():
    return make_shop(make_org("Dress shop"), "own_store")


def test_iso_weeks():
    assert rules.iso_week("2026-W47") == MONDAY and rules.week_label(MONDAY) == "2026-W47"
    with pytest.raises(ValueError):
        rules.iso_week("2026-47")


@pytest.mark.parametrize("series, alert", [
    pytest.param((2, 3, 2), True, id="three-weeks-running"),
    pytest.param((0, 3, 4), False, id="only-two-weeks"),
    pytest.param((3, 1, 3), False, id="a-quiet-week-between"),
])
def test_sku_alert_rule(series, alert):
    weeks = [MONDAY - timedelta(weeks=i) for i in (2, 1, 0)]
    counts = {("DRESS-S", "no_reason.size_fit"): dict(zip(weeks, series))}
    found = rules.sku_alerts(weeks, counts)
    assert bool(found) is alert
    if alert:
        assert "size note on the product page" in found[0].en and "尺码" in found[0].zh


def test_the_same_problem_on_the_same_sku_three_weeks_running(shop):
    dress, mug = make_sku(shop, "DRESS-S"), make_sku(shop, "MUG-1")
    for weeks_ago in (2, 1, 0):
        for hour in (1, 2):
            case_at(shop, dress, W47 - timedelta(weeks=weeks_ago) + timedelta(hours=hour))
    case_at(shop, mug, W47 + timedelta(hours=3), reason="quality.damaged")
    case_at(shop, mug, W47 + timedelta(hours=4), reason="quality.damaged")
    review = weekly_review(shop.organisation, MONDAY, NOW)
    sku_alerts = [a for a in review["alerts"] if a["kind"] == "sku"]
    assert [(a["subject"], a["problem"]) for a in sku_alerts] == [("DRESS-S", "no_reason.size_fit")]
    assert "size runs small" in sku_alerts[0]["en"]
    dress_row = next(r for r in review["skus"] if r["sku"] == "DRESS-S")
    assert dress_row["weeks"] == [0, 2, 2, 2] and dress_row["change"] == 0
    assert review["skus"][0]["this_week"] == 2


def test_problem_type_wins_over_the_reason(shop):
    dress = make_sku(shop, "DRESS-M")
    case_at(shop, dress, W47 + timedelta(hours=1), reason="other", problem_type="quality")
    weekly_review(shop.organisation, MONDAY, NOW)
    assert list(WeeklySkuProblem.objects.values_list("sku_code", "problem", "cases")) == [("DRESS-M", "quality", 1)]


def test_carrier_rates_and_the_alert_over_the_threshold(shop):
    org = shop.organisation
    with time_machine.travel(NOW, tick=False):
        parcels(org, "zto", 10, W47 + timedelta(hours=2), lost=1, damaged=1)
        parcels(org, "sf", 20, W47 + timedelta(hours=2))
    review = weekly_review(org, MONDAY, NOW)
    zto = next(c for c in review["carriers"] if c["carrier"] == "zto")
    sf = next(c for c in review["carriers"] if c["carrier"] == "sf")
    assert (zto["parcels"], zto["lost"], zto["damaged"], zto["loss_rate"], zto["damage_rate"]) == (10, 1, 1, 0.1, 0.1)
    assert zto["delayed"] == 1   # the lost one was flagged stuck
    assert (sf["parcels"], sf["loss_rate"], sf["delivery_hours"]) == (20, 0.0, 24.0)
    carrier_alerts = [(a["subject"], a["problem"]) for a in review["alerts"] if a["kind"] == "carrier"]
    assert carrier_alerts == [("zto", "loss"), ("zto", "damage")]   # a 10 % delay rate is not over 10 %
    assert all("consider another carrier" in a["en"] for a in review["alerts"] if a["kind"] == "carrier")


def test_shop_figures_and_tenants(shop):
    sku = make_sku(shop)
    case = case_at(shop, sku, W47 + timedelta(hours=1))
    type(case).objects.filter(pk=case.pk).update(first_replied_at=case.created_at + timedelta(hours=2),
                                                 closed_at=case.created_at + timedelta(hours=30),
                                                 refund_state="succeeded")
    from aftersales.cases.models import FollowUp, Rating

    FollowUp.objects.create(case=case, due_at=W47, answered_at=W47 + timedelta(days=2), satisfied=True)
    Rating.objects.create(case=case, score=4, created_at=W47 + timedelta(days=2))
    other = make_shop(make_org(), "own_store")
    theirs = case_at(other, make_sku(other), W47 + timedelta(hours=1))
    FollowUp.objects.create(case=theirs, due_at=W47, answered_at=W47 + timedelta(days=2), satisfied=False)
    review = weekly_review(shop.organisation, MONDAY, NOW)
    (row,) = review["shops"]
    assert row["shop"] == shop.name and row["cases"] == 1 and row["refunds"] == 1
    assert (row["first_response_hours"], row["resolution_hours"]) == (2.0, 30.0)
    assert row["refund_rate"] == 1.0 and row["reasons"][0]["reason"] == "no_reason.size_fit"
    assert (row["satisfaction"], row["follow_ups_answered"], row["rating"]) == (1.0, 1, 4.0)


def test_a_final_week_is_not_rolled_up_again(shop):
    weekly_review(shop.organisation, MONDAY, NOW)
    first = RolledUpWeek.objects.get(organisation=shop.organisation, week=MONDAY - timedelta(weeks=3)).computed_at
    weekly_review(shop.organisation, MONDAY, NOW + timedelta(days=1))
    assert RolledUpWeek.objects.get(organisation=shop.organisation,
                                    week=MONDAY - timedelta(weeks=3)).computed_at == first
    assert RolledUpWeek.objects.get(organisation=shop.organisation, week=MONDAY).computed_at == NOW + timedelta(days=1)


def test_risk_flags_not_available_without_the_risk_app(shop):
    with mock.patch.object(review_mod.apps, "is_installed", return_value=False):
        assert weekly_review(shop.organisation, MONDAY, NOW)["risk"] is None


def test_risk_flags_from_the_installed_risk_app(shop):
    """The real contract: cases of the week that the risk app scored high or medium, per shop."""
    from aftersales.risk.models import CaseRisk

    dress = make_sku(shop, "DRESS-S")
    high, medium, low = (case_at(shop, dress, W47 + timedelta(hours=h)) for h in (1, 2, 3))
    last_week = case_at(shop, dress, W47 - timedelta(days=2))
    for case, level in ((high, "high"), (medium, "medium"), (low, "low"), (last_week, "high")):
        CaseRisk.objects.filter(case=case).update(level=level)
    assert CaseRisk.objects.filter(case__in=[high, medium, low, last_week]).count() == 4   # scored at creation
    review = weekly_review(shop.organisation, MONDAY, NOW)
    assert review["risk"] == [{"shop_id": shop.pk, "high": 1, "medium": 1, "buyers_restricted": 0, "shop": shop.name}]


def test_risk_flags_through_the_contract_when_installed(shop):
    fake = mock.Mock(weekly_flags=mock.Mock(return_value=[
        {"shop_id": shop.pk, "high": 2, "medium": 1, "buyers_restricted": 1}]))
    with mock.patch.object(review_mod.apps, "is_installed", return_value=True), \
            mock.patch.object(review_mod.importlib, "import_module", return_value=fake):
        review = weekly_review(shop.organisation, MONDAY, NOW)
    assert review["risk"] == [{"shop_id": shop.pk, "high": 2, "medium": 1, "buyers_restricted": 1, "shop": shop.name}]
    args = fake.weekly_flags.call_args
    assert args.args[0] == shop.organisation.pk and args.args[2] - args.args[1] == timedelta(days=7)


def test_the_command_writes_the_pdf_and_queues_the_owners_email(shop, tmp_path, capsys):
    from django.contrib.auth import get_user_model

    from aftersales.accounts.models import Membership

    owner = get_user_model().objects.create_user("owner", email="owner@example.com", password="x")
    Membership.objects.create(organisation=shop.organisation, user=owner, role="owner")
    out = tmp_path / "review.pdf"
    with time_machine.travel(NOW, tick=False):
        call_command("review", "--week", "2026-W47", "--pdf", str(out), "--email")
        call_command("review", "--week", "2026-W47", "--email")   # once a week
    assert out.read_bytes().startswith(b"%PDF")
    assert "Weekly after-sales review 2026-W47" in capsys.readouterr().out
    (msg,) = OutboxMessage.objects.filter(topic="analytics.weekly_review")
    assert msg.recipient == "owner@example.com" and msg.case_id is None
    notice = render(msg)
    assert "2026-W47" in notice.subject and "售后周报" in notice.text
    assert "恶意退款风险：\n  无" in notice.text and "Malicious-refund flags:\n  none" in notice.text
    with pytest.raises(CommandError, match="ISO week"):
        call_command("review", "--week", "48")


def test_the_monday_job_rolls_up_and_sends_last_weeks_review_once(shop):
    from django.contrib.auth import get_user_model

    from aftersales.accounts.models import Membership
    from aftersales.analytics.tasks import weekly_review as job

    owner = get_user_model().objects.create_user("boss", email="boss@example.com", password="x")
    Membership.objects.create(organisation=shop.organisation, user=owner, role="owner")
    monday_morning = W47 + timedelta(weeks=1)           # Monday of 2026-W48, 12:00 in Shanghai
    result = job.call(monday_morning.isoformat())
    assert result == {"rolled_up": "2026-W48", "sent": [shop.organisation.slug]}
    assert job.call((monday_morning + timedelta(minutes=10)).isoformat()) == {"skipped": True}
    assert job.call((monday_morning + timedelta(hours=2)).isoformat())["sent"] == []
    (msg,) = OutboxMessage.objects.filter(topic="analytics.weekly_review")
    assert msg.payload["week"] == "2026-W47"
