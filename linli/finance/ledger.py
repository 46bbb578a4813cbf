"""The ledger in the database: appending entries to an account's chain, one at a time or in
bulk, reading the chain back and verifying it against the published checkpoints.

Appending locks the account row (SELECT … FOR UPDATE; SQLite's IMMEDIATE transactions lock the
whole database), so two writers never take the same sequence; the unique (account, sequence)
constraint is the backstop. The chain itself is built and checked by linli.domain.ledger.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import chain as concat
from itertools import repeat
from operator import add
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection, transaction

from linli.core.errors import LinliError
from linli.domain import ledger as chain_rules
from linli.finance.models import CASH, Account, Category, Checkpoint, Entry, EntryLine

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Rows per INSERT batch on the bulk path.
BULK_BATCH = 5_000


def line_code(category: str, unit_id: int | None = None) -> str:
    """``cash``, ``repair`` or ``deposit/u12``: a line's account inside a ledger."""
    if category != CASH and category not in Category.values:
        raise ValueError(f"unknown category {category!r}")
    return category if unit_id is None else f"{category}/u{unit_id}"


def parse_code(code: str) -> tuple[str, int | None]:
    """(category, unit id or None) of a line account written by `line_code`."""
    category, _, unit = code.partition("/u")
    return category, int(unit) if unit else None


def beijing_day(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()


@dataclass(frozen=True)
class NewEntry:
    """An entry to append: its lines (line account, debit fen, credit fen), memo and time."""

    lines: Sequence[tuple[str, int, int]]
    memo: str
    booked_at: datetime
    reverses: int | None = None


def memo_of(description: str, counterparty: str = "") -> str:
    """The hashed memo: the description, then the counterparty on a second line if any."""
    description = " ".join(description.split())
    counterparty = " ".join(counterparty.split())
    return f"{description}\n{counterparty}" if counterparty else description


def split_memo(memo: str) -> tuple[str, str]:
    """(description, counterparty) of a stored memo."""
    description, _, counterparty = memo.partition("\n")
    return description, counterparty


def lock_account(account_id: int) -> Account:
    """The account row, locked until the end of the transaction (the caller's atomic block)."""
    return Account.objects.select_for_update().get(pk=account_id)


def _head(account: Account) -> chain_rules.Checkpoint | None:
    if account.head_sequence == 0:
        return None
    return chain_rules.Checkpoint(account.head_sequence, account.head_hash)


def _seal(account: Account, new: Sequence[NewEntry]) -> tuple[chain_rules.SealedEntry, ...]:
    start = account.head_sequence + 1
    try:
        entries = [
            chain_rules.Entry(
                ledger=account.ledger_key,
                sequence=start + offset,
                booked_at=item.booked_at,
                lines=item.lines,
                memo=item.memo,
                reverses=item.reverses,
            )
            for offset, item in enumerate(new)
        ]
        return chain_rules.chain(entries, after=_head(account))
    except ValueError as error:
        raise LinliError(str(error), code="invalid_entry") from error


def append(
    account: Account,
    new: Sequence[NewEntry],
    *,
    actor: Any = None,
    expense_id: int | None = None,
) -> list[Entry]:
    """Append entries to a locked account (see `lock_account`) inside the caller's transaction.

    Writes the entries, their lines and the account's new head; returns the entry rows. The
    caller checks the business rules and writes the audit row.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("append must run inside the caller's transaction")
    sealed = _seal(account, new)
    user_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    rows = Entry.objects.bulk_create(
        [
            Entry(
                community_id=account.community_id,
                account=account,
                sequence=item.sequence,
                booked_at=item.booked_at,
                booked_on=beijing_day(source.booked_at),
                lines=chain_rules.lines_json(item.lines),
                memo=item.memo,
                reverses=item.reverses,
                previous_hash=item.previous_hash,
                hash=item.hash,
                recorded_by_id=user_id,
                expense_id=expense_id,
            )
            for item, source in zip(sealed, new, strict=True)
        ]
    )
    if rows and rows[0].pk is None:  # backends that do not return ids from bulk_create
        by_sequence = dict(
            Entry.objects.filter(account=account, sequence__gte=sealed[0].sequence).values_list(
                "sequence", "pk"
            )
        )
        for row in rows:
            row.pk = row.id = by_sequence[row.sequence]
    EntryLine.objects.bulk_create(
        [
            EntryLine(
                community_id=account.community_id,
                entry_id=row.pk,
                account=account,
                booked_on=row.booked_on,
                category=parse_code(code)[0],
                unit_id=parse_code(code)[1],
                debit=debit,
                credit=credit,
            )
            for row, item in zip(rows, sealed, strict=True)
            for code, debit, credit in item.lines
        ]
    )
    if sealed:
        account.head_sequence = sealed[-1].sequence
        account.head_hash = sealed[-1].hash
        Account.objects.filter(pk=account.pk).update(
            head_sequence=account.head_sequence, head_hash=account.head_hash
        )
    return rows


def append_bulk(account_id: int, new: Iterable[NewEntry], *, batch: int = BULK_BATCH) -> int:
    """The bulk path (imports, migrations from another system, benchmarks): append many
    entries in batches, each batch in its own transaction with the account locked. Returns how
    many were appended. Raw executemany, not ORM objects: about ten times faster."""
    count = 0
    pending: list[NewEntry] = []
    for item in new:
        pending.append(item)
        if len(pending) >= batch:
            count += _append_raw(account_id, pending)
            pending = []
    if pending:
        count += _append_raw(account_id, pending)
    return count


def _append_raw(account_id: int, new: Sequence[NewEntry]) -> int:
    with transaction.atomic():
        account = lock_account(account_id)
        sealed = _seal(account, new)
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO finance_entry (community_id, account_id, sequence, booked_at, "
                "booked_on, lines, memo, reverses, previous_hash, hash) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [
                    (
                        account.community_id,
                        account_id,
                        item.sequence,
                        item.booked_at,
                        beijing_day(source.booked_at).isoformat(),
                        chain_rules.lines_json(item.lines),
                        item.memo,
                        item.reverses,
                        item.previous_hash,
                        item.hash,
                    )
                    for item, source in zip(sealed, new, strict=True)
                ],
            )
            cursor.execute(
                "SELECT id, sequence FROM finance_entry WHERE account_id = %s AND sequence >= %s",
                [account_id, sealed[0].sequence],
            )
            ids = {sequence: pk for pk, sequence in cursor.fetchall()}
            line_rows = []
            for item, source in zip(sealed, new, strict=True):
                day = beijing_day(source.booked_at).isoformat()
                for code, debit, credit in item.lines:
                    category, unit_id = parse_code(code)
                    line_rows.append(
                        (
                            account.community_id,
                            ids[item.sequence],
                            account_id,
                            day,
                            category,
                            unit_id,
                            debit,
                            credit,
                        )
                    )
            cursor.executemany(
                "INSERT INTO finance_entryline (community_id, entry_id, account_id, booked_on, "
                "category, unit_id, debit, credit) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                line_rows,
            )
        Account.objects.filter(pk=account_id).update(
            head_sequence=sealed[-1].sequence, head_hash=sealed[-1].hash
        )
    return len(sealed)


# --- reading and verifying ---------------------------------------------------------------------


def sealed_entries(account: Account, *, chunk: int = 2_000) -> Iterator[chain_rules.StoredRow]:
    """The account's stored entries in sequence order, as the rows the domain verifies: the
    ledger key, then the entry's columns with its lines still as their JSON text. Read with a
    plain cursor in chunks of `chunk` rows; no ORM objects, no decoding and no Python code per
    row (C iterators prefix each row with the key): this is the verification hot path."""
    key = (account.ledger_key,)
    return concat.from_iterable(map(add, repeat(key), rows) for rows in _chunks(account, chunk))


def _chunks(account: Account, chunk: int) -> Iterator[list[tuple[Any, ...]]]:
    """The rows in sequence order, `chunk` at a time. Each query asks for the next range of
    sequence numbers, so it reads at most `chunk` rows whatever plan the database picks (right
    after a bulk load PostgreSQL has no statistics yet and would sort the rest of the ledger
    for every LIMIT query). A short range means a gap or the end: what lies beyond, if
    anything, is read with it. A ledger shorter than `chunk` takes two queries."""
    select = (
        "SELECT sequence, booked_at, lines, memo, reverses, previous_hash, hash "
        "FROM finance_entry WHERE account_id = %s AND sequence > %s "
    )
    last = 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                select + "AND sequence <= %s ORDER BY sequence", [account.pk, last, last + chunk]
            )
            rows = cursor.fetchall()
            if len(rows) < chunk:
                cursor.execute(
                    select + "ORDER BY sequence LIMIT %s", [account.pk, last + chunk, chunk]
                )
                beyond = cursor.fetchall()
                if not beyond:
                    # The end of the ledger.
                    if rows:
                        yield rows
                    return
                rows += beyond
            yield rows
            last = rows[-1][0]


def published_checkpoints(account: Account) -> list[chain_rules.Checkpoint]:
    return [
        chain_rules.Checkpoint(sequence, digest)
        for sequence, digest in Checkpoint.objects.filter(account=account)
        .order_by("sequence")
        .values_list("sequence", "hash")
    ]


def verify_account(
    account: Account, extra: Iterable[chain_rules.Checkpoint] = ()
) -> chain_rules.Verification:
    """Verify the account's chain against its published checkpoints (and any the caller holds,
    e.g. a head copied from a notice board), naming the first bad entry."""
    return chain_rules.verify(
        sealed_entries(account),
        [*published_checkpoints(account), *extra],
        ledger=account.ledger_key,
    )
