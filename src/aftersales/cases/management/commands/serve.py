"""aftersales serve: migrate, collect the static files, and serve with waitress.

The embedded default needs nothing else: SQLite under AFTERSALES_HOME, the job queue in the same
database, and with --with-worker the worker loop in a thread of this process.
"""

from __future__ import annotations

import signal
import sys
import threading

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

DEMO_USER, DEMO_PASSWORD = "demo", "demo-password-2026"


class Command(BaseCommand):
    help = "Serve the site and API with waitress (migrates first; --with-worker runs the jobs too)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument("--no-migrate", action="store_true", help="do not apply migrations first")
        parser.add_argument("--with-worker", action="store_true",
                            help="also run the worker loop (deadline sweep, outbox) in this process")

    def handle(self, *args, **opts):
        if not 0 < opts["port"] < 65536:
            raise CommandError(f"--port {opts['port']}: a port number from 1 to 65535")
        if not opts["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)

        from waitress import serve

        from aftersales.wsgi import application

        host = opts["host"]
        shown = f"[{host}]" if ":" in host else host
        url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else shown}:{opts['port']}"
        w = self.stdout.write
        w(f"aftersales on {url}/  (data in {settings.HOME})")
        w(f"  workbench: {url}/  (the agents' queue; log in there)")
        w(f"  admin:  {url}/admin/")
        w(f"  API:    {url}/api/v1/  (schema {url}/api/v1/openapi.json)")
        if get_user_model().objects.filter(username=DEMO_USER).exists():
            w(f"  demo login: {DEMO_USER} / {DEMO_PASSWORD}")
            token_file = settings.HOME / "demo-token.txt"
            if token_file.exists():
                w(f"  demo API token: in {token_file}")
        loop = thread = None
        if opts["with_worker"]:
            from aftersales.cases.management.commands.worker import Loop

            loop = Loop(settings.SWEEP_INTERVAL, out=lambda m: None)
            thread = threading.Thread(target=loop.run, name="aftersales-worker", daemon=True)
            thread.start()
            w(f"  worker: in this process, a tick every {settings.SWEEP_INTERVAL} s")
        w("Ctrl+C stops it.")
        self.stdout.flush()
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            serve(application, host=host, port=opts["port"], threads=opts["threads"], ident="aftersales")
        except OSError as exc:
            raise CommandError(f"cannot listen on {host}:{opts['port']}: {exc.strerror or exc}") from None
        except KeyboardInterrupt:
            pass
        finally:
            if loop is not None:
                loop.stop()
                thread.join(timeout=30)
