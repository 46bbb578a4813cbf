"""The second half of verification: the line rows (EntryLine, used by balances and statements)
must say exactly what the hashed entries say.

The hash chain protects `Entry.lines`; statements and balances read `EntryLine`. Were a line
row forged (the triggers bypassed), the chain would still verify while a balance lied. This
check compares, per entry, the multiset of (line account, debit, credit) of both in SQL (JSON
functions of SQLite and PostgreSQL) and names the first entry where they differ.
"""

from __future__ import annotations

from django.db import connection

from linli.finance.models import Account

_ROWS = """
    SELECT e.sequence AS sequence,
           l.category || CASE WHEN l.unit_id IS NULL THEN '' ELSE '/u' || CAST(l.unit_id AS TEXT)
           END AS code,
           l.debit AS debit, l.credit AS credit, -1 AS side
    FROM finance_entryline l JOIN finance_entry e ON e.id = l.entry_id
    WHERE e.account_id = %(account)s
"""
_HASHED = {
    "sqlite": """
        SELECT e.sequence AS sequence, json_extract(j.value, '$[0]') AS code,
               json_extract(j.value, '$[1]') AS debit, json_extract(j.value, '$[2]') AS credit,
               1 AS side
        FROM finance_entry e, json_each(e.lines) j
        WHERE e.account_id = %(account)s
    """,
    "postgresql": """
        SELECT e.sequence AS sequence, j.v ->> 0 AS code, (j.v ->> 1)::bigint AS debit,
               (j.v ->> 2)::bigint AS credit, 1 AS side
        FROM finance_entry e, jsonb_array_elements(e.lines::jsonb) AS j(v)
        WHERE e.account_id = %(account)s
    """,
}


def first_line_mismatch(account: Account) -> int | None:
    """The first sequence whose line rows differ from its hashed lines (a row added, removed or
    changed), or None when every entry's rows match. One query."""
    hashed = _HASHED[connection.vendor]
    # Multisets: count each distinct line on both sides, then compare the counts.
    # Only constant fragments are joined here; the account id is a parameter.
    sql = f"""
        SELECT MIN(sequence) FROM (
            SELECT sequence FROM (
                {hashed}
                UNION ALL
                {_ROWS}
            ) AS both_sides
            GROUP BY sequence, code, debit, credit
            HAVING SUM(side) <> 0
        ) AS differing
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, {"account": account.pk})
        row = cursor.fetchone()
    return row[0] if row and row[0] is not None else None
