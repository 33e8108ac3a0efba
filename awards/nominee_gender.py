"""The nominee's gender on the nomination row (`Nomination.nominee_gender`), kept by the database.

The dashboards count a movement's nominations by the nominee's gender. Joining each nomination
to its member was most of the cost of recounting a national dashboard (about 75,000 index probes
into a million members); a copy of the gender on the nomination makes it one scan. The copy is
kept by triggers, so that every path keeps it right: the services, the admin, bulk writes, raw
SQL and COPY (seed_scale) set or change a nominee, and a member's gender can be corrected after
they were nominated. A collective's nomination has none (NULL).

The triggers compute the value from the member row whatever was written, so a stale model
instance saved whole cannot put back an old gender. Django does not read the value back after a
save: read it in queries, not from an instance in memory.
"""

_GENDER_OF_NOMINEE = "(SELECT gender FROM unions_member WHERE id = NEW.nominee_member_id)"

POSTGRESQL = [
    f"""
    CREATE FUNCTION awards_nominee_gender() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.nominee_gender := {_GENDER_OF_NOMINEE};
        RETURN NEW;
    END $$
    """,
    "CREATE TRIGGER awards_nominee_gender BEFORE INSERT OR UPDATE OF nominee_member_id, "
    "nominee_gender ON awards_nomination FOR EACH ROW EXECUTE FUNCTION awards_nominee_gender()",
    """
    CREATE FUNCTION awards_member_gender_to_nominations() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE awards_nomination SET nominee_gender = NEW.gender WHERE nominee_member_id = NEW.id;
        RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER awards_member_gender_to_nominations AFTER UPDATE OF gender ON unions_member "
    "FOR EACH ROW WHEN (OLD.gender IS DISTINCT FROM NEW.gender) "
    "EXECUTE FUNCTION awards_member_gender_to_nominations()",
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS awards_nominee_gender ON awards_nomination",
    "DROP FUNCTION IF EXISTS awards_nominee_gender()",
    "DROP TRIGGER IF EXISTS awards_member_gender_to_nominations ON unions_member",
    "DROP FUNCTION IF EXISTS awards_member_gender_to_nominations()",
]

# SQLite cannot change the row being written: the row is corrected just after, and only when it
# differs (which also stops the correction from triggering itself).
_CORRECT = (
    f"WHEN NEW.nominee_gender IS NOT {_GENDER_OF_NOMINEE} BEGIN UPDATE awards_nomination "
    f"SET nominee_gender = {_GENDER_OF_NOMINEE} WHERE id = NEW.id; END"
)
SQLITE = [
    f"CREATE TRIGGER awards_nominee_gender_insert AFTER INSERT ON awards_nomination {_CORRECT}",
    "CREATE TRIGGER awards_nominee_gender_update AFTER UPDATE OF nominee_member_id, "
    f"nominee_gender ON awards_nomination {_CORRECT}",
    "CREATE TRIGGER awards_member_gender_to_nominations AFTER UPDATE OF gender ON unions_member "
    "WHEN OLD.gender IS NOT NEW.gender BEGIN UPDATE awards_nomination "
    "SET nominee_gender = NEW.gender WHERE nominee_member_id = NEW.id; END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS awards_nominee_gender_insert",
    "DROP TRIGGER IF EXISTS awards_nominee_gender_update",
    "DROP TRIGGER IF EXISTS awards_member_gender_to_nominations",
]

_FILL = (
    "UPDATE awards_nomination SET nominee_gender = (SELECT gender FROM unions_member "
    "WHERE unions_member.id = awards_nomination.nominee_member_id) "
    "WHERE nominee_member_id IS NOT NULL"
)


def install(schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for statement in POSTGRESQL if postgres else SQLITE:
        schema_editor.execute(statement)
    schema_editor.execute(_FILL)


def uninstall(schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for statement in POSTGRESQL_DROP if postgres else SQLITE_DROP:
        schema_editor.execute(statement)
