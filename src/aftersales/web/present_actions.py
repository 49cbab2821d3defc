"""What the viewer may do on the case page: the action panel (the lifecycle's moves for the case's
state, route and platform that the viewer's role may take, plus the desk steps: cases.permissions
`allowed_actions_for` and `desk_steps_for`) and the reply composer (cases/replies.py).  Hiding a
button is a courtesy; the services check the same again (web/views_actions.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from aftersales.cases import explain as ex
from aftersales.cases import replies
from aftersales.cases.models import Case, InspectionOutcome, OfferKind
from aftersales.cases.permissions import Who, allowed_actions_for, desk_steps_for
from aftersales.domain import lifecycle as lc
from aftersales.notify.outbox import reply_recipient
from aftersales.web.present import money
from aftersales.web.present_case import label

# ---------------------------------------------------------------------------------------------
# The reply composer

@dataclass(frozen=True)
class TemplateGroup:
    label: str
    options: list[replies.Template]


@dataclass(frozen=True)
class Composer:
    may_reply: bool
    groups: list[TemplateGroup]
    selected: str
    language: str
    body: str
    goes_to: str
    first_reply_due: bool = False
    errors: list[str] = field(default_factory=list)


CHANNEL_WORDS = {"platform": ("平台消息", "the platform's chat"), "email": ("邮件", "e-mail"), "sms": ("短信", "SMS")}


def composer(case: Case, may_reply: bool, *, key: str | None = None, body: str | None = None) -> Composer:
    """The templates grouped by problem type (the case's own first), the chosen one filled in."""
    if not may_reply:
        return Composer(False, [], "", "", "", "")
    templates = replies.templates_for(case.organisation_id)
    kind = ex.problem_kind(case.reason_code)
    order = [kind] + [k for k in ex.PROBLEM_KINDS if k != kind]
    groups = [TemplateGroup(ex.in_language(*ex.PROBLEM_KINDS[k]), [t for t in templates if t.kind == k])
              for k in order]
    groups = [g for g in groups if g.options]
    language = replies.default_language(case)
    chosen = None
    if key is not None:
        chosen = next((t for t in templates if t.key == key), None)
    elif body is None:
        chosen = replies.suggested(case, templates, language)
    if chosen is not None:
        language = chosen.language
    if body is None:
        body = replies.render(case, chosen) if chosen else ""
    channel, to = reply_recipient(case)
    goes_to = label(CHANNEL_WORDS, channel) + (f" ({to})" if to and channel != "platform" else "")
    return Composer(True, groups, chosen.key if chosen else "", language, body, goes_to,
                    first_reply_due=case.first_replied_at is None and case.is_open)


# ---------------------------------------------------------------------------------------------
# The action panel

@dataclass(frozen=True)
class OfferRow:
    id: int
    text: str
    status: str
    status_label: str


@dataclass(frozen=True)
class Panel:
    allowed: frozenset[str]       # lifecycle actions, inspect / pay_refund / confirm_refund, desk steps
    version: int
    approve_label: str
    money_route: bool             # approving commits money: the amount can be changed
    amount_default: str           # the requested amount, for an <input type=number>
    approval_limit: str           # the viewer's limit, when they have one
    offers: list[OfferRow]        # the latest proposal's options (open ones can be accepted for the buyer)
    is_open: bool
    marketplace: bool

    def __contains__(self, name: str) -> bool:
        return name in self.allowed

    @property
    def nothing(self) -> bool:
        return not (self.allowed - {"note", "reply"})


OFFER_STATUS = {"proposed": ("待买家选择", "waiting for the buyer"), "accepted": ("已接受", "accepted"),
                "declined": ("未选择", "not chosen"), "withdrawn": ("已撤回", "withdrawn")}


def approvelabel(case: Case) -> str:
    route = lc.Route(case.route)
    return {
        lc.Route.REFUND: _("Approve the refund"),
        lc.Route.RETURN_THEN_REFUND: _("Approve the return"),
        lc.Route.RETURN_THEN_SHIP: _("Approve: the buyer sends it back"),
        lc.Route.SHIP: _("Approve and reship"),
        lc.Route.NONE: _("Resolve and close"),
    }[route]


def panel(case: Case, who: Who) -> Panel:
    allowed = frozenset(allowed_actions_for(case, who.role) + desk_steps_for(case, who.role))
    latest = case.offers.order_by("-created_at", "-id").first()
    rows = []
    if latest is not None:
        for o in case.offers.filter(created_at=latest.created_at).order_by("id"):
            text = " ".join(part for part in (
                o.get_kind_display(), money(o.amount, case.currency) if o.amount is not None else "",
                o.coupon_code) if part)
            if o.note:
                text += ex.in_language(f"（{o.note}）", f" ({o.note})")
            rows.append(OfferRow(o.pk, text, o.status, label(OFFER_STATUS, o.status)))
    route = lc.Route(case.route)
    return Panel(
        allowed=allowed, version=case.version, approve_label=approvelabel(case),
        money_route=route in (lc.Route.REFUND, lc.Route.RETURN_THEN_REFUND),
        amount_default=f"{case.requested_amount:.2f}",
        approval_limit=money(who.approval_limit, case.currency) if who.approval_limit is not None else "",
        offers=rows, is_open=case.is_open, marketplace=not case.profile.executes_timeouts)


def choices() -> dict[str, list[tuple[str, str]]]:
    """The lists the action forms pick from, labelled in the active language."""
    return {
        "reject_reasons": [(k, ex.in_language(*v)) for k, v in ex.REJECT_REASONS.items()],
        "evidence_requests": [(k, ex.in_language(*v)) for k, v in ex.EVIDENCE_REQUESTS.items()],
        "offer_kinds": [(k, str(label)) for k, label in OfferKind.choices],
        "outcomes": [(k, str(label)) for k, label in InspectionOutcome.choices],
    }
