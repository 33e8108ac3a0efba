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

The public honour roll keeps what it counts under a version of its own (`PUBLIC_TABLE`, the
same mechanism): it shows commendations, their decisions, the movements and what a nomination
lets the public read, which change far less often than the nominations' states; with the
dashboards' version every submission anywhere would make each public page count again.
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


# --- The public honour roll's version ---------------------------------------------------------

PUBLIC_TABLE = "reports_publicchange"
_PUBLIC_INSERT = f"INSERT INTO {PUBLIC_TABLE} (weight) VALUES (1)"
# Any write to these: the roll shows the commendations' texts, their decisions' numbers, dates
# and states, and the launched movements.
PUBLIC_WATCHED = ["commendations_commendation", "commendations_decision", "movements_movement"]
# Only a real change of these columns (row triggers with WHEN): a nomination is saved whole at
# every step of its review, and only what the roll shows or filters on matters to it.
PUBLIC_WATCHED_ROWS = [
    ("awards_nomination", ["publishable", "public_citation", "nominee_unit_id", "round_id",
                           "proposing_unit_id", "quick"]),
    ("unions_unit", ["path"]),  # the roll filtered by a province is its subtree
]  # fmt: skip


def _changed(columns, postgresql):
    operator = "IS DISTINCT FROM" if postgresql else "IS NOT"
    return " OR ".join(f"OLD.{column} {operator} NEW.{column}" for column in columns)


PUBLIC_POSTGRESQL = [
    f"""
    CREATE FUNCTION reports_public_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        {_PUBLIC_INSERT};
        RETURN NULL;
    END $$
    """,
    *(
        f"CREATE TRIGGER reports_public_{table} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
        f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION reports_public_changed()"
        for table in PUBLIC_WATCHED
    ),
    *(
        f"CREATE TRIGGER reports_public_{table} AFTER UPDATE OF {', '.join(columns)} ON {table} "
        f"FOR EACH ROW WHEN ({_changed(columns, True)}) "
        "EXECUTE FUNCTION reports_public_changed()"
        for table, columns in PUBLIC_WATCHED_ROWS
    ),
]
PUBLIC_POSTGRESQL_DROP = [
    *(
        f"DROP TRIGGER IF EXISTS reports_public_{table} ON {table}"
        for table in [*PUBLIC_WATCHED, *(table for table, _columns in PUBLIC_WATCHED_ROWS)]
    ),
    "DROP FUNCTION IF EXISTS reports_public_changed()",
]
_SQLITE_ANY = [("insert", "INSERT"), ("update", "UPDATE"), ("delete", "DELETE")]
PUBLIC_SQLITE = [
    *(
        f"CREATE TRIGGER reports_public_{table}_{name} AFTER {event} ON {table} "
        f"BEGIN {_PUBLIC_INSERT}; END"
        for table in PUBLIC_WATCHED
        for name, event in _SQLITE_ANY
    ),
    *(
        f"CREATE TRIGGER reports_public_{table} AFTER UPDATE OF {', '.join(columns)} ON {table} "
        f"WHEN {_changed(columns, False)} BEGIN {_PUBLIC_INSERT}; END"
        for table, columns in PUBLIC_WATCHED_ROWS
    ),
]
PUBLIC_SQLITE_DROP = [
    *(
        f"DROP TRIGGER IF EXISTS reports_public_{table}_{name}"
        for table in PUBLIC_WATCHED
        for name, _event in _SQLITE_ANY
    ),
    *(f"DROP TRIGGER IF EXISTS reports_public_{table}" for table, _columns in PUBLIC_WATCHED_ROWS),
]


def _execute(schema_editor, postgresql, sqlite):
    postgres = schema_editor.connection.vendor == "postgresql"
    for statement in postgresql if postgres else sqlite:
        schema_editor.execute(statement)


def install(schema_editor):
    _execute(schema_editor, POSTGRESQL, SQLITE)


def uninstall(schema_editor):
    _execute(schema_editor, POSTGRESQL_DROP, SQLITE_DROP)


def install_public(schema_editor):
    _execute(schema_editor, PUBLIC_POSTGRESQL, PUBLIC_SQLITE)


def uninstall_public(schema_editor):
    _execute(schema_editor, PUBLIC_POSTGRESQL_DROP, PUBLIC_SQLITE_DROP)


def version(table=TABLE):
    """The current version of what the dashboards count (`table`: of what the public pages
    show, PUBLIC_TABLE); one query, compacts now and then.

    The total weight is what makes it right; the last row's id is there because a rolled-back
    transaction takes its weight back but not, on PostgreSQL, its id: two different histories
    after a rollback (tests) cannot share a version."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(SUM(weight), 0), COUNT(*), MAX(id) FROM {table}")
        total, rows, last = cursor.fetchone()
    if rows > COMPACT_AFTER:
        # The version after compacting: the one the next reader finds, so that what this one
        # caches is found again (the row's id changes, so would the version read before it).
        return compact(table)
    return f"{total}.{last or 0}"


def compact(table=TABLE):
    """Replace the change rows by one row of their total weight; returns the version after it.
    Rows that a transaction still in progress writes are not seen, so not deleted: they add
    later."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} RETURNING weight")
        total = sum(weight for (weight,) in cursor.fetchall())
        if not total:
            return "0.0"
        cursor.execute(f"INSERT INTO {table} (weight) VALUES (%s) RETURNING id", [total])
        (last,) = cursor.fetchone()
    return f"{total}.{last}"


def touch(table=TABLE):
    """Record a change without changing anything (the page benchmark's cold dashboards)."""
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} (weight) VALUES (1)")


def cached(key, compute, table=TABLE, known_version=None):
    """`compute()` for the current version of the data: from the cache, or computed and kept.
    `known_version`: the version read earlier in the same request (a page caching several
    values reads it once)."""
    prefix = "dashboard" if table == TABLE else "public"
    full_key = f"{prefix}:{known_version or version(table)}:{key}"
    value = cache.get(full_key)
    if value is None:
        value = compute()
        cache.set(full_key, value, TIMEOUT)
    return value
