"""Carrier clients: ask a carrier (or an aggregator such as 快递100) for a parcel's scans.

A client is anything with `fetch(tracking_number) -> list[ScanEvent]`; `poll(organisation, client,
carrier, number)` records what it returns through the one contract.  The project ships the
recorded double, `RecordedClient`, that replays JSON fixtures (fixtures/<carrier>.json: a map of
tracking number to its scans as the carrier reported them), for tests and the demo; a real
client is written against the carrier's API and passed in the same way.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from aftersales.domain import tracking as tr

FIXTURES = Path(__file__).parent / "fixtures"


@dataclass(frozen=True)
class ScanEvent:
    status: str            # a contract status word (or lost/damaged)
    occurred_at: datetime
    description: str = ""
    location: str = ""
    event_id: str = ""
    raw: dict | None = None


class CarrierClient(Protocol):
    carrier: str

    def fetch(self, tracking_number: str) -> list[ScanEvent]: ...


class RecordedClient:
    """Replays a carrier's recorded answers; a number it has no answer for has no scans."""

    def __init__(self, carrier: str, path: Path | None = None):
        self.carrier = tr.carrier_code(carrier)
        self.path = path or FIXTURES / f"{self.carrier}.json"
        self._answers = json.loads(self.path.read_text("utf-8")) if self.path.exists() else {}

    def fetch(self, tracking_number: str) -> list[ScanEvent]:
        profile = tr.carrier(self.carrier)
        out = []
        for scan in self._answers.get(tracking_number, []):
            status = scan.get("status") or tr.map_raw(profile, scan.get("raw_status", "")) or "exception"
            out.append(ScanEvent(status=status, occurred_at=datetime.fromisoformat(scan["time"]),
                                 description=scan.get("raw_status", ""), location=scan.get("location", ""),
                                 event_id=scan.get("id", ""), raw=scan))
        return out


def poll(organisation, client: CarrierClient, tracking_number: str) -> int:
    """Record every scan the client returns; the number of new ones (the rest were known)."""
    from aftersales.logistics.services import record_tracking_event

    new = 0
    for e in client.fetch(tracking_number):
        result = record_tracking_event(organisation, carrier=client.carrier, tracking_number=tracking_number,
                                       status=e.status, occurred_at=e.occurred_at, description=e.description,
                                       location=e.location, event_id=e.event_id, source="client", raw=e.raw)
        new += result.created
    return new
