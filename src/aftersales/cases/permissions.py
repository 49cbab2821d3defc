"""Who may do what: seller-side roles per action, and the refund approval limit.

The lifecycle table says which *actor* (buyer, seller, system, platform) may take a step; this
module says which *role* of the seller's team may take it on the seller's behalf.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from aftersales.accounts.models import Membership, Role
from aftersales.domain import lifecycle as lc
from aftersales.errors import PermissionDenied

A = lc.Action
_AGENT = frozenset({A.APPROVE, A.REJECT, A.OFFER, A.ACCEPT_OFFER, A.DECLINE_OFFER, A.SHIP_RETURN,
                    A.CONVERT_TO_REFUND, A.SHIP_TO_BUYER})
_WAREHOUSE = frozenset({A.CONFIRM_RECEIPT, A.REJECT_RECEIPT, A.SHIP_TO_BUYER, A.SHIP_RETURN})
ROLE_ACTIONS: dict[str, frozenset[lc.Action]] = {
    Role.OWNER: frozenset(lc.Action),
    Role.SUPERVISOR: frozenset(lc.Action),
    Role.AGENT: _AGENT,
    Role.WAREHOUSE: _WAREHOUSE,
    Role.FINANCE: frozenset(),
}
# Paying out money is a separate permission from deciding it (ANCHORS.md 8.7).
PAY_ROLES = frozenset({Role.OWNER, Role.FINANCE})
# Who may give a case to anyone; the other roles that work cases may only claim one for themselves.
ASSIGN_ANY_ROLES = frozenset({Role.OWNER, Role.SUPERVISOR})
CLAIM_ROLES = frozenset({Role.AGENT, Role.WAREHOUSE})
# Actions that commit the seller to paying money.
MONEY_ACTIONS = frozenset({A.APPROVE, A.CONVERT_TO_REFUND, A.ACCEPT_OFFER, A.CONFIRM_RECEIPT})
# Steps beside the lifecycle that move no main state (cases.requests, services.add_message): who
# of the seller's team takes them.  Finance and the warehouse do not write to buyers.
_ALL_ROLES = frozenset(Role)
DESK_ROLES: dict[str, frozenset[str]] = {
    "reply": frozenset({Role.OWNER, Role.SUPERVISOR, Role.AGENT}),
    "request_evidence": frozenset({Role.OWNER, Role.SUPERVISOR, Role.AGENT}),
    "escalate": frozenset({Role.OWNER, Role.SUPERVISOR, Role.AGENT}),
    "note": _ALL_ROLES,
}


@dataclass(frozen=True)
class Who:
    """The one acting: an actor, and for the seller side the user and role behind it."""

    actor: lc.Actor
    user: object | None = None
    role: str | None = None
    approval_limit: Decimal | None = None   # None: no limit

    def __post_init__(self):
        object.__setattr__(self, "actor", lc.Actor(self.actor))

    @classmethod
    def system(cls) -> "Who":
        return cls(lc.Actor.SYSTEM)

    @classmethod
    def platform(cls) -> "Who":
        return cls(lc.Actor.PLATFORM)

    @classmethod
    def buyer(cls) -> "Who":
        return cls(lc.Actor.BUYER)

    @classmethod
    def member(cls, membership: Membership) -> "Who":
        return cls(lc.Actor.SELLER, membership.user, membership.role, membership.refund_approval_limit)

    @property
    def label(self) -> str:
        if self.user is not None:
            return str(self.user)
        return self.actor.value


def check_action(who: Who, action: lc.Action, amount: Decimal | None) -> None:
    if who.actor != lc.Actor.SELLER:
        return
    role = who.role or Role.AGENT
    if action not in ROLE_ACTIONS.get(role, frozenset()):
        raise PermissionDenied(f"the {role} role may not {action.value.replace('_', ' ')}",
                               message_zh=f"角色 {role} 无权执行此操作")
    if (action in MONEY_ACTIONS and amount is not None and who.approval_limit is not None
            and amount > who.approval_limit):
        raise PermissionDenied(
            f"refund of {amount} is above your approval limit of {who.approval_limit}; ask a supervisor",
            message_zh=f"退款金额 {amount} 超过您的审批额度 {who.approval_limit}，请主管审批")


def check_desk(who: Who, step: str) -> None:
    """May `who` take one of the steps of DESK_ROLES (reply, request_evidence, escalate, note)?"""
    if who.actor != lc.Actor.SELLER:
        return
    role = who.role or Role.AGENT
    if role not in DESK_ROLES[step]:
        raise PermissionDenied(f"the {role} role may not {step.replace('_', ' ')}",
                               message_zh=f"角色 {role} 无权执行此操作")


def allowed_actions_for(case, role: str | None) -> list[str]:
    """What a member of `role` may do to `case` now: the lifecycle's seller moves this platform
    offers for the case type and this role may take, plus the money steps (`pay_refund`,
    `confirm_refund`) and `inspect` where they apply.  The API's `allowed_actions` and the
    workbench's buttons; the services check the same things again when the step is taken."""
    role = role or Role.AGENT
    role_actions = ROLE_ACTIONS.get(role, frozenset())
    case_type = lc.CaseType(case.case_type)
    out = [a.value for a in lc.allowed_actions(case.state, lc.Actor.SELLER, case.route)
           if not case.profile.refusal(case_type, a) and a in role_actions]
    if lc.Action.CONFIRM_RECEIPT.value in out and lc.Action.REJECT_RECEIPT in role_actions:
        out.append("inspect")
    if role in PAY_ROLES and case.state == lc.CaseState.REFUND_IN_PROGRESS:
        if case.refund_state == lc.RefundState.APPROVED:
            out.append("pay_refund")
        elif case.refund_state == lc.RefundState.PROCESSING:
            out.append("confirm_refund")
    return out


def desk_steps_for(case, role: str | None) -> list[str]:
    """The steps beside the lifecycle a member of `role` may take on `case` now (for buttons)."""
    role = role or Role.AGENT
    out = []
    if role in DESK_ROLES["reply"]:          # a finished case may still need an answer (a follow-up)
        out.append("reply")
    if case.is_open:
        if role in DESK_ROLES["request_evidence"]:
            out.append("request_evidence")
        if (role in DESK_ROLES["escalate"] and not case.profile.executes_timeouts
                and case.arbitration_state in (lc.ArbitrationState.NONE, lc.ArbitrationState.CANCELLED)):
            out.append("escalate")
    if role in DESK_ROLES["note"]:
        out.append("note")
    return out


def check_pay(who: Who) -> None:
    if who.actor == lc.Actor.SELLER and (who.role or Role.AGENT) not in PAY_ROLES:
        raise PermissionDenied("only finance or the owner may pay out refunds", message_zh="仅财务或店主可以打款")


def may_assign(who: Who, current_assignee_id: int | None, assignee) -> bool:
    """Owners and supervisors assign to anyone.  Agents and the warehouse claim a case that is
    unassigned (or already theirs) and give back their own; taking a colleague's case needs a
    supervisor.  Finance does not work cases.  The system and the platform may always assign."""
    if who.actor != lc.Actor.SELLER:
        return True
    role = who.role or Role.AGENT
    if role in ASSIGN_ANY_ROLES:
        return True
    if role not in CLAIM_ROLES or who.user is None:
        return False
    me = who.user.pk
    if assignee is not None and assignee.pk != me:
        return False
    return current_assignee_id in (None, me)


def check_assign(who: Who, current_assignee_id: int | None, assignee) -> None:
    if not may_assign(who, current_assignee_id, assignee):
        raise PermissionDenied("you may claim unassigned cases for yourself; a supervisor assigns the others",
                               message_zh="您只能认领未分配的售后单；分配给他人或改派请找主管")
