"""Evidence uploads: the bytes decide the type, sizes are capped, the same file once per case."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from aftersales.cases.evidence import sniff
from aftersales.cases.models import Evidence, TimelineEvent
from tests.api.conftest import error

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x01" * 200
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00" + b"\x02" * 100
MOV = b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00" + b"\x03" * 100
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00" + b"\x04" * 100
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x05" * 100
PDF = b"%PDF-1.7\n" + b"\x06" * 100


def upload(api, case, name, content, note=""):
    return api.upload(f"/cases/{case.pk}/evidence", {"file": SimpleUploadedFile(name, content), "note": note})


def test_a_photo_is_stored_with_its_hash_and_a_timeline_event(a):
    case = a.case()
    response = upload(a.api, case, "label.png", PNG, note="the label")
    assert response.status_code == 201, response.content
    ev = response.json()
    assert (ev["kind"], ev["content_type"], ev["size"], ev["note"]) == ("photo", "image/png", len(PNG), "the label")
    assert ev["sha256"] == hashlib.sha256(PNG).hexdigest()
    row = Evidence.objects.get()
    assert default_storage.open(row.file.name).read() == PNG
    event = TimelineEvent.objects.get(case=case, kind="evidence")
    assert event.data["evidence"] == row.pk
    listed = a.api.get(f"/cases/{case.pk}").json()["evidence"]
    assert [e["id"] for e in listed] == [row.pk]

    download = a.api.get(ev["url"].removeprefix("/api/v1"))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PNG
    assert download["Content-Type"] == "image/png"


def test_the_same_file_twice_is_the_same_record(a):
    case = a.case()
    first = upload(a.api, case, "label.png", PNG)
    again = upload(a.api, case, "label-copy.png", PNG)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Evidence.objects.count() == 1
    assert TimelineEvent.objects.filter(case=case, kind="evidence").count() == 1


@pytest.mark.parametrize("name, content", [
    pytest.param("fake.png", b"this is not a picture at all", id="text-named-png"),
    pytest.param("photo.png", JPEG, id="jpeg-named-png"),
    pytest.param("script.exe", b"MZ\x90\x00" + b"\x00" * 100, id="executable"),
    pytest.param("empty.png", b"", id="empty"),
    pytest.param("page.html", b"<html><script>alert(1)</script></html>", id="html"),
    pytest.param("nothing", PNG, id="no-extension"),
])
def test_a_file_that_is_not_what_it_says_is_422_and_nothing_is_stored(a, name, content):
    case = a.case()
    response = upload(a.api, case, name, content)
    assert response.status_code == 422, response.content
    err = error(response)
    assert err["code"] == "validation.failed" and "file" in err["fields"]
    assert not Evidence.objects.exists()
    assert not TimelineEvent.objects.filter(kind="evidence").exists()


def test_a_file_over_the_limit_is_422(a, settings):
    settings.EVIDENCE_MAX_IMAGE_BYTES = 100
    settings.EVIDENCE_MAX_VIDEO_BYTES = 1000
    case = a.case()
    response = upload(a.api, case, "big.png", PNG)
    assert response.status_code == 422
    assert "over the 100 bytes" in error(response)["fields"]["file"][0]
    assert upload(a.api, case, "clip.mp4", MP4).status_code == 201    # videos have their own, larger limit
    assert Evidence.objects.count() == 1


def test_no_file_or_a_long_note_is_422(a):
    case = a.case()
    response = a.api.upload(f"/cases/{case.pk}/evidence", {"note": "where is it"})
    assert response.status_code == 422
    assert "file" in error(response)["fields"]
    response = upload(a.api, case, "label.png", PNG, note="x" * 301)
    assert response.status_code == 422
    assert "note" in error(response)["fields"]
    assert not Evidence.objects.exists()


@pytest.mark.parametrize("content, content_type, kind", [
    pytest.param(PNG, "image/png", "photo", id="png"),
    pytest.param(JPEG, "image/jpeg", "photo", id="jpeg"),
    pytest.param(WEBP, "image/webp", "photo", id="webp"),
    pytest.param(HEIC, "image/heic", "photo", id="heic"),
    pytest.param(MP4, "video/mp4", "video", id="mp4"),
    pytest.param(MOV, "video/quicktime", "video", id="quicktime"),
    pytest.param(PDF, "application/pdf", "document", id="pdf"),
])
def test_sniffing(content, content_type, kind):
    found = sniff(content[:32])
    assert (found.content_type, found.kind) == (content_type, kind)


def test_another_file_of_each_kind_is_accepted(a):
    case = a.case()
    for name, content in [("a.jpg", JPEG), ("b.webp", WEBP), ("c.heic", HEIC), ("d.mov", MOV), ("e.pdf", PDF)]:
        response = upload(a.api, case, name, content)
        assert response.status_code == 201, (name, response.content)
    assert sorted(Evidence.objects.values_list("kind", flat=True)) == [
        "document", "photo", "photo", "photo", "video"]
