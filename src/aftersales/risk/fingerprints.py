"""Fingerprints that find one thing used again across cases: evidence photos (ImageHash's pHash,
64 bits) and complaint texts (SimHash of character trigrams, domain.risk).  Both are cut into four
16-bit bands, each indexed: two hashes within Hamming distance 3 share a band, so the candidates are
found by index and compared exactly in Python."""

from __future__ import annotations

import logging

from django.db.models import Q

from aftersales.cases.models import Case, Evidence
from aftersales.domain import risk as rk
from aftersales.risk.models import ComplaintText, EvidenceHash

log = logging.getLogger(__name__)
MAX_PHOTO_DISTANCE = 3          # pHash bits that may differ for "the same photo" (re-saved, resized, cropped a little)
MAX_TEXT_DISTANCE = 3


def photo(evidence: Evidence, case: Case, identity) -> EvidenceHash | None:
    import imagehash
    from PIL import Image, UnidentifiedImageError

    try:
        with evidence.file.open("rb") as fh, Image.open(fh) as img:
            value = int(str(imagehash.phash(img)), 16)
    except (OSError, UnidentifiedImageError, ValueError):
        log.info("evidence %s: not an image we can hash", evidence.pk)
        return None
    b = rk.bands(value)
    row, _ = EvidenceHash.objects.get_or_create(evidence=evidence, defaults=dict(
        organisation_id=case.organisation_id, case=case, identity=identity, phash=rk.signed64(value),
        b0=b[0], b1=b[1], b2=b[2], b3=b[3]))
    return row


def _band_candidates(model, organisation_id: int, value: int, exclude_case: int):
    b = rk.bands(value)
    q = Q(b0=b[0]) | Q(b1=b[1]) | Q(b2=b[2]) | Q(b3=b[3])
    return model.objects.filter(q, organisation_id=organisation_id).exclude(case_id=exclude_case)


def photo_matches(case: Case, identity, rows: list[EvidenceHash]) -> tuple[int, int]:
    other = own = 0
    for row in rows:
        value = rk.unsigned64(row.phash)
        matches = [m for m in _band_candidates(EvidenceHash, case.organisation_id, value, case.pk)[:50]
                   if rk.hamming(rk.unsigned64(m.phash), value) <= MAX_PHOTO_DISTANCE]
        if any(m.identity_id != getattr(identity, "pk", None) for m in matches):
            other += 1
        elif matches:
            own += 1
    return other, own


def text(case: Case, identity, text: str, facts: dict) -> None:
    value = rk.simhash(text)
    if value is None:
        return
    b = rk.bands(value)
    ComplaintText.objects.get_or_create(case=case, simhash=rk.signed64(value), defaults=dict(
        organisation_id=case.organisation_id, identity=identity, b0=b[0], b1=b[1], b2=b[2], b3=b[3]))
    others = {m.identity_id for m in _band_candidates(ComplaintText, case.organisation_id, value, case.pk)[:100]
              if rk.hamming(rk.unsigned64(m.simhash), value) <= MAX_TEXT_DISTANCE
              and m.identity_id != getattr(identity, "pk", None)}
    facts["similar_texts"] = max(facts.get("similar_texts", 0), len(others))
