"""Tracking scans from platform traffic, handed to the logistics app.

The logistics issue provides `aftersales.logistics.services.record_tracking_event(...)` (the
contract in the developers' guide).  Until that app is installed this adapter writes one log line
and records nothing; the connectors never import logistics anywhere else.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging

log = logging.getLogger("aftersales.connectors.tracking")


def logistics_available() -> bool:
    from django.apps import apps

    return apps.is_installed("aftersales.logistics") and importlib.util.find_spec("aftersales.logistics.services") is not None


def record(organisation, facts, *, source: str, raw: dict | None = None) -> str:
    if not logistics_available():
        log.info("tracking %s %s %s at %s from %s: the logistics app is not installed, nothing recorded",
                 facts.carrier, facts.tracking_number, facts.status, facts.occurred_at.isoformat(), source)
        return "tracking-skipped"
    services = importlib.import_module("aftersales.logistics.services")
    services.record_tracking_event(
        organisation, carrier=facts.carrier, tracking_number=facts.tracking_number, status=facts.status,
        occurred_at=facts.occurred_at, description=facts.description, location=facts.location,
        event_id=facts.event_id, source=source, raw=raw)
    return "tracked"
