"""A unit's path by its id from the index alone (issue 13, "make it fast": the home pages).

The national officer's registrations still to send are the country's 10,000, sorted by their
round's deadline and their unit's path to show the first five: each row's unit was read from
the table for its path (28,000 pages). With the path carried by an index on the id, PostgreSQL
reads it from the index. SQLite ignores INCLUDE: there, a plain index on the id.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("unions", "0008_member_name_statistics"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="unit",
            index=models.Index(fields=["id"], include=("path",), name="unit_path_by_id"),
        ),
    ]
