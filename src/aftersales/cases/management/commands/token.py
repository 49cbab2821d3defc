"""aftersales token: issue an API token for an organisation (printed once, stored hashed)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from aftersales.accounts.models import ApiToken, Role
from aftersales.cases.management.commands._common import organisation, require_database


class Command(BaseCommand):
    help = "Issue an API token for an organisation; it is printed once and only its hash is kept."

    def add_arguments(self, parser):
        parser.add_argument("--organisation", help="the organisation's slug (default: the only one)")
        parser.add_argument("--name", required=True, help="what the token is for, e.g. 'ERP sync'")
        parser.add_argument("--role", default=Role.SUPERVISOR, choices=Role.values,
                            help="what the token may do (default: supervisor)")

    def handle(self, *args, **opts):
        require_database()
        name = opts["name"].strip()
        if not name:
            raise CommandError("--name must not be empty")
        org = organisation(opts["organisation"])
        token, raw = ApiToken.issue(org, name[:100], role=opts["role"])
        self.stderr.write(f"Token {token.name!r} for {org.slug} ({token.role}); it is shown only now:")
        self.stdout.write(raw)
