"""now(): the one place time comes from.  Tests freeze it with time-machine."""

from datetime import datetime

from django.utils import timezone


def now() -> datetime:
    return timezone.now()
