"""Failed-login throttling in the cache: after LOGIN_MAX_FAILURES failures for one user name from
one address within LOGIN_LOCKOUT_MINUTES, further attempts are refused (even with the right
password) until that window, counted from the first failure, has passed.

Keyed by user name *and* address, so that someone guessing one account's password cannot lock its
owner out from elsewhere.  The address is REMOTE_ADDR: behind a proxy, have the proxy set it (the
waitress server of `aftersales serve` is usually reached directly).  With the default local-memory
cache each server process counts on its own; set REDIS_URL to count across processes.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


def _key(username: str, ip: str) -> str:
    digest = hashlib.sha256(f"{username.strip().lower()}|{ip}".encode()).hexdigest()[:32]
    return f"login-failures:{digest}"


def window_seconds() -> int:
    return settings.LOGIN_LOCKOUT_MINUTES * 60


def is_locked(username: str, ip: str) -> bool:
    return cache.get(_key(username, ip), 0) >= settings.LOGIN_MAX_FAILURES


def record_failure(username: str, ip: str) -> int:
    """Count one failure; the count expires LOGIN_LOCKOUT_MINUTES after the first one."""
    key = _key(username, ip)
    if cache.add(key, 1, window_seconds()):
        return 1
    try:
        return cache.incr(key)
    except ValueError:   # expired between add and incr
        cache.set(key, 1, window_seconds())
        return 1


def clear(username: str, ip: str) -> None:
    cache.delete(_key(username, ip))
