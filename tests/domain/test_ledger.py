"""The hash-chained ledger (issue 4, items 1 and 2): sealing, reversals and tamper detection.

Pure unit tests: no database. `json.dumps` appears only here, as the oracle of the encoding.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linli.domain.ledger import (
    GENESIS,
    Checkpoint,
    Entry,
    Line,
    Reason,
    SealedEntry,
    canonical,
    chain,
    entry_hash,
    reversal,
    verify,
)

FUND = "estate-7/maintenance"
T0 = datetime(2025, 3, 1, 0, 30, tzinfo=UTC)


def deposit(sequence: int, fen: int = 120_000, memo: str = "3栋2单元201 维修资金缴存") -> Entry:
    return Entry(
        FUND,
        sequence,
        T0 + timedelta(hours=sequence),
        [("1002", fen, 0), ("2401.0302", 0, fen)],
        memo,
    )


def ledger_of(count: int) -> tuple[SealedEntry, ...]:
    return chain(deposit(n, fen=100 * n) for n in range(1, count + 1))


def head(entry: SealedEntry) -> Checkpoint:
    return Checkpoint(entry.sequence, entry.hash)


# Building entries.


def test_entry_normalises_booking_time_to_utc_and_memo_to_nfc() -> None:
    shanghai = timezone(timedelta(hours=8))
    entry = Entry(
        FUND,
        1,
        datetime(2025, 3, 1, 8, 30, tzinfo=shanghai),
        [("1002", 1, 0), ("2401", 0, 1)],
        "Cafe\u0301",
    )
    assert entry.booked_at == "2025-03-01T00:30:00.000000Z"
    assert entry.memo == "Caf\u00e9"
    assert Entry(FUND, 1, "2025-03-01T08:30:00+08:00", entry.lines).booked_at == entry.booked_at
    assert entry.lines == (Line("1002", 1, 0), Line("2401", 0, 1))


@pytest.mark.parametrize(
    ("sequence", "booked_at", "lines", "reverses", "previous_hash"),
    [
        (0, T0, [("1002", 1, 0), ("2401", 0, 1)], None, ""),
        (1, datetime(2025, 3, 1), [("1002", 1, 0), ("2401", 0, 1)], None, ""),
        (1, "2025-03-01T08:30:00", [("1002", 1, 0), ("2401", 0, 1)], None, ""),
        (1, T0, [("1002", 2, 0), ("2401", 0, 1)], None, ""),
        (1, T0, [("1002", 1, 1), ("2401", 1, 1)], None, ""),
        (1, T0, [("1002", -1, 0), ("2401", 0, -1)], None, ""),
        (1, T0, [("1002", 0, 0)], None, ""),
        (1, T0, [], None, ""),
        (1, T0, [("", 1, 0), ("2401", 0, 1)], None, ""),
        (1, T0, [("1002", True, 0), ("2401", 0, True)], None, ""),
        (2, T0, [("1002", 1, 0), ("2401", 0, 1)], 2, ""),
        (1, T0, [("1002", 1, 0), ("2401", 0, 1)], None, "ABC"),
    ],
    ids=[
        "sequence_zero",
        "naive_datetime",
        "string_without_offset",
        "debits_exceed_credits",
        "two_sided_lines",
        "negative_amounts",
        "zero_line",
        "no_lines",
        "blank_account",
        "boolean_amounts",
        "reverses_itself",
        "malformed_previous_hash",
    ],
)
def test_entry_refuses_what_breaks_its_invariants(
    sequence: int,
    booked_at: str | datetime,
    lines: list[tuple[str, int, int]],
    reverses: int | None,
    previous_hash: str,
) -> None:
    with pytest.raises(ValueError):
        Entry(FUND, sequence, booked_at, lines, "", reverses, previous_hash)


def test_canonical_encoding_is_sorted_compact_utf8_json_and_pinned() -> None:
    entry = Entry(FUND, 1, T0, [("1002", 120_000, 0), ("2401.0302", 0, 120_000)], '缴存 "A"')
    assert (
        canonical(entry)
        == (
            '{"booked_at":"2025-03-01T00:30:00.000000Z","ledger":"estate-7/maintenance",'
            '"lines":[["1002",120000,0],["2401.0302",0,120000]],"memo":"缴存 \\"A\\"",'
            '"previous_hash":"","reverses":null,"sequence":1}'
        ).encode()
    )
    assert entry_hash(entry) == hashlib.sha256(canonical(entry)).hexdigest()
    # Sealed from genesis; pinned so that any change to the encoding is a deliberate one.
    sealed = chain([entry])[0]
    assert sealed.hash == "5ab36dfe03f54e48d4a534d36a3a19e9107ed113fe054037acb89bd708a241d5"
    assert sealed.hash == entry_hash(sealed)


def test_chain_links_every_entry_to_its_predecessor_from_genesis() -> None:
    sealed = ledger_of(3)
    assert [e.sequence for e in sealed] == [1, 2, 3]
    assert sealed[0].previous_hash == GENESIS == "0" * 64
    assert sealed[1].previous_hash == sealed[0].hash
    assert sealed[2].previous_hash == sealed[1].hash
    assert all(e.hash == entry_hash(e) for e in sealed)
    result = verify(sealed, [head(sealed[1])])
    assert result.ok and result.reason is Reason.OK
    assert (result.checked, result.head, result.confirmed) == (3, head(sealed[2]), head(sealed[1]))
    assert result.explanation == "The ledger is intact up to entry 3: 3 entries checked."


def test_chain_appends_after_a_head_as_if_built_at_once() -> None:
    whole = ledger_of(5)
    first = chain(deposit(n, fen=100 * n) for n in range(1, 3))
    rest = chain((deposit(n, fen=100 * n) for n in range(3, 6)), after=head(first[-1]))
    assert first + rest == whole


def test_chain_refuses_gaps_other_ledgers_and_wrong_links() -> None:
    with pytest.raises(ValueError, match="expected sequence 2, got 3"):
        chain([deposit(1), deposit(3)])
    other = Entry("estate-7/common", 2, T0, [("1002", 1, 0), ("6001", 0, 1)])
    with pytest.raises(ValueError, match="another ledger"):
        chain([deposit(1), other])
    with pytest.raises(ValueError, match="wrong previous hash"):
        chain([Entry(FUND, 1, T0, deposit(1).lines, previous_hash="a" * 64)])


def test_empty_ledger_verifies_without_checkpoints_but_not_against_one() -> None:
    assert verify([]) == verify([], ())
    assert verify([]).ok and verify([]).head is None and verify([]).checked == 0
    cut = verify([], [Checkpoint(1, "a" * 64)])
    assert (cut.reason, cut.sequence, cut.found, cut.checked) == (
        Reason.MISSING_AFTER_CHECKPOINT,
        1,
        None,
        0,
    )


# Reversals.


def test_reversal_swaps_debit_and_credit_and_names_the_original() -> None:
    sealed = ledger_of(2)
    undo = reversal(sealed[0], 3, T0 + timedelta(days=1), "冲销：金额录错")
    assert undo.lines == (Line("1002", 0, 100), Line("2401.0302", 100, 0))
    assert (undo.ledger, undo.sequence, undo.reverses, undo.previous_hash) == (FUND, 3, 1, "")
    whole = sealed + chain([undo], after=head(sealed[-1]))
    assert verify(whole).ok


def test_a_second_reversal_of_one_entry_or_a_false_mirror_is_refused() -> None:
    sealed = ledger_of(1)
    first = reversal(sealed[0], 2, T0, "冲销")
    with pytest.raises(ValueError, match="does not reverse entry 1"):
        chain([sealed[0].entry, first, reversal(sealed[0], 3, T0, "再冲销")])
    fake = Entry(FUND, 2, T0, [("1002", 0, 99), ("2401.0302", 99, 0)], "冲销", reverses=1)
    with pytest.raises(ValueError, match="does not reverse entry 1"):
        chain([sealed[0].entry, fake])
    # The same mistakes, sealed by a careless service one at a time, are caught by verify.
    second = reversal(sealed[0], 3, T0, "再冲销")
    rows = sealed + chain([first], after=head(sealed[0]))
    rows += chain([second], after=head(rows[-1]))
    result = verify(rows)
    assert (result.reason, result.sequence, result.checked) == (Reason.BAD_REVERSAL, 3, 2)
    wrong = sealed + chain([fake], after=head(sealed[0]))
    assert verify(wrong).reason is Reason.BAD_REVERSAL


def test_reversing_a_reversal_reinstates_and_verifies() -> None:
    sealed = ledger_of(1)
    undo = reversal(sealed[0], 2, T0, "冲销")
    redo = reversal(undo, 3, T0, "恢复")
    assert redo.lines == sealed[0].lines
    assert verify(chain([sealed[0].entry, undo, redo])).ok


# Tampering of every kind named in issue 4, item 2.


def test_edited_entry_is_named_by_bad_hash() -> None:
    rows = list(ledger_of(5))
    rows[2] = rows[2]._replace(memo="3栋2单元201 维修资金缴存（已改）")
    result = verify(rows, [head(ledger_of(5)[-1])])
    assert (result.reason, result.sequence, result.found, result.checked) == (
        Reason.BAD_HASH,
        3,
        3,
        2,
    )
    assert result.head == head(rows[1])
    assert result.explanation == "Entry 3: its contents do not match its hash (it was edited)."


def test_edited_memo_with_a_lone_surrogate_is_a_bad_hash_not_a_crash() -> None:
    rows = list(ledger_of(2))
    rows[1] = rows[1]._replace(memo="\ud800")
    assert (verify(rows).reason, verify(rows).sequence) == (Reason.BAD_HASH, 2)


def test_edited_amount_that_unbalances_is_named_unbalanced() -> None:
    rows = list(ledger_of(5))
    rows[3] = rows[3]._replace(lines=(Line("1002", 400, 0), Line("2401.0302", 0, 40)))
    assert (verify(rows).reason, verify(rows).sequence) == (Reason.UNBALANCED, 4)


def test_deleted_entry_is_a_gap() -> None:
    rows = list(ledger_of(5))
    del rows[1]
    result = verify(rows)
    assert (result.reason, result.sequence, result.found) == (Reason.GAP_OR_REORDER, 2, 3)


def test_inserted_entry_is_a_gap_or_a_broken_link() -> None:
    rows = list(ledger_of(5))
    forged = chain([deposit(1, fen=999_999)])[0]
    # Inserted with a duplicate sequence number.
    result = verify([*rows[:3], forged._replace(sequence=3), *rows[3:]])
    assert (result.reason, result.sequence, result.found) == (Reason.GAP_OR_REORDER, 4, 3)
    # Inserted with its own valid hash after entry 3, later entries renumbered but not rehashed.
    extra = chain([deposit(4, fen=999_999)], after=head(rows[2]))[0]
    shifted = [e._replace(sequence=e.sequence + 1) for e in rows[3:]]
    result = verify([*rows[:3], extra, *shifted])
    assert (result.reason, result.sequence) == (Reason.BAD_HASH, 5)


def test_two_reordered_entries_are_a_gap_at_the_first() -> None:
    rows = list(ledger_of(5))
    rows[1], rows[3] = rows[3], rows[1]
    result = verify(rows)
    assert (result.reason, result.sequence, result.found) == (Reason.GAP_OR_REORDER, 2, 4)
    # Swapped with their sequence numbers swapped back: the hashes give them away.
    renumbered = list(ledger_of(5))
    renumbered[1], renumbered[3] = (
        renumbered[3]._replace(sequence=2),
        renumbered[1]._replace(sequence=4),
    )
    result = verify(renumbered)
    assert (result.reason, result.sequence) == (Reason.BAD_HASH, 2)


def test_truncated_tail_is_found_only_against_a_checkpoint() -> None:
    rows = ledger_of(5)
    published = [head(rows[1]), head(rows[4])]
    assert verify(rows[:3]).ok
    result = verify(rows[:3], published)
    assert (result.reason, result.sequence, result.found, result.checked) == (
        Reason.MISSING_AFTER_CHECKPOINT,
        4,
        None,
        3,
    )
    assert result.confirmed == published[0]


def test_fully_recomputed_rewrite_is_found_only_against_a_checkpoint() -> None:
    rows = ledger_of(6)
    published = [head(rows[1]), head(rows[4])]
    forged_entries = [e.entry for e in rows]
    forged_entries[2] = deposit(3, fen=1)
    # What a forger with database access does: recompute every link and hash from the top.
    forgery = chain(_unlinked(e) for e in forged_entries)
    # Self-consistent: without published heads nothing is wrong.
    assert verify(forgery).ok
    result = verify(forgery, published)
    assert (result.reason, result.sequence, result.checked) == (Reason.CHECKPOINT_MISMATCH, 5, 4)
    # The rewrite lies after the last head that still matched, at or before `sequence`.
    assert result.confirmed == published[0]
    # A head published before the rewrite point still matches; the rewrite changes the future.
    assert verify(forgery, [head(rows[1])]).ok


def test_entry_from_another_ledger_is_named() -> None:
    rows = list(ledger_of(3))
    result = verify(rows, ledger="estate-7/common")
    assert (result.reason, result.sequence) == (Reason.WRONG_LEDGER, 1)
    stray = chain([Entry("estate-7/common", 1, T0, deposit(1).lines)])[0]
    rows[1] = stray._replace(sequence=2)
    assert (verify(rows).reason, verify(rows).sequence) == (Reason.WRONG_LEDGER, 2)


def test_first_entry_must_start_from_genesis() -> None:
    forged = chain([deposit(1)], after=None)[0]
    relinked = forged._replace(previous_hash="f" * 64)
    relinked = relinked._replace(hash=entry_hash(relinked))
    result = verify([relinked])
    assert (result.reason, result.sequence) == (Reason.BROKEN_LINK, 1)


def test_conflicting_checkpoints_at_one_sequence_fail() -> None:
    rows = ledger_of(3)
    result = verify(rows, [head(rows[1]), Checkpoint(2, "a" * 64)])
    assert (result.reason, result.sequence) == (Reason.CHECKPOINT_MISMATCH, 2)


def _unlinked(entry: Entry) -> Entry:
    return Entry(
        entry.ledger, entry.sequence, entry.booked_at, entry.lines, entry.memo, entry.reverses
    )


# Properties.

MEMO = st.text(st.characters(codec="utf-8"), max_size=12)
ACCOUNT = st.text("0123456789.应收维修资金", min_size=1, max_size=8)
FEN = st.integers(min_value=1, max_value=10**12)


@st.composite
def balanced_lines(draw: st.DrawFn) -> list[tuple[str, int, int]]:
    debits = draw(st.lists(st.tuples(ACCOUNT, FEN), min_size=1, max_size=3))
    credit_accounts = draw(st.lists(ACCOUNT, min_size=1, max_size=3))
    total = sum(fen for _, fen in debits)
    # Split the total over the credit accounts, each share positive.
    cuts = sorted(
        draw(
            st.lists(
                st.integers(min_value=1, max_value=max(total - 1, 1)),
                max_size=min(len(credit_accounts) - 1, total - 1),
                unique=True,
            )
        )
    )
    shares = [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]
    return [(a, fen, 0) for a, fen in debits] + [
        (a, 0, fen) for a, fen in zip(credit_accounts, shares, strict=False)
    ]


@st.composite
def ledgers(draw: st.DrawFn) -> list[Entry]:
    key = draw(st.text(st.characters(codec="utf-8"), min_size=1, max_size=10))
    count = draw(st.integers(min_value=1, max_value=8))
    entries: list[Entry] = []
    reversed_already: set[int] = set()
    for sequence in range(1, count + 1):
        booked = draw(
            st.datetimes(
                min_value=datetime(2000, 1, 1),
                max_value=datetime(2100, 1, 1),
                timezones=st.just(UTC),
            )
        )
        open_targets = [e for e in entries if e.sequence not in reversed_already]
        wants_reversal = draw(st.booleans())
        if open_targets and wants_reversal:
            target = draw(st.sampled_from(open_targets))
            reversed_already.add(target.sequence)
            entries.append(reversal(target, sequence, booked, draw(MEMO)))
        else:
            entries.append(Entry(key, sequence, booked, draw(balanced_lines()), draw(MEMO)))
    return entries


@given(ledgers())
def test_any_valid_chain_verifies_and_encodes_as_json(entries: list[Entry]) -> None:
    sealed = chain(entries)
    result = verify(sealed, [head(e) for e in sealed[::2]])
    assert result.ok and result.head == head(sealed[-1]) and result.checked == len(entries)
    for entry in sealed:
        fields = entry._asdict()
        del fields["hash"]
        fields["lines"] = [list(line) for line in entry.lines]
        oracle = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert canonical(entry) == oracle.encode()
        assert entry.entry.lines == entry.lines


def _mutations(entry: SealedEntry) -> st.SearchStrategy[tuple[str, Any]]:
    field_values: dict[str, st.SearchStrategy[Any]] = {
        "ledger": st.text(min_size=1, max_size=10),
        "sequence": st.integers(min_value=-2, max_value=20),
        "booked_at": st.datetimes(timezones=st.just(UTC)).map(
            lambda t: t.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"
        ),
        "lines": balanced_lines().map(lambda ls: tuple(Line(*line) for line in ls)),
        "memo": MEMO,
        "reverses": st.none() | st.integers(min_value=-1, max_value=20),
        "previous_hash": st.sampled_from([GENESIS, "f" * 64, ""]),
        "hash": st.sampled_from([GENESIS, "f" * 64, entry.previous_hash]),
    }
    return st.sampled_from(sorted(field_values)).flatmap(
        lambda name: st.tuples(
            st.just(name),
            field_values[name].filter(lambda value: value != getattr(entry, name)),
        )
    )


@given(st.data(), ledgers())
def test_any_single_field_mutation_is_named_at_that_entry(
    data: st.DataObject, entries: list[Entry]
) -> None:
    sealed = list(chain(entries))
    index = data.draw(st.integers(min_value=0, max_value=len(sealed) - 1))
    name, value = data.draw(_mutations(sealed[index]))
    sealed[index] = sealed[index]._replace(**{name: value})
    result = verify(sealed, ledger=entries[0].ledger)
    assert not result.ok
    assert result.sequence == index + 1
    assert result.checked == index
