"""Reply templates for the composer: which ones a case is offered, and filling their placeholders.

Templates come per problem type (explain.PROBLEM_KINDS, the top of the reason tree) and language
("zh", "en").  Every shop starts with the defaults in cases/reply_defaults.py; an organisation's
active `ReplyTemplate` rows of a type and language *replace* the defaults of that type and
language (so a shop rewords a set without the old wording lingering).  Sending is
`services.add_message`; the agent edits the filled text before it goes.

A placeholder the case has no value for is filled with its name in brackets ("[tracking number]",
"【运单号】"), so that the agent sees what to write before sending; unknown `{words}` stay as they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.utils import formats, translation

from aftersales import clock
from aftersales.cases.explain import PROBLEM_KINDS, problem_kind
from aftersales.cases.models import Case, ReplyTemplate, TimelineEvent
from aftersales.cases.reply_defaults import DEFAULTS
from aftersales.domain import lifecycle as lc

LANGUAGES = ("zh", "en")
# name -> (zh, en) words for a value the case does not have yet
PLACEHOLDERS: dict[str, tuple[str, str]] = {
    "buyer_name": ("亲", "there"),          # "亲您好" / "Hi there": a greeting without a name still reads well
    "order_number": ("【订单号】", "[order number]"),
    "case_number": ("【售后单号】", "[case number]"),
    "shop_name": ("【店铺名】", "[shop name]"),
    "tracking_number": ("【运单号】", "[tracking number]"),
    "refund_eta": ("【到账时间】", "[refund date]"),
}
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


@dataclass(frozen=True)
class Template:
    key: str              # "default-quality-zh-0", or "shop-<id>" for an organisation's own
    kind: str
    language: str
    title: str
    body: str
    own: bool = False     # the organisation's wording, not a default


def _defaults() -> list[Template]:
    seen: dict[tuple[str, str], int] = {}
    out = []
    for kind, language, title, body in DEFAULTS:
        n = seen.get((kind, language), 0)
        seen[(kind, language)] = n + 1
        out.append(Template(f"default-{kind}-{language}-{n}", kind, language, title, body))
    return out


DEFAULT_TEMPLATES: tuple[Template, ...] = tuple(_defaults())


def templates_for(organisation) -> list[Template]:
    """Every template the organisation's agents may pick, by problem type (PROBLEM_KINDS' order),
    language, then position."""
    own = [Template(f"shop-{t.pk}", t.kind, t.language, t.title, t.body, own=True)
           for t in ReplyTemplate.objects.filter(organisation=organisation, is_active=True)
           .order_by("kind", "language", "position", "id")]
    replaced = {(t.kind, t.language) for t in own}
    chosen = own + [t for t in DEFAULT_TEMPLATES if (t.kind, t.language) not in replaced]
    order = {k: i for i, k in enumerate(PROBLEM_KINDS)}
    return sorted(chosen, key=lambda t: (order.get(t.kind, 99), LANGUAGES.index(t.language) if t.language in
                                         LANGUAGES else 9))


def find(organisation, key: str) -> Template | None:
    return next((t for t in templates_for(organisation) if t.key == key), None)


def default_language(case: Case) -> str:
    """The language a buyer of this shop most likely reads."""
    return "zh" if (case.shop.region or "CN").upper() in ("CN", "TW", "HK", "MO") else "en"


def suggested(case: Case, templates: list[Template], language: str) -> Template | None:
    """The first template of the case's problem type in `language` (else of "other")."""
    kind = problem_kind(case.reason_code)
    for wanted in (kind, "other"):
        for t in templates:
            if t.kind == wanted and t.language == language:
                return t
    return None


def values(case: Case, language: str) -> dict[str, str]:
    """What the placeholders stand for in this case; a missing value is left out."""
    out = {"case_number": case.number, "shop_name": case.shop.name}
    if case.buyer.name:
        out["buyer_name"] = case.buyer.name
    if case.order_id:
        out["order_number"] = case.order.external_id
    tracking = _tracking(case)
    if tracking:
        out["tracking_number"] = tracking
    eta = _refund_eta(case, language)
    if eta:
        out["refund_eta"] = eta
    return out


def fill(body: str, values: dict[str, str], language: str) -> str:
    zh = language == "zh"

    def one(m: re.Match) -> str:
        name = m.group(1)
        if name in values:
            return values[name]
        if name in PLACEHOLDERS:
            return PLACEHOLDERS[name][0 if zh else 1]
        return m.group(0)

    return _PLACEHOLDER.sub(one, body)


def render(case: Case, template: Template) -> str:
    return fill(template.body, values(case, template.language), template.language)


def _tracking(case: Case) -> str:
    """The parcel the buyer is most likely asking about: what we sent them last (a reship or an
    exchange), else their return, else the order's own shipment."""
    sent = (TimelineEvent.objects.filter(case=case, kind="transition", action=lc.Action.SHIP_TO_BUYER)
            .order_by("-created_at", "-id").first())
    if sent and sent.data.get("tracking_number"):
        return sent.data["tracking_number"]
    back = case.return_shipments.order_by("-shipped_at", "-id").first()
    if back:
        return back.tracking_number
    if case.order_id:
        shipment = case.order.shipments.order_by("-shipped_at", "-id").first()
        if shipment:
            return shipment.tracking_number
    return ""


def _refund_eta(case: Case, language: str) -> str:
    """"11月23日前" / "by Nov. 23": when the refund should arrive (the refund's own expectation,
    else the shop's promise counted from today), in the shop's time zone."""
    refund = case.refunds.order_by("-id").first()
    when = None
    if refund is not None:
        when = refund.succeeded_at or refund.expected_to
    if when is None:
        when = clock.now() + timedelta(days=case.shop.refund_within_days or 3)
    local = when.astimezone(ZoneInfo(case.shop.time_zone))
    with translation.override("zh-hans" if language == "zh" else "en"):
        day = formats.date_format(local, "MONTH_DAY_FORMAT")
    return f"{day}前" if language == "zh" else f"by {day}"
