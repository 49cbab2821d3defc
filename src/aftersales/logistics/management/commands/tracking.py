"""aftersales tracking import FILE | tracking poll CARRIER NUMBER... | tracking stuck | tracking secret"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from aftersales.cases.management.commands._common import organisation, require_database
from aftersales.errors import ValidationFailed


class Command(BaseCommand):
    help = "Parcel tracking: import scans from a CSV/JSON file, poll a carrier, flag stuck parcels."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="record the scans in a .csv, .json or .jsonl file")
        imp.add_argument("file")
        imp.add_argument("--carrier", default="", help="the carrier of rows that do not name one")
        imp.add_argument("--organisation")
        poll = sub.add_parser("poll", help="ask a carrier client (the recorded double) for these numbers' scans")
        poll.add_argument("carrier")
        poll.add_argument("numbers", nargs="+")
        poll.add_argument("--organisation")
        sub.add_parser("stuck", help="flag the parcels that stopped moving now")
        secret = sub.add_parser("secret", help="print the organisation's carrier webhook secret")
        secret.add_argument("--organisation")

    def handle(self, *args, action, **options):
        require_database()
        if action == "import":
            return self._import(options)
        if action == "poll":
            from aftersales.logistics.clients import RecordedClient, poll

            org = organisation(options["organisation"])
            client = RecordedClient(options["carrier"])
            for number in options["numbers"]:
                self.stdout.write(f"{number}: {poll(org, client, number)} new scans")
            return
        if action == "stuck":
            from aftersales.logistics.services import flag_stuck

            self.stdout.write(json.dumps(flag_stuck()))
            return
        from aftersales.logistics.views import organisation_secret

        self.stdout.write(organisation_secret(organisation(options["organisation"])))

    def _import(self, options):
        from aftersales.logistics.importer import parse_rows, record_rows

        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        org = organisation(options["organisation"])
        try:
            rows = parse_rows(path.name, path.read_bytes())
        except (ValidationFailed, UnicodeDecodeError) as exc:
            raise CommandError(f"{path}: {getattr(exc, 'message', exc)}") from None
        result = record_rows(org, rows, source="import", default_carrier=options["carrier"])
        for row, name, message in result.errors:
            self.stderr.write(f"row {row}: {name}: {message}")
        self.stdout.write(f"{result.recorded} scans recorded, {result.duplicates} already known, "
                          f"{len(result.errors)} rows refused")
        if result.errors:
            raise CommandError(f"{len(result.errors)} of {len(rows)} rows refused")
