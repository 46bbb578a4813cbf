"""The voter roll is written while a motion opens and never after: once `opened_at` is set,
the database refuses new roll rows too (UPDATE and DELETE were already refused, 0002)."""

from django.db import migrations

from linli.core.dbguard import vendor_sql

TABLES = ("votes_rollvoter", "votes_rollowner", "votes_rollunit")
GUARD = "(SELECT enabled FROM linli_guard) = 1"
OPENED = "(SELECT opened_at FROM votes_motion WHERE id = NEW.motion_id) IS NOT NULL"

SQLITE = [
    f"""
    CREATE TRIGGER {table}_no_insert_after_open BEFORE INSERT ON {table}
    WHEN {GUARD} AND {OPENED}
    BEGIN SELECT RAISE(ABORT, 'linli: the voter roll is frozen once voting opens'); END
    """
    for table in TABLES
]
POSTGRESQL = [
    """
    CREATE OR REPLACE FUNCTION votes_roll_frozen() RETURNS trigger AS $$
    BEGIN
        IF (SELECT opened_at FROM votes_motion WHERE id = NEW.motion_id) IS NOT NULL THEN
            RAISE EXCEPTION 'linli: the voter roll is frozen once voting opens'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql
    """,
    *(
        f"""
        CREATE TRIGGER {table}_no_insert_after_open BEFORE INSERT ON {table}
        FOR EACH ROW EXECUTE FUNCTION votes_roll_frozen()
        """
        for table in TABLES
    ),
]


class Migration(migrations.Migration):
    dependencies = [("votes", "0003_motion_units")]

    operations = [
        vendor_sql(
            sqlite=SQLITE,
            postgresql=POSTGRESQL,
            reverse_sqlite=[
                f"DROP TRIGGER IF EXISTS {table}_no_insert_after_open" for table in TABLES
            ],
            reverse_postgresql=[
                f"DROP TRIGGER IF EXISTS {table}_no_insert_after_open ON {table}"
                for table in TABLES
            ],
        )
    ]
