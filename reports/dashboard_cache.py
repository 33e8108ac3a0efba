"""The dashboards' aggregates, cached and invalidated by the database (issue 13, part 3).

Why a cache and not counters: a dashboard reads a movement's nominations, registrations and
their history grouped by the child unit, state, award, gender, level and year. Counters kept
per unit hold about one row per nomination at national scale (one or two nominations per
grassroots union and round), so summing them costs what counting does; counters rolled up to
every ancestor would make each write in the country update the same national rows, in the
same transactions that lock award kinds and nominations (awards.services), and deadlock. The
aggregates are instead counted once per version of the data and kept in the cache.

Versions by branch: triggers on every table a dashboard reads insert a row into
`reports_dashboardchange` naming the *branch* of the tree the changed rows lie in: the unit's
path cut at depth 3 (BRANCH_DEPTH; a unit higher up is its own branch), or '' for a change
that concerns every dashboard (an award kind renamed, a round changed, a unit moved, a row
whose unit is gone). A branch's version is the total weight of its rows
and their last id; triggers only ever insert, so writers never wait for one another, and
`compact()` replaces a branch's rows by one row with the same total and the same last id. A
dashboard keeps, with what it counted, the versions it counted under: after a change in one
grassroots union, a province recounts that union's branch and a national dashboard that
province (reports.dashboards), instead of everything.

The unit of a row: a nomination's proposing unit; for its history and its commendation, the
nomination's proposing unit; a registration's and a member counter's unit. On PostgreSQL the
triggers run once per statement over its transition tables, and an update counts only where a
watched column really changed (a nomination is saved whole at every step of its review). On
SQLite they run once per row. Because triggers write them, every path counts: the services,
the admin, bulk_create, queryset.update, raw SQL, COPY (seed_scale).

Read before counting: an aggregate counted after reading version v includes every change
committed up to v (and maybe later ones, which only carry a higher version and are counted
again under it). A version goes back only if the database itself does: restoring a backup
(which clears the cache: unions.backups) or a rollback, which takes back the weight but, on
PostgreSQL, not the ids: two different histories after a rollback (tests) never share a version.

The public honour roll keeps what it counts under a version of its own (`PUBLIC_TABLE`, one
row per statement, no branches): it shows commendations, their decisions, the movements and
what a nomination lets the public read, which change far less often than the nominations'
states; with the dashboards' versions every submission anywhere would make each public page
count again.
"""

from django.core.cache import cache
from django.db import connection, transaction

TABLE = "reports_dashboardchange"
# A branch is the subtree of a unit at this depth (a province's children): the unit of
# recounting after a change.
BRANCH_DEPTH = 3
BRANCH_LENGTH = 12  # BRANCH_DEPTH * Unit.steplen; unions.models is not imported by migrations
EVERYTHING = ""  # the branch of a change that concerns every dashboard
# Compact the change rows when the triggers have written more than this many since the last
# compaction (in the part of the tree being read).
COMPACT_AFTER = 500
# The rows the triggers wrote, counted from a flag rather than as the rows beyond one per
# branch: COUNT(DISTINCT branch) sorted every branch at every read, 7.7 ms of the whole tree's
# 10,700 branches against 1.3 ms for its version (docs/benchmarks.md, "fourth session").
_NOT_COMPACTED = "SUM(CASE WHEN compacted THEN 0 ELSE 1 END)"
# A cached aggregate lives at most this long even when nothing changed (seconds).
TIMEOUT = 3600


def branch_of(path):
    return path[:BRANCH_LENGTH]


# The tables whose rows belong to a unit: (table, the columns whose change matters, how a row
# of the transition table `rows` finds its unit: a SQL expression of the unit's id).
_VIA_NOMINATION = "(SELECT proposing_unit_id FROM awards_nomination WHERE id = rows.nomination_id)"
BRANCHED = [
    ("awards_nomination", ["state", "proposing_unit_id", "award_kind_id", "round_id",
                           "nominee_gender"], "rows.proposing_unit_id"),
    ("awards_nominationtransition", ["nomination_id", "to_state", "at_unit_id"], _VIA_NOMINATION),
    ("movements_registration", ["round_id", "unit_id", "member_id", "state"], "rows.unit_id"),
    ("commendations_commendation", ["nomination_id", "register_year", "revoked_at"],
     _VIA_NOMINATION),
    ("unions_membercount", ["unit_id", "gender", "count"], "rows.unit_id"),
]  # fmt: skip
# The tables whose change concerns every dashboard: (table, the columns whose update matters).
# An update or a delete; not an insert: a new unit, award kind or round has nothing counted
# yet (its nominations, registrations and members come later, each with its own change row),
# and the dashboards read the list of child units afresh. A grassroots union founded anywhere
# made every dashboard count everything again (600 ms for the national one).
EVERYWHERE = [
    ("movements_awardkind", ["code", "name_vi", "name_en"]),
    ("movements_round", ["movement_id", "year"]),
    ("unions_unit", ["path", "level"]),
]
_INSERT_EVERYTHING = f"INSERT INTO {TABLE} (branch, weight) VALUES ('{EVERYTHING}', 1)"


def _branch_sql(unit_id):
    """The branch of the unit whose id `unit_id` is (a SQL expression); '' if it is gone."""
    return (
        f"COALESCE((SELECT substr(path, 1, {BRANCH_LENGTH}) FROM unions_unit "
        f"WHERE id = {unit_id}), '{EVERYTHING}')"
    )


def _pg_function(table, columns, unit_id):
    old = ", ".join(f"old_rows.{column}" for column in columns)
    new = ", ".join(f"new_rows.{column}" for column in columns)
    insert = f"INSERT INTO {TABLE} (branch, weight) SELECT DISTINCT {_branch_sql(unit_id)}, 1"
    return f"""
    CREATE FUNCTION reports_dashboard_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            {insert} FROM new_rows AS rows;
        ELSIF TG_OP = 'DELETE' THEN
            {insert} FROM old_rows AS rows;
        ELSE
            {insert} FROM (
                SELECT old_rows.* FROM old_rows JOIN new_rows USING (id)
                WHERE ({old}) IS DISTINCT FROM ({new})
                UNION ALL
                SELECT new_rows.* FROM old_rows JOIN new_rows USING (id)
                WHERE ({old}) IS DISTINCT FROM ({new})
            ) AS rows;
        END IF;
        RETURN NULL;
    END $$
    """


# PostgreSQL allows transition tables on one event per trigger, without a column list.
_PG_EVENTS = [
    ("insert", "INSERT", "REFERENCING NEW TABLE AS new_rows"),
    ("update", "UPDATE", "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"),
    ("delete", "DELETE", "REFERENCING OLD TABLE AS old_rows"),
]

POSTGRESQL = [
    f"""
    CREATE FUNCTION reports_dashboard_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        {_INSERT_EVERYTHING};
        RETURN NULL;
    END $$
    """,
    *(_pg_function(table, columns, unit_id) for table, columns, unit_id in BRANCHED),
    *(
        f"CREATE TRIGGER reports_dashboard_{table}_{name} AFTER {event} ON {table} "
        f"{referencing} FOR EACH STATEMENT EXECUTE FUNCTION reports_dashboard_{table}()"
        for table, _columns, _unit_id in BRANCHED
        for name, event, referencing in _PG_EVENTS
    ),
    *(
        f"CREATE TRIGGER reports_dashboard_{table}_truncate AFTER TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION reports_dashboard_changed()"
        for table, _columns, _unit_id in BRANCHED
    ),
    *(
        f"CREATE TRIGGER reports_dashboard_{table} AFTER UPDATE OF {', '.join(columns)} "
        f"OR DELETE OR TRUNCATE ON {table} FOR EACH STATEMENT "
        "EXECUTE FUNCTION reports_dashboard_changed()"
        for table, columns in EVERYWHERE
    ),
    # No trigger on a member's gender: the member counters and the nominations' copy of it
    # (awards.nominee_gender) change with it, and their triggers say in which branch. Until
    # migration reports 0005 a correction also counted everything again.
]
POSTGRESQL_DROP = [
    *(
        f"DROP TRIGGER IF EXISTS reports_dashboard_{table}_{name} ON {table}"
        for table, _columns, _unit_id in BRANCHED
        for name in ("insert", "update", "delete", "truncate")
    ),
    *(f"DROP FUNCTION IF EXISTS reports_dashboard_{table}()" for table, _c, _u in BRANCHED),
    *(f"DROP TRIGGER IF EXISTS reports_dashboard_{table} ON {table}" for table, _c in EVERYWHERE),
    "DROP TRIGGER IF EXISTS reports_dashboard_member_gender ON unions_member",
    "DROP FUNCTION IF EXISTS reports_dashboard_changed()",
]


def _sqlite_insert(unit_id):
    return f"INSERT INTO {TABLE} (branch, weight) VALUES ({_branch_sql(unit_id)}, 1);"


def _sqlite_branched(table, columns, unit_id):
    old, new = unit_id.replace("rows.", "OLD."), unit_id.replace("rows.", "NEW.")
    changed = " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in columns)
    name = f"reports_dashboard_{table}"
    return [
        f"CREATE TRIGGER {name}_insert AFTER INSERT ON {table} BEGIN {_sqlite_insert(new)} END",
        f"CREATE TRIGGER {name}_update AFTER UPDATE ON {table} WHEN {changed} "
        f"BEGIN {_sqlite_insert(old)} {_sqlite_insert(new)} END",
        f"CREATE TRIGGER {name}_delete AFTER DELETE ON {table} BEGIN {_sqlite_insert(old)} END",
    ]


# SQLite: row triggers only, one per event.
_SQLITE_EVENTS = [("update", "UPDATE OF {columns}"), ("delete", "DELETE")]
SQLITE = [
    *(
        statement
        for table, columns, unit_id in BRANCHED
        for statement in _sqlite_branched(table, columns, unit_id)
    ),
    *(
        f"CREATE TRIGGER reports_dashboard_{table}_{name} AFTER "
        f"{event.format(columns=', '.join(columns))} ON {table} BEGIN {_INSERT_EVERYTHING}; END"
        for table, columns in EVERYWHERE
        for name, event in _SQLITE_EVENTS
    ),
]
SQLITE_DROP = [
    *(
        f"DROP TRIGGER IF EXISTS reports_dashboard_{table}_{name}"
        for table in [*(t for t, _c, _u in BRANCHED), *(t for t, _c in EVERYWHERE)]
        for name in ("insert", "update", "delete")
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


def versions(under, length=BRANCH_LENGTH):
    """{key: version} of the branches under the path `under`, each branch cut to `length`
    characters (8: the provinces' totals), and EVERYTHING's: one query, compacting now and
    then. A branch nothing ever changed in has no version (none is "0")."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT substr(branch, 1, %s), SUM(weight), MAX(id), {_NOT_COMPACTED} FROM {TABLE} "
            "WHERE branch = %s OR branch LIKE %s GROUP BY 1",
            [length, EVERYTHING, f"{under}%"],  # a path is digits and capitals only
        )
        rows = cursor.fetchall()
    if sum(written for *_row, written in rows) > COMPACT_AFTER:
        compact()
    found = {key: f"{total}.{last}" for key, total, last, _written in rows}
    found.setdefault(EVERYTHING, "0")
    return found


def compact():
    """Replace each branch's change rows by one row of their total weight and their last id:
    every version stays. Rows that a transaction still in progress writes are not seen, so not
    deleted: they add later."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} RETURNING branch, weight, id")
        totals = {}
        for branch, weight, row_id in cursor.fetchall():
            total, last = totals.get(branch, (0, 0))
            totals[branch] = (total + weight, max(last, row_id))
        cursor.executemany(
            f"INSERT INTO {TABLE} (id, branch, weight, compacted) VALUES (%s, %s, %s, %s)",
            [(last, branch, total, True) for branch, (total, last) in totals.items()],
        )


def touch(branch=EVERYTHING):
    """Record a change in `branch` (by default one concerning every dashboard) without changing
    anything: what the triggers write (the page benchmark's dashboards after a change)."""
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE} (branch, weight) VALUES (%s, 1)", [branch])


# --- One version for everything: the public pages, and values over the whole tree ------------


def version(table=TABLE):
    """The current version of everything the dashboards count (`table`: of what the public
    pages show, PUBLIC_TABLE): one query, compacting now and then. The version a reader gets
    is the one the next reader finds, compacted or not, so that what it caches is found again."""
    # The public changes are compacted to one row.
    not_compacted = _NOT_COMPACTED if table == TABLE else "COUNT(*) - 1"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(SUM(weight), 0), MAX(id), {not_compacted} FROM {table}")
        total, last, written = cursor.fetchone()
    if (written or 0) > COMPACT_AFTER:
        if table == TABLE:
            compact()  # each branch keeps its total and its last id: so does the whole
        else:
            return compact_public(table)
    return f"{total}.{last or 0}"


def compact_public(table=PUBLIC_TABLE):
    """Replace the change rows by one row of their total weight; returns the version after it
    (the row's id is new). Rows that a transaction still in progress writes are not seen, so
    not deleted: they add later."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} RETURNING weight")
        total = sum(weight for (weight,) in cursor.fetchall())
        if not total:
            return "0.0"
        cursor.execute(f"INSERT INTO {table} (weight) VALUES (%s) RETURNING id", [total])
        (last,) = cursor.fetchone()
    return f"{total}.{last}"


def cached(key, compute, table=TABLE, known_version=None):
    """`compute()` for the current version of everything (`table`: of what the public pages
    show): from the cache, or computed and kept. `known_version`: the version read earlier in
    the same request (a page caching several values reads it once)."""
    prefix = "dashboard" if table == TABLE else "public"
    full_key = f"{prefix}:{known_version or version(table)}:{key}"
    value = cache.get(full_key)
    if value is None:
        value = compute()
        cache.set(full_key, value, TIMEOUT)
    return value
