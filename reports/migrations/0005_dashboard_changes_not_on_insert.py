from django.db import migrations

from reports import dashboard_cache


def reinstall_triggers(apps, schema_editor):
    dashboard_cache.uninstall(schema_editor)
    dashboard_cache.install(schema_editor)


class Migration(migrations.Migration):
    """A new unit, award kind or round no longer makes every dashboard count everything again
    (reports/dashboard_cache.py, EVERYWHERE): nothing is counted of it yet. Nor does a member's
    gender corrected: the member counters and the nominations' copy of it say in which branch.
    Backwards, the triggers stay as they are: the rows those triggers wrote changed nothing
    that the other triggers do not also say."""

    dependencies = [
        ("reports", "0004_dashboard_changes_compacted"),
    ]

    operations = [
        migrations.RunPython(reinstall_triggers, migrations.RunPython.noop),
    ]
