"""The dashboards' change triggers as migration 0001 installed them (frozen here: the live ones
in reports/dashboard_cache.py changed in migration 0003, which drops these). Not a migration:
the migration loader skips modules whose name starts with an underscore."""

TABLE = "reports_dashboardchange"

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
    postgres = schema_editor.connection.vendor == "postgresql"
    for statement in POSTGRESQL if postgres else SQLITE:
        schema_editor.execute(statement)


def uninstall(schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for statement in POSTGRESQL_DROP if postgres else SQLITE_DROP:
        schema_editor.execute(statement)
