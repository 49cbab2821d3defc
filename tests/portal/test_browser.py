"""The buyer's whole flow in a real browser (Debian's chromium through Playwright), in Chinese at
a desk and in English on a phone: find the order, ask for a return with a photo and read the
policy's answer as the form changes, choose the exchange the shop offers, enter the tracking
number, follow the status until the replacement arrives; a second request followed to the
refund's arrival; the follow-up's one click and the rating.  The team's steps go through the
core's services, as the workbench would take them.  Screenshots go to $SCREENSHOT_DIR when set
(docs/screenshots), else to a temporary folder."""

from __future__ import annotations

import io
import os
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from aftersales.cases import services as core
from aftersales.cases.models import Case, Evidence
from aftersales.cases.offers import OfferOption
from aftersales.cases.permissions import Who
from aftersales.catalog.models import Sku
from aftersales.portal import links
from tests.portal.conftest import PHONE, make_store
from tests.web.browser import PHONE as PHONE_VIEW
from tests.web.browser import log_in, navigate_by

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def product_photo() -> bytes:
    """A JPEG of a T-shirt with a stain, with the phone's EXIF (which the portal strips)."""
    img = Image.new("RGB", (480, 360), (236, 232, 226))
    d = ImageDraw.Draw(img)
    d.polygon([(150, 70), (330, 70), (410, 130), (370, 170), (340, 150), (340, 320), (140, 320), (140, 150),
               (110, 170), (70, 130)], fill=(250, 250, 252), outline=(190, 190, 196))
    d.ellipse((220, 180, 262, 214), fill=(150, 110, 70))
    exif = Image.Exif()
    exif[0x0110] = "Phone 15 Pro"
    out = io.BytesIO()
    img.save(out, "JPEG", quality=88, exif=exif.tobytes())
    return out.getvalue()


def text_of(page, selector: str) -> str:
    return page.text_content(selector).strip()


def shots(tmp_path) -> Path:
    return Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)


def test_a_buyer_asks_for_a_return_chooses_an_exchange_and_follows_it_to_the_end(
        live_server, open_page, tmp_path):
    store = make_store()
    order = store.order(number="MLW2026000777", skus=[store.tee, store.cap])
    out = shots(tmp_path)
    agent, warehouse = Who.member(store.people["agent"]), Who.member(store.people["warehouse"])
    page = open_page()                                   # zh-CN, 1366x768

    page.goto(f"{live_server.url}/portal/")
    assert text_of(page, "h1") == "退货、换货或退款"
    page.fill("#id_order_number", "MLW2026000777")
    page.fill("#id_contact", "139-0000-1111")
    page.screenshot(path=str(out / "portal-lookup-zh.png"), full_page=True)
    navigate_by(page, "main form button.primary")
    assert "订单 MLW2026000777" in text_of(page, "h1")

    # the form answers as it changes: the cap is custom-made, a quality problem needs a photo
    tee, cap = order.lines.order_by("id")
    page.fill(f"#id_qty_{tee.pk}", "1")
    page.press(f"#id_qty_{tee.pk}", "Tab")
    page.wait_for_selector("#policy.verdict-eligible")
    page.fill(f"#id_qty_{cap.pk}", "1")
    page.press(f"#id_qty_{cap.pk}", "Tab")
    page.wait_for_selector("#policy.verdict-not_eligible")
    assert "属于定作商品，不支持七天无理由退货" in text_of(page, "#policy")
    page.fill(f"#id_qty_{cap.pk}", "0")
    page.press(f"#id_qty_{cap.pk}", "Tab")
    page.wait_for_selector("#policy.verdict-eligible")
    page.select_option("#id_reason_code", "quality.defect")
    page.wait_for_function("() => document.querySelector('#policy').textContent.includes('请上传能说明问题的照片')")
    policy = text_of(page, "#policy")
    assert "7 天无理由退货：截至" in policy and "退货运费：商家承担" in policy
    page.set_input_files("#files", files=[{"name": "stain.jpg", "mimeType": "image/jpeg", "buffer": product_photo()}])
    page.fill("#id_description", "领口有一块污渍，洗不掉。")
    page.screenshot(path=str(out / "portal-request-zh.png"), full_page=True)
    navigate_by(page, "#request button.primary")

    case = Case.objects.get(order=order)
    assert "/portal/status/" in page.url and case.number in text_of(page, "h1")
    assert text_of(page, "#now-text") == "商家正在审核您的申请。"
    assert page.locator("#files img").count() == 1
    assert b"Phone 15 Pro" not in Evidence.objects.get(case=case).file.open("rb").read()

    # the shop offers an exchange or a partial refund; the buyer takes size L
    core.perform(store.org, case.pk, "offer", agent, core.ActionInput(offer_options=[
        OfferOption("exchange", note="免费换一件"), OfferOption("partial_refund", Decimal("20.00"), note="不用寄回")]))
    page.reload()
    assert text_of(page, "#now-text") == "商家给出了处理方案，请选择一个。"
    assert page.locator("#offer .choice.gone").count() == 1                 # size S is sold out
    page.check(f"#offer input[name=sku][value='{store.sizes['L'].pk}']")
    page.screenshot(path=str(out / "portal-offer-zh.png"), full_page=True)
    navigate_by(page, "#offer form[data-kind=exchange] button.primary")
    assert "上海市闵行区虹梅南路 2588 号" in text_of(page, "#return-address")
    assert Sku.objects.get(pk=store.sizes["L"].pk).stock == 3

    page.select_option("#id_carrier", "SF")
    page.fill("#id_tracking_number", "12345")
    navigate_by(page, "#return form.stack button.primary")
    assert "这不像是顺丰速运的快递单号" in text_of(page, "#return")          # the carrier's format
    page.fill("#id_tracking_number", "SF1234567890123")
    page.screenshot(path=str(out / "portal-return-zh.png"), full_page=True)
    navigate_by(page, "#return form.stack button.primary")
    assert text_of(page, "#now-text") == "退货正在寄回商家，收到后商家会验货。"
    assert "退货已寄出：顺丰速运 SF1234567890123" in text_of(page, "#history")

    core.inspect_return(store.org, case.pk, warehouse, "ok")
    core.perform(store.org, case.pk, "ship_to_buyer", agent,
                 core.ActionInput(carrier="SF", tracking_number="SF9876543210987"))
    page.reload()
    assert "顺丰速运 SF9876543210987" in text_of(page, "#received")
    navigate_by(page, "#received button.primary")
    assert text_of(page, "#now-text") == "售后已完成。"
    assert [s.strip() for s in page.locator(".stages li.done").all_text_contents()][-1] == "完成"

    # the follow-up's one click, then the rating
    navigate_by(page, "#follow-up button[value=yes]")
    assert "感谢您的反馈" in page.content() or "Thank" in page.content()
    page.goto(f"{live_server.url}{links.path(links.link_for(case))}")
    page.check("#rating input[name=score][value='5']")
    navigate_by(page, "#rating button.primary")
    assert "5/5" in text_of(page, "#rating")
    case.refresh_from_db()
    assert case.follow_ups.get().satisfied is True and case.rating.score == 5


def test_on_a_phone_in_english_a_buyer_follows_a_refund_until_it_arrives(live_server, open_page, tmp_path):
    store = make_store("Phone")
    order = store.order(number="MLW2026000888", method="alipay")
    out = shots(tmp_path)
    page = open_page(locale="en-US", viewport=PHONE_VIEW)
    page.goto(f"{live_server.url}/portal/")
    page.fill("#id_order_number", "MLW2026000888")
    page.fill("#id_contact", PHONE)
    navigate_by(page, "main form button.primary")
    line = order.lines.get()
    page.fill(f"#id_qty_{line.pk}", "1")
    page.press(f"#id_qty_{line.pk}", "Tab")
    page.wait_for_selector("#policy.verdict-eligible")
    page.select_option("#id_reason_code", "no_reason.dislike")
    page.wait_for_function("() => document.querySelector('#policy').textContent.includes('paid by the buyer')")
    navigate_by(page, "#request button.primary")
    case = Case.objects.get(order=order)
    token = links.link_for(case).token
    assert page.url.endswith(f"/portal/status/{token}/")
    assert text_of(page, "#now-text") == "The shop is reviewing your request."
    # no horizontal scrolling on a phone
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_VIEW["width"]

    core.perform(store.org, case.pk, "approve", Who.member(store.people["agent"]), core.ActionInput())
    page.reload()
    page.fill("#id_tracking_number", "SF1234567890123")
    navigate_by(page, "#return form.stack button.primary")
    core.inspect_return(store.org, case.pk, Who.member(store.people["warehouse"]), "ok")
    core.pay_refund(store.org, case.pk, Who.member(store.people["finance"]))
    page.reload()
    assert text_of(page, "#now-text") == "Your refund is on its way."
    assert "Expected:" in text_of(page, "#refund") and "CN¥79.00" in text_of(page, "#refund")
    assert "The shop sent your refund of CN¥79.00" in text_of(page, "#history")
    assert "Alipay, 0–3 business days" in text_of(page, "#history")
    page.screenshot(path=str(out / "portal-refund-phone-en.png"), full_page=True)
    core.confirm_refund(store.org, case.pk, Who.system())
    page.reload()
    assert text_of(page, "#now-text") == "All done."
    assert "Your refund has been paid." in text_of(page, "#history")
    page.goto(f"{live_server.url}/portal/status/{token}/follow-up/?answer=no")
    page.fill("#fu-comment", "It took a while")
    page.screenshot(path=str(out / "portal-follow-up-phone-en.png"), full_page=True)
    navigate_by(page, "#follow-up button[value=no]")
    assert "Someone from the shop will contact you soon" in page.text_content("main")
    assert case.follow_ups.get().satisfied is False
    page.goto(f"{live_server.url}/portal/status/{token}/")
    page.check("#rating input[name=score][value='3']")
    navigate_by(page, "#rating button.primary")

    # the owner sees the shop's after-sales rating among the figures
    desk = open_page(locale="en-US")
    log_in(desk, live_server.url, store.people["owner"].user.username, "pw-for-tests-1",
           path="/supervisor/figures/?days=30")
    row = desk.locator(f"#shop-ratings tr[data-shop='{store.shop.pk}']")
    assert "3.0" in row.text_content() and "0%" in row.text_content()
    desk.screenshot(path=str(out / "portal-figures-ratings-en.png"), full_page=True)
