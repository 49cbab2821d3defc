"""What a platform profile is: the platform's rules as data.

INTERFACE FIXED.  Each platform module (douyin.py, tiktok_shop.py, taobao.py, own_store.py)
builds one `PlatformProfile`; `aftersales.domain.platforms.PROFILES` maps code -> profile.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from types import MappingProxyType
from typing import Mapping

from aftersales.domain.deadlines import Clock, DeadlineKind, Party, TimeoutOutcome
from aftersales.domain.lifecycle import Action, ArbitrationState, CaseState, CaseType, RefundState


@dataclass(frozen=True)
class DeadlineRule:
    """The default timer of one node, used when the platform sends no deadline of its own."""

    kind: DeadlineKind
    party: Party
    on_timeout: TimeoutOutcome
    clock: Clock = Clock.NATURAL
    hours: int = 0                 # natural clock
    business_days: int = 0         # business-day clock
    source: str = ""               # where the number comes from (PLATFORMS.md section, doc)
    verified: bool = False         # False: a default to confirm in the platform's rule centre

    @property
    def duration(self) -> timedelta:
        return timedelta(hours=self.hours)


@dataclass(frozen=True)
class Mapped:
    """The result of mapping a raw platform value: never an exception."""

    value: object
    warning: str = ""   # non-empty when the raw value was unknown


@dataclass(frozen=True)
class PlatformProfile:
    code: str                      # "douyin" | "tiktok_shop" | "taobao" | "own_store"
    name_en: str
    name_zh: str
    executes_timeouts: bool        # own store: our sweep performs the timeout; marketplace: the platform does
    calendar: str                  # "CN" or an ISO country code for business days
    warn_before: timedelta         # warn the team this long before a seller deadline
    status_map: Mapping[str, CaseState]
    type_map: Mapping[str, CaseType]
    refund_status_map: Mapping[str, RefundState]
    arbitration_map: Mapping[str, ArbitrationState]
    reason_map: Mapping[str, str]  # raw reason code -> canonical reason code (domain.reasons)
    # default timer per (state) or per (state, case type); the more specific wins
    deadlines: Mapping[CaseState | tuple[CaseState, CaseType], DeadlineRule]
    # actions this platform does not offer for a case type, with the reason shown to the agent
    refused_actions: Mapping[tuple[CaseType, Action], str] = field(default_factory=dict)
    money_minor_units: bool = False   # amounts arrive as integer fen/cents
    sources: tuple[str, ...] = ()
    # The seller's decisions (and refunds) are sent to a platform API through its connector.  None:
    # where the platform performs the timeouts (a marketplace); an own store on a hosted shop system
    # (Shopify) sends them although our sweep performs the timeouts.
    sends_actions: bool | None = None

    @property
    def acts_on_platform(self) -> bool:
        return (not self.executes_timeouts) if self.sends_actions is None else self.sends_actions

    def map_status(self, raw: str | int, qualifier: str | int | None = None) -> Mapped:
        """Raw status (optionally qualified, e.g. Douyin "12" + refund_status "3" -> key "12|3")."""
        return self._lookup(self.status_map, raw, qualifier, CaseState.UNKNOWN, "status")

    def map_type(self, raw: str | int) -> Mapped:
        return self._lookup(self.type_map, raw, None, CaseType.OTHER, "after-sale type")

    def map_refund_status(self, raw: str | int) -> Mapped:
        return self._lookup(self.refund_status_map, raw, None, RefundState.NONE, "refund status")

    def map_arbitration(self, raw: str | int) -> Mapped:
        return self._lookup(self.arbitration_map, raw, None, ArbitrationState.NONE, "arbitration status")

    def map_reason(self, raw: str | int) -> Mapped:
        return self._lookup(self.reason_map, raw, None, "other", "reason code")

    def deadline_rule(self, state: CaseState, case_type: CaseType) -> DeadlineRule | None:
        return self.deadlines.get((state, case_type)) or self.deadlines.get(state)

    def refusal(self, case_type: CaseType, action: Action) -> str:
        """Why this platform does not offer `action` for `case_type` ("" when it does)."""
        return self.refused_actions.get((CaseType(case_type), Action(action)), "")

    def _lookup(self, table, raw, qualifier, default, what) -> Mapped:
        key = str(raw).strip()
        if qualifier not in (None, "") and f"{key}|{qualifier}" in table:
            return Mapped(table[f"{key}|{qualifier}"])
        if key in table:
            return Mapped(table[key])
        return Mapped(default, f"{self.name_en}: unknown {what} {key!r}, kept as {default}")


def frozen(mapping: dict) -> Mapping:
    return MappingProxyType(dict(mapping))
