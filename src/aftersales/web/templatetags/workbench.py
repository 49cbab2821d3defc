"""Filters for workbench templates: money in the active language's format."""

from __future__ import annotations

from django import template

from aftersales.web import present

register = template.Library()


@register.filter
def money(amount, currency):
    """{{ case.requested_amount|money:case.currency }} -> "¥199.00" / "CN¥199.00" / "$12.99"."""
    return present.money(amount, currency)
