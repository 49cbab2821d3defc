from django.core.management.base import BaseCommand

from aftersales.assist import cli


class Command(BaseCommand):
    help = "Quality and speed of each classification stage on a labelled JSON Lines file"

    def add_arguments(self, parser):
        cli.bench_arguments(parser)

    def handle(self, *args, **options):
        raise SystemExit(cli.bench(options))
