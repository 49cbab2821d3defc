"""Facts about a case that other parts react to, sent after the transaction that recorded them commits.

    facts_changed(sender=<kind>, organisation_id=int, case_ids=list[int], data=dict)

`kind` is one of FACT_KINDS:
- "message": a buyer or seller message was added (data: message ids, author);
- "inspection": the warehouse recorded an inspection (data: outcome);
- "tracking": a parcel's tracking moved (sent by logistics.services.record_tracking_event; data: status,
  one of domain.tracking's normalised statuses; parcel, "outbound" or "return"; shipment, the
  orders.Shipment or cases.ReturnShipment id; parcel_id, the logistics Parcel; problem, "" or
  lost/damaged);
- "evidence": evidence was uploaded;
- "follow_up": the buyer answered the follow-up.

Receivers (risk re-scoring, assistance, reports) must be idempotent: the same fact may be sent twice,
and a receiver that fails must not undo the change that was already committed.  `send_after_commit`
is the one way to send it: inside a transaction it waits for the commit; a rolled-back change sends
nothing.
"""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

FACT_KINDS = ("message", "inspection", "tracking", "evidence", "follow_up")

facts_changed = Signal()


def send_after_commit(kind: str, organisation_id: int, case_ids: list[int], **data) -> None:
    if kind not in FACT_KINDS:
        raise ValueError(f"unknown fact kind {kind!r}")
    case_ids = list(case_ids)
    transaction.on_commit(lambda: facts_changed.send(
        sender=kind, organisation_id=organisation_id, case_ids=case_ids, data=data))
