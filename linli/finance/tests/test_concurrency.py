"""Simultaneous writes to one ledger: payments all land, in order and to the fen; one share
cannot be overpaid; one expense is posted once; nobody approves their own expense.

Runs on the real database of the run (a SQLite file with IMMEDIATE transactions, or
PostgreSQL) with real transactions, as linli/votes/tests/test_concurrency.py does: each call
in its own thread with its own connection, all released together by a barrier, at most 40 in
flight on PostgreSQL (its server accepts 100 connections, shared with other runs).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils import timezone

from linli.core.errors import LinliError
from linli.core.models import AuditLog
from linli.domain.ledger import Checkpoint, Reason, Verification
from linli.finance import ledger, services
from linli.finance.models import (
    Approval,
    Category,
    CostPlan,
    Entry,
    EntryLine,
    Expense,
    Payment,
    Share,
)
from linli.finance.tests.builders import FinanceSide, finance_side, fund
from linli.votes.tests.test_concurrency import race
from tests import factories as f
from tests.world import build_side

PAYMENTS = 200
SHARES = 40
SHARE = 50_000
# Each share is paid in five equal parts.
PART = SHARE // (PAYMENTS // SHARES)


def in_flight(calls: int) -> int:
    return calls if connection.vendor == "sqlite" else min(calls, 40)


def kinds(outcomes: list[Any]) -> Counter[str]:
    """Each outcome's type, with the code of a refusal: Payment, Conflict:overpaid, …"""
    return Counter(
        f"{type(o).__name__}:{o.code}" if isinstance(o, LinliError) else type(o).__name__
        for o in outcomes
    )


def issued_plan(fs: FinanceSide, units: list[Any], amount: int) -> CostPlan:
    """An issued plan on the project fund: every unit owes `amount`."""
    plan = services.plan_create(
        actor=fs.worker,
        account_id=fs.project.pk,
        title="24幢加装电梯",
        scheme=CostPlan.Scheme.EXPLICIT,
        gross=amount * len(units),
        roster=[unit.pk for unit in units],
        parameters={"amounts": {str(unit.pk): amount for unit in units}},
    )
    return services.plan_issue(actor=fs.worker, plan_id=plan.pk)


def intact(fs: FinanceSide, entries: int) -> Verification:
    fs.project.refresh_from_db()
    return Verification(
        ledger=fs.project.ledger_key,
        reason=Reason.OK,
        checked=entries,
        head=Checkpoint(entries, fs.project.head_hash),
    )


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_200_simultaneous_payments_into_one_fund_add_up_to_the_fen():
    side = build_side("付")
    fs = finance_side(side)
    units = [
        side.unit,
        side.other_unit,
        *(f.UnitFactory(entrance=side.entrance, floor=2 + n // 4) for n in range(SHARES - 2)),
    ]
    plan = issued_plan(fs, units, SHARE)
    shares = list(plan.shares.order_by("position"))
    recorders = [fs.worker, fs.property, fs.property2]

    def pay(n: int) -> Callable[[], Any]:
        share = shares[n % SHARES]
        return lambda: services.payment_record(
            actor=recorders[n % 3],
            share_id=share.pk,
            amount=PART,
            channel="wechat",
            reference=f"WX{n:06d}",
        )

    outcomes = race([pay(n) for n in range(PAYMENTS)], in_flight(PAYMENTS))

    assert kinds(outcomes) == {"Payment": PAYMENTS}, kinds(outcomes)
    assert services.cash_balance(fs.project.pk) == PAYMENTS * PART == SHARES * SHARE
    assert list(
        Entry.objects.filter(account=fs.project)
        .order_by("sequence")
        .values_list("sequence", flat=True)
    ) == list(range(1, PAYMENTS + 1))
    assert ledger.verify_account(fs.project) == intact(fs, PAYMENTS)
    assert fs.project.head_sequence == PAYMENTS
    assert (
        list(Share.objects.filter(plan=plan).values_list("paid", "amount"))
        == [(SHARE, SHARE)] * SHARES
    )
    payments = Payment.objects.filter(share__plan=plan)
    assert payments.aggregate(total=Sum("amount"))["total"] == SHARES * SHARE
    assert sorted(payments.values_list("entry__sequence", flat=True)) == list(
        range(1, PAYMENTS + 1)
    )
    assert sorted(payments.values_list("reference", flat=True)) == [
        f"WX{n:06d}" for n in range(PAYMENTS)
    ]
    # Every unit's contributions on its sub-ledger line: exactly its share.
    contributed = dict(
        EntryLine.objects.filter(account=fs.project, category=Category.CONTRIBUTION)
        .values("unit_id")
        .annotate(total=Sum("credit"))
        .values_list("unit_id", "total")
    )
    assert contributed == {unit.pk: SHARE for unit in units}
    assert AuditLog.objects.filter(action="finance.payment").count() == PAYMENTS


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_20_simultaneous_full_payments_of_one_share_let_exactly_one_in():
    side = build_side("超")
    fs = finance_side(side)
    plan = issued_plan(fs, [side.unit, side.other_unit], 60_000)
    share = plan.shares.get(unit=side.unit)

    def pay() -> Any:
        return services.payment_record(
            actor=fs.property, share_id=share.pk, amount=60_000, channel="bank"
        )

    outcomes = race([pay] * 20, in_flight(20))

    assert kinds(outcomes) == {"Payment": 1, "Conflict:overpaid": 19}, kinds(outcomes)
    share.refresh_from_db()
    assert share.paid == 60_000
    winner = next(o for o in outcomes if isinstance(o, Payment))
    assert list(Payment.objects.filter(share=share).values_list("id", "amount")) == [
        (winner.pk, 60_000)
    ]
    assert services.cash_balance(fs.project.pk) == 60_000
    assert ledger.verify_account(fs.project) == intact(fs, 1)


def recorded_expense(fs: FinanceSide, recorder: Any) -> Expense:
    """100,000.00 yuan of common income, and a 1,000.00 yuan cleaning bill recorded on it:
    below the committee's threshold, so one approval by anyone but the recorder posts it."""
    fund(fs.worker, fs.income, 10_000_000)
    return services.expense_record(
        actor=recorder,
        account_id=fs.income.pk,
        category=Category.CLEANING,
        description="地下车库清洗",
        counterparty="杭州洁美保洁有限公司",
        amount=100_000,
    )


def decide(actor: Any, expense: Expense) -> Callable[[], Any]:
    return lambda: services.expense_decide(actor=actor, expense_id=expense.pk, approve=True)


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_two_approvers_deciding_one_expense_at_once_post_it_once():
    fs = finance_side(build_side("审"))
    expense = recorded_expense(fs, fs.property)

    outcomes = race([decide(fs.worker, expense), decide(fs.committee, expense)], 2)

    assert kinds(outcomes) == {"Expense": 1, "Conflict:not_pending": 1}, kinds(outcomes)
    winner = next(o for o in outcomes if isinstance(o, Expense))
    expense.refresh_from_db()
    assert expense.status == Expense.Status.POSTED
    assert list(Approval.objects.filter(expense=expense).values_list("approver_id", flat=True)) == [
        winner.approvals.get().approver_id
    ]
    assert list(Entry.objects.filter(expense=expense).values_list("sequence", flat=True)) == [2]
    assert services.cash_balance(fs.income.pk) == 10_000_000 - 100_000
    assert ledger.verify_account(fs.income).ok


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_recorder_racing_an_approver_never_approves_their_own_expense():
    fs = finance_side(build_side("己"))
    # A worker may approve expenses, but not this one: they recorded it.
    expense = recorded_expense(fs, fs.worker)

    outcomes = race([decide(fs.worker, expense)] * 10 + [decide(fs.committee, expense)], 11)

    counted = kinds(outcomes)
    assert counted["Expense"] == 1, counted
    assert set(counted) <= {"Expense", "LinliError:own_expense", "Conflict:not_pending"}, counted
    assert next(o for o in outcomes if isinstance(o, Expense)).status == Expense.Status.POSTED
    assert list(Approval.objects.filter(expense=expense).values_list("approver_id", flat=True)) == [
        fs.committee.pk
    ]
    assert Entry.objects.filter(expense=expense).count() == 1

    # The database itself refuses an approval by the recorder, whatever the code path.
    with pytest.raises(IntegrityError, match="approval_not_by_recorder"), transaction.atomic():
        Approval.objects.create(
            community_id=expense.community_id,
            expense=expense,
            approver=fs.worker,
            recorded_by=fs.worker,
            acting_as=Approval.As.WORKER,
            approved=True,
            decided_at=timezone.now(),
        )
    # Nor can an insert dodge that check by naming someone else as the recorder.
    with (
        pytest.raises(IntegrityError, match="must name the recorder of the expense"),
        transaction.atomic(),
    ):
        Approval.objects.create(
            community_id=expense.community_id,
            expense=expense,
            approver=fs.worker,
            recorded_by=fs.committee2,
            acting_as=Approval.As.WORKER,
            approved=True,
            decided_at=timezone.now(),
        )
    assert Approval.objects.filter(expense=expense).count() == 1
