"""The case queue's query string: filters, three sort orders and keyset pagination.

This module only validates the query string into a `cases.queries.QueueQuery`; the query itself
(filters, the keyset cursor, the indexes it relies on) is cases/queries.py, shared with the
agents' pages.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from ninja import Schema
from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field, field_validator

from aftersales.api.schemas import MAX_ID, in_range, no_nul
from aftersales.cases import queries
from aftersales.cases.models import Case
from aftersales.cases.queries import LIST_FIELDS, decode_cursor, encode_cursor  # noqa: F401  (kept importable here)
from aftersales.domain import lifecycle as lc
from aftersales.domain.platforms import PROFILES
from aftersales.domain.priority import Band


def _plus_in_offset(value):
    # An unencoded "+08:00" in a query string arrives as " 08:00"; read it as meant.
    if isinstance(value, str):
        return re.sub(r" (\d{2}:?\d{2})$", r"+\1", value.strip())
    return value


class QueueFilters(Schema):
    shop: Annotated[int, Field(ge=1, le=MAX_ID)] | None = None
    platform: str | None = Field(None, description=f"one of {', '.join(sorted(PROFILES))}")
    state: list[str] = Field(default_factory=list, description="repeat the parameter or separate with commas")
    type: lc.CaseType | None = None
    problem_type: Annotated[str, Field(max_length=40), AfterValidator(no_nul)] | None = None
    priority_band: Band | None = None
    deadline_before: Annotated[AwareDatetime, BeforeValidator(_plus_in_offset), AfterValidator(in_range)] | None = Field(
        None, description="cases whose nearest seller deadline is before this time (ISO 8601 with offset)")
    open: Literal["true", "false", "all"] = Field("true", description="true: open cases; false: finished; all")
    q: Annotated[str, Field(max_length=100), AfterValidator(no_nul)] | None = Field(
        None, description="case number, order number, platform case id, buyer id or return tracking number")
    sort: Literal["priority", "due", "created"] = "priority"
    cursor: Annotated[str, Field(max_length=500)] | None = None
    limit: int = Field(25, ge=1, le=100)

    @field_validator("platform")
    @classmethod
    def known_platform(cls, value):
        if value is not None and value not in PROFILES:
            raise ValueError(f"one of {', '.join(sorted(PROFILES))}")
        return value

    @field_validator("state")
    @classmethod
    def known_states(cls, value: list[str]) -> list[str]:
        states = [s.strip() for item in value for s in item.split(",") if s.strip()]
        unknown = [s for s in states if s not in lc.CaseState.__members__.values()]
        if unknown:
            raise ValueError(f"unknown state {', '.join(unknown)}; one of {', '.join(lc.CaseState)}")
        return list(dict.fromkeys(states))

    def to_query(self) -> queries.QueueQuery:
        return queries.QueueQuery(
            shop=self.shop, platform=self.platform, states=tuple(self.state),
            case_type=self.type.value if self.type else None, problem_type=self.problem_type,
            priority_band=self.priority_band.value if self.priority_band else None,
            deadline_before=self.deadline_before, open=self.open, q=self.q, sort=self.sort,
            cursor=self.cursor, limit=self.limit)


def page(organisation, f: QueueFilters) -> tuple[list[Case], str | None]:
    """One page of the queue for these filters and the next page's cursor (cases.queries does the work)."""
    return queries.page(organisation, f.to_query())
