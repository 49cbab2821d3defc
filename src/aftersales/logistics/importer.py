"""Tracking scans from files (CSV or JSON) and from carriers' pushes, row by row.

A row: carrier, tracking_number, status (a contract word, or the carrier's own words in
raw_status), time (ISO 8601 with its offset), and optionally event_id, description, location.
A bad row is reported with its number and field and the others are still recorded.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import datetime

from aftersales.domain import tracking as tr
from aftersales.errors import ValidationFailed
from aftersales.logistics.services import record_tracking_event


@dataclass
class ImportResult:
    recorded: int = 0
    duplicates: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)   # (row number, field, message)

    def as_dict(self) -> dict:
        return {"recorded": self.recorded, "duplicates": self.duplicates,
                "errors": [{"row": r, "field": f, "message": m} for r, f, m in self.errors]}


def parse_rows(name: str, data: bytes) -> list[dict]:
    """The rows of a .csv, .json (a list, or {"events": [...]}) or .jsonl file; ValidationFailed on
    a file that is not one of these."""
    text = data.decode("utf-8-sig")
    if name.lower().endswith(".csv"):
        return list(csv.DictReader(io.StringIO(text)))
    try:
        if name.lower().endswith(".jsonl"):
            return [json.loads(line) for line in text.splitlines() if line.strip()]
        loaded = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationFailed(f"file: not JSON ({exc})", fields={"file": [str(exc)]}) from None
    rows = loaded.get("events") if isinstance(loaded, dict) else loaded
    if not isinstance(rows, list):
        raise ValidationFailed.field("file", "expected a list of events or {\"events\": [...]}")
    return rows


def _row(row, default_carrier: str) -> dict:
    if not isinstance(row, dict):
        raise ValidationFailed.field("row", "not an object")
    carrier = str(row.get("carrier") or default_carrier or "").strip()
    if not carrier:
        raise ValidationFailed.field("carrier", "required")
    status = str(row.get("status") or "").strip()
    if not status and row.get("raw_status"):
        status = tr.map_raw(tr.carrier(carrier), str(row["raw_status"])) or ""
        if not status:
            raise ValidationFailed.field("raw_status", f"unknown carrier status {row['raw_status']!r}")
    if not status:
        raise ValidationFailed.field("status", "required")
    when = str(row.get("time") or row.get("occurred_at") or "").strip()
    try:
        occurred_at = datetime.fromisoformat(when)
    except ValueError:
        raise ValidationFailed.field("time", f"not an ISO 8601 time: {when!r}") from None
    if occurred_at.tzinfo is None:
        raise ValidationFailed.field("time", "the time needs its offset, e.g. +08:00")
    return {"carrier": carrier, "tracking_number": str(row.get("tracking_number") or "").strip(), "status": status,
            "occurred_at": occurred_at, "description": str(row.get("description") or row.get("raw_status") or ""),
            "location": str(row.get("location") or ""), "event_id": str(row.get("event_id") or row.get("id") or "")}


def record_rows(organisation, rows: list, *, source: str, default_carrier: str = "") -> ImportResult:
    result = ImportResult()
    for number, row in enumerate(rows, start=1):
        try:
            recorded = record_tracking_event(organisation, source=source, raw=row if isinstance(row, dict) else None,
                                             **_row(row, default_carrier))
        except ValidationFailed as exc:
            name, messages = next(iter(exc.fields.items()), ("row", [exc.message]))
            result.errors.append((number, name, "; ".join(messages)))
            continue
        if recorded.created:
            result.recorded += 1
        else:
            result.duplicates += 1
    return result
