"""What the platform modules share: money, times, and the parts of an order."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

CENT = Decimal("0.01")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def fen(value) -> Decimal | None:
    """Integer fen/cents (Douyin) as yuan."""
    try:
        return (Decimal(int(value)) / 100).quantize(CENT)
    except (TypeError, ValueError, InvalidOperation):
        return None


def decimal(value) -> Decimal | None:
    """A decimal string ("200.07", TikTok, Taobao, Shopify)."""
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value)).quantize(CENT)
    except InvalidOperation:
        return None


def shanghai_time(value) -> datetime | None:
    """"yyyy-MM-dd HH:mm:ss" in Beijing time (Taobao), as an aware datetime."""
    if not value:
        return None
    try:
        return datetime.strptime(str(value)[:19], "%Y-%m-%d %H:%M:%S").replace(tzinfo=SHANGHAI)
    except ValueError:
        return None


def iso_time(value) -> datetime | None:
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt if dt.tzinfo else None


def loads(body) -> object:
    """JSON from bytes or a string; a JSON string inside JSON (Douyin `data`, TMC `content`) too."""
    if isinstance(body, (bytes, bytearray)):
        body = body.decode("utf-8")
    return json.loads(body) if isinstance(body, str) else body


def dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def share(amount: Decimal | None, paid: Decimal) -> Decimal | None:
    """The platform's amount, never above what was paid for the lines (intake refuses more)."""
    if amount is None:
        return None
    return min(amount, paid)
