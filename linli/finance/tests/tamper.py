"""Test helper: write past the append-only triggers of the finance tables, on either database,
to prove that verification finds what was changed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection

from linli.core.dbguard import guard_disabled

GUARDED = (
    "finance_entry",
    "finance_entryline",
    "finance_checkpoint",
    "finance_approval",
    "finance_emergencyconfirmation",
    "finance_payment",
)


@contextmanager
def tampering() -> Iterator[Any]:
    """A cursor that writes past the append-only triggers, on either database."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            with guard_disabled():
                yield cursor
            return
        # ALTER TABLE refuses while deferred foreign-key checks are pending: run them now,
        # and keep them immediate until the triggers are back.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table in GUARDED:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        try:
            yield cursor
        finally:
            for table in GUARDED:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
