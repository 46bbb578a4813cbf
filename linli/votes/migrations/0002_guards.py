"""Database guards: once voting opens, a motion's question, rule, scope, options and roll are
frozen; ballots, checks and results are append-only (linli.core.dbguard)."""

from django.db import migrations

from linli.core.dbguard import append_only, install_guard, vendor_sql

FROZEN = (
    "community_id",
    "estate_id",
    "scope",
    "building_id",
    "entrance_id",
    "title",
    "body",
    "kind",
    "matter",
    "meeting_kind",
    "rule_kind",
    "quorum_numerator",
    "quorum_denominator",
    "approval_numerator",
    "approval_denominator",
    "approval_inclusive",
    "count_parking_area",
    "count_shop_area",
    "count_owners_of_uncounted_parts",
    "follow_majority_option",
    "silent_owners_follow_majority",
    "allow_revote",
    "seats",
    "opens_on",
    "opened_at",
    "area_total",
    "headcount_total",
    "runoff_of_id",
)
SQLITE_CHANGED = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in FROZEN)
PG_CHANGED = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in FROZEN)
GUARD = "(SELECT enabled FROM linli_guard) = 1"
OPTION_OPENED = "(SELECT opened_at FROM votes_motion WHERE id = {row}.motion_id) IS NOT NULL"

SQLITE = [
    f"""
    CREATE TRIGGER votes_motion_frozen BEFORE UPDATE ON votes_motion
    WHEN {GUARD} AND OLD.opened_at IS NOT NULL AND ({SQLITE_CHANGED})
    BEGIN SELECT RAISE(ABORT, 'linli: a motion is frozen once voting opens'); END
    """,
    f"""
    CREATE TRIGGER votes_motion_no_delete BEFORE DELETE ON votes_motion
    WHEN {GUARD} AND OLD.opened_at IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'linli: an opened motion cannot be deleted'); END
    """,
]
for op, row in (("INSERT", "NEW"), ("UPDATE", "OLD"), ("DELETE", "OLD")):
    SQLITE.append(
        f"""
        CREATE TRIGGER votes_motionoption_frozen_{op.lower()} BEFORE {op} ON votes_motionoption
        WHEN {GUARD} AND {OPTION_OPENED.format(row=row)}
        BEGIN SELECT RAISE(ABORT, 'linli: options are frozen once voting opens'); END
        """
    )

POSTGRESQL = [
    f"""
    CREATE OR REPLACE FUNCTION votes_motion_frozen() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            IF OLD.opened_at IS NOT NULL THEN
                RAISE EXCEPTION 'linli: an opened motion cannot be deleted'
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN OLD;
        END IF;
        IF OLD.opened_at IS NOT NULL AND ({PG_CHANGED}) THEN
            RAISE EXCEPTION 'linli: a motion is frozen once voting opens'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER votes_motion_frozen BEFORE UPDATE OR DELETE ON votes_motion
    FOR EACH ROW EXECUTE FUNCTION votes_motion_frozen()
    """,
    """
    CREATE OR REPLACE FUNCTION votes_motionoption_frozen() RETURNS trigger AS $$
    DECLARE
        target bigint;
    BEGIN
        IF TG_OP = 'INSERT' THEN target := NEW.motion_id; ELSE target := OLD.motion_id; END IF;
        IF (SELECT opened_at FROM votes_motion WHERE id = target) IS NOT NULL THEN
            RAISE EXCEPTION 'linli: options are frozen once voting opens'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER votes_motionoption_frozen BEFORE INSERT OR UPDATE OR DELETE
    ON votes_motionoption FOR EACH ROW EXECUTE FUNCTION votes_motionoption_frozen()
    """,
]


class Migration(migrations.Migration):
    dependencies = [("votes", "0001_initial")]

    operations = [
        install_guard(),
        vendor_sql(
            sqlite=SQLITE,
            postgresql=POSTGRESQL,
            reverse_sqlite=[
                "DROP TRIGGER IF EXISTS votes_motion_frozen",
                "DROP TRIGGER IF EXISTS votes_motion_no_delete",
                "DROP TRIGGER IF EXISTS votes_motionoption_frozen_insert",
                "DROP TRIGGER IF EXISTS votes_motionoption_frozen_update",
                "DROP TRIGGER IF EXISTS votes_motionoption_frozen_delete",
            ],
            reverse_postgresql=[
                "DROP TRIGGER IF EXISTS votes_motion_frozen ON votes_motion",
                "DROP TRIGGER IF EXISTS votes_motionoption_frozen ON votes_motionoption",
            ],
        ),
        append_only("votes_rollvoter"),
        append_only("votes_rollowner"),
        append_only("votes_rollunit"),
        append_only("votes_ballot"),
        append_only("votes_ballotcheck"),
        append_only("votes_motionresult"),
    ]
