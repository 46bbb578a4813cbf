"""Reads of sunshine finance: gates, balances, statement figures, the public ledger, an
owner's own shares and payments. Balances and statements aggregate in SQL over EntryLine.

Who sees what:
- anyone (the public ledger): accounts, entries with masked counterparties, statements and
  checkpoints of a community, found by public ids; nothing else;
- staff of an account (services.can_view_staff): everything of that account, expenses and
  receipts included;
- an owner: their own units' shares, payments and maintenance-fund balances.
Another community's object, or one the user may not see, answers NotFound.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from linli.accounts.selectors import community_ids_for
from linli.core.errors import NotFound
from linli.domain.masking import mask_name
from linli.finance import services
from linli.finance.ledger import split_memo
from linli.finance.models import (
    CASH,
    EXPENSE_CATEGORIES,
    INCOME_CATEGORIES,
    Account,
    Category,
    CostPlan,
    Entry,
    EntryLine,
    Expense,
    Payment,
    Receipt,
    Share,
    Statement,
)
from linli.registry.models import Unit


def _account_not_found() -> NotFound:
    return NotFound(_("This account does not exist."), code="not_found")


# --- gates ---------------------------------------------------------------------------------


def public_account(public_id: uuid.UUID | str) -> Account:
    """Any account by its public id (the public ledger is public); NotFound otherwise."""
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        raise _account_not_found() from None
    account = Account.objects.select_related("community", "estate").filter(public_id=key).first()
    if account is None:
        raise _account_not_found()
    return account


def access_account_by_id(user: Any, account_id: int) -> Account:
    """An account whose staff pages the user may see; NotFound otherwise."""
    account = (
        Account.objects.select_related("community", "estate")
        .filter(pk=account_id, community_id__in=community_ids_for(user))
        .first()
    )
    if account is None or not services.can_view_staff(user, account):
        raise _account_not_found()
    return account


def access_expense_by_id(user: Any, expense_id: int) -> Expense:
    expense = (
        Expense.objects.select_related("account__estate", "account__community", "motion")
        .filter(pk=expense_id, community_id__in=community_ids_for(user))
        .first()
    )
    if expense is None or not services.can_view_staff(user, expense.account):
        raise NotFound(_("This expense does not exist."), code="not_found")
    return expense


def access_receipt_by_id(user: Any, receipt_id: int) -> Receipt:
    receipt = (
        Receipt.objects.select_related("expense__account")
        .filter(pk=receipt_id, community_id__in=community_ids_for(user))
        .first()
    )
    if receipt is None or not services.can_view_staff(user, receipt.expense.account):
        raise NotFound(_("This document does not exist."), code="not_found")
    return receipt


def access_plan_by_id(user: Any, plan_id: int) -> CostPlan:
    plan = (
        CostPlan.objects.select_related("account__estate", "account__community")
        .filter(pk=plan_id, community_id__in=community_ids_for(user))
        .first()
    )
    if plan is None or not services.can_view_staff(user, plan.account):
        raise NotFound(_("This cost plan does not exist."), code="not_found")
    return plan


def staff_accounts(user: Any) -> list[Account]:
    """Accounts whose staff pages the user may see, in community/estate/kind order."""
    accounts = Account.objects.select_related("community", "estate").filter(
        community_id__in=community_ids_for(user)
    )
    return [account for account in accounts if services.can_view_staff(user, account)]


# --- balances ------------------------------------------------------------------------------


def balances(account_ids: Iterable[int]) -> dict[int, int]:
    """Cash balance per account in fen, one aggregate query."""
    account_ids = list(account_ids)
    rows = (
        EntryLine.objects.filter(account_id__in=account_ids, category=CASH)
        .values("account_id")
        .annotate(debit=Sum("debit"), credit=Sum("credit"))
        .order_by()
    )
    result = dict.fromkeys(account_ids, 0)
    for row in rows:
        result[row["account_id"]] = row["debit"] - row["credit"]
    return result


def unit_balances(account: Account, unit_ids: Iterable[int]) -> dict[int, int]:
    """Each unit's balance on the account's per-unit sub-ledger (credits − debits)."""
    unit_ids = list(unit_ids)
    rows = (
        EntryLine.objects.filter(account=account, unit_id__in=unit_ids)
        .values("unit_id")
        .annotate(debit=Sum("debit"), credit=Sum("credit"))
        .order_by()
    )
    result = dict.fromkeys(unit_ids, 0)
    for row in rows:
        result[row["unit_id"]] = row["credit"] - row["debit"]
    return result


# --- statements ----------------------------------------------------------------------------


def period_window(period: str, starts_on: date) -> tuple[date, date]:
    """(first day, last day) of a month, half-year or year starting on `starts_on`.
    ValueError unless it starts on the first of a month (January/July for half-years,
    January for years)."""
    if starts_on.day != 1:
        raise ValueError("a period starts on the first of a month")
    months = {Statement.Period.MONTH: 1, Statement.Period.HALF_YEAR: 6, Statement.Period.YEAR: 12}
    length = months[Statement.Period(period)]
    if length == 6 and starts_on.month not in (1, 7):
        raise ValueError("a half-year starts in January or July")
    if length == 12 and starts_on.month != 1:
        raise ValueError("a year starts in January")
    month = starts_on.month - 1 + length
    end = date(starts_on.year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return starts_on, end


@dataclass
class Figures:
    """A statement's figures in fen. Invariant: opening + income − expense = closing."""

    starts_on: date
    ends_on: date
    opening: int
    income: dict[str, int] = field(default_factory=dict)
    expense: dict[str, int] = field(default_factory=dict)
    head_sequence: int = 0
    head_hash: str = ""
    entries: int = 0

    @property
    def income_total(self) -> int:
        return sum(self.income.values())

    @property
    def expense_total(self) -> int:
        return sum(self.expense.values())

    @property
    def closing(self) -> int:
        return self.opening + self.income_total - self.expense_total

    def as_data(self) -> dict[str, Any]:
        return {
            "income": self.income,
            "expense": self.expense,
            "entries": self.entries,
        }


def statement_figures(account: Account, starts_on: date, ends_on: date) -> Figures:
    """Income and expense by category between two Beijing dates (inclusive), the opening
    balance and the ledger head at the end. Three aggregate queries, whatever the size."""
    before = EntryLine.objects.filter(
        account=account, category=CASH, booked_on__lt=starts_on
    ).aggregate(debit=Coalesce(Sum("debit"), 0), credit=Coalesce(Sum("credit"), 0))
    figures = Figures(
        starts_on=starts_on, ends_on=ends_on, opening=before["debit"] - before["credit"]
    )
    rows = (
        EntryLine.objects.filter(account=account, booked_on__range=(starts_on, ends_on))
        .exclude(category=CASH)
        .values("category")
        .annotate(debit=Sum("debit"), credit=Sum("credit"))
        .order_by()
    )
    for row in rows:
        category = row["category"]
        if category in INCOME_CATEGORIES:
            figures.income[category] = row["credit"] - row["debit"]
        elif category in EXPENSE_CATEGORIES:
            figures.expense[category] = row["debit"] - row["credit"]
    order = {value: index for index, value in enumerate(Category.values)}
    figures.income = dict(sorted(figures.income.items(), key=lambda item: order[item[0]]))
    figures.expense = dict(sorted(figures.expense.items(), key=lambda item: order[item[0]]))
    head = (
        Entry.objects.filter(account=account, booked_on__lte=ends_on)
        .order_by("-sequence")
        .values_list("sequence", "hash")
        .first()
    )
    if head is not None:
        figures.head_sequence, figures.head_hash = head
        figures.entries = Entry.objects.filter(
            account=account, booked_on__range=(starts_on, ends_on)
        ).count()
    return figures


def category_label(code: str) -> str:
    try:
        return str(Category(code).label)
    except ValueError:
        return code


# --- the public ledger ---------------------------------------------------------------------


@dataclass(frozen=True)
class PublicEntry:
    sequence: int
    booked_on: date
    description: str
    counterparty: str  # masked
    categories: tuple[str, ...]
    amount_in: int
    amount_out: int
    reverses: int | None
    hash: str


def mask_counterparty(text: str) -> str:
    """A person's name or a unit is masked; so is anything else past its first characters.
    张三丰 → 张*丰; 杭州某某物业有限公司 → 杭州某*****公司; 金狮苑7幢1单元301 → 金狮苑********
    (nothing of a text with digits is kept at the end)."""
    text = text.strip()
    if not text:
        return ""
    if len(text) <= 4:
        return mask_name(text)
    keep = max(2, len(text) // 3)
    # A flat's number (with the share's amount it names the household) is never shown.
    tail = 2 if len(text) > 8 and not any(ch.isdigit() for ch in text) else 0
    return text[:keep] + "*" * (len(text) - keep - tail) + (text[-tail:] if tail else "")


def public_entries(entries: Iterable[Entry]) -> list[PublicEntry]:
    """Entries as the public sees them: masked counterparty, cash in/out, categories."""
    import json

    from linli.finance.ledger import parse_code

    result = []
    for entry in entries:
        description, counterparty = split_memo(entry.memo)
        cash_in = cash_out = 0
        categories: list[str] = []
        for code, debit, credit in json.loads(entry.lines):
            category, _unit = parse_code(code)
            if category == CASH:
                cash_in += debit
                cash_out += credit
            elif category not in categories:
                categories.append(category)
        result.append(
            PublicEntry(
                sequence=entry.sequence,
                booked_on=entry.booked_on,
                description=description,
                counterparty=mask_counterparty(counterparty),
                categories=tuple(category_label(c) for c in categories),
                amount_in=cash_in,
                amount_out=cash_out,
                reverses=entry.reverses,
                hash=entry.hash,
            )
        )
    return result


def public_accounts(community_id: int) -> list[Account]:
    return list(
        Account.objects.select_related("estate").filter(community_id=community_id, closed_at=None)
    )


def published_statements(account: Account) -> QuerySet[Statement]:
    return Statement.objects.filter(account=account).select_related("notice")


# --- an owner's own money ------------------------------------------------------------------


# Cached on the user object for one request: the owner's pages ask for it several times.
_MY_UNITS_ATTR = "_linli_my_unit_ids"


def my_unit_ids(user: Any) -> list[int]:
    """Units the user owns now (one query per request)."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached: list[int] | None = user.__dict__.get(_MY_UNITS_ATTR)
    if cached is None:
        cached = user.__dict__[_MY_UNITS_ATTR] = list(
            Unit.objects.filter(ownerships__person__user=user, ownerships__until__isnull=True)
            .order_by("sort_key", "pk")
            .values_list("pk", flat=True)
            .distinct()
        )
    return cached


def my_shares(user: Any) -> QuerySet[Share]:
    """Shares of issued plans on the user's own units, with their plan and unit."""
    return (
        Share.objects.filter(unit_id__in=my_unit_ids(user), plan__status=CostPlan.Status.ISSUED)
        .select_related("plan__account", "unit__estate", "unit__building", "unit__entrance")
        .order_by("-plan__issued_at", "position")
    )


def my_payments(user: Any) -> QuerySet[Payment]:
    return (
        Payment.objects.filter(share__unit_id__in=my_unit_ids(user))
        .select_related(
            "share__plan",
            "share__unit__estate",
            "share__unit__building",
            "share__unit__entrance",
            "entry",
        )
        .order_by("-paid_at", "-id")
    )


def my_fund_balances(user: Any) -> list[tuple[Unit, Account, int]]:
    """(unit, maintenance fund, the unit's balance) for each of the user's flats whose estate
    has a maintenance fund. Two queries plus one aggregate per fund."""
    units = list(
        Unit.objects.filter(pk__in=my_unit_ids(user)).select_related(
            "estate", "building", "entrance"
        )
    )
    funds = {
        account.estate_id: account
        for account in Account.objects.filter(
            kind=Account.Kind.MAINTENANCE_FUND,
            estate_id__in={unit.estate_id for unit in units},
            closed_at=None,
        )
    }
    result: list[tuple[Unit, Account, int]] = []
    for estate_id, account in funds.items():
        mine = [unit for unit in units if unit.estate_id == estate_id]
        balances_ = unit_balances(account, [unit.pk for unit in mine])
        result.extend((unit, account, balances_[unit.pk]) for unit in mine)
    return result


def pending_expenses(user: Any) -> list[Expense]:
    """Expenses awaiting approval that this user may decide (not their own)."""
    expenses = (
        Expense.objects.filter(
            community_id__in=community_ids_for(user), status=Expense.Status.RECORDED
        )
        .exclude(recorded_by=user)
        .exclude(approvals__approver=user)
        .select_related("account__estate")
    )
    return [e for e in expenses if services.can_approve(user, e.account)]


def expenses_of(account: Account) -> QuerySet[Expense]:
    return Expense.objects.filter(account=account).select_related("recorded_by", "motion")


def entries_page(account: Account, *, before: int | None = None, size: int = 50) -> list[Entry]:
    """Up to `size` entries, newest first, before sequence `before` (keyset pagination)."""
    entries = Entry.objects.filter(account=account)
    if before is not None:
        entries = entries.filter(sequence__lt=before)
    return list(entries.order_by("-sequence")[:size])


@dataclass(frozen=True)
class FundHealth:
    """A maintenance fund's balance against its first deposit (HZ-PMR Art. 71, M1)."""

    balance: int
    first_deposit: int
    needs_top_up: bool

    @property
    def percent(self) -> str:
        """The balance as a percentage of the first deposit, one decimal ("29.9")."""
        if not self.first_deposit:
            return ""
        tenths = self.balance * 1000 // self.first_deposit
        return f"{tenths // 10}.{tenths % 10}"


def fund_health(account: Account, balance: int | None = None) -> FundHealth | None:
    """None unless the account is a maintenance fund with a first deposit on record."""
    from linli.domain.fund_rules import needs_top_up

    if account.kind != Account.Kind.MAINTENANCE_FUND or not account.first_deposit:
        return None
    if balance is None:
        balance = balances([account.pk])[account.pk]
    return FundHealth(
        balance=balance,
        first_deposit=account.first_deposit,
        needs_top_up=needs_top_up(account.first_deposit, max(balance, 0)),
    )
