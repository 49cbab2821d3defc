"""Agents' decisions reach the platform; a failure shows as "sync failed" with a retry."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from aftersales.accounts.models import Membership
from aftersales.cases.models import Case, TimelineEvent
from aftersales.cases.permissions import Who
from aftersales.cases.services import ActionInput, perform
from aftersales.connectors import vault
from aftersales.connectors.models import CaseLink, Connection, PlatformCall
from aftersales.notify.delivery import deliver_due
from aftersales.notify.models import OutboxMessage
from tests.connectors import payloads as P


@pytest.fixture
def agent(platforms):
    user = get_user_model().objects.create_user("agent-c", password="pw-for-tests-1")
    membership = Membership.objects.create(user=user, organisation=platforms.org, role="agent")
    return user, Who.member(membership)


def douyin_case(platforms, client):
    platforms.play(client, "douyin", [("200", "m1", P.DOUYIN_REFUND_CREATED, 0)])
    return Case.objects.get(shop=platforms.shops["douyin"])


def test_an_approval_goes_to_douyin_as_operate_101_with_the_return_address(platforms, client, frozen, agent):
    case = douyin_case(platforms, client)
    perform(platforms.org, case.pk, "approve", agent[1])
    deliver_due()
    call = PlatformCall.objects.get(case=case)
    assert call.ok and call.api == "/afterSale/operate" and call.params["type"] == 101
    item = call.params["items"][0]
    assert item["aftersale_id"] == case.platform_case_id
    assert item["logistics"]["after_sale_address_detail"]["detail"] == platforms.shops["douyin"].return_address
    link = CaseLink.objects.get(case=case)
    assert link.sync_status == "ok" and link.last_sent_at is not None
    assert TimelineEvent.objects.filter(case=case, kind="platform.sent").exists()
    # what the platform answers later about the same step changes nothing
    platforms.play(client, "douyin", [("202", "m2", P.DOUYIN_RETURN_AGREED, 0)])
    case.refresh_from_db()
    assert case.state == "awaiting_buyer_return"


@pytest.mark.parametrize("platform,kind,payload,api", [
    pytest.param("tiktok_shop", "12", P.TIKTOK_RETURN_PENDING, "POST /return_refund/202309/returns/4035123456789012/reject",
                 id="tiktok-reject-refund"),
    pytest.param("taobao", "taobao_refund_RefundCreated", P.TAOBAO_REFUND_CREATED, "taobao.refund.refuse",
                 id="taobao-refuse"),
    pytest.param("shopify", "returns/request", P.SHOPIFY_RETURN_REQUEST, "POST graphql", id="shopify-decline"),
])
def test_a_rejection_goes_back_to_each_platform(platforms, client, frozen, agent, platform, kind, payload, api):
    platforms.play(client, platform, [(kind, "x1", payload, 0)])
    case = Case.objects.get(shop=platforms.shops[platform])
    perform(platforms.org, case.pk, "reject", agent[1], ActionInput(reason_code="no_defect", reason="checked photos"))
    deliver_due()
    call = PlatformCall.objects.get(case=case)
    assert call.api == api and call.ok
    if platform == "tiktok_shop":
        assert call.params["decision"] == "REJECT_REFUND"
        assert call.params["reject_reason"] == "reverse_reject_refund_request_product_function_well"
    if platform == "shopify":
        assert "returnDeclineRequest" in call.params["query"]


def test_a_failed_push_shows_sync_failed_and_the_retry_button_sends_it(platforms, client, frozen, agent):
    conn = platforms.conns["douyin"]
    Connection.objects.filter(pk=conn.pk).update(fake_behaviour={"fail_actions": 1, "error": "Douyin 50000: 系统繁忙"})
    case = douyin_case(platforms, client)
    perform(platforms.org, case.pk, "approve", agent[1])
    counts = deliver_due()
    assert counts["retry"] == 1
    link = CaseLink.objects.get(case=case)
    assert link.sync_status == "failed" and "系统繁忙" in link.sync_error
    msg = OutboxMessage.objects.get(case=case, topic="platform.approve")
    assert msg.status == "pending" and msg.attempts == 1          # the outbox will try again by itself, later
    assert TimelineEvent.objects.filter(case=case, kind="platform.sync_failed").count() == 1

    client.force_login(agent[0])
    page = client.get(f"/cases/{case.pk}/")
    assert "Sync failed" in page.content.decode() or "同步失败" in page.content.decode()
    assert "系统繁忙" in page.content.decode()
    queue = client.get("/")
    assert "sync-badge" in queue.content.decode()

    r = client.post(f"/cases/{case.pk}/sync/retry/", HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    assert CaseLink.objects.get(case=case).sync_status == "sending"
    deliver_due()
    link.refresh_from_db()
    assert link.sync_status == "ok" and link.sync_error == ""
    assert PlatformCall.objects.filter(case=case, ok=True).count() == 1
    assert PlatformCall.objects.filter(case=case, ok=False).count() == 1
    assert client.post(f"/cases/{case.pk}/sync/retry/").status_code in (400, 409, 403, 422)   # nothing to retry now


def test_a_step_the_platform_has_no_call_for_is_skipped_and_said(platforms, client, frozen, agent):
    case = douyin_case(platforms, client)
    perform(platforms.org, case.pk, "offer", agent[1], ActionInput(offer_kind="coupon", coupon_code="SORRY1"))
    deliver_due()
    assert not PlatformCall.objects.filter(case=case).exists()
    note = TimelineEvent.objects.get(case=case, kind="platform.not_sent")
    assert "飞鸽" in note.message_zh and not note.visible_to_buyer


def test_another_organisation_cannot_retry(platforms, client, frozen, agent):
    from tests.factories import make_org

    case = douyin_case(platforms, client)
    other = make_org("Other")
    user = get_user_model().objects.create_user("stranger", password="pw-for-tests-1")
    Membership.objects.create(user=user, organisation=other, role="owner")
    client.force_login(user)
    assert client.post(f"/cases/{case.pk}/sync/retry/").status_code == 404


def test_credentials_are_encrypted_at_rest_and_shown_masked(platforms, client, frozen):
    conn = Connection.objects.get(pk=platforms.conns["taobao"].pk)
    assert "demo-taobao-app-secret" not in conn.secrets_encrypted
    assert vault.secrets_of(conn)["app_secret"] == "demo-taobao-app-secret-5d7e"
    assert conn.secrets_hint == "app_secret ••••5d7e"
    admin = get_user_model().objects.create_superuser("root", password="pw-for-tests-1")
    client.force_login(admin)
    html = client.get(f"/admin/connectors/connection/{conn.pk}/change/").content.decode()
    assert "••••5d7e" in html and "demo-taobao-app-secret-5d7e" not in html and conn.secrets_encrypted not in html


def test_keys_rotate_and_a_wrong_key_is_a_clear_error(platforms, settings):
    from cryptography.fernet import Fernet

    conn = Connection.objects.get(pk=platforms.conns["douyin"].pk)
    new = Fernet.generate_key().decode()
    settings.CONNECTOR_KEYS = [new, *settings.CONNECTOR_KEYS]
    rotated = vault.rotate(conn.secrets_encrypted)
    settings.CONNECTOR_KEYS = [new]
    assert vault.unseal(rotated)["app_secret"] == "demo-douyin-app-secret-0f3a"
    from aftersales.errors import ValidationFailed
    with pytest.raises(ValidationFailed, match="AFTERSALES_CONNECTOR_KEYS"):
        vault.unseal(conn.secrets_encrypted)
