"""The units directly below a unit, from one index (issue 13, part 3).

`Unit.children_q` asks `depth = d + 1 AND path LIKE 'parent%'`: the reviewers' scopes (what
comes up from the units directly below) in every page's badges. With only the depth index, a
province reviewer's children were read among every unit of that depth in the country, and with
only the path index among every unit of the province. A btree on (depth, path) with the
pattern operator class answers both conditions as one range, and carries the id, so the
children's ids come from the index alone. PostgreSQL only: SQLite has no operator classes nor
INCLUDE, and reads its small trees as before.
"""

from django.db import migrations


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS unit_children ON unions_unit "
        "(depth, path varchar_pattern_ops) INCLUDE (id)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS unit_children")


class Migration(migrations.Migration):
    dependencies = [
        ("unions", "0005_member_name_trigram_index"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index),
    ]
