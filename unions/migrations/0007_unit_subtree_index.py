"""A subtree's unit ids from one range of one small index (issue 13, the officers' home pages).

`Unit.within_q` asks `unit_id IN (SELECT id FROM unions_unit WHERE path LIKE 'prefix%')` in
every worklist and badge of an officer below the root. The only covering index was
`unit_children` (depth, path): with no condition on the depth PostgreSQL read it whole (670
pages) for each subtree, and the plain path indexes are not covering (a heap visit per unit). A
btree on the path with the pattern operator class, carrying the id, reads a province's 14,000
ids as one range (92 pages). PostgreSQL only, like `unit_children`.
"""

from django.db import migrations


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS unit_subtree ON unions_unit "
        "(path varchar_pattern_ops) INCLUDE (id)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS unit_subtree")


class Migration(migrations.Migration):
    dependencies = [
        ("unions", "0006_unit_children_index"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index),
    ]
