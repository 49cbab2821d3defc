"""`aftersales classify`: JSON Lines in, JSON Lines out (see assist/cli.py; this is the Django-side
entry, used when the fast path in aftersales/cli.py is bypassed)."""

from django.core.management.base import BaseCommand

from aftersales.assist import cli


class Command(BaseCommand):
    help = "Problem type, urgency and confidence of JSON Lines messages on standard input"

    def add_arguments(self, parser):
        cli.classify_arguments(parser)

    def handle(self, *args, **options):
        raise SystemExit(cli.classify(options))
