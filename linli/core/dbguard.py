"""Database triggers that make tables append-only or freeze rows, on SQLite and PostgreSQL.

The database itself refuses the write, so neither a bug, the admin, nor raw SQL through the
application's connection can rewrite a ballot, a voter roll or (later) a ledger entry.

SQLite's triggers consult a one-row table `linli_guard` (not a Django model, so `flush` never
touches it). Production never changes it; only the test harness switches the guard off around
the `flush` that empties the database after a transactional test (see `guard_disabled`).
PostgreSQL's `flush` uses TRUNCATE, which row triggers do not see, so it needs no such switch.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection, migrations

GUARD_TABLE = "linli_guard"
SQLITE_GUARD = f"(SELECT enabled FROM {GUARD_TABLE}) = 1"


def _run(sqlite: Sequence[str], postgresql: Sequence[str]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        statements = sqlite if schema_editor.connection.vendor == "sqlite" else postgresql
        for statement in statements:
            schema_editor.execute(statement, None)

    return run


def vendor_sql(
    *,
    sqlite: Sequence[str],
    postgresql: Sequence[str],
    reverse_sqlite: Sequence[str] = (),
    reverse_postgresql: Sequence[str] = (),
) -> migrations.RunPython:
    """A migration operation running the statements written for the connection's database."""
    return migrations.RunPython(
        _run(sqlite, postgresql), _run(reverse_sqlite, reverse_postgresql), elidable=False
    )


def install_guard() -> migrations.RunPython:
    """The guard table (SQLite) and the shared append-only trigger function (PostgreSQL)."""
    return vendor_sql(
        sqlite=[
            f"CREATE TABLE IF NOT EXISTS {GUARD_TABLE} (enabled INTEGER NOT NULL)",
            f"INSERT INTO {GUARD_TABLE} (enabled) SELECT 1 "
            f"WHERE NOT EXISTS (SELECT 1 FROM {GUARD_TABLE})",
        ],
        postgresql=[
            """
            CREATE OR REPLACE FUNCTION linli_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'linli: % is append-only (% refused)', TG_TABLE_NAME, TG_OP
                    USING ERRCODE = 'integrity_constraint_violation';
            END
            $$ LANGUAGE plpgsql
            """
        ],
    )


def append_only(table: str) -> migrations.RunPython:
    """Triggers that reject every UPDATE and DELETE on `table`."""
    sqlite = [
        f"""
        CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table}
        WHEN {SQLITE_GUARD}
        BEGIN SELECT RAISE(ABORT, 'linli: {table} is append-only ({op} refused)'); END
        """
        for op in ("UPDATE", "DELETE")
    ]
    postgresql = [
        f"""
        CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION linli_append_only()
        """
    ]
    return vendor_sql(
        sqlite=sqlite,
        postgresql=postgresql,
        reverse_sqlite=[f"DROP TRIGGER IF EXISTS {table}_no_{op}" for op in ("update", "delete")],
        reverse_postgresql=[f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}"],
    )


@contextmanager
def guard_disabled(using: Any = None) -> Iterator[None]:
    """Test harness only: let `flush` empty SQLite's guarded tables after a transactional test."""
    conn = using or connection
    if conn.vendor != "sqlite":
        yield
        return
    with conn.cursor() as cursor:
        cursor.execute(f"UPDATE {GUARD_TABLE} SET enabled = 0")
    try:
        yield
    finally:
        with conn.cursor() as cursor:
            cursor.execute(f"UPDATE {GUARD_TABLE} SET enabled = 1")
