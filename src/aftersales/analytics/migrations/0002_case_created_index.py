"""Indexes on the core's cases and orders tables that only the weekly roll-up needs: its GROUP BYs read one
week of one organisation, `WHERE organisation_id = ? AND created_at >= ? AND created_at < ?`
(analytics.stats.roll_up).  Kept in this app so that the core's migrations stay the core's; both
SQLite and PostgreSQL take the statement as written."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("analytics", "0001_initial"), ("cases", "0005_case_priority_boosts"),
                    ("orders", "__first__")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS analytics_case_org_created_idx ON cases_case (organisation_id, created_at)",
            "DROP INDEX IF EXISTS analytics_case_org_created_idx",
        ),
        # the week's orders per shop: WHERE organisation_id = ? AND placed_at >= ? AND placed_at < ?
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS analytics_order_org_placed_idx ON orders_order (organisation_id, placed_at)",
            "DROP INDEX IF EXISTS analytics_order_org_placed_idx",
        ),
    ]
