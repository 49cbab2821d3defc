"""Sender classes for the channels that carry one short text to one address: SMS and a
platform's chat.  Which class serves a channel is a setting (AFTERSALES_SMS_SENDER,
AFTERSALES_PLATFORM_MESSAGE_SENDER: a dotted path), so a gateway is plugged in without touching
the delivery loop:

    class MyGateway(MessageSender):
        def send(self, to, text, *, key, message):
            gateway.post(to=to, text=text, client_ref=key)   # the gateway drops a repeated client_ref
            return "accepted by the gateway"

`key` is the same for every attempt at one outbox row: hand it to the gateway as its
idempotency key, so that a retry after an unclear failure (a timeout after the gateway took the
message) does not reach the buyer twice.  The senders here honour it themselves.

E-mail is not a sender class: it goes through Django's e-mail backends (EMAIL_BACKEND).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)


class Skip(Exception):
    """Nothing to deliver to: recorded, not retried."""


class MessageSender:
    def __init__(self, channel: str):
        self.channel = channel

    def send(self, to: str, text: str, *, key: str, message) -> str:
        """Deliver `text` to `to`; return a note for the outbox row.  Raise to ask for a retry,
        `Skip` when there is nothing to deliver to."""
        raise NotImplementedError


class LogSender(MessageSender):
    """Writes the message to the log (no gateway)."""

    def send(self, to, text, *, key, message):
        log.info("%s to %s (%s): %s", self.channel, to, key, text)
        return "logged (no gateway configured)"


class FileSender(MessageSender):
    """One file per message under AFTERSALES_HOME/<channel>/, named by its key: like Django's
    file e-mail backend, for the demo and for development.  A key already written is not
    written again."""

    def send(self, to, text, *, key, message):
        folder = settings.HOME / self.channel
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{key}.txt"
        if path.exists():
            return f"already written to {path}"
        path.write_text(f"To: {to}\nKey: {key}\n\n{text}\n", encoding="utf-8")
        return f"written to {path}"


@dataclass(frozen=True)
class Sent:
    channel: str
    to: str
    text: str
    key: str
    topic: str


class RecordingSender(MessageSender):
    """The test double: remembers what was sent, in `RecordingSender.sent` (shared by every
    instance, like django.core.mail.outbox).  A key it has seen is not recorded again, as a
    gateway with idempotency keys behaves.  `fail_next` makes the next sends raise."""

    sent: list[Sent] = []
    fail_next: int = 0
    _lock = threading.Lock()

    @classmethod
    def reset(cls) -> None:
        with cls._lock:
            cls.sent = []
            cls.fail_next = 0

    def send(self, to, text, *, key, message):
        with self._lock:
            if RecordingSender.fail_next > 0:
                RecordingSender.fail_next -= 1
                raise ConnectionError("gateway unavailable (test double)")
            if any(s.key == key for s in RecordingSender.sent):
                return "already sent (same key)"
            RecordingSender.sent.append(Sent(self.channel, to, text, key, message.topic))
        return "recorded"


class NoPlatformSender(MessageSender):
    """Until a shop has a platform connector (issue 8 registers one), its chat messages are
    skipped, never silently dropped."""

    def send(self, to, text, *, key, message):
        raise Skip("no platform connector configured for this shop")


@lru_cache(maxsize=None)
def _load(path: str, channel: str) -> MessageSender:
    cls = import_string(path)
    return cls(channel)


def for_channel(channel: str) -> MessageSender:
    """The configured sender of `channel` ("sms" or "platform")."""
    path = {"sms": settings.SMS_SENDER, "platform": settings.PLATFORM_MESSAGE_SENDER}[channel]
    return _load(path, channel)
