"""Failed-attempt throttling in the cache: after LOGIN_MAX_FAILURES failures for one user name from
one address within LOGIN_LOCKOUT_MINUTES, further attempts are refused (even with the right
password) until that window, counted from the first failure, has passed.

Keyed by user name *and* address, so that someone guessing one account's password cannot lock its
owner out from elsewhere.  The address is REMOTE_ADDR: behind a proxy, have the proxy set it (the
waitress server of `aftersales serve` is usually reached directly).  With the default local-memory
cache each server process counts on its own; set REDIS_URL to count across processes.

The same counting serves other forms under a `scope` of their own (`Limit`): the buyer portal's
order lookup counts failures per address and per order number.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


@dataclass(frozen=True)
class Limit:
    scope: str           # the cache keys' prefix, e.g. "login-failures"
    max_failures: int
    window_seconds: int


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


def _scoped_key(scope: str, *parts: str) -> str:
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]
    return f"{scope}:{digest}"


def over(limit: Limit, *parts: str) -> bool:
    return cache.get(_scoped_key(limit.scope, *parts), 0) >= limit.max_failures


def count(limit: Limit, *parts: str) -> int:
    """Count one failure; the count expires `window_seconds` after the first one."""
    key = _scoped_key(limit.scope, *parts)
    if cache.add(key, 1, limit.window_seconds):
        return 1
    try:
        return cache.incr(key)
    except ValueError:   # expired between add and incr
        cache.set(key, 1, limit.window_seconds)
        return 1


def forget(limit: Limit, *parts: str) -> None:
    cache.delete(_scoped_key(limit.scope, *parts))


def _login() -> Limit:
    return Limit("login-failures", settings.LOGIN_MAX_FAILURES, window_seconds())


def _who(username: str, ip: str) -> tuple[str, str]:
    return username.strip().lower(), ip


def window_seconds() -> int:
    return settings.LOGIN_LOCKOUT_MINUTES * 60


def is_locked(username: str, ip: str) -> bool:
    return over(_login(), *_who(username, ip))


def record_failure(username: str, ip: str) -> int:
    """Count one failure; the count expires LOGIN_LOCKOUT_MINUTES after the first one."""
    return count(_login(), *_who(username, ip))


def clear(username: str, ip: str) -> None:
    forget(_login(), *_who(username, ip))
