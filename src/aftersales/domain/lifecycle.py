"""The one after-sales lifecycle that every platform maps onto.

A case has one *main* state (who must act next) and separate sub-states for the
refund, the return logistics and the platform's arbitration (PLATFORMS.md 6.1).
Every move of the main state goes through `transition()`, which reads the one
table below and refuses anything else with `IllegalTransition`.

Some actions lead to different states depending on how the case is resolved
(an approved refund-only request waits for the money, an approved return waits
for the parcel).  That is the case's `Route`, derived from its type and, once a
counter-offer is accepted, from the offer.

Pure Python: no Django import.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class CaseType(enum.StrEnum):
    CANCEL_PRE_SHIPMENT = "cancel_pre_shipment"   # refund before shipment (Douyin 2, TikTok cancellation)
    REFUND_ONLY = "refund_only"                   # refund, goods stay with the buyer
    RETURN_REFUND = "return_refund"
    EXCHANGE = "exchange"
    REPAIR = "repair"
    RESHIP = "reship"                             # resend missing item/parts (Douyin 7 补寄)
    PRICE_PROTECTION = "price_protection"         # 价保 / 退差
    COMPLAINT = "complaint"
    OTHER = "other"


class CaseState(enum.StrEnum):
    AWAITING_SELLER_REVIEW = "awaiting_seller_review"
    SELLER_REJECTED = "seller_rejected"
    AWAITING_BUYER_RESPONSE = "awaiting_buyer_response"
    AWAITING_BUYER_RETURN = "awaiting_buyer_return"
    AWAITING_RECEIPT_REVIEW = "awaiting_receipt_review"
    RECEIPT_REJECTED = "receipt_rejected"
    AWAITING_SELLER_SHIPMENT = "awaiting_seller_shipment"
    AWAITING_BUYER_RECEIPT = "awaiting_buyer_receipt"
    REFUND_IN_PROGRESS = "refund_in_progress"
    COMPLETED = "completed"
    CLOSED = "closed"
    UNKNOWN = "unknown"  # a platform value we cannot map yet; kept with a warning

    @property
    def is_terminal(self) -> bool:
        return self in TERMINAL_STATES


TERMINAL_STATES = frozenset({CaseState.COMPLETED, CaseState.CLOSED})
OPEN_STATES = frozenset(s for s in CaseState if s not in TERMINAL_STATES)


class CloseReason(enum.StrEnum):
    NONE = ""
    BUYER_CANCELLED = "buyer_cancelled"
    BUYER_TIMEOUT = "buyer_timeout"
    SELLER_WON = "seller_won"
    CONVERTED = "converted"
    SYSTEM = "system"


class RefundState(enum.StrEnum):
    NONE = "none"
    APPROVED = "approved"        # decided, not yet paid
    PROCESSING = "processing"    # money on its way
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CLAWED_BACK = "clawed_back"


class ReturnState(enum.StrEnum):
    NONE = "none"
    AWAITING_SHIPMENT = "awaiting_shipment"
    IN_TRANSIT = "in_transit"
    DELIVERED = "delivered"
    INSPECTED = "inspected"
    LOST = "lost"


class ArbitrationState(enum.StrEnum):
    NONE = "none"
    REQUESTED = "requested"
    NEGOTIATION = "negotiation"
    AWAITING_SELLER_EVIDENCE = "awaiting_seller_evidence"
    IN_REVIEW = "in_review"
    FOR_BUYER = "for_buyer"
    FOR_SELLER = "for_seller"
    CANCELLED = "cancelled"


class Actor(enum.StrEnum):
    BUYER = "buyer"
    SELLER = "seller"        # a person of the merchant's team (role checked separately)
    SYSTEM = "system"        # our own automation: policies, the deadline sweep
    PLATFORM = "platform"    # the marketplace, through its webhook or sync


class Route(enum.StrEnum):
    """How a case is resolved once approved."""

    REFUND = "refund"                      # money back, nothing comes back
    RETURN_THEN_REFUND = "return_refund"
    RETURN_THEN_SHIP = "return_ship"       # exchange, repair
    SHIP = "ship"                          # reship, replacement without return
    NONE = "none"                          # complaint answered, compensation given


ROUTE_BY_TYPE: dict[CaseType, Route] = {
    CaseType.CANCEL_PRE_SHIPMENT: Route.REFUND,
    CaseType.REFUND_ONLY: Route.REFUND,
    CaseType.PRICE_PROTECTION: Route.REFUND,
    CaseType.RETURN_REFUND: Route.RETURN_THEN_REFUND,
    CaseType.EXCHANGE: Route.RETURN_THEN_SHIP,
    CaseType.REPAIR: Route.RETURN_THEN_SHIP,
    CaseType.RESHIP: Route.SHIP,
    CaseType.COMPLAINT: Route.NONE,
    CaseType.OTHER: Route.NONE,
}


def route_for(case_type: CaseType | str) -> Route:
    return ROUTE_BY_TYPE[CaseType(case_type)]


class Action(enum.StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    OFFER = "offer"                      # counter-offer (partial refund, coupon, exchange instead)
    ACCEPT_OFFER = "accept_offer"
    DECLINE_OFFER = "decline_offer"
    MODIFY = "modify"                    # buyer re-applies after a rejection
    SHIP_RETURN = "ship_return"          # buyer (or agent for them) fills the return tracking
    CONVERT_TO_REFUND = "convert_to_refund"  # refund without the goods coming back
    CONFIRM_RECEIPT = "confirm_receipt"  # return arrived and passed inspection
    REJECT_RECEIPT = "reject_receipt"
    SHIP_TO_BUYER = "ship_to_buyer"      # exchange / repaired item / reship sent out
    CONFIRM_DELIVERY = "confirm_delivery"
    REFUND_SUCCEEDED = "refund_succeeded"
    RULED_FOR_BUYER = "ruled_for_buyer"  # platform arbitration outcome
    RULED_FOR_SELLER = "ruled_for_seller"
    CANCEL = "cancel"                    # buyer withdraws
    CLOSE = "close"                      # timeout or platform closes the case


_TARGET_BY_ROUTE = {
    Route.REFUND: CaseState.REFUND_IN_PROGRESS,
    Route.RETURN_THEN_REFUND: CaseState.AWAITING_BUYER_RETURN,
    Route.RETURN_THEN_SHIP: CaseState.AWAITING_BUYER_RETURN,
    Route.SHIP: CaseState.AWAITING_SELLER_SHIPMENT,
    Route.NONE: CaseState.COMPLETED,
}
# A platform ruling for the buyer: money for money cases, the goods for exchange/repair/reship.
_RULED_FOR_BUYER_BY_ROUTE = {
    Route.REFUND: CaseState.REFUND_IN_PROGRESS,
    Route.RETURN_THEN_REFUND: CaseState.REFUND_IN_PROGRESS,
    Route.RETURN_THEN_SHIP: CaseState.AWAITING_SELLER_SHIPMENT,
    Route.SHIP: CaseState.AWAITING_SELLER_SHIPMENT,
    Route.NONE: CaseState.COMPLETED,
}
_AFTER_RECEIPT_BY_ROUTE = {
    Route.RETURN_THEN_REFUND: CaseState.REFUND_IN_PROGRESS,
    Route.RETURN_THEN_SHIP: CaseState.AWAITING_SELLER_SHIPMENT,
}


@dataclass(frozen=True)
class Rule:
    """One row of the transition table."""

    sources: frozenset[CaseState]
    action: Action
    actors: frozenset[Actor]
    target: CaseState | None = None                    # fixed target, or
    target_by_route: dict[Route, CaseState] | None = None  # a target that depends on the route
    close_reason: CloseReason = CloseReason.NONE
    needs_reason: bool = False                         # a rejection must say why

    def target_for(self, route: Route) -> CaseState | None:
        if self.target is not None:
            return self.target
        assert self.target_by_route is not None
        return self.target_by_route.get(route)


def _rule(sources, action, actors, **kw) -> Rule:
    return Rule(frozenset(sources), action, frozenset(actors), **kw)


S = CaseState
A = Actor
_OPEN_BEFORE_MONEY = {
    S.AWAITING_SELLER_REVIEW, S.SELLER_REJECTED, S.AWAITING_BUYER_RESPONSE,
    S.AWAITING_BUYER_RETURN, S.RECEIPT_REJECTED, S.UNKNOWN,
}

TRANSITIONS: tuple[Rule, ...] = (
    _rule({S.AWAITING_SELLER_REVIEW}, Action.APPROVE, {A.SELLER, A.SYSTEM, A.PLATFORM},
          target_by_route=_TARGET_BY_ROUTE),
    _rule({S.AWAITING_SELLER_REVIEW}, Action.REJECT, {A.SELLER, A.PLATFORM},
          target=S.SELLER_REJECTED, needs_reason=True),
    _rule({S.AWAITING_SELLER_REVIEW, S.SELLER_REJECTED, S.RECEIPT_REJECTED}, Action.OFFER,
          {A.SELLER}, target=S.AWAITING_BUYER_RESPONSE),
    _rule({S.AWAITING_BUYER_RESPONSE}, Action.ACCEPT_OFFER, {A.BUYER, A.SELLER, A.PLATFORM},
          target_by_route=_TARGET_BY_ROUTE),
    _rule({S.AWAITING_BUYER_RESPONSE}, Action.DECLINE_OFFER, {A.BUYER, A.SELLER, A.PLATFORM},
          target=S.AWAITING_SELLER_REVIEW),
    _rule({S.SELLER_REJECTED}, Action.MODIFY, {A.BUYER, A.PLATFORM},
          target=S.AWAITING_SELLER_REVIEW),
    _rule({S.AWAITING_BUYER_RETURN}, Action.SHIP_RETURN, {A.BUYER, A.SELLER, A.PLATFORM},
          target=S.AWAITING_RECEIPT_REVIEW),
    _rule({S.AWAITING_SELLER_REVIEW, S.AWAITING_BUYER_RETURN, S.AWAITING_RECEIPT_REVIEW,
           S.RECEIPT_REJECTED}, Action.CONVERT_TO_REFUND, {A.SELLER, A.PLATFORM},
          target=S.REFUND_IN_PROGRESS),
    _rule({S.AWAITING_RECEIPT_REVIEW}, Action.CONFIRM_RECEIPT, {A.SELLER, A.SYSTEM, A.PLATFORM},
          target_by_route=_AFTER_RECEIPT_BY_ROUTE),
    _rule({S.AWAITING_RECEIPT_REVIEW}, Action.REJECT_RECEIPT, {A.SELLER, A.PLATFORM},
          target=S.RECEIPT_REJECTED, needs_reason=True),
    _rule({S.AWAITING_SELLER_SHIPMENT}, Action.SHIP_TO_BUYER, {A.SELLER, A.PLATFORM},
          target=S.AWAITING_BUYER_RECEIPT),
    _rule({S.AWAITING_BUYER_RECEIPT}, Action.CONFIRM_DELIVERY, {A.BUYER, A.SYSTEM, A.PLATFORM},
          target=S.COMPLETED),
    _rule({S.REFUND_IN_PROGRESS}, Action.REFUND_SUCCEEDED, {A.SYSTEM, A.PLATFORM},
          target=S.COMPLETED),
    _rule({S.AWAITING_SELLER_REVIEW, S.SELLER_REJECTED, S.AWAITING_RECEIPT_REVIEW,
           S.RECEIPT_REJECTED, S.UNKNOWN}, Action.RULED_FOR_BUYER, {A.PLATFORM},
          target_by_route=_RULED_FOR_BUYER_BY_ROUTE),
    _rule({S.SELLER_REJECTED, S.RECEIPT_REJECTED, S.UNKNOWN}, Action.RULED_FOR_SELLER,
          {A.PLATFORM}, target=S.CLOSED, close_reason=CloseReason.SELLER_WON),
    _rule(_OPEN_BEFORE_MONEY | {S.AWAITING_RECEIPT_REVIEW}, Action.CANCEL, {A.BUYER, A.PLATFORM},
          target=S.CLOSED, close_reason=CloseReason.BUYER_CANCELLED),
    # Closing while the buyer is to act is the buyer's timeout; otherwise the platform or system closed it.
    _rule(_OPEN_BEFORE_MONEY - {S.AWAITING_SELLER_REVIEW, S.UNKNOWN}, Action.CLOSE, {A.SYSTEM, A.PLATFORM},
          target=S.CLOSED, close_reason=CloseReason.BUYER_TIMEOUT),
    _rule({S.AWAITING_SELLER_REVIEW, S.UNKNOWN}, Action.CLOSE, {A.SYSTEM, A.PLATFORM},
          target=S.CLOSED, close_reason=CloseReason.SYSTEM),
)

_BY_KEY: dict[tuple[CaseState, Action], Rule] = {}
for _r in TRANSITIONS:
    for _s in _r.sources:
        assert (_s, _r.action) not in _BY_KEY, f"two rules for {_s} + {_r.action}"
        _BY_KEY[(_s, _r.action)] = _r


class IllegalTransition(Exception):
    """The action is not allowed from this state, for this actor or this route."""

    def __init__(self, state: CaseState, action: Action, actor: Actor, why: str):
        self.state, self.action, self.actor, self.why = state, action, actor, why
        super().__init__(f"{action} by {actor} not allowed in {state}: {why}")


@dataclass(frozen=True)
class Move:
    source: CaseState
    target: CaseState
    action: Action
    actor: Actor
    close_reason: CloseReason
    needs_reason: bool


def transition(state: CaseState | str, action: Action | str, actor: Actor | str,
               route: Route | str) -> Move:
    """Return the move `action` by `actor` makes from `state`, or raise IllegalTransition."""
    state, action, actor, route = CaseState(state), Action(action), Actor(actor), Route(route)
    rule = _BY_KEY.get((state, action))
    if rule is None:
        raise IllegalTransition(state, action, actor, "no such step from this state")
    if actor not in rule.actors:
        raise IllegalTransition(state, action, actor, f"only {', '.join(sorted(rule.actors))} may do this")
    target = rule.target_for(route)
    if target is None:
        raise IllegalTransition(state, action, actor, f"not part of a {route} case")
    return Move(state, target, action, actor, rule.close_reason, rule.needs_reason)


def allowed_actions(state: CaseState | str, actor: Actor | str, route: Route | str) -> list[Action]:
    """The actions `actor` may take now, in table order (for buttons and API hints)."""
    state, actor, route = CaseState(state), Actor(actor), Route(route)
    out = []
    for rule in TRANSITIONS:
        if state in rule.sources and actor in rule.actors and rule.target_for(route) is not None:
            out.append(rule.action)
    return out


def action_to(state: CaseState | str, target: CaseState | str, actor: Actor | str,
              route: Route | str) -> Action | None:
    """The first action in the table that takes `state` to `target` for `actor` (for mirroring a
    platform's status change as the step it stands for), or None."""
    state, target, actor, route = CaseState(state), CaseState(target), Actor(actor), Route(route)
    for rule in TRANSITIONS:
        if state in rule.sources and actor in rule.actors and rule.target_for(route) == target:
            return rule.action
    return None
