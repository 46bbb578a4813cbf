"""An approval's copy of the recorder must be the expense's real recorder, so the check
constraint approval_not_by_recorder (approver ≠ recorded_by) cannot be dodged by an insert that
lies about who recorded the expense."""

from django.db import migrations

from linli.core.dbguard import vendor_sql

MESSAGE = "linli: an approval must name the recorder of the expense"
SQLITE = [
    f"""
    CREATE TRIGGER finance_approval_recorder BEFORE INSERT ON finance_approval
    WHEN NEW.recorded_by_id IS NOT
        (SELECT recorded_by_id FROM finance_expense WHERE id = NEW.expense_id)
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """
]
POSTGRESQL = [
    f"""
    CREATE OR REPLACE FUNCTION finance_approval_recorder() RETURNS trigger AS $$
    BEGIN
        IF NEW.recorded_by_id IS DISTINCT FROM
            (SELECT recorded_by_id FROM finance_expense WHERE id = NEW.expense_id) THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER finance_approval_recorder BEFORE INSERT ON finance_approval
    FOR EACH ROW EXECUTE FUNCTION finance_approval_recorder()
    """,
]


class Migration(migrations.Migration):
    dependencies = [("finance", "0002_guards")]

    operations = [
        vendor_sql(
            sqlite=SQLITE,
            postgresql=POSTGRESQL,
            reverse_sqlite=["DROP TRIGGER IF EXISTS finance_approval_recorder"],
            reverse_postgresql=[
                "DROP TRIGGER IF EXISTS finance_approval_recorder ON finance_approval",
                "DROP FUNCTION IF EXISTS finance_approval_recorder()",
            ],
        )
    ]
