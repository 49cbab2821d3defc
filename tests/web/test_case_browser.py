"""The case page in a real browser: open a case from the queue, approve it, send an edited template
reply and see the timeline change without a reload; reject with a reason; offer two options and
have the buyer pick one through the API; a role that may not act sees no button and a forged post
is refused; one flow in English; and the screenshots in docs/screenshots/."""

from __future__ import annotations

import json
import os
import struct
import zlib
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from aftersales.accounts.models import ApiToken, Organisation, Role
from aftersales.cases import services
from aftersales.cases.evidence import add_evidence
from aftersales.cases.models import Case, Message, Offer, TimelineEvent
from aftersales.cases.permissions import Who
from tests.web.browser import DESK, PHONE, htmx_idle, log_in, navigate_by
from tests.web.conftest import PASSWORD, merchant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def desk(db):
    a = merchant("Merchant A")
    agent = a.person(Role.AGENT, "mei")
    a.person(Role.WAREHOUSE, "wang")
    return a, agent


def state_is(page, text: str):
    page.wait_for_function("t => document.querySelector('#case-state').textContent.trim() === t", arg=text)


def open_details(page, action: str):
    page.click(f"details[data-action={action}] > summary")


def test_an_agent_works_a_case_from_the_queue_without_reloading(live_server, open_page, desk):
    a, agent = desk
    case = a.case(priority=900)
    page = open_page()
    log_in(page, live_server.url, "mei", PASSWORD)
    page.wait_for_selector(f"#queue-rows tr[data-case='{case.pk}']")
    navigate_by(page, f"#queue-rows tr[data-case='{case.pk}'] a.case-link")
    assert case.number in page.text_content("h1")
    state_is(page, "待商家处理")
    page.evaluate("window.notReloaded = true")

    page.click("form[data-action=approve] button[type=submit]")
    state_is(page, "待买家退货")
    htmx_idle(page)
    assert "同意申请" in page.text_content("#case-timeline")
    assert "已完成" in page.text_content("#flash")
    assert page.locator("form[data-action=approve]").count() == 0         # the panel moved on

    # a template for a no-reason return, filled from the case, edited, sent
    page.select_option("#reply-template", "default-no_reason-zh-1")
    page.wait_for_function("() => document.querySelector('#reply-body').value.includes('已通过')")
    filled = page.input_value("#reply-body")
    assert case.number in filled and "{" not in filled
    page.fill("#reply-body", filled + " 如有疑问随时联系我们。")
    page.click("#case-composer button[type=submit]")
    page.wait_for_function("() => document.querySelector('#case-timeline').textContent.includes('如有疑问随时联系我们')")
    htmx_idle(page)
    assert page.input_value("#reply-body") == ""                            # the composer starts again
    assert page.evaluate("window.notReloaded") is True
    message = Message.objects.get(case=case)
    assert message.body.endswith("如有疑问随时联系我们。") and message.author_user == agent
    assert Case.objects.get(pk=case.pk).first_replied_at is not None


def test_rejecting_with_a_reason_in_english(live_server, open_page, desk):
    a, _ = desk
    case = a.case()
    page = open_page(locale="en-US")
    log_in(page, live_server.url, "mei", PASSWORD, path=f"/cases/{case.pk}/")
    state_is(page, "Awaiting seller review")
    open_details(page, "reject")
    page.click("details[data-action=reject] button[type=submit]")           # no reason picked: the browser says so
    assert Case.objects.get(pk=case.pk).state == "awaiting_seller_review"
    page.select_option("details[data-action=reject] select[name=reason_code]", "outside_window")
    page.fill("details[data-action=reject] textarea[name=note]", "Delivered 20 days ago.")
    page.click("details[data-action=reject] button[type=submit]")
    state_is(page, "Rejected by seller")
    htmx_idle(page)
    timeline = page.text_content("#case-timeline")
    assert "The request is outside the return period. Delivered 20 days ago." in timeline
    event = TimelineEvent.objects.get(case=case, action="reject")
    assert event.visible_to_buyer and event.data["reason_code"] == "outside_window"


def test_two_options_offered_and_the_buyer_picks_one_through_the_api(live_server, open_page, desk):
    a, _ = desk
    case = a.case(reason_code="quality.defect")
    page = open_page()
    log_in(page, live_server.url, "mei", PASSWORD, path=f"/cases/{case.pk}/")
    open_details(page, "offer")
    page.check("details[data-action=offer] input[value=partial_refund]")
    page.fill("details[data-action=offer] input[name=partial_amount]", "50")
    page.check("details[data-action=offer] input[value=exchange]")
    page.fill("details[data-action=offer] textarea[name=note]", "两种方案任选其一")
    page.click("details[data-action=offer] button[type=submit]")
    state_is(page, "待买家确认方案")
    htmx_idle(page)
    assert page.locator("#case-actions [data-offer]").count() == 2
    offers = list(Offer.objects.filter(case=case).order_by("id"))
    assert [o.kind for o in offers] == ["partial_refund", "exchange"]

    _, raw = ApiToken.issue(a.org, "buyer portal", role=Role.AGENT)
    response = Client().post(f"/api/v1/cases/{case.pk}/actions", json.dumps({"action": "accept_offer",
                                                                            "offer_id": offers[0].pk}),
                             content_type="application/json", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200, response.content
    page.reload()
    state_is(page, "退款中")
    assert "已接受" in page.text_content(f"#case-actions [data-offer='{offers[0].pk}']")
    assert Case.objects.get(pk=case.pk).approved_amount == 50


def test_the_warehouse_sees_no_approve_button_and_a_forged_post_is_refused(live_server, open_page, desk):
    a, _ = desk
    case = a.case()
    page = open_page()
    log_in(page, live_server.url, "wang", PASSWORD, path=f"/cases/{case.pk}/")
    state_is(page, "待商家处理")
    assert page.locator("form[data-action=approve]").count() == 0
    assert page.locator("details[data-action=reject]").count() == 0
    assert page.locator("#reply-body").count() == 0
    status = page.evaluate("""async ([url, version]) => {
        const token = JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRFToken'];
        const r = await fetch(url, {method: 'POST', headers: {'X-CSRFToken': token},
                                    body: new URLSearchParams({action: 'approve', expected_version: version})});
        return r.status; }""", [f"/cases/{case.pk}/act/", str(case.version)])
    assert status == 403
    assert Case.objects.get(pk=case.pk).state == "awaiting_seller_review"


# ---------------------------------------------------------------------------------------------
# Screenshots

def photo(width: int, height: int, tint: tuple[int, int, int], seed: int) -> bytes:
    """A PNG that looks enough like a product photo for a screenshot: a soft background, an object,
    and a dark streak across it (the "defect")."""
    rows = []
    cx, cy, r = width * (0.45 + 0.1 * (seed % 3)), height * 0.5, min(width, height) * 0.33
    for y in range(height):
        row = bytearray([0])
        for x in range(width):
            shade = 235 - (y * 25) // height
            px = (shade, shade - 4, shade - 10)
            if (x - cx) ** 2 + (y - cy) ** 2 < r * r:
                k = 0.75 + 0.25 * (1 - abs(x - cx) / r)
                px = tuple(int(c * k) for c in tint)
                if abs((y - cy) - 0.6 * (x - cx) + seed * 6) < 3:
                    px = (40, 36, 32)
            row += bytes(px)
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"".join(rows), 6)) + chunk(b"IEND", b""))


def test_screenshots_of_a_case(live_server, open_page, tmp_path):
    """A demo case awaiting review, with the buyer's photos and a message, as the demo agent sees it:
    1366x768 in Chinese and English, and at a phone's width.  Written to $SCREENSHOT_DIR when set
    (docs/screenshots for the docs), else to a temporary folder."""
    call_command("demo", "--orders", "400", "--cases", "80", stdout=StringIO())
    org = Organisation.objects.get(slug="demo")
    case = (Case.objects.filter(organisation=org, state="awaiting_seller_review", shop__platform="douyin",
                                case_type="return_refund").order_by("-priority", "id").first()
            or Case.objects.filter(organisation=org, state="awaiting_seller_review").order_by("-priority", "id").first())
    Case.objects.filter(pk=case.pk).update(reason_code="quality.defect", reason_text="收到就发现表面有一道划痕，影响使用")
    for i, tint in enumerate(((70, 110, 170), (180, 120, 60))):
        add_evidence(org, case.pk, Who.buyer(), SimpleUploadedFile(f"photo-{i + 1}.png", photo(360, 270, tint, i)),
                     "划痕位置" if i == 0 else "")
    services.add_message(org, case.pk, Who.buyer(), "您好，收到的商品有划痕，能换一个新的吗？", channel="chat")
    out = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    if not out.is_absolute():
        out = ROOT / out
    out.mkdir(parents=True, exist_ok=True)
    for name, locale, viewport in (("case-zh", "zh-CN", DESK), ("case-en", "en-US", DESK),
                                   ("case-phone", "zh-CN", PHONE)):
        page = open_page(locale=locale, viewport=viewport)
        log_in(page, live_server.url, "demo-agent", "demo-password-2026", path=f"/cases/{case.pk}/")
        page.wait_for_selector("#case-actions")
        # a full-page shot shows what lies below the fold too: load the lazy photos there as well
        page.evaluate("document.querySelectorAll('img[loading=lazy]').forEach(i => { i.loading = 'eager'; })")
        page.wait_for_function("() => Array.from(document.images).every(i => i.complete)")
        page.screenshot(path=str(out / f"{name}.png"), full_page=viewport is PHONE)
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]   # no sideways scrolling
