"""The per-unit-and-gender counts of active members (unions.models.MemberCount).

The database keeps them: the triggers below run inside the statement that changes a member, so
the count is right in the same transaction, whatever wrote the row. The SQL is written for the
two databases the project runs on (PostgreSQL in production, SQLite in the tests).

A member counts when its status is "active". A change of unit, gender or status moves one from
the old (unit, gender) to the new one; an insert adds, a delete subtracts. Rows at zero stay.
"""

import hashlib

from django.db import connection, transaction
from django.db.models import Count

TABLE = "unions_membercount"
TRIGGER_NAMES = (
    "unions_member_count_insert",
    "unions_member_count_update",
    "unions_member_count_delete",
)

_ADD = (
    f"INSERT INTO {TABLE} (unit_id, gender, count) VALUES ({{row}}.unit_id, {{row}}.gender, 1) "
    f"ON CONFLICT (unit_id, gender) DO UPDATE SET count = {TABLE}.count + 1"
)
_SUBTRACT = (
    f"UPDATE {TABLE} SET count = count - 1 "
    "WHERE unit_id = {row}.unit_id AND gender = {row}.gender"
)
_CHANGED = (
    "OLD.unit_id {differs} NEW.unit_id OR OLD.gender {differs} NEW.gender "
    "OR OLD.status {differs} NEW.status"
)

_PG_CHANGED = _CHANGED.format(differs="IS DISTINCT FROM")
_SQLITE_CHANGED = _CHANGED.format(differs="IS NOT")

POSTGRESQL = [
    f"""
    CREATE FUNCTION unions_member_count() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'active' THEN
            {_SUBTRACT.format(row="OLD")};
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'active' THEN
            {_ADD.format(row="NEW")};
        END IF;
        RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER unions_member_count_insert AFTER INSERT ON unions_member "
    "FOR EACH ROW EXECUTE FUNCTION unions_member_count()",
    "CREATE TRIGGER unions_member_count_update AFTER UPDATE ON unions_member "
    f"FOR EACH ROW WHEN ({_PG_CHANGED}) EXECUTE FUNCTION unions_member_count()",
    "CREATE TRIGGER unions_member_count_delete AFTER DELETE ON unions_member "
    "FOR EACH ROW EXECUTE FUNCTION unions_member_count()",
]
POSTGRESQL_DROP = [
    *(f"DROP TRIGGER IF EXISTS {name} ON unions_member" for name in TRIGGER_NAMES),
    "DROP FUNCTION IF EXISTS unions_member_count()",
]

# SQLite has no trigger functions: one trigger per case, the condition in WHEN.
SQLITE = [
    "CREATE TRIGGER unions_member_count_insert AFTER INSERT ON unions_member "
    f"WHEN NEW.status = 'active' BEGIN {_ADD.format(row='NEW')}; END",
    "CREATE TRIGGER unions_member_count_update_old AFTER UPDATE ON unions_member "
    f"WHEN OLD.status = 'active' AND ({_SQLITE_CHANGED}) "
    f"BEGIN {_SUBTRACT.format(row='OLD')}; END",
    "CREATE TRIGGER unions_member_count_update AFTER UPDATE ON unions_member "
    f"WHEN NEW.status = 'active' AND ({_SQLITE_CHANGED}) BEGIN {_ADD.format(row='NEW')}; END",
    "CREATE TRIGGER unions_member_count_delete AFTER DELETE ON unions_member "
    f"WHEN OLD.status = 'active' BEGIN {_SUBTRACT.format(row='OLD')}; END",
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {name}" for name in (*TRIGGER_NAMES, "unions_member_count_update_old")
]

# How the subtree totals of the home page's units are cached (unions.models.
# attach_cached_member_counts): reports fills it in its AppConfig.ready() with its cache under
# the trigger-backed version of the data (reports.dashboard_cache.cached), which every write to
# the counters and to the units' paths moves on. Unset (no cache), the totals are summed.
_totals_cache = None


def cache_totals_with(cached):
    """`cached(key, compute)`: compute() for the current version of the counters and the units'
    paths, from a cache or computed and kept."""
    global _totals_cache
    _totals_cache = cached


def cached_totals(paths, compute):
    if _totals_cache is None:
        return compute()
    key = hashlib.sha1(",".join(sorted(paths)).encode()).hexdigest()
    return _totals_cache(f"member-totals:{key}", compute)


_RECOUNT = (
    f"INSERT INTO {TABLE} (unit_id, gender, count) "
    "SELECT unit_id, gender, COUNT(*) FROM unions_member WHERE status = 'active' "
    "GROUP BY unit_id, gender"
)


def install(schema_editor):
    statements = POSTGRESQL if schema_editor.connection.vendor == "postgresql" else SQLITE
    for statement in statements:
        schema_editor.execute(statement)
    schema_editor.execute(_RECOUNT)


def uninstall(schema_editor):
    statements = POSTGRESQL_DROP if schema_editor.connection.vendor == "postgresql" else SQLITE_DROP
    for statement in statements:
        schema_editor.execute(statement)


@transaction.atomic
def rebuild_member_counts():
    """Recount every unit's members from scratch (after a load that bypassed the triggers)."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")
        cursor.execute(_RECOUNT)


def member_count_problems():
    """[(unit id, gender, stored, counted)] wherever the stored count differs from a recount:
    an empty list when the counters are right."""
    from unions.models import Member, MemberCount, MemberStatus

    counted = {
        (unit, gender): count
        for unit, gender, count in Member.objects.filter(status=MemberStatus.ACTIVE)
        .order_by()
        .values_list("unit_id", "gender")
        .annotate(count=Count("pk"))
    }
    stored = {
        (unit, gender): count
        for unit, gender, count in MemberCount.objects.values_list("unit_id", "gender", "count")
    }
    return sorted(
        (unit, gender, stored.get((unit, gender), 0), counted.get((unit, gender), 0))
        for unit, gender in set(counted) | set(stored)
        if stored.get((unit, gender), 0) != counted.get((unit, gender), 0)
    )
