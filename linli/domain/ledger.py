"""The sunshine-finance ledger as a hash chain: double-entry entries, sealing and verification.

Each ledger (one key per account book: an estate's maintenance fund, a unit's sub-ledger, …)
is a sequence of entries numbered 1, 2, 3, … with no gap. Every entry carries the hash of the
entry before it, and its own hash is SHA-256 over its canonical encoding, so editing, deleting,
inserting or reordering an entry breaks the chain at that point. A rewrite that recomputes
every later hash is self-consistent; only a head published earlier (a checkpoint: sequence
and hash, posted as a public Notice) exposes it, which is why checkpoints are published.

Amounts are integer fen. Entries are never edited: a correction is a new entry that reverses
an earlier one, debit and credit swapped.

The genesis value (the `previous_hash` of entry 1) is the fixed string of 64 zeros. Binding it
to the ledger key would add nothing: the key is inside every entry's canonical encoding, so a
chain cannot be moved to another ledger without rehashing every entry.

Speed: `verify` is one pass with no per-entry objects beyond the encoding it hashes, and it
takes ledger rows as the database stores them (`StoredRow`, the lines still as their JSON text):
text that is provably canonical is hashed as it stands instead of being decoded and encoded
again, and the usual two-line entry is checked with one regular expression. bench/finance.py
verifies a million entries read back from SQLite and PostgreSQL (docs/benchmarks.md).
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from json.encoder import encode_basestring
from typing import Any, NamedTuple

GENESIS = "0" * 64

_HEX = frozenset("0123456789abcdef")


class Line(NamedTuple):
    """One side of an entry: an account code and an amount in fen on exactly one side."""

    account: str
    debit: int
    credit: int


@dataclass(frozen=True, init=False)
class Entry:
    """A double-entry ledger entry as it is built, before or after it is linked into a chain.

    Invariants (checked on construction, ValueError otherwise): `ledger` is not empty;
    `sequence` ≥ 1; `booked_at` is held as the canonical UTC string
    `YYYY-MM-DDTHH:MM:SS.ffffffZ` (an aware datetime or ISO string is converted, a naive one is
    refused); every line has a non-empty account and exactly one positive side, the other 0;
    total debits == total credits > 0; `memo` is NFC-normalised; `reverses`, if set, names an
    earlier sequence; `previous_hash` is "" (not linked yet) or 64 lowercase hex digits.
    """

    ledger: str
    sequence: int
    booked_at: str
    lines: tuple[Line, ...]
    memo: str = ""
    reverses: int | None = None
    previous_hash: str = ""

    def __init__(
        self,
        ledger: str,
        sequence: int,
        booked_at: str | datetime,
        lines: Iterable[tuple[str, int, int]],
        memo: str = "",
        reverses: int | None = None,
        previous_hash: str = "",
    ) -> None:
        setattr_ = object.__setattr__
        setattr_(self, "ledger", ledger)
        setattr_(self, "sequence", sequence)
        setattr_(self, "booked_at", utc_timestamp(booked_at))
        setattr_(self, "lines", tuple(Line(*line) for line in lines))
        setattr_(self, "memo", unicodedata.normalize("NFC", memo))
        setattr_(self, "reverses", reverses)
        setattr_(self, "previous_hash", previous_hash)
        self._check()

    def _check(self) -> None:
        if not isinstance(self.ledger, str) or not self.ledger:
            raise ValueError("an entry needs a ledger key")
        if not _is_int(self.sequence) or self.sequence < 1:
            raise ValueError(f"sequence must be an integer ≥ 1, not {self.sequence!r}")
        if _unbalanced(self.lines):
            raise ValueError(
                f"entry {self.sequence} is not balanced double entry: each line needs an "
                "account and one positive side, and debits must equal credits"
            )
        if self.reverses is not None and not (
            _is_int(self.reverses) and 1 <= self.reverses < self.sequence
        ):
            raise ValueError(f"entry {self.sequence} can only reverse an earlier entry")
        if self.previous_hash and not _is_hex_digest(self.previous_hash):
            raise ValueError("previous_hash must be 64 lowercase hex digits")
        # Fails early on text that cannot be encoded (lone surrogates).
        canonical(self)


class SealedEntry(NamedTuple):
    """An entry linked into its chain, with its own hash: the shape a ledger row is stored in.

    A plain tuple, not a validated dataclass, on purpose: `verify` reads rows as they are
    stored, including tampered ones, and a database row maps onto it with `SealedEntry._make`.
    `chain` only ever produces sealed entries of valid `Entry` values.
    """

    ledger: str
    sequence: int
    booked_at: str
    lines: tuple[Line, ...]
    memo: str
    reverses: int | None
    previous_hash: str
    hash: str

    @property
    def entry(self) -> Entry:
        """The entry without its hash, validated."""
        return Entry(*self[:7])


# A ledger row as a database stores it: the fields of SealedEntry in the same order, with the
# lines still the JSON text the row holds (normally `lines_json` of them). `verify` takes such
# rows as they are, which is what makes reading a ledger back fast: text that is already
# canonical is hashed as it stands instead of being decoded into tuples and encoded again.
StoredRow = tuple[str, int, str, str, str, int | None, str, str]


@dataclass(frozen=True)
class Checkpoint:
    """A published head of a ledger: the sequence and hash of its last entry at that time.

    Invariants: sequence ≥ 1; hash is 64 lowercase hex digits.
    """

    sequence: int
    hash: str

    def __post_init__(self) -> None:
        if not _is_int(self.sequence) or self.sequence < 1 or not _is_hex_digest(self.hash):
            raise ValueError(f"invalid checkpoint {self.sequence!r} {self.hash!r}")


def utc_timestamp(moment: str | datetime) -> str:
    """The canonical booking time: UTC, microseconds, `Z` (2025-03-01T08:30:00.000000Z).

    Invariants: the same instant always gives the same string, whatever its time zone;
    a naive datetime or a string without an offset is refused.
    """
    parsed = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise ValueError(f"booking time {moment!r} has no time zone")
    utc = parsed.astimezone(UTC).replace(tzinfo=None)
    return utc.isoformat(timespec="microseconds") + "Z"


def canonical(entry: Entry | SealedEntry) -> bytes:
    """The bytes an entry's hash is taken over: every field but the hash itself.

    Invariants: exactly `json.dumps` of {booked_at, ledger, lines, memo, previous_hash,
    reverses, sequence} with sorted keys, no whitespace, ensure_ascii False, UTF-8; lines are
    [account, debit, credit] arrays in their given order; integers are JSON integers and a
    missing `reverses` is null. Built by hand for speed; the tests hold it to `json.dumps`.
    """
    return _encode(
        encode_basestring(entry.ledger),
        entry.sequence,
        entry.booked_at,
        _lines_json(entry.lines),
        entry.memo,
        entry.reverses,
        entry.previous_hash,
    )


def entry_hash(entry: Entry | SealedEntry) -> str:
    """SHA-256 of the canonical encoding, as 64 lowercase hex digits."""
    return hashlib.sha256(canonical(entry)).hexdigest()


def chain(entries: Iterable[Entry], *, after: Checkpoint | None = None) -> tuple[SealedEntry, ...]:
    """Link entries into a chain, each carrying its predecessor's hash, and seal them.

    `after` is the current head when appending to an existing ledger; without it the chain
    starts at sequence 1 from GENESIS. Invariants (ValueError otherwise): one ledger; sequences
    consecutive from the head; an entry that already names a previous hash names the right
    one; a reversal whose target is in this batch mirrors it and is its only reversal (targets
    before `after` are the caller's to check). `verify` accepts every chain built here.
    """
    sealed: list[SealedEntry] = []
    previous = after.hash if after is not None else GENESIS
    start = after.sequence + 1 if after is not None else 1
    reversed_here: set[int] = set()
    for entry in entries:
        if sealed and entry.ledger != sealed[0].ledger:
            raise ValueError(f"entry {entry.sequence} belongs to another ledger")
        if entry.sequence != start + len(sealed):
            raise ValueError(f"expected sequence {start + len(sealed)}, got {entry.sequence}")
        if entry.previous_hash not in ("", previous):
            raise ValueError(f"entry {entry.sequence} names the wrong previous hash")
        target = entry.reverses
        if target is not None and target >= start:
            mirror = sealed[target - start]
            if target in reversed_here or _mirror_json(entry.lines) != _lines_json(mirror.lines):
                raise ValueError(f"entry {entry.sequence} does not reverse entry {target}")
            reversed_here.add(target)
        digest = hashlib.sha256(
            _encode(
                encode_basestring(entry.ledger),
                entry.sequence,
                entry.booked_at,
                _lines_json(entry.lines),
                entry.memo,
                target,
                previous,
            )
        ).hexdigest()
        sealed.append(
            SealedEntry(
                entry.ledger,
                entry.sequence,
                entry.booked_at,
                entry.lines,
                entry.memo,
                target,
                previous,
                digest,
            )
        )
        previous = digest
    return tuple(sealed)


def reversal(
    entry: Entry | SealedEntry, sequence: int, booked_at: str | datetime, memo: str
) -> Entry:
    """The entry that cancels `entry`: same ledger and accounts, debit and credit swapped.

    Invariants: the lines keep their order; `reverses` names the original; the result is not
    linked yet (chain it). Whether the original was already reversed is checked by `chain`
    and `verify`, which see the ledger.
    """
    return Entry(
        ledger=entry.ledger,
        sequence=sequence,
        booked_at=booked_at,
        lines=[Line(account, credit, debit) for account, debit, credit in entry.lines],
        memo=memo,
        reverses=entry.sequence,
    )


class Reason(StrEnum):
    OK = "ok"
    # The sequence found is not the next one: an entry was deleted, inserted or moved.
    GAP_OR_REORDER = "gap_or_reorder"
    WRONG_LEDGER = "wrong_ledger"
    UNBALANCED = "unbalanced"
    # `reverses` names no earlier entry, an already reversed one, or lines that do not mirror it.
    BAD_REVERSAL = "bad_reversal"
    # The stored hash is not the hash of the stored fields: the entry was edited.
    BAD_HASH = "bad_hash"
    # The entry does not carry its predecessor's hash.
    BROKEN_LINK = "broken_link"
    # The chain holds together but disagrees with a published head: it was rewritten.
    CHECKPOINT_MISMATCH = "checkpoint_mismatch"
    # A published head lies beyond the last entry: the tail was cut off.
    MISSING_AFTER_CHECKPOINT = "missing_after_checkpoint"


@dataclass(frozen=True)
class Verification:
    """The outcome of checking a ledger against its published checkpoints, with the working.

    Invariants: `ok` exactly when `reason` is OK. Otherwise `sequence` is where the chain first
    goes wrong: the position whose entry is bad or missing (`found` is the sequence number
    actually stored there, None if nothing is). For CHECKPOINT_MISMATCH the rewrite lies after
    `confirmed` (the last published head that matched, if any) and at or before `sequence`.
    `checked` counts the entries verified before the first bad one and `head` is the last of
    them: the checkpoint to publish next.
    """

    ledger: str | None
    reason: Reason
    checked: int
    head: Checkpoint | None
    sequence: int | None = None
    found: int | None = None
    confirmed: Checkpoint | None = None

    @property
    def ok(self) -> bool:
        return self.reason is Reason.OK

    @property
    def explanation(self) -> str:
        """A plain English account (the UI translates by reason code and figures)."""
        if self.ok:
            head = f" up to entry {self.head.sequence}" if self.head else ""
            return f"The ledger is intact{head}: {self.checked} entries checked."
        return f"Entry {self.sequence}: {_EXPLAIN[self.reason]}."


_EXPLAIN = {
    Reason.GAP_OR_REORDER: "missing or out of order (an entry was deleted, inserted or moved)",
    Reason.WRONG_LEDGER: "belongs to another ledger",
    Reason.UNBALANCED: "debits and credits do not balance",
    Reason.BAD_REVERSAL: "is not a valid reversal of the entry it names",
    Reason.BAD_HASH: "its contents do not match its hash (it was edited)",
    Reason.BROKEN_LINK: "does not carry the hash of the entry before it",
    Reason.CHECKPOINT_MISMATCH: "differs from the published checkpoint (the chain was rewritten)",
    Reason.MISSING_AFTER_CHECKPOINT: "is published in a checkpoint but missing (tail cut off)",
}


def verify(
    entries: Iterable[SealedEntry | StoredRow],
    checkpoints: Iterable[Checkpoint] = (),
    *,
    ledger: str | None = None,
) -> Verification:
    """Check a whole ledger, in sequence order, against its published checkpoints.

    Invariants: one pass that stops at the first bad entry; per entry, in this order, the
    sequence is the next one, the ledger is `ledger` (else that of entry 1), the lines are
    balanced double entry, a reversal mirrors an earlier entry not reversed before, the hash
    is the hash of the fields, the previous hash is the predecessor's (GENESIS for entry 1),
    and a checkpoint at that sequence has that hash; after the pass no checkpoint may lie
    beyond the last entry. Without checkpoints a consistently rehashed rewrite cannot be told
    from the original, and the result says only that the chain holds together. Entries may be
    sealed entries or stored rows (StoredRow) with the same outcome, except that stored lines
    that are not a JSON array of [account, debit, credit] arrays are UNBALANCED.
    """
    pending = sorted(checkpoints, key=lambda point: point.sequence)
    next_point = pending[0].sequence if pending else 0
    point_index = 0
    sha256 = hashlib.sha256
    string = encode_basestring
    two_lines = _TWO_LINES
    ledger_json = string(ledger) if ledger is not None else None
    previous = GENESIS
    expected = 1
    # Per sequence, the hash() of its lines' JSON: enough to check a reversal mirrors its target.
    fingerprints = array("q")
    reversed_targets: set[int] = set()
    reason = Reason.OK
    found: int | None = None
    for entry in entries:
        entry_ledger, found, booked_at, lines, memo, reverses, previous_hash, digest = entry
        if found != expected:
            reason = Reason.GAP_OR_REORDER
            break
        if ledger_json is None:
            ledger = entry_ledger
            ledger_json = string(entry_ledger)
        elif entry_ledger != ledger:
            reason = Reason.WRONG_LEDGER
            break
        if type(lines) is str and (pair := two_lines(lines)) is not None:
            # The usual stored row: two lines (cash and a category) written canonically, each
            # with exactly one positive side. They balance when one line's debit is the other's
            # credit, and canonical integers are equal exactly when their digits are.
            lines_text = lines
            debit_1, credit_1, debit_2, credit_2 = pair.groups()
            if not (debit_1 == credit_2 if debit_1 else credit_1 == debit_2):
                reason = Reason.UNBALANCED
                break
        else:
            decoded: Any = lines
            lines_text = ""
            if type(lines) is str:
                decoded, plain = _decode_stored(lines)
                if plain:
                    lines_text = lines
            # _unbalanced, inlined: this loop is the hot path of verifying sealed entries.
            debits = credits = 0
            try:
                for account, debit, credit in decoded:
                    if (
                        type(debit) is not int
                        or type(credit) is not int
                        or (debit > 0) == (credit > 0)
                        or debit < 0
                        or credit < 0
                        or type(account) is not str
                        or not account
                    ):
                        debits = -1
                        break
                    debits += debit
                    credits += credit
            except (TypeError, ValueError):
                # Stored text that is JSON but not a list of [account, debit, credit] lists.
                debits = -1
            if debits != credits or debits <= 0:
                reason = Reason.UNBALANCED
                break
            if not lines_text:
                lines_text = f"[{','.join([f'[{string(a)},{d},{c}]' for a, d, c in decoded])}]"
        fingerprints.append(hash(lines_text))
        if reverses is not None:
            mirrored: Any = json.loads(lines) if type(lines) is str else lines
            if (
                type(reverses) is not int
                or not 1 <= reverses < expected
                or reverses in reversed_targets
                or hash(f"[{_mirror_json(mirrored)}]") != fingerprints[reverses - 1]
            ):
                reason = Reason.BAD_REVERSAL
                break
            reversed_targets.add(reverses)
        # Only the memo is usually not ASCII: encoding the parts apart is faster than encoding
        # the whole. surrogatepass: a lone surrogate stored by tampering must fail the hash.
        encoded = (
            f'{{"booked_at":{string(booked_at)},"ledger":{ledger_json},"lines":{lines_text},"memo":'
        ).encode("utf-8", "surrogatepass") + (
            f'{string(memo)},"previous_hash":{string(previous_hash)},'
            f'"reverses":{"null" if reverses is None else reverses},"sequence":{expected}}}'
        ).encode("utf-8", "surrogatepass")
        if sha256(encoded).hexdigest() != digest:
            reason = Reason.BAD_HASH
            break
        if previous_hash != previous:
            reason = Reason.BROKEN_LINK
            break
        if expected == next_point:
            while point_index < len(pending) and pending[point_index].sequence == expected:
                if pending[point_index].hash != digest:
                    reason = Reason.CHECKPOINT_MISMATCH
                    break
                point_index += 1
            if reason is not Reason.OK:
                break
            next_point = pending[point_index].sequence if point_index < len(pending) else 0
        previous = digest
        expected += 1
    else:
        found = None
        if point_index < len(pending):
            reason = Reason.MISSING_AFTER_CHECKPOINT
    checked = expected - 1
    return Verification(
        ledger=ledger,
        reason=reason,
        checked=checked,
        head=Checkpoint(checked, previous) if checked else None,
        sequence=None if reason is Reason.OK else expected,
        found=found,
        confirmed=pending[point_index - 1] if point_index else None,
    )


# Two canonical lines, each with exactly one positive side: no character that JSON escapes in
# the accounts, integers without sign or leading zeros. Text it matches is its own canonical
# encoding. Groups: debit and credit of line 1, then of line 2 (None for the side that is 0).
_LINE = r'\["[^"\\\x00-\x1f]+",(?:([1-9][0-9]*),0|0,([1-9][0-9]*))\]'
_TWO_LINES = re.compile(rf"\[{_LINE},{_LINE}\]").fullmatch
_DECODER = json.JSONDecoder()


def _decode_stored(text: str) -> tuple[Any, bool]:
    """Stored lines decoded, and whether the text is already their canonical encoding.

    Without a backslash, a space, a minus sign or another unprintable character, JSON text
    holds no escapes, no whitespace and no negative numbers, so an array of [string, int, int]
    arrays decoded from it can only have been written the canonical way. Other text is decoded
    as json.loads would and encoded again. Text that is not JSON decodes to () (unbalanced).
    """
    plain = not ("\\" in text or " " in text or "-" in text) and text.isprintable()
    try:
        if not plain:
            return json.loads(text), False
        # raw_decode skips json.loads' handling of whitespace, which plain text does not have.
        lines, end = _DECODER.raw_decode(text)
    except (ValueError, RecursionError):
        return (), False
    return (lines, True) if end == len(text) else ((), False)


def _encode(
    ledger_json: str,
    sequence: int,
    booked_at: str,
    lines_json: str,
    memo: str,
    reverses: int | None,
    previous_hash: str,
) -> bytes:
    """The canonical JSON object, keys in sorted order, from pre-encoded ledger and lines."""
    string = encode_basestring
    return (
        f'{{"booked_at":{string(booked_at)},"ledger":{ledger_json},"lines":[{lines_json}],'
        f'"memo":{string(memo)},"previous_hash":{string(previous_hash)},'
        f'"reverses":{"null" if reverses is None else reverses},"sequence":{sequence}}}'
    ).encode()


def lines_json(lines: Iterable[tuple[str, int, int]]) -> str:
    """The lines as the canonical JSON array they are hashed as (how a ledger row stores them)."""
    return f"[{_lines_json(lines)}]"


def _lines_json(lines: Iterable[tuple[str, int, int]]) -> str:
    string = encode_basestring
    return ",".join([f"[{string(a)},{d},{c}]" for a, d, c in lines])


def _mirror_json(lines: Iterable[tuple[str, int, int]]) -> str:
    """The lines' JSON with debit and credit swapped: what the reversed entry's lines were."""
    string = encode_basestring
    return ",".join([f"[{string(a)},{c},{d}]" for a, d, c in lines])


def _unbalanced(lines: Iterable[tuple[str, int, int]]) -> bool:
    """Whether lines break double entry: a bad account or side, or debits ≠ credits, or nothing."""
    debits = credits = 0
    for account, debit, credit in lines:
        if (
            not (isinstance(account, str) and account)
            or not (_is_int(debit) and _is_int(credit))
            or min(debit, credit) != 0
            or debit == credit
        ):
            return True
        debits += debit
        credits += credit
    return debits != credits or debits == 0


def _is_int(value: object) -> bool:
    # bool is an int subclass but would encode as true/false.
    return type(value) is int


def _is_hex_digest(value: object) -> bool:
    return isinstance(value, str) and len(value) == 64 and _HEX.issuperset(value)
