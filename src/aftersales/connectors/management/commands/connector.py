"""aftersales connector: the shops' platform connections (list, set, stats, fake failures, key rotation)."""

from __future__ import annotations

import json
import sys
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count

from aftersales.cases.management.commands._common import require_database
from aftersales.catalog.models import Shop
from aftersales.connectors import vault
from aftersales.connectors.models import Connection, InboundEvent, WebhookDelivery
from aftersales.connectors.services import connect_shop
from aftersales.connectors.simulator import percentile
from aftersales.errors import AftersalesError


class Command(BaseCommand):
    help = "Platform connections: list, set credentials, event stats, fake failures, rotate the encryption keys."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        sub.add_parser("list", help="the connections (secrets shown masked)")
        s = sub.add_parser("set", help="connect a shop; secrets are read from standard input as JSON")
        s.add_argument("--shop", type=int, required=True, help="the shop's id")
        s.add_argument("--app-key", required=True)
        s.add_argument("--remote-shop-id", default="", help="what the platform calls the shop (default: its platform id)")
        s.add_argument("--client", choices=["http", "fake"], default="http")
        st = sub.add_parser("stats", help="received events by status and how long processing took")
        st.add_argument("--since", help="ISO time (default: everything)")
        f = sub.add_parser("fail-next", help="recording fake only: make the shop's next N calls fail")
        f.add_argument("--shop", type=int, required=True)
        f.add_argument("count", type=int)
        f.add_argument("--error", default="")
        sub.add_parser("rotate-keys", help="re-encrypt every connection's secrets with the first key")

    def handle(self, *args, **o):
        require_database()
        getattr(self, "do_" + o["what"].replace("-", "_"))(o)

    def do_list(self, o):
        for c in Connection.objects.select_related("shop").order_by("platform", "pk"):
            self.stdout.write(f"{c.shop_id:>4} {c.platform:<12} {c.shop.name:<28} shop {c.remote_shop_id:<30} "
                              f"app {c.app_key:<22} {c.secrets_hint:<40} {c.client_kind:<5} "
                              f"pulled to {c.cursor_until.isoformat() if c.cursor_until else '-'}")

    def do_set(self, o):
        shop = Shop.objects.filter(pk=o["shop"]).first()
        if shop is None:
            raise CommandError(f"no shop {o['shop']}")
        try:
            secrets = json.loads(sys.stdin.read() or "{}")
        except ValueError:
            raise CommandError('standard input: JSON such as {"app_secret": "...", "access_token": "..."}') from None
        try:
            conn = connect_shop(shop, app_key=o["app_key"], secrets=secrets, remote_shop_id=o["remote_shop_id"],
                                client_kind=o["client"])
        except AftersalesError as exc:
            raise CommandError(f"{exc.message}: {exc.fields}") from None
        self.stdout.write(f"{shop.name}: connected to {conn.platform} ({conn.secrets_hint})")

    def do_stats(self, o):
        qs = InboundEvent.objects.all()
        deliveries = WebhookDelivery.objects.all()
        if o["since"]:
            try:
                since = datetime.fromisoformat(o["since"])
            except ValueError:
                raise CommandError("--since: an ISO time, e.g. 2026-11-30T10:00+08:00") from None
            qs, deliveries = qs.filter(received_at__gte=since), deliveries.filter(received_at__gte=since)
        for row in qs.values("connection__platform", "status").annotate(n=Count("pk")).order_by("connection__platform"):
            self.stdout.write(f"events {row['connection__platform']:<12} {row['status']:<8} {row['n']:>7}")
        for row in deliveries.values("platform", "outcome").annotate(n=Count("pk")).order_by("platform"):
            self.stdout.write(f"deliveries {row['platform']:<12} {row['outcome']:<14} {row['n']:>7}")
        done = list(qs.filter(processed_at__isnull=False).values_list("received_at", "processed_at"))
        if done:
            lags = [(b - a).total_seconds() for a, b in done]
            first, last = min(a for a, _ in done), max(b for _, b in done)
            span = max((last - first).total_seconds(), 0.001)
            self.stdout.write(f"processed {len(done)} events in {span:.1f} s ({len(done) / span:.1f} events/s); "
                              f"lag from receipt p50 {percentile(lags, 50):.2f} s, p99 {percentile(lags, 99):.2f} s")

    def do_fail_next(self, o):
        conn = Connection.objects.filter(shop_id=o["shop"]).first()
        if conn is None or conn.client_kind != "fake":
            raise CommandError("only a shop on the recording fake client can be told to fail")
        conn.fake_behaviour = {"fail_actions": o["count"], **({"error": o["error"]} if o["error"] else {})}
        conn.save(update_fields=["fake_behaviour"])
        self.stdout.write(f"the next {o['count']} calls for {conn.shop} will fail")

    def do_rotate_keys(self, o):
        n = 0
        for conn in Connection.objects.exclude(secrets_encrypted=""):
            Connection.objects.filter(pk=conn.pk).update(secrets_encrypted=vault.rotate(conn.secrets_encrypted))
            n += 1
        self.stdout.write(f"{n} connections re-encrypted with the first key")
