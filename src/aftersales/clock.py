"""now(): the one place time comes from.  Tests freeze it with time-machine."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from django.utils import timezone


def now() -> datetime:
    return timezone.now()


@contextmanager
def at(moment: datetime) -> Iterator[None]:
    """Let the services see `moment` as now (the demos seed weeks of history this way)."""
    global now
    real = now
    now = lambda: moment  # noqa: E731
    try:
        yield
    finally:
        now = real
