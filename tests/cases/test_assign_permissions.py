"""Who may give a case to whom (cases.permissions.may_assign), the rule services.assign_case checks."""

from types import SimpleNamespace

import pytest

from aftersales.cases.permissions import Who, may_assign

ME, COLLEAGUE = SimpleNamespace(pk=1), SimpleNamespace(pk=2)


def member(role):
    return Who("seller", ME, role)


@pytest.mark.parametrize("who, current, to, allowed", [
    pytest.param(member("agent"), None, ME, True, id="agent-claims-unassigned"),
    pytest.param(member("agent"), 1, None, True, id="agent-gives-back-own"),
    pytest.param(member("agent"), 2, ME, False, id="agent-cannot-take-colleagues"),
    pytest.param(member("agent"), None, COLLEAGUE, False, id="agent-cannot-assign-others"),
    pytest.param(member("agent"), 2, None, False, id="agent-cannot-unassign-colleague"),
    pytest.param(member("warehouse"), None, ME, True, id="warehouse-claims"),
    pytest.param(member("finance"), None, ME, False, id="finance-works-no-cases"),
    pytest.param(member("supervisor"), 2, COLLEAGUE, True, id="supervisor-assigns-anyone"),
    pytest.param(member("owner"), 1, None, True, id="owner-unassigns"),
    pytest.param(Who.system(), 2, ME, True, id="system-round-robin"),
])
def test_may_assign(who, current, to, allowed):
    assert may_assign(who, current, to) is allowed
