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
