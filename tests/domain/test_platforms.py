"""Platform profiles: every raw value they list maps, unknown values warn, timers are complete."""

from pathlib import Path

import pytest

from aftersales.domain.deadlines import Clock, Party, TimeoutOutcome
from aftersales.domain.lifecycle import (
    OPEN_STATES,
    Action,
    Actor,
    ArbitrationState,
    CaseState,
    CaseType,
    IllegalTransition,
    RefundState,
    route_for,
    transition,
)
from aftersales.domain.platforms import PROFILES, profile
from aftersales.domain.reasons import REASONS

S = CaseState
T = CaseType
DOCS = Path(__file__).resolve().parents[2] / "docs" / "PLATFORMS.md"
MARKETPLACES = ("douyin", "tiktok_shop", "taobao")


def _all(map_name):
    """One named case per (profile, raw key) of a map."""
    return [
        pytest.param(p, key, value, id=f"{p.code}-{key}")
        for p in PROFILES.values()
        for key, value in getattr(p, map_name).items()
    ]


def _split(key):
    raw, _, qualifier = key.partition("|")
    return raw, qualifier or None


# --- the registry -------------------------------------------------------------------------

def test_the_platforms_are_registered_under_their_codes():
    assert set(PROFILES) == {"douyin", "tiktok_shop", "taobao", "own_store", "shopify"}
    for code, p in PROFILES.items():
        assert p.code == code
        assert profile(code) is p


def test_unknown_platform_code_names_the_known_ones():
    with pytest.raises(LookupError, match="douyin"):
        profile("jd")


@pytest.mark.parametrize("code, executes, calendar, minor_units", [
    pytest.param("douyin", False, "CN", True, id="douyin-platform-executes-fen-ints"),
    pytest.param("taobao", False, "CN", False, id="taobao-platform-executes-yuan-strings"),
    pytest.param("tiktok_shop", False, "US", False, id="tiktok-platform-executes-us-calendar"),
    pytest.param("own_store", True, "CN", False, id="own-store-we-execute"),
])
def test_who_executes_timeouts_and_the_calendar(code, executes, calendar, minor_units):
    p = PROFILES[code]
    assert (p.executes_timeouts, p.calendar, p.money_minor_units) == (executes, calendar, minor_units)
    assert p.warn_before.total_seconds() > 0
    assert p.sources


# --- mapping the values each profile lists ------------------------------------------------

@pytest.mark.parametrize("p, key, expected", _all("status_map"))
def test_every_listed_status_maps_without_warning(p, key, expected):
    mapped = p.map_status(*_split(key))
    assert mapped.value == expected and isinstance(mapped.value, CaseState)
    assert mapped.value is not S.UNKNOWN
    assert mapped.warning == ""


@pytest.mark.parametrize("p, key, expected", _all("type_map"))
def test_every_listed_type_maps_without_warning(p, key, expected):
    # composite type keys ("refund_bill|onsale") are passed whole: map_type takes no qualifier
    mapped = p.map_type(key)
    assert mapped.value == expected and isinstance(mapped.value, CaseType)
    assert mapped.warning == ""


@pytest.mark.parametrize("p, key, expected", _all("refund_status_map"))
def test_every_listed_refund_status_maps_without_warning(p, key, expected):
    mapped = p.map_refund_status(key)
    assert mapped.value == expected and isinstance(mapped.value, RefundState)
    assert mapped.warning == ""


@pytest.mark.parametrize("p, key, expected", _all("arbitration_map"))
def test_every_listed_arbitration_status_maps_without_warning(p, key, expected):
    mapped = p.map_arbitration(key)
    assert mapped.value == expected and isinstance(mapped.value, ArbitrationState)
    assert mapped.warning == ""


@pytest.mark.parametrize("p, key, code", _all("reason_map"))
def test_every_reason_points_to_a_canonical_reason(p, key, code):
    assert code in REASONS, f"{p.code} reason {key!r} -> {code!r} is not in domain.reasons"
    assert p.map_reason(key).value == code


def test_douyin_maps_its_whole_numbered_reason_list():
    assert set(PROFILES["douyin"].reason_map) == {str(n) for n in range(1, 35)}


@pytest.mark.parametrize("code, raw, qualifier, expected", [
    pytest.param("douyin", "12", "3", S.COMPLETED, id="douyin-status-12-refund-3-completed"),
    pytest.param("douyin", 12, 3, S.COMPLETED, id="douyin-status-12-refund-3-as-ints"),
    pytest.param("douyin", "12", None, S.REFUND_IN_PROGRESS, id="douyin-status-12-alone-refund-in-progress"),
    pytest.param("douyin", "12", "2", S.REFUND_IN_PROGRESS, id="douyin-status-12-refund-2-refunding"),
    pytest.param("douyin", "12", "9", S.REFUND_IN_PROGRESS, id="douyin-status-12-unknown-refund-falls-back"),
    pytest.param("douyin", "3", None, S.AWAITING_BUYER_RECEIPT, id="douyin-status-3-same-as-13"),
    pytest.param("douyin", "27", None, S.SELLER_REJECTED, id="douyin-status-27-seller-rejected"),
    pytest.param("douyin", "29", None, S.RECEIPT_REJECTED, id="douyin-status-29-receipt-rejected"),
    pytest.param("taobao", "SELLER_REFUSE_BUYER", "BUYER_RETURNED_GOODS", S.RECEIPT_REJECTED,
                 id="taobao-refused-after-goods-returned-is-receipt-rejected"),
    pytest.param("taobao", "SELLER_REFUSE_BUYER", "BUYER_RECEIVED", S.SELLER_REJECTED,
                 id="taobao-refused-request-is-seller-rejected"),
    pytest.param("taobao", "SELLER_REFUSE_BUYER", None, S.SELLER_REJECTED,
                 id="taobao-refused-without-good-status"),
    pytest.param("taobao", "EXCHANGE_TRANSFORM_TO_REFUND", None, S.CLOSED,
                 id="taobao-exchange-converted-closes"),
    pytest.param("taobao", "12", None, S.AWAITING_SELLER_SHIPMENT, id="tmall-exchange-12-to-ship"),
    pytest.param("tiktok_shop", "REQUEST_REJECTED", None, S.SELLER_REJECTED,
                 id="tiktok-doc-name-rejected"),
    pytest.param("tiktok_shop", "REFUND_OR_RETURN_REQUEST_REJECT", None, S.SELLER_REJECTED,
                 id="tiktok-api-name-rejected"),
    pytest.param("tiktok_shop", "REPLACMENT_REQUEST_PENDING", None, S.AWAITING_SELLER_REVIEW,
                 id="tiktok-misspelled-replacement"),
    pytest.param("tiktok_shop", "RETURN_OR_REFUND_REQUEST_SUCCESS", None, S.REFUND_IN_PROGRESS,
                 id="tiktok-request-success-refund-in-progress"),
    pytest.param("own_store", "OPEN", "in_transit", S.AWAITING_RECEIPT_REVIEW,
                 id="shopify-open-with-parcel-in-transit"),
    pytest.param("own_store", "OPEN", None, S.AWAITING_BUYER_RETURN, id="shopify-open-no-tracking"),
    pytest.param("own_store", "awaiting_seller_review", None, S.AWAITING_SELLER_REVIEW,
                 id="own-store-canonical-value"),
])
def test_status_examples(code, raw, qualifier, expected):
    mapped = PROFILES[code].map_status(raw, qualifier)
    assert (mapped.value, mapped.warning) == (expected, "")


@pytest.mark.parametrize("code, raw, expected", [
    pytest.param("douyin", 2, T.CANCEL_PRE_SHIPMENT, id="douyin-type-2-pre-shipment"),
    pytest.param("douyin", "7", T.RESHIP, id="douyin-type-7-reship"),
    pytest.param("taobao", "refund_bill|onsale", T.CANCEL_PRE_SHIPMENT, id="taobao-onsale-refund"),
    pytest.param("taobao", "return_bill", T.RETURN_REFUND, id="taobao-return-bill"),
    pytest.param("tiktok_shop", "REPLACEMENT", T.EXCHANGE, id="tiktok-replacement"),
])
def test_type_examples(code, raw, expected):
    assert PROFILES[code].map_type(raw).value == expected


@pytest.mark.parametrize("code, raw, expected", [
    pytest.param("douyin", "3", RefundState.SUCCEEDED, id="douyin-refund-3-succeeded"),
    pytest.param("douyin", "5", RefundState.CLAWED_BACK, id="douyin-refund-5-clawed-back"),
    pytest.param("tiktok_shop", "RETURN_OR_REFUND_REQUEST_COMPLETE", RefundState.SUCCEEDED,
                 id="tiktok-complete-refunded"),
    pytest.param("tiktok_shop", "AWAITING_BUYER_SHIP", RefundState.NONE, id="tiktok-no-refund-yet"),
])
def test_refund_status_examples(code, raw, expected):
    assert PROFILES[code].map_refund_status(raw).value == expected


# --- unknown values -----------------------------------------------------------------------

WEIRD = [
    pytest.param("999", id="unlisted-code"),
    pytest.param("", id="empty"),
    pytest.param(None, id="none"),
    pytest.param(3.5, id="float"),
    pytest.param("SOMETHING_NEW_2027", id="new-enum-name"),
]


@pytest.mark.parametrize("raw", WEIRD)
@pytest.mark.parametrize("code", sorted(PROFILES))
@pytest.mark.parametrize("method, default", [
    pytest.param("map_status", S.UNKNOWN, id="status"),
    pytest.param("map_type", T.OTHER, id="type"),
    pytest.param("map_refund_status", RefundState.NONE, id="refund"),
    pytest.param("map_arbitration", ArbitrationState.NONE, id="arbitration"),
    pytest.param("map_reason", "other", id="reason"),
])
def test_unknown_values_give_the_default_with_a_warning(method, default, code, raw):
    p = PROFILES[code]
    mapped = getattr(p, method)(raw)
    assert mapped.value == default
    assert p.name_en in mapped.warning and "unknown" in mapped.warning


def test_unknown_status_with_unknown_qualifier_warns():
    mapped = PROFILES["douyin"].map_status("77", "3")
    assert mapped.value is S.UNKNOWN and "'77'" in mapped.warning


# --- deadlines ----------------------------------------------------------------------------

# The open states PLATFORMS.md gives a timer for (or, for own stores, that our policy covers).
_MARKETPLACE_NODES = {S.AWAITING_SELLER_REVIEW, S.AWAITING_BUYER_RETURN, S.AWAITING_RECEIPT_REVIEW,
                      S.SELLER_REJECTED, S.RECEIPT_REJECTED}
EXPECTED_TIMERS = {
    "douyin": _MARKETPLACE_NODES | {S.AWAITING_BUYER_RECEIPT},
    "taobao": _MARKETPLACE_NODES | {S.AWAITING_BUYER_RECEIPT},
    "tiktok_shop": _MARKETPLACE_NODES | {S.AWAITING_SELLER_SHIPMENT},
    "own_store": OPEN_STATES - {S.UNKNOWN},
}

# What a timeout does, as an action (the mapping the deadline sweep uses).
TIMEOUT_ACTION = {
    TimeoutOutcome.AUTO_APPROVE: Action.APPROVE,
    TimeoutOutcome.AUTO_REFUND: Action.APPROVE,
    TimeoutOutcome.AUTO_CONFIRM_RECEIPT: Action.CONFIRM_RECEIPT,
    TimeoutOutcome.AUTO_CONFIRM_DELIVERY: Action.CONFIRM_DELIVERY,
    TimeoutOutcome.AUTO_CLOSE: Action.CLOSE,
}
# A case type whose route passes through the state, for rules that hold for every type.
TYPICAL_TYPE = {
    S.AWAITING_SELLER_REVIEW: T.RETURN_REFUND,
    S.AWAITING_BUYER_RETURN: T.RETURN_REFUND,
    S.AWAITING_RECEIPT_REVIEW: T.RETURN_REFUND,
    S.SELLER_REJECTED: T.RETURN_REFUND,
    S.RECEIPT_REJECTED: T.RETURN_REFUND,
    S.AWAITING_BUYER_RESPONSE: T.REFUND_ONLY,
    S.AWAITING_SELLER_SHIPMENT: T.EXCHANGE,
    S.AWAITING_BUYER_RECEIPT: T.EXCHANGE,
    S.REFUND_IN_PROGRESS: T.REFUND_ONLY,
}


def _rules():
    for p in PROFILES.values():
        for key, rule in p.deadlines.items():
            state, case_type = key if isinstance(key, tuple) else (key, TYPICAL_TYPE[key])
            label = f"{state}-{case_type}" if isinstance(key, tuple) else str(state)
            yield pytest.param(p, state, case_type, rule, id=f"{p.code}-{label}")


@pytest.mark.parametrize("code", sorted(EXPECTED_TIMERS))
def test_every_open_state_with_a_known_timer_has_a_rule(code):
    p = PROFILES[code]
    for state in EXPECTED_TIMERS[code]:
        assert p.deadline_rule(state, TYPICAL_TYPE[state]) is not None, f"{code}: no timer for {state}"
    assert all((k[0] if isinstance(k, tuple) else k) in OPEN_STATES for k in p.deadlines)


@pytest.mark.parametrize("p, state, case_type, rule", list(_rules()))
def test_rule_is_well_formed(p, state, case_type, rule):
    if rule.clock is Clock.NATURAL:
        assert rule.hours > 0 and rule.business_days == 0
    else:
        assert rule.business_days > 0 and rule.hours == 0
    assert rule.source
    assert rule.party in (Party.SELLER, Party.BUYER)
    assert str(rule.kind).startswith(str(rule.party)), "a seller deadline is a SELLER_* kind"
    if not p.executes_timeouts:
        # a marketplace's number is only a fallback for its own deadline: say where it is from
        assert "PLATFORMS.md" in rule.source


@pytest.mark.parametrize("p, state, case_type, rule", list(_rules()))
def test_timeout_outcome_is_a_legal_move(p, state, case_type, rule):
    action = TIMEOUT_ACTION.get(rule.on_timeout)
    if action is None:
        assert rule.on_timeout in (TimeoutOutcome.BREACH_ONLY, TimeoutOutcome.PLATFORM_DECIDES)
        return
    actor = Actor.SYSTEM if p.executes_timeouts else Actor.PLATFORM
    try:
        transition(state, action, actor, route_for(case_type))
    except IllegalTransition as e:
        pytest.fail(f"{p.code}: timeout in {state} would {action}, which is illegal: {e.why}")


@pytest.mark.parametrize("code, state, case_type, outcome, hours", [
    pytest.param("douyin", S.AWAITING_SELLER_REVIEW, T.CANCEL_PRE_SHIPMENT, TimeoutOutcome.AUTO_REFUND, 48,
                 id="douyin-pre-shipment-review-48h-auto-refund"),
    pytest.param("douyin", S.AWAITING_SELLER_REVIEW, T.RETURN_REFUND, TimeoutOutcome.AUTO_APPROVE, 48,
                 id="douyin-return-review-48h-auto-approve"),
    pytest.param("douyin", S.AWAITING_BUYER_RETURN, T.RETURN_REFUND, TimeoutOutcome.AUTO_CLOSE, 168,
                 id="douyin-buyer-silent-7d-auto-close"),
    pytest.param("taobao", S.AWAITING_RECEIPT_REVIEW, T.RETURN_REFUND,
                 TimeoutOutcome.AUTO_CONFIRM_RECEIPT, 240, id="taobao-receipt-review-10d-auto-refund"),
    pytest.param("taobao", S.AWAITING_SELLER_REVIEW, T.REFUND_ONLY, TimeoutOutcome.AUTO_REFUND, 48,
                 id="taobao-seller-silent-48h-auto-refund"),
    pytest.param("tiktok_shop", S.AWAITING_SELLER_REVIEW, T.EXCHANGE, TimeoutOutcome.AUTO_APPROVE, 24,
                 id="tiktok-replacement-24h-auto-accept"),
    pytest.param("tiktok_shop", S.AWAITING_SELLER_REVIEW, T.RETURN_REFUND, TimeoutOutcome.AUTO_APPROVE, 48,
                 id="tiktok-return-review-48h-auto-approve"),
    pytest.param("own_store", S.AWAITING_SELLER_REVIEW, T.RETURN_REFUND, TimeoutOutcome.AUTO_APPROVE, 48,
                 id="own-store-review-48h-auto-approve"),
    pytest.param("own_store", S.AWAITING_BUYER_RETURN, T.RETURN_REFUND, TimeoutOutcome.AUTO_CLOSE, 168,
                 id="own-store-buyer-ship-7d-auto-close"),
])
def test_deadline_examples(code, state, case_type, outcome, hours):
    rule = PROFILES[code].deadline_rule(state, case_type)
    assert (rule.on_timeout, rule.hours) == (outcome, hours)


def test_verified_follows_platforms_md():
    # Douyin and Taobao durations are all [UNVERIFIED]; TikTok's US review timers are [DOC]
    assert not any(r.verified for r in PROFILES["douyin"].deadlines.values())
    assert not any(r.verified for r in PROFILES["taobao"].deadlines.values())
    assert PROFILES["tiktok_shop"].deadline_rule(S.AWAITING_SELLER_REVIEW, T.RETURN_REFUND).verified


def test_no_timer_for_terminal_or_unknown_states():
    for p in PROFILES.values():
        for state in (S.COMPLETED, S.CLOSED, S.UNKNOWN):
            assert p.deadline_rule(state, T.RETURN_REFUND) is None


# --- refused actions ----------------------------------------------------------------------

@pytest.mark.parametrize("code, case_type, action, refused", [
    pytest.param("douyin", T.CANCEL_PRE_SHIPMENT, Action.REJECT, True, id="douyin-pre-shipment-reject-refused"),
    pytest.param("douyin", T.REFUND_ONLY, Action.REJECT, False, id="douyin-refund-only-reject-allowed"),
    pytest.param("taobao", T.CANCEL_PRE_SHIPMENT, Action.REJECT, True, id="taobao-onsale-reject-refused"),
    pytest.param("own_store", T.CANCEL_PRE_SHIPMENT, Action.REJECT, False, id="own-store-reject-allowed"),
])
def test_refused_actions(code, case_type, action, refused):
    assert bool(PROFILES[code].refusal(case_type, action)) is refused


def test_douyin_refusal_tells_the_agent_to_ship():
    assert "shipping the order" in PROFILES["douyin"].refusal(T.CANCEL_PRE_SHIPMENT, Action.REJECT)


# --- docs/PLATFORMS.md --------------------------------------------------------------------

def doc_row(p, key, rule) -> str:
    """One table row of docs/PLATFORMS.md, as the profile holds the rule."""
    node = f"`{key[0]}` ({key[1]})" if isinstance(key, tuple) else f"`{key}`"
    if rule.clock is Clock.BUSINESS_DAYS:
        duration = f"{rule.business_days} business days ({p.calendar})"
    elif rule.hours % 24 == 0 and rule.hours > 48:
        duration = f"{rule.hours // 24} days"
    else:
        duration = f"{rule.hours} h"
    verified = "yes" if rule.verified else "no"
    return f"| {node} | {rule.kind} | {rule.party} | {duration} | {rule.on_timeout} | {verified} | {rule.source} |"


def test_docs_table_matches_the_profiles():
    text = DOCS.read_text(encoding="utf-8")
    expected = {doc_row(p, k, r) for p in PROFILES.values() for k, r in p.deadlines.items()}
    documented = {line for line in text.splitlines() if line.startswith("| `")}
    assert expected - documented == set(), "rules missing from docs/PLATFORMS.md"
    assert documented - expected == set(), "docs/PLATFORMS.md shows rules the profiles do not hold"
