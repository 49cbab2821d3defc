"""The one connector interface, and the plain facts every platform module maps its payloads to.

A connector is four things about one platform:

- **receiving** a push: `verify` its signature scheme, `split` the body into `RawEvent`s (one per
  platform event, with the platform's own event id and update time), and the `acknowledgement`
  the platform expects back;
- **interpreting** a raw event (pushed or pulled) as `Change`s in the core's terms: an order to
  know, a case's type / status / deadline / amounts, a buyer's message, a tracking scan;
- **pulling** the changes since a cursor, a page at a time (`pull_request` / `parse_page`);
- **acting back**: the platform request that carries one of our decisions (`action_request`), or
  a `NotSent` saying why the platform has no such call.

The modules hold data and small pure functions; the network, the database and the core's services
are elsewhere (clients.py, ingest.py, outbound.py).
"""

from __future__ import annotations

import abc
import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any


# --- what travels --------------------------------------------------------------------------------

@dataclass(frozen=True)
class RawEvent:
    event_id: str                  # msg_id, tts_notification_id, TMC id, X-Shopify-Webhook-Id, "pull:..."
    kind: str                      # Douyin tag, TikTok type, TMC topic, Shopify topic, "pull"
    shop_key: str                  # the platform's id of the shop the event is about
    occurred_at: datetime | None   # the platform's update time (orders the events of one case)
    payload: dict
    subject: str = ""              # the platform case or order id, for the record


@dataclass
class CaseFacts:
    platform_case_id: str
    order_id: str
    status: str = ""               # raw platform status; "" keeps the current one (deadline / arbitration only)
    qualifier: str = ""            # e.g. Douyin refund_status beside status 12
    platform_type: str = ""        # raw type, mapped by the profile
    refund_status: str = ""
    arbitration_status: str = ""
    reason: str = ""               # raw reason code, mapped by the profile
    reason_text: str = ""
    amount: Decimal | None = None  # what the buyer asks back, in the shop's currency
    line_ids: list[str] = field(default_factory=list)   # platform sub-order ids; empty: the whole order
    deadline: datetime | None = None
    carrier: str = ""              # the return parcel, once the buyer shipped it
    tracking_number: str = ""
    version_token: str = ""        # what the platform wants back on writes
    node: str = ""                 # with no status: the status the deadline belongs to (Douyin 209)


@dataclass
class MessageFacts:
    message_id: str
    body: str
    platform_case_id: str = ""     # the case it belongs to, when the platform says
    order_id: str = ""
    buyer_key: str = ""            # else: the buyer's latest open case in the shop
    conversation_id: str = ""


@dataclass
class TrackingFacts:
    carrier: str
    tracking_number: str
    status: str                    # normalised: accepted, in_transit, at_hub, out_for_delivery, delivered, exception, returned
    occurred_at: datetime
    description: str = ""
    location: str = ""
    event_id: str = ""


@dataclass
class Change:
    kind: str                      # "order" | "case" | "message" | "tracking" | "ignored"
    occurred_at: datetime | None = None
    order_id: str = ""
    order: Any = None              # an orders.services.OrderIn when the event carries the whole order
    case: CaseFacts | None = None
    message: MessageFacts | None = None
    tracking: TrackingFacts | None = None
    note: str = ""                 # why an event was ignored


@dataclass(frozen=True)
class PlatformRequest:
    api: str                       # "/afterSale/operate", "taobao.refund.refuse", "POST /return_refund/..."
    params: dict = field(default_factory=dict)
    label: str = ""                # what a person reads: "同意退货申请 (operate type 101)"


@dataclass(frozen=True)
class Page:
    events: list[RawEvent]
    next_token: str = ""           # "" when the window is done


class NotSent(Exception):
    """This platform has no API for the step: nothing to send (the agent does it in the back office)."""


class PlatformError(Exception):
    """The platform refused or failed a call.  `retryable`: a later try may work (5xx, timeouts)."""

    def __init__(self, message: str, code: str = "", retryable: bool = False):
        super().__init__(message)
        self.code, self.retryable = code, retryable


class RateLimited(PlatformError):
    def __init__(self, message: str = "rate limited", retry_after: float = 0):
        super().__init__(message, "429", retryable=True)
        self.retry_after = retry_after


class Retry(Exception):
    """The event needs something that has not arrived yet (an order, a case): try again later."""


# --- the interface -------------------------------------------------------------------------------

class Connector(abc.ABC):
    platform: str                   # the Shop.platform it serves
    name: str
    fixtures_source: str = ""       # where the payload shapes come from (docs/CONNECTORS.md)

    # receiving
    @abc.abstractmethod
    def routing(self, body: bytes, headers, query) -> tuple[str, str]:
        """("app_key" | "shop", value): how to find the connection whose secret checks the signature."""

    @abc.abstractmethod
    def verify(self, body: bytes, headers, query, app_key: str, secrets: dict) -> bool: ...

    @abc.abstractmethod
    def split(self, body: bytes, headers, query) -> list[RawEvent]: ...

    def acknowledgement(self) -> dict:
        return {}

    # interpreting
    @abc.abstractmethod
    def interpret(self, event: RawEvent, client, connection) -> list[Change]: ...

    @abc.abstractmethod
    def order_request(self, order_id: str) -> PlatformRequest: ...

    @abc.abstractmethod
    def parse_order(self, response: dict, order_id: str, shop):
        """An orders.services.OrderIn from the platform's order detail, or None when it has none."""

    # pulling
    @abc.abstractmethod
    def pull_request(self, since: datetime, until: datetime, token: str) -> PlatformRequest: ...

    @abc.abstractmethod
    def parse_page(self, response: dict, shop_key: str) -> Page: ...

    # acting back
    @abc.abstractmethod
    def action_request(self, topic: str, payload: dict, case, link) -> PlatformRequest:
        """The request for an outbox row of the platform channel; raises NotSent."""

    # signing outgoing requests (clients.HttpClient)
    def sign_request(self, request: PlatformRequest, app_key: str, secrets: dict, now: datetime) -> dict:
        raise NotImplementedError


# --- small shared helpers ------------------------------------------------------------------------

def md5_hex(text: str | bytes) -> str:
    return hashlib.md5(text if isinstance(text, bytes) else text.encode()).hexdigest()


def hmac_sha256(key: str, message: bytes) -> bytes:
    return hmac.new(key.encode(), message, hashlib.sha256).digest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest((a or "").encode(), (b or "").encode())


def epoch(value) -> datetime | None:
    """Epoch seconds (int or digits) as an aware UTC datetime; None for nothing."""
    if value in (None, "", 0, "0"):
        return None
    try:
        return datetime.fromtimestamp(int(value), tz=timezone.utc)
    except (TypeError, ValueError, OverflowError):
        return None


def header(headers, name: str) -> str:
    return (headers.get(name) or headers.get(name.lower()) or "").strip()
