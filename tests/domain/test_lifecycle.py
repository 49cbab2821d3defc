"""The one transition table (domain.lifecycle): routes, actors, refusals and the buttons it offers."""

from __future__ import annotations

import itertools

import pytest

from aftersales.domain.lifecycle import (
    OPEN_STATES,
    TERMINAL_STATES,
    Action,
    Actor,
    CaseState,
    CaseType,
    CloseReason,
    IllegalTransition,
    Route,
    allowed_actions,
    route_for,
    transition,
)

S, A, R = CaseState, Action, Actor


def walk(state: CaseState, route: Route, steps) -> list[CaseState]:
    """Apply (actor, action) steps from `state`; return every state visited."""
    visited = [state]
    for actor, action in steps:
        state = transition(state, action, actor, route).target
        visited.append(state)
    return visited


# --- routes -----------------------------------------------------------------------------------

@pytest.mark.parametrize("case_type, route", [
    pytest.param(CaseType.CANCEL_PRE_SHIPMENT, Route.REFUND, id="cancel-pre-shipment-refund"),
    pytest.param(CaseType.REFUND_ONLY, Route.REFUND, id="refund-only-refund"),
    pytest.param(CaseType.PRICE_PROTECTION, Route.REFUND, id="price-protection-refund"),
    pytest.param(CaseType.RETURN_REFUND, Route.RETURN_THEN_REFUND, id="return-refund"),
    pytest.param(CaseType.EXCHANGE, Route.RETURN_THEN_SHIP, id="exchange-return-then-ship"),
    pytest.param(CaseType.REPAIR, Route.RETURN_THEN_SHIP, id="repair-return-then-ship"),
    pytest.param(CaseType.RESHIP, Route.SHIP, id="reship-ship"),
    pytest.param(CaseType.COMPLAINT, Route.NONE, id="complaint-none"),
    pytest.param(CaseType.OTHER, Route.NONE, id="other-none"),
])
def test_route_for_each_case_type(case_type, route):
    assert route_for(case_type) == route
    assert route_for(case_type.value) == route


def test_every_case_type_has_a_route():
    assert {route_for(t) for t in CaseType} <= set(Route)


@pytest.mark.parametrize("route, target", [
    pytest.param(Route.REFUND, S.REFUND_IN_PROGRESS, id="approve-refund-pays"),
    pytest.param(Route.RETURN_THEN_REFUND, S.AWAITING_BUYER_RETURN, id="approve-return-refund-waits-for-parcel"),
    pytest.param(Route.RETURN_THEN_SHIP, S.AWAITING_BUYER_RETURN, id="approve-exchange-waits-for-parcel"),
    pytest.param(Route.SHIP, S.AWAITING_SELLER_SHIPMENT, id="approve-reship-seller-ships"),
    pytest.param(Route.NONE, S.COMPLETED, id="approve-complaint-completes"),
])
@pytest.mark.parametrize("action, actor", [
    pytest.param(A.APPROVE, R.SELLER, id="seller-approves"),
    pytest.param(A.APPROVE, R.SYSTEM, id="automation-approves"),
    pytest.param(A.APPROVE, R.PLATFORM, id="platform-approves"),
])
def test_approve_leads_by_route(route, target, action, actor):
    move = transition(S.AWAITING_SELLER_REVIEW, action, actor, route)

    assert (move.source, move.target, move.action, move.actor) == (S.AWAITING_SELLER_REVIEW, target, action, actor)
    assert move.close_reason == CloseReason.NONE
    assert not move.needs_reason


@pytest.mark.parametrize("route, target", [
    pytest.param(Route.REFUND, S.REFUND_IN_PROGRESS, id="accept-offer-refund"),
    pytest.param(Route.RETURN_THEN_REFUND, S.AWAITING_BUYER_RETURN, id="accept-offer-return"),
    pytest.param(Route.RETURN_THEN_SHIP, S.AWAITING_BUYER_RETURN, id="accept-offer-exchange"),
    pytest.param(Route.SHIP, S.AWAITING_SELLER_SHIPMENT, id="accept-offer-reship"),
    pytest.param(Route.NONE, S.COMPLETED, id="accept-offer-compensation"),
])
def test_accepting_an_offer_leads_by_route_like_approval(route, target):
    assert transition(S.AWAITING_BUYER_RESPONSE, A.ACCEPT_OFFER, R.BUYER, route).target == target


@pytest.mark.parametrize("route, target", [
    pytest.param(Route.RETURN_THEN_REFUND, S.REFUND_IN_PROGRESS, id="receipt-confirmed-refund-follows"),
    pytest.param(Route.RETURN_THEN_SHIP, S.AWAITING_SELLER_SHIPMENT, id="receipt-confirmed-seller-ships"),
])
def test_confirm_receipt_leads_by_route(route, target):
    assert transition(S.AWAITING_RECEIPT_REVIEW, A.CONFIRM_RECEIPT, R.SELLER, route).target == target
    assert transition(S.AWAITING_RECEIPT_REVIEW, A.CONFIRM_RECEIPT, R.SYSTEM, route).target == target


@pytest.mark.parametrize("route", [
    pytest.param(Route.REFUND, id="refund-has-no-receipt"),
    pytest.param(Route.SHIP, id="reship-has-no-receipt"),
    pytest.param(Route.NONE, id="complaint-has-no-receipt"),
])
def test_confirm_receipt_is_refused_on_routes_without_a_return(route):
    with pytest.raises(IllegalTransition, match=f"not part of a {route} case") as caught:
        transition(S.AWAITING_RECEIPT_REVIEW, A.CONFIRM_RECEIPT, R.SELLER, route)

    assert caught.value.state == S.AWAITING_RECEIPT_REVIEW
    assert caught.value.action == A.CONFIRM_RECEIPT


@pytest.mark.parametrize("case_type, steps, visited", [
    pytest.param(CaseType.CANCEL_PRE_SHIPMENT,
                 [(R.SYSTEM, A.APPROVE), (R.PLATFORM, A.REFUND_SUCCEEDED)],
                 [S.AWAITING_SELLER_REVIEW, S.REFUND_IN_PROGRESS, S.COMPLETED], id="cancel-auto-approved-paid"),
    pytest.param(CaseType.RETURN_REFUND,
                 [(R.SELLER, A.APPROVE), (R.BUYER, A.SHIP_RETURN), (R.SELLER, A.CONFIRM_RECEIPT),
                  (R.SYSTEM, A.REFUND_SUCCEEDED)],
                 [S.AWAITING_SELLER_REVIEW, S.AWAITING_BUYER_RETURN, S.AWAITING_RECEIPT_REVIEW,
                  S.REFUND_IN_PROGRESS, S.COMPLETED], id="return-refund-happy-path"),
    pytest.param(CaseType.EXCHANGE,
                 [(R.SELLER, A.APPROVE), (R.BUYER, A.SHIP_RETURN), (R.SELLER, A.CONFIRM_RECEIPT),
                  (R.SELLER, A.SHIP_TO_BUYER), (R.BUYER, A.CONFIRM_DELIVERY)],
                 [S.AWAITING_SELLER_REVIEW, S.AWAITING_BUYER_RETURN, S.AWAITING_RECEIPT_REVIEW,
                  S.AWAITING_SELLER_SHIPMENT, S.AWAITING_BUYER_RECEIPT, S.COMPLETED], id="exchange-happy-path"),
    pytest.param(CaseType.REPAIR,
                 [(R.SELLER, A.APPROVE), (R.SELLER, A.SHIP_RETURN), (R.SYSTEM, A.CONFIRM_RECEIPT),
                  (R.PLATFORM, A.SHIP_TO_BUYER), (R.SYSTEM, A.CONFIRM_DELIVERY)],
                 [S.AWAITING_SELLER_REVIEW, S.AWAITING_BUYER_RETURN, S.AWAITING_RECEIPT_REVIEW,
                  S.AWAITING_SELLER_SHIPMENT, S.AWAITING_BUYER_RECEIPT, S.COMPLETED],
                 id="repair-agent-fills-tracking-auto-confirmed"),
    pytest.param(CaseType.RESHIP,
                 [(R.SELLER, A.APPROVE), (R.SELLER, A.SHIP_TO_BUYER), (R.SYSTEM, A.CONFIRM_DELIVERY)],
                 [S.AWAITING_SELLER_REVIEW, S.AWAITING_SELLER_SHIPMENT, S.AWAITING_BUYER_RECEIPT, S.COMPLETED],
                 id="reship-happy-path"),
    pytest.param(CaseType.COMPLAINT, [(R.SELLER, A.APPROVE)],
                 [S.AWAITING_SELLER_REVIEW, S.COMPLETED], id="complaint-answered"),
    pytest.param(CaseType.REFUND_ONLY,
                 [(R.SELLER, A.REJECT), (R.BUYER, A.MODIFY), (R.SELLER, A.OFFER), (R.BUYER, A.DECLINE_OFFER),
                  (R.SELLER, A.OFFER), (R.BUYER, A.ACCEPT_OFFER), (R.PLATFORM, A.REFUND_SUCCEEDED)],
                 [S.AWAITING_SELLER_REVIEW, S.SELLER_REJECTED, S.AWAITING_SELLER_REVIEW, S.AWAITING_BUYER_RESPONSE,
                  S.AWAITING_SELLER_REVIEW, S.AWAITING_BUYER_RESPONSE, S.REFUND_IN_PROGRESS, S.COMPLETED],
                 id="refund-only-rejected-modified-negotiated"),
    pytest.param(CaseType.RETURN_REFUND,
                 [(R.SELLER, A.APPROVE), (R.BUYER, A.SHIP_RETURN), (R.SELLER, A.REJECT_RECEIPT),
                  (R.PLATFORM, A.RULED_FOR_BUYER), (R.PLATFORM, A.REFUND_SUCCEEDED)],
                 [S.AWAITING_SELLER_REVIEW, S.AWAITING_BUYER_RETURN, S.AWAITING_RECEIPT_REVIEW,
                  S.RECEIPT_REJECTED, S.REFUND_IN_PROGRESS, S.COMPLETED], id="receipt-rejected-platform-rules-for-buyer"),
    pytest.param(CaseType.RETURN_REFUND,
                 [(R.SELLER, A.APPROVE), (R.SELLER, A.CONVERT_TO_REFUND), (R.SYSTEM, A.REFUND_SUCCEEDED)],
                 [S.AWAITING_SELLER_REVIEW, S.AWAITING_BUYER_RETURN, S.REFUND_IN_PROGRESS, S.COMPLETED],
                 id="return-converted-to-refund-without-goods"),
    pytest.param(CaseType.RETURN_REFUND,
                 [(R.SELLER, A.REJECT), (R.PLATFORM, A.RULED_FOR_SELLER)],
                 [S.AWAITING_SELLER_REVIEW, S.SELLER_REJECTED, S.CLOSED], id="rejected-platform-rules-for-seller"),
])
def test_routes_through_the_lifecycle(case_type, steps, visited):
    assert walk(S.AWAITING_SELLER_REVIEW, route_for(case_type), steps) == visited


# --- closing ----------------------------------------------------------------------------------

@pytest.mark.parametrize("state, action, actor, close_reason", [
    pytest.param(S.AWAITING_SELLER_REVIEW, A.CANCEL, R.BUYER, CloseReason.BUYER_CANCELLED, id="buyer-withdraws"),
    pytest.param(S.AWAITING_RECEIPT_REVIEW, A.CANCEL, R.PLATFORM, CloseReason.BUYER_CANCELLED,
                 id="buyer-withdraws-after-sending-return"),
    pytest.param(S.AWAITING_BUYER_RETURN, A.CLOSE, R.SYSTEM, CloseReason.BUYER_TIMEOUT,
                 id="buyer-never-ships-return"),
    pytest.param(S.SELLER_REJECTED, A.CLOSE, R.PLATFORM, CloseReason.BUYER_TIMEOUT, id="buyer-never-escalates"),
    pytest.param(S.RECEIPT_REJECTED, A.RULED_FOR_SELLER, R.PLATFORM, CloseReason.SELLER_WON, id="seller-wins"),
])
def test_closing_records_why(state, action, actor, close_reason):
    move = transition(state, action, actor, Route.RETURN_THEN_REFUND)

    assert move.target == S.CLOSED
    assert move.close_reason == close_reason


def test_only_moves_into_closed_carry_a_close_reason():
    for state, action, actor, route in itertools.product(CaseState, Action, Actor, Route):
        try:
            move = transition(state, action, actor, route)
        except IllegalTransition:
            continue
        assert (move.close_reason != CloseReason.NONE) == (move.target == S.CLOSED), move


@pytest.mark.parametrize("state, action", [
    pytest.param(S.AWAITING_SELLER_REVIEW, A.REJECT, id="reject"),
    pytest.param(S.AWAITING_RECEIPT_REVIEW, A.REJECT_RECEIPT, id="reject-receipt"),
])
def test_rejections_need_a_reason(state, action):
    assert transition(state, action, R.SELLER, Route.RETURN_THEN_REFUND).needs_reason


# --- refusals ---------------------------------------------------------------------------------

@pytest.mark.parametrize("state, action, actor", [
    pytest.param(S.AWAITING_SELLER_REVIEW, A.APPROVE, R.BUYER, id="buyer-cannot-approve"),
    pytest.param(S.AWAITING_SELLER_REVIEW, A.REJECT, R.SYSTEM, id="automation-never-rejects"),
    pytest.param(S.AWAITING_SELLER_REVIEW, A.OFFER, R.PLATFORM, id="only-the-seller-offers"),
    pytest.param(S.AWAITING_SELLER_REVIEW, A.CANCEL, R.SELLER, id="seller-cannot-withdraw-for-buyer"),
    pytest.param(S.SELLER_REJECTED, A.MODIFY, R.SELLER, id="seller-cannot-modify-buyer-request"),
    pytest.param(S.SELLER_REJECTED, A.RULED_FOR_SELLER, R.SELLER, id="seller-cannot-rule-for-itself"),
    pytest.param(S.AWAITING_RECEIPT_REVIEW, A.REJECT_RECEIPT, R.SYSTEM, id="automation-never-rejects-receipt"),
    pytest.param(S.AWAITING_SELLER_SHIPMENT, A.SHIP_TO_BUYER, R.SYSTEM, id="automation-cannot-ship"),
    pytest.param(S.REFUND_IN_PROGRESS, A.REFUND_SUCCEEDED, R.SELLER, id="seller-cannot-declare-money-arrived"),
    pytest.param(S.AWAITING_BUYER_RETURN, A.CLOSE, R.BUYER, id="buyer-cannot-time-out-a-case"),
    pytest.param(S.AWAITING_BUYER_RECEIPT, A.CONFIRM_DELIVERY, R.SELLER, id="seller-cannot-confirm-delivery"),
])
def test_actor_refusals(state, action, actor):
    with pytest.raises(IllegalTransition, match="only .* may do this") as caught:
        transition(state, action, actor, Route.RETURN_THEN_REFUND)

    error = caught.value
    assert (error.state, error.action, error.actor) == (state, action, actor)
    assert actor.value not in error.why


@pytest.mark.parametrize("state, action", [
    pytest.param(S.AWAITING_SELLER_REVIEW, A.CONFIRM_RECEIPT, id="receipt-before-return"),
    pytest.param(S.AWAITING_SELLER_REVIEW, A.MODIFY, id="modify-before-rejection"),
    pytest.param(S.AWAITING_SELLER_REVIEW, A.REFUND_SUCCEEDED, id="paid-before-approval"),
    pytest.param(S.AWAITING_RECEIPT_REVIEW, A.SHIP_RETURN, id="return-shipped-twice"),
    pytest.param(S.AWAITING_BUYER_RETURN, A.APPROVE, id="approved-twice"),
    pytest.param(S.REFUND_IN_PROGRESS, A.CANCEL, id="cancel-once-money-moves"),
    pytest.param(S.AWAITING_SELLER_SHIPMENT, A.CLOSE, id="close-while-seller-owes-goods"),
    pytest.param(S.UNKNOWN, A.APPROVE, id="approve-unmapped-state"),
    *[pytest.param(state, action, id=f"{state}-{action}") for state in TERMINAL_STATES for action in Action],
])
def test_illegal_moves_raise(state, action):
    with pytest.raises(IllegalTransition, match="no such step from this state"):
        transition(state, action, R.PLATFORM, Route.RETURN_THEN_REFUND)


def test_strings_are_accepted_and_unknown_strings_refused():
    move = transition("awaiting_seller_review", "approve", "seller", "return_refund")
    assert move.target == S.AWAITING_BUYER_RETURN

    with pytest.raises(ValueError):
        transition("awaiting_seller_review", "teleport", "seller", "return_refund")


# --- allowed actions --------------------------------------------------------------------------

@pytest.mark.parametrize("state, actor, route, actions", [
    pytest.param(S.AWAITING_SELLER_REVIEW, R.SELLER, Route.REFUND,
                 [A.APPROVE, A.REJECT, A.OFFER, A.CONVERT_TO_REFUND], id="seller-reviewing"),
    pytest.param(S.AWAITING_SELLER_REVIEW, R.BUYER, Route.REFUND, [A.CANCEL], id="buyer-waiting-for-review"),
    pytest.param(S.AWAITING_SELLER_REVIEW, R.SYSTEM, Route.RETURN_THEN_REFUND, [A.APPROVE, A.CLOSE],
                 id="automation-in-review"),
    pytest.param(S.AWAITING_SELLER_REVIEW, R.PLATFORM, Route.RETURN_THEN_REFUND,
                 [A.APPROVE, A.REJECT, A.CONVERT_TO_REFUND, A.RULED_FOR_BUYER, A.CANCEL, A.CLOSE],
                 id="platform-in-review"),
    pytest.param(S.SELLER_REJECTED, R.BUYER, Route.REFUND, [A.MODIFY, A.CANCEL], id="buyer-after-rejection"),
    pytest.param(S.AWAITING_BUYER_RESPONSE, R.BUYER, Route.REFUND,
                 [A.ACCEPT_OFFER, A.DECLINE_OFFER, A.CANCEL], id="buyer-weighing-offer"),
    pytest.param(S.AWAITING_BUYER_RETURN, R.BUYER, Route.RETURN_THEN_REFUND, [A.SHIP_RETURN, A.CANCEL],
                 id="buyer-to-ship-return"),
    pytest.param(S.AWAITING_RECEIPT_REVIEW, R.SELLER, Route.RETURN_THEN_REFUND,
                 [A.CONVERT_TO_REFUND, A.CONFIRM_RECEIPT, A.REJECT_RECEIPT], id="seller-inspecting-return"),
    pytest.param(S.AWAITING_RECEIPT_REVIEW, R.SELLER, Route.REFUND,
                 [A.CONVERT_TO_REFUND, A.REJECT_RECEIPT], id="no-confirm-receipt-on-refund-route"),
    pytest.param(S.AWAITING_SELLER_SHIPMENT, R.SELLER, Route.RETURN_THEN_SHIP, [A.SHIP_TO_BUYER],
                 id="seller-to-ship-exchange"),
    pytest.param(S.REFUND_IN_PROGRESS, R.SELLER, Route.REFUND, [], id="seller-waits-for-money"),
    pytest.param(S.UNKNOWN, R.PLATFORM, Route.REFUND,
                 [A.RULED_FOR_BUYER, A.RULED_FOR_SELLER, A.CANCEL, A.CLOSE], id="platform-on-unmapped-state"),
])
def test_allowed_actions(state, actor, route, actions):
    assert allowed_actions(state, actor, route) == actions


def test_allowed_actions_agree_with_transition_everywhere():
    for state, actor, route in itertools.product(CaseState, Actor, Route):
        allowed = set(allowed_actions(state, actor, route))
        for action in Action:
            try:
                transition(state, action, actor, route)
                legal = True
            except IllegalTransition:
                legal = False
            assert legal == (action in allowed), (state, action, actor, route)


def test_terminal_states_offer_nothing():
    for state, actor, route in itertools.product(TERMINAL_STATES, Actor, Route):
        assert allowed_actions(state, actor, route) == []
        assert state.is_terminal
    assert not any(state.is_terminal for state in OPEN_STATES)


def test_every_open_state_has_a_way_forward():
    for state in OPEN_STATES:
        assert any(allowed_actions(state, actor, route) for actor in Actor for route in Route), state


def test_every_state_but_unknown_is_reachable_from_review():
    seen, todo = {S.AWAITING_SELLER_REVIEW}, [S.AWAITING_SELLER_REVIEW]
    while todo:
        state = todo.pop()
        for actor, route in itertools.product(Actor, Route):
            for action in allowed_actions(state, actor, route):
                target = transition(state, action, actor, route).target
                if target not in seen:
                    seen.add(target)
                    todo.append(target)

    assert seen == set(CaseState) - {S.UNKNOWN}
