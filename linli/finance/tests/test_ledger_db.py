"""The ledger in the database: append-only tables, tampering caught against published
checkpoints (by `verify_account` and by `manage.py verify_ledger`), and the bulk path writing
exactly what the ORM path writes. Runs unchanged on SQLite and on PostgreSQL.

Tampering needs the append-only triggers out of the way, as an attacker with direct database
access would have them: `tampering()` switches SQLite's guard off, or disables PostgreSQL's
user triggers, for the duration (inside the test's transaction, so nothing outlives it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.utils import translation

from linli.domain import ledger as chain_rules
from linli.domain.ledger import Checkpoint, Reason, SealedEntry, Verification
from linli.finance import ledger, services
from linli.finance.ledger import NewEntry
from linli.finance.models import (
    Account,
    Approval,
    Category,
    EmergencyConfirmation,
    Entry,
    EntryLine,
    Payment,
)
from linli.finance.models import Checkpoint as CheckpointRow
from linli.finance.tests.builders import FinanceSide, finance_side, fund
from linli.finance.tests.tamper import GUARDED, tampering
from linli.finance.verification import PROBLEMS
from tests.world import build_side

# What verification adds when the line rows differ from the hashed lines (linli.finance.integrity).
LINE_ROWS = (
    " The line rows of entry {n}, which balances and statements add up, differ from the entry "
    "itself (they were changed)."
)


def verify_command(*args: str) -> tuple[str, str | None]:
    """`manage.py verify_ledger` in English: its output and its error (None if it passed)."""
    out = StringIO()
    with translation.override("en"):
        try:
            call_command("verify_ledger", *args, stdout=out, no_color=True)
        except CommandError as error:
            return out.getvalue(), str(error)
    return out.getvalue(), None


# --- a six-entry ledger with checkpoints published after entries 2, 4 and 6 -----------------


@dataclass
class Book:
    fs: FinanceSide
    account: Account
    # The entries as first stored, by sequence.
    original: dict[int, SealedEntry]

    def hash(self, sequence: int) -> str:
        return self.original[sequence].hash

    def point(self, sequence: int) -> Checkpoint:
        return Checkpoint(sequence, self.hash(sequence))

    @property
    def label(self) -> str:
        community = self.fs.side.community
        return f"{community.name} · {self.account.name} (account {self.account.pk})"


def amount_of(sequence: int) -> int:
    return sequence * 10_000


def book(*, published: bool) -> Book:
    fs = finance_side(build_side("账"))
    account = fs.project
    for sequence in range(1, 7):
        fund(fs.worker, account, amount_of(sequence), description=f"停车费 第{sequence}期")
        if published and sequence % 2 == 0:
            services.checkpoints_publish(community_id=account.community_id, actor=fs.worker)
    account.refresh_from_db()
    return Book(fs, account, {entry.sequence: entry for entry in decoded(account)})


def decoded(account: Account) -> list[SealedEntry]:
    """The account's stored entries with their lines decoded, read through the ORM."""
    return [
        SealedEntry(
            account.ledger_key,
            sequence,
            booked_at,
            tuple(chain_rules.Line(*line) for line in json.loads(lines)),
            memo,
            reverses,
            previous_hash,
            digest,
        )
        for sequence, booked_at, lines, memo, reverses, previous_hash, digest in Entry.objects.filter(
            account=account
        )
        .order_by("sequence")
        .values_list("sequence", "booked_at", "lines", "memo", "reverses", "previous_hash", "hash")
    ]


@pytest.fixture
def published(db: Any) -> Book:
    return book(published=True)


def lines_for(amount: int) -> list[tuple[str, int, int]]:
    return [("cash", amount, 0), ("parking", 0, amount)]


def write_entry(cursor: Any, account: Account, entry: SealedEntry) -> None:
    """Overwrite the stored row at entry.sequence with these fields, and its line rows'
    amounts to match (what a careful forger would do)."""
    cursor.execute(
        "UPDATE finance_entry SET booked_at = %s, lines = %s, memo = %s, reverses = %s, "
        "previous_hash = %s, hash = %s WHERE account_id = %s AND sequence = %s",
        [
            entry.booked_at,
            chain_rules.lines_json(entry.lines),
            entry.memo,
            entry.reverses,
            entry.previous_hash,
            entry.hash,
            account.pk,
            entry.sequence,
        ],
    )
    amount = entry.lines[0][1]
    cursor.execute(
        "UPDATE finance_entryline SET "
        "debit = CASE WHEN debit > 0 THEN %s ELSE 0 END, "
        "credit = CASE WHEN credit > 0 THEN %s ELSE 0 END "
        "WHERE entry_id = (SELECT id FROM finance_entry WHERE account_id = %s AND sequence = %s)",
        [amount, amount, account.pk, entry.sequence],
    )


def edited(entry: SealedEntry, amount: int) -> SealedEntry:
    """The entry with another amount, its hash left as it was."""
    return entry._replace(lines=tuple(chain_rules.Line(*line) for line in lines_for(amount)))


def rehashed(entry: SealedEntry) -> SealedEntry:
    return entry._replace(hash=chain_rules.entry_hash(entry))


def rewritten_from(bk: Book, sequence: int, amount: int) -> tuple[SealedEntry, ...]:
    """Entries `sequence`… re-chained from the entry before, the first with another amount:
    a consistent rewrite, every hash recomputed."""
    entries = [
        chain_rules.Entry(
            ledger=old.ledger,
            sequence=old.sequence,
            booked_at=old.booked_at,
            lines=lines_for(amount) if old.sequence == sequence else old.lines,
            memo=old.memo,
        )
        for old in bk.original.values()
        if old.sequence >= sequence
    ]
    return chain_rules.chain(entries, after=bk.point(sequence - 1))


def rewrite(bk: Book, sequence: int, amount: int) -> tuple[SealedEntry, ...]:
    forged = rewritten_from(bk, sequence, amount)
    with tampering() as cursor:
        for entry in forged:
            write_entry(cursor, bk.account, entry)
        cursor.execute(
            "UPDATE finance_account SET head_hash = %s WHERE id = %s",
            [forged[-1].hash, bk.account.pk],
        )
    return forged


def fails(bk: Book, expected: Verification, sentence: str) -> None:
    """verify_account gives exactly `expected`; the command names the same entry and fails."""
    assert ledger.verify_account(bk.account) == expected
    out, error = verify_command("--account", str(bk.account.pk))
    assert out == f"FAILED {bk.label}: {sentence}\n"
    assert error == "1 of 1 ledger failed verification."


def failure(bk: Book, reason: Reason, **fields: Any) -> Verification:
    return Verification(ledger=bk.account.ledger_key, reason=reason, **fields)


# --- verification of an intact ledger -----------------------------------------------------


def test_intact_ledger_verifies_against_its_three_checkpoints(published):
    assert list(
        CheckpointRow.objects.filter(account=published.account).values_list("sequence", "hash")
    ) == [(2, published.hash(2)), (4, published.hash(4)), (6, published.hash(6))]
    assert ledger.verify_account(published.account) == Verification(
        ledger=published.account.ledger_key,
        reason=Reason.OK,
        checked=6,
        head=published.point(6),
        confirmed=published.point(6),
    )
    out, error = verify_command("--account", str(published.account.pk))
    assert error is None
    assert out == f"OK {published.label}: 6 entries checked, head 6 {published.hash(6)}.\n"


def test_command_verifies_every_account_in_order_and_empty_ledgers_pass(published):
    accounts = sorted(
        Account.objects.filter(community=published.account.community),
        key=lambda a: (a.kind, a.pk),
    )
    community = published.fs.side.community.name
    expected = "".join(
        f"OK {community} · {a.name} (account {a.pk}): "
        + (
            f"6 entries checked, head 6 {published.hash(6)}.\n"
            if a.pk == published.account.pk
            else "no entries yet.\n"
        )
        for a in accounts
    )
    assert [a.kind for a in accounts] == [
        "committee_costs",
        "common_income",
        "maintenance_fund",
        "project_fund",
    ]
    assert verify_command() == (expected, None)
    assert verify_command("--community", published.fs.side.community.code) == (expected, None)
    assert verify_command("--community", "c-nowhere") == ("", "There is no community c-nowhere.")


def test_command_finds_an_account_by_public_id_and_refuses_unknown_ones(published):
    line = f"OK {published.label}: 6 entries checked, head 6 {published.hash(6)}.\n"
    assert verify_command("--account", str(published.account.public_id)) == (line, None)
    assert verify_command("--account", "999999") == ("", "There is no account 999999.")
    assert verify_command("--account", "电梯") == (
        "",
        "电梯 is neither an account id nor a public id.",
    )


def test_command_holds_the_ledger_to_a_head_copied_from_a_notice(published):
    account = str(published.account.pk)
    head = f"6:{published.hash(6).upper()}"
    ok = f"OK {published.label}: 6 entries checked, head 6 {published.hash(6)}.\n"
    assert verify_command("--account", account, "--checkpoint", head) == (ok, None)

    wrong = f"5:{published.hash(6)}"
    out, error = verify_command("--account", account, "--checkpoint", wrong)
    assert out == (
        f"FAILED {published.label}: Entry 5 differs from its published checkpoint (the chain "
        "was rewritten). The rewrite starts after entry 4, the last checkpoint that matches. "
        "4 entries before it are intact.\n"
    )
    assert error == "1 of 1 ledger failed verification."

    assert verify_command("--account", account, "--checkpoint", "6-abc") == (
        "",
        "6-abc is not a checkpoint: write the entry number, a colon and the hash.",
    )
    assert verify_command("--checkpoint", head) == (
        "",
        "Checkpoints copied from a notice need exactly one account.",
    )


# --- tampering, each kind on its own --------------------------------------------------------


def test_edited_amount_with_its_hash_left_is_a_bad_hash_at_that_entry(published):
    with tampering() as cursor:
        write_entry(cursor, published.account, edited(published.original[3], 300_000))

    fails(
        published,
        failure(
            published,
            Reason.BAD_HASH,
            checked=2,
            head=published.point(2),
            sequence=3,
            found=3,
            confirmed=published.point(2),
        ),
        "The contents of entry 3 do not match its hash (it was edited). "
        "2 entries before it are intact.",
    )


@pytest.mark.parametrize(
    ("change", "reason", "sentence"),
    [
        (
            {"lines": (("cash", 30_000, 0), ("parking", 0, 3_000))},
            Reason.UNBALANCED,
            # The hashed lines changed, so they no longer match the line rows either.
            "The debits and credits of entry 3 do not balance. 2 entries before it are intact."
            + LINE_ROWS.format(n=3),
        ),
        (
            {"reverses": 2},
            Reason.BAD_REVERSAL,
            "Entry 3 is not a valid reversal of the entry it names. "
            "2 entries before it are intact.",
        ),
    ],
)
def test_edits_that_break_double_entry_are_named_before_the_hash(
    published, change, reason, sentence
):
    with tampering() as cursor:
        write_entry(cursor, published.account, published.original[3]._replace(**change))

    fails(
        published,
        failure(
            published,
            reason,
            checked=2,
            head=published.point(2),
            sequence=3,
            found=3,
            confirmed=published.point(2),
        ),
        sentence,
    )


def test_every_reason_has_a_sentence():
    assert set(PROBLEMS) == set(Reason) - {Reason.OK}


def test_edited_amount_with_its_hash_recomputed_breaks_the_link_of_the_next_entry(published):
    forged = rehashed(edited(published.original[3], 300_000))
    with tampering() as cursor:
        write_entry(cursor, published.account, forged)

    fails(
        published,
        failure(
            published,
            Reason.BROKEN_LINK,
            checked=3,
            head=Checkpoint(3, forged.hash),
            sequence=4,
            found=4,
            confirmed=published.point(2),
        ),
        "Entry 4 does not carry the hash of the entry before it (the chain is broken). "
        "3 entries before it are intact.",
    )


def test_deleted_entry_is_a_gap_where_it_was(published):
    with tampering() as cursor:
        cursor.execute(
            "DELETE FROM finance_entryline WHERE entry_id = "
            "(SELECT id FROM finance_entry WHERE account_id = %s AND sequence = 3)",
            [published.account.pk],
        )
        cursor.execute(
            "DELETE FROM finance_entry WHERE account_id = %s AND sequence = 3",
            [published.account.pk],
        )

    fails(
        published,
        failure(
            published,
            Reason.GAP_OR_REORDER,
            checked=2,
            head=published.point(2),
            sequence=3,
            found=4,
            confirmed=published.point(2),
        ),
        "Entry 3 is missing or out of place (an entry was deleted, inserted or moved). "
        "Entry 4 stands in its place. 2 entries before it are intact.",
    )


def renumber_from(cursor: Any, account: Account, sequence: int, shift: int) -> None:
    """Move entries `sequence`… by `shift` numbers, through free numbers (the sequence is
    unique per account and checked row by row)."""
    cursor.execute(
        "UPDATE finance_entry SET sequence = sequence + 1000 WHERE account_id = %s "
        "AND sequence >= %s",
        [account.pk, sequence],
    )
    cursor.execute(
        "UPDATE finance_entry SET sequence = sequence - 1000 + %s WHERE account_id = %s "
        "AND sequence >= 1000",
        [shift, account.pk],
    )


def insert_entry(cursor: Any, account: Account, entry: SealedEntry) -> None:
    cursor.execute(
        "INSERT INTO finance_entry (community_id, account_id, sequence, booked_at, booked_on, "
        "lines, memo, reverses, previous_hash, hash) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        [
            account.community_id,
            account.pk,
            entry.sequence,
            entry.booked_at,
            date(2025, 3, 1),
            chain_rules.lines_json(entry.lines),
            entry.memo,
            entry.reverses,
            entry.previous_hash,
            entry.hash,
        ],
    )


def forged_entry(bk: Book, sequence: int, after: Checkpoint) -> SealedEntry:
    """A well-formed entry, correctly chained to `after`: the best a forger can slip in."""
    (sealed,) = chain_rules.chain(
        [
            chain_rules.Entry(
                ledger=bk.account.ledger_key,
                sequence=sequence,
                booked_at="2025-03-01T04:00:00+00:00",
                lines=[("office", 880_000, 0), ("cash", 0, 880_000)],
                memo="咨询费\n某某咨询公司",
            )
        ],
        after=after,
    )
    return sealed


def test_inserted_entry_with_the_later_ones_renumbered_fails_at_the_first_moved_entry(
    published,
):
    # The slipped-in entry 3 is flawless; the old entry 3, now numbered 4, no longer hashes.
    forged = forged_entry(published, 3, after=published.point(2))
    with tampering() as cursor:
        renumber_from(cursor, published.account, 3, shift=1)
        insert_entry(cursor, published.account, forged)

    fails(
        published,
        failure(
            published,
            Reason.BAD_HASH,
            checked=3,
            head=Checkpoint(3, forged.hash),
            sequence=4,
            found=4,
            confirmed=published.point(2),
        ),
        "The contents of entry 4 do not match its hash (it was edited). "
        "3 entries before it are intact." + LINE_ROWS.format(n=3),
        # The forged entry 3 has no line rows, and the renumbered ones keep their rows.
    )


def test_inserted_entry_beyond_the_head_is_a_gap(published):
    forged = forged_entry(published, 8, after=Checkpoint(7, published.hash(6)))
    with tampering() as cursor:
        insert_entry(cursor, published.account, forged)

    fails(
        published,
        failure(
            published,
            Reason.GAP_OR_REORDER,
            checked=6,
            head=published.point(6),
            sequence=7,
            found=8,
            confirmed=published.point(6),
        ),
        "Entry 7 is missing or out of place (an entry was deleted, inserted or moved). "
        "Entry 8 stands in its place. 6 entries before it are intact." + LINE_ROWS.format(n=8),
        # The forged entry has no line rows.
    )


def test_two_entries_swapped_fail_at_the_first_of_them(published):
    account = published.account.pk
    with tampering() as cursor:
        cursor.execute(
            "UPDATE finance_entry SET sequence = 1003 WHERE account_id = %s AND sequence = 3",
            [account],
        )
        cursor.execute(
            "UPDATE finance_entry SET sequence = 3 WHERE account_id = %s AND sequence = 4",
            [account],
        )
        cursor.execute(
            "UPDATE finance_entry SET sequence = 4 WHERE account_id = %s AND sequence = 1003",
            [account],
        )
    assert [e.hash for e in decoded(published.account)][2:4] == [
        published.hash(4),
        published.hash(3),
    ]

    fails(
        published,
        failure(
            published,
            Reason.BAD_HASH,
            checked=2,
            head=published.point(2),
            sequence=3,
            found=3,
            confirmed=published.point(2),
        ),
        "The contents of entry 3 do not match its hash (it was edited). "
        "2 entries before it are intact.",
    )


def test_tail_cut_off_after_a_checkpoint_is_missing_after_checkpoint(published):
    with tampering() as cursor:
        cursor.execute(
            "DELETE FROM finance_entryline WHERE entry_id IN "
            "(SELECT id FROM finance_entry WHERE account_id = %s AND sequence > 4)",
            [published.account.pk],
        )
        cursor.execute(
            "DELETE FROM finance_entry WHERE account_id = %s AND sequence > 4",
            [published.account.pk],
        )
        cursor.execute(
            "UPDATE finance_account SET head_sequence = 4, head_hash = %s WHERE id = %s",
            [published.hash(4), published.account.pk],
        )

    fails(
        published,
        failure(
            published,
            Reason.MISSING_AFTER_CHECKPOINT,
            checked=4,
            head=published.point(4),
            sequence=5,
            confirmed=published.point(4),
        ),
        "Entry 5 is in a published checkpoint but missing (the tail was cut off). "
        "4 entries before it are intact.",
    )


def test_consistent_rewrite_from_entry_3_disagrees_with_the_checkpoint_at_4(published):
    forged = rewrite(published, 3, amount=3_000)
    assert chain_rules.verify(decoded(published.account)).ok

    fails(
        published,
        failure(
            published,
            Reason.CHECKPOINT_MISMATCH,
            checked=3,
            head=Checkpoint(3, forged[0].hash),
            sequence=4,
            found=4,
            confirmed=published.point(2),
        ),
        "Entry 4 differs from its published checkpoint (the chain was rewritten). "
        "The rewrite starts after entry 2, the last checkpoint that matches. "
        "3 entries before it are intact.",
    )


def test_consistent_rewrite_goes_unnoticed_without_published_checkpoints(db):
    # Why checkpoints are published: a chain rewritten consistently holds together, and only
    # a head kept from before (here one copied from a notice board) shows it changed.
    bk = book(published=False)
    forged = rewrite(bk, 3, amount=3_000)

    assert ledger.verify_account(bk.account) == Verification(
        ledger=bk.account.ledger_key,
        reason=Reason.OK,
        checked=6,
        head=Checkpoint(6, forged[-1].hash),
    )
    assert verify_command("--account", str(bk.account.pk)) == (
        f"OK {bk.label}: 6 entries checked, head 6 {forged[-1].hash}.\n",
        None,
    )

    kept = bk.point(6)
    assert ledger.verify_account(bk.account, [kept]) == failure(
        bk,
        Reason.CHECKPOINT_MISMATCH,
        checked=5,
        head=Checkpoint(5, forged[-2].hash),
        sequence=6,
        found=6,
    )
    out, error = verify_command("--account", str(bk.account.pk), "--checkpoint", f"6:{kept.hash}")
    assert out == (
        f"FAILED {bk.label}: Entry 6 differs from its published checkpoint (the chain was "
        "rewritten). No earlier checkpoint matches. 5 entries before it are intact.\n"
    )
    assert error == "1 of 1 ledger failed verification."


# --- append-only tables ---------------------------------------------------------------------


@pytest.fixture
def guarded(db: Any) -> FinanceSide:
    """At least one row in every append-only table."""
    side = build_side("守")
    fs = finance_side(side)
    fund(fs.worker, fs.income, 1_000_000)
    expense = services.expense_record(
        actor=fs.property,
        account_id=fs.income.pk,
        category=Category.CLEANING,
        description="外墙清洗",
        counterparty="杭州洁美保洁有限公司",
        amount=100_000,
    )
    services.expense_decide(actor=fs.worker, expense_id=expense.pk, approve=True)
    emergency = services.expense_record(
        actor=fs.property,
        account_id=fs.fund.pk,
        category=Category.ELEVATOR,
        description="电梯困人抢修",
        counterparty="杭州西奥电梯有限公司",
        amount=200_000,
        emergency="elevator_failure",
    )
    services.emergency_confirm(
        actor=fs.committee,
        expense_id=emergency.pk,
        step="committee_check",
        document_ref="业委会〔2025〕3号",
    )
    plan = services.plan_create(
        actor=fs.worker,
        account_id=fs.project.pk,
        title="24幢加装电梯",
        scheme="explicit",
        gross=100_000,
        roster=[side.unit.pk, side.other_unit.pk],
        parameters={"amounts": {str(side.unit.pk): 60_000, str(side.other_unit.pk): 40_000}},
    )
    services.plan_issue(actor=fs.worker, plan_id=plan.pk)
    share = plan.shares.get(unit=side.unit)
    services.payment_record(actor=fs.worker, share_id=share.pk, amount=60_000, channel="bank")
    services.checkpoints_publish(community_id=side.community.pk, actor=fs.worker)
    return fs


# A real change to each table: the column a forger would want.
FORGERIES = {
    "finance_entry": "memo = 'forged'",
    "finance_entryline": "debit = debit + 100",
    "finance_checkpoint": "sequence = sequence + 1",
    "finance_approval": "note = 'forged'",
    "finance_emergencyconfirmation": "document_ref = 'forged'",
    "finance_payment": "amount = amount + 100",
}


def table_rows(table: str) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} ORDER BY id")  # noqa: S608
        return list(cursor.fetchall())


@pytest.mark.parametrize("table", GUARDED)
@pytest.mark.parametrize("statement", ["UPDATE {table} SET {forgery}", "DELETE FROM {table}"])
def test_raw_update_and_delete_on_append_only_tables_fail_and_change_nothing(
    guarded, table, statement
):
    before = table_rows(table)
    assert before, f"{table} has no row to protect"
    with (
        pytest.raises(IntegrityError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement.format(table=table, forgery=FORGERIES[table]))
    assert table_rows(table) == before


def test_orm_update_of_entries_and_their_satellites_fails(guarded):
    querysets: list[tuple[Any, dict[str, Any]]] = [
        (Entry.objects.all(), {"memo": "forged"}),
        (EntryLine.objects.all(), {"debit": 1}),
        (CheckpointRow.objects.all(), {"hash": "0" * 64}),
        (Approval.objects.all(), {"note": "forged"}),
        (EmergencyConfirmation.objects.all(), {"document_ref": "forged"}),
        (Payment.objects.all(), {"amount": 1}),
    ]
    for queryset, change in querysets:
        before = list(queryset.values_list())
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
            queryset.update(**change)
        assert list(queryset.values_list()) == before


def test_orm_save_of_a_loaded_entry_fails(guarded):
    entry = Entry.objects.filter(account=guarded.income).order_by("sequence").first()
    assert entry is not None
    entry.memo = "forged"
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        entry.save()
    entry.refresh_from_db()
    assert entry.memo == "入账"


def test_orm_delete_fails_in_the_orm_and_again_in_the_database(guarded):
    for queryset in (
        EntryLine.objects.all(),
        CheckpointRow.objects.all(),
        Approval.objects.all(),
        EmergencyConfirmation.objects.all(),
        Payment.objects.all(),
    ):
        count = queryset.count()
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
            queryset.delete()
        assert queryset.count() == count

    # An entry is protected by its lines in the ORM; with them gone, the trigger still refuses.
    entry = Entry.objects.filter(account=guarded.income).order_by("sequence").first()
    assert entry is not None
    with pytest.raises(ProtectedError), transaction.atomic():
        entry.delete()
    with tampering() as cursor:
        cursor.execute("DELETE FROM finance_entryline WHERE entry_id = %s", [entry.pk])
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        Entry.objects.filter(pk=entry.pk).delete()
    assert Entry.objects.filter(pk=entry.pk).exists()


# --- the bulk path writes what the ORM path writes -----------------------------------------


def new_entries(unit_a: int, unit_b: int) -> list[NewEntry]:
    at = datetime(2025, 3, 1, 16, 30, tzinfo=UTC)
    return [
        # 00:30 on 2 March in Beijing.
        NewEntry(
            lines=[
                ("cash", 89_500, 0),
                (f"deposit/u{unit_a}", 0, 50_000),
                (f"deposit/u{unit_b}", 0, 39_500),
            ],
            memo="首期维修资金\n张三丰",
            booked_at=at,
        ),
        # 23:59:59.999999 on 1 March in Beijing.
        NewEntry(
            lines=[("repair", 12_345, 0), ("cash", 0, 12_345)],
            memo="更换路灯\n杭州光明电器有限公司",
            booked_at=datetime(2025, 3, 1, 15, 59, 59, 999_999, tzinfo=UTC),
        ),
        NewEntry(
            lines=[("repair", 0, 12_345), ("cash", 12_345, 0)],
            memo="冲销：金额有误",
            booked_at=at,
            reverses=2,
        ),
        NewEntry(lines=[("cash", 1, 0), ("interest", 0, 1)], memo='利息 ✓ "季度"', booked_at=at),
        NewEntry(
            lines=[(f"repair/u{unit_a}", 700, 0), ("cash", 0, 700)],
            memo="101室 水管",
            booked_at=datetime(2025, 6, 30, 23, 0, tzinfo=UTC),
        ),
    ]


def expected_rows(account: Account, new: list[NewEntry]) -> tuple[SealedEntry, ...]:
    return chain_rules.chain(
        chain_rules.Entry(
            ledger=account.ledger_key,
            sequence=sequence,
            booked_at=item.booked_at,
            lines=item.lines,
            memo=item.memo,
            reverses=item.reverses,
        )
        for sequence, item in enumerate(new, start=1)
    )


def stored(account: Account) -> list[tuple[Any, ...]]:
    return list(
        Entry.objects.filter(account=account)
        .order_by("sequence")
        .values_list(
            "sequence",
            "booked_at",
            "booked_on",
            "lines",
            "memo",
            "reverses",
            "previous_hash",
            "hash",
            "community_id",
            "recorded_by_id",
            "expense_id",
        )
    )


def stored_lines(account: Account) -> list[tuple[Any, ...]]:
    return list(
        EntryLine.objects.filter(account=account)
        .order_by("entry__sequence", "id")
        .values_list(
            "entry__sequence", "category", "unit_id", "debit", "credit", "booked_on", "community_id"
        )
    )


def test_bulk_path_and_orm_path_store_exactly_the_domain_chain(db):
    side = build_side("批")
    fs = finance_side(side)
    new = new_entries(side.unit.pk, side.other_unit.pk)
    # Beijing days: the booking times straddle midnight there.
    days = [
        date(2025, 3, 2),
        date(2025, 3, 1),
        date(2025, 3, 2),
        date(2025, 3, 2),
        date(2025, 7, 1),
    ]
    with transaction.atomic():
        ledger.append(ledger.lock_account(fs.fund.pk), new)
    assert ledger.append_bulk(fs.income.pk, new, batch=2) == 5

    for account in (fs.fund, fs.income):
        account.refresh_from_db()
        chain = expected_rows(account, new)
        assert stored(account) == [
            (
                entry.sequence,
                entry.booked_at,
                day,
                chain_rules.lines_json(entry.lines),
                entry.memo,
                entry.reverses,
                entry.previous_hash,
                entry.hash,
                account.community_id,
                None,
                None,
            )
            for entry, day in zip(chain, days, strict=True)
        ]
        assert stored_lines(account) == [
            (
                entry.sequence,
                *ledger.parse_code(code),
                debit,
                credit,
                day,
                account.community_id,
            )
            for entry, day in zip(chain, days, strict=True)
            for code, debit, credit in entry.lines
        ]
        assert (account.head_sequence, account.head_hash) == (5, chain[-1].hash)
        assert ledger.verify_account(account) == Verification(
            ledger=account.ledger_key,
            reason=Reason.OK,
            checked=5,
            head=Checkpoint(5, chain[-1].hash),
        )
    # The stored line JSON is the canonical encoding, byte for byte.
    first = Entry.objects.get(account=fs.income, sequence=1)
    assert first.lines == json.dumps(
        [list(line) for line in new[0].lines], separators=(",", ":"), ensure_ascii=False
    )
