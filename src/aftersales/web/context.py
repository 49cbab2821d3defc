"""What every workbench template may use: the membership worked under and the user's others (for
the organisation switcher).  Callables, so that pages that never show them (the admin) query nothing."""

from __future__ import annotations

from aftersales.web.access import current_membership, memberships


def workbench(request) -> dict:
    return {
        "membership": lambda: current_membership(request),
        "memberships": lambda: memberships(request),
    }
