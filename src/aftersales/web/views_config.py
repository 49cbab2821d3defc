"""Configuration, for the owner only: a supervisor (or anyone else) gets the 403 page.  Settings
change what every case is judged by and who may approve money, so they stay with one role; the
supervisor sees what matters day to day on the case pages and the supervisor pages.

    home       the shops, links to people and to the admin (staff) for the rarer settings
    shop       one shop: details, policy, channels, compensation limit (a form each; catalog.services)
    people     members with role, refund approval limit, active; a form to add one (cases.team)

Each form posts to its own address; a good post redirects back with a message, a bad one renders
the page again with the typed values and a message under each field (status 422).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from aftersales.accounts.models import Membership, Role
from aftersales.cases import explain as ex
from aftersales.cases import team as team_service
from aftersales.cases.models import Channel
from aftersales.catalog import services as shop_service
from aftersales.catalog.models import CHANNEL_COLOURS, DEFAULT_CHANNEL_COLOURS, Shop
from aftersales.domain.platforms import PROFILES
from aftersales.domain.priority import DEFAULT_CHANNEL_WEIGHTS, MAX_CHANNEL_POINTS
from aftersales.errors import AftersalesError, Conflict, NotFound, ValidationFailed
from aftersales.web import present
from aftersales.web.access import OWNER_ROLES, member_required, who
from aftersales.web.errors import error_response, message_of


@dataclass
class FormField:
    """One input as the template draws it (web/config/partials/field.html)."""

    name: str
    label: str
    kind: str = "text"             # text, tel, textarea, number, money, checkbox, categories, timezone, select
    value: str = ""
    errors: list[str] = field(default_factory=list)
    help: str = ""
    unit: str = ""
    required: bool = False
    min: int | None = None
    max: int | None = None
    options: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Spec:
    """How a settings field is drawn: its words (translated when drawn) and its input."""

    label: object
    kind: str = "text"
    help: object = ""
    unit: object = ""
    extra: dict = field(default_factory=dict)     # required, min, max


DAYS, NO_PROMISE = gettext_lazy("days"), gettext_lazy("0: no promise.")
DETAIL_SPECS = {
    "name": Spec(gettext_lazy("Shop name"), extra={"required": True}),
    "return_contact": Spec(gettext_lazy("Return contact"), help=gettext_lazy("Who receives returned parcels.")),
    "return_phone": Spec(gettext_lazy("Return phone"), "tel"),
    "return_address": Spec(gettext_lazy("Return address"), "textarea",
                           gettext_lazy("Shown to buyers when they ship a return.")),
    "time_zone": Spec(gettext_lazy("Time zone"), "timezone",
                      gettext_lazy("Deadlines and the policy's day counts follow the shop's local days."),
                      extra={"required": True}),
    "business_calendar": Spec(gettext_lazy("Business calendar"), "text",
                              gettext_lazy("CN (with make-up working days), another country code such as US, or "
                                           "empty for the platform's calendar.")),
}
POLICY_SPECS = {
    "no_reason_days": Spec(gettext_lazy("No-reason return window"), "number",
                           gettext_lazy("Days after delivery in which a buyer may return without a reason "
                                        "(7 in China for most goods)."), DAYS),
    "quality_exchange_days": Spec(gettext_lazy("Exchange for quality problems"), "number",
                                  gettext_lazy("Days after delivery in which a faulty item may be exchanged."), DAYS),
    "excluded_categories": Spec(gettext_lazy("Categories without no-reason returns"), "categories",
                                gettext_lazy("One per line or separated by commas, written as the products' "
                                             "categories.")),
    "vip_spend_threshold": Spec(gettext_lazy("VIP from a lifetime spend of"), "money",
                                gettext_lazy("A buyer who has spent this much in the shop is a VIP and comes first "
                                             "in the queue.")),
    "auto_approve_unshipped_refund": Spec(gettext_lazy("Approve refunds of unshipped orders automatically"),
                                          "checkbox"),
    "auto_approve_small_return_max": Spec(gettext_lazy("Approve returns automatically up to"), "money",
                                          gettext_lazy("0 turns this off.")),
    "first_reply_hours": Spec(gettext_lazy("Promise: first reply within"), "number", NO_PROMISE,
                              gettext_lazy("hours")),
    "review_business_days": Spec(gettext_lazy("Promise: review within"), "number", NO_PROMISE,
                                 gettext_lazy("business days")),
    "refund_within_days": Spec(gettext_lazy("Promise: refund within"), "number", NO_PROMISE, DAYS),
    "followup_days": Spec(gettext_lazy("Follow-up after completion"), "number",
                          gettext_lazy("Days after a case is completed that the team calls the buyer back."), DAYS),
}
COMPENSATION_SPECS = {
    "agent_compensation_limit": Spec(gettext_lazy("Largest coupon or gift an agent may offer without approval"),
                                     "money", gettext_lazy("Owners and supervisors may offer more; agents above it "
                                                           "ask a supervisor.")),
}
SECTIONS = {"details": DETAIL_SPECS, "policy": POLICY_SPECS, "channels": None, "compensation": COMPENSATION_SPECS}
COLOUR_NAMES = {
    "red": gettext_lazy("red"), "orange": gettext_lazy("orange"), "yellow": gettext_lazy("yellow"),
    "green": gettext_lazy("green"), "blue": gettext_lazy("blue"), "purple": gettext_lazy("purple"),
    "grey": gettext_lazy("grey"), "none": gettext_lazy("no colour"),
}
COMMON_ZONES = ("Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Singapore", "Asia/Tokyo",
                "America/Los_Angeles", "America/New_York", "Europe/London", "Europe/Berlin", "UTC")


def _shown(shop: Shop, name: str) -> str:
    value = getattr(shop, name)
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, list):
        return "\n".join(value)
    return "" if value is None else str(value)


def _fields(specs, shop: Shop, posted=None, errors=None) -> list[FormField]:
    out = []
    for name, spec in specs.items():
        kind, help_text, unit = spec.kind, spec.help, spec.unit
        if posted is not None and name in posted:
            value = posted.get(name, "")          # a checkbox's last value: the box's, after its hidden "0"
            if kind == "checkbox":
                value = "1" if value in ("1", "on", "true") else ""
        else:
            value = _shown(shop, name)
        if kind == "money":
            unit = shop.currency
        if name == "business_calendar":
            help_text = f"{help_text} ({_('platform default')}: {shop.profile.calendar})"
        out.append(FormField(name=name, label=str(spec.label), kind=kind, value=value, help=str(help_text),
                             unit=str(unit), errors=(errors or {}).get(name, []), **spec.extra))
    return out


@dataclass(frozen=True)
class ChannelRow:
    name: str
    label: str
    weight: str
    default_weight: int
    colour: str               # "" : the default
    default_colour: str
    default_colour_name: str
    weight_errors: list[str]
    colour_errors: list[str]


def _channel_rows(shop: Shop, posted=None, errors=None) -> list[ChannelRow]:
    errors = errors or {}
    labels = {**dict(Channel.choices), "webhook": gettext_lazy("Platform webhook")}
    rows = []
    for name in shop_service.channel_names():
        if posted is not None:
            weight, colour = posted.get(f"weight_{name}", ""), posted.get(f"colour_{name}", "")
        else:
            stored = (shop.channel_weights or {}).get(name)
            weight = str(stored if stored is not None else DEFAULT_CHANNEL_WEIGHTS.get(name, 0))
            colour = (shop.channel_colours or {}).get(name, "")
        rows.append(ChannelRow(name=name, label=str(labels.get(name, name)), weight=weight,
                               default_weight=DEFAULT_CHANNEL_WEIGHTS.get(name, 0), colour=colour,
                               default_colour=DEFAULT_CHANNEL_COLOURS.get(name, "none"),
                               default_colour_name=str(COLOUR_NAMES[DEFAULT_CHANNEL_COLOURS.get(name, "none")]),
                               weight_errors=errors.get(f"weight_{name}", []) + errors.get("channel_weights", []),
                               colour_errors=errors.get(f"colour_{name}", [])))
    return rows


def _shop_or_404(request, shop_id) -> Shop:
    try:
        return shop_service.get_shop(request.organisation, shop_id)
    except NotFound:
        raise Http404(_("No such shop")) from None


def _admin_url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _platform(shop: Shop) -> str:
    profile = PROFILES.get(shop.platform)
    return ex.in_language(profile.name_zh, profile.name_en) if profile else shop.platform


# ---------------------------------------------------------------------------------------------

@require_GET
@member_required(roles=OWNER_ROLES)
def home(request):
    shops = list(Shop.objects.filter(organisation=request.organisation).order_by("name", "id"))
    return render(request, "web/config/home.html", {
        "shops": [{"shop": s, "platform": _platform(s),
                   "vip": present.money(s.vip_spend_threshold, s.currency),
                   "compensation": present.money(s.agent_compensation_limit, s.currency)} for s in shops],
        "members": Membership.objects.filter(organisation=request.organisation, active=True).count(),
        "admin_url": _admin_url("admin:index") if request.user.is_staff else "",
        "page_title": _("Settings"), "nav": "config",
    })


def _shop_context(request, shop: Shop, *, section: str = "", posted=None, errors=None) -> dict:
    def pick(name, specs):
        return _fields(specs, shop, posted if section == name else None, errors if section == name else None)

    return {
        "shop": shop, "platform": _platform(shop), "section": section,
        "details": pick("details", DETAIL_SPECS), "policy": pick("policy", POLICY_SPECS),
        "compensation": pick("compensation", COMPENSATION_SPECS),
        "channels": _channel_rows(shop, posted if section == "channels" else None,
                                  errors if section == "channels" else None),
        "colours": [(c, str(COLOUR_NAMES[c])) for c in CHANNEL_COLOURS], "colour_names": COLOUR_NAMES,
        "max_weight": MAX_CHANNEL_POINTS, "zones": COMMON_ZONES,
        "shop_admin": _admin_url("admin:catalog_shop_change", shop.pk) if request.user.is_staff else "",
        "page_title": shop.name, "nav": "config",
    }


@require_GET
@member_required(roles=OWNER_ROLES)
def shop(request, shop_id: int):
    return render(request, "web/config/shop.html", _shop_context(request, _shop_or_404(request, shop_id)))


SAVED = {
    "details": gettext_lazy("Shop details saved."),
    "policy": gettext_lazy("Policy saved."),
    "channels": gettext_lazy("Channels saved; the shop's open cases are re-sorted."),
    "compensation": gettext_lazy("Compensation limit saved."),
}


@require_POST
@member_required(roles=OWNER_ROLES)
def shop_save(request, shop_id: int, section: str):
    if section not in SECTIONS:
        raise Http404(_("No such settings section"))
    shop = _shop_or_404(request, shop_id)
    org, post = request.organisation, request.POST
    try:
        if section == "details":
            change = shop_service.update_details(org, shop.pk, who(request),
                                                 {k: post[k] for k in DETAIL_SPECS if k in post},
                                                 expected_version=post.get("policy_version"))
        elif section == "policy":
            data = {k: (post.getlist(k)[-1] if k == "auto_approve_unshipped_refund" else post[k])
                    for k in POLICY_SPECS if k in post}
            change = shop_service.update_policy(org, shop.pk, who(request), data,
                                                expected_version=post.get("policy_version"))
        elif section == "channels":
            names = shop_service.channel_names()
            change = shop_service.update_channels(
                org, shop.pk, who(request),
                {n: post[f"weight_{n}"] for n in names if f"weight_{n}" in post},
                {n: post[f"colour_{n}"] for n in names if f"colour_{n}" in post})
        else:
            change = shop_service.update_compensation_limit(org, shop.pk, who(request),
                                                            post.get("agent_compensation_limit"))
    except ValidationFailed as exc:
        context = _shop_context(request, shop, section=section, posted=post, errors=exc.fields)
        context["flash"] = [("error", _("Nothing was saved: please correct the marked fields."))]
        return render(request, "web/config/shop.html", context, status=422)
    except Conflict as exc:
        messages.error(request, message_of(exc) + " " + _("Your changes were not saved."))
        return redirect(reverse("web:config-shop", args=[shop.pk]) + f"#{section}")
    except AftersalesError as exc:
        return error_response(request, exc)
    if not change.changed:
        messages.info(request, _("Nothing changed."))
    elif change.bumped:
        messages.success(request, _("%(saved)s The policy is now version %(version)d.")
                         % {"saved": SAVED[section], "version": change.shop.policy_version})
    else:
        messages.success(request, str(SAVED[section]))
    return redirect(reverse("web:config-shop", args=[shop.pk]) + f"#{section}")


# ---------------------------------------------------------------------------------------------
# People

NEW_MEMBER_SPECS = {
    "username": Spec(gettext_lazy("User name"), help=gettext_lazy("What they log in with."), extra={"required": True}),
    "name": Spec(gettext_lazy("Name")),
    "email": Spec(gettext_lazy("E-mail")),
    "role": Spec(gettext_lazy("Role"), "select"),
    "refund_approval_limit": Spec(gettext_lazy("Refund approval limit"), "money", gettext_lazy("Empty: no limit.")),
    "password": Spec(gettext_lazy("First password"), "password",
                     gettext_lazy("Give it to them; they can change it later."), extra={"required": True}),
}


@dataclass(frozen=True)
class PersonRow:
    membership: Membership
    name: str
    username: str
    role: str
    limit: str
    active: bool
    is_me: bool
    errors: dict


def _people_context(request, *, editing: int | None = None, posted=None, errors=None, new_posted=None,
                    new_errors=None) -> dict:
    members = Membership.objects.filter(organisation=request.organisation).select_related("user")
    rows = []
    for m in members:
        mine = editing == m.pk
        rows.append(PersonRow(
            membership=m, name=present.person(m.user), username=m.user.get_username(),
            role=posted.get("role", m.role) if mine else m.role,
            limit=posted.get("refund_approval_limit", "") if mine else
            ("" if m.refund_approval_limit is None else str(m.refund_approval_limit)),
            active=m.active, is_me=m.user_id == request.user.pk, errors=(errors or {}) if mine else {}))
    order = {r: i for i, r in enumerate(Role.values)}
    rows.sort(key=lambda r: (not r.active, order.get(r.membership.role, 9), r.name.lower()))
    new = []
    for name, spec in NEW_MEMBER_SPECS.items():
        value = (new_posted or {}).get(name, "") if name != "password" else ""
        if name == "role" and not value:
            value = Role.AGENT
        new.append(FormField(name=name, label=str(spec.label), kind=spec.kind, value=value, help=str(spec.help),
                             errors=(new_errors or {}).get(name, []),
                             options=list(Role.choices) if spec.kind == "select" else [], **spec.extra))
    return {"rows": rows, "roles": Role.choices, "new": new, "editing": editing,
            "page_title": _("People"), "nav": "config"}


@require_GET
@member_required(roles=OWNER_ROLES)
def people(request):
    return render(request, "web/config/people.html", _people_context(request))


@require_POST
@member_required(roles=OWNER_ROLES)
def person_new(request):
    post = request.POST
    try:
        m = team_service.add_member(request.organisation, who(request), username=post.get("username", ""),
                                    password=post.get("password", ""), role=post.get("role", ""),
                                    refund_approval_limit=post.get("refund_approval_limit"),
                                    name=post.get("name", ""), email=post.get("email", ""))
    except ValidationFailed as exc:
        context = _people_context(request, new_posted=post, new_errors=exc.fields)
        context["flash"] = [("error", _("Nobody was added: please correct the marked fields."))]
        return render(request, "web/config/people.html", context, status=422)
    except AftersalesError as exc:
        return error_response(request, exc)
    messages.success(request, _("%(name)s joins as %(role)s.") % {"name": present.person(m.user),
                                                                   "role": m.get_role_display()})
    return redirect("web:config-people")


@require_POST
@member_required(roles=OWNER_ROLES)
def person_save(request, membership_id: int):
    try:
        m = team_service.change_member(request.organisation, who(request), membership_id,
                                       role=request.POST.get("role", ""),
                                       refund_approval_limit=request.POST.get("refund_approval_limit"))
    except ValidationFailed as exc:
        context = _people_context(request, editing=membership_id, posted=request.POST, errors=exc.fields)
        context["flash"] = [("error", _("Not saved: please correct the marked fields."))]
        return render(request, "web/config/people.html", context, status=422)
    except NotFound:
        raise Http404(_("No such member")) from None
    except AftersalesError as exc:
        messages.error(request, message_of(exc))
        return redirect("web:config-people")
    messages.success(request, _("%(name)s: saved.") % {"name": present.person(m.user)})
    return redirect("web:config-people")


@require_POST
@member_required(roles=OWNER_ROLES)
def person_active(request, membership_id: int):
    active = request.POST.get("active") == "1"
    try:
        result = team_service.set_member_active(request.organisation, who(request), membership_id, active)
    except NotFound:
        raise Http404(_("No such member")) from None
    except AftersalesError as exc:
        messages.error(request, message_of(exc))
        return redirect("web:config-people")
    name = present.person(result.membership.user)
    if active:
        messages.success(request, _("%(name)s is active again.") % {"name": name})
    else:
        messages.success(request, _("%(name)s is deactivated; %(n)d open cases went back to the pool.")
                         % {"name": name, "n": result.released})
    return redirect("web:config-people")


# ---------------------------------------------------------------------------------------------
# Reply templates (the organisation's own wording; cases.reply_settings)

@dataclass(frozen=True)
class ReplyGroup:
    kind: str
    label: str
    language: str
    language_label: str
    own: list          # [(ReplyTemplate, errors dict, posted values or None)]
    defaults: list     # titles of the default wording in use (no active own template of this kind and language)


def _replies_context(request, *, editing: int | None = None, posted=None, errors=None, new_posted=None,
                     new_errors=None) -> dict:
    from aftersales.cases.explain import PROBLEM_KINDS
    from aftersales.cases.models import ReplyTemplate
    from aftersales.cases.replies import DEFAULT_TEMPLATES, LANGUAGES, PLACEHOLDERS

    own = list(ReplyTemplate.objects.filter(organisation=request.organisation)
               .order_by("kind", "language", "position", "id"))
    language_labels = dict(ReplyTemplate.LANGUAGES)
    groups = []
    for kind, (zh, en) in PROBLEM_KINDS.items():
        for language in LANGUAGES:
            mine = [t for t in own if t.kind == kind and t.language == language]
            active = any(t.is_active for t in mine)
            groups.append(ReplyGroup(
                kind=kind, label=ex.in_language(zh, en), language=language,
                language_label=str(language_labels.get(language, language)),
                own=[(t, (errors or {}) if editing == t.pk else {}, posted if editing == t.pk else None)
                     for t in mine],
                defaults=[] if active else [t.title for t in DEFAULT_TEMPLATES
                                            if t.kind == kind and t.language == language]))
    new = new_posted or {}
    return {
        "groups": groups, "kinds": [(k, ex.in_language(*v)) for k, v in PROBLEM_KINDS.items()],
        "languages": [(code, str(language_labels.get(code, code))) for code in LANGUAGES],
        "placeholders": " ".join("{%s}" % p for p in PLACEHOLDERS),
        "new": {"kind": new.get("kind", ""), "language": new.get("language", ""), "title": new.get("title", ""),
                "body": new.get("body", ""), "position": new.get("position", "0")},
        "new_errors": new_errors or {}, "editing": editing,
        "page_title": _("Reply templates"), "nav": "config",
    }


@require_GET
@member_required(roles=OWNER_ROLES)
def replies(request):
    return render(request, "web/config/replies.html", _replies_context(request))


@require_POST
@member_required(roles=OWNER_ROLES)
def reply_save(request, template_id: int | None = None):
    from aftersales.cases import reply_settings

    try:
        template = reply_settings.save_template(request.organisation, who(request), request.POST, template_id)
    except ValidationFailed as exc:
        if template_id is None:
            context = _replies_context(request, new_posted=request.POST, new_errors=exc.fields)
        else:
            context = _replies_context(request, editing=template_id, posted=request.POST, errors=exc.fields)
        context["flash"] = [("error", _("Not saved: please correct the marked fields."))]
        return render(request, "web/config/replies.html", context, status=422)
    except NotFound:
        raise Http404(_("No such reply template")) from None
    except AftersalesError as exc:
        return error_response(request, exc)
    messages.success(request, _("Reply template saved: %(title)s") % {"title": template.title})
    return redirect(reverse("web:config-replies") + f"#kind-{template.kind}-{template.language}")
