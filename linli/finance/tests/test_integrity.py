"""The line rows that balances and statements read must match the hashed entries
(linli.finance.integrity), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from linli.finance import integrity
from linli.finance.models import Category, EntryLine
from linli.finance.tests.builders import FinanceSide, finance_side, fund
from linli.finance.tests.tamper import tampering

pytestmark = pytest.mark.django_db


@pytest.fixture
def books(world: object) -> FinanceSide:
    side = finance_side(world.a)  # type: ignore[attr-defined]
    fund(side.worker, side.fund, 5_000_000)  # entry 1: spread over both flats by area
    fund(side.worker, side.income, 5_000)  # entry 1
    fund(side.worker, side.income, 7_000)  # entry 2
    fund(side.worker, side.income, 9_000)  # entry 3
    return side


def _line(books: FinanceSide, sequence: int, category: str) -> EntryLine:
    return EntryLine.objects.get(account=books.income, entry__sequence=sequence, category=category)


def test_untouched_books_match(books: FinanceSide) -> None:
    assert integrity.first_line_mismatch(books.fund) is None
    assert integrity.first_line_mismatch(books.income) is None


def test_a_changed_amount_is_found(books: FinanceSide) -> None:
    line = _line(books, 2, Category.PARKING)
    with tampering() as cursor:
        cursor.execute(  # type: ignore[attr-defined]
            "UPDATE finance_entryline SET credit = credit + 1 WHERE id = %s", [line.pk]
        )

    assert integrity.first_line_mismatch(books.income) == 2


def test_an_amount_moved_to_another_category_is_found(books: FinanceSide) -> None:
    # Same totals per entry, so only a line-by-line comparison sees it.
    line = _line(books, 3, Category.PARKING)
    with tampering() as cursor:
        cursor.execute(  # type: ignore[attr-defined]
            "UPDATE finance_entryline SET category = %s WHERE id = %s",
            [Category.VENUE.value, line.pk],
        )

    assert integrity.first_line_mismatch(books.income) == 3


def test_a_removed_and_an_added_row_are_found(books: FinanceSide) -> None:
    removed = _line(books, 3, Category.PARKING)
    with tampering() as cursor:
        cursor.execute(  # type: ignore[attr-defined]
            "DELETE FROM finance_entryline WHERE id = %s", [removed.pk]
        )
    assert integrity.first_line_mismatch(books.income) == 3

    cash = _line(books, 2, "cash")
    EntryLine.objects.create(
        community_id=cash.community_id,
        entry_id=cash.entry_id,
        account_id=cash.account_id,
        booked_on=cash.booked_on,
        category="cash",
        debit=1,
    )
    assert integrity.first_line_mismatch(books.income) == 2


def test_a_unit_line_moved_to_another_unit_is_found(books: FinanceSide, world: object) -> None:
    unit, other = world.a.unit, world.a.other_unit  # type: ignore[attr-defined]
    line = EntryLine.objects.get(account=books.fund, unit=unit)
    with tampering() as cursor:
        cursor.execute(  # type: ignore[attr-defined]
            "UPDATE finance_entryline SET unit_id = %s WHERE id = %s", [other.pk, line.pk]
        )

    assert integrity.first_line_mismatch(books.fund) == 1
    assert integrity.first_line_mismatch(books.income) is None
