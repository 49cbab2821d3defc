"""The buyer portal's pages (no account: the buyer proves an order, or holds a case's link).

    /portal/                         find the order: order number + phone or e-mail (throttled)
    /portal/orders/<id>/             the order and the request form (only orders proved in this session)
    /portal/orders/<id>/policy/      htmx: the request's choices and what the policy says, on every change
    /portal/status/<token>/          the case's status page; its forms post to .../<step>/
    /portal/status/<token>/follow-up/   the follow-up's one click
    /portal/status/<token>/files/<id>/  a file the buyer sent, to the holder of the link only

Views read the request, call portal.services, and hand portal.present's data to the templates.
Errors of the services come back as the page with the message (the error's status code).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aftersales import clock
from aftersales.cases import explain as ex
from aftersales.cases.models import Evidence, Rating
from aftersales.domain import lifecycle as lc
from aftersales.errors import AftersalesError, ValidationFailed
from aftersales.orders.models import Order
from aftersales.portal import links, present, services, uploads
from aftersales.portal.forms import LookupForm, MessageForm, PickupForm, RatingForm, RequestForm, TrackingForm
from aftersales.portal.policy import for_case, preview
from aftersales.web import throttle
from aftersales.web.errors import message_of

SESSION_ORDERS = "portal.orders"
S = lc.CaseState


def _lang() -> str:
    return get_language() or settings.LANGUAGE_CODE


def _limits() -> tuple[throttle.Limit, throttle.Limit]:
    window = settings.PORTAL_LOOKUP_WINDOW_MINUTES * 60
    n = settings.PORTAL_LOOKUP_MAX_FAILURES
    return throttle.Limit("portal-lookup-ip", n, window), throttle.Limit("portal-lookup-order", n, window)


def _too_many(request):
    return render(request, "portal/error.html", {
        "title": _("Too many attempts"),
        "message": _("Too many attempts from here. Please wait %(minutes)d minutes and try again.")
        % {"minutes": settings.PORTAL_LOOKUP_WINDOW_MINUTES}}, status=429)


# ---------------------------------------------------------------------------------------------
# Finding the order

@require_http_methods(["GET", "POST"])
def lookup(request):
    by_ip, by_order = _limits()
    ip = throttle.client_ip(request)
    form = LookupForm(request.POST or None)
    found = []
    if request.method == "POST":
        number = (request.POST.get("order_number") or "").strip().upper()
        if throttle.over(by_ip, ip) or (number and throttle.over(by_order, number)):
            return _too_many(request)
        if form.is_valid():
            found = services.find_orders(form.cleaned_data["order_number"], form.cleaned_data["contact"])
            if not found:
                throttle.count(by_ip, ip)
                throttle.count(by_order, number)
                form.add_error(None, _("We found no order with this number and this phone or e-mail. "
                                       "Check both and try again."))
            else:
                known = set(request.session.get(SESSION_ORDERS, []))
                request.session[SESSION_ORDERS] = sorted(known | {o.pk for o in found})
                if len(found) == 1:
                    return redirect("portal:order", order_id=found[0].pk)
    return render(request, "portal/lookup.html", {"form": form, "found": found, "page_title": _("After-sales service")})


@require_POST
def leave(request):
    request.session.pop(SESSION_ORDERS, None)
    return redirect("portal:lookup")


def _order_or_404(request, order_id: int) -> Order:
    if order_id not in request.session.get(SESSION_ORDERS, []):
        raise Http404(_("Look the order up first"))
    order = Order.objects.select_related("shop", "buyer").filter(pk=order_id).first()
    if order is None:
        raise Http404(_("No such order"))
    return order


def _lines(order):
    return list(order.lines.select_related("sku__product").prefetch_related("protections").order_by("id"))


def _request_context(request, order, form, *, error: str = "") -> dict:
    lang = _lang()
    picks = form.picks() if form.is_bound and form.is_valid() else [
        (ol, form.fields[f"qty_{ol.pk}"].initial) for ol in form.lines if form.fields[f"qty_{ol.pk}"].initial]
    reason_code = (form.data.get("reason_code") if form.is_bound else "") or form.fields["reason_code"].choices[0][0]
    if reason_code not in dict(form.fields["reason_code"].choices):
        reason_code = form.fields["reason_code"].choices[0][0]
    view = preview(order, picks, form.chosen_type, reason_code, clock.now(), lang) if picks else None
    cases = [(c, links.link_for(c)) for c in order.cases.select_related("shop").order_by("-created_at")]
    return {"order": order, "form": form, "policy": view, "picks": picks, "cases": cases, "error": error,
            "own_store": order.shop.profile.executes_timeouts,
            "platform_name": ex.in_language(order.shop.profile.name_zh, order.shop.profile.name_en),
            "max_files": uploads.MAX_FILES, "page_title": _("Order %(number)s") % {"number": order.external_id}}


@require_http_methods(["GET", "POST"])
def order_page(request, order_id: int):
    order = _order_or_404(request, order_id)
    lines = _lines(order)
    lang = _lang()
    if request.method == "GET":
        form = RequestForm(order=order, lines=lines, lang=lang, initial={"nonce": secrets.token_urlsafe(16)})
        return render(request, "portal/order.html", _request_context(request, order, form))
    form = RequestForm(request.POST, order=order, lines=lines, lang=lang)
    if not form.is_valid():
        return render(request, "portal/order.html", _request_context(request, order, form), status=422)
    try:
        case = services.submit_request(services.RequestIn(
            order=order, picks=form.picks(), case_type=form.cleaned_data["case_type"],
            reason_code=form.cleaned_data["reason_code"], description=form.cleaned_data["description"],
            files=request.FILES.getlist("files"), nonce=form.cleaned_data["nonce"], language=lang))
    except AftersalesError as exc:
        file_errors = []
        for name, errors in exc.fields.items():
            for e in errors:
                if name in ("file", "files"):
                    file_errors.append(e)
                else:
                    form.add_error(name if name in form.fields else None, e)
        context = _request_context(request, order, form, error="" if exc.fields else message_of(exc))
        return render(request, "portal/order.html", {**context, "file_errors": file_errors}, status=exc.status)
    messages.success(request, _("Thank you: your request %(number)s is with the shop.") % {"number": case.number})
    return redirect("portal:status", token=links.link_for(case).token)


@require_POST
def policy_preview(request, order_id: int):
    """htmx: the choices part of the request form again, with the policy's answer for them."""
    order = _order_or_404(request, order_id)
    form = RequestForm(request.POST, order=order, lines=_lines(order), lang=_lang())
    form.is_valid()
    return render(request, "portal/partials/request_choices.html", _request_context(request, order, form))


# ---------------------------------------------------------------------------------------------
# The status page

def _link_or_404(request, token: str):
    by_ip, _by_order = _limits()
    ip = throttle.client_ip(request)
    if throttle.over(by_ip, ip):
        return None
    link = links.find(token)
    if link is None:
        throttle.count(by_ip, ip)   # someone trying tokens runs into the lookup's limit
        raise Http404(_("No such request"))
    return link


def status_context(request, link, **extra) -> dict:
    case = link.case
    lang = _lang()
    now_state = case.state
    own = case.profile.executes_timeouts
    follow_up = services.open_follow_up(case)
    rated = Rating.objects.filter(case=case).first()
    ctx = {
        "link": link, "case": case, "lang": lang, "own_store": own,
        "platform_name": ex.in_language(case.profile.name_zh, case.profile.name_en),
        "type_label": ex.in_language(*ex.CASE_TYPE_LABELS.get(case.case_type, (case.case_type,) * 2)),
        "created": present.when(case.created_at, case.shop.time_zone, lang),
        "stages": present.stages(case, lang), "now": present.situation(case, lang),
        "evidence_asked": present.evidence_asked(case, lang),
        "policy": for_case(case, case.created_at, lang), "timeline": present.timeline(case, lang),
        "files": present.buyer_files(case, link.token),
        "offers": present.offers(case, lang) if now_state == S.AWAITING_BUYER_RESPONSE else [],
        "return_info": present.return_info(case, lang) if now_state == S.AWAITING_BUYER_RETURN else None,
        "tracking_form": TrackingForm(region=case.shop.region, lang=lang) if now_state == S.AWAITING_BUYER_RETURN
        else None,
        "pickup_carrier": services.pickup_carrier(case.shop) if now_state == S.AWAITING_BUYER_RETURN else None,
        "can_cancel": own and case.is_open and lc.Action.CANCEL in lc.allowed_actions(case.state, lc.Actor.BUYER,
                                                                                      case.route),
        "can_confirm": own and now_state == S.AWAITING_BUYER_RECEIPT,
        "parcels_to_me": [present.parcel(ev.data.get("carrier", ""), ev.data.get("tracking_number", ""), lang)
                          for ev in case.events.filter(kind="transition", action=lc.Action.SHIP_TO_BUYER)],
        "refund_amount": present.money(case.approved_amount or case.requested_amount, case.currency, lang),
        "arrival": present.arrival(case, lang), "follow_up": follow_up,
        "rating": rated, "rating_form": RatingForm() if not rated and not case.is_open else None,
        "message_form": MessageForm(), "max_files": uploads.MAX_FILES,
        "page_title": _("Request %(number)s") % {"number": case.number},
    }
    if ctx["pickup_carrier"]:
        ctx["pickup_form"] = PickupForm(days=services.pickup_days(case.shop),
                                        initial={"phone": case.buyer.phone})
        ctx["pickup_name"] = ctx["pickup_carrier"].name(lang)
    ctx.update(extra)
    return ctx


@require_GET
def status(request, token: str):
    link = _link_or_404(request, token)
    if link is None:
        return _too_many(request)
    services.remember_language(link, _lang())
    return render(request, "portal/status.html", status_context(request, link))


def _form_error(exc: AftersalesError) -> str:
    """The field messages (in the buyer's language, portal/services.invalid), else the message."""
    if exc.fields:
        return "; ".join(m for ms in exc.fields.values() for m in ms)
    return message_of(exc)


def _version(request) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else None


def _step(request, link, step: str) -> str:
    """Take one step; the message to show afterwards."""
    post, version = request.POST, _version(request)
    if step == "offer":
        raw_offer, raw_sku = post.get("offer", ""), post.get("sku", "")
        if not raw_offer.isdigit():
            raise services.invalid("offer", "请选择一个方案", "choose an option")
        services.choose_offer(link, int(raw_offer), sku_id=int(raw_sku) if raw_sku.isdigit() else None,
                              version=version)
        return _("Thank you: your choice is with the shop.")
    if step == "decline":
        services.decline_offers(link, version)
        return _("The shop will take another look.")
    if step == "return":
        services.ship_return(link, post.get("carrier", ""), post.get("tracking_number", ""), version)
        return _("Thank you: the shop now waits for your parcel.")
    if step == "pickup":
        form = PickupForm(post, days=services.pickup_days(link.case.shop))
        if not form.is_valid():
            raise ValidationFailed("pickup", fields={k: [str(e) for e in v] for k, v in form.errors.items()},
                                   message_zh="请检查取件信息")
        d = form.cleaned_data
        services.book_pickup(link, d["day"], d["window"], d["address"], d["phone"])
        return _("Pickup requested: the shop confirms it with the courier.")
    if step == "received":
        services.confirm_delivery(link, version)
        return _("Thank you for confirming.")
    if step == "cancel":
        services.cancel(link, version)
        return _("Your request is withdrawn.")
    if step == "files":
        n = services.add_files(link, request.FILES.getlist("files"))
        return _("Files received: %(n)d.") % {"n": n}
    if step == "message":
        services.send_message(link, post.get("body", ""))
        return _("Your message is with the shop.")
    if step == "rating":
        form = RatingForm(post)
        if not form.is_valid():
            raise services.invalid("score", "请选择 1 到 5 星", "choose from 1 to 5 stars")
        services.rate(link, form.cleaned_data["score"], form.cleaned_data["comment"])
        return _("Thank you for your rating.")
    raise Http404(step)


STEPS = ("offer", "decline", "return", "pickup", "received", "cancel", "files", "message", "rating")
INLINE_ERRORS = ("return", "files", "message")     # shown beside their form, not at the top


@require_POST
def act(request, token: str, step: str):
    link = _link_or_404(request, token)
    if link is None:
        return _too_many(request)
    if step not in STEPS:
        raise Http404(step)
    try:
        note = _step(request, link, step)
    except AftersalesError as exc:
        link.case.refresh_from_db()
        extra = {"error": _form_error(exc), "failed_step": step, "error_inline": step in INLINE_ERRORS}
        if step == "return" and link.case.state == S.AWAITING_BUYER_RETURN:   # keep what was typed
            extra["tracking_form"] = TrackingForm(request.POST, region=link.case.shop.region, lang=_lang())
        return render(request, "portal/status.html", status_context(request, link, **extra), status=exc.status)
    messages.success(request, note)
    return redirect(reverse("portal:status", args=[token]) + f"#{step}")


@require_http_methods(["GET", "POST"])
def follow_up(request, token: str):
    """Links in messages only open this page (mail scanners open links); the answer is one click here."""
    link = _link_or_404(request, token)
    if link is None:
        return _too_many(request)
    case = link.case
    fu = services.open_follow_up(case)
    ctx = {"link": link, "case": case, "follow_up": fu, "chosen": request.GET.get("answer", ""),
           "rated": Rating.objects.filter(case=case).exists(), "rating_form": RatingForm(),
           "page_title": _("How did we do?")}
    if request.method == "POST":
        answer = request.POST.get("answer")
        if answer not in ("yes", "no"):
            ctx["error"] = _("Choose satisfied or not satisfied.")
            return render(request, "portal/follow_up.html", ctx, status=422)
        try:
            ctx["follow_up"] = services.answer_follow_up(link, answer == "yes", request.POST.get("comment", ""))
        except AftersalesError as exc:
            ctx["error"] = message_of(exc)
            return render(request, "portal/follow_up.html", ctx, status=exc.status)
        ctx["thanks"] = True
    return render(request, "portal/follow_up.html", ctx)


@require_GET
def evidence_file(request, token: str, evidence_id: int):
    """A file the buyer sent with this case, to the holder of its link; nothing else."""
    link = _link_or_404(request, token)
    if link is None:
        return _too_many(request)
    item = Evidence.objects.filter(case_id=link.case_id, pk=evidence_id, uploaded_by=lc.Actor.BUYER).first()
    if item is None:
        raise Http404(_("No such file"))
    response = FileResponse(item.file.open("rb"), content_type=item.content_type, filename=item.original_name,
                            as_attachment=not item.content_type.startswith(("image/", "video/")))
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; media-src 'self'; sandbox"
    return response
