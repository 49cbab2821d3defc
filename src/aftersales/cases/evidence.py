"""Evidence files on a case: photos, videos and documents, from the API or the buyer portal.

The type is decided by the file's first bytes, and the name's extension must agree; what the
client says the content type is counts for nothing.  Sizes are capped per kind by settings.
The same file twice on one case (by SHA-256) returns the first record.  The row and its
timeline event commit together.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils.text import get_valid_filename

from aftersales import clock
from aftersales.cases.models import Evidence, EvidenceKind
from aftersales.cases.permissions import Who
from aftersales.cases.services import get_case, record
from aftersales.cases.signals import send_after_commit
from aftersales.errors import ValidationFailed

_ISO_BMFF_IMAGE = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
_ISO_BMFF_MP4 = {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"dash", b"M4V ",
                 b"mmp4", b"MSNV"}
_QUICKTIME_ATOMS = {b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}


@dataclass(frozen=True)
class FileType:
    content_type: str
    kind: str
    extensions: tuple[str, ...]
    label: str


JPEG = FileType("image/jpeg", EvidenceKind.PHOTO, (".jpg", ".jpeg", ".jpe"), "JPEG image")
PNG = FileType("image/png", EvidenceKind.PHOTO, (".png",), "PNG image")
WEBP = FileType("image/webp", EvidenceKind.PHOTO, (".webp",), "WebP image")
HEIC = FileType("image/heic", EvidenceKind.PHOTO, (".heic", ".heif"), "HEIC image")
MP4 = FileType("video/mp4", EvidenceKind.VIDEO, (".mp4", ".m4v"), "MP4 video")
QUICKTIME = FileType("video/quicktime", EvidenceKind.VIDEO, (".mov", ".qt"), "QuickTime video")
PDF = FileType("application/pdf", EvidenceKind.DOCUMENT, (".pdf",), "PDF document")
ACCEPTED = "JPEG, PNG, WebP or HEIC photos, MP4 or MOV videos, PDF documents"


def sniff(head: bytes) -> FileType | None:
    """The type the first bytes of a file show, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"%PDF-"):
        return PDF
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _ISO_BMFF_IMAGE:
            return HEIC
        if brand == b"qt  ":
            return QUICKTIME
        if brand in _ISO_BMFF_MP4 or brand.startswith(b"3g"):
            return MP4
        return None
    if head[4:8] in _QUICKTIME_ATOMS:
        return QUICKTIME
    return None


def max_bytes(kind: str) -> int:
    # Documents are held to the photo limit: a PDF of a receipt or a report is not a film.
    return settings.EVIDENCE_MAX_VIDEO_BYTES if kind == EvidenceKind.VIDEO else settings.EVIDENCE_MAX_IMAGE_BYTES


def _safe_name(name: str) -> str:
    base, ext = os.path.splitext(os.path.basename(name or "file"))
    try:
        base = get_valid_filename(base)[:80]
    except SuspiciousFileOperation:    # a name made only of characters a file name cannot carry
        base = "file"
    return f"{base or 'file'}{ext.lower()[:10]}"


def check_file(uploaded_file) -> tuple[FileType, str]:
    """The file's type and SHA-256, or ValidationFailed on the field `file`."""
    def refuse(message: str, zh: str):
        return ValidationFailed(f"file: {message}", fields={"file": [message]}, message_zh=zh)

    size = uploaded_file.size or 0
    if size == 0:
        raise refuse("the file is empty", "文件为空")
    uploaded_file.seek(0)
    head = uploaded_file.read(32)
    uploaded_file.seek(0)
    ftype = sniff(head)
    if ftype is None:
        raise refuse(f"not a file type we accept ({ACCEPTED})", "不支持的文件类型（支持 JPEG/PNG/WebP/HEIC 图片、MP4/MOV 视频、PDF）")
    ext = os.path.splitext(uploaded_file.name or "")[1].lower()
    if ext not in ftype.extensions:
        raise refuse(f"the content is a {ftype.label} but the name ends in {ext or '(nothing)'}; "
                     f"expected {' or '.join(ftype.extensions)}",
                     "文件内容与扩展名不符")
    limit = max_bytes(ftype.kind)
    if size > limit:
        raise refuse(f"{size} bytes is over the {limit} bytes allowed for a {ftype.kind}",
                     f"文件大小超过上限（{limit} 字节）")
    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    return ftype, digest.hexdigest()


def add_evidence(organisation, case_id: int, who: Who, uploaded_file, note: str = "") -> tuple[Evidence, bool]:
    """Attach a file to a case.  Returns (evidence, created); the same file again is (first record, False)."""
    note = (note or "").strip()
    if len(note) > 300:
        raise ValidationFailed.field("note", "at most 300 characters")
    if "\x00" in note:
        raise ValidationFailed.field("note", "must not contain the NUL character (U+0000)")
    get_case(organisation, case_id)   # another organisation's case is a 404 before anything is read
    ftype, sha256 = check_file(uploaded_file)
    now = clock.now()
    stored = ""
    try:
        with transaction.atomic():
            case = get_case(organisation, case_id, lock=True)
            existing = Evidence.objects.filter(case=case, sha256=sha256).first()
            if existing is not None:
                return existing, False
            name = _safe_name(uploaded_file.name)
            original = (uploaded_file.name or name).replace("\x00", "")[:200]
            evidence = Evidence(case=case, kind=ftype.kind, original_name=original,
                                content_type=ftype.content_type, size=uploaded_file.size, sha256=sha256,
                                uploaded_by=who.actor, note=note, created_at=now)
            evidence.file.save(name, uploaded_file, save=False)   # through the default storage
            stored = evidence.file.name
            evidence.save()
            kind_zh = {"photo": "照片", "video": "视频", "document": "文件"}[ftype.kind]
            record(case, "evidence", who, now, zh=f"上传了{kind_zh}：{name}", en=f"Added a {ftype.kind}: {name}",
                   data={"evidence": evidence.pk, "kind": ftype.kind, "sha256": sha256, "size": uploaded_file.size},
                   # what the seller gathers for a dispute is theirs; what the buyer sends, the buyer sees
                   buyer_visible=who.actor == "buyer")
            send_after_commit("evidence", case.organisation_id, [case.pk], evidence=[evidence.pk], author=who.actor)
    except Exception as exc:
        if stored:
            # The row did not commit: do not keep its file.
            default_storage.delete(stored)
        if isinstance(exc, IntegrityError):
            # The same file raced in twice; the other upload won.
            existing = Evidence.objects.filter(case_id=case_id, case__organisation=organisation,
                                               sha256=sha256).first()
            if existing is not None:
                return existing, False
        raise
    return evidence, True
