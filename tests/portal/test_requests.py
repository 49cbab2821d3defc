"""A buyer's request through the portal's services: what the policy says before it is made, the
evidence (checked by content, photos re-encoded without metadata, malware refused), the photo a
quality claim needs, one case per form however often it is sent, nothing kept when anything fails."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from aftersales import clock
from aftersales.cases.models import Case, Evidence, TimelineEvent
from aftersales.errors import NotAllowed, ValidationFailed
from aftersales.portal import policy, services, uploads
from aftersales.portal.models import StatusLink
from tests.factories import make_shop
from tests.portal.conftest import photo

pytestmark = pytest.mark.django_db


def request(store, order, *, case_type="return_refund", reason="quality.defect", files=(), nonce="n1", **kw):
    lines = list(order.lines.all())
    return services.RequestIn(order=order, picks=[(lines[0], 1)], case_type=case_type, reason_code=reason,
                              files=list(files), nonce=nonce, **kw)


def test_the_preview_names_the_windows_with_their_end_dates_and_the_excluded_goods(store, time_machine):
    time_machine.move_to("2026-11-20T10:00:00+08:00", tick=False)
    order = store.order(skus=[store.tee, store.cap], days_delivered=1)     # delivered 19 Nov, Shanghai
    tee, cap = list(order.lines.order_by("id"))
    view = policy.preview(order, [(tee, 1)], "return_refund", "no_reason.unwanted", clock.now(), "en")
    assert view.verdict == "eligible"
    assert "7-day no-reason return: until 26 Nov" in view.allows
    assert "Quality problems: return or exchange within 15 days, until 4 Dec" in view.allows
    assert view.shipping == "Return postage: paid by the buyer"
    zh = policy.preview(order, [(cap, 1)], "return_refund", "no_reason.unwanted", clock.now(), "zh-hans")
    assert zh.verdict == "not_eligible"
    assert any("属于定作商品" in line and "不支持七天无理由退货" in line for line in zh.allows)
    assert zh.headline == "按店铺政策，这个申请目前不符合条件。"
    # the same cap with a quality problem is covered, and the seller pays the postage
    quality = policy.preview(order, [(cap, 1)], "return_refund", "quality.defect", clock.now(), "en")
    assert quality.verdict == "eligible" and quality.photo_required
    assert quality.shipping == "Return postage: paid by the seller"


def test_the_windows_end_and_say_so(store, time_machine):
    time_machine.move_to("2026-11-30T10:00:00+08:00", tick=False)
    order = store.order(days_delivered=10)
    view = policy.preview(order, [(order.lines.first(), 1)], "return_refund", "no_reason.unwanted", clock.now(), "en")
    assert view.verdict == "not_eligible"
    assert "7-day no-reason return: ended on 27 Nov" in view.allows


def test_a_request_with_a_photo_makes_a_case_with_the_photo_stripped_of_its_metadata(store):
    order = store.order()
    case = services.submit_request(request(store, order, files=[photo()], description="Seam is open", language="en"))
    assert (case.channel, case.case_type, case.reason_code, case.reason_text) == ("portal", "return_refund",
                                                                                  "quality.defect", "Seam is open")
    evidence = Evidence.objects.get(case=case)
    assert (evidence.kind, evidence.uploaded_by, evidence.content_type) == ("photo", "buyer", "image/jpeg")
    with default_storage.open(evidence.file.name) as f:
        stored = f.read()
    img = Image.open(io.BytesIO(stored))
    assert dict(img.getexif()) == {}                              # no GPS, no phone, no orientation tag
    assert b"Phone 15 Pro" not in stored and b"PhoneMaker" not in stored
    assert img.size == (48, 64)                                   # the orientation was applied first
    assert StatusLink.objects.get(case=case).language == "en"
    assert TimelineEvent.objects.filter(case=case, kind="evidence", visible_to_buyer=True).exists()


def test_a_quality_claim_without_a_photo_is_refused_and_nothing_is_written(store):
    order = store.order()
    with pytest.raises(ValidationFailed) as exc:
        services.submit_request(request(store, order, reason="quality.damaged"))
    assert "files" in exc.value.fields
    pdf = SimpleUploadedFile("receipt.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF", content_type="application/pdf")
    with pytest.raises(ValidationFailed):
        services.submit_request(request(store, order, reason="quality.damaged", files=[pdf]))
    assert not Case.objects.exists()
    # a change of mind needs no photo
    assert services.submit_request(request(store, order, reason="no_reason.unwanted")).pk


@pytest.mark.parametrize("name,content,why", [
    pytest.param("virus.pdf", b"%PDF-1.4\n" + uploads.EICAR + b"\n%%EOF", "virus test signature", id="eicar-in-a-pdf"),
    pytest.param("form.pdf", b"%PDF-1.4\n<< /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>\n%%EOF",
                 "active content", id="pdf-with-javascript"),
    pytest.param("clip.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 100 + b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"
                 + b"This program cannot be run in DOS mode", "program", id="executable-inside-a-video"),
    pytest.param("setup.jpg", b"MZ\x90\x00\x03\x00\x00\x00", "not a file type", id="executable-named-jpg"),
    pytest.param("page.png", b"<html><script>alert(1)</script></html>", "not a file type", id="html-named-png"),
    pytest.param("fake.jpg", b"\xff\xd8\xff\xe0" + b"garbage" * 20, "cannot be read", id="broken-jpeg"),
])
def test_virus_like_and_false_files_are_refused(store, name, content, why):
    order = store.order()
    with pytest.raises(ValidationFailed) as exc:
        services.submit_request(request(store, order, reason="no_reason.unwanted",
                                        files=[SimpleUploadedFile(name, content)]))
    assert why in exc.value.message
    assert not Case.objects.exists()


def test_a_photo_named_as_something_else_is_refused_by_its_content(store):
    order = store.order()
    png = photo("defect.png", fmt="PNG")
    png.name = "defect.jpg"
    with pytest.raises(ValidationFailed, match="PNG image but the name ends in .jpg"):
        services.submit_request(request(store, order, files=[png]))


def test_too_many_pixels_is_a_decompression_bomb(store, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_PIXELS", 1000)
    with pytest.raises(ValidationFailed, match="megapixels"):
        services.submit_request(request(store, store.order(), files=[photo(size=(100, 100))]))


def test_an_iphone_heic_photo_is_stored_as_a_jpeg(store):
    pillow_heif = pytest.importorskip("pillow_heif")
    out = io.BytesIO()
    pillow_heif.from_pillow(Image.new("RGB", (32, 32), (0, 120, 200))).save(out)
    heic = SimpleUploadedFile("IMG_0001.HEIC", out.getvalue())
    case = services.submit_request(request(store, store.order(), files=[heic]))
    evidence = Evidence.objects.get(case=case)
    assert evidence.content_type == "image/jpeg" and evidence.file.name.endswith(".jpg")


def test_the_same_form_sent_twice_makes_one_case(store):
    order = store.order()
    first = services.submit_request(request(store, order, files=[photo()], nonce="same"))
    again = services.submit_request(request(store, order, files=[photo()], nonce="same"))
    assert first.pk == again.pk
    assert Case.objects.count() == 1 and Evidence.objects.count() == 1


def test_a_failure_after_the_files_were_stored_keeps_neither_case_nor_files(store, monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    order = store.order()
    from aftersales.portal import services as portal_services

    def broken(case):
        raise RuntimeError("disk full")

    monkeypatch.setattr(portal_services, "link_for", broken)
    with pytest.raises(RuntimeError):
        services.submit_request(request(store, order, files=[photo()]))
    assert not Case.objects.exists() and not Evidence.objects.exists()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


@pytest.mark.parametrize("days,shipped,types", [
    pytest.param(None, False, ["cancel_pre_shipment"], id="not-shipped-cancel-only"),
    pytest.param(None, True, ["refund_only", "complaint"], id="on-its-way"),
    pytest.param(2, True, ["return_refund", "exchange", "refund_only", "repair", "reship", "complaint"],
                 id="delivered"),
])
def test_the_kinds_of_request_follow_where_the_order_is(store, days, shipped, types):
    order = store.order(days_delivered=days, shipped=shipped)
    assert services.request_types(order) == types


def test_a_request_that_does_not_fit_is_refused_field_by_field(store):
    order = store.order(days_delivered=None, shipped=False)
    with pytest.raises(ValidationFailed) as exc:
        services.submit_request(request(store, order, case_type="return_refund"))
    assert "case_type" in exc.value.fields
    line = order.lines.first()
    with pytest.raises(ValidationFailed) as exc:
        services.submit_request(services.RequestIn(order=order, picks=[(line, 5)], case_type="cancel_pre_shipment",
                                                   reason_code="quality.defect"))
    assert {"lines", "reason_code"} <= set(exc.value.fields)


def test_marketplace_orders_are_requested_on_the_platform(store):
    douyin = make_shop(store.org, "douyin")
    from aftersales.orders.services import BuyerIn, LineIn, OrderIn, upsert_order
    from tests.factories import make_sku

    sku = make_sku(douyin)
    order, _ = upsert_order(store.org, douyin, OrderIn(
        external_id="DY1", buyer=BuyerIn(external_id="dy-b", phone="13900001111"), placed_at=clock.now(),
        shipped_at=clock.now(), delivered_at=clock.now(), lines=[LineIn(sku_code=sku.code, quantity=1,
                                                                       unit_price=sku.price)]))
    with pytest.raises(NotAllowed, match="Douyin"):
        services.submit_request(request(store, order, reason="no_reason.unwanted"))


@pytest.mark.parametrize("contact,found", [
    pytest.param("13900001111", True, id="phone"),
    pytest.param("+86 139-0000-1111", True, id="phone-with-country-code"),
    pytest.param("MEI.Buyer@example.com", True, id="email-any-case"),
    pytest.param("13900001112", False, id="wrong-phone"),
    pytest.param("other@example.com", False, id="wrong-email"),
    pytest.param("1111", False, id="too-short-to-prove"),
])
def test_an_order_is_found_by_its_number_and_the_buyers_phone_or_email(store, contact, found):
    order = store.order(number="W-LOOKUP-1")
    assert (services.find_orders("W-LOOKUP-1", contact) == [order]) is found
