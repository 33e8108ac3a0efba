"""The dashboards' aggregates, cached and invalidated by the database (issue 13, part 3).

Why a cache and not counters: a dashboard reads a movement's nominations, registrations and
their history grouped by the child unit, state, award, gender, level and year. Counters kept
per unit hold about one row per nomination at national scale (one or two nominations per
grassroots union and round), so summing them costs what counting does; counters rolled up to
every ancestor would make each write in the country update the same national rows, in the
same transactions that lock award kinds and nominations (awards.services), and deadlock. The
aggregates are instead computed once per version of the data and kept in the cache.

The version: triggers on every table a dashboard reads (nominations, their history,
registrations, commendations, award kinds, rounds, member counters, units, and a member's
gender) insert a row into `reports_dashboardchange`; they never update a shared row, so
writers never wait for one another. The version is the sum of the rows' weights: it grows with
every committed change, in whatever order transactions commit, and `compact()` replaces the
rows by one row carrying their total. Because triggers write it, every path counts: the
services, the admin, bulk_create, queryset.update, raw SQL, COPY (seed_scale).

Read before computing: an aggregate computed after reading version v includes every change
committed up to v (and maybe later ones, which only carry a higher version and are recomputed
under it). The version goes back only if the database itself does: restoring a backup (which
clears the cache: unions.backups) or a test's rollback (the tests clear the local cache).
"""

from django.core.cache import cache
from django.db import connection, transaction

TABLE = "reports_dashboardchange"
# Compact the change rows when there are more than this many (reading them is a sum).
COMPACT_AFTER = 500
# A cached aggregate lives at most this long even when nothing changed (seconds).
TIMEOUT = 3600

# (table, the columns whose update changes a dashboard; None: any)
WATCHED = [
    ("awards_nomination", ["state", "proposing_unit_id", "award_kind_id", "round_id",
                           "nominee_member_id"]),
    ("awards_nominationtransition", ["nomination_id", "to_state", "at_unit_id"]),
    ("movements_registration", ["round_id", "unit_id", "member_id", "state"]),
    ("commendations_commendation", ["nomination_id", "register_year", "revoked_at"]),
    ("movements_awardkind", ["code", "name_vi", "name_en"]),
    ("movements_round", ["movement_id", "year"]),
    ("unions_membercount", ["unit_id", "gender", "count"]),
    ("unions_unit", ["path", "level"]),
]  # fmt: skip
_INSERT = f"INSERT INTO {TABLE} (weight) VALUES (1)"


def _trigger(table):
    return f"reports_dashboard_{table}"


POSTGRESQL = [
    f"""
    CREATE FUNCTION reports_dashboard_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        {_INSERT};
        RETURN NULL;
    END $$
    """,
    *(
        f"CREATE TRIGGER {_trigger(table)} AFTER INSERT OR UPDATE OF {', '.join(columns)} "
        f"OR DELETE OR TRUNCATE ON {table} FOR EACH STATEMENT "
        "EXECUTE FUNCTION reports_dashboard_changed()"
        for table, columns in WATCHED
    ),
    # A nominee's gender (the gender table counts nominations by it), members inactive too.
    "CREATE TRIGGER reports_dashboard_member_gender AFTER UPDATE OF gender ON unions_member "
    "FOR EACH ROW WHEN (OLD.gender IS DISTINCT FROM NEW.gender) "
    "EXECUTE FUNCTION reports_dashboard_changed()",
]
POSTGRESQL_DROP = [
    *(f"DROP TRIGGER IF EXISTS {_trigger(table)} ON {table}" for table, _columns in WATCHED),
    "DROP TRIGGER IF EXISTS reports_dashboard_member_gender ON unions_member",
    "DROP FUNCTION IF EXISTS reports_dashboard_changed()",
]

# SQLite: row triggers only, one per event.
_SQLITE_EVENTS = [("insert", "INSERT"), ("update", "UPDATE OF {columns}"), ("delete", "DELETE")]
SQLITE = [
    *(
        f"CREATE TRIGGER {_trigger(table)}_{name} AFTER "
        f"{event.format(columns=', '.join(columns))} ON {table} BEGIN {_INSERT}; END"
        for table, columns in WATCHED
        for name, event in _SQLITE_EVENTS
    ),
    "CREATE TRIGGER reports_dashboard_member_gender AFTER UPDATE OF gender ON unions_member "
    f"WHEN OLD.gender IS NOT NEW.gender BEGIN {_INSERT}; END",
]
SQLITE_DROP = [
    *(
        f"DROP TRIGGER IF EXISTS {_trigger(table)}_{name}"
        for table, _columns in WATCHED
        for name, _event in _SQLITE_EVENTS
    ),
    "DROP TRIGGER IF EXISTS reports_dashboard_member_gender",
]


def install(schema_editor):
    statements = POSTGRESQL if schema_editor.connection.vendor == "postgresql" else SQLITE
    for statement in statements:
        schema_editor.execute(statement)


def uninstall(schema_editor):
    statements = POSTGRESQL_DROP if schema_editor.connection.vendor == "postgresql" else SQLITE_DROP
    for statement in statements:
        schema_editor.execute(statement)


def version():
    """The current version of what the dashboards count (one query; compacts now and then).

    The total weight is what makes it right; the last row's id is there because a rolled-back
    transaction takes its weight back but not, on PostgreSQL, its id: two different histories
    after a rollback (tests) cannot share a version."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(SUM(weight), 0), COUNT(*), MAX(id) FROM {TABLE}")
        total, rows, last = cursor.fetchone()
    if rows > COMPACT_AFTER:
        compact()
    return f"{total}.{last or 0}"


def compact():
    """Replace the change rows by one row of their total weight: the version stays. Rows that
    a transaction still in progress writes are not seen, so not deleted: they add later."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} RETURNING weight")
        total = sum(weight for (weight,) in cursor.fetchall())
        if total:
            cursor.execute(f"INSERT INTO {TABLE} (weight) VALUES (%s)", [total])


def touch():
    """Record a change without changing anything (the page benchmark's cold dashboards)."""
    with connection.cursor() as cursor:
        cursor.execute(_INSERT)


def cached(key, compute):
    """`compute()` for the current version of the data: from the cache, or computed and kept."""
    full_key = f"dashboard:{version()}:{key}"
    value = cache.get(full_key)
    if value is None:
        value = compute()
        cache.set(full_key, value, TIMEOUT)
    return value
