"""What an outbox row says to a person: a subject, the full text (e-mail) and the short text
(SMS, a platform's chat).  Renderers are registered per topic prefix by the app that owns the
words (the buyer portal registers "buyer." in its AppConfig.ready); a topic nobody renders is
written out as its payload, so nothing is ever dropped for want of words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from aftersales.notify.models import OutboxMessage


@dataclass(frozen=True)
class Notice:
    subject: str
    text: str             # the whole message (e-mail): may hold both languages
    short: str            # one text for SMS or a chat: the reader's language, with the link
    language: str = ""    # "zh-hans" | "en": the language `short` is in


Renderer = Callable[[OutboxMessage], "Notice | None"]
RENDERERS: dict[str, Renderer] = {}


def renderer(prefix: str):
    """@renderer("buyer.") def words(msg) -> Notice | None: the longest matching prefix renders."""
    def register(fn: Renderer) -> Renderer:
        RENDERERS[prefix] = fn
        return fn
    return register


def plain(msg: OutboxMessage) -> Notice:
    text = "\n".join(f"{k}: {v}" for k, v in sorted(msg.payload.items()))
    return Notice(subject=f"[aftersales] {msg.topic}", text=text, short=text)


def render(msg: OutboxMessage) -> Notice:
    for prefix in sorted(RENDERERS, key=len, reverse=True):
        if msg.topic.startswith(prefix):
            notice = RENDERERS[prefix](msg)
            if notice is not None:
                return notice
            break
    return plain(msg)
