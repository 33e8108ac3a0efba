"""Member lists and searches walked on indexes alone (issue 13, "National scale").

A province's search for "nguyen thi" walked the name_sort_key index and read each entry's row
from the table to test the name and the unit: some 20,000 rows for a page of 50. The two indexes
a list walks (Vietnamese order, across the country or within a unit) now carry the unit, the
folded name, the card number and the status, so that PostgreSQL tests the search and the
scope on the index entries and reads only the rows of the page. `unit_subtree` gives a subtree's
unit ids in path order from the index alone, which the bounded count walks unit by unit.

name_sort_key's own index is replaced by member_name_order (it leads with the same column). Only
the index is dropped: on SQLite, altering the field would rebuild the member table and lose its
triggers (unions/member_counts.py, reports/dashboard_cache.py). SQLite ignores INCLUDE and the
operator class.
"""

from django.db import migrations, models

SORT_KEY_INDEX = "unions_member_name_sort_key_1ae27baa"


def drop_sort_key_index(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {SORT_KEY_INDEX}")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {SORT_KEY_INDEX}_like")


def create_sort_key_index(apps, schema_editor):
    schema_editor.execute(f"CREATE INDEX {SORT_KEY_INDEX} ON unions_member (name_sort_key)")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {SORT_KEY_INDEX}_like ON unions_member "
            "(name_sort_key varchar_pattern_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("unions", "0006_unit_children_index"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="member",
            name="unions_memb_unit_id_644e89_idx",
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="member",
                    name="name_sort_key",
                    field=models.CharField(editable=False, max_length=400),
                ),
            ],
            database_operations=[
                migrations.RunPython(drop_sort_key_index, create_sort_key_index),
            ],
        ),
        migrations.AddIndex(
            model_name="member",
            index=models.Index(
                fields=["name_sort_key", "id"],
                include=("unit", "name_folded", "card_number", "status"),
                name="member_name_order",
            ),
        ),
        migrations.AddIndex(
            model_name="member",
            index=models.Index(
                fields=["unit", "name_sort_key"],
                include=("name_folded", "card_number", "status"),
                name="member_unit_name_order",
            ),
        ),
        migrations.AddIndex(
            model_name="unit",
            index=models.Index(
                fields=["path"],
                include=("id",),
                name="unit_subtree",
                opclasses=["varchar_pattern_ops"],
            ),
        ),
    ]
