"""Database guards: ledger entries and their lines, checkpoints, approvals, emergency
confirmations and payments are append-only (linli.core.dbguard); corrections are new rows."""

from django.db import migrations

from linli.core.dbguard import append_only, install_guard

APPEND_ONLY = (
    "finance_entry",
    "finance_entryline",
    "finance_checkpoint",
    "finance_approval",
    "finance_emergencyconfirmation",
    "finance_payment",
)


class Migration(migrations.Migration):
    dependencies = [("finance", "0001_initial")]

    operations = [install_guard(), *(append_only(table) for table in APPEND_ONLY)]
