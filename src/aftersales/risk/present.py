"""What the risk panel shows: data for the template, in the current language, no writes."""

from __future__ import annotations

from django.utils.translation import get_language

from aftersales import clock
from aftersales.accounts.models import Role
from aftersales.domain import risk as rk
from aftersales.risk.models import CaseRisk, RestrictionKind
from aftersales.risk.queries import profile
from aftersales.risk.services import RESTRICT_ROLES, RESTRICTION_WORDS, active_restrictions

PACK_ROLES = frozenset({Role.OWNER, Role.SUPERVISOR, Role.AGENT})


def _zh() -> bool:
    return (get_language() or "").lower().startswith("zh")


def panel(case, role: str | None) -> dict:
    risk = CaseRisk.objects.select_related("identity").filter(case=case).first()
    now = clock.now()
    zh = _zh()
    out = {"case_id": case.pk, "scored": risk is not None, "may_restrict": role in RESTRICT_ROLES,
           "may_pack": role in PACK_ROLES, "kinds": RestrictionKind.choices}
    if risk is None:
        return out
    level_words = rk.LEVEL_WORDS.get(rk.Level(risk.level), ("", ""))
    out.update(
        level=risk.level, level_label=level_words[0] if zh else level_words[1], score=risk.score,
        reasons=[{"points": r["points"], "text": r["zh"] if zh else r["en"], "code": r["code"]} for r in risk.reasons],
        computed_at=risk.computed_at, profile=_profile(risk),
        restrictions=[{"id": r.pk, "label": RESTRICTION_WORDS[r.kind][0 if zh else 1], "reason": r.reason,
                       "expires_at": r.expires_at} for r in active_restrictions(risk.identity_id, now)],
    )
    return out


def _profile(risk) -> dict:
    figures = profile(risk.identity) if risk.identity_id else {}
    if figures:
        figures["case_rate_text"] = f"{figures['case_rate']:.0%}"
    return figures
