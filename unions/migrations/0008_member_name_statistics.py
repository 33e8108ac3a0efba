"""Finer statistics on the folded member names, so that PostgreSQL knows how many a search word
matches (issue 13, "National scale").

With the default sample, `name_folded LIKE '%ta%'` (the surname Tạ, two letters: no trigram to
look up) was expected to match 2,600 members of a million instead of 24,000, and the bounded count
of a province's search read the whole trigram index for it (0.8 s instead of 0.05 s). A statistics
target of 1,000 brings the estimate to 22,000. PostgreSQL only; ANALYZE takes a second or two at
national scale.
"""

from django.db import migrations


def set_statistics(apps, schema_editor, target=1000):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE unions_member ALTER COLUMN name_folded SET STATISTICS {target}"
    )
    schema_editor.execute("ANALYZE unions_member")


def reset_statistics(apps, schema_editor):
    set_statistics(apps, schema_editor, target=-1)


class Migration(migrations.Migration):
    dependencies = [
        ("unions", "0007_member_search_covering_indexes"),
    ]

    operations = [
        migrations.RunPython(set_statistics, reset_statistics),
    ]
