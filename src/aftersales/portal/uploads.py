"""The buyer's evidence files, made safe before they are stored.

1. Type and size by content: `cases.evidence.check_file` (the first bytes decide; the name's
   extension must agree; per-kind size caps).
2. Refused when they look like malware: the EICAR test signature anywhere, an executable or a
   script inside, a PDF with active content (JavaScript, launch actions, embedded files).  A
   scanner of your own (ClamAV, a cloud scanner) plugs in with AFTERSALES_UPLOAD_SCANNER: a dotted
   path to `scan(file) -> str | None` (the refusal's reason, or None).
3. Photos are decoded and encoded again with Pillow (HEIC through pillow-heif): what is stored
   is pixels and a colour profile, without EXIF (the phone's GPS position, its serial number),
   comments or anything appended after the image data; the camera's orientation is applied first.
   Videos and PDFs are stored as sent.

The stored files live in the evidence storage (AFTERSALES_HOME/media or S3), which no URL
serves: the status page streams a file only to the holder of its case's link (portal/views.py).
"""

from __future__ import annotations

import io
import os
import re

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.module_loading import import_string
from PIL import Image, ImageOps, UnidentifiedImageError

from aftersales.cases.evidence import check_file
from aftersales.cases.explain import in_language
from aftersales.cases.models import EvidenceKind
from aftersales.errors import ValidationFailed

try:   # HEIC photos from phones; without the plugin they are refused with a clear message
    import pillow_heif

    pillow_heif.register_heif_opener()
except ImportError:  # pragma: no cover - pillow-heif is a dependency
    pillow_heif = None

MAX_FILES = 6
MAX_PIXELS = 50_000_000          # a 50-megapixel photo; more is a decompression bomb, not evidence
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!"
# Long enough that compressed image or video data never matches by chance.
EMBEDDED = (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", b"This program cannot be run in DOS mode", b"\x7fELF\x02\x01\x01",
            b"<script", b"<?php", b"#!/bin/sh", b"#!/bin/bash", b"#!/usr/bin/env")
PDF_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFile|RichMedia|XFA|SubmitForm|ImportData)\b")
CHUNK = 1 << 20


def refuse(en: str, zh: str) -> ValidationFailed:
    return ValidationFailed(f"file: {en}", fields={"file": [in_language(zh, en)]}, message_zh=zh)


def _chunks(f):
    """The file's bytes a megabyte at a time, each with the tail of the one before (so a signature
    that straddles two chunks is still found)."""
    f.seek(0)
    tail = b""
    while True:
        block = f.read(CHUNK)
        if not block:
            break
        yield tail + block
        tail = block[-128:]
    f.seek(0)


def scan(uploaded, content_type: str) -> None:
    """Refuse what looks like malware (ValidationFailed on the field `file`)."""
    for data in _chunks(uploaded):
        if EICAR in data:
            raise refuse("the file carries a virus test signature", "文件含有病毒特征，已拒收")
        if any(sig in data for sig in EMBEDDED):
            raise refuse("the file has a program or a script inside", "文件中含有程序或脚本，已拒收")
        if content_type == "application/pdf" and PDF_ACTIVE.search(data):
            raise refuse("the PDF has active content (scripts, actions or embedded files)",
                         "PDF 含有脚本、动作或嵌入文件，已拒收")
    if settings.UPLOAD_SCANNER:
        why = import_string(settings.UPLOAD_SCANNER)(uploaded)
        uploaded.seek(0)
        if why:
            raise refuse(f"refused by the virus scanner: {why}", f"病毒扫描未通过：{why}")


def reencode(uploaded) -> SimpleUploadedFile:
    """The photo's pixels in a new file (JPEG, or PNG where it has transparency), no metadata."""
    uploaded.seek(0)
    try:
        with Image.open(uploaded) as img:
            w, h = img.size
            if w * h > MAX_PIXELS:
                raise refuse(f"the photo is {w}×{h} pixels; at most {MAX_PIXELS // 1_000_000} megapixels",
                             "照片像素过大")
            img.load()
            icc = img.info.get("icc_profile")
            img = ImageOps.exif_transpose(img)
            alpha = img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info)
            out = io.BytesIO()
            if alpha:
                img.convert("RGBA").save(out, "PNG", optimize=True, **({"icc_profile": icc} if icc else {}))
                ext, ctype = ".png", "image/png"
            else:
                img.convert("RGB").save(out, "JPEG", quality=88, optimize=True,
                                        **({"icc_profile": icc} if icc else {}))
                ext, ctype = ".jpg", "image/jpeg"
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise refuse("the photo cannot be read (damaged or not really an image)", "照片已损坏或不是有效的图片") from None
    finally:
        uploaded.seek(0)
    base = os.path.splitext(os.path.basename(uploaded.name or "photo"))[0] or "photo"
    return SimpleUploadedFile(base + ext, out.getvalue(), content_type=ctype)


def clean(uploaded):
    """The file to store: checked, scanned, and for a photo re-encoded.  Raises ValidationFailed."""
    ftype, _sha = check_file(uploaded)
    scan(uploaded, ftype.content_type)
    if ftype.kind == EvidenceKind.PHOTO:
        return reencode(uploaded)
    return uploaded


def clean_all(files: list) -> list:
    if len(files) > MAX_FILES:
        raise refuse(f"at most {MAX_FILES} files at once", f"一次最多上传 {MAX_FILES} 个文件")
    return [clean(f) for f in files]
