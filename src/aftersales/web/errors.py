"""Refusals and service errors (aftersales.errors) as pages: the message in the viewer's language,
the error's HTTP status.  An htmx request gets the message in the flash area (`#flash`) instead of
its own target (htmx is configured in base.html to swap 4xx answers)."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import get_language

from aftersales.errors import AftersalesError


def message_of(exc: AftersalesError) -> str:
    return exc.message_zh if (get_language() or "").startswith("zh") else exc.message


def refusal(request, message: str, *, status: int = 403):
    """The error page, or for htmx the message in the flash area."""
    flash = [("error", message)]
    if getattr(request, "htmx", False):
        response = render(request, "web/partials/flash.html", {"flash": flash}, status=status)
        response["HX-Retarget"] = "#flash"
        response["HX-Reswap"] = "innerHTML"
        return response
    return render(request, "web/error.html", {"message": message, "status": status}, status=status)


def error_response(request, exc: AftersalesError):
    return refusal(request, message_of(exc), status=exc.status)
