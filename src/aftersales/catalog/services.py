"""Changing a shop's settings (the owner's configuration pages; any other face calls the same).

    update_details(org, shop_id, who, data, expected_version)    name, return address, time zone, calendar
    update_policy(org, shop_id, who, data, expected_version)     the ten policy values
    update_channels(org, shop_id, who, weights, colours)         queue weight and label colour per channel
    update_compensation_limit(org, shop_id, who, value)          the largest coupon/gift an agent may offer

Every use case reads all the values first and checks each one (all the messages at once, keyed by
field, in the reader's language); only when every value is good does it write, in one conditional
UPDATE, so nothing is ever half saved.  `data` holds raw values as a form posts them (strings), or
typed ones; a field that is absent is left as it is, so a form posts every field it shows (a
checkbox comes with a hidden "0" before it).

`policy_version` goes up by one on every change of a value the policy evaluation reads
(scoring.shop_policy, and the time zone and calendar its day counts use), and the update is
conditional on the version the form was loaded with: two owners saving at once cannot overwrite
each other unseen (the second gets a Conflict).  The channel weights and colours and the
compensation limit are not part of the stored policy; a weight change re-scores the shop's open
cases so that the queue follows at once.

Only the owner may change a shop (`check_owner`).
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import holidays as holiday_tables
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.accounts.models import Role
from aftersales.catalog.models import CHANNEL_COLOURS, DEFAULT_CHANNEL_COLOURS, Shop
from aftersales.domain.priority import DEFAULT_CHANNEL_WEIGHTS, MAX_CHANNEL_POINTS, ChannelWeights
from aftersales.errors import Conflict, NotFound, PermissionDenied, ValidationFailed

MAX_AMOUNT = Decimal("9999999999.99")           # the columns' 12 digits with 2 decimals
MAX_CATEGORIES = 200
RESCORE_BATCH = 500


def check_owner(who) -> None:
    """Shop settings are the owner's.  `who` is a cases.permissions.Who; the system (CLI, jobs) may too."""
    if who.actor != "seller":       # lc.Actor.SELLER (a StrEnum); the system and the platform pass
        return
    if who.role != Role.OWNER:
        raise PermissionDenied("only the shop owner may change the shop's settings",
                               message_zh="只有店主可以修改店铺设置")


def get_shop(organisation, shop_id, *, lock: bool = False) -> Shop:
    qs = Shop.objects.select_for_update() if lock else Shop.objects
    text = str(shop_id if shop_id is not None else "").strip()
    try:
        if not (text.isdigit() and len(text) <= 18):     # not an id, or too large for the column
            raise Shop.DoesNotExist
        return qs.get(organisation=organisation, pk=int(text))
    except Shop.DoesNotExist:
        raise NotFound(f"shop {shop_id} not found", message_zh=f"未找到店铺 {shop_id}") from None


@dataclass(frozen=True)
class ShopChange:
    shop: Shop                      # as saved
    changed: tuple[str, ...]        # the fields whose value changed (empty: nothing to save)
    bumped: bool                    # policy_version went up


# ---------------------------------------------------------------------------------------------
# Reading one value.  Each parser returns the value or raises _Bad with the message to show.

class _Bad(Exception):
    pass


def _text(raw) -> str:
    return "" if raw is None else str(raw).strip()


def whole_number(lo: int, hi: int) -> Callable[[Any], int]:
    def parse(raw) -> int:
        if isinstance(raw, bool):
            raise _Bad(_("Enter a whole number."))
        if isinstance(raw, int):
            value = raw
        else:
            text = _text(raw)
            if not text:
                raise _Bad(_("Enter a number."))
            if not re.fullmatch(r"[+-]?\d+", text):
                raise _Bad(_("Enter a whole number, without decimals or units."))
            value = int(text)
        if value < 0 <= lo:
            raise _Bad(_("Cannot be negative."))
        if value < lo:
            raise _Bad(_("Must be at least %(min)d.") % {"min": lo})
        if value > hi:
            raise _Bad(_("Must be at most %(max)d.") % {"max": hi})
        return value
    return parse


def amount(raw) -> Decimal:
    if isinstance(raw, bool):
        raise _Bad(_("Enter an amount, such as 199.00."))
    text = _text(raw).replace(",", "")
    if not text:
        raise _Bad(_("Enter an amount, such as 199.00."))
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise _Bad(_("Enter an amount, such as 199.00.")) from None
    if not value.is_finite():
        raise _Bad(_("Enter an amount, such as 199.00."))
    if value < 0:
        raise _Bad(_("Cannot be negative."))
    if value != value.quantize(Decimal("0.01")):
        raise _Bad(_("At most two decimal places."))
    if value > MAX_AMOUNT:
        raise _Bad(_("That amount is too large."))
    return value.quantize(Decimal("0.01"))


def yes_no(raw) -> bool:
    if isinstance(raw, bool):
        return raw
    text = _text(raw).lower()
    if text in ("1", "true", "on", "yes"):
        return True
    if text in ("0", "false", "off", "no", ""):
        return False
    raise _Bad(_("Choose yes or no."))


def category_list(raw) -> list[str]:
    """Categories as a list, or as text separated by commas (also Chinese ones) or new lines."""
    items = raw if isinstance(raw, (list, tuple)) else re.split(r"[,，、;；\n]+", _text(raw))
    out: list[str] = []
    for item in items:
        name = _text(item)
        if not name or name in out:
            continue
        if len(name) > 100:
            raise _Bad(_("A category name has at most 100 characters."))
        out.append(name)
    if len(out) > MAX_CATEGORIES:
        raise _Bad(_("At most %(max)d categories.") % {"max": MAX_CATEGORIES})
    return out


def short_text(max_length: int, *, required: bool = False, pattern: str = "",
               pattern_message=None) -> Callable[[Any], str]:
    def parse(raw) -> str:
        text = _text(raw)
        if required and not text:
            raise _Bad(_("This cannot be empty."))
        if len(text) > max_length:
            raise _Bad(_("At most %(max)d characters.") % {"max": max_length})
        if text and pattern and not re.fullmatch(pattern, text):
            raise _Bad(str(pattern_message))
        return text
    return parse


def time_zone(raw) -> str:
    text = _text(raw)
    if text not in zoneinfo.available_timezones():
        raise _Bad(_("Not a time zone; use a name such as Asia/Shanghai or America/Los_Angeles."))
    return text


def calendar(raw) -> str:
    text = _text(raw).upper()
    if text and text != "CN" and text not in holiday_tables.list_supported_countries():
        raise _Bad(_("Use CN, another two-letter country code (US, GB, …), or leave it empty for the "
                     "platform's calendar."))
    return text


# Field -> parser.  The policy's limits: day counts a shop may sensibly promise; 0 switches a
# promise off where the timers read 0 as "no promise" (timers._promises, first_reply_deadline).
POLICY_FIELDS: dict[str, Callable[[Any], Any]] = {
    "no_reason_days": whole_number(0, 365),
    "quality_exchange_days": whole_number(0, 365),
    "excluded_categories": category_list,
    "vip_spend_threshold": amount,
    "auto_approve_unshipped_refund": yes_no,
    "auto_approve_small_return_max": amount,
    "first_reply_hours": whole_number(0, 720),
    "review_business_days": whole_number(0, 60),
    "refund_within_days": whole_number(0, 90),
    "followup_days": whole_number(1, 90),      # services read 0 as "the default, 3": say so by refusing it
}
DETAIL_FIELDS: dict[str, Callable[[Any], Any]] = {
    "name": short_text(200, required=True),
    "return_contact": short_text(100),
    "return_phone": short_text(40, pattern=r"[0-9+()\-\s]+",
                               pattern_message=gettext_lazy("Digits, spaces and + - ( ) only.")),
    "return_address": short_text(1000),
    "time_zone": time_zone,
    "business_calendar": calendar,
}
# Details the policy evaluation depends on: a change bumps policy_version like a policy value.
POLICY_BEARING_DETAILS = frozenset({"time_zone", "business_calendar"})


def _read(fields: Mapping[str, Callable[[Any], Any]], data: Mapping[str, Any]) -> dict[str, Any]:
    """Every present field parsed; all the problems at once as ValidationFailed."""
    values, errors = {}, {}
    for name, parse in fields.items():
        if name not in data:
            continue
        try:
            values[name] = parse(data[name])
        except _Bad as bad:
            errors[name] = [str(bad)]
    if errors:
        raise _invalid(errors)
    return values


def _invalid(errors: dict[str, list[str]]) -> ValidationFailed:
    return ValidationFailed("please correct the marked fields: " + ", ".join(errors),
                            message_zh="请修改标出的字段：" + "、".join(errors), fields=errors)


def _changes(shop: Shop, values: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in values.items() if getattr(shop, name) != value}


def _write(organisation, shop_id, who, values: dict[str, Any], *, bump_fields: frozenset[str] | set[str],
           expected_version: int | None) -> ShopChange:
    """One conditional UPDATE of the changed values; +1 on policy_version when one of `bump_fields`
    changed, provided the version is still the one the form was loaded with."""
    check_owner(who)
    with transaction.atomic():
        shop = get_shop(organisation, shop_id, lock=True)
        changes = _changes(shop, values)
        if not changes:
            return ShopChange(shop, (), False)
        bump = bool(set(changes) & set(bump_fields))
        qs = Shop.objects.filter(pk=shop.pk, organisation=organisation)
        if bump:
            if expected_version is not None and int(expected_version) != shop.policy_version:
                raise Conflict(f"the policy of {shop.name} changed since you loaded it "
                               f"(now version {shop.policy_version}); reload and try again",
                               message_zh=f"{shop.name} 的政策已被他人修改（当前版本 {shop.policy_version}），"
                                          "请刷新后重试")
            qs = qs.filter(policy_version=shop.policy_version)
            updated = qs.update(**changes, policy_version=F("policy_version") + 1)
        else:
            updated = qs.update(**changes)
        if updated != 1:     # cannot happen under the row lock; refuse rather than guess
            raise Conflict(f"{shop.name} changed while saving; reload and try again",
                           message_zh=f"{shop.name} 保存时被他人修改，请刷新后重试")
    shop.refresh_from_db()
    return ShopChange(shop, tuple(changes), bump)


def _expected(raw) -> int | None:
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise ValidationFailed.field("policy_version", "not a version number") from None


# ---------------------------------------------------------------------------------------------
# Use cases

def update_details(organisation, shop_id, who, data: Mapping[str, Any], *,
                   expected_version=None) -> ShopChange:
    """Name, return contact / phone / address, time zone, business calendar."""
    check_owner(who)
    get_shop(organisation, shop_id)                     # another organisation's shop: NotFound first
    values = _read(DETAIL_FIELDS, data)
    return _write(organisation, shop_id, who, values, bump_fields=POLICY_BEARING_DETAILS,
                  expected_version=_expected(expected_version))


def update_policy(organisation, shop_id, who, data: Mapping[str, Any], *, expected_version=None) -> ShopChange:
    """The policy values (POLICY_FIELDS); any change bumps policy_version."""
    check_owner(who)
    get_shop(organisation, shop_id)
    values = _read(POLICY_FIELDS, data)
    return _write(organisation, shop_id, who, values, bump_fields=frozenset(POLICY_FIELDS),
                  expected_version=_expected(expected_version))


def update_compensation_limit(organisation, shop_id, who, value) -> ShopChange:
    check_owner(who)
    get_shop(organisation, shop_id)
    values = _read({"agent_compensation_limit": amount}, {"agent_compensation_limit": value})
    return _write(organisation, shop_id, who, values, bump_fields=frozenset(), expected_version=None)


def channel_names() -> list[str]:
    """The channels a shop can weigh and colour: the case channels, then any the priority table adds."""
    from aftersales.cases.models import Channel

    names = list(Channel.values)
    return names + [n for n in DEFAULT_CHANNEL_WEIGHTS if n not in names]


def update_channels(organisation, shop_id, who, weights: Mapping[str, Any],
                    colours: Mapping[str, Any]) -> ShopChange:
    """Queue weight (0..MAX_CHANNEL_POINTS; blank: the default) and label colour ("" : the default)
    per channel.  Only values that differ from the defaults are stored.  A weight change re-scores
    the shop's open cases."""
    check_owner(who)
    get_shop(organisation, shop_id)
    known = channel_names()
    errors: dict[str, list[str]] = {}
    parse = whole_number(0, MAX_CHANNEL_POINTS)
    new_weights: dict[str, int] = {}
    for name, raw in weights.items():
        if name not in known:
            errors[f"weight_{name}"] = [_("Unknown channel.")]
            continue
        if _text(raw) == "":
            continue
        try:
            value = parse(raw)
        except _Bad as bad:
            errors[f"weight_{name}"] = [str(bad)]
            continue
        if value != DEFAULT_CHANNEL_WEIGHTS.get(name, 0):
            new_weights[name] = value
    new_colours: dict[str, str] = {}
    for name, raw in colours.items():
        colour = _text(raw).lower()
        if name not in known:
            errors[f"colour_{name}"] = [_("Unknown channel.")]
        elif colour and colour not in CHANNEL_COLOURS:
            errors[f"colour_{name}"] = [_("Choose one of the colours listed.")]
        elif colour and colour != DEFAULT_CHANNEL_COLOURS.get(name, "none"):
            new_colours[name] = colour
    if not errors:
        try:            # the domain's own rule, so that a stored table always scores
            ChannelWeights.overriding(new_weights)
        except ValueError as exc:
            errors["channel_weights"] = [str(exc)]
    if errors:
        raise _invalid(errors)
    shop = get_shop(organisation, shop_id)
    values = {}
    if weights:
        # channels not posted keep what they had
        values["channel_weights"] = {**{k: v for k, v in (shop.channel_weights or {}).items() if k not in weights},
                                     **new_weights}
    if colours:
        values["channel_colours"] = {**{k: v for k, v in (shop.channel_colours or {}).items() if k not in colours},
                                     **new_colours}
    change = _write(organisation, shop_id, who, values, bump_fields=frozenset(), expected_version=None)
    if "channel_weights" in change.changed:
        rescore_open_cases(change.shop)
    return change


def rescore_open_cases(shop: Shop) -> int:
    """Recompute the priority of the shop's open cases (after its channel weights changed), a batch
    at a time, each batch its own transaction (two queries a batch: scoring.rescore_many)."""
    from aftersales import clock
    from aftersales.cases.models import Case
    from aftersales.cases.scoring import rescore_many

    now, last_id, done = clock.now(), 0, 0
    while True:
        # WHERE organisation=? AND shop=? AND is_open (case_queue_shop_idx), by id for the batches
        batch = list(Case.objects.filter(organisation_id=shop.organisation_id, shop=shop, is_open=True,
                                         pk__gt=last_id).select_related("shop").order_by("pk")[:RESCORE_BATCH])
        if not batch:
            return done
        with transaction.atomic():
            rescore_many(batch, now)
        last_id, done = batch[-1].pk, done + len(batch)
