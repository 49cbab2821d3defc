"""The team: how open cases are shared out, who is on it, and what agents may give away.

Use cases (each checks the role of `who`; assignment goes through services.assign_case, one
transaction and one timeline event per case):

    assign_many(org, who, case_ids, assignee)      the chosen cases to one member, or back to the pool
    round_robin(org, who, shop_id=None)            every unassigned open case (of a shop, or of all) to the
                                                   active agents, each to whoever has the fewest open cases
    add_member / change_member / set_member_active the owner's people settings; the last active owner stays
    check_compensation(who, amount, shop)          may this member offer a coupon/gift of this value?

Read side: `team_load(org, now)`, the open and overdue cases per member (one aggregate query).
The supervisor's figures are in cases/figures.py.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from aftersales.accounts.models import Membership, Role
from aftersales.cases import services
from aftersales.cases.models import Case
from aftersales.cases.permissions import ASSIGN_ANY_ROLES, Who
from aftersales.catalog.models import Shop
from aftersales.domain import lifecycle as lc
from aftersales.errors import AftersalesError, NotAllowed, NotFound, PermissionDenied, ValidationFailed

# Who round-robin gives cases to.  Supervisors and owners take cases by hand when they want them.
ROUND_ROBIN_ROLES = frozenset({Role.AGENT})
# Roles that work cases: listed on the team page even with nothing assigned.
WORKING_ROLES = frozenset({Role.AGENT, Role.SUPERVISOR, Role.OWNER, Role.WAREHOUSE})
# Who may give any coupon or gift, whatever the shop's limit for agents.
COMPENSATION_FREE_ROLES = frozenset({Role.OWNER, Role.SUPERVISOR})


def as_id(raw) -> int | None:
    """A row id from a form or a URL, or None when it cannot be one (not digits, or too large
    for the column: the database would raise instead of finding nothing)."""
    text = str(raw if raw is not None else "").strip()
    return int(text) if text.isdigit() and len(text) <= 18 else None


def _check_supervisor(who: Who) -> None:
    if who.actor == lc.Actor.SELLER and who.role not in ASSIGN_ANY_ROLES:
        raise PermissionDenied("only a supervisor or the owner shares out cases",
                               message_zh="只有主管或店主可以分配售后单")


def _check_owner(who: Who) -> None:
    if who.actor == lc.Actor.SELLER and who.role != Role.OWNER:
        raise PermissionDenied("only the owner manages the team's members", message_zh="只有店主可以管理成员")


# ---------------------------------------------------------------------------------------------
# Load

@dataclass(frozen=True)
class MemberLoad:
    membership: Membership
    open: int
    overdue: int


@dataclass(frozen=True)
class TeamLoad:
    members: list[MemberLoad]           # working members and anyone holding open cases, most loaded first
    unassigned: int
    unassigned_overdue: int
    unassigned_by_shop: dict[int, int]  # shop id -> unassigned open cases

    @property
    def open(self) -> int:
        return self.unassigned + sum(m.open for m in self.members)


def team_load(organisation, now: datetime) -> TeamLoad:
    # WHERE organisation=? AND is_open GROUP BY assignee_id, shop_id (the partial case_queue_idx)
    rows = (Case.objects.filter(organisation=organisation, is_open=True)
            .values("assignee_id", "shop_id")
            .annotate(n=Count("pk"), late=Count("pk", filter=Q(next_due_at__lte=now))))
    per_user: dict[int, list[int]] = {}
    unassigned = unassigned_late = 0
    by_shop: dict[int, int] = {}
    for r in rows:
        if r["assignee_id"] is None:
            unassigned += r["n"]
            unassigned_late += r["late"]
            by_shop[r["shop_id"]] = by_shop.get(r["shop_id"], 0) + r["n"]
        else:
            acc = per_user.setdefault(r["assignee_id"], [0, 0])
            acc[0] += r["n"]
            acc[1] += r["late"]
    members = (Membership.objects.filter(organisation=organisation).select_related("user")
               .filter(Q(active=True, role__in=WORKING_ROLES) | Q(user_id__in=list(per_user))))
    loads = [MemberLoad(m, *per_user.get(m.user_id, (0, 0))) for m in members]
    loads.sort(key=lambda m: (-m.open, -m.overdue, not m.membership.active, _name(m.membership.user)))
    return TeamLoad(loads, unassigned, unassigned_late, by_shop)


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()).lower()


# ---------------------------------------------------------------------------------------------
# Assignment

@dataclass
class Assigned:
    """What a bulk assignment did: cases given per user, and the cases it left alone with why."""

    given: dict[object, int] = field(default_factory=dict)   # user (None: the pool) -> cases
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (case id, reason in the reader's language)

    @property
    def total(self) -> int:
        return sum(self.given.values())


def assignable(organisation, user_id) -> Membership:
    """The active membership of `user_id` in this organisation, or ValidationFailed."""
    m = (Membership.objects.select_related("user")
         .filter(organisation=organisation, user_id=as_id(user_id), active=True, user__is_active=True).first()
         if as_id(user_id) is not None else None)
    if m is None:
        raise ValidationFailed.field("assignee", _("not an active member of this organisation"))
    return m


def assign_many(organisation, who: Who, case_ids, assignee_id) -> Assigned:
    """Give each chosen case to the member `assignee_id` ("" or None: back to the pool), one
    transaction each; a case another organisation owns, or one that fails, is reported, not fatal."""
    _check_supervisor(who)
    user = assignable(organisation, assignee_id).user if assignee_id not in (None, "", "nobody") else None
    result = Assigned()
    for case_id in dict.fromkeys(case_ids):                 # each once, in the order given
        try:
            services.assign_case(organisation, case_id, who, user)
        except AftersalesError as exc:
            result.skipped.append((case_id, _message(exc)))
        else:
            result.given[user] = result.given.get(user, 0) + 1
    return result


def round_robin(organisation, who: Who, *, shop_id=None) -> Assigned:
    """Every unassigned open case (of one shop, or of all), most urgent first, to the active agent
    with the fewest open cases at that moment; on a tie, the one who got a case longest ago, so
    that equal agents take turns.  Each case is its own transaction: the row is locked and still
    unassigned, else it is skipped (someone claimed it meanwhile)."""
    _check_supervisor(who)
    cases = Case.objects.filter(organisation=organisation, is_open=True, assignee__isnull=True)
    if shop_id not in (None, ""):
        if as_id(shop_id) is None or not Shop.objects.filter(organisation=organisation, pk=as_id(shop_id)).exists():
            raise NotFound(f"shop {shop_id} not found", message_zh=f"未找到店铺 {shop_id}")
        cases = cases.filter(shop_id=as_id(shop_id))
    agents = list(Membership.objects.select_related("user")
                  .filter(organisation=organisation, active=True, role__in=ROUND_ROBIN_ROLES, user__is_active=True)
                  .order_by("user_id"))
    if not agents:
        raise NotAllowed("there is no active agent to give cases to",
                         message_zh="没有可分配的在职客服")
    # One query for everybody's load: WHERE organisation=? AND is_open AND assignee IN (...) GROUP BY assignee
    load = dict(Case.objects.filter(organisation=organisation, is_open=True,
                                    assignee_id__in=[m.user_id for m in agents])
                .values("assignee_id").annotate(n=Count("pk")).values_list("assignee_id", "n"))
    turn = 0
    heap = []
    for m in sorted(agents, key=lambda m: (load.get(m.user_id, 0), m.user_id)):
        heap.append((load.get(m.user_id, 0), turn, m.user_id, m.user))
        turn += 1
    heapq.heapify(heap)
    result = Assigned()
    # the queue's order: most urgent first
    for case_id in list(cases.order_by("-priority", "id").values_list("pk", flat=True)):
        count, _turn, user_id, user = heap[0]
        try:
            with transaction.atomic():
                current = services.get_case(organisation, case_id, lock=True)
                if current.assignee_id is not None or not current.is_open:
                    result.skipped.append((case_id, _("taken or finished meanwhile")))
                    continue
                services.assign_case(organisation, case_id, who, user)
        except AftersalesError as exc:
            result.skipped.append((case_id, _message(exc)))
            continue
        turn += 1
        heapq.heapreplace(heap, (count + 1, turn, user_id, user))
        result.given[user] = result.given.get(user, 0) + 1
    return result


def _message(exc: AftersalesError) -> str:
    from django.utils.translation import get_language

    return exc.message_zh if (get_language() or "").startswith("zh") else exc.message


# ---------------------------------------------------------------------------------------------
# Compensation without approval

def check_compensation(who: Who, amount: Decimal | None, shop) -> None:
    """An agent (or the warehouse) may offer a coupon or gift worth up to the shop's
    `agent_compensation_limit` without a supervisor; owners and supervisors may offer any.  An
    offer without an amount is not checked here: the caller asks for one."""
    if who.actor != lc.Actor.SELLER or amount is None:
        return
    if who.role in COMPENSATION_FREE_ROLES:
        return
    limit = shop.agent_compensation_limit
    if Decimal(amount) > limit:
        raise PermissionDenied(
            f"a compensation of {amount} is above the {limit} agents may offer in {shop.name}; ask a supervisor",
            message_zh=f"补偿金额 {amount} 超过客服可自行给出的上限 {limit}（{shop.name}），请主管审批")


# ---------------------------------------------------------------------------------------------
# Members (the owner's people settings)

def _limit(raw) -> Decimal | None:
    from aftersales.catalog.services import _Bad, amount

    if raw is None or str(raw).strip() == "":
        return None
    try:
        return amount(raw)
    except _Bad as bad:
        raise ValidationFailed.field("refund_approval_limit", str(bad)) from None


def _role(raw) -> str:
    if raw not in Role.values:
        raise ValidationFailed.field("role", _("Choose a role."))
    return raw


def _membership(organisation, membership_id, *, lock: bool = False) -> Membership:
    qs = Membership.objects.select_related("user")
    if lock:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(organisation=organisation, pk=as_id(membership_id))
    except Membership.DoesNotExist:
        raise NotFound(f"member {membership_id} not found", message_zh=f"未找到成员 {membership_id}") from None


def _keep_an_owner(organisation, leaving: Membership) -> None:
    """Refuse to leave the organisation without an active owner (rows locked, so two owners
    demoting each other at once cannot both succeed)."""
    owners = list(Membership.objects.select_for_update()
                  .filter(organisation=organisation, role=Role.OWNER, active=True)
                  .values_list("pk", flat=True))
    if leaving.pk in owners and len(owners) == 1:
        raise NotAllowed("the organisation needs at least one active owner: make someone else owner first",
                         message_zh="组织至少需要一位在职店主：请先将他人设为店主")


def add_member(organisation, who: Who, *, username: str, password: str, role: str,
               refund_approval_limit=None, name: str = "", email: str = "") -> Membership:
    """A new user with a membership of this organisation.  The owner chooses a first password and
    gives it to the person (there is no e-mail invitation yet)."""
    _check_owner(who)
    User = get_user_model()
    errors: dict[str, list[str]] = {}
    username = (username or "").strip()
    if not username:
        errors["username"] = [_("This cannot be empty.")]
    else:
        try:
            User.username_validator(username)
        except ValidationError as exc:
            errors["username"] = list(exc.messages)
        else:
            if len(username) > 150:
                errors["username"] = [_("At most %(max)d characters.") % {"max": 150}]
            elif User.objects.filter(username__iexact=username).exists():
                errors["username"] = [_("This user name is taken; choose another.")]
    first, _sep, last = (name or "").strip().partition(" ")
    user = User(username=username, email=(email or "").strip(), first_name=first[:150], last_name=last[:150])
    if email and "@" not in email:
        errors["email"] = [_("Enter an e-mail address.")]
    try:
        validate_password(password or "", user)
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    if not password:
        errors["password"] = [_("This cannot be empty.")]
    for check, value in ((_role, role), (_limit, refund_approval_limit)):
        try:
            check(value)
        except ValidationFailed as exc:
            errors.update(exc.fields)
    if errors:
        raise ValidationFailed("please correct the marked fields: " + ", ".join(errors),
                               message_zh="请修改标出的字段：" + "、".join(errors), fields=errors)
    with transaction.atomic():
        user.set_password(password)
        user.save()
        return Membership.objects.create(user=user, organisation=organisation, role=role,
                                         refund_approval_limit=_limit(refund_approval_limit))


def change_member(organisation, who: Who, membership_id, *, role: str, refund_approval_limit=None) -> Membership:
    """Another role or refund approval limit for a member."""
    _check_owner(who)
    role, limit = _role(role), _limit(refund_approval_limit)
    with transaction.atomic():
        m = _membership(organisation, membership_id, lock=True)
        if m.role == Role.OWNER and role != Role.OWNER:
            _keep_an_owner(organisation, m)
        Membership.objects.filter(pk=m.pk).update(role=role, refund_approval_limit=limit)
    m.refresh_from_db()
    return m


@dataclass(frozen=True)
class MemberActive:
    membership: Membership
    released: int        # open cases given back to the pool (deactivation)


def set_member_active(organisation, who: Who, membership_id, active: bool) -> MemberActive:
    """Deactivate a member (they can no longer open this organisation; their open cases go back
    to the pool, one transaction and timeline event each) or take them back.  Nobody deactivates
    themselves, and the last active owner stays."""
    _check_owner(who)
    with transaction.atomic():
        m = _membership(organisation, membership_id, lock=True)
        if not active:
            if who.user is not None and m.user_id == who.user.pk:
                raise NotAllowed("you cannot deactivate yourself; ask another owner",
                                 message_zh="不能停用自己，请联系其他店主")
            _keep_an_owner(organisation, m)
        Membership.objects.filter(pk=m.pk).update(active=active)
    released = 0
    if not active:
        ids = list(Case.objects.filter(organisation=organisation, is_open=True, assignee_id=m.user_id)
                   .values_list("pk", flat=True))
        released = assign_many(organisation, who, ids, None).total if ids else 0
    m.refresh_from_db()
    return MemberActive(m, released)
