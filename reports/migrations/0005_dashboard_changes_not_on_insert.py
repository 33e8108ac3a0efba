from django.db import migrations

from reports import dashboard_cache


def reinstall_triggers(apps, schema_editor):
    dashboard_cache.uninstall(schema_editor)
    dashboard_cache.install(schema_editor)


class Migration(migrations.Migration):
    """A new unit, award kind or round no longer makes every dashboard count everything again
    (reports/dashboard_cache.py, EVERYWHERE): nothing is counted of it yet. Backwards, the
    triggers stay as they are: without the insert triggers, a dashboard only keeps what it
    counted, which a new row leaves right."""

    dependencies = [
        ("reports", "0004_dashboard_changes_compacted"),
    ]

    operations = [
        migrations.RunPython(reinstall_triggers, migrations.RunPython.noop),
    ]
