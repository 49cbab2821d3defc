"""Every state, type and deadline value has a Chinese and an English label, shown in the active language."""

import pytest
from django.utils import translation

from aftersales.cases import explain as ex
from aftersales.cases.models import Case, Deadline
from aftersales.domain import deadlines as dl
from aftersales.domain import lifecycle as lc

TABLES = [
    pytest.param(lc.CaseState, ex.STATE_LABELS, id="states"),
    pytest.param(lc.CaseType, ex.CASE_TYPE_LABELS, id="types"),
    pytest.param(lc.Action, ex.ACTION_LABELS, id="actions"),
    pytest.param(lc.Actor, ex.ACTOR_NAMES, id="actors"),
    pytest.param(lc.Route, ex.ROUTE_LABELS, id="routes"),
    pytest.param(lc.CloseReason, ex.CLOSE_REASON_LABELS, id="close-reasons"),
    pytest.param(lc.RefundState, ex.REFUND_STATE_LABELS, id="refund-states"),
    pytest.param(lc.ReturnState, ex.RETURN_STATE_LABELS, id="return-states"),
    pytest.param(lc.ArbitrationState, ex.ARBITRATION_LABELS, id="arbitration-states"),
    pytest.param(dl.DeadlineKind, ex.DEADLINE_LABELS, id="deadline-kinds"),
    pytest.param(dl.TimeoutOutcome, ex.OUTCOME_LABELS, id="timeout-outcomes"),
    pytest.param(dl.Party, ex.PARTY_LABELS, id="parties"),
    pytest.param(dl.DeadlineSource, ex.SOURCE_LABELS, id="deadline-sources"),
    pytest.param(dl.Clock, ex.CLOCK_LABELS, id="clocks"),
]


@pytest.mark.parametrize("enum_cls,table", TABLES)
def test_every_value_has_both_labels(enum_cls, table):
    assert set(table) == set(enum_cls)
    for zh, en in table.values():
        assert zh and en and zh != en


def test_choice_labels_follow_the_active_language():
    case = Case(state=lc.CaseState.AWAITING_BUYER_RETURN)
    deadline = Deadline(source=dl.DeadlineSource.COMPUTED)
    with translation.override("zh-hans"):
        assert case.get_state_display() == "待买家退货"
        assert deadline.get_source_display() == "推算（备用）"
    with translation.override("en"):
        assert case.get_state_display() == "Awaiting buyer's return"
        assert deadline.get_source_display() == "Computed fallback"
