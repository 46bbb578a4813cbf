"""Verifying stored rows (lines as their JSON text, as the database holds them) gives the same
outcome as verifying the decoded entries, for valid chains and every kind of tampering,
including lines text that is valid JSON but not canonical, or not JSON at all."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from linli.domain.ledger import (
    Checkpoint,
    Entry,
    Reason,
    SealedEntry,
    StoredRow,
    chain,
    lines_json,
    verify,
)
from tests.domain.test_ledger import _mutations, ledgers


def stored(entry: SealedEntry, text: str | None = None) -> StoredRow:
    row = list(entry)
    row[3] = lines_json(entry.lines) if text is None else text
    return tuple(row)  # type: ignore[return-value]


def decoded(row: StoredRow) -> SealedEntry | None:
    """The row as the reference reader decodes it (json.loads), None if it cannot."""
    try:
        lines = json.loads(row[3])
    except (ValueError, RecursionError):
        return None
    return SealedEntry(row[0], row[1], row[2], lines, *row[4:])


# Rewritings of canonical lines text: equal JSON written otherwise, other JSON, no JSON.
REWRITES = [
    lambda t: t.replace(",", ", ", 1),
    lambda t: " " + t,
    lambda t: t + "\n",
    lambda t: t.replace('"', '"\\u0063', 1) if '"c' in t else t.replace("[[", "[ [", 1),
    lambda t: t.replace('",', '\\u0020",', 1),
    lambda t: t.replace(",0]", ",-0]", 1),
    lambda t: t.replace(",0]", ",0.0]", 1),
    lambda t: t.replace(",0]", ",false]", 1),
    lambda t: t.replace(",0]", ",00]", 1),
    lambda t: t.replace(",0]", "]", 1),
    lambda t: t.replace(",0]", ",0,0]", 1),
    lambda t: t[:-1],
    lambda t: t + "]",
    lambda t: t + "x",
    lambda t: "{}",
    lambda t: '"abc"',
    lambda t: "[]",
    lambda t: "1",
    lambda t: "null",
    lambda t: '[["abc"]]',
    lambda t: "[" * 5000 + "]" * 5000,
    lambda t: t.replace("[", "[\u00a0", 1),
    lambda t: t.replace('"', '"\x01', 1),
    lambda t: t.replace('"', '"\\u001F', 1),
    lambda t: t.replace('"', '"\\u001f', 1),
    lambda t: t.replace('"', '"\\"', 1),
    lambda t: t.replace('"', '"\\/', 1),
    lambda t: t.replace('"', '"\ud800', 1),
    lambda t: t.replace('"', '"\\ud800', 1),
    lambda t: t.replace('"', '"é', 1),
    lambda t: t.replace('"', '"\\u00e9', 1),
    lambda t: t.replace(",0]", ",1e2]", 1),
    lambda t: t.replace(",0]", ",NaN]", 1),
    lambda t: t.replace(",0]", ',0],["x",0,0]', 1),
]


def expected(rows: list[StoredRow], checkpoints: list[Checkpoint], key: str) -> Any:
    """The reference: decode every row, verify; a row that cannot be decoded is unbalanced."""
    entries: list[Any] = []
    for row in rows:
        entry = decoded(row)
        if entry is None:
            prefix = verify(entries, [], ledger=key)
            if not prefix.ok:
                return verify(entries, checkpoints, ledger=key)
            return "undecodable", len(entries) + 1
        entries.append(entry)
    try:
        return verify(entries, checkpoints, ledger=key)
    except (TypeError, ValueError):
        return "malformed"


@settings(max_examples=300)
@given(st.data(), ledgers())
def test_stored_rows_verify_exactly_like_decoded_entries(
    data: st.DataObject, entries: list[Entry]
) -> None:
    sealed = list(chain(entries))
    key = entries[0].ledger
    points = [Checkpoint(e.sequence, e.hash) for e in sealed[:: data.draw(st.integers(1, 3))]]
    rows = [stored(e) for e in sealed]
    assert verify(rows, points, ledger=key) == verify(sealed, points, ledger=key)
    index = data.draw(st.integers(min_value=0, max_value=len(sealed) - 1))
    kind = data.draw(st.sampled_from(["field", "text"]))
    if kind == "field":
        name, value = data.draw(_mutations(sealed[index]))
        sealed[index] = sealed[index]._replace(**{name: value})
        rows = [stored(e) for e in sealed]
        assert verify(rows, points, ledger=key) == verify(sealed, points, ledger=key)
        return
    rewrite = data.draw(st.sampled_from(REWRITES))
    text = rewrite(rows[index][3])
    rows[index] = stored(sealed[index], text)
    reference = expected(rows, points, key)
    result = verify(rows, points, ledger=key)
    if reference == "malformed" or (isinstance(reference, tuple) and reference[0] == "undecodable"):
        assert result.reason is Reason.UNBALANCED and result.sequence == index + 1, (text, result)
    else:
        assert result == reference, (text, result, reference)
