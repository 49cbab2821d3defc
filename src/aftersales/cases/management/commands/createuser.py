"""aftersales createuser: a person of a merchant's team, with a role."""

from __future__ import annotations

import getpass
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify

from aftersales.accounts.models import Membership, Organisation, Role
from aftersales.cases.management.commands._common import require_database


class Command(BaseCommand):
    help = "Create a user in an organisation with a role (agent, supervisor, warehouse, finance, owner)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--organisation", required=True, help="the organisation's slug")
        parser.add_argument("--create-organisation", metavar="NAME",
                            help="create the organisation with this name when it does not exist")
        parser.add_argument("--role", default=Role.AGENT, choices=Role.values, help="default: agent")
        parser.add_argument("--email", default="")
        parser.add_argument("--password", help="the password (prefer --password-stdin or the prompt)")
        parser.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
        parser.add_argument("--refund-limit", help="refund approval limit (default: none)")
        parser.add_argument("--staff", action="store_true", help="may sign in to the Django admin")
        parser.add_argument("--superuser", action="store_true",
                            help="may see and change everything in the Django admin (all organisations)")

    def handle(self, *args, **opts):
        require_database()
        User = get_user_model()
        username = opts["username"].strip()
        if not username:
            raise CommandError("the username must not be empty")
        if User.objects.filter(username=username).exists():
            raise CommandError(f"a user {username!r} exists already")
        slug = opts["organisation"].strip()
        org = Organisation.objects.filter(slug=slug).first()
        if org is None and not opts["create_organisation"]:
            raise CommandError(f"no organisation {slug!r}; add --create-organisation NAME to create it")
        if org is None and slugify(slug) != slug:
            raise CommandError(f"{slug!r} is not a valid slug (letters, digits, - and _)")
        limit = None
        if opts["refund_limit"]:
            from decimal import Decimal, InvalidOperation
            try:
                limit = Decimal(opts["refund_limit"])
            except InvalidOperation:
                raise CommandError(f"--refund-limit {opts['refund_limit']!r}: not an amount") from None
        password = self._password(opts)
        user = User(username=username, email=opts["email"])
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError("password refused: " + " ".join(exc.messages)) from None
        with transaction.atomic():
            if org is None:
                org = Organisation.objects.create(name=opts["create_organisation"].strip() or slug, slug=slug)
                self.stdout.write(f"Created organisation {org.name} ({org.slug})")
            user.set_password(password)
            user.is_staff = bool(opts["staff"] or opts["superuser"])
            user.is_superuser = bool(opts["superuser"])
            user.save()
            Membership.objects.create(user=user, organisation=org, role=opts["role"], refund_approval_limit=limit)
        self.stdout.write(f"Created {opts['role']} {username} in {org.slug}")

    def _password(self, opts) -> str:
        if opts["password_stdin"]:
            password = sys.stdin.readline().rstrip("\r\n")
        elif opts["password"] is not None:
            password = opts["password"]
        elif sys.stdin.isatty():
            password = getpass.getpass("Password: ")
            if getpass.getpass("Password (again): ") != password:
                raise CommandError("the passwords differ")
        else:
            raise CommandError("no password: give --password, --password-stdin, or run it in a terminal")
        if not password:
            raise CommandError("the password must not be empty")
        return password
