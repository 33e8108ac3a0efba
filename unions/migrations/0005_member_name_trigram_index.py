"""Accent-insensitive member search backed by an index on PostgreSQL (issue 13, part 3).

`Member.objects.search()` asks `name_folded LIKE '%word%'` for each word, or the card number
case-insensitively. A trigram GIN index (pg_trgm) answers the LIKEs, a btree on UPPER(card_number)
the card number, so that the planner can combine both in one bitmap instead of reading every
member of the subtree. SQLite has neither: there the search reads the rows as before.
"""

from django.db import migrations

INDEXES = [
    "CREATE INDEX IF NOT EXISTS member_name_trigram ON unions_member "
    "USING gin (name_folded gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS member_card_number_upper ON unions_member (UPPER(card_number))",
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for statement in INDEXES:
        schema_editor.execute(statement)


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS member_name_trigram")
    schema_editor.execute("DROP INDEX IF EXISTS member_card_number_upper")


class Migration(migrations.Migration):
    dependencies = [
        ("unions", "0004_unit_agency"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes),
    ]
