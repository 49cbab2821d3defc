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


def pending_migrations() -> list[str]:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{m.app_label}.{m.name}" for m, _ in plan]


def require_database(migrate: bool = False, stdout=None) -> None:
    """Stop with a clear message (or, for setup commands, migrate) when the database is not ready."""
    from django.core.management import call_command

    try:
        pending = pending_migrations()
    except Exception as exc:  # the database cannot be reached at all
        raise CommandError(f"cannot open the database: {exc}") from None
    if not pending:
        return
    if migrate:
        call_command("migrate", verbosity=0)
        if stdout is not None:
            stdout.write(f"Database set up ({len(pending)} migrations applied).")
        return
    raise CommandError(f"the database is not set up ({len(pending)} migrations pending): run `aftersales migrate`")
