"""What the commands share: finding the organisation a command acts for."""

from __future__ import annotations

from django.core.management.base import CommandError

from aftersales.accounts.models import Organisation


def organisation(slug: str | None) -> Organisation:
    """The organisation named by `slug`; without one, the only organisation there is."""
    if slug:
        org = Organisation.objects.filter(slug=slug).first()
        if org is None:
            known = ", ".join(Organisation.objects.order_by("slug").values_list("slug", flat=True)[:10]) or "none yet"
            raise CommandError(f"no organisation {slug!r} (known: {known})")
        return org
    orgs = list(Organisation.objects.order_by("slug")[:2])
    if len(orgs) == 1:
        return orgs[0]
    if not orgs:
        raise CommandError("there is no organisation yet: run `aftersales demo`, or "
                           "`aftersales createuser NAME --organisation SLUG --create-organisation NAME`")
    raise CommandError("there are several organisations: say which with --organisation SLUG")
