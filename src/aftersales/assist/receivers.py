"""The "message" fact (cases.signals): every new buyer message is read at once, in the sender's
process after its commit (stage one takes about a millisecond; the rare stage-two call a few tens).
A failure is logged and never reaches the sender."""

from __future__ import annotations

import logging

from django.dispatch import receiver

from aftersales.cases.signals import facts_changed

log = logging.getLogger(__name__)


@receiver(facts_changed)
def on_message(sender, organisation_id, case_ids, data, **kwargs):
    if sender != "message" or data.get("author") != "buyer":
        return
    from aftersales.assist.services import assess_message

    for case_id in case_ids:
        for message_id in data.get("messages", []):
            try:
                assess_message(case_id, message_id)
            except Exception:  # a receiver must not fail the sender
                log.exception("assist: could not assess message %s of case %s", message_id, case_id)
